"""Properties of the deadline arithmetic that must hold for every receipt, amount and pause."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from motcua.workdays.calendar import VIETNAM_TZ, Interval, WorkingCalendar

from .support import default_calendar

FIRST = datetime(2025, 1, 1)
LAST = datetime(2027, 6, 30)

receipts = st.datetimes(
    min_value=FIRST,
    max_value=LAST,
    timezones=st.sampled_from([VIETNAM_TZ, UTC, ZoneInfo("Europe/Paris")]),
    allow_imaginary=False,
)
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("40"), places=2)
units = st.sampled_from(["working_day", "working_hour"])
days = st.dates(min_value=FIRST.date(), max_value=LAST.date())


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    """Default hours with random administrator overrides on top of the library."""
    days_off = draw(st.sets(days, max_size=20))
    working_days = draw(st.sets(days, max_size=20).map(lambda s: s - days_off))
    return default_calendar(days_off, working_days)


@st.composite
def pause_lists(draw: st.DrawFn, received: datetime) -> list[Interval]:
    pauses: list[Interval] = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        start = received + timedelta(
            minutes=draw(st.integers(min_value=-3 * 24 * 60, max_value=60 * 24 * 60))
        )
        length = timedelta(minutes=draw(st.integers(min_value=0, max_value=12 * 24 * 60)))
        pauses.append((start, start + length))
    return pauses


def in_office_hours(calendar: WorkingCalendar, moment: datetime) -> bool:
    """On a working day, inside a session; a session's end counts, its opening does not."""
    local = moment.astimezone(VIETNAM_TZ)
    return any(start < local <= end for start, end in calendar.office_sessions(local.date()))


def expected_office_time(calendar: WorkingCalendar, amount: Decimal, unit: str) -> timedelta:
    per_unit = calendar.working_day_length if unit == "working_day" else timedelta(hours=1)
    microseconds = (amount * Decimal(per_unit // timedelta(microseconds=1))).to_integral_value(ROUND_CEILING)
    return timedelta(microseconds=int(microseconds))


FAST = settings(deadline=None, max_examples=150)


@FAST
@given(calendar=calendars(), received=receipts, a=amounts, b=amounts, unit=units, data=st.data())
def test_due_is_monotone_in_amount(
    calendar: WorkingCalendar, received: datetime, a: Decimal, b: Decimal, unit: str, data: st.DataObject
) -> None:
    pauses = data.draw(pause_lists(received))
    small, large = sorted((a, b))
    assert calendar.deadline(received, small, unit, pauses) <= calendar.deadline(
        received, large, unit, pauses
    )


@FAST
@given(calendar=calendars(), received=receipts, amount=amounts, unit=units, data=st.data())
def test_due_is_after_receipt_and_inside_office_hours(
    calendar: WorkingCalendar, received: datetime, amount: Decimal, unit: str, data: st.DataObject
) -> None:
    due = calendar.deadline(received, amount, unit, data.draw(pause_lists(received)))
    assert due > received
    assert due.tzinfo is VIETNAM_TZ
    assert calendar.is_working_day(due.date())
    assert in_office_hours(calendar, due)


@FAST
@given(calendar=calendars(), received=receipts, amount=amounts, unit=units)
def test_office_time_to_due_equals_the_amount(
    calendar: WorkingCalendar, received: datetime, amount: Decimal, unit: str
) -> None:
    due = calendar.deadline(received, amount, unit)
    start = calendar.counting_start(received, unit)
    assert calendar.working_time_between(start, due) == expected_office_time(calendar, amount, unit)
    if unit == "working_hour":
        # Hours run from the receipt instant: the office time between receipt and due is the amount itself.
        assert calendar.working_time_between(received, due) == expected_office_time(calendar, amount, unit)


@FAST
@given(received=receipts, amount=amounts)
def test_whole_days_are_due_at_close_of_a_later_working_day(received: datetime, amount: Decimal) -> None:
    calendar = default_calendar()
    whole = Decimal(max(1, int(amount)))
    due = calendar.deadline(received, whole, "working_day")
    assert due.time() == calendar.sessions[-1][1]
    # Counting starts after the receipt day (BLDS Art. 147), so the due is never on the receipt day.
    assert due.date() > received.astimezone(VIETNAM_TZ).date()


@FAST
@given(calendar=calendars(), received=receipts, amount=amounts, unit=units, data=st.data())
def test_pauses_never_make_the_due_earlier(
    calendar: WorkingCalendar, received: datetime, amount: Decimal, unit: str, data: st.DataObject
) -> None:
    pauses = data.draw(pause_lists(received))
    without = calendar.deadline(received, amount, unit)
    assert calendar.deadline(received, amount, unit, pauses) >= without
    # Adding one more pause can only push further.
    extra = data.draw(pause_lists(received))
    assert calendar.deadline(received, amount, unit, pauses + extra) >= calendar.deadline(
        received, amount, unit, pauses
    )


@FAST
@given(received=receipts, amount=amounts, unit=units, day=days, data=st.data())
def test_pause_without_office_time_changes_nothing(
    received: datetime, amount: Decimal, unit: str, day: date, data: st.DataObject
) -> None:
    calendar = default_calendar()
    pauses = data.draw(pause_lists(received))
    sunday = day + timedelta(days=6 - day.weekday())
    empty = data.draw(
        st.sampled_from(
            [
                # A whole Sunday.
                (
                    datetime.combine(sunday, datetime.min.time(), VIETNAM_TZ),
                    datetime.combine(sunday + timedelta(days=1), datetime.min.time(), VIETNAM_TZ),
                ),
                # A night between two days: 17:00 to 07:30.
                (
                    datetime(day.year, day.month, day.day, 17, tzinfo=VIETNAM_TZ),
                    datetime(day.year, day.month, day.day, 7, 30, tzinfo=VIETNAM_TZ) + timedelta(days=1),
                ),
            ]
        )
    )
    assert calendar.working_time_between(*empty) == timedelta()
    assert calendar.deadline(received, amount, unit, [*pauses, empty]) == calendar.deadline(
        received, amount, unit, pauses
    )


@FAST
@given(calendar=calendars(), a=receipts, b=receipts, c=receipts)
def test_working_time_is_additive_and_remaining_is_antisymmetric(
    calendar: WorkingCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    a, b, c = sorted((a, b, c))
    whole, first, second = (calendar.working_time_between(x, y) for x, y in ((a, c), (a, b), (b, c)))
    assert whole == first + second
    assert calendar.remaining_working_time(a, c) == -calendar.remaining_working_time(c, a)


@FAST
@given(calendar=calendars(), start=receipts, minutes=st.integers(min_value=0, max_value=40 * 8 * 60))
def test_add_working_time_inverts_working_time_between(
    calendar: WorkingCalendar, start: datetime, minutes: int
) -> None:
    delta = timedelta(minutes=minutes)
    end = calendar.add_working_time(start, delta)
    assert end >= start
    assert calendar.working_time_between(start, end) == delta


@FAST
@given(calendar=calendars(), received=receipts)
def test_forwarding_is_by_a_session_end_of_a_working_day(
    calendar: WorkingCalendar, received: datetime
) -> None:
    due = calendar.forwarding_deadline(received)
    assert due > received
    assert calendar.is_working_day(due.date())
    assert due.time() in {end for _, end in calendar.sessions}
    # On a working day: the same day up to the cutoff (inclusive), otherwise the next working day.
    local = received.astimezone(VIETNAM_TZ)
    assume(calendar.is_working_day(local.date()))
    if local.time() <= calendar.forward_cutoff:
        assert due.date() == local.date()
    else:
        assert due.date() == calendar.next_working_day(local.date())


@settings(max_examples=200, deadline=None)
@given(
    calendar=calendars(), a=receipts, minutes=st.integers(min_value=-60 * 24 * 60, max_value=400 * 24 * 60)
)
def test_working_time_between_is_the_sum_of_each_days_sessions(
    calendar: WorkingCalendar, a: datetime, minutes: int
) -> None:
    b = a + timedelta(minutes=minutes)
    local_a, local_b = a.astimezone(VIETNAM_TZ), b.astimezone(VIETNAM_TZ)
    expected = timedelta()
    day = local_a.date()
    while day <= local_b.date():
        for start, end in calendar.office_sessions(day):
            expected += max(timedelta(), min(end, local_b) - max(start, local_a))
        day += timedelta(days=1)
    assert calendar.working_time_between(a, b) == expected


@FAST
@given(calendar=calendars(), first=days, length=st.integers(min_value=0, max_value=800))
def test_working_days_between_counts_what_a_day_by_day_walk_counts(
    calendar: WorkingCalendar, first: date, length: int
) -> None:
    end = first + timedelta(days=length)
    walked = sum(calendar.is_working_day(first + timedelta(days=n)) for n in range(length))
    assert calendar._working_days_between(first, end) == walked
