"""Reads of the working calendar: the calendar in force (library + overrides) and a year view."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any, NamedTuple

from django.conf import settings

from motcua.core.compiled import CompiledQuery

from .calendar import WorkingCalendar
from .models import CalendarOverride


class CalendarDay(NamedTuple):
    date: dt.date
    is_working: bool
    reason: str


def _calendar(days_off: set[dt.date], working_days: set[dt.date]) -> WorkingCalendar:
    # Settings are read per call so that a test's override_settings (or a reload) is honoured.
    return WorkingCalendar(
        sessions=settings.MOTCUA_OFFICE_HOURS,
        forward_cutoff=settings.MOTCUA_FORWARD_CUTOFF,
        days_off=days_off,
        working_days=working_days,
    )


_OVERRIDES = CompiledQuery(lambda: CalendarOverride.objects.order_by("date").values("date", "kind"))

# The calendar last built in this process, by what it was built from. A calendar learns each year's
# holidays on first use (the ``holidays`` package, then the overrides): an inbox of 20 rows spent more time
# on that than on the rows when every request built its own.
_LAST: dict[tuple[object, ...], WorkingCalendar] = {}
# When this process last read the overrides (``time.monotonic``), for ``shown_calendar``; None: re-read.
_READ_AT: list[float | None] = [None]

# How old the calendar of what a page shows may be (``shown_calendar``), in seconds.
SHOWN_MAX_AGE = 60.0


def _settings_key() -> tuple[object, ...]:
    # What a calendar is built from besides the overrides (a test's override_settings changes them).
    return (tuple(settings.MOTCUA_OFFICE_HOURS), settings.MOTCUA_FORWARD_CUTOFF)


def working_calendar() -> WorkingCalendar:
    """The calendar in force, with every override; one query, so an admin edit applies at once. Every
    write that computes a date (a due date, a pause, a new date) reads it so."""
    overrides = tuple((row["date"], row["kind"]) for row in _OVERRIDES.rows())
    key = (overrides, *_settings_key())
    calendar = _LAST.get(key)
    if calendar is None:
        days_off = {day for day, kind in overrides if kind != CalendarOverride.Kind.WORKING_DAY}
        working_days = {day for day, kind in overrides if kind == CalendarOverride.Kind.WORKING_DAY}
        calendar = _calendar(days_off, working_days)
        _LAST.clear()
        _LAST[key] = calendar
    _READ_AT[0] = time.monotonic()
    return calendar


def shown_calendar() -> WorkingCalendar:
    """The calendar for what a page shows (the working time left in an inbox row or on a dossier page):
    this process's last ``working_calendar``, read again when it is more than ``SHOWN_MAX_AGE`` seconds
    old. An override saved or deleted in this process applies at once (``forget_calendar``); one saved
    through another server process shows here within that time. Due dates themselves are computed by
    writes, with ``working_calendar``; the query this spares was one of the six of every inbox page."""
    read_at = _READ_AT[0]
    if read_at is not None and _LAST and time.monotonic() - read_at <= SHOWN_MAX_AGE:
        key, calendar = next(iter(_LAST.items()))
        if key[1:] == _settings_key():
            return calendar
    return working_calendar()


def forget_calendar(**_signal: Any) -> None:
    """Make the next ``shown_calendar`` read the overrides (connected to their saves and deletes)."""
    _READ_AT[0] = None


def library_calendar() -> WorkingCalendar:
    """The calendar the ``holidays`` package and the weekly rest give, ignoring overrides (no query)."""
    return _calendar(set(), set())


def calendar_days(year: int) -> list[CalendarDay]:
    """Every day of ``year`` with whether it is worked and why (override reason, holiday name, weekend)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    overrides = {
        day: (kind, reason)
        for day, kind, reason in CalendarOverride.objects.filter(date__range=(first, last)).values_list(
            "date", "kind", "reason"
        )
    }
    calendar = _calendar(
        {day for day, (kind, _) in overrides.items() if kind == CalendarOverride.Kind.DAY_OFF},
        {day for day, (kind, _) in overrides.items() if kind == CalendarOverride.Kind.WORKING_DAY},
    )
    days: list[CalendarDay] = []
    day = first
    while day <= last:
        if day in overrides:
            kind, reason = overrides[day]
            days.append(CalendarDay(day, kind == CalendarOverride.Kind.WORKING_DAY, reason))
        else:
            days.append(CalendarDay(day, calendar.is_working_day(day), calendar.library_reason(day)))
        day += dt.timedelta(days=1)
    return days
