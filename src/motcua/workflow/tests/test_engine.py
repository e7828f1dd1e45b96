"""The process engine: a dossier's passage through the default one-stop process, who may act, pauses,
consultations, send-backs and concurrent officers."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from motcua.accounts.models import User
from motcua.catalog.models import Result
from motcua.dossiers.models import Dossier, DossierEvent, DossierStatus, PausePeriod
from motcua.dossiers.results import result_document_add
from motcua.dossiers.services import dossier_receive, dossier_refuse, dossier_return_result
from motcua.dossiers.tests.conftest import PDF, vn
from motcua.dossiers.tests.test_receive import receive_kwargs
from motcua.org.models import Agency, Role
from motcua.workdays.selectors import working_calendar
from tests.fixtures import staff

from ..engine import (
    available_actions,
    process_act,
    process_start,
    process_supplement_receive,
    step_budget,
    step_due,
)
from ..models import Action, ActionKind, ProcessDefinition, Step, StepInstance, StepUnit
from ..selectors import dossier_steps, holds_role, open_main_step, open_steps_for_user
from ..services import definition_default_create
from .factories import procedure

RECEIVED_AT = vn(2026, 3, 2, 9, 0)  # a Monday; the birth registration takes 0.5 working day


@pytest.fixture
def process(catalog: Any) -> ProcessDefinition:
    return definition_default_create(procedure("1.001193"))


@pytest.fixture
def dossier(
    process: ProcessDefinition, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> Dossier:
    return dossier_receive(**receive_kwargs(desk_officer, org, person))


@pytest.fixture
def head(org: dict[str, Agency]) -> User:
    return staff("commune-head", (org["commune"], Role.HEAD_OF_DIVISION))


@pytest.fixture
def leader(org: dict[str, Agency]) -> User:
    return staff("commune-leader", (org["commune"], Role.AGENCY_LEADER))


@pytest.fixture
def justice_specialist(org: dict[str, Agency]) -> User:
    return staff("justice-specialist", (org["justice"], Role.SPECIALIST))


def action(dossier: Dossier, kind: ActionKind) -> Action:
    """The action of ``kind`` of the dossier's open main step."""
    main = open_main_step(dossier)
    assert main is not None
    return Action.objects.get(from_step=main.step, kind=kind)


def act(dossier: Dossier, user: User, kind: ActionKind, at: datetime, **kwargs: Any) -> StepInstance | None:
    return process_act(dossier, user, action(dossier, kind).pk, at=at, **kwargs)


def catalog_result(dossier: Dossier) -> Result:
    result = Result.objects.filter(version=dossier.procedure_version).order_by("id").first()
    assert result is not None
    return result


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def expected_due(step: Step, started_at: datetime, dossier: Dossier) -> datetime:
    calendar = working_calendar()
    return calendar.add_working_time(started_at, step_budget(step, dossier.procedure_version, calendar))


# --- the whole passage ----------------------------------------------------------------------------


def test_whole_lifecycle_on_the_default_process(
    dossier: Dossier,
    org: dict[str, Agency],
    desk_officer: User,
    commune_specialist: User,
    head: User,
    leader: User,
) -> None:
    # The receipt opened the reception step at the desk; 5% of 0.5 working day is 12 minutes of office time.
    reception = open_main_step(dossier)
    assert reception is not None
    assert (reception.step.code, reception.role, reception.agency) == (
        "tiep-nhan",
        Role.RECEPTION_OFFICER,
        org["desk"],
    )
    assert reception.started_at == RECEIVED_AT
    assert reception.budget == timedelta(minutes=12) and reception.due_at == vn(2026, 3, 2, 9, 12)
    assert [a.kind for a in available_actions(dossier, desk_officer)] == [
        ActionKind.FORWARD,
        ActionKind.REQUEST_SUPPLEMENT,
        ActionKind.REFUSE,
    ]
    assert list(open_steps_for_user(desk_officer)) == [reception]
    assert list(open_steps_for_user(commune_specialist)) == []

    appraisal = act(dossier, desk_officer, ActionKind.FORWARD, vn(2026, 3, 2, 9, 10), comment="Đủ hồ sơ")
    assert appraisal is not None and appraisal.dossier.status == DossierStatus.IN_PROGRESS
    assert (appraisal.step.code, appraisal.role, appraisal.agency) == (
        "tham-dinh",
        Role.SPECIALIST,
        org["commune"],
    )
    # 60% of 4 office hours = 144 minutes from 09:10: 11:30 ends the morning, 4 minutes after 13:00.
    assert appraisal.due_at == vn(2026, 3, 2, 13, 4)
    assert list(open_steps_for_user(commune_specialist)) == [appraisal]
    assert list(open_steps_for_user(desk_officer)) == []

    review = act(fresh(dossier), commune_specialist, ActionKind.FORWARD, vn(2026, 3, 2, 10, 0))
    assert review is not None and (review.step.code, review.role) == ("xem-xet", Role.HEAD_OF_DIVISION)
    approval = act(fresh(dossier), head, ActionKind.FORWARD, vn(2026, 3, 2, 10, 30))
    assert approval is not None and (approval.step.code, approval.role) == ("phe-duyet", Role.AGENCY_LEADER)
    # The birth registration lists a result: the leader cannot approve before there is a document.
    with pytest.raises(ValidationError) as info:
        act(fresh(dossier), leader, ActionKind.APPROVE, vn(2026, 3, 2, 10, 40))
    assert info.value.code == "result_missing"
    document = result_document_add(
        fresh(dossier), commune_specialist, result=catalog_result(dossier), now=vn(2026, 3, 2, 10, 45)
    )
    assert document.approved_at is None
    handover = act(fresh(dossier), leader, ActionKind.APPROVE, vn(2026, 3, 2, 11, 0), comment="Đồng ý")
    assert handover is not None
    assert (handover.step.code, handover.agency) == ("tra-ket-qua", org["desk"])
    assert handover.dossier.status == DossierStatus.IN_PROGRESS
    document.refresh_from_db()
    assert (document.approved_by, document.approved_at) == (leader, vn(2026, 3, 2, 11, 0))
    assert act(fresh(dossier), desk_officer, ActionKind.FINISH, vn(2026, 3, 2, 11, 10)) is None

    finished = fresh(dossier)
    assert finished.status == DossierStatus.FINISHED and finished.finished_at == vn(2026, 3, 2, 11, 10)
    assert open_main_step(finished) is None and available_actions(finished, desk_officer) == []
    returned = dossier_return_result(finished, desk_officer, method="counter", at=vn(2026, 3, 2, 14, 0))
    assert returned.status == DossierStatus.RETURNED and returned.returned_at == vn(2026, 3, 2, 14, 0)

    steps = list(dossier_steps(dossier))
    assert [s.step.code for s in steps] == ["tiep-nhan", "tham-dinh", "xem-xet", "phe-duyet", "tra-ket-qua"]
    assert [s.action_kind for s in steps] == ["forward", "forward", "forward", "approve", "finish"]
    assert [s.ended_by for s in steps] == [desk_officer, commune_specialist, head, leader, desk_officer]
    assert all(s.ended_at is not None and not s.parallel for s in steps)
    assert [s.started_at for s in steps[1:]] == [s.ended_at for s in steps[:-1]]  # no gap, no overlap
    for s in steps:
        assert s.due_at == expected_due(s.step, s.started_at, dossier)
    assert steps[0].comment == "Đủ hồ sơ" and steps[3].comment == "Đồng ý"

    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("at", "id"))
    assert [(e.action, e.public) for e in events] == [
        ("received", True),
        ("forwarded", True),  # desk → competent agency: a hand-over the applicant sees
        ("forwarded", False),  # inside the commune
        ("forwarded", False),
        ("result_added", False),
        ("result_approved", False),
        ("approved", True),
        ("result_ready", True),
        ("returned", True),
    ]
    assert events[-1].data == {
        "method": "counter",
        "documents": [document.number],
        "receiver": "Nguyễn Văn An",
    }
    assert [e.to_status for e in events][-3:] == ["in_progress", "finished", "returned"]
    assert returned.lock_version == 7  # five engine actions, the result document and the hand-over


def test_without_an_active_process_the_dossier_has_no_steps(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    dossier = dossier_receive(**receive_kwargs(desk_officer, org, person))
    assert not dossier.steps.exists()
    assert available_actions(dossier, desk_officer) == []
    with pytest.raises(ValidationError) as info:
        process_act(dossier, desk_officer, 1, at=vn(2026, 3, 2, 9, 10))
    assert info.value.code == "no_process"


def test_a_process_starts_once(dossier: Dossier) -> None:
    with pytest.raises(ValidationError) as info:
        process_start(dossier, at=RECEIVED_AT)
    assert info.value.code == "already_started"


# --- who may act ----------------------------------------------------------------------------------


def test_permission_matrix(
    dossier: Dossier,
    org: dict[str, Agency],
    desk_officer: User,
    commune_specialist: User,
    head: User,
    leader: User,
    justice_specialist: User,
) -> None:
    # Reception: the desk's officers and those of a unit above it (the commune holds the desk).
    commune_reception = staff("commune-reception", (org["commune"], Role.RECEPTION_OFFICER))
    center_reception = staff("center-reception", (org["center"], Role.RECEPTION_OFFICER))
    reception = open_main_step(dossier)
    assert reception is not None
    assert holds_role(commune_reception, Role.RECEPTION_OFFICER, org["desk"])
    assert not holds_role(center_reception, Role.RECEPTION_OFFICER, org["desk"])
    for outsider in (center_reception, commune_specialist, head, leader):
        assert available_actions(dossier, outsider) == []
        with pytest.raises(ValidationError) as info:
            act(dossier, outsider, ActionKind.FORWARD, vn(2026, 3, 2, 9, 10))
        assert info.value.code == "forbidden"
    assert len(available_actions(dossier, commune_reception)) == 3

    act(dossier, desk_officer, ActionKind.FORWARD, vn(2026, 3, 2, 9, 10))
    # Appraisal: a specialist of another agency may not act, nor may the head (another role).
    for outsider in (justice_specialist, head, desk_officer):
        assert available_actions(fresh(dossier), outsider) == []
        with pytest.raises(ValidationError) as info:
            act(fresh(dossier), outsider, ActionKind.FORWARD, vn(2026, 3, 2, 9, 20))
        assert info.value.code == "forbidden"
    # An action of another step is refused even to someone in the open step's pool.
    other_step_action = Action.objects.get(from_step__code="phe-duyet", kind=ActionKind.APPROVE)
    with pytest.raises(ValidationError) as info:
        process_act(fresh(dossier), commune_specialist, other_step_action.pk, at=vn(2026, 3, 2, 9, 20))
    assert info.value.code == "forbidden"

    act(fresh(dossier), commune_specialist, ActionKind.FORWARD, vn(2026, 3, 2, 9, 30))
    act(fresh(dossier), head, ActionKind.FORWARD, vn(2026, 3, 2, 9, 40))
    # Approval: a reception officer cannot approve; the leader can.
    with pytest.raises(ValidationError) as info:
        process_act(fresh(dossier), desk_officer, other_step_action.pk, at=vn(2026, 3, 2, 9, 50))
    assert info.value.code == "forbidden"
    assert fresh(dossier).lock_version == 3
    result_document_add(fresh(dossier), head, result=catalog_result(dossier), now=vn(2026, 3, 2, 9, 45))
    assert [a.kind for a in available_actions(fresh(dossier), leader)] == [
        ActionKind.APPROVE,
        ActionKind.SEND_BACK,
    ]
    superuser = User.objects.create_superuser("root", password="pw-Test-123456")
    assert len(available_actions(fresh(dossier), superuser)) == 2
    handover = process_act(fresh(dossier), superuser, other_step_action.pk, at=vn(2026, 3, 2, 9, 50))
    assert handover is not None and handover.step.code == "tra-ket-qua"


def test_a_finished_dossier_accepts_no_action(
    dossier: Dossier, desk_officer: User, commune_specialist: User, head: User, leader: User
) -> None:
    act(dossier, desk_officer, ActionKind.FORWARD, vn(2026, 3, 2, 9, 10))
    act(fresh(dossier), commune_specialist, ActionKind.FORWARD, vn(2026, 3, 2, 9, 20))
    act(fresh(dossier), head, ActionKind.FORWARD, vn(2026, 3, 2, 9, 30))
    result_document_add(fresh(dossier), leader, result=catalog_result(dossier), now=vn(2026, 3, 2, 9, 35))
    act(fresh(dossier), leader, ActionKind.APPROVE, vn(2026, 3, 2, 9, 40))
    finish = action(fresh(dossier), ActionKind.FINISH)
    process_act(fresh(dossier), desk_officer, finish.pk, at=vn(2026, 3, 2, 9, 50))
    with pytest.raises(ValidationError) as info:
        process_act(fresh(dossier), desk_officer, finish.pk, at=vn(2026, 3, 2, 10, 0))
    assert info.value.code == "closed"
    assert fresh(dossier).lock_version == 6
    # The result is handed over once; only a finished dossier's result can be.
    with pytest.raises(ValidationError) as info:
        dossier_return_result(fresh(dossier), desk_officer, method="fax", at=vn(2026, 3, 2, 10, 0))
    assert info.value.code == "return_method"
    dossier_return_result(fresh(dossier), desk_officer, method="online", at=vn(2026, 3, 2, 10, 0))
    with pytest.raises(ValidationError) as info:
        dossier_return_result(fresh(dossier), desk_officer, method="online", at=vn(2026, 3, 2, 10, 5))
    assert info.value.code == "not_finished"


def test_the_result_cannot_be_returned_before_the_handling_ends(dossier: Dossier, desk_officer: User) -> None:
    with pytest.raises(ValidationError) as info:
        dossier_return_result(dossier, desk_officer, method="counter", at=vn(2026, 3, 2, 10, 0))
    assert info.value.code == "not_finished"


def test_a_dossier_refused_outside_the_engine_leaves_the_inbox(dossier: Dossier, desk_officer: User) -> None:
    assert len(open_steps_for_user(desk_officer)) == 1
    dossier_refuse(dossier, desk_officer, "Không đủ điều kiện", now=vn(2026, 3, 2, 9, 5))
    assert list(open_steps_for_user(desk_officer)) == []


def test_refusal_ends_the_handling(dossier: Dossier, desk_officer: User) -> None:
    with pytest.raises(ValidationError) as info:
        act(dossier, desk_officer, ActionKind.REFUSE, vn(2026, 3, 2, 9, 10))  # no reason
    assert info.value.code == "reason_required"
    assert (
        act(dossier, desk_officer, ActionKind.REFUSE, vn(2026, 3, 2, 9, 10), comment="Sai thẩm quyền") is None
    )
    refused = fresh(dossier)
    assert list(open_steps_for_user(desk_officer)) == []
    assert refused.status == DossierStatus.REFUSED and refused.finished_at == vn(2026, 3, 2, 9, 10)
    (step,) = dossier_steps(dossier)
    assert (step.action_kind, step.comment, step.ended_by) == ("refuse", "Sai thẩm quyền", desk_officer)
    assert DossierEvent.objects.filter(dossier=dossier, action="refused", public=True).count() == 1


# --- pauses ---------------------------------------------------------------------------------------


def test_a_supplement_request_pauses_and_the_due_dates_move_when_it_arrives(
    dossier: Dossier, desk_officer: User, commune_specialist: User
) -> None:
    appraisal = act(dossier, desk_officer, ActionKind.FORWARD, vn(2026, 3, 2, 9, 10))
    assert appraisal is not None
    first_due = fresh(dossier).due_at
    requested_at, supplied_at = vn(2026, 3, 2, 10, 0), vn(2026, 3, 3, 10, 0)
    same = act(
        fresh(dossier),
        commune_specialist,
        ActionKind.REQUEST_SUPPLEMENT,
        requested_at,
        comment="Bản sao giấy chứng nhận kết hôn\nGiấy chứng sinh",
    )
    # The appraisal stays open while the applicant is asked; only a refusal is possible meanwhile.
    assert same is not None and same.pk == appraisal.pk and same.ended_at is None
    waiting = fresh(dossier)
    assert waiting.status == DossierStatus.WAITING_SUPPLEMENT and waiting.supplement_count == 1
    pause = PausePeriod.objects.get(dossier=dossier)
    assert pause.missing_items == ["Bản sao giấy chứng nhận kết hôn", "Giấy chứng sinh"]
    assert [a.kind for a in available_actions(waiting, commune_specialist)] == [ActionKind.REFUSE]
    with pytest.raises(ValidationError) as info:
        process_act(
            waiting,
            commune_specialist,
            Action.objects.get(from_step=appraisal.step, kind=ActionKind.FORWARD).pk,
            at=vn(2026, 3, 2, 11, 0),
        )
    assert info.value.code == "waiting_supplement"

    resumed = process_supplement_receive(
        waiting,
        desk_officer,
        {"TP2": [("gcn.pdf", PDF)]},
        at=supplied_at,
        expected_lock_version=waiting.lock_version,
    )
    calendar = working_calendar()
    version = resumed.procedure_version
    assert resumed.status == DossierStatus.IN_PROGRESS
    assert resumed.due_at > first_due
    assert resumed.due_at == calendar.deadline(
        resumed.received_at, version.statutory_time, version.time_unit, pauses=[(requested_at, supplied_at)]
    )
    # The step's own due date moved by the office time of the wait (a whole working day here).
    appraisal.refresh_from_db()
    assert appraisal.due_at == step_due(
        calendar, appraisal.started_at, appraisal.budget, [(requested_at, supplied_at)]
    )
    assert appraisal.due_at == vn(2026, 3, 3, 13, 4)
    assert [a.kind for a in available_actions(resumed, commune_specialist)] == [
        ActionKind.FORWARD,
        ActionKind.REQUEST_SUPPLEMENT,
        ActionKind.CONSULT,
        ActionKind.REFUSE,
    ]


# --- consultations and send-backs -----------------------------------------------------------------


def test_a_consultation_runs_beside_the_main_step(
    dossier: Dossier,
    org: dict[str, Agency],
    desk_officer: User,
    commune_specialist: User,
    justice_specialist: User,
) -> None:
    appraisal = act(dossier, desk_officer, ActionKind.FORWARD, vn(2026, 3, 2, 9, 10))
    assert appraisal is not None
    with pytest.raises(ValidationError) as info:
        act(fresh(dossier), commune_specialist, ActionKind.CONSULT, vn(2026, 3, 2, 9, 30))
    assert info.value.code == "consulted_agency_required"
    main = act(
        fresh(dossier),
        commune_specialist,
        ActionKind.CONSULT,
        vn(2026, 3, 2, 9, 30),
        consulted_agency=org["justice"],
        comment="Xin ý kiến về quốc tịch",
    )
    assert main is not None and main.pk == appraisal.pk and main.ended_at is None
    consultation = StepInstance.objects.get(dossier=dossier, parallel=True)
    assert (consultation.agency, consultation.role, consultation.consulted_from) == (
        org["justice"],
        Role.SPECIALIST,
        appraisal,
    )
    assert consultation.ended_at is None and consultation.due_at == appraisal.due_at
    assert list(open_steps_for_user(justice_specialist)) == [consultation]
    # The consulted specialist answers with the step's forward; the appraisal does not move.
    answer_actions = available_actions(fresh(dossier), justice_specialist)
    assert [a.kind for a in answer_actions] == [ActionKind.FORWARD]
    still = process_act(
        fresh(dossier),
        justice_specialist,
        answer_actions[0].pk,
        comment="Không có vướng mắc",
        at=vn(2026, 3, 2, 10, 0),
    )
    assert still is not None and still.pk == appraisal.pk and still.ended_at is None
    consultation.refresh_from_db()
    assert (consultation.action_kind, consultation.ended_by, consultation.comment) == (
        "forward",
        justice_specialist,
        "Không có vướng mắc",
    )
    assert list(open_steps_for_user(justice_specialist)) == []
    assert available_actions(fresh(dossier), justice_specialist) == []
    actions = list(DossierEvent.objects.filter(dossier=dossier).values_list("action", "public"))
    assert actions[-2:] == [("consulted", False), ("consultation_answered", False)]
    assert fresh(dossier).lock_version == 3


def test_ending_the_handling_withdraws_open_consultations(
    dossier: Dossier, org: dict[str, Agency], desk_officer: User, commune_specialist: User
) -> None:
    act(dossier, desk_officer, ActionKind.FORWARD, vn(2026, 3, 2, 9, 10))
    act(
        fresh(dossier),
        commune_specialist,
        ActionKind.CONSULT,
        vn(2026, 3, 2, 9, 30),
        consulted_agency=org["justice"],
    )
    act(
        fresh(dossier),
        commune_specialist,
        ActionKind.REFUSE,
        vn(2026, 3, 2, 9, 40),
        comment="Không đủ điều kiện",
    )
    assert not StepInstance.objects.filter(dossier=dossier, ended_at__isnull=True).exists()
    consultation = StepInstance.objects.get(dossier=dossier, parallel=True)
    assert (consultation.ended_at, consultation.action_kind) == (vn(2026, 3, 2, 9, 40), "")


def test_a_step_sent_back_goes_to_whoever_handled_it(
    dossier: Dossier, desk_officer: User, commune_specialist: User, head: User
) -> None:
    act(dossier, desk_officer, ActionKind.FORWARD, vn(2026, 3, 2, 9, 10))
    act(fresh(dossier), commune_specialist, ActionKind.FORWARD, vn(2026, 3, 2, 9, 30))
    again = act(fresh(dossier), head, ActionKind.SEND_BACK, vn(2026, 3, 2, 9, 45), comment="Thiếu căn cứ")
    assert again is not None and again.step.code == "tham-dinh" and again.assignee == commune_specialist
    assert list(open_steps_for_user(commune_specialist)) == [again]
    event = DossierEvent.objects.filter(dossier=dossier).order_by("-at", "-id").first()
    assert event is not None and (event.action, event.public, event.comment) == (
        "sent_back",
        False,
        "Thiếu căn cứ",
    )


def test_a_step_named_by_a_stale_screen_is_refused(dossier: Dossier, desk_officer: User) -> None:
    reception = open_main_step(dossier)
    assert reception is not None
    forward = action(dossier, ActionKind.FORWARD)
    process_act(dossier, desk_officer, forward.pk, at=vn(2026, 3, 2, 9, 10), step_instance_id=reception.pk)
    with pytest.raises(ValidationError) as info:
        process_act(
            fresh(dossier), desk_officer, forward.pk, at=vn(2026, 3, 2, 9, 11), step_instance_id=reception.pk
        )
    assert info.value.code == "stale"


def test_an_action_cannot_predate_its_step(dossier: Dossier, desk_officer: User) -> None:
    with pytest.raises(ValidationError) as info:
        act(dossier, desk_officer, ActionKind.FORWARD, vn(2026, 3, 2, 8, 0))
    assert info.value.code == "time_order"


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        (StepUnit.RECEIVING_UNIT, "desk"),
        (StepUnit.COMPETENT_AGENCY, "commune"),
        (StepUnit.COMPETENT_AGENCY_PARENT, "commune"),  # the commune committee has no parent: itself
    ],
)
def test_pools_are_resolved_from_the_dossier(
    dossier: Dossier, org: dict[str, Agency], unit: str, expected: str
) -> None:
    from ..engine import _pool_agency

    assert _pool_agency(Step(unit=unit, share_percent=Decimal(0)), dossier, None) == org[expected]


def test_pool_of_a_division_parent(dossier: Dossier, org: dict[str, Agency]) -> None:
    from ..engine import _pool_agency

    dossier.competent_agency = org["justice_div"]
    assert _pool_agency(Step(unit=StepUnit.COMPETENT_AGENCY_PARENT), dossier, None) == org["justice"]
    with pytest.raises(ValidationError) as info:
        _pool_agency(Step(unit=StepUnit.CONSULTED_AGENCY, name="Ý kiến"), dossier, None)
    assert info.value.code == "consulted_agency_required"


# --- concurrency ----------------------------------------------------------------------------------


def test_a_stale_screen_cannot_act(dossier: Dossier, org: dict[str, Agency], desk_officer: User) -> None:
    colleague = staff("desk-officer-2", (org["desk"], Role.RECEPTION_OFFICER))
    forward = action(dossier, ActionKind.FORWARD)
    refuse = action(dossier, ActionKind.REFUSE)
    process_act(dossier, desk_officer, forward.pk, at=vn(2026, 3, 2, 9, 10), expected_lock_version=0)
    with pytest.raises(ValidationError) as info:
        process_act(
            dossier, colleague, refuse.pk, comment="Lý do", at=vn(2026, 3, 2, 9, 11), expected_lock_version=0
        )
    assert info.value.code == "stale"
    assert "changed by someone else" in info.value.messages[0]
    current = fresh(dossier)
    assert current.status == DossierStatus.IN_PROGRESS and current.lock_version == 1
    assert StepInstance.objects.filter(dossier=dossier).count() == 2
    assert DossierEvent.objects.filter(dossier=dossier).count() == 2


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: row locks (SELECT ... FOR UPDATE) do not exist on SQLite, whose writers are "
    "serialised on one file lock, so two officers never overlap.",
)
@pytest.mark.django_db(transaction=True)
# With the screen's lock_version the later officer is told the dossier changed; without it, the locked
# row shows the step already moved on (its action is no longer offered) or the dossier already refused.
@pytest.mark.parametrize(("with_version", "losers"), [(True, {"stale"}), (False, {"forbidden", "closed"})])
def test_two_officers_at_once_only_one_succeeds(
    dossier: Dossier, org: dict[str, Agency], desk_officer: User, with_version: bool, losers: set[str]
) -> None:
    colleague = staff("desk-officer-2", (org["desk"], Role.RECEPTION_OFFICER))
    forward = action(dossier, ActionKind.FORWARD)
    refuse = action(dossier, ActionKind.REFUSE)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(user: User, action_id: int, comment: str) -> None:
        mine = fresh(dossier)  # both screens show lock_version 0
        try:
            barrier.wait()
            process_act(
                mine,
                user,
                action_id,
                comment=comment,
                at=vn(2026, 3, 2, 9, 10),
                expected_lock_version=mine.lock_version if with_version else None,
            )
            result = "ok"
        except ValidationError as exc:
            result = str(exc.code)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=run, args=(desk_officer, forward.pk, "")),
        threading.Thread(target=run, args=(colleague, refuse.pk, "Không đủ điều kiện")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and outcomes.count("ok") == 1
    assert set(outcomes) - {"ok"} <= losers
    current = fresh(dossier)
    assert current.lock_version == 1
    assert DossierEvent.objects.filter(dossier=dossier).count() == 2
    assert StepInstance.objects.filter(dossier=dossier, ended_at__isnull=False).count() == 1
