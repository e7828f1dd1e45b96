"""An applicant rates the handling of a finished dossier on a phone-sized screen, with the keyboard only; the
agency's leader then finds the rating in the figures. Screenshots are saved in test-artifacts/."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import AccountKind, User
from motcua.catalog.models import Procedure, Result
from motcua.dossiers.models import Dossier
from motcua.dossiers.results import result_document_add, result_documents_approve
from motcua.dossiers.services import dossier_finish, dossier_receive
from motcua.feedback.models import Rating
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "pw-Test-123456"
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >>"
    b" endobj\n3 0 obj << /Type /Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def finished_dossier(org: dict[str, Agency], geo: dict[str, Any]) -> Dossier:
    desk = staff("desk-officer", (org["desk"], Role.RECEPTION_OFFICER))
    leader = staff("commune-leader", (org["commune"], Role.AGENCY_LEADER))
    version = Procedure.objects.get(national_code="9.000001").current_version
    assert version is not None
    dossier = dossier_receive(
        officer=desk,
        receiving_unit=org["desk"],
        procedure_version=version,
        applicant={
            "kind": "person",
            "full_name": "Nguyễn Văn An",
            "id_number": "024099012345",
            "date_of_birth": date(1999, 5, 1),
            "sex": "male",
            "phone": "0912345678",
            "commune": geo["ward"],
        },
        channel="counter",
        form_data={},
        files={"TP1": [("to-khai.pdf", PDF)]},
        received_at=datetime(2026, 3, 2, 9, tzinfo=VN),
    )
    at = datetime(2026, 3, 3, 10, tzinfo=VN)
    result = Result.objects.filter(version=version).first()
    result_document_add(Dossier.objects.get(pk=dossier.pk), leader, result=result, now=at)
    result_documents_approve(Dossier.objects.get(pk=dossier.pk), leader, now=at)
    return dossier_finish(Dossier.objects.get(pk=dossier.pk), desk, now=at)


def test_an_applicant_rates_with_the_keyboard_and_the_leader_sees_it(
    live_server: Any, catalog: Any, org: dict[str, Agency], geo: dict[str, Any], browser: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    dossier = finished_dossier(org, geo)
    citizen = User.objects.create_user(
        "0912000111",
        password=PASSWORD,
        kind=AccountKind.CITIZEN,
        full_name="Nguyễn Văn An",
        id_number="024099012345",
        id_verified_at=timezone.now(),
    )
    # The citizen portal's own login belongs to another part of the portal: the session is opened directly.
    session = Client()
    session.force_login(citizen)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    context.add_cookies(
        [{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/ho-so-cua-toi/{dossier.code}/")
    page.get_by_role("link", name="Đánh giá việc giải quyết hồ sơ này").click()
    page.wait_for_url("**/danh-gia/")
    # Question 1 is pre-selected from the record (on time); the others are answered with the keyboard:
    # focus the first answer of a group, arrows move within it.
    assert page.locator("input[name=total_time][value='2']").is_checked()
    for code in ("agency_time", "one_stop", "publication", "attitude", "feedback", "online"):
        page.locator(f"input[name={code}][value='2']").focus()
        page.keyboard.press("Space")
    page.locator("input[name=attitude][value='2']").focus()
    page.keyboard.press("ArrowDown")
    assert page.locator("input[name=attitude][value='1']").is_checked()
    page.get_by_label("Ý kiến khác (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình.")
    page.screenshot(path=str(ARTIFACTS / "rating-form-390.png"), full_page=True)
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{dossier.code}/")
    assert "Bạn đã đánh giá hồ sơ này: 17 điểm" in page.content()
    page.screenshot(path=str(ARTIFACTS / "rating-done-390.png"), full_page=True)
    rating = Rating.objects.get()
    assert (rating.total, rating.attitude, rating.comment) == (17, 1, "Cán bộ hướng dẫn tận tình.")
    context.close()

    leader = User.objects.get(username="commune-leader")
    leader.set_password(PASSWORD)
    leader.save()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/quan-tri/login/?next=/mot-cua/danh-gia/")
    page.fill("input[name=username]", "commune-leader")
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url("**/mot-cua/danh-gia/")
    page.fill("input[name=tu_ngay]", "2026-01-01")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_load_state()
    assert "Ủy ban nhân dân phường Bắc Giang" in page.content() and "Xuất sắc" in page.content()
    page.screenshot(path=str(ARTIFACTS / "rating-figures-1280.png"), full_page=True)
    page.get_by_role("link", name="1 phiếu đánh giá của Ủy ban nhân dân phường Bắc Giang").click()
    page.wait_for_url("**/danh-gia/phieu/**")
    assert dossier.code in page.content() and "Cán bộ hướng dẫn tận tình." in page.content()
    context.close()
