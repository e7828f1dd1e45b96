"""How times are shown to officers: remaining office time in working days and hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from motcua.catalog.models import TimeUnit
from motcua.dossiers.models import CLOSED_STATUSES, Dossier, DossierStatus
from motcua.workdays.calendar import WorkingCalendar

_NO_TIME = timedelta()


# A named tuple: an inbox makes one per row (a frozen dataclass took longer to build than its text).
class TimeLeft(NamedTuple):
    text: str
    overdue: bool = False
    paused: bool = False
    urgent: bool = False  # less than one working day left
    at_risk: bool = False  # less than MOTCUA_AT_RISK_WORKING_DAYS left


# Texts per language and number of minutes: an inbox shows one for every row, each made of two or three
# translations (the catalog look-ups were most of a row's time); durations of days repeat all day long.
@lru_cache(maxsize=8192)
def _duration_text(language: str | None, minutes: int, day_minutes: int) -> str:
    """``minutes`` of office time with days of ``day_minutes`` → "1 working day 3 hours" (no minutes once
    there are days)."""
    days, rest = divmod(minutes, day_minutes)
    hours, mins = divmod(rest, 60)
    parts: list[str] = []
    if days:
        parts.append(ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if mins and not days:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", mins) % {"n": mins})
    return " ".join(parts) or _("less than a minute")


@lru_cache(maxsize=8192)
def _time_left_text(language: str | None, minutes: int, day_minutes: int, overdue: bool) -> str:
    duration = _duration_text(language, minutes, day_minutes)
    if overdue:
        return _("Overdue by %(time)s") % {"time": duration}
    return _("%(time)s left") % {"time": duration}


def time_left(dossier: Dossier, calendar: WorkingCalendar, now: datetime) -> TimeLeft | None:
    """Office time left until the due date; None for a closed dossier."""
    return time_left_at(dossier.status, dossier.due_at, calendar, now)


def time_left_at(status: str, due_at: datetime, calendar: WorkingCalendar, now: datetime) -> TimeLeft | None:
    """``time_left`` from a dossier's status and due date (a list row read without its model)."""
    if status in CLOSED_STATUSES:
        return None
    if status == DossierStatus.WAITING_SUPPLEMENT:
        return TimeLeft(_("Clock paused: waiting for the applicant"), paused=True)
    remaining = calendar.remaining_working_time(now, due_at)
    length = calendar.working_day_length
    minutes = int(abs(remaining).total_seconds() // 60)
    day_minutes = max(1, int(length.total_seconds() // 60))
    if remaining < _NO_TIME or (remaining == _NO_TIME and now > due_at):
        return TimeLeft(_time_left_text(get_language(), minutes, day_minutes, True), overdue=True)
    return TimeLeft(
        _time_left_text(get_language(), minutes, day_minutes, False),
        urgent=remaining < length,
        at_risk=remaining < length * float(settings.MOTCUA_AT_RISK_WORKING_DAYS),
    )


def statutory_time_label(amount: Decimal, unit: str) -> str:
    """Decimal("0.50"), "working_day" → "0.5 working days"."""
    number = format(amount.normalize(), "f")
    count = 1 if amount == 1 else 2
    if unit == TimeUnit.WORKING_HOUR:
        return ngettext("%(n)s working hour", "%(n)s working hours", count) % {"n": number}
    return ngettext("%(n)s working day", "%(n)s working days", count) % {"n": number}
