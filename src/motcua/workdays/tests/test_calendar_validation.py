"""Bad input to the calendar is refused with a clear message, never turned into a wrong deadline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from motcua.workdays.calendar import WorkingCalendar

from .support import DEFAULT_CUTOFF, DEFAULT_SESSIONS, vn


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    # These tests match the wording of error messages; they read them in the English source language.
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal(0), "positive"),
        (Decimal("-1"), "positive"),
        (-3, "positive"),
        (Decimal("NaN"), "finite"),
        (Decimal("Infinity"), "finite"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        ("abc", "number"),
        (True, "number"),
        (Decimal(100_000), "plausible"),
    ],
)
def test_bad_amount_rejected(calendar: WorkingCalendar, amount: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        calendar.deadline(vn(2026, 3, 9, 10), amount, "working_day")


@pytest.mark.parametrize("unit", ["day", "calendar_day", "", "WORKING_DAY"])
def test_unknown_unit_rejected(calendar: WorkingCalendar, unit: str) -> None:
    with pytest.raises(ValueError, match="Unknown deadline unit"):
        calendar.deadline(vn(2026, 3, 9, 10), Decimal(1), unit)


def test_naive_datetimes_rejected(calendar: WorkingCalendar) -> None:
    naive = datetime(2026, 3, 9, 10)
    aware = vn(2026, 3, 9, 10)
    calls = [
        lambda: calendar.deadline(naive, Decimal(1), "working_day"),
        lambda: calendar.deadline(aware, Decimal(1), "working_day", [(naive, aware)]),
        lambda: calendar.forwarding_deadline(naive),
        lambda: calendar.working_time_between(naive, aware),
        lambda: calendar.add_working_time(naive, aware - aware),
        lambda: calendar.remaining_working_time(aware, naive),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="Naive datetime"):
            call()


def test_pause_ending_before_it_starts_rejected(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="cannot end"):
        calendar.deadline(vn(2026, 3, 9, 10), Decimal(1), "working_day", [(vn(2026, 3, 10), vn(2026, 3, 9))])


def test_datetime_is_not_a_date(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="calendar date"):
        calendar.is_working_day(vn(2026, 3, 9, 10))


@pytest.mark.parametrize(
    "sessions",
    [
        [],
        [(time(11, 30), time(7, 30))],
        [(time(13, 0), time(17, 0)), (time(7, 30), time(11, 30))],
        [(time(7, 30), time(12, 0)), (time(11, 0), time(17, 0))],
    ],
)
def test_bad_sessions_rejected(sessions: list[tuple[time, time]]) -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(sessions, DEFAULT_CUTOFF)


def test_date_both_off_and_worked_rejected() -> None:
    day = date(2026, 3, 7)
    with pytest.raises(ValueError, match="both"):
        WorkingCalendar(DEFAULT_SESSIONS, DEFAULT_CUTOFF, days_off={day}, working_days={day})


def test_all_days_off_is_reported_not_looped_forever() -> None:
    start = date(2026, 1, 1)
    every_day = {date.fromordinal(start.toordinal() + i) for i in range(500)}
    calendar = WorkingCalendar(DEFAULT_SESSIONS, DEFAULT_CUTOFF, days_off=every_day)
    with pytest.raises(ValueError, match="No working day"):
        calendar.next_working_day(start)
