"""Reads on process definitions."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from motcua.accounts.models import User
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedures_for_user
from motcua.dossiers.models import CLOSED_STATUSES, Dossier
from motcua.geo.models import Level
from motcua.org.models import Agency
from motcua.org.scoping import AnyUser, role_paths

from .models import Action, DefinitionStatus, ProcessDefinition, Step, StepInstance


def definitions_in_scope(
    procedure_id: int, agency_id: int | None, level_id: int | None
) -> QuerySet[ProcessDefinition]:
    """Every version of the definitions for exactly this (procedure, agency, level) scope."""
    qs = ProcessDefinition.objects.filter(procedure_id=procedure_id)
    qs = qs.filter(agency__isnull=True) if agency_id is None else qs.filter(agency_id=agency_id)
    return qs.filter(level__isnull=True) if level_id is None else qs.filter(level_id=level_id)


def with_rows(qs: QuerySet[ProcessDefinition]) -> QuerySet[ProcessDefinition]:
    """The definitions with their steps and actions loaded (three queries whatever the size)."""
    return qs.prefetch_related(
        Prefetch("steps", queryset=Step.objects.order_by("position", "id")),
        Prefetch("actions", queryset=Action.objects.order_by("position", "id")),
    )


def active_definition_for(
    procedure: Procedure, agency: Agency | None = None, level: Level | None = None, *, rows: bool = True
) -> ProcessDefinition | None:
    """The active definition that applies to a dossier of ``procedure`` handled by ``agency`` at ``level``,
    with its steps and actions loaded (``rows=False``: the definition alone, one query).

    The most specific one wins: agency and level, then agency only, then level only, then the generic one.
    A definition specialised for an agency applies to that agency exactly, not to its sub-units."""
    agency_match = Q(agency__isnull=True)
    if agency is not None:
        agency_match |= Q(agency=agency)
    level_match = Q(level__isnull=True)
    if level is not None:
        level_match |= Q(level=level)
    active = ProcessDefinition.objects.filter(
        agency_match, level_match, procedure=procedure, status=DefinitionStatus.ACTIVE
    )
    return most_specific(list(with_rows(active) if rows else active))


def most_specific(candidates: list[ProcessDefinition]) -> ProcessDefinition | None:
    """Of the active definitions that apply, the one for the agency before the generic one, then the one
    for the level."""
    if not candidates:
        return None
    return max(candidates, key=lambda d: (d.agency_id is not None, d.level_id is not None))


def definitions_for_user(user: AnyUser) -> QuerySet[ProcessDefinition]:
    """Definitions an officer may see: those of the procedures the officer may see in the back office."""
    return ProcessDefinition.objects.filter(procedure__in=procedures_for_user(user))


# --- the engine's reads ---------------------------------------------------------------------------


def holds_role(user: AnyUser, role: str, agency: Agency) -> bool:
    """Whether ``user`` holds ``role`` in ``agency``: the path rule of ``org.scoping`` — a role held in an
    agency applies to it and to every unit below it. Superusers hold every role everywhere."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(agency.path.startswith(path) for path in role_paths(user).get(role, ()))


def step_instances() -> QuerySet[StepInstance]:
    """Step instances with what the screens show of them: their dossier, step, agency, people, action."""
    return StepInstance.objects.select_related(
        "dossier", "dossier__procedure_version", "step", "agency", "assignee", "action", "ended_by"
    )


def open_steps_for_user(user: AnyUser) -> QuerySet[StepInstance]:
    """The inbox: open step instances (main steps and consultations) whose pool ``user`` holds — the
    step's role in its agency or a unit above it — or that are assigned to ``user``; most urgent first.

    Each (role, agencies) pair is a condition on the indexed ``(agency, role, ended_at, due_at)`` columns;
    the agencies are a path-prefix subquery, so the tree's size does not change the number of queries."""
    if not isinstance(user, User) or not user.is_active:
        return StepInstance.objects.none()
    # A dossier refused or finished through the dossier services directly (not through the engine) may
    # leave its step open: a closed dossier is never work to do.
    qs = step_instances().filter(ended_at__isnull=True).exclude(dossier__status__in=CLOSED_STATUSES)
    if user.is_superuser:
        return qs.order_by("due_at", "id")
    condition = Q(assignee=user)
    for role, paths in role_paths(user).items():
        under = Q()
        for path in paths:
            under |= Q(path__startswith=path)
        condition |= Q(role=role, agency__in=Agency.objects.filter(under))
    return qs.filter(condition).order_by("due_at", "id")


def dossier_steps(dossier: Dossier) -> QuerySet[StepInstance]:
    """The dossier's passage through its process, consultations included, in the order the steps opened."""
    return step_instances().filter(dossier=dossier).order_by("started_at", "id")


def open_main_step(dossier: Dossier) -> StepInstance | None:
    """The dossier's open main step (at most one, by a partial unique index); None when no process runs or
    the handling has ended."""
    return step_instances().filter(dossier=dossier, ended_at__isnull=True, parallel=False).first()


def open_consultations(dossier: Dossier) -> QuerySet[StepInstance]:
    """The consultations of other agencies still waiting for their opinion."""
    return (
        step_instances()
        .filter(dossier=dossier, ended_at__isnull=True, parallel=True)
        .order_by("started_at", "id")
    )
