"""The inbox tabs: named filters over the dossiers an officer may see (``dossiers_visible_to``).

The tabs only slice the scoped queryset that ``motcua.dossiers.selectors`` gives; paging is the selector's
keyset ``Visibility.page``, read as one index scan per agency and status of the tab. Counts of the tabs
are capped (see ``COUNT_CAP``) and read each side of the scope on its own index (``Visibility.count``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from urllib.parse import quote

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.core.dates import local_time_text
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.dossiers.selectors import Visibility, Window
from motcua.workdays.calendar import WorkingCalendar

from .display import TimeLeft, time_left_at

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


def tab_window(slug: str, now: datetime) -> Window:
    """The statuses and due-date window of a tab at ``now``."""
    statuses = tab_statuses(slug)
    if slug == "sap-den-han":
        return Window(statuses, due_from=now, due_before=now + DUE_SOON_WINDOW)
    if slug == "qua-han":
        return Window(statuses, due_before=now)
    return Window(statuses)


def tab_due_condition(slug: str, now: datetime) -> Q:
    """The due-date window of a tab at ``now`` (none for most tabs), on top of its statuses."""
    window = tab_window(slug, now)
    condition = Q()
    if window.due_from is not None:
        condition &= Q(due_at__gte=window.due_from)
    if window.due_before is not None:
        condition &= Q(due_at__lt=window.due_before)
    return condition


def tab_condition(slug: str, now: datetime) -> Q:
    """The filter of one tab at ``now``."""
    return tab_window(slug, now).condition()


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


def tab_counts(visibility: Visibility, q: str, now: datetime) -> dict[str, str]:
    """The number of visible dossiers matching the search ``q`` in each tab, capped at ``COUNT_CAP``:
    without a search one statement (``Visibility.open_counts``), with one a bounded query per tab."""
    counted = [tab for tab in TABS if tab.slug not in UNCOUNTED_TABS]
    if q:
        searched = Dossier.objects.filter(search_condition(q))
        numbers = {
            tab.slug: visibility.count(searched.filter(tab_condition(tab.slug, now)), COUNT_CAP)
            for tab in counted
        }
    else:
        found = visibility.open_counts(
            RUNNING_STATUSES, tab_statuses("cho-bo-sung"), now, now + DUE_SOON_WINDOW, COUNT_CAP
        )
        numbers = {
            "can-xu-ly": found.running,
            "sap-den-han": found.due_soon,
            "qua-han": found.overdue,
            "cho-bo-sung": found.waiting,
        }
    counts: dict[str, str] = {slug: "" for slug in UNCOUNTED_TABS}
    for tab in counted:
        n = numbers[tab.slug]
        counts[tab.slug] = f"{COUNT_CAP}+" if n >= COUNT_CAP else str(n)
    return counts


# The columns of an inbox row, read as ``values()``: no model instances per row.
ROW_FIELDS = (
    "code",
    "status",
    "received_at",
    "due_at",
    "apologised_at",
    "applicant__full_name",
    "applicant__id_number",
    "applicant__tax_code",
    "procedure_version__name",
    "competent_agency__name",
)


# A named tuple: one per row of every inbox page.
class InboxRow(NamedTuple):
    code: str
    url: str
    status: str
    status_label: str
    applicant_name: str
    applicant_number: str
    procedure_name: str
    competent_agency: str
    received: str
    due: str
    apologised: bool
    left: TimeLeft | None


def inbox_rows(items: list[dict[str, Any]], calendar: WorkingCalendar, now: datetime) -> list[InboxRow]:
    """Display rows of ``ROW_FIELDS`` dicts: texts and links made here, so that the template prints
    values (per-cell filters and ``{% url %}`` tags were most of the rendering time)."""
    labels = {status: str(label) for status, label in DossierStatus.choices}
    prefix = reverse("backoffice:dossier", args=["-"])[:-2]
    zone = timezone.get_current_timezone()
    return [
        InboxRow(
            code=row["code"],
            url=f"{prefix}{quote(row['code'])}/",
            status=row["status"],
            status_label=labels.get(row["status"], row["status"]),
            applicant_name=row["applicant__full_name"],
            applicant_number=row["applicant__id_number"] or row["applicant__tax_code"],
            procedure_name=row["procedure_version__name"],
            competent_agency=row["competent_agency__name"],
            received=local_time_text(row["received_at"], zone),
            due=local_time_text(row["due_at"], zone),
            apologised=row["apologised_at"] is not None,
            left=time_left_at(row["status"], row["due_at"], calendar, now),
        )
        for row in items
    ]


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
    "ROW_FIELDS",
    "TABS",
    "InboxRow",
    "cursor_decode",
    "cursor_encode",
    "inbox_rows",
    "search_condition",
    "tab_counts",
    "tab_due_condition",
    "tab_statuses",
]
