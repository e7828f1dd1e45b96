"""The engine of the electronic process: moves a dossier through the steps of its process definition.

A dossier's passage is a chain of ``StepInstance`` rows. ``process_start`` opens the definition's start
step when the dossier is received; ``process_act`` performs one action of the open step and opens the next
one. The engine owns the steps; the dossier's status, pauses and history stay with ``motcua.dossiers``:
a supplement request, a refusal and the end of the handling go through that app's transitions
(``dossier_supplement_request``, ``dossier_refuse``, ``dossier_finish``), inside the engine's transaction.

Rules the code below relies on:

* Every action runs in one transaction that first locks the dossier row (``SELECT … FOR UPDATE``). The
  caller may pass the ``lock_version`` its screen showed: a different stored one means someone acted in
  the meantime (``stale``). Every action increments ``lock_version``, so of two officers acting on the
  same screen state exactly one succeeds.
* Who may act: the step instance's pool — its role held in its agency or in a unit above it (the path
  rule of ``org.scoping``) — and superusers.
* A running dossier keeps the definition it started with (each step instance points to it): activating a
  new version changes the process of new dossiers only.
* A step's due date is ``started_at`` plus its share of the statutory time in office time, extended by the
  office time the dossier then spent waiting for the applicant (``budget`` is stored, so it can be
  recomputed whenever a pause ends).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import Procedure, ProcedureVersion, Result
from motcua.core.compiled import CompiledQuery
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, DossierStatus, PausePeriod, ResultDocument
from motcua.dossiers.results import approve_pending, may_approve_result
from motcua.org.models import Agency, Role
from motcua.org.scoping import AnyUser
from motcua.workdays.calendar import DeadlineUnit, WorkingCalendar
from motcua.workdays.selectors import working_calendar

from .models import Action, ActionKind, DefinitionStatus, ProcessDefinition, Step, StepInstance, StepUnit
from .selectors import active_definition_for, holds_role, most_specific

# What an officer's move is called in the dossier's history.
EVENT_ACTIONS: dict[str, str] = {
    ActionKind.FORWARD: "forwarded",
    ActionKind.SEND_BACK: "sent_back",
    ActionKind.APPROVE: "approved",
    ActionKind.CONSULT: "consulted",
}
CONSULTATION_ANSWERED = "consultation_answered"
# A consultation is answered with one of these actions of its step; the others belong to the main step.
ANSWER_KINDS = frozenset({ActionKind.FORWARD, ActionKind.FINISH})
# The role that gives an agency's opinion when it is consulted.
CONSULTED_ROLE = Role.SPECIALIST

_MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)


# --- time -----------------------------------------------------------------------------------------


def step_budget(step: Step, version: ProcedureVersion, calendar: WorkingCalendar) -> timedelta:
    """The office time ``step`` gets: its share of the version's statutory time (``step_durations``),
    converted with the calendar's working-day length and rounded up to the microsecond like deadlines."""
    amount = version.statutory_time * step.share_percent / Decimal(100)
    if version.time_unit == DeadlineUnit.WORKING_HOUR:
        per_unit = _MICROSECONDS_PER_HOUR
    else:
        per_unit = Decimal(calendar.working_day_length // timedelta(microseconds=1))
    microseconds = (amount * per_unit).to_integral_value(rounding=ROUND_CEILING)
    return timedelta(microseconds=int(microseconds))


def step_due(
    calendar: WorkingCalendar,
    started_at: datetime,
    budget: timedelta,
    pauses: Sequence[tuple[datetime, datetime]] = (),
) -> datetime:
    """``budget`` of office time from ``started_at``, extended by the office time of the closed ``pauses``
    that began before the step was due (the same rule as the dossier's own due date)."""
    due = calendar.add_working_time(started_at, budget)
    for pause_start, pause_end in sorted(pauses):
        if pause_end <= started_at:
            continue
        begin = max(pause_start, started_at)
        if begin >= due:
            break
        due = calendar.add_working_time(due, calendar.working_time_between(begin, pause_end))
    return due


def _closed_pauses(dossier: Dossier) -> list[tuple[datetime, datetime]]:
    return [
        (started, ended)
        for started, ended in PausePeriod.objects.filter(dossier=dossier, ended_at__isnull=False)
        .order_by("started_at")
        .values_list("started_at", "ended_at")
        if ended is not None
    ]


def _refresh_dues(dossier: Dossier, calendar: WorkingCalendar) -> None:
    """Recompute the due dates of the dossier's open steps from their budgets and the closed pauses."""
    pauses = _closed_pauses(dossier)
    for instance in StepInstance.objects.filter(dossier=dossier, ended_at__isnull=True):
        due = step_due(calendar, instance.started_at, instance.budget, pauses)
        if due != instance.due_at:
            instance.due_at = due
            instance.save(update_fields=["due_at"])


# --- helpers --------------------------------------------------------------------------------------


def _officer(user: AnyUser) -> User:
    if not isinstance(user, User) or not user.is_active:
        raise ValidationError(_("Only a logged-in officer can do this."), code="forbidden")
    return user


def _aware(at: datetime | None) -> datetime:
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise ValidationError(_("The time of an action must be timezone-aware."), code="naive_datetime")
    return at


def _pool_agency(step: Step, dossier: Dossier, consulted_agency: Agency | None) -> Agency:
    """Where the step's officers sit, from the step's unit relative to the dossier."""
    if step.unit == StepUnit.RECEIVING_UNIT:
        return dossier.receiving_unit
    if step.unit == StepUnit.COMPETENT_AGENCY:
        return dossier.competent_agency
    if step.unit == StepUnit.COMPETENT_AGENCY_PARENT:
        # A competent agency at the top of the tree has no parent: it is its own parent unit.
        return dossier.competent_agency.parent or dossier.competent_agency
    if consulted_agency is None:
        raise ValidationError(
            _("The step “%(step)s” is handled by a consulted agency: choose the agency to consult.")
            % {"step": step.name},
            code="consulted_agency_required",
        )
    return consulted_agency


def _open(
    dossier: Dossier,
    definition: ProcessDefinition,
    step: Step,
    *,
    at: datetime,
    calendar: WorkingCalendar,
    consulted_agency: Agency | None = None,
    assignee: User | None = None,
) -> StepInstance:
    budget = step_budget(step, dossier.procedure_version, calendar)
    return StepInstance.objects.create(
        dossier=dossier,
        definition=definition,
        step=step,
        role=step.role,
        agency=_pool_agency(step, dossier, consulted_agency),
        assignee=assignee,
        started_at=at,
        budget=budget,
        due_at=step_due(calendar, at, budget),
    )


def _close(
    instance: StepInstance, *, at: datetime, user: User | None, action: Action | None, comment: str
) -> None:
    instance.ended_at = at
    instance.ended_by = user
    instance.action = action
    instance.action_kind = action.kind if action is not None else ""
    instance.comment = comment
    instance.save(update_fields=["ended_at", "ended_by", "action", "action_kind", "comment"])


def _close_consultations(dossier: Dossier, at: datetime) -> None:
    # The dossier's handling ended: opinions still awaited are no longer needed. Closed without an
    # action, which the timeline shows as withdrawn; no event (the ending transition logs one).
    for consultation in StepInstance.objects.filter(dossier=dossier, ended_at__isnull=True, parallel=True):
        _close(consultation, at=max(at, consultation.started_at), user=None, action=None, comment="")


def _lock(dossier: Dossier, expected_lock_version: int | None) -> Dossier:
    current = (
        # Only the dossier's row is locked: the joined rows are read-only here (and PostgreSQL cannot lock
        # the nullable side of the outer join to the competent agency's parent).
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version", "receiving_unit", "competent_agency__parent", "applicant")
        .get(pk=dossier.pk)
    )
    if expected_lock_version is not None and current.lock_version != expected_lock_version:
        raise ValidationError(
            _(
                "Dossier %(code)s was changed by someone else in the meantime (now: %(status)s). Reload it and "
                "try again."
            )
            % {"code": current.code, "status": current.get_status_display()},
            code="stale",
        )
    if current.is_closed:
        raise ValidationError(
            _("Dossier %(code)s is %(status)s: its handling is over and it can no longer change.")
            % {"code": current.code, "status": current.get_status_display()},
            code="closed",
        )
    return current


def may_act(user: AnyUser, instance: StepInstance) -> bool:
    """Whether ``user`` is in the pool of ``instance``: its role in its agency or above (or superuser)."""
    return holds_role(user, instance.role, instance.agency)


def _open_rows(dossier: Dossier) -> list[StepInstance]:
    return list(
        StepInstance.objects.select_related("step", "agency", "definition")
        .filter(dossier=dossier, ended_at__isnull=True)
        .order_by("parallel", "started_at", "id")
    )


_ACTIONS_OF = CompiledQuery(
    lambda step_id: (
        Action.objects.filter(from_step_id=step_id).select_related("to_step").order_by("position", "id")
    ),
    step_id=-7_300_000_001,
)


def _actions_of(step: Step) -> list[Action]:
    actions: list[Action] = _ACTIONS_OF.objects(step_id=step.pk)
    return actions


# --- public API -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessPlan:
    """The process that applies to a dossier and its start step (``process_plan``)."""

    definition: ProcessDefinition
    start: Step


# What ``active_definition_for(procedure, agency, level, rows=False)`` reads for an agency with a level, and
# the start step: compiled once per process (every receipt reads them; see ``core.compiled``).
_PLAN_MARK = -7_400_000_001
_DEFINITIONS_FOR = CompiledQuery(
    lambda procedure_id, agency_id, level_id: ProcessDefinition.objects.filter(
        Q(agency__isnull=True) | Q(agency_id=agency_id),
        Q(level__isnull=True) | Q(level_id=level_id),
        procedure_id=procedure_id,
        status=DefinitionStatus.ACTIVE,
    ),
    procedure_id=_PLAN_MARK,
    agency_id=_PLAN_MARK - 1,
    level_id=_PLAN_MARK - 2,
)
_START_OF = CompiledQuery(
    lambda definition_id: Step.objects.filter(definition_id=definition_id, is_start=True).order_by("id")[:1],
    definition_id=_PLAN_MARK,
)


def process_plan(procedure: Procedure, competent: Agency) -> ProcessPlan | None:
    """The active process for a dossier of ``procedure`` settled by ``competent`` (at that agency's level)
    and its start step; None when none applies. Reads only: ``dossier_receive`` calls it before its
    transaction, so that the code counter's row lock is not held while the definition is read."""
    if competent.level_id is None:
        definition = active_definition_for(procedure, agency=competent, level=None, rows=False)
    else:
        definition = most_specific(
            _DEFINITIONS_FOR.objects(
                procedure_id=procedure.pk, agency_id=competent.pk, level_id=competent.level_id
            )
        )
    if definition is None:
        return None
    # Only the start step is needed to open the process (two queries, not the three of every row).
    start = _START_OF.object(definition_id=definition.pk)
    if start is None:
        # Activation guarantees exactly one start step; a definition without one cannot be followed.
        return None
    return ProcessPlan(definition, start)


def process_start(
    dossier: Dossier,
    *,
    at: datetime,
    calendar: WorkingCalendar | None = None,
    plan: ProcessPlan | None = None,
    fresh: bool = False,
) -> StepInstance | None:
    """Open the start step of the process that applies to the dossier (its procedure, competent agency and
    that agency's level). Returns None when no active definition applies: the dossier is then handled
    through the dossier services alone. Called by ``dossier_receive`` inside its transaction, with the
    ``process_plan`` and the calendar it has already read, and ``fresh``: the dossier was created in that
    transaction, so no step of it can exist yet (the check is skipped)."""
    plan = plan or process_plan(dossier.procedure_version.procedure, dossier.competent_agency)
    if plan is None:
        return None
    if not fresh and StepInstance.objects.filter(dossier=dossier).exists():
        raise ValidationError(
            _("The process of dossier %(code)s has already started.") % {"code": dossier.code},
            code="already_started",
        )
    at = _aware(at)
    calendar = calendar or working_calendar()
    start = plan.start
    budget = step_budget(start, dossier.procedure_version, calendar)
    forward_by = calendar.forwarding_deadline(at)
    if start.unit == StepUnit.RECEIVING_UNIT and forward_by < step_due(calendar, at, budget):
        # NĐ 61/2018: the desk forwards the dossier the same working day, or the next morning when it was
        # received after the cut-off (15:00). The step's share may ask for sooner, never for later.
        return StepInstance.objects.create(
            dossier=dossier,
            definition=plan.definition,
            step=start,
            role=start.role,
            agency=dossier.receiving_unit,
            started_at=at,
            budget=calendar.working_time_between(at, forward_by),
            due_at=forward_by,
        )
    # One INSERT: atomic on its own, and part of the caller's transaction when there is one.
    return _open(dossier, plan.definition, start, at=at, calendar=calendar)


def process_stop(dossier: Dossier, *, at: datetime) -> None:
    """Close every open step of the dossier without an action (it was withdrawn): nobody works on it any
    more. Called by ``dossier_withdraw`` inside its transaction."""
    for instance in StepInstance.objects.filter(dossier=dossier, ended_at__isnull=True):
        _close(instance, at=max(at, instance.started_at), user=None, action=None, comment="")


def available_actions(
    dossier: Dossier, user: AnyUser, steps: Sequence[StepInstance] | None = None
) -> list[Action]:
    """The actions ``user`` may perform now on the dossier, in the definition's order.

    Those of the open main step when ``user`` is in its pool (while the dossier waits for a supplement,
    only a refusal: nothing else can move until the applicant answers). Otherwise, when ``user`` is in the
    pool of an open consultation, the forward/finish actions of that step, which answer it.

    ``steps``: the dossier's step instances when the caller has read them all already (the dossier page),
    to take the open ones from instead of reading them again."""
    if dossier.is_closed or not isinstance(user, User) or not user.is_active:
        return []
    if steps is None:
        rows = _open_rows(dossier)
    else:
        rows = sorted(
            (row for row in steps if row.ended_at is None), key=lambda r: (r.parallel, r.started_at, r.pk)
        )
    main = next((row for row in rows if not row.parallel), None)
    if main is not None and may_act(user, main):
        actions = _actions_of(main.step)
        if dossier.status == DossierStatus.WAITING_SUPPLEMENT:
            return [a for a in actions if a.kind == ActionKind.REFUSE]
        return actions
    for consultation in (row for row in rows if row.parallel):
        if may_act(user, consultation):
            return [a for a in _actions_of(consultation.step) if a.kind in ANSWER_KINDS]
    return []


def _target(dossier: Dossier, user: User, step_instance_id: int | None) -> StepInstance:
    """The open step instance the user acts on: the one named, else the main step when the user is in its
    pool, else a consultation the user may answer."""
    rows = _open_rows(dossier)
    if step_instance_id is not None:
        named = next((row for row in rows if row.pk == step_instance_id), None)
        if named is None:
            raise ValidationError(
                _("This step of dossier %(code)s is no longer open. Reload it.") % {"code": dossier.code},
                code="stale",
            )
        return named
    if not rows:
        raise ValidationError(
            _("Dossier %(code)s has no open step of an electronic process.") % {"code": dossier.code},
            code="no_process",
        )
    main = next((row for row in rows if not row.parallel), None)
    if main is not None and may_act(user, main):
        return main
    consultation = next((row for row in rows if row.parallel and may_act(user, row)), None)
    return consultation or main or rows[0]


def process_act(
    dossier: Dossier,
    user: AnyUser,
    action_id: int,
    *,
    comment: str = "",
    consulted_agency: Agency | None = None,
    at: datetime | None = None,
    expected_lock_version: int | None = None,
    missing_items: Sequence[str] | None = None,
    step_instance_id: int | None = None,
) -> StepInstance | None:
    """Perform action ``action_id`` of the open step, in one transaction, and open the next step.

    The step acted on is ``step_instance_id`` when given (e.g. a consultation for someone who is also in
    the main step's pool), else the main step when ``user`` is in its pool, else a consultation ``user`` may
    answer. Returns the dossier's open main step afterwards (the new one, or the same one when the action stays on
    its step), None once the handling has ended. Its ``dossier`` attribute is the updated dossier (new
    ``lock_version``).

    * ``forward`` / ``send_back`` / ``approve``: the step closes and ``to_step`` opens (a step sent back
      is assigned to the officer who last closed it). A received dossier becomes in progress.
    * ``request_supplement``: ``dossier_supplement_request`` with ``missing_items`` (by default the
      comment's non-empty lines); the dossier waits, the step stays open (or ``to_step`` opens). Use
      ``process_supplement_receive`` when the applicant answers, so the open steps' due dates move.
    * ``consult``: a parallel step opens at ``consulted_agency`` (its specialists answer it with a
      forward/finish action of the step); the main step stays open (or ``to_step`` opens).
    * ``refuse``: ``dossier_refuse`` with the comment as the reason. ``finish``: ``dossier_finish`` (the
      result is ready). Both end the handling and withdraw the consultations still open.

    Raises ``ValidationError`` with code ``stale`` (another action happened since
    ``expected_lock_version``), ``closed``, ``forbidden`` (not an action of the open step, or the user is
    not in its pool), ``waiting_supplement``, ``consulted_agency_required``, ``time_order`` or the codes
    of the dossier transitions it calls. Nothing is written then.
    """
    officer = _officer(user)
    at = _aware(at)
    comment = (comment or "").strip()
    calendar = working_calendar()
    with transaction.atomic():
        current = _lock(dossier, expected_lock_version)
        instance = _target(current, officer, step_instance_id)
        action = (
            Action.objects.select_related("to_step", "from_step")
            .filter(pk=action_id, from_step_id=instance.step_id)
            .first()
        )
        if action is None or not may_act(officer, instance):
            raise ValidationError(
                _("You may not perform this action on dossier %(code)s at its current step.")
                % {"code": current.code},
                code="forbidden",
            )
        if at < instance.started_at:
            raise ValidationError(
                _("An action cannot come before its step started (%(started)s).")
                % {"started": timezone.localtime(instance.started_at).strftime("%H:%M %d/%m/%Y")},
                code="time_order",
            )
        if instance.parallel:
            return _answer(current, officer, instance, action, comment=comment, at=at)
        if current.status == DossierStatus.WAITING_SUPPLEMENT and action.kind != ActionKind.REFUSE:
            raise ValidationError(
                _("Dossier %(code)s is waiting for the applicant's supplement: it can only be refused now.")
                % {"code": current.code},
                code="waiting_supplement",
            )
        if action.kind == ActionKind.APPROVE:
            _approve_results(current, officer, at)
        if action.kind in (ActionKind.FORWARD, ActionKind.SEND_BACK, ActionKind.APPROVE):
            return _move(current, officer, instance, action, comment=comment, at=at, calendar=calendar)
        if action.kind == ActionKind.CONSULT:
            return _consult(
                current,
                officer,
                instance,
                action,
                comment=comment,
                consulted_agency=consulted_agency,
                at=at,
                calendar=calendar,
            )
        if action.kind == ActionKind.REQUEST_SUPPLEMENT:
            items = list(missing_items) if missing_items is not None else comment.splitlines()
            waiting, _late = dossier_services.dossier_supplement_request(
                current, officer, [item.strip() for item in items if item.strip()], comment, now=at
            )
            return _stay_or_move(
                waiting, officer, instance, action, comment=comment, at=at, calendar=calendar
            )
        if action.kind == ActionKind.REFUSE:
            ended = dossier_services.dossier_refuse(current, officer, comment, now=at)
        else:  # ActionKind.FINISH
            ended = dossier_services.dossier_finish(current, officer, comment, now=at)
        _close(instance, at=at, user=officer, action=action, comment=comment)
        _close_consultations(ended, at)
        return None


def _approve_results(dossier: Dossier, officer: User, at: datetime) -> None:
    """The "approve" action approves the result: there must be a result document when the catalog lists
    results for the procedure, and a leader's approval approves the pending documents with it."""
    has_documents = ResultDocument.objects.filter(dossier=dossier).exists()
    if not has_documents and Result.objects.filter(version_id=dossier.procedure_version_id).exists():
        raise ValidationError(
            _("Dossier %(code)s has no result document yet: upload or generate it before approving.")
            % {"code": dossier.code},
            code="result_missing",
        )
    if has_documents and may_approve_result(officer, dossier):
        approve_pending(dossier, officer, at)


def _move(
    dossier: Dossier,
    officer: User,
    instance: StepInstance,
    action: Action,
    *,
    comment: str,
    at: datetime,
    calendar: WorkingCalendar,
) -> StepInstance:
    to_step = action.to_step
    if to_step is None:  # validation forbids it on an active definition; a clear error beats a crash
        raise ValidationError(_("This action leads to no step."), code="no_target")
    _close(instance, at=at, user=officer, action=action, comment=comment)
    assignee = None
    if action.kind == ActionKind.SEND_BACK:
        # Sent back to whoever handled that step last: they know the dossier.
        previous = (
            StepInstance.objects.filter(dossier=dossier, step=to_step, parallel=False, ended_by__isnull=False)
            .order_by("-ended_at", "-id")
            .select_related("ended_by")
            .first()
        )
        assignee = previous.ended_by if previous is not None else None
    opened = _open(dossier, instance.definition, to_step, at=at, calendar=calendar, assignee=assignee)
    from_status = dossier.status
    if dossier.status == DossierStatus.RECEIVED:
        dossier.status = DossierStatus.IN_PROGRESS
    dossier_services.dossier_lock_bump(dossier, ["status"])
    # The applicant sees approvals and hand-overs between agencies (Mẫu 05), not moves inside one office.
    public = action.kind == ActionKind.APPROVE or (
        action.kind == ActionKind.FORWARD and opened.agency_id != instance.agency_id
    )
    dossier_services.dossier_event_add(
        dossier,
        actor=officer,
        action=EVENT_ACTIONS[action.kind],
        from_status=from_status,
        comment=comment,
        public=public,
        at=at,
        data={
            "step": instance.step.code,
            "to_step": to_step.code,
            "agency": opened.agency.code,
            "action": action.pk,
            "step_instance": opened.pk,
        },
    )
    opened.dossier = dossier
    return opened


def _stay_or_move(
    dossier: Dossier,
    officer: User,
    instance: StepInstance,
    action: Action,
    *,
    comment: str,
    at: datetime,
    calendar: WorkingCalendar,
) -> StepInstance:
    """After a supplement request or a consultation: the main step goes on, or ``to_step`` takes over."""
    to_step = action.to_step
    if to_step is None or to_step.pk == instance.step_id:
        instance.dossier = dossier
        return instance
    _close(instance, at=at, user=officer, action=action, comment=comment)
    opened = _open(dossier, instance.definition, to_step, at=at, calendar=calendar)
    opened.dossier = dossier
    return opened


def _consult(
    dossier: Dossier,
    officer: User,
    instance: StepInstance,
    action: Action,
    *,
    comment: str,
    consulted_agency: Agency | None,
    at: datetime,
    calendar: WorkingCalendar,
) -> StepInstance:
    if consulted_agency is None:
        raise ValidationError(_("Choose the agency to consult."), code="consulted_agency_required")
    if not consulted_agency.is_active:
        raise ValidationError(
            _("%(agency)s is no longer active: it cannot be consulted.") % {"agency": consulted_agency.name},
            code="consulted_agency_inactive",
        )
    # The opinion is due when the asking step is: the consulted agency gets what is left of its time.
    budget = calendar.working_time_between(at, instance.due_at)
    consultation = StepInstance.objects.create(
        dossier=dossier,
        definition=instance.definition,
        step=instance.step,
        role=CONSULTED_ROLE,
        agency=consulted_agency,
        parallel=True,
        consulted_from=instance,
        started_at=at,
        budget=budget,
        due_at=step_due(calendar, at, budget),
    )
    from_status = dossier.status
    if dossier.status == DossierStatus.RECEIVED:
        dossier.status = DossierStatus.IN_PROGRESS
    dossier_services.dossier_lock_bump(dossier, ["status"])
    dossier_services.dossier_event_add(
        dossier,
        actor=officer,
        action=EVENT_ACTIONS[ActionKind.CONSULT],
        from_status=from_status,
        comment=comment,
        public=False,
        at=at,
        data={
            "step": instance.step.code,
            "agency": consulted_agency.code,
            "action": action.pk,
            "step_instance": consultation.pk,
        },
    )
    return _stay_or_move(dossier, officer, instance, action, comment=comment, at=at, calendar=calendar)


def _answer(
    dossier: Dossier, officer: User, consultation: StepInstance, action: Action, *, comment: str, at: datetime
) -> StepInstance | None:
    """A consulted agency gives its opinion: its parallel step closes; the main step is untouched."""
    if action.kind not in ANSWER_KINDS:
        raise ValidationError(
            _("A consultation is answered by giving the opinion; other actions belong to the main step."),
            code="forbidden",
        )
    _close(consultation, at=at, user=officer, action=action, comment=comment)
    dossier_services.dossier_lock_bump(dossier)
    dossier_services.dossier_event_add(
        dossier,
        actor=officer,
        action=CONSULTATION_ANSWERED,
        from_status=dossier.status,
        comment=comment,
        public=False,
        at=at,
        data={
            "step": consultation.step.code,
            "agency": consultation.agency.code,
            "step_instance": consultation.pk,
        },
    )
    main = StepInstance.objects.filter(dossier=dossier, ended_at__isnull=True, parallel=False).first()
    if main is not None:
        main.dossier = dossier
    return main


def process_supplement_receive(
    dossier: Dossier,
    user: AnyUser,
    files: dossier_services.Files,
    *,
    at: datetime | None = None,
    expected_lock_version: int | None = None,
) -> Dossier:
    """The applicant's supplement arrives: ``dossier_supplement_receive`` (the pause closes, the dossier's
    due date moves) and, in the same transaction, the open steps' due dates move by the same wait."""
    officer = _officer(user)
    at = _aware(at)
    with transaction.atomic():
        current = _lock(dossier, expected_lock_version)
        resumed = dossier_services.dossier_supplement_receive(current, officer, files, now=at)
        _refresh_dues(resumed, working_calendar())
    return resumed


__all__ = [
    "available_actions",
    "may_act",
    "process_act",
    "process_start",
    "process_stop",
    "process_supplement_receive",
    "step_budget",
    "step_due",
]
