"""The dossier page, its actions (supplement request and receipt, refusal), its files and Mẫu 01."""

from __future__ import annotations

import io
import re
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.catalog.models import Component
from motcua.dossiers.models import Dossier, DossierEvent, DossierStatus, PausePeriod
from motcua.org.models import Agency

from .conftest import PDF, receive, version_of, vn

RECEIVED = vn(2026, 3, 2, 9, 0)  # a Monday


def url(dossier: Dossier, suffix: str = "") -> str:
    return f"/mot-cua/ho-so/{dossier.code}/{suffix}"


def make(org: dict[str, Agency], desk_officer: User, person: dict[str, Any], at: Any = RECEIVED) -> Dossier:
    return receive(desk_officer, org["desk"], person, at)


def test_page_shows_the_dossier_timeline_and_due_date(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], desk_client: Client
) -> None:
    dossier = make(org, desk_officer, person)
    with time_machine.travel(vn(2026, 3, 3, 9, 0), tick=False):
        page = desk_client.get(url(dossier)).content.decode()
    assert dossier.code in page and "Nguyễn Văn An" in page and "024099012345" in page
    assert "Đăng ký kết hôn" in page and "version 1" in page
    assert "Bộ phận Một cửa phường Bắc Giang" in page and "Ủy ban nhân dân phường Bắc Giang" in page
    assert "17:00 05/03/2026" in page  # 3 working days counted from Tuesday
    # Tue 09:00 → Thu 17:00: 6 h 30 on Tuesday and two full days (the minutes are dropped beyond a day).
    assert "2 working days 6 hours left" in page
    assert "History" in page and "Received" in page and "desk-officer" in page
    assert (
        "to-khai.pdf" in page and "application/pdf" in page and dossier.attachments.get().sha256[:12] in page
    )
    assert "Đăng ký" in page  # form data
    assert 'name="yeu-cau-bo-sung-lock_version"' in page and 'value="0"' in page
    # Overdue in red once the due date has passed.
    with time_machine.travel(vn(2026, 3, 6, 9, 0), tick=False):
        late = desk_client.get(url(dossier)).content.decode()
    assert "Overdue by 1 hour 30 minutes" in late  # Friday 07:30 → 09:00 and 'class="overdue"' in late


def test_supplement_request_then_supplement_received(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], desk_client: Client
) -> None:
    dossier = make(org, desk_officer, person, at=vn(2026, 11, 2, 9, 0))
    response = desk_client.post(
        url(dossier),
        {
            "hanh_dong": "yeu-cau-bo-sung",
            "yeu-cau-bo-sung-missing_items": "Bản sao CCCD của mẹ\n\n  Giấy chứng sinh  \n",
            "yeu-cau-bo-sung-comment": "Bổ sung trong 5 ngày",
            "yeu-cau-bo-sung-lock_version": "0",
        },
        follow=True,
    )
    assert response.redirect_chain == [(url(dossier), 302)]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WAITING_SUPPLEMENT and dossier.lock_version == 1
    pause = PausePeriod.objects.get(dossier=dossier)
    assert pause.missing_items == ["Bản sao CCCD của mẹ", "Giấy chứng sinh"]
    page = response.content.decode()
    assert "Supplement requested" in page
    # Received on 2 Nov, requested today: far more than 3 working days → the late warning.
    assert "recorded as a late supplement request" in page
    assert "Giấy chứng sinh" in page and "still waiting" in page

    tp1 = Component.objects.get(version=version_of("9.000001"), code="TP1")
    response = desk_client.post(
        url(dossier),
        {
            "hanh_dong": "nhan-bo-sung",
            "nhan-bo-sung-lock_version": "1",
            f"tp-{tp1.pk}": SimpleUploadedFile("bo-sung.pdf", PDF, "application/pdf"),
        },
        follow=True,
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IN_PROGRESS and dossier.lock_version == 2
    assert dossier.attachments.get(original_name="bo-sung.pdf").pause == pause
    assert "Supplement received. New due date" in response.content.decode()
    assert list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True)) == [
        "received",
        "supplement_requested",
        "supplement_received",
    ]


def test_a_stale_screen_is_refused_and_changes_nothing(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], desk_client: Client
) -> None:
    dossier = make(org, desk_officer, person)
    data = {"hanh_dong": "tu-choi", "tu-choi-reason": "Hồ sơ giả mạo", "tu-choi-lock_version": "0"}
    first = desk_client.post(
        url(dossier),
        {
            "hanh_dong": "yeu-cau-bo-sung",
            "yeu-cau-bo-sung-missing_items": "A",
            "yeu-cau-bo-sung-lock_version": "0",
        },
    )
    assert first.status_code == 302
    second = desk_client.post(url(dossier), data)  # the same screen state (lock version 0)
    assert second.status_code == 400
    page = second.content.decode()
    assert "was changed by someone else" in page and "Hồ sơ giả mạo" in page  # the typed reason is kept
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WAITING_SUPPLEMENT


def test_empty_missing_items_and_reason_are_refused(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], desk_client: Client
) -> None:
    dossier = make(org, desk_officer, person)
    bad = desk_client.post(
        url(dossier),
        {
            "hanh_dong": "yeu-cau-bo-sung",
            "yeu-cau-bo-sung-missing_items": " \n ",
            "yeu-cau-bo-sung-lock_version": "0",
        },
    )
    assert bad.status_code == 400 and "Nothing was changed" in bad.content.decode()
    assert (
        desk_client.post(url(dossier), {"hanh_dong": "tu-choi", "tu-choi-lock_version": "0"}).status_code
        == 400
    )
    assert desk_client.post(url(dossier), {"hanh_dong": "khac"}).status_code == 400
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED and dossier.lock_version == 0


def test_refuse(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], desk_client: Client
) -> None:
    dossier = make(org, desk_officer, person)
    response = desk_client.post(
        url(dossier),
        {"hanh_dong": "tu-choi", "tu-choi-reason": "Không thuộc thẩm quyền", "tu-choi-lock_version": "0"},
        follow=True,
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REFUSED and dossier.finished_at is not None
    page = response.content.decode()
    assert "The dossier is refused" in page and "Không thuộc thẩm quyền" in page
    assert "The handling of this dossier is over." in page and 'name="hanh_dong"' not in page


def test_receipt_slip_pdf(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], desk_client: Client
) -> None:
    dossier = make(org, desk_officer, person)
    response = desk_client.get(url(dossier, "mau-01.pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = re.sub(r"\s+", " ", text)
    assert dossier.code in flat.replace(" ", "") or dossier.code in flat
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in flat
    assert "Nguyễn Văn An" in flat and "Đăng ký kết hôn" in flat and "Tờ khai" in flat


def test_attachment_is_served_as_a_download(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], desk_client: Client
) -> None:
    dossier = make(org, desk_officer, person)
    attachment = dossier.attachments.get()
    response = desk_client.get(url(dossier, f"tep/{attachment.pk}/"))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"].startswith("attachment")
        and "to-khai.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    other = make(org, desk_officer, person)
    # A file of another dossier is not reachable through this one.
    assert desk_client.get(url(other, f"tep/{attachment.pk}/")).status_code == 404


def test_the_page_reads_only_the_lists_a_dossier_has(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], desk_client: Client
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.backoffice.page_reads import PAGE_FLAGS, dossier_by_code

    dossier = make(org, desk_officer, person)
    read = dossier_by_code(dossier.code, ("applicant",), flags=True)
    assert read is not None
    # Each flag says whether the list has rows: the attachment is there, no steps, results, pauses, payments.
    assert {name: getattr(read, name) for name in PAGE_FLAGS} == {
        "has_steps": False,
        "has_attachments": True,
        "has_result_documents": False,
        "has_pauses": False,
        "has_payments": False,
    }
    with time_machine.travel(vn(2026, 3, 3, 9, 0), tick=False), CaptureQueriesContext(connection) as queries:
        page = desk_client.get(url(dossier)).content.decode()
    read_tables = {
        found.group(1) for q in queries.captured_queries if (found := re.match(r'SELECT "(\w+)"', q["sql"]))
    }
    assert "to-khai.pdf" in page and "dossiers_attachment" in read_tables
    assert not read_tables & {
        "workflow_stepinstance",
        "dossiers_resultdocument",
        "dossiers_pauseperiod",
        "payments_payment",
    }
    # After a supplement request the pause is read and shown.
    from motcua.dossiers.services import dossier_supplement_request

    dossier_supplement_request(
        dossier, desk_officer, ["Bản sao giấy khai sinh"], "", now=vn(2026, 3, 3, 10, 0)
    )
    with time_machine.travel(vn(2026, 3, 3, 11, 0), tick=False):
        page = desk_client.get(url(dossier)).content.decode()
    assert "Bản sao giấy khai sinh" in page and "still waiting" in page


def test_the_history_and_fees_read_with_the_page_equal_their_own_reads(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    from motcua.backoffice.page_reads import dossier_by_code, events_of, fee_lines_read
    from motcua.dossiers.services import dossier_supplement_request
    from motcua.payments.fees import fee_lines

    dossier = make(org, desk_officer, person, at=vn(2026, 3, 2, 9, 0))
    dossier_supplement_request(dossier, desk_officer, ["Bản sao"], "Thiếu bản sao", now=vn(2026, 3, 2, 10, 0))
    with_page = dossier_by_code(dossier.code, ("procedure_version",), flags=True)
    alone = dossier_by_code(dossier.code, ("procedure_version",))
    assert with_page is not None and alone is not None

    def shown(events: list[DossierEvent]) -> list[tuple[Any, ...]]:
        return [
            (e.pk, e.at, e.action, e.from_status, e.to_status, e.comment, e.public, e.data, str(e.actor))
            for e in events
        ]

    assert len(events_of(alone)) == 2
    assert shown(events_of(with_page)) == shown(events_of(alone))
    lines = fee_lines_read(with_page)
    assert lines is None or lines == fee_lines(dossier.procedure_version)
    assert fee_lines_read(alone) is None
