"""Reads on dossiers, scoped by ``motcua.org.scoping`` and written for inboxes of millions of rows.

Lists page by keyset on ``(due_at, id)`` (the tail of the ``dossier_agency_inbox`` and
``dossier_status_due`` indexes), so a page costs the same whatever its depth; OFFSET paging would scan every
skipped row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from motcua.org.scoping import AnyUser, Capability, agencies_for, is_global

from .models import Dossier, DossierEvent

# The capabilities that let an officer see a dossier at all (the admin's read-only list uses them all).
VIEW_CAPABILITIES: tuple[Capability, ...] = (
    Capability.DOSSIER_RECEIVE,
    Capability.DOSSIER_PROCESS,
    Capability.DOSSIER_REVIEW,
    Capability.MONITOR,
)

MAX_PAGE_SIZE = 100


def dossiers_for_user(user: AnyUser, capability: Capability) -> QuerySet[Dossier]:
    """Dossiers whose competent agency or receiving unit is in the user's scope for ``capability``."""
    if is_global(user, capability):
        return Dossier.objects.all()
    agencies = agencies_for(user, capability)
    return Dossier.objects.filter(Q(competent_agency__in=agencies) | Q(receiving_unit__in=agencies))


def visible_condition(user: AnyUser) -> Q | None:
    """The filter of the dossiers the user may see through any of ``VIEW_CAPABILITIES``; None: all.

    The agencies are resolved to a list of keys first: a literal ``IN (…)`` lets PostgreSQL use the inbox
    indexes, where a sub-select on agency paths made it scan and sort (80 ms → a few ms at 1M dossiers)."""
    if any(is_global(user, capability) for capability in VIEW_CAPABILITIES):
        return None
    ids: set[int] = set()
    for capability in VIEW_CAPABILITIES:
        ids.update(agencies_for(user, capability).values_list("id", flat=True))
    if not ids:
        return Q(pk__in=[])
    scope = sorted(ids)
    return Q(competent_agency_id__in=scope) | Q(receiving_unit_id__in=scope)


def dossiers_visible_to(user: AnyUser) -> QuerySet[Dossier]:
    """Dossiers the user may see through any of ``VIEW_CAPABILITIES``."""
    condition = visible_condition(user)
    return Dossier.objects.all() if condition is None else Dossier.objects.filter(condition)


def dossier_timeline(dossier: Dossier, public_only: bool = False) -> QuerySet[DossierEvent]:
    """The dossier's history in order; ``public_only`` keeps what the applicant is shown."""
    events = DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("at", "id")
    if public_only:
        events = events.filter(public=True)
    return events


@dataclass(frozen=True)
class InboxPage:
    items: list[Dossier]
    # Pass as ``after`` to get the next page; None on the last page.
    next_after: tuple[datetime, int] | None


def inbox_page(qs: QuerySet[Dossier], after: tuple[datetime, int] | None = None, size: int = 20) -> InboxPage:
    """One page of ``qs`` ordered by (due date, id), starting after the ``(due_at, id)`` cursor."""
    size = max(1, min(int(size), MAX_PAGE_SIZE))
    qs = qs.order_by("due_at", "id")
    if after is not None:
        due_at, last_id = after
        qs = qs.filter(Q(due_at__gt=due_at) | Q(due_at=due_at, id__gt=last_id))
    rows = list(qs[: size + 1])
    items = rows[:size]
    next_after = (items[-1].due_at, items[-1].pk) if len(rows) > size else None
    return InboxPage(items, next_after)
