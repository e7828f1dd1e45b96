"""Mẫu 04 (apology and new date, once, at least one working day before the due date), withdrawal, and the
decisions given at the counter without receiving a dossier (Mẫu 02/03)."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.catalog.models import ProcedureVersion
from motcua.documents.slips import apology_slip_pdf, counter_decision_pdf
from motcua.dossiers.counter import counter_decision_issue
from motcua.dossiers.models import CounterDecision, Dossier, DossierEvent, DossierStatus, PausePeriod
from motcua.dossiers.services import (
    dossier_apologise,
    dossier_receive,
    dossier_supplement_receive,
    dossier_supplement_request,
    dossier_withdraw,
)
from motcua.integrations.models import Notification
from motcua.org.models import Agency, Role
from motcua.workflow.models import StepInstance
from motcua.workflow.services import definition_default_create
from motcua.workflow.tests.factories import procedure
from tests.fixtures import staff

from .conftest import PDF, version_of, vn
from .test_receive import receive_kwargs


def marriage(desk_officer: User, org: dict[str, Agency], person: dict[str, Any]) -> Dossier:
    """A 3-working-day procedure received on Monday 2/3/2026 at 09:00: due Thursday 5/3 17:00."""
    kwargs = receive_kwargs(desk_officer, org, person)
    kwargs["procedure_version"] = version_of("9.000001")
    kwargs["files"] = {"TP1": [("to-khai.pdf", PDF)]}
    return dossier_receive(**kwargs)


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_an_apology_sets_a_new_date_once(
    catalog: Any, org: dict[str, Agency], desk_officer: User, commune_specialist: User, person: dict[str, Any]
) -> None:
    dossier = marriage(desk_officer, org, person)
    assert dossier.due_at == vn(2026, 3, 5, 17, 0)
    new_date = vn(2026, 3, 10, 17, 0)
    # The reason is required; the new date must come after the due date.
    with pytest.raises(ValidationError) as info:
        dossier_apologise(fresh(dossier), commune_specialist, "  ", new_date, now=vn(2026, 3, 3, 9, 0))
    assert info.value.code == "reason_required"
    with pytest.raises(ValidationError) as info:
        dossier_apologise(
            fresh(dossier), commune_specialist, "Chờ xác minh", vn(2026, 3, 5, 9, 0), now=vn(2026, 3, 3, 9, 0)
        )
    assert info.value.code == "new_date_not_later"
    # One working day before 17:00 Thursday is 17:00 Wednesday: later than that is too late.
    with pytest.raises(ValidationError) as info:
        dossier_apologise(
            fresh(dossier), commune_specialist, "Chờ xác minh", new_date, now=vn(2026, 3, 5, 8, 0)
        )
    assert info.value.code == "apology_too_late"
    assert fresh(dossier).apologised_at is None

    apologised = dossier_apologise(
        fresh(dossier), commune_specialist, "Chờ kết quả xác minh", new_date, now=vn(2026, 3, 4, 16, 59)
    )
    assert apologised.due_at == new_date and apologised.due_before_apology == vn(2026, 3, 5, 17, 0)
    assert apologised.apologised_at == vn(2026, 3, 4, 16, 59)
    event = DossierEvent.objects.get(dossier=dossier, action="apologised")
    assert event.public and event.comment == "Chờ kết quả xác minh"
    # The applicant is told the new date (SMS to the phone given at the counter).
    sms = Notification.objects.filter(channel="sms", reference=dossier.code).order_by("-id").first()
    assert sms is not None and "10/03/2026" in sms.body

    with pytest.raises(ValidationError) as info:
        dossier_apologise(
            fresh(dossier), commune_specialist, "Lần nữa", vn(2026, 3, 12, 17, 0), now=vn(2026, 3, 5, 9, 0)
        )
    assert info.value.code == "already_apologised"

    text = pdf_text(apology_slip_pdf(fresh(dossier)) or b"")
    for expected in (
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        dossier.code,
        "Nguyễn Văn An",
        "Chờ kết quả xác minh",
        "17 giờ 00 phút, ngày 05/03/2026",
        "17 giờ 00 phút, ngày 10/03/2026",
    ):
        assert expected in text


def test_no_apology_while_waiting_and_no_slip_without_one(
    catalog: Any, org: dict[str, Agency], desk_officer: User, commune_specialist: User, person: dict[str, Any]
) -> None:
    dossier = marriage(desk_officer, org, person)
    assert apology_slip_pdf(dossier) is None
    waiting, _late = dossier_supplement_request(
        fresh(dossier), desk_officer, ["Bản sao CCCD"], "", now=vn(2026, 3, 2, 10, 0)
    )
    with pytest.raises(ValidationError) as info:
        dossier_apologise(
            waiting, commune_specialist, "Chậm", vn(2026, 3, 20, 17, 0), now=vn(2026, 3, 2, 11, 0)
        )
    assert info.value.code == "waiting_supplement"


def test_withdrawal_closes_the_process_and_the_wait(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    definition_default_create(procedure("9.000001"))
    dossier = marriage(desk_officer, org, person)
    assert StepInstance.objects.filter(dossier=dossier, ended_at__isnull=True).count() == 1
    dossier_supplement_request(fresh(dossier), desk_officer, ["Bản sao CCCD"], "", now=vn(2026, 3, 2, 10, 0))
    other_desk = staff("center-desk", (org["center"], Role.SPECIALIST))
    with pytest.raises(ValidationError) as info:
        dossier_withdraw(fresh(dossier), other_desk, "Đơn rút", now=vn(2026, 3, 2, 11, 0))
    assert info.value.code == "forbidden"

    withdrawn = dossier_withdraw(
        fresh(dossier), desk_officer, "Đơn xin rút hồ sơ ngày 02/3", now=vn(2026, 3, 2, 11, 0)
    )
    assert withdrawn.status == DossierStatus.WITHDRAWN and withdrawn.finished_at == vn(2026, 3, 2, 11, 0)
    assert not StepInstance.objects.filter(dossier=dossier, ended_at__isnull=True).exists()
    assert PausePeriod.objects.get(dossier=dossier).ended_at == vn(2026, 3, 2, 11, 0)
    event = DossierEvent.objects.filter(dossier=dossier).order_by("-at", "-id").first()
    assert event is not None and (event.action, event.public, event.from_status) == (
        "withdrawn",
        True,
        DossierStatus.WAITING_SUPPLEMENT,
    )
    with pytest.raises(ValidationError) as info:
        dossier_withdraw(fresh(dossier), desk_officer, "", now=vn(2026, 3, 2, 12, 0))
    assert info.value.code == "closed"


def test_the_first_step_is_due_by_the_forwarding_cutoff(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    definition_default_create(procedure("9.000001"))
    # A 20-working-day procedure: the reception step's 5% share (one working day) is longer than the law
    # gives the desk, so the forwarding rule decides; for short procedures the share does.
    ProcedureVersion.objects.filter(pk=version_of("9.000001").pk).update(statutory_time=Decimal(20))
    kwargs = receive_kwargs(desk_officer, org, person)
    kwargs.update(procedure_version=version_of("9.000001"), files={"TP1": [("a.pdf", PDF)]})
    early = dossier_receive(**{**kwargs, "received_at": vn(2026, 3, 2, 10, 0)})
    late = dossier_receive(**{**kwargs, "received_at": vn(2026, 3, 2, 15, 30)})
    # 5% of 3 working days is more than what is left of the day: the desk forwards by the close of office,
    # or by the end of the next morning when the dossier came after 15:00 (NĐ 61/2018).
    assert StepInstance.objects.get(dossier=early).due_at == vn(2026, 3, 2, 17, 0)
    assert StepInstance.objects.get(dossier=late).due_at == vn(2026, 3, 3, 11, 30)


def test_decisions_at_the_counter_receive_nothing(
    catalog: Any, org: dict[str, Agency], desk_officer: User, commune_specialist: User
) -> None:
    version = version_of("1.001193")
    with pytest.raises(ValidationError) as info:
        counter_decision_issue(
            officer=desk_officer,
            unit=org["desk"],
            procedure_version=version,
            kind="completion",
            applicant_name="",
            applicant_id_number="123",
            applicant_email="not-an-address",
        )
    codes = {e.code for e in info.value.error_list}
    assert codes == {"name_required", "id_number", "email", "missing_items"}
    with pytest.raises(ValidationError) as info:
        counter_decision_issue(
            officer=commune_specialist,
            unit=org["desk"],
            procedure_version=version,
            kind="refusal",
            applicant_name="Lê Văn Cường",
            reason="Không thuộc thẩm quyền",
        )
    assert info.value.code == "forbidden"
    assert not CounterDecision.objects.exists()

    completion = counter_decision_issue(
        officer=desk_officer,
        unit=org["desk"],
        procedure_version=version,
        kind="completion",
        applicant_name="Lê Văn Cường",
        missing_items=["Giấy chứng sinh", " ", "Bản sao giấy chứng nhận kết hôn"],
        now=vn(2026, 3, 2, 9, 0),
    )
    refusal = counter_decision_issue(
        officer=desk_officer,
        unit=org["desk"],
        procedure_version=version,
        kind="refusal",
        applicant_name="Lê Văn Cường",
        reason="Trẻ đã được đăng ký khai sinh tại nơi khác",
        now=vn(2026, 3, 2, 9, 30),
    )
    assert completion.number == f"{org['desk'].code}-260302-BS{completion.pk:05d}"
    assert refusal.number.startswith(f"{org['desk'].code}-260302-TC")
    assert not Dossier.objects.exists()

    text = pdf_text(counter_decision_pdf(completion))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and "Giấy chứng sinh" in text
    assert "Bản sao giấy chứng nhận kết hôn" in text and completion.number in text
    assert "Mã hồ sơ" not in text  # nothing was received: no dossier code
    text = pdf_text(counter_decision_pdf(refusal))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN" in text and "Trẻ đã được đăng ký khai sinh tại nơi khác" in text


def test_subtracting_office_time_mirrors_adding_it(db: None) -> None:
    from motcua.workdays.selectors import working_calendar

    calendar = working_calendar()
    day = calendar.working_day_length
    # Monday 10:00 minus one working day is Friday 10:00; 17:00 Thursday minus a day is 17:00 Wednesday
    # (the end of a session, not the next opening).
    assert calendar.subtract_working_time(vn(2026, 3, 9, 10, 0), day) == vn(2026, 3, 6, 10, 0)
    assert calendar.subtract_working_time(vn(2026, 3, 5, 17, 0), day) == vn(2026, 3, 4, 17, 0)
    assert calendar.subtract_working_time(vn(2026, 3, 5, 8, 0), timedelta(hours=1)) == vn(2026, 3, 4, 16, 30)
    for start in (vn(2026, 2, 10, 9, 15), vn(2026, 4, 29, 14, 0), vn(2026, 9, 7, 16, 45)):
        for delta in (timedelta(minutes=30), day, day * 3 + timedelta(hours=2)):
            assert calendar.add_working_time(calendar.subtract_working_time(start, delta), delta) == start


def test_a_wait_after_the_apology_moves_the_new_date(
    catalog: Any, org: dict[str, Agency], desk_officer: User, commune_specialist: User, person: dict[str, Any]
) -> None:
    dossier = marriage(desk_officer, org, person)
    dossier_apologise(
        fresh(dossier), commune_specialist, "Chờ xác minh", vn(2026, 3, 10, 17, 0), now=vn(2026, 3, 3, 9, 0)
    )
    dossier_supplement_request(
        fresh(dossier), commune_specialist, ["Bản sao CCCD"], "", now=vn(2026, 3, 3, 10, 0)
    )
    resumed = dossier_supplement_receive(fresh(dossier), commune_specialist, {}, now=vn(2026, 3, 3, 15, 0))
    # The wait was 10:00–15:00 on a working day: 1 h 30 of morning and 2 h of afternoon = 3 h 30 of office time.
    assert resumed.due_at == vn(2026, 3, 11, 11, 0)
    assert resumed.due_before_apology == vn(2026, 3, 6, 11, 0)
