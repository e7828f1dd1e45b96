"""Mẫu 05 of TT 01/2018: Phiếu kiểm soát quá trình giải quyết hồ sơ (the processing control slip).

The slip follows a dossier from hand to hand: one row per hand-over, in time order, saying who handed it to
whom, when, and whether the one handing it over did so before, on or after its own due date. The rows come
from what the system already records:

* with an electronic process, from the chain of ``StepInstance`` rows: each closed main step hands the
  dossier to the next step's unit (the reception desk to the competent agency, between divisions, back to
  the desk), each consultation goes out to the consulted agency and comes back; the step's own ``due_at``
  decides its result (``timeliness``);
* without a process, from the dossier's history (``DossierEvent``): receipt, result ready, refusal;
* in both cases, supplement requests and answers (the dossier goes back to the applicant and returns) and
  the return of the result to the applicant, whose result is the dossier's own (``finished_at`` against
  ``due_at``).

Printed at any time: a dossier still in progress shows the hand-overs so far.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import count

from django.conf import settings
from django.utils import timezone, translation

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier, DossierAction, DossierEvent
from motcua.dossiers.selectors import dossier_timeline
from motcua.dossiers.services import RESULT_READY, RETURNED
from motcua.workflow.models import ActionKind, StepInstance
from motcua.workflow.selectors import dossier_steps

from .pdf import qr_svg, render_pdf
from .slips import place_of
from .timeliness import timeliness

# How the result reached the applicant (``dossier_return_result``'s methods), in the slip's words.
RETURN_METHODS = {
    "counter": "tại Bộ phận tiếp nhận và trả kết quả",
    "post": "qua dịch vụ bưu chính công ích",
    "online": "trực tuyến",
}
# A comment is quoted in the note column up to this length: the slip is a control sheet, not the history.
NOTE_COMMENT_CHARS = 160


@dataclass(frozen=True)
class HandOver:
    """One row of Mẫu 05: ``giver`` hands the dossier (or its result) to ``receiver`` at ``at``."""

    at: datetime
    giver: str
    receiver: str
    giver_person: str = ""
    receiver_person: str = ""
    result: str = ""  # Trước hạn / Đúng hạn / Quá hạn of the one handing over, when it had a due date
    note: str = ""


@dataclass(frozen=True)
class ControlSlip:
    code: str
    receiving_unit: str
    parent_agency: str
    place: str
    competent_agency: str
    consulted_agencies: list[str]
    applicant: str
    procedure: str
    received_at: datetime
    due_at: datetime
    issued_at: datetime
    tracking_url: str
    rows: list[HandOver]


def _person(user: User | None) -> str:
    return str(user) if user is not None else ""


def _quote(comment: str) -> str:
    comment = " ".join(comment.split())
    if len(comment) > NOTE_COMMENT_CHARS:
        comment = comment[: NOTE_COMMENT_CHARS - 1].rstrip() + "…"
    return comment


def _joined(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def _step_note(step: StepInstance) -> str:
    done = f"{step.step.name}: {step.action.display_label}" if step.action is not None else step.step.name
    return _joined(done, _quote(step.comment))


def _ending_note(step: StepInstance) -> str:
    if step.action_kind == ActionKind.REFUSE:
        return _joined("Từ chối giải quyết", _quote(step.comment))
    if step.action_kind == ActionKind.FINISH:
        return _joined("Có kết quả giải quyết", _quote(step.comment))
    return _step_note(step)


def hand_overs(
    dossier: Dossier, steps: Sequence[StepInstance], events: Sequence[DossierEvent]
) -> list[HandOver]:
    """The rows of Mẫu 05 for ``dossier`` from its steps (in opening order) and its history (in order).

    Rows are sorted by time; rows at the same time keep the order in which they were built (the step chain
    first, then the history)."""
    desk = dossier.receiving_unit.name
    applicant = f"{dossier.applicant.full_name} (người nộp hồ sơ)"
    rows: list[tuple[datetime, int, HandOver]] = []
    order = count()

    def add(row: HandOver) -> None:
        rows.append((row.at, next(order), row))

    main = [step for step in steps if not step.parallel]
    by_id = {step.pk: step for step in steps}
    returned = any(event.action == RETURNED for event in events)
    ended_by_process = False

    if main and main[0].agency_id != dossier.receiving_unit_id:
        # The process starts at the competent agency: the desk's hand-over is the receipt itself.
        first = main[0]
        add(
            HandOver(
                at=first.started_at,
                giver=desk,
                receiver=first.agency.name,
                giver_person=_person(dossier.created_by),
                receiver_person=_person(first.assignee or first.ended_by),
                note="Tiếp nhận hồ sơ",
            )
        )
    for index, step in enumerate(main):
        if step.ended_at is None:
            continue
        result = timeliness(step.ended_at, step.due_at)
        following = main[index + 1] if index + 1 < len(main) else None
        if following is not None:
            add(
                HandOver(
                    at=step.ended_at,
                    giver=step.agency.name,
                    receiver=following.agency.name,
                    giver_person=_person(step.ended_by),
                    receiver_person=_person(following.assignee or following.ended_by),
                    result=result,
                    note=_step_note(step),
                )
            )
            continue
        ended_by_process = step.action_kind in (ActionKind.FINISH, ActionKind.REFUSE)
        if step.agency_id != dossier.receiving_unit_id:
            # The result (or the refusal) goes back to the desk, which returns it to the applicant.
            add(
                HandOver(
                    at=step.ended_at,
                    giver=step.agency.name,
                    receiver=desk,
                    giver_person=_person(step.ended_by),
                    result=result,
                    note=_ending_note(step),
                )
            )
        elif not returned:
            # The desk's own last step hands the result over; a recorded return has its own row below.
            add(
                HandOver(
                    at=step.ended_at,
                    giver=desk,
                    receiver=applicant,
                    giver_person=_person(step.ended_by),
                    result=result,
                    note=_ending_note(step),
                )
            )
    for consultation in (step for step in steps if step.parallel):
        asking = by_id.get(consultation.consulted_from_id) if consultation.consulted_from_id else None
        asking_agency = asking.agency.name if asking is not None else dossier.competent_agency.name
        add(
            HandOver(
                at=consultation.started_at,
                giver=asking_agency,
                receiver=consultation.agency.name,
                giver_person=_person(asking.ended_by if asking is not None else None),
                receiver_person=_person(consultation.assignee or consultation.ended_by),
                note="Xin ý kiến phối hợp",
            )
        )
        if consultation.ended_at is None:
            continue
        answered = consultation.action is not None
        add(
            HandOver(
                at=consultation.ended_at,
                giver=consultation.agency.name,
                receiver=asking_agency,
                giver_person=_person(consultation.ended_by),
                result=timeliness(consultation.ended_at, consultation.due_at) if answered else "",
                note=_joined("Trả lời xin ý kiến", _quote(consultation.comment))
                if answered
                else "Không còn cần ý kiến (hồ sơ đã kết thúc)",
            )
        )

    has_process = bool(steps)
    for event in events:
        actor = _person(event.actor)
        if event.action == DossierAction.RECEIVED and not has_process:
            add(
                HandOver(
                    at=event.at,
                    giver=desk,
                    receiver=dossier.competent_agency.name,
                    giver_person=actor,
                    note="Tiếp nhận hồ sơ",
                )
            )
        elif event.action == DossierAction.SUPPLEMENT_REQUESTED:
            items = event.data.get("missing_items") or []
            giver = desk
            if has_process:
                holding = [
                    s for s in main if s.started_at <= event.at and (s.ended_at or event.at) >= event.at
                ]
                giver = holding[-1].agency.name if holding else desk
            add(
                HandOver(
                    at=event.at,
                    giver=giver,
                    receiver=applicant,
                    giver_person=actor,
                    note=_joined(
                        "Yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)",
                        _quote(", ".join(str(item) for item in items)),
                        "yêu cầu muộn" if event.data.get("late_request") else "",
                    ),
                )
            )
        elif event.action == DossierAction.SUPPLEMENT_RECEIVED:
            add(
                HandOver(
                    at=event.at,
                    giver=applicant,
                    receiver=desk,
                    receiver_person=actor,
                    note="Nhận hồ sơ bổ sung; thời gian chờ không tính vào thời hạn giải quyết",
                )
            )
        elif event.action == RESULT_READY and not ended_by_process:
            add(
                HandOver(
                    at=event.at,
                    giver=dossier.competent_agency.name,
                    receiver=desk,
                    giver_person=actor,
                    result=timeliness(event.at, dossier.due_at),
                    note=_joined("Có kết quả giải quyết", _quote(event.comment)),
                )
            )
        elif event.action == DossierAction.REFUSED and not ended_by_process:
            add(
                HandOver(
                    at=event.at,
                    giver=desk,
                    receiver=applicant,
                    giver_person=actor,
                    result=timeliness(event.at, dossier.due_at),
                    note=_joined("Từ chối tiếp nhận, giải quyết hồ sơ (Mẫu 03)", _quote(event.comment)),
                )
            )
        elif event.action == RETURNED:
            method = RETURN_METHODS.get(str(event.data.get("method", "")), "")
            add(
                HandOver(
                    at=event.at,
                    giver=desk,
                    receiver=applicant,
                    giver_person=actor,
                    result=timeliness(dossier.finished_at, dossier.due_at) if dossier.finished_at else "",
                    note=_joined("Trả kết quả", method),
                )
            )
    rows.sort(key=lambda row: (row[0], row[1]))
    return [row for _at, _order, row in rows]


def control_slip_for(dossier: Dossier, *, now: datetime | None = None) -> ControlSlip:
    """Mẫu 05 for ``dossier`` (whose receiving unit, its parent and admin unit, competent agency, applicant,
    procedure version and creator are loaded by the caller): two queries, the steps and the history."""
    steps = list(dossier_steps(dossier))
    events = list(dossier_timeline(dossier))
    unit = dossier.receiving_unit
    consulted: list[str] = []
    for step in steps:
        if step.parallel and step.agency.name not in consulted:
            consulted.append(step.agency.name)
    tracking_url = f"{settings.MOTCUA_PUBLIC_URL}/tra-cuu-ho-so/?ma={dossier.code}"
    # Step and action names are data, and an action without a label shows its kind: in Vietnamese, as the
    # rest of the form.
    with translation.override("vi"):
        rows = hand_overs(dossier, steps, events)
    return ControlSlip(
        code=dossier.code,
        receiving_unit=unit.name,
        parent_agency=unit.parent.name if unit.parent is not None else "",
        place=place_of(unit.admin_unit),
        competent_agency=dossier.competent_agency.name,
        consulted_agencies=consulted,
        applicant=dossier.applicant.full_name,
        procedure=dossier.procedure_version.name,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        issued_at=now or timezone.now(),
        tracking_url=tracking_url,
        rows=rows,
    )


def control_slip_pdf(slip: ControlSlip) -> bytes:
    """Mẫu 05 as an A5 landscape PDF (the four-column table needs the width); long histories continue on
    further pages with the table header repeated."""
    return render_pdf(
        "documents/slip_05_control.html",
        {
            "title": f"Phiếu kiểm soát quá trình giải quyết hồ sơ {slip.code}",
            "slip": slip,
            "agency": slip.receiving_unit,
            "parent_agency": slip.parent_agency,
            "number": slip.code,
            "place": slip.place,
            "issued_at": timezone.localtime(slip.issued_at),
            "qr": qr_svg(slip.tracking_url),
        },
    )
