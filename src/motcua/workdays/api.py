"""Public calendar endpoints: the working days of a year and the statutory due date of a receipt."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from .selectors import calendar_days, working_calendar

router = Router(tags=["calendar"])


class DayOut(Schema):
    date: date
    is_working: bool
    reason: str


class DeadlineQuery(Schema):
    received_at: datetime
    amount: Decimal
    unit: Literal["working_day", "working_hour"] = "working_day"


class DeadlineOut(Schema):
    received_at: datetime
    amount: Decimal
    unit: str
    due_at: datetime
    forward_by: datetime


@router.get("/calendar/{year}", response=list[DayOut], summary="Working and rest days of a year")
def calendar_year(request: HttpRequest, year: int) -> list[dict[str, object]]:
    if not 2000 <= year <= 2100:
        raise HttpError(422, "year must be between 2000 and 2100")
    return [
        {"date": d.date, "is_working": d.is_working, "reason": str(d.reason)} for d in calendar_days(year)
    ]


@router.get("/deadline", response=DeadlineOut, summary="Statutory due date of a dossier received at a moment")
def deadline(request: HttpRequest, query: Query[DeadlineQuery]) -> dict[str, object]:
    """Counts working days from the day after receipt (BLDS 2015 Art. 147), or office hours from receipt."""
    if query.received_at.tzinfo is None:
        raise HttpError(422, "received_at must carry a time zone, e.g. 2026-02-13T09:00:00+07:00")
    calendar = working_calendar()
    try:
        due = calendar.deadline(query.received_at, query.amount, query.unit)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    return {
        "received_at": query.received_at,
        "amount": query.amount,
        "unit": query.unit,
        "due_at": due,
        "forward_by": calendar.forwarding_deadline(query.received_at),
    }
