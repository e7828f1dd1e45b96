"""An applicant in Debian's Chromium fills in an e-form: a field with a show-when condition appears only when
its condition holds (hidden, its input is disabled and not posted), and the draft keeps what was typed.
Screenshots are saved in test-artifacts/ for a person to look at."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import AccountKind, User
from motcua.catalog.models import Procedure
from motcua.dossiers import online
from motcua.dossiers.models import OnlineSubmission

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_show_when_fields_follow_the_answers(live_server: Any, eform_catalog: Any, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    citizen = User.objects.create_user(
        "0912000111",
        password="pw-Test-123456",
        kind=AccountKind.CITIZEN,
        full_name="Nguyễn Thị Lan",
        id_number="027196004521",
        id_verified_at=timezone.now(),
        date_of_birth=date(1996, 3, 8),
    )
    version = Procedure.objects.get(national_code="1.001193").current_version
    assert version is not None
    submission = online.submission_start(citizen, version)
    session = Client()
    session.force_login(citizen)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.add_cookies(
        [{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/nop-ho-so/{submission.key}/to-khai/")

    authorisation = page.locator("#eform-so_van_ban_uy_quyen")
    assert not authorisation.is_visible() and authorisation.is_disabled()
    page.check("#eform-quan_he-2")  # "Người được ủy quyền"
    assert authorisation.is_visible() and authorisation.is_enabled()
    authorisation.fill("15/UQ-2026")
    page.screenshot(path=str(ARTIFACTS / "eform-show-when.png"), full_page=True)
    page.check("#eform-quan_he-0")  # back to "Mẹ": hidden again, its answer no longer posted
    assert not authorisation.is_visible()
    with page.expect_navigation():
        page.click("button[name=luu-nhap]")
    saved = OnlineSubmission.objects.get(pk=submission.pk).form_data
    assert saved == {"quan_he": "me", "ho_ten_nguoi_khai": "Nguyễn Thị Lan"}

    page.check("#eform-quan_he-2")
    page.fill("#eform-so_van_ban_uy_quyen", "15/UQ-2026")
    with page.expect_navigation():
        page.click("button[name=luu-nhap]")
    saved = OnlineSubmission.objects.get(pk=submission.pk).form_data
    assert saved["so_van_ban_uy_quyen"] == "15/UQ-2026"
    assert page.locator("#eform-so_van_ban_uy_quyen").input_value() == "15/UQ-2026"
    context.close()
