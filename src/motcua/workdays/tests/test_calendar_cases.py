"""Hand-checked deadlines around the 2026 holidays, with default office hours (07:30–11:30, 13:00–17:00).

Each case states its reasoning. 2026 facts used (``holidays`` 0.109, VN): Tết 16–20 Feb (Mon–Fri), with
14–15 Feb a weekend; Giỗ Tổ Sun 26 Apr, compensated Mon 27 Apr; 30 Apr (Thu) and 1 May (Fri); 31 Aug (Mon,
off in exchange for working Sat 22 Aug), 1 Sep (Tue), 2 Sep (Wed); 1 Jan (Thu).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from motcua.workdays.calendar import Interval, WorkingCalendar

from .support import default_calendar, vn

DAY = "working_day"
HOUR = "working_hour"

DEADLINE_CASES = [
    # Thu 12 Feb 10:00, 1 day. Receipt day Thu is not counted (BLDS Art. 147); Fri 13 Feb is day 1
    # → close of Fri 13 Feb.
    pytest.param(vn(2026, 2, 12, 10), "1", DAY, (), vn(2026, 2, 13, 17), id="before-tet-1-day"),
    # Fri 13 Feb 10:00, 1 day. Sat 14, Sun 15 weekend; 16–20 Tết; Sat 21, Sun 22 weekend → day 1 is
    # Mon 23 Feb.
    pytest.param(vn(2026, 2, 13, 10), "1", DAY, (), vn(2026, 2, 23, 17), id="friday-before-tet"),
    # Thu 12 Feb 09:00, 3 days: Fri 13 (1), [14–22 rest], Mon 23 (2), Tue 24 (3).
    pytest.param(vn(2026, 2, 12, 9), "3", DAY, (), vn(2026, 2, 24, 17), id="across-tet-3-days"),
    # Sat 14 Feb 09:00 (a rest day), 1 day. The receipt day is Saturday itself; the next working day after
    # it is Mon 23 Feb (Tết in between) → day 1.
    pytest.param(vn(2026, 2, 14, 9), "1", DAY, (), vn(2026, 2, 23, 17), id="saturday-receipt-in-tet"),
    # Sat 7 Mar 09:00, 2 days. Receipt day Sat; Sun is rest; Mon 9 (1), Tue 10 (2).
    pytest.param(vn(2026, 3, 7, 9), "2", DAY, (), vn(2026, 3, 10, 17), id="saturday-receipt"),
    # Mon 9 Mar 18:00 (after close), 1 day. The receipt day is still Monday; Tue 10 is day 1 — the same
    # due as a receipt at 10:00 that Monday.
    pytest.param(vn(2026, 3, 9, 18), "1", DAY, (), vn(2026, 3, 10, 17), id="after-close-1-day"),
    # Wed 31 Dec 2025 10:00, 1 day. Thu 1 Jan 2026 is New Year → day 1 is Fri 2 Jan (across the year).
    pytest.param(vn(2025, 12, 31, 10), "1", DAY, (), vn(2026, 1, 2, 17), id="new-year"),
    # Fri 24 Apr 10:00, 1 day. Sat 25; Sun 26 Giỗ Tổ; Mon 27 its compensation day → day 1 is Tue 28 Apr.
    pytest.param(vn(2026, 4, 24, 10), "1", DAY, (), vn(2026, 4, 28, 17), id="gio-to-compensation"),
    # Wed 29 Apr 14:00, 2 days. Thu 30 Apr, Fri 1 May holidays, Sat/Sun → Mon 4 May (1), Tue 5 May (2).
    pytest.param(vn(2026, 4, 29, 14), "2", DAY, (), vn(2026, 5, 5, 17), id="30-4-and-1-5"),
    # Tue 28 Apr 10:00, 0.5 day. Counting starts Wed 29 07:30; half a day is 4 h → Wed 29 11:30.
    pytest.param(vn(2026, 4, 28, 10), "0.5", DAY, (), vn(2026, 4, 29, 11, 30), id="half-day"),
    # Wed 29 Apr 10:00, 1.5 days. Mon 4 May is the whole day (30/4, 1/5, weekend skipped); then 4 h more
    # from Tue 5 May 07:30 → 11:30.
    pytest.param(vn(2026, 4, 29, 10), "1.5", DAY, (), vn(2026, 5, 5, 11, 30), id="one-and-a-half-days"),
    # Mon 9 Mar 10:00, 0.25 day = 2 h from Tue 10 07:30 → 09:30.
    pytest.param(vn(2026, 3, 9, 10), "0.25", DAY, (), vn(2026, 3, 10, 9, 30), id="quarter-day"),
    # Thu 20 Aug 10:00, 2 days. Fri 21 (1), Sat 22 Aug is the swapped working Saturday (2) → Sat 17:00.
    pytest.param(vn(2026, 8, 20, 10), "2", DAY, (), vn(2026, 8, 22, 17), id="swap-saturday-worked"),
    # Fri 28 Aug 10:00, 1 day. Sat 29, Sun 30; Mon 31 (swap day off), Tue 1 and Wed 2 Sep (National Day)
    # → day 1 is Thu 3 Sep.
    pytest.param(vn(2026, 8, 28, 10), "1", DAY, (), vn(2026, 9, 3, 17), id="national-day"),
    # Mon 23 Nov 10:00, 1 day. Tue 24 Nov is Vietnamese Culture Day (from 2026, per the library) → Wed 25.
    pytest.param(vn(2026, 11, 23, 10), "1", DAY, (), vn(2026, 11, 25, 17), id="culture-day"),
    # Mon 9 Mar 10:00, 4 hours: 10:00–11:30 is 1.5 h; 2.5 h more from 13:00 → 15:30 (across lunch).
    pytest.param(vn(2026, 3, 9, 10), "4", HOUR, (), vn(2026, 3, 9, 15, 30), id="4h-across-lunch"),
    # Fri 6 Mar 14:00, 8 hours: Fri 14:00–17:00 is 3 h; Mon 9 07:30–11:30 is 4 h; 1 h from 13:00 → Mon 14:00.
    pytest.param(vn(2026, 3, 6, 14), "8", HOUR, (), vn(2026, 3, 9, 14), id="8h-across-weekend"),
    # Mon 9 Mar 18:00 (after close), 4 hours: counting starts Tue 10 07:30 → 11:30.
    pytest.param(vn(2026, 3, 9, 18), "4", HOUR, (), vn(2026, 3, 10, 11, 30), id="4h-after-close"),
    # Mon 9 Mar 07:30, 8 hours: exactly one working day, exhausted at 17:00 → Mon 17:00, not Tue 07:30.
    pytest.param(vn(2026, 3, 9, 7, 30), "8", HOUR, (), vn(2026, 3, 9, 17), id="8h-ends-at-close"),
    # Mon 9 Mar 07:30, 4 hours: exhausted exactly at the end of the morning session → 11:30, not 13:00.
    pytest.param(vn(2026, 3, 9, 7, 30), "4", HOUR, (), vn(2026, 3, 9, 11, 30), id="4h-ends-at-noon"),
    # Fri 24 Apr 16:00, 2 hours: Fri 16:00–17:00 is 1 h; Sat, Sun (Giỗ Tổ), Mon 27 (compensation) off;
    # 1 h from Tue 28 07:30 → 08:30.
    pytest.param(vn(2026, 4, 24, 16), "2", HOUR, (), vn(2026, 4, 28, 8, 30), id="2h-over-gio-to"),
    # Sat 22 Aug 10:00 (swap working Saturday), 2 hours: 10:00–11:30 is 1.5 h; 0.5 h from 13:00 → 13:30.
    pytest.param(vn(2026, 8, 22, 10), "2", HOUR, (), vn(2026, 8, 22, 13, 30), id="2h-on-swap-saturday"),
    # Sun 15 Feb 10:00, 1 hour: the first session after it is Mon 23 Feb 07:30 → 08:30.
    pytest.param(vn(2026, 2, 15, 10), "1", HOUR, (), vn(2026, 2, 23, 8, 30), id="1h-received-in-tet"),
    # Mon 2 Mar 09:00, 5 days: Tue 3 (1), Wed 4 (2), Thu 5 (3), Fri 6 (4), Mon 9 (5) → Mon 9 17:00 without
    # pauses. A pause Fri 6 15:00 → Mon 9 09:30 holds Fri 15:00–17:00 (2 h) + Mon 07:30–09:30 (2 h) = 4 h
    # of office time; the weekend inside it counts for nothing. Mon 9 17:00 + 4 h → Tue 10 11:30.
    pytest.param(
        vn(2026, 3, 2, 9),
        "5",
        DAY,
        [(vn(2026, 3, 6, 15), vn(2026, 3, 9, 9, 30))],
        vn(2026, 3, 10, 11, 30),
        id="pause-over-weekend",
    ),
    # Same dossier, overlapping pauses Tue 3 10:00–14:00 and Tue 3 13:30 → Wed 4 08:30, merged into
    # Tue 10:00 → Wed 08:30: Tue 10:00–11:30 (1.5 h) + 13:00–17:00 (4 h) + Wed 07:30–08:30 (1 h) = 6.5 h
    # (summing them separately would count 13:30–14:00 twice: 7 h). Mon 9 17:00 + 6.5 h: Tue 10
    # 07:30–11:30 (4 h), 2.5 h from 13:00 → Tue 10 15:30.
    pytest.param(
        vn(2026, 3, 2, 9),
        "5",
        DAY,
        [(vn(2026, 3, 3, 13, 30), vn(2026, 3, 4, 8, 30)), (vn(2026, 3, 3, 10), vn(2026, 3, 3, 14))],
        vn(2026, 3, 10, 15, 30),
        id="overlapping-pauses",
    ),
    # Mon 2 Mar 09:00, 1 day → Tue 3 17:00; a pause Wed 4 08:00–10:00 starts after the due → ignored.
    pytest.param(
        vn(2026, 3, 2, 9),
        "1",
        DAY,
        [(vn(2026, 3, 4, 8), vn(2026, 3, 4, 10))],
        vn(2026, 3, 3, 17),
        id="pause-after-due-ignored",
    ),
    # Mon 2 Mar 09:00, 1 day; a pause Mon 2 10:00 → Tue 3 09:30. Counting starts Tue 07:30 (Monday is the
    # receipt day and not counted), so only Tue 07:30–09:30 (2 h) was on the clock → Tue 17:00 + 2 h
    # → Wed 4 09:30.
    pytest.param(
        vn(2026, 3, 2, 9),
        "1",
        DAY,
        [(vn(2026, 3, 2, 10), vn(2026, 3, 3, 9, 30))],
        vn(2026, 3, 4, 9, 30),
        id="pause-clipped-to-counting-start",
    ),
    # A second pause only counts if it starts before the *pushed* due: 1 day from Mon 2 Mar → Tue 3 17:00;
    # pause Tue 3 16:00–17:00 (1 h) pushes the due to Wed 4 08:30; pause Wed 4 08:00–09:00 starts before
    # it, 1 h more → Wed 4 09:30.
    pytest.param(
        vn(2026, 3, 2, 9),
        "1",
        DAY,
        [(vn(2026, 3, 3, 16), vn(2026, 3, 3, 17)), (vn(2026, 3, 4, 8), vn(2026, 3, 4, 9))],
        vn(2026, 3, 4, 9, 30),
        id="chained-pauses",
    ),
]


@pytest.mark.parametrize(("received", "amount", "unit", "pauses", "expected"), DEADLINE_CASES)
def test_deadline_hand_checked(
    calendar: WorkingCalendar,
    received: datetime,
    amount: str,
    unit: str,
    pauses: list[Interval],
    expected: datetime,
) -> None:
    assert calendar.deadline(received, Decimal(amount), unit, pauses) == expected


def test_override_day_off_moves_the_due() -> None:
    # Thu 12 Feb 10:00, 1 day is due Fri 13 Feb 17:00; a province giving Fri 13 Feb off as an extra Tết day
    # pushes day 1 past Tết to Mon 23 Feb.
    received = vn(2026, 2, 12, 10)
    assert default_calendar().deadline(received, Decimal(1), DAY) == vn(2026, 2, 13, 17)
    extra_day_off = default_calendar(days_off={date(2026, 2, 13)})
    assert extra_day_off.deadline(received, Decimal(1), DAY) == vn(2026, 2, 23, 17)


def test_override_working_day_moves_the_due() -> None:
    # Fri 6 Mar 10:00, 1 day is due Mon 9 Mar 17:00; declaring Sat 7 Mar a working day makes it day 1.
    received = vn(2026, 3, 6, 10)
    assert default_calendar().deadline(received, Decimal(1), DAY) == vn(2026, 3, 9, 17)
    worked_saturday = default_calendar(working_days={date(2026, 3, 7)})
    assert worked_saturday.deadline(received, Decimal(1), DAY) == vn(2026, 3, 7, 17)


def test_override_working_day_beats_a_library_holiday() -> None:
    # Mon 16 Feb (Giao thừa) declared worked: a dossier of Fri 13 Feb, 1 day, is due that Monday.
    calendar = default_calendar(working_days={date(2026, 2, 16)})
    assert calendar.is_working_day(date(2026, 2, 16))
    assert calendar.deadline(vn(2026, 2, 13, 10), Decimal(1), DAY) == vn(2026, 2, 16, 17)


def test_receipt_in_another_time_zone_is_read_in_vietnam(calendar: WorkingCalendar) -> None:
    # 03:00 UTC is 10:00 in Vietnam (UTC+7): 4 hours from Mon 9 Mar 10:00 → 15:30 local, returned in VN time.
    from datetime import UTC

    due = calendar.deadline(datetime(2026, 3, 9, 3, 0, tzinfo=UTC), Decimal(4), HOUR)
    assert due == vn(2026, 3, 9, 15, 30)
    assert due.utcoffset() == timedelta(hours=7)
    # 23:30 UTC on Sun 8 Mar is already Mon 9 Mar 06:30 in Vietnam: Monday is the receipt day → Tue 10.
    assert calendar.deadline(datetime(2026, 3, 8, 23, 30, tzinfo=UTC), Decimal(1), DAY) == vn(2026, 3, 10, 17)


FORWARDING_CASES = [
    # Mon 9 Mar 14:59: before the 15:00 cutoff → forwarded the same day, by close.
    pytest.param(vn(2026, 3, 9, 14, 59), vn(2026, 3, 9, 17), id="14:59-same-day"),
    # Exactly 15:00 is not "after 15:00" → same day.
    pytest.param(vn(2026, 3, 9, 15, 0), vn(2026, 3, 9, 17), id="15:00-same-day"),
    # Mon 9 Mar 15:01: after the cutoff → end of the morning session of Tue 10.
    pytest.param(vn(2026, 3, 9, 15, 1), vn(2026, 3, 10, 11, 30), id="15:01-next-morning"),
    # Fri 13 Mar 15:30 → the next working day is Mon 16 → 11:30.
    pytest.param(vn(2026, 3, 13, 15, 30), vn(2026, 3, 16, 11, 30), id="friday-15:30"),
    # Sat 14 Mar 10:00, a rest day → Mon 16 11:30.
    pytest.param(vn(2026, 3, 14, 10), vn(2026, 3, 16, 11, 30), id="saturday"),
    # Mon 9 Mar 18:00, after close → Tue 10 11:30.
    pytest.param(vn(2026, 3, 9, 18), vn(2026, 3, 10, 11, 30), id="after-close"),
    # Mon 9 Mar 06:45, before opening but before the cutoff → that day's close.
    pytest.param(vn(2026, 3, 9, 6, 45), vn(2026, 3, 9, 17), id="before-opening"),
    # Fri 13 Feb 15:30, the eve of Tết → the next working day is Mon 23 Feb → 11:30.
    pytest.param(vn(2026, 2, 13, 15, 30), vn(2026, 2, 23, 11, 30), id="before-tet"),
]


@pytest.mark.parametrize(("received", "expected"), FORWARDING_CASES)
def test_forwarding_deadline(calendar: WorkingCalendar, received: datetime, expected: datetime) -> None:
    assert calendar.forwarding_deadline(received) == expected


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 13), True),  # Friday before Tết
        (date(2026, 2, 14), False),  # Saturday
        (date(2026, 2, 16), False),  # Giao thừa
        (date(2026, 2, 20), False),  # Mùng bốn Tết
        (date(2026, 2, 23), True),  # first day back
        (date(2026, 4, 26), False),  # Giỗ Tổ on a Sunday
        (date(2026, 4, 27), False),  # its compensation Monday
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), False),
        (date(2026, 8, 22), True),  # swapped Saturday
        (date(2026, 8, 29), False),  # ordinary Saturday
        (date(2026, 8, 31), False),  # the day off it buys
        (date(2026, 9, 2), False),
        (date(2026, 9, 3), True),
    ],
)
def test_is_working_day(calendar: WorkingCalendar, day: date, working: bool) -> None:
    assert calendar.is_working_day(day) is working


def test_next_working_day_is_strictly_after(calendar: WorkingCalendar) -> None:
    assert calendar.next_working_day(date(2026, 3, 9)) == date(2026, 3, 10)
    assert calendar.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert calendar.next_working_day(date(2026, 8, 21)) == date(2026, 8, 22)


def test_working_time_between(calendar: WorkingCalendar) -> None:
    # Mon 9 Mar 10:00 → Tue 10 Mar 17:00: 1.5 h + 4 h on Monday, 8 h on Tuesday.
    assert calendar.working_time_between(vn(2026, 3, 9, 10), vn(2026, 3, 10, 17)) == timedelta(hours=13.5)
    # The whole Tết week holds no office time.
    assert calendar.working_time_between(vn(2026, 2, 14), vn(2026, 2, 23)) == timedelta()
    # Reversed bounds give zero, not a negative duration.
    assert calendar.working_time_between(vn(2026, 3, 10), vn(2026, 3, 9)) == timedelta()


def test_remaining_working_time(calendar: WorkingCalendar) -> None:
    due = vn(2026, 3, 10, 17)
    # Mon 9 Mar 10:00: 5.5 h left on Monday and 8 h on Tuesday.
    assert calendar.remaining_working_time(vn(2026, 3, 9, 10), due) == timedelta(hours=13.5)
    # Wed 11 Mar 09:00: overdue by 07:30–09:00 of Wednesday.
    assert calendar.remaining_working_time(vn(2026, 3, 11, 9), due) == -timedelta(hours=1.5)
    # Overnight after the due, nothing of office time has passed yet.
    assert calendar.remaining_working_time(vn(2026, 3, 10, 20), due) == timedelta()


def test_add_working_time_boundaries(calendar: WorkingCalendar) -> None:
    # From lunch time, office time resumes at 13:00.
    assert calendar.add_working_time(vn(2026, 3, 9, 12), timedelta(hours=1)) == vn(2026, 3, 9, 14)
    # Ending exactly at 11:30 stays at 11:30.
    assert calendar.add_working_time(vn(2026, 3, 9, 10), timedelta(hours=1.5)) == vn(2026, 3, 9, 11, 30)
    # Nothing to add: the instant itself, even outside office hours.
    assert calendar.add_working_time(vn(2026, 3, 8, 12), timedelta()) == vn(2026, 3, 8, 12)


def test_library_reason(calendar: WorkingCalendar) -> None:
    assert calendar.library_reason(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert calendar.library_reason(date(2026, 3, 9)) == ""
    assert calendar.library_reason(date(2026, 3, 7)) != ""
    assert calendar.library_reason(date(2026, 8, 22)) != ""
