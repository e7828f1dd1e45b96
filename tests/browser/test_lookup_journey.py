"""A citizen looks up a procedure in Debian's Chromium: desktop and a 390-px phone. Screenshots are saved
in test-artifacts/ for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser() -> Any:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed (make test installs it)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


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
