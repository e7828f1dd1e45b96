"""The inbox tabs: named filters over the dossiers an officer may see (``dossiers_visible_to``).

The tabs only slice the scoped queryset that ``motcua.dossiers.selectors`` gives; paging is the selector's
keyset ``Visibility.page``, read as one index scan per agency and status of the tab. Counts of the tabs
are capped (see ``COUNT_CAP``) and read each side of the scope on its own index (``Visibility.count``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierStatus
from motcua.dossiers.selectors import Visibility

# "Due soon": the due date falls within this window from now.
DUE_SOON_WINDOW = timedelta(hours=48)

# Dossiers whose statutory clock runs (a waiting dossier's clock is paused: its due date is recomputed when
# the supplement arrives, so it is neither "due soon" nor "overdue" meanwhile).
RUNNING_STATUSES = (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS)
DONE_STATUSES = (DossierStatus.FINISHED, DossierStatus.RETURNED, DossierStatus.REFUSED)


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str | Promise


TABS: tuple[Tab, ...] = (
    Tab("can-xu-ly", _("To do")),
    Tab("sap-den-han", _("Due soon")),
    Tab("qua-han", _("Overdue")),
    Tab("cho-bo-sung", _("Waiting for the applicant")),
    Tab("da-xong", _("Done")),
)
DEFAULT_TAB = TABS[0].slug


def tab_statuses(slug: str) -> tuple[str, ...]:
    """The statuses a tab lists."""
    if slug == "cho-bo-sung":
        return (DossierStatus.WAITING_SUPPLEMENT,)
    if slug == "da-xong":
        return DONE_STATUSES
    return RUNNING_STATUSES


def tab_due_condition(slug: str, now: datetime) -> Q:
    """The due-date window of a tab at ``now`` (none for most tabs), on top of its statuses."""
    if slug == "sap-den-han":
        return Q(due_at__gte=now, due_at__lt=now + DUE_SOON_WINDOW)
    if slug == "qua-han":
        return Q(due_at__lt=now)
    return Q()


def tab_condition(slug: str, now: datetime) -> Q:
    """The filter of one tab at ``now``."""
    return Q(status__in=tab_statuses(slug)) & tab_due_condition(slug, now)


def search_condition(q: str) -> Q:
    """A dossier code (exact or its beginning), a 12-digit ID number, or part of the applicant's name."""
    q = q.strip()
    if not q:
        return Q()
    condition = Q(code__istartswith=q) | Q(applicant__full_name__icontains=q)
    if q.isdigit():
        condition |= Q(applicant__id_number=q) | Q(applicant__tax_code=q)
    return condition


# Tab counts stop at this number and show "1000+": counting a provincial centre's whole history (hundreds
# of thousands of rows) on every page view cost seconds at 1M dossiers; a capped count reads at most this
# many index entries per tab.
COUNT_CAP = 1000


# The "done" tab is the whole history of the unit; its size tells an officer nothing, so it is not counted.
UNCOUNTED_TABS = frozenset({"da-xong"})


def tab_counts(visibility: Visibility, qs: QuerySet[Dossier], now: datetime) -> dict[str, str]:
    """The number of visible dossiers of ``qs`` (the search, not the scope) in each tab, capped at
    ``COUNT_CAP`` (one bounded query per tab, see ``Visibility.count``)."""
    counts: dict[str, str] = {slug: "" for slug in UNCOUNTED_TABS}
    for tab in TABS:
        if tab.slug in UNCOUNTED_TABS:
            continue
        n = visibility.count(qs.filter(tab_condition(tab.slug, now)), COUNT_CAP)
        counts[tab.slug] = f"{COUNT_CAP}+" if n >= COUNT_CAP else str(n)
    return counts


def cursor_encode(after: tuple[datetime, int]) -> str:
    due_at, pk = after
    return f"{due_at.isoformat()}_{pk}"


def cursor_decode(raw: str) -> tuple[datetime, int] | None:
    """The ``(due_at, id)`` of a ``sau`` parameter; None (first page) when it is missing or malformed."""
    due, sep, pk = raw.rpartition("_")
    if not sep:
        return None
    try:
        due_at = datetime.fromisoformat(due)
        number = int(pk)
    except ValueError:
        return None
    if due_at.tzinfo is None:
        return None
    return due_at, number


__all__ = [
    "TABS",
    "cursor_decode",
    "cursor_encode",
    "search_condition",
    "tab_counts",
    "tab_due_condition",
    "tab_statuses",
]
