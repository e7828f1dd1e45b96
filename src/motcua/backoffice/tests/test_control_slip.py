"""Mẫu 05 (Phiếu kiểm soát quá trình giải quyết hồ sơ): the hand-overs of a dossier, from its process steps
or, without a process, from its history."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.audit.models import AccessLog
from motcua.catalog.models import Procedure, Result
from motcua.documents.control_slip import control_slip_for, hand_overs
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.dossiers.results import result_document_add
from motcua.dossiers.selectors import dossier_timeline
from motcua.dossiers.services import dossier_finish, dossier_return_result, dossier_supplement_request
from motcua.org.models import Agency, Role
from motcua.workflow.engine import process_act
from motcua.workflow.models import Action, ActionKind
from motcua.workflow.selectors import dossier_steps, open_main_step
from motcua.workflow.services import definition_default_create
from tests.fixtures import staff

from .conftest import receive, vn, with_approved_result


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def act(dossier: Dossier, user: User, kind: str, at: Any, **kwargs: Any) -> None:
    step = open_main_step(dossier)
    if kwargs.pop("consultation", False):
        step = dossier_steps(dossier).filter(parallel=True, ended_at__isnull=True).get()
        kwargs["step_instance_id"] = step.pk
    assert step is not None
    action = Action.objects.filter(from_step=step.step, kind=kind).order_by("position").first()
    assert action is not None, (step.step.code, kind)
    process_act(dossier, user, action.pk, at=at, **kwargs)


def moved_dossier(org: dict[str, Agency], desk_officer: User, person: dict[str, Any]) -> Dossier:
    """Received Monday 2 March 2026 09:00 (3 working days: due Thursday 5 March), through the default
    five-step process: appraisal done early with a consultation of Sở Tư pháp, review late, approval
    and return on Friday 6 March (the dossier is late)."""
    definition_default_create(Procedure.objects.get(national_code="9.000001"))
    dossier = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    specialist = staff("commune-specialist", (org["commune"], Role.SPECIALIST))
    head = staff("commune-head", (org["commune"], Role.HEAD_OF_DIVISION))
    leader = staff("commune-leader", (org["commune"], Role.AGENCY_LEADER))
    justice = staff("justice-specialist", (org["justice"], Role.SPECIALIST))
    specialist.full_name = "Lê Thị Thẩm"
    specialist.save()
    act(dossier, desk_officer, ActionKind.FORWARD, vn(2026, 3, 2, 9, 40), comment="Hồ sơ đầy đủ")
    act(dossier, specialist, ActionKind.CONSULT, vn(2026, 3, 2, 10), consulted_agency=org["justice"])
    act(dossier, justice, ActionKind.FORWARD, vn(2026, 3, 2, 14), consultation=True, comment="Đồng ý")
    act(dossier, specialist, ActionKind.FORWARD, vn(2026, 3, 2, 15))
    act(dossier, head, ActionKind.FORWARD, vn(2026, 3, 6, 8))
    result = Result.objects.get(version=dossier.procedure_version)
    result_document_add(Dossier.objects.get(pk=dossier.pk), leader, result=result, now=vn(2026, 3, 6, 8, 30))
    dossier.refresh_from_db()
    act(dossier, leader, ActionKind.APPROVE, vn(2026, 3, 6, 9))
    act(dossier, desk_officer, ActionKind.FINISH, vn(2026, 3, 6, 9, 30))
    dossier.refresh_from_db()
    return dossier


def test_control_slip_rows_follow_the_process_steps(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    dossier = moved_dossier(org, desk_officer, person)
    assert dossier.status == DossierStatus.FINISHED
    rows = hand_overs(dossier, list(dossier_steps(dossier)), list(dossier_timeline(dossier)))
    desk, commune, justice = org["desk"].name, org["commune"].name, org["justice"].name
    applicant = "Nguyễn Văn An (người nộp hồ sơ)"
    assert [(r.giver, r.receiver, r.at, r.result) for r in rows] == [
        # The desk's reception step (5% of 3 days) ends the same morning: on time.
        (desk, commune, vn(2026, 3, 2, 9, 40), "Đúng hạn"),
        (commune, justice, vn(2026, 3, 2, 10), ""),
        # The consulted agency answers on the day of its due date.
        (justice, commune, vn(2026, 3, 2, 14), "Trước hạn"),
        # Appraisal (60%: due on 4 March) finished on 2 March: early.
        (commune, commune, vn(2026, 3, 2, 15), "Trước hạn"),
        # Review (15%: due on 3 March) handed over on 6 March: late.
        (commune, commune, vn(2026, 3, 6, 8), "Quá hạn"),
        (commune, desk, vn(2026, 3, 6, 9), "Đúng hạn"),
        # The desk's last step returns the result to the applicant.
        (desk, applicant, vn(2026, 3, 6, 9, 30), "Đúng hạn"),
    ]
    assert rows[0].giver_person == "desk-officer" and rows[3].giver_person == "Lê Thị Thẩm"
    assert rows[1].note == "Xin ý kiến phối hợp" and rows[2].note.startswith("Trả lời xin ý kiến; Đồng ý")
    assert "Hồ sơ đầy đủ" in rows[0].note and rows[-1].note.startswith("Có kết quả giải quyết")


def test_control_slip_pdf_from_the_dossier_page(
    desk_client: Client,
    catalog: Any,
    org: dict[str, Agency],
    desk_officer: User,
    person: dict[str, Any],
    tmp_path: Path,
) -> None:
    dossier = moved_dossier(org, desk_officer, person)
    page = desk_client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    url = f"/mot-cua/ho-so/{dossier.code}/mau-05.pdf"
    assert url in page and "Control slip (Mẫu 05, PDF)" in page
    response = desk_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="mau-05-{dossier.code}.pdf"'
    (tmp_path / "mau-05.pdf").write_bytes(response.content)
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    # A5 landscape: 210 × 148 mm.
    assert round(float(box.width) / 72 * 25.4) == 210 and round(float(box.height) / 72 * 25.4) == 148
    text = pdf_text(response.content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {dossier.code}",
        "TÊN CƠ QUAN",
        "THỜI GIAN GIAO, NHẬN HỒ SƠ",
        "(Trước hạn/đúng hạn/",
        "GHI CHÚ",
        "Nguyễn Văn An",
        "Đăng ký kết hôn",
        "Cơ quan phối hợp giải quyết hồ sơ: Sở Tư pháp",
        "09:00 02/03/2026",
        f"Thời gian hẹn trả kết quả: {timezone.localtime(dossier.due_at):%H:%M %d/%m/%Y}",
        "Giao: Bộ phận Một cửa phường Bắc Giang",
        "Nhận: Ủy ban nhân dân phường Bắc Giang",
        "09:40 02/03/2026",
        "Quá hạn",
        "Trước hạn",
        "Người giao: Lê Thị Thẩm",
    ):
        assert expected in text, expected
    assert (
        AccessLog.objects.filter(action="print", object_type="slip-05", object_ref=dossier.code).count() == 1
    )


def test_control_slip_without_a_process_comes_from_the_history(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], tmp_path: Path
) -> None:
    dossier = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    assert not dossier_steps(dossier).exists()
    dossier = dossier_supplement_request(
        dossier, desk_officer, ["Giấy chứng sinh"], "Thiếu giấy tờ", now=vn(2026, 3, 2, 10)
    )[0]
    from motcua.dossiers.services import dossier_supplement_receive

    from .conftest import PDF

    dossier = dossier_supplement_receive(
        dossier, desk_officer, {"TP1": [("bo-sung.pdf", PDF)]}, now=vn(2026, 3, 3, 8)
    )
    dossier = with_approved_result(dossier, vn(2026, 3, 4, 9))
    dossier = dossier_finish(dossier, desk_officer, "Đã ký", now=vn(2026, 3, 4, 10))
    dossier = dossier_return_result(dossier, desk_officer, method="counter", at=vn(2026, 3, 4, 15))
    slip = control_slip_for(
        Dossier.objects.select_related(
            "receiving_unit__parent",
            "receiving_unit__admin_unit",
            "competent_agency",
            "applicant",
            "procedure_version",
            "created_by",
        ).get(pk=dossier.pk),
        now=vn(2026, 3, 5, 8),
    )
    desk, commune = org["desk"].name, org["commune"].name
    applicant = "Nguyễn Văn An (người nộp hồ sơ)"
    assert [(r.giver, r.receiver, r.at, r.result) for r in slip.rows] == [
        (desk, commune, vn(2026, 3, 2, 9), ""),
        (desk, applicant, vn(2026, 3, 2, 10), ""),
        (applicant, desk, vn(2026, 3, 3, 8), ""),
        # Due date moved by the wait for the supplement; finished before it.
        (commune, desk, vn(2026, 3, 4, 10), "Trước hạn"),
        (desk, applicant, vn(2026, 3, 4, 15), "Trước hạn"),
    ]
    assert slip.rows[1].note.startswith("Yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02); Giấy chứng sinh")
    assert slip.rows[-1].note == "Trả kết quả; tại Bộ phận tiếp nhận và trả kết quả"
