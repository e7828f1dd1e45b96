"""Reads on process definitions."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedures_for_user
from motcua.geo.models import Level
from motcua.org.models import Agency
from motcua.org.scoping import AnyUser

from .models import Action, DefinitionStatus, ProcessDefinition, Step


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
    procedure: Procedure, agency: Agency | None = None, level: Level | None = None
) -> ProcessDefinition | None:
    """The active definition that applies to a dossier of ``procedure`` handled by ``agency`` at ``level``.

    The most specific one wins: agency and level, then agency only, then level only, then the generic one.
    A definition specialised for an agency applies to that agency exactly, not to its sub-units."""
    agency_match = Q(agency__isnull=True)
    if agency is not None:
        agency_match |= Q(agency=agency)
    level_match = Q(level__isnull=True)
    if level is not None:
        level_match |= Q(level=level)
    candidates = list(
        with_rows(
            ProcessDefinition.objects.filter(
                agency_match, level_match, procedure=procedure, status=DefinitionStatus.ACTIVE
            )
        )
    )
    if not candidates:
        return None
    return max(candidates, key=lambda d: (d.agency_id is not None, d.level_id is not None))


def definitions_for_user(user: AnyUser) -> QuerySet[ProcessDefinition]:
    """Definitions an officer may see: those of the procedures the officer may see in the back office."""
    return ProcessDefinition.objects.filter(procedure__in=procedures_for_user(user))
