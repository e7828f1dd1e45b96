"""A citizen looks up a procedure in Debian's Chromium: desktop and a 390-px phone. Screenshots are saved
in test-artifacts/ for a person to look at."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lookup_on_desktop_and_phone(live_server: Any, catalog: Any, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.goto(live_server.url + "/")
    page.screenshot(path=str(ARTIFACTS / "portal-home.png"), full_page=True)
    page.get_by_role("searchbox").fill("DANG KY KHAI SINH")
    page.keyboard.press("Enter")
    page.wait_for_url("**/thu-tuc/?q=*")
    results = page.locator("ol.results li")
    assert results.count() == 1
    page.screenshot(path=str(ARTIFACTS / "portal-results.png"), full_page=True)
    page.get_by_role("link", name="Đăng ký khai sinh").click()
    assert page.locator("h1").inner_text() == "Đăng ký khai sinh"
    assert page.get_by_text("Luật Hộ tịch 2014").is_visible()
    page.screenshot(path=str(ARTIFACTS / "portal-procedure.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("a[download]").first.click()
    assert download.value.suggested_filename.endswith(".docx")

    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    phone.goto(live_server.url + "/thu-tuc/?level=commune")
    assert phone.locator("ol.results li").count() == 2
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the phone layout scrolls sideways ({width}px)"
    phone.screenshot(path=str(ARTIFACTS / "portal-phone.png"), full_page=True)
    phone.goto(live_server.url + "/thu-tuc/1.001193/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(ARTIFACTS / "portal-phone-procedure.png"), full_page=True)
