"""The rating figures over the API: per agency and per officer for a period, within the caller's scope
(capability ``ratings_view``). Callers authenticate like the dossier API (bearer token or session)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from motcua.dossiers.api import TokenAuth
from motcua.org.models import Agency

from .indices import INDEX_CODES, MAX_TOTAL, bands, staff_indices, staff_threshold
from .selectors import Period, agency_figures, may_view_ratings, officer_figures, rating_scope

router = Router(tags=["ratings"], auth=[TokenAuth(), django_auth])


class FiguresQuery(Schema):
    start: date | None = None  # default: 1 January of this year
    end: date | None = None  # inclusive; default: today
    agency: str = ""  # QCVN 102 code: that agency and the agencies below it


class BandOut(Schema):
    code: str
    label: str
    lower: Decimal


class AgencyFigureOut(Schema):
    code: str
    name: str
    ratings: int
    average_total: Decimal
    band: str | None
    band_label: str | None
    not_satisfied: int
    index_averages: dict[str, Decimal]


class OfficerFigureOut(Schema):
    username: str
    full_name: str
    agency: str
    ratings: int
    average_total: Decimal
    average_staff_score: Decimal
    full_duty: int
    full_duty_percent: Decimal


class FiguresOut(Schema):
    start: date
    end: date
    max_total: int
    bands: list[BandOut]
    staff_indices: list[str]
    staff_threshold: int
    agencies: list[AgencyFigureOut]
    officers: list[OfficerFigureOut]


@router.get(
    "/ratings/figures",
    response=FiguresOut,
    summary="Satisfaction-rating figures per agency and per officer (TT 01/2018) within the caller's scope",
)
def rating_figures(request: HttpRequest, query: Query[FiguresQuery]) -> dict[str, Any]:
    """Every agency and officer of the scope with ratings in the period (no row cap): the number of ratings,
    the average total out of 18 and its band; for officers, the average on the staff indices and how many
    ratings reached the staff threshold."""
    user = request.user
    if not may_view_ratings(user):
        raise HttpError(403, "ratings_view is needed to read the rating figures")
    today = timezone.localdate()
    start = query.start or date(today.year, 1, 1)
    end = query.end or today
    if start > end:
        raise HttpError(422, "start must not be after end")
    agency = None
    if query.agency:
        scope = rating_scope(user)
        agency = (Agency.objects.all() if scope is None else scope).filter(code=query.agency).first()
        if agency is None:
            raise HttpError(404, "Agency not found")
    period = Period(start, end)
    return {
        "start": start,
        "end": end,
        "max_total": MAX_TOTAL,
        "bands": [{"code": b.code, "label": str(b.label), "lower": b.lower} for b in bands()],
        "staff_indices": [index.code for index in staff_indices()],
        "staff_threshold": staff_threshold(),
        "agencies": [
            {
                "code": f.code,
                "name": f.name,
                "ratings": f.ratings,
                "average_total": f.average,
                "band": f.band.code if f.band else None,
                "band_label": str(f.band.label) if f.band else None,
                "not_satisfied": f.not_satisfied,
                "index_averages": {code: f.index_average(code) for code in INDEX_CODES},
            }
            for f in agency_figures(user, period, agency, limit=None)
        ],
        "officers": [
            {
                "username": o.username,
                "full_name": o.full_name,
                "agency": o.agency_code,
                "ratings": o.ratings,
                "average_total": o.average,
                "average_staff_score": o.staff_average,
                "full_duty": o.full_duty,
                "full_duty_percent": o.full_duty_share,
            }
            for o in officer_figures(user, period, agency, limit=None)
        ],
    }
