"""Writes on process definitions. Only drafts are edited; activating a draft retires the definition it
replaces, in one transaction, so a scope never has two active definitions (the database enforces it too)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.geo.models import Level
from motcua.org.models import Agency, Role

from .models import Action, ActionKind, DefinitionStatus, ProcessDefinition, Step, StepUnit
from .selectors import definitions_in_scope
from .validation import definition_problems


def _lock_procedure(procedure_id: int) -> None:
    # Numbering and activation are decided per procedure: serialise them on the procedure row.
    list(Procedure.objects.select_for_update().filter(pk=procedure_id).values_list("pk", flat=True))


def _next_number(procedure_id: int, agency_id: int | None, level_id: int | None) -> int:
    last = definitions_in_scope(procedure_id, agency_id, level_id).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def definition_ensure_editable(definition: ProcessDefinition) -> None:
    """Refuse any change to a definition that is not a draft (as stored, not as held in memory)."""
    if definition.pk is None:
        return
    stored = ProcessDefinition.objects.filter(pk=definition.pk).values_list("status", flat=True).first()
    if stored is not None and stored != DefinitionStatus.DRAFT:
        raise ValidationError(
            _("An active or retired process cannot be edited; create a new version instead.")
        )


@transaction.atomic
def definition_save(definition: ProcessDefinition, *, user: User | None = None) -> ProcessDefinition:
    """Create a draft (numbered after the last version of its scope) or save changes to a draft."""
    definition_ensure_editable(definition)
    if definition.pk is None:
        _lock_procedure(definition.procedure_id)
        definition.number = _next_number(definition.procedure_id, definition.agency_id, definition.level_id)
        definition.status = DefinitionStatus.DRAFT
        definition.created_by = user
    definition.full_clean()
    definition.save()
    return definition


@transaction.atomic
def definition_activate(definition: ProcessDefinition) -> ProcessDefinition:
    """Make a draft the active definition of its scope, retiring the one it replaces.

    Raises ``ValidationError`` listing every problem (see ``validation``) and changes nothing if the draft
    is not sound."""
    _lock_procedure(definition.procedure_id)
    locked = ProcessDefinition.objects.select_for_update().get(pk=definition.pk)
    if locked.status != DefinitionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be activated."))
    problems = definition_problems(locked)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    definitions_in_scope(locked.procedure_id, locked.agency_id, locked.level_id).filter(
        status=DefinitionStatus.ACTIVE
    ).update(status=DefinitionStatus.RETIRED, retired_at=now)
    locked.status = DefinitionStatus.ACTIVE
    locked.activated_at = now
    locked.save(update_fields=["status", "activated_at"])
    definition.status, definition.activated_at = locked.status, locked.activated_at
    return locked


@transaction.atomic
def definition_new_version(definition: ProcessDefinition, user: User | None = None) -> ProcessDefinition:
    """A new draft of the same scope, numbered after the last one, with copies of every step and action."""
    _lock_procedure(definition.procedure_id)
    draft = ProcessDefinition.objects.create(
        procedure_id=definition.procedure_id,
        agency_id=definition.agency_id,
        level_id=definition.level_id,
        number=_next_number(definition.procedure_id, definition.agency_id, definition.level_id),
        status=DefinitionStatus.DRAFT,
        name=definition.name,
        created_by=user,
    )
    sources = list(Step.objects.filter(definition=definition).order_by("position", "id"))
    copies = Step.objects.bulk_create(
        Step(
            definition=draft,
            code=s.code,
            name=s.name,
            role=s.role,
            unit=s.unit,
            share_percent=s.share_percent,
            is_start=s.is_start,
            position=s.position,
        )
        for s in sources
    )
    copy_of = {source.pk: copy for source, copy in zip(sources, copies, strict=True)}
    Action.objects.bulk_create(
        Action(
            definition=draft,
            from_step=copy_of[a.from_step_id],
            kind=a.kind,
            to_step=copy_of.get(a.to_step_id) if a.to_step_id else None,
            label=a.label,
            position=a.position,
        )
        for a in Action.objects.filter(definition=definition).order_by("position", "id")
        if a.from_step_id in copy_of
    )
    return draft


@dataclass(frozen=True)
class _DefaultStep:
    code: str
    name: str
    role: Role
    unit: StepUnit
    share: Decimal


@dataclass(frozen=True)
class _DefaultAction:
    source: str
    kind: ActionKind
    target: str | None
    label: str


def _default_layout() -> tuple[list[_DefaultStep], list[_DefaultAction]]:
    # The one-stop baseline of NĐ 61/2018 and TT 01/2018: receive at the desk, forward to the competent
    # agency, appraise, review, approve, return the result at the desk. The shares are a starting point
    # for the administrator to adjust; they add up to the whole statutory time.
    steps = [
        _DefaultStep(
            "tiep-nhan", _("Reception"), Role.RECEPTION_OFFICER, StepUnit.RECEIVING_UNIT, Decimal(5)
        ),
        _DefaultStep("tham-dinh", _("Appraisal"), Role.SPECIALIST, StepUnit.COMPETENT_AGENCY, Decimal(60)),
        _DefaultStep("xem-xet", _("Review"), Role.HEAD_OF_DIVISION, StepUnit.COMPETENT_AGENCY, Decimal(15)),
        _DefaultStep("phe-duyet", _("Approval"), Role.AGENCY_LEADER, StepUnit.COMPETENT_AGENCY, Decimal(15)),
        _DefaultStep(
            "tra-ket-qua",
            _("Return of the result"),
            Role.RECEPTION_OFFICER,
            StepUnit.RECEIVING_UNIT,
            Decimal(5),
        ),
    ]
    actions = [
        _DefaultAction("tiep-nhan", ActionKind.FORWARD, "tham-dinh", _("Forward to the competent agency")),
        _DefaultAction("tiep-nhan", ActionKind.REQUEST_SUPPLEMENT, "tiep-nhan", _("Request a supplement")),
        _DefaultAction("tiep-nhan", ActionKind.REFUSE, None, _("Refuse to receive")),
        _DefaultAction("tham-dinh", ActionKind.FORWARD, "xem-xet", _("Submit for review")),
        _DefaultAction("tham-dinh", ActionKind.REQUEST_SUPPLEMENT, "tham-dinh", _("Request a supplement")),
        _DefaultAction("tham-dinh", ActionKind.CONSULT, "tham-dinh", _("Consult other agencies")),
        _DefaultAction("tham-dinh", ActionKind.REFUSE, None, _("Refuse with reasons")),
        _DefaultAction("xem-xet", ActionKind.FORWARD, "phe-duyet", _("Submit for approval")),
        _DefaultAction("xem-xet", ActionKind.SEND_BACK, "tham-dinh", _("Send back for appraisal")),
        _DefaultAction("phe-duyet", ActionKind.APPROVE, "tra-ket-qua", _("Approve and sign")),
        _DefaultAction("phe-duyet", ActionKind.SEND_BACK, "xem-xet", _("Send back for review")),
        _DefaultAction("tra-ket-qua", ActionKind.FINISH, None, _("Return the result")),
    ]
    return steps, actions


@transaction.atomic
def definition_default_create(
    procedure: Procedure,
    user: User | None = None,
    *,
    agency: Agency | None = None,
    level: Level | None = None,
) -> ProcessDefinition:
    """Create and activate the default five-step one-stop process for ``procedure`` (in that scope)."""
    title = procedure.current_version.name if procedure.current_version else procedure.local_code
    definition = definition_save(
        ProcessDefinition(
            procedure=procedure,
            agency=agency,
            level=level,
            number=0,
            name=(_("One-stop process: %(procedure)s") % {"procedure": title})[:255],
        ),
        user=user,
    )
    step_rows, action_rows = _default_layout()
    steps = {
        row.code: Step.objects.create(
            definition=definition,
            code=row.code,
            name=row.name,
            role=row.role,
            unit=row.unit,
            share_percent=row.share,
            is_start=position == 0,
            position=position,
        )
        for position, row in enumerate(step_rows)
    }
    Action.objects.bulk_create(
        Action(
            definition=definition,
            from_step=steps[row.source],
            kind=row.kind,
            to_step=steps[row.target] if row.target else None,
            label=row.label,
            position=position,
        )
        for position, row in enumerate(action_rows)
    )
    return definition_activate(definition)


def step_durations(definition: ProcessDefinition, version: ProcedureVersion) -> dict[str, Decimal]:
    """Each step's part of the statutory time, in the version's time unit (working days or hours).

    Exact: the statutory time has two decimals and a share two more, so nothing is rounded away and the
    parts add up to the statutory time when the shares add up to 100%."""
    return {
        step.code: version.statutory_time * step.share_percent / Decimal(100)
        for step in definition.steps.all()
    }
