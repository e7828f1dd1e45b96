"""Administrator overrides: services, selectors and the admin screens."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from motcua.workdays import selectors
from motcua.workdays.models import CalendarOverride
from motcua.workdays.selectors import calendar_days, shown_calendar, working_calendar
from motcua.workdays.services import override_remove, override_set

from .support import vn

GIAO_THUA = date(2026, 2, 16)


@pytest.mark.django_db
def test_override_working_day_wins_over_the_library() -> None:
    assert not working_calendar().is_working_day(GIAO_THUA)
    override_set(GIAO_THUA, "working_day", "Test: desk open on Giao thừa")
    calendar = working_calendar()
    assert calendar.is_working_day(GIAO_THUA)
    # Fri 13 Feb, 1 working day: Mon 16 Feb is now day 1 instead of Mon 23 Feb.
    assert calendar.deadline(vn(2026, 2, 13, 10), Decimal(1), "working_day") == vn(2026, 2, 16, 17)


@pytest.mark.django_db
def test_override_day_off_wins_and_removal_restores_the_library() -> None:
    friday = date(2026, 3, 13)
    override_set(friday, "day_off", "Provincial day off")
    assert not working_calendar().is_working_day(friday)
    assert override_remove(friday) is True
    assert working_calendar().is_working_day(friday)
    assert override_remove(friday) is False


@pytest.mark.django_db
def test_override_set_replaces_the_earlier_decision() -> None:
    saturday = date(2026, 3, 7)
    override_set(saturday, "day_off", "first notice")
    override = override_set(saturday, "working_day", "  corrected notice  ")
    assert CalendarOverride.objects.count() == 1
    assert override.kind == CalendarOverride.Kind.WORKING_DAY
    assert override.reason == "corrected notice"
    assert working_calendar().is_working_day(saturday)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "kind", "reason", "field"),
    [
        (date(2026, 3, 7), "holiday", "typo in kind", "kind"),
        (date(2026, 3, 7), "", "empty kind", "kind"),
        (date(2026, 3, 7), "working_day", "   ", "reason"),
        (date(2026, 3, 7), "working_day", "x" * 256, "reason"),
        (datetime(2026, 3, 7, 10), "working_day", "a datetime, not a date", "date"),
        ("2026-03-07", "working_day", "a string, not a date", "date"),
    ],
)
def test_bad_override_rejected_and_nothing_written(day: object, kind: str, reason: str, field: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        override_set(day, kind, reason)  # type: ignore[arg-type]
    assert field in excinfo.value.message_dict
    assert not CalendarOverride.objects.exists()


@pytest.mark.django_db
def test_unknown_kind_message_names_the_choices() -> None:
    with pytest.raises(ValidationError) as excinfo:
        override_set(date(2026, 3, 7), "holiday", "typo")
    (message,) = excinfo.value.message_dict["kind"]
    assert "'holiday'" in message
    assert "day_off" in message
    assert "working_day" in message


@pytest.mark.django_db
def test_database_refuses_an_unknown_kind() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarOverride.objects.create(date=date(2026, 3, 7), kind="holiday", reason="bypassing the service")


@pytest.mark.django_db
def test_working_calendar_uses_one_query_and_sees_edits_at_once(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for offset in range(5):
        override_set(date(2026, 3, 2 + offset), "day_off", f"day {offset}")
    with django_assert_num_queries(1):
        calendar = working_calendar()
    assert not calendar.is_working_day(date(2026, 3, 4))
    override_remove(date(2026, 3, 4))
    assert working_calendar().is_working_day(date(2026, 3, 4))


@pytest.mark.django_db
def test_shown_calendar_is_reused_for_a_while_and_forgotten_after_an_edit(
    django_assert_num_queries: DjangoAssertNumQueries, monkeypatch: pytest.MonkeyPatch
) -> None:
    friday = date(2026, 3, 13)
    with django_assert_num_queries(1):
        assert shown_calendar().is_working_day(friday)
    with django_assert_num_queries(0):
        assert shown_calendar().is_working_day(friday)
    # An edit through the services (or the admin) in this process applies to the next page at once.
    override_set(friday, "day_off", "Provincial day off")
    with django_assert_num_queries(1):
        assert not shown_calendar().is_working_day(friday)
    # A change this process was not told of (another server process's) shows once the calendar is old.
    CalendarOverride.objects.filter(date=friday).update(kind="working_day")
    assert not shown_calendar().is_working_day(friday)
    clock = selectors.time.monotonic() + selectors.SHOWN_MAX_AGE + 1
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock)
    with django_assert_num_queries(1):
        assert shown_calendar().is_working_day(friday)
    # Writes always read the overrides.
    CalendarOverride.objects.filter(date=friday).update(kind="day_off")
    assert not working_calendar().is_working_day(friday)


@pytest.mark.django_db
@override_settings(MOTCUA_OFFICE_HOURS=[(time(8, 0), time(12, 0)), (time(13, 30), time(17, 30))])
def test_working_calendar_follows_settings() -> None:
    calendar = working_calendar()
    # 0.5 day from Mon 9 Mar: counting starts Tue 10 at 08:00, 4 h → 12:00.
    assert calendar.deadline(vn(2026, 3, 9, 10), Decimal("0.5"), "working_day") == vn(2026, 3, 10, 12)
    assert calendar.forwarding_deadline(vn(2026, 3, 9, 16)) == vn(2026, 3, 10, 12)


@pytest.mark.django_db
def test_calendar_days_for_a_year(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    override_set(date(2026, 3, 7), "working_day", "Saturday worked for the census")
    override_set(date(2026, 3, 13), "day_off", "Provincial anniversary")
    override_set(date(2027, 1, 4), "day_off", "next year's override is not this year's business")
    with django_assert_num_queries(1):
        days = calendar_days(2026)
    assert len(days) == 365
    by_date = {day.date: day for day in days}
    assert by_date[date(2026, 3, 7)] == (date(2026, 3, 7), True, "Saturday worked for the census")
    assert by_date[date(2026, 3, 13)] == (date(2026, 3, 13), False, "Provincial anniversary")
    assert by_date[date(2026, 2, 17)] == (date(2026, 2, 17), False, "Tết Nguyên Đán")
    assert by_date[date(2026, 8, 22)].is_working
    assert by_date[date(2026, 8, 22)].reason
    assert by_date[date(2026, 3, 9)] == (date(2026, 3, 9), True, "")
    assert not by_date[date(2026, 3, 8)].is_working
    # 365 days − 104 weekend days − 13 library holidays on weekdays (Tết 5, 1/1, 27/4, 30/4, 1/5, 31/8,
    # 1/9, 2/9, 24/11) + the swap Saturday 22/8 + 1 overridden Saturday − 1 overridden Friday.
    assert sum(day.is_working for day in days) == 365 - 104 - 13 + 1 + 1 - 1


@pytest.mark.django_db
def test_admin_changelist_filters_and_search(admin_client: Client) -> None:
    override_set(date(2026, 3, 7), "working_day", "Saturday worked for the census")
    override_set(date(2025, 5, 2), "day_off", "Bridge day")
    url = reverse("admin:workdays_calendaroverride_changelist")
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Saturday worked for the census" in page.text
    filtered = admin_client.get(url, {"kind__exact": "day_off"})
    assert "Bridge day" in filtered.text
    assert "census" not in filtered.text
    by_year = admin_client.get(url, {"date__year": "2026"})
    assert "census" in by_year.text
    assert "Bridge day" not in by_year.text
    searched = admin_client.get(url, {"q": "bridge"})
    assert "Bridge day" in searched.text
    assert "census" not in searched.text


@pytest.mark.django_db
def test_admin_add_form_rejects_a_duplicate_date(admin_client: Client) -> None:
    override_set(date(2026, 3, 7), "working_day", "first")
    response = admin_client.post(
        reverse("admin:workdays_calendaroverride_add"),
        {"date": "2026-03-07", "kind": "day_off", "reason": "second"},
    )
    assert response.status_code == 200
    assert CalendarOverride.objects.get().reason == "first"


@pytest.mark.django_db
def test_admin_forms_show_what_the_override_changes(admin_client: Client) -> None:
    assert admin_client.get(reverse("admin:workdays_calendaroverride_add")).status_code == 200
    override = override_set(GIAO_THUA, "working_day", "Desk open on Giao thừa")
    page = admin_client.get(reverse("admin:workdays_calendaroverride_change", args=[override.pk]))
    assert page.status_code == 200
    # Without the override the library makes this a rest day, named after the holiday.
    assert "Giao thừa Tết Nguyên Đán" in page.text
