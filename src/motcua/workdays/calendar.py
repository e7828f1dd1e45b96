"""Working-calendar arithmetic for statutory deadlines (thời hạn giải quyết) — pure, no database access.

Everything here is computed in Asia/Ho_Chi_Minh: any timezone-aware datetime is accepted and every
datetime returned is aware and in that zone. Naive datetimes are rejected (``ValueError``), because a
deadline computed from an ambiguous instant cannot be defended to an applicant.

Working days (ngày làm việc)
    Rest days are Saturday and Sunday (state offices work Monday to Friday), plus the public holidays of
    BLLĐ 2019 Art. 112 as published by the ``holidays`` package (Tết, Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9,
    compensation days ``nghỉ bù`` and government swap days off), minus the Saturdays the government swaps
    into working days (``weekend_workdays``, e.g. Sat 22 Aug 2026 worked to bridge 31 Aug – 2 Sep).
    An administrator's overrides (``CalendarOverride``) win over all of that: ``day_off`` makes a day a rest
    day, ``working_day`` makes it a working day.

Office time (giờ hành chính)
    The configured sessions (default 07:30–11:30 and 13:00–17:00) of working days. One working day of
    office time is the sum of the sessions (8 hours by default).

Deadline in working days — ``deadline(received_at, n, "working_day")``
    BLDS 2015 Art. 147(1): when a period is counted in days, the day of the event is not counted; counting
    starts on the following day. The receipt *day* is the calendar date of the receipt in Vietnam, whatever
    the hour: a dossier received on Saturday, or on Monday at 18:00, has Saturday (resp. Monday) as its
    receipt day, and counting starts on the first working day after it (Monday, resp. Tuesday). Only
    working days are counted, so the due date never lands on a rest day, which is what BLDS 2015 Art. 148
    (a deadline falling on a rest day moves to the next working day) asks for.
    ``n`` whole days are due at the close of office hours of the n-th counted working day. A fraction
    ``f`` adds ``f`` × (one working day of office time) after the whole days: with the default hours
    0.5 day received on a Monday is due Tuesday 11:30 and 1.5 days is due Wednesday 11:30.

Deadline in working hours — ``deadline(received_at, h, "working_hour")``
    Office time counted from the receipt instant itself; a receipt outside office time starts counting at
    the next session.

Boundary
    Office time is half-open per session, but a result that exhausts its time exactly at the end of a
    session is due at that end (17:00), never at the next morning's opening.

Pauses (thời gian tạm dừng)
    NĐ 61/2018 and the 766 index (QĐ 766/QĐ-TTg) do not count the time a dossier waits for the applicant
    (supplement requests). Pause intervals are merged where they overlap, clipped to the moment the clock
    starts, and walked in order: each pause that starts before the current due pushes the due forward by
    the office time inside the pause. A pause that starts at or after the due cannot stop a clock that has
    already run out, so it is ignored.

Forwarding (chuyển hồ sơ) — ``forwarding_deadline(received_at)``
    NĐ 61/2018 Art. 19: the one-stop desk forwards a dossier to the competent agency the same working day;
    one received after the cutoff (15:00 by default), on a rest day or after close, goes by the end of the
    morning session of the next working day. Received at or before the cutoff on a working day: by the
    close of that day.

Rejected input (``ValueError``): naive datetimes, zero, negative or non-finite amounts, unknown units, a
pause that ends before it starts, and amounts above ``MAX_WORKING_DAYS`` of office time (a data error,
not a statutory time).
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# No statutory time comes near ten years; anything larger is a data-entry error and would only make the
# day-by-day walk slow.
MAX_WORKING_DAYS = 2600

# A run of rest days longer than this means the overrides are broken (e.g. a year marked off), not a
# holiday season.
_MAX_REST_RUN = 400

Session = tuple[time, time]
Interval = tuple[datetime, datetime]

_MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)


class DeadlineUnit(TextChoices):
    WORKING_DAY = "working_day", _("working days")
    WORKING_HOUR = "working_hour", _("working hours")


@dataclass(frozen=True)
class _LibraryYear:
    holidays: Mapping[date, str]
    weekend_workdays: frozenset[date]


def library_years(*years: int) -> None:
    """Learn the library's holidays of ``years`` now (a server process does before serving)."""
    for year in years:
        _library_year(year)


@functools.cache
def _library_year(year: int) -> _LibraryYear:
    # The library's data are static per process; building a year costs milliseconds, so cache it.
    vn = holidays.VN(years=year, language="vi")
    return _LibraryYear(
        holidays=MappingProxyType({d: str(name) for d, name in vn.items() if d.year == year}),
        weekend_workdays=frozenset(d for d in vn.weekend_workdays if d.year == year),
    )


# Days whose office sessions a calendar keeps (a few years of days; then it starts again).
_DAY_SESSIONS_KEPT = 2048


_NO_TIME = timedelta()
_ONE_DAY = timedelta(days=1)
# ``_WEEKDAYS_IN_RUN[w][n]``: how many of ``n`` consecutive days (n < 7) starting on weekday ``w`` are
# Monday to Friday.
_WEEKDAYS_IN_RUN = tuple(
    tuple(sum(1 for k in range(n) if (w + k) % 7 < 5) for n in range(7)) for w in range(7)
)


def _to_microseconds(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


class WorkingCalendar:
    """Working days and office time for deadline arithmetic; see the module docstring for the rules."""

    def __init__(
        self,
        sessions: Sequence[Session],
        forward_cutoff: time,
        days_off: Collection[date] = frozenset(),
        working_days: Collection[date] = frozenset(),
        *,
        tz: tzinfo = VIETNAM_TZ,
    ) -> None:
        if not sessions:
            raise ValueError(_("Office hours need at least one session."))
        previous_end: time | None = None
        for start, end in sessions:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError(_("Office sessions are local times of day without a time zone."))
            if start >= end:
                raise ValueError(_("An office session must start before it ends."))
            if previous_end is not None and start < previous_end:
                raise ValueError(_("Office sessions must be in order and must not overlap."))
            previous_end = end
        if forward_cutoff.tzinfo is not None:
            raise ValueError(_("The forwarding cutoff is a local time of day without a time zone."))
        both = set(days_off) & set(working_days)
        if both:
            raise ValueError(
                _("A date cannot be both an extra day off and a working day: %(dates)s")
                % {"dates": ", ".join(d.isoformat() for d in sorted(both))}
            )
        self._sessions: tuple[Session, ...] = tuple(sessions)
        self._cutoff = forward_cutoff
        self._days_off = frozenset(days_off)
        self._working_days = frozenset(working_days)
        self._tz = tz
        self._year_corrections: dict[int, tuple[list[date], list[int]]] = {}
        self._day_sessions: dict[date, tuple[Interval, ...]] = {}
        day = date(2000, 1, 3)
        self._day_length = sum(
            (datetime.combine(day, end) - datetime.combine(day, start) for start, end in self._sessions),
            timedelta(),
        )

    @property
    def sessions(self) -> tuple[Session, ...]:
        return self._sessions

    @property
    def forward_cutoff(self) -> time:
        return self._cutoff

    @property
    def working_day_length(self) -> timedelta:
        """Office time in one working day (8 hours with the default sessions)."""
        return self._day_length

    # --- days -----------------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        d = self._as_date(d)
        if d in self._working_days:
            return True
        if d in self._days_off:
            return False
        library = _library_year(d.year)
        if d in library.weekend_workdays:
            return True
        if d in library.holidays:
            return False
        return d.weekday() < 5

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d = self._as_date(d)
        for offset in range(1, _MAX_REST_RUN + 1):
            candidate = d + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(
            _("No working day within %(days)d days after %(date)s: check the calendar overrides.")
            % {"days": _MAX_REST_RUN, "date": d.isoformat()}
        )

    def library_reason(self, d: date) -> str:
        """Why the ``holidays`` library and the weekly rest make ``d`` what it is (overrides ignored)."""
        d = self._as_date(d)
        library = _library_year(d.year)
        if d in library.weekend_workdays:
            return str(_("Working Saturday (government swap)"))
        if d in library.holidays:
            return library.holidays[d]
        if d.weekday() >= 5:
            return str(_("Weekend"))
        return ""

    def office_sessions(self, d: date) -> tuple[Interval, ...]:
        """The office sessions of ``d`` as aware datetimes; empty on a rest day."""
        d = self._as_date(d)
        found = self._day_sessions.get(d)
        if found is None:
            # Kept per calendar, which a process reuses while the overrides stay the same: an inbox asks
            # the time left of every row, around the same few days.
            if len(self._day_sessions) >= _DAY_SESSIONS_KEPT:
                self._day_sessions.clear()
            found = self._day_sessions[d] = (
                tuple((self._at(d, start), self._at(d, end)) for start, end in self._sessions)
                if self.is_working_day(d)
                else ()
            )
        return found

    # --- office time ----------------------------------------------------------------------------

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Office time inside ``[a, b)``; zero when ``b`` is not after ``a``."""
        return self._between(self._local(a), self._local(b))

    def _between(self, a: datetime, b: datetime) -> timedelta:
        """``working_time_between`` of two instants already in the calendar's time zone. (An inbox asks it
        for every row: the checks and conversions were half of its time.)"""
        if b <= a:
            return _NO_TIME
        total = _NO_TIME
        first, last = a.date(), b.date()
        for day in (first,) if first == last else (first, last):
            sessions = self._day_sessions.get(day)
            if sessions is None:
                sessions = self.office_sessions(day)
            for start, end in sessions:
                overlap = (end if end < b else b) - (start if start > a else a)
                if overlap > _NO_TIME:
                    total += overlap
        # A day strictly between the two is whole: a working day's length if it is worked. (Inboxes show
        # the time left or overdue for every row; building each day's sessions made that a day-by-day walk.)
        if (last - first).days > 1:
            total += self._day_length * self._working_days_between(first + _ONE_DAY, last)
        return total

    def _working_days_between(self, first: date, end: date) -> int:
        """How many of the days in ``[first, end)`` are worked: Monday to Friday, corrected on the few days
        that an override, a holiday or a swapped Saturday changes (``is_working_day`` decides those)."""
        weeks, rest = divmod((end - first).days, 7)
        count = weeks * 5 + _WEEKDAYS_IN_RUN[first.weekday()][rest]
        for year in range(first.year, end.year + 1):
            days, running = self._corrections(year)
            # ``running[i]`` sums the corrections of ``days[:i]``: two bisections give those in the range.
            count += running[bisect_left(days, end)] - running[bisect_left(days, first)]
        return count

    def _corrections(self, year: int) -> tuple[list[date], list[int]]:
        """The days of ``year`` whose status differs from Monday-to-Friday (sorted) and the running sum of
        their corrections (+1 for a worked weekend day, -1 for a weekday off). Kept per calendar: an inbox
        asks the time left of every row, each a range of days over the same year or two."""
        cached = self._year_corrections.get(year)
        if cached is not None:
            return cached
        library = _library_year(year)
        special = {d for d in self._days_off | self._working_days if d.year == year}
        special.update(library.holidays, library.weekend_workdays)
        days: list[date] = []
        running = [0]
        for d in sorted(special):
            correction = int(self.is_working_day(d)) - int(d.weekday() < 5)
            if correction:
                days.append(d)
                running.append(running[-1] + correction)
        self._year_corrections[year] = (days, running)
        return days, running

    def add_working_time(self, t: datetime, delta: timedelta) -> datetime:
        """The instant reached after ``delta`` of office time from ``t``.

        A result that exhausts ``delta`` exactly at the end of a session is that end (17:00), not the next
        opening. A zero ``delta`` returns ``t`` itself, so an empty pause moves nothing.
        """
        t = self._local(t)
        if delta < timedelta():
            raise ValueError(_("Office time to add cannot be negative."))
        if delta == timedelta():
            return t
        remaining = delta
        day = t.date()
        while True:
            for start, end in self.office_sessions(day):
                start = max(start, t)
                if start >= end:
                    continue
                available = end - start
                if remaining <= available:
                    return start + remaining
                remaining -= available
            day = self.next_working_day(day)

    def subtract_working_time(self, t: datetime, delta: timedelta) -> datetime:
        """The instant from which ``delta`` of office time reaches ``t`` (``add_working_time`` backwards):
        one working day before 10:00 on a Monday is 10:00 on the previous working day, and one before 17:00
        is 17:00 the working day before."""
        t = self._local(t)
        if delta < timedelta():
            raise ValueError(_("Office time to subtract cannot be negative."))
        if delta == timedelta():
            return t
        remaining = delta
        day = t.date()
        # Bounded: a working day at least every _MAX_REST_RUN days, about 5 in 7 in practice.
        for _offset in range(int(delta / self.working_day_length) * 7 + _MAX_REST_RUN + 7):
            for start, end in reversed(self.office_sessions(day)):
                end = min(end, t)
                if end <= start:
                    continue
                if remaining == timedelta():
                    # Used up exactly at a session's opening: the answer is the previous session's end
                    # (17:00 the day before, not 07:30), as ``add_working_time`` stops at a session's end.
                    return end
                available = end - start
                if remaining < available:
                    return end - remaining
                remaining -= available
            day -= timedelta(days=1)
        raise ValueError(
            _("No office time before %(date)s: check the calendar overrides.") % {"date": t.date()}
        )

    def remaining_working_time(self, now: datetime, due: datetime) -> timedelta:
        """Office time left until ``due``; negative (minus the office time since ``due``) when overdue."""
        now, due = self._local(now), self._local(due)
        if now <= due:
            return self._between(now, due)
        return -self._between(due, now)

    # --- deadlines ------------------------------------------------------------------------------

    def counting_start(self, received_at: datetime, unit: str) -> datetime:
        """When the statutory clock starts for a dossier received at ``received_at``.

        Working days: the opening of the first working day after the receipt day (BLDS 2015 Art. 147).
        Working hours: the receipt instant itself (office time before the next session is zero anyway).
        """
        received = self._local(received_at)
        if self._unit(unit) is DeadlineUnit.WORKING_HOUR:
            return received
        first_day = self.next_working_day(received.date())
        return self._at(first_day, self._sessions[0][0])

    def deadline(
        self,
        received_at: datetime,
        amount: Decimal | int | str,
        unit: str,
        pauses: Sequence[Interval] = (),
    ) -> datetime:
        """The due date-time of a statutory time of ``amount`` ``unit`` for a dossier received at
        ``received_at``, extended by the office time of the applicant-waiting ``pauses``."""
        kind = self._unit(unit)
        value = self._amount(amount)
        start = self.counting_start(received_at, kind)
        per_unit = (
            _to_microseconds(self._day_length) if kind is DeadlineUnit.WORKING_DAY else _MICROSECONDS_PER_HOUR
        )
        # Rounded up to the microsecond so that any positive amount moves the due forward.
        microseconds = (value * Decimal(per_unit)).to_integral_value(rounding=ROUND_CEILING)
        if microseconds > MAX_WORKING_DAYS * _to_microseconds(self._day_length):
            raise ValueError(
                _("A statutory time above %(days)d working days is not plausible: %(amount)s %(unit)s.")
                % {"days": MAX_WORKING_DAYS, "amount": value, "unit": kind.value}
            )
        due = self.add_working_time(start, timedelta(microseconds=int(microseconds)))
        for pause_start, pause_end in self._merged_pauses(pauses, not_before=start):
            if pause_start >= due:
                break
            due = self.add_working_time(due, self.working_time_between(pause_start, pause_end))
        return due

    def forwarding_deadline(self, received_at: datetime) -> datetime:
        """When the one-stop desk must have forwarded the dossier to the competent agency (NĐ 61/2018)."""
        received = self._local(received_at)
        day = received.date()
        if self.is_working_day(day) and received.time() <= self._cutoff:
            return self._at(day, self._sessions[-1][1])
        # "Next morning": the end of the first session of the next working day.
        return self._at(self.next_working_day(day), self._sessions[0][1])

    # --- helpers --------------------------------------------------------------------------------

    def _merged_pauses(self, pauses: Sequence[Interval], *, not_before: datetime) -> list[Interval]:
        intervals: list[Interval] = []
        for pause in pauses:
            try:
                raw_start, raw_end = pause
            except (TypeError, ValueError) as exc:
                raise ValueError(_("A pause is a (start, end) pair of datetimes.")) from exc
            start, end = self._local(raw_start), self._local(raw_end)
            if end < start:
                raise ValueError(
                    _("A pause cannot end (%(end)s) before it starts (%(start)s).")
                    % {"start": start.isoformat(), "end": end.isoformat()}
                )
            # Before the clock starts there is nothing to suspend.
            start = max(start, not_before)
            if end > start:
                intervals.append((start, end))
        intervals.sort()
        merged: list[Interval] = []
        for start, end in intervals:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def _local(self, value: datetime) -> datetime:
        if not isinstance(value, datetime):
            raise ValueError(_("Expected a datetime, got %(type)s.") % {"type": type(value).__name__})
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                _("Naive datetime %(value)s: deadlines need a timezone-aware datetime.")
                % {"value": value.isoformat()}
            )
        return value.astimezone(self._tz)

    @staticmethod
    def _as_date(value: date) -> date:
        # A datetime is a date subclass; its calendar day depends on a time zone the caller must choose.
        if isinstance(value, datetime) or not isinstance(value, date):
            raise ValueError(_("Expected a calendar date, got %(type)s.") % {"type": type(value).__name__})
        return value

    def _at(self, d: date, t: time) -> datetime:
        return datetime.combine(d, t, tzinfo=self._tz)

    @staticmethod
    def _days(first: date, last: date) -> Iterator[date]:
        day = first
        while day <= last:
            yield day
            day += timedelta(days=1)

    @staticmethod
    def _unit(unit: str) -> DeadlineUnit:
        try:
            return DeadlineUnit(unit)
        except ValueError:
            raise ValueError(
                _("Unknown deadline unit %(unit)r: expected one of %(choices)s.")
                % {"unit": unit, "choices": ", ".join(DeadlineUnit.values)}
            ) from None

    @staticmethod
    def _amount(amount: Decimal | int | str) -> Decimal:
        if isinstance(amount, bool):
            raise ValueError(_("A statutory time must be a number, got %(amount)r.") % {"amount": amount})
        try:
            value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
        except (InvalidOperation, ValueError):
            raise ValueError(
                _("A statutory time must be a number, got %(amount)r.") % {"amount": amount}
            ) from None
        if not value.is_finite():
            raise ValueError(_("A statutory time must be finite, got %(amount)s.") % {"amount": value})
        if value <= 0:
            raise ValueError(_("A statutory time must be positive, got %(amount)s.") % {"amount": value})
        return value
