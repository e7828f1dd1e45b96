"""Shared helpers for the working-calendar tests."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time

from motcua.workdays.calendar import VIETNAM_TZ, Session, WorkingCalendar

DEFAULT_SESSIONS: list[Session] = [(time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))]
DEFAULT_CUTOFF = time(15, 0)


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock instant in Vietnam."""
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM_TZ)


def default_calendar(
    days_off: Collection[date] = frozenset(), working_days: Collection[date] = frozenset()
) -> WorkingCalendar:
    """Default office hours and cutoff, library holidays, and the given overrides."""
    return WorkingCalendar(DEFAULT_SESSIONS, DEFAULT_CUTOFF, days_off, working_days)
