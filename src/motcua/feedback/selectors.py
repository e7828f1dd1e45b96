"""Reads of the satisfaction ratings: figures per agency and per officer over a period, and the lists of
ratings behind them, scoped by ``motcua.org.scoping`` (capability ``ratings_view``).

Each table is one aggregate query grouped by ids (over the period's range of the ``rating_agency_period`` or
``rating_officer_agency`` index, or the whole table when the period covers most of it) and one query per kind
of name shown, whatever the number of ratings; the lists page by keyset on ``(created_at, id)``. An agency's figures are its ratings as the competent agency; an officer's are the
ratings of the dossiers they received, handled or returned, counted in the agency where they acted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from motcua.accounts.models import User
from motcua.org.models import Agency
from motcua.org.scoping import AnyUser, Capability, agencies_for, can, is_global

from .indices import INDEX_CODES, Band, band_for, staff_indices, staff_threshold
from .models import Rating, RatingOfficer

MAX_PAGE_SIZE = 100
# The most rows a figures table shows on a page (the Excel export has them all).
TABLE_ROWS = 500


def may_view_ratings(user: AnyUser) -> bool:
    return can(user, Capability.RATINGS_VIEW, None)


def rating_scope(user: AnyUser) -> QuerySet[Agency] | None:
    """The agencies whose ratings ``user`` may read; None for every agency (a global role)."""
    if is_global(user, Capability.RATINGS_VIEW):
        return None
    return agencies_for(user, Capability.RATINGS_VIEW)


def rating_agency(user: AnyUser, agency_id: int) -> Agency | None:
    """The agency ``agency_id`` when it is in the user's scope, else None (the caller answers 404)."""
    scope = rating_scope(user)
    qs = Agency.objects.all() if scope is None else scope
    return qs.filter(pk=agency_id).first()


def rating_agency_choices(user: AnyUser) -> QuerySet[Agency]:
    """The agencies offered in the filter (the first ``TABLE_ROWS`` of the scope, in tree order)."""
    scope = rating_scope(user)
    qs = Agency.objects.all() if scope is None else scope
    return qs.filter(is_active=True).order_by("path")[:TABLE_ROWS]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, the day after end 00:00) in local time."""
        return (
            timezone.make_aware(datetime.combine(self.start, time.min)),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min)),
        )

    @property
    def label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


def _average(total: int, count: int) -> Decimal:
    if not count:
        return Decimal(0)
    return (Decimal(total) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AgencyFigure:
    agency_id: int
    code: str
    name: str
    ratings: int
    total_sum: int
    not_satisfied: int
    index_sums: dict[str, int] = field(default_factory=dict)

    @property
    def average(self) -> Decimal:
        return _average(self.total_sum, self.ratings)

    @property
    def band(self) -> Band | None:
        return band_for(self.total_sum, self.ratings)

    def index_average(self, code: str) -> Decimal:
        return _average(self.index_sums.get(code, 0), self.ratings)

    @property
    def index_averages(self) -> list[Decimal]:
        return [self.index_average(code) for code in INDEX_CODES]


@dataclass(frozen=True)
class OfficerFigure:
    officer_id: int
    username: str
    full_name: str
    agency_id: int
    agency_code: str
    agency_name: str
    ratings: int
    total_sum: int
    staff_sum: int
    full_duty: int

    @property
    def name(self) -> str:
        return self.full_name or self.username

    @property
    def average(self) -> Decimal:
        return _average(self.total_sum, self.ratings)

    @property
    def staff_average(self) -> Decimal:
        return _average(self.staff_sum, self.ratings)

    @property
    def full_duty_share(self) -> Decimal:
        """Percent of the officer's ratings scoring at least the staff threshold (100% of duties done)."""
        if not self.ratings:
            return Decimal(0)
        return (Decimal(100) * self.full_duty / self.ratings).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _scoped(qs: QuerySet[Any], column: str, user: AnyUser, agency: Agency | None) -> QuerySet[Any]:
    """``qs`` limited to the rows whose ``column`` (an agency) is in the user's scope, and below ``agency``.

    Both are subqueries on the agency table: the grouped query itself joins nothing."""
    scope = rating_scope(user)
    if scope is not None:
        qs = qs.filter(**{f"{column}__in": scope.values("pk")})
    if agency is not None:
        qs = qs.filter(**{f"{column}__in": Agency.objects.filter(path__startswith=agency.path).values("pk")})
    return qs


def _cap(rows: list[Any], limit: int | None) -> list[Any]:
    return rows if limit is None else rows[: limit + 1]


def agency_figures(
    user: AnyUser, period: Period, agency: Agency | None = None, limit: int | None = TABLE_ROWS
) -> list[AgencyFigure]:
    """Per competent agency of the scope (below ``agency`` when given), in tree order: the number of
    ratings, the sum of their totals and of each index, and how many were "not satisfied"
    (total below ``MOTCUA_RATING_SATISFIED_MIN``). At most ``limit`` + 1 rows (None: all).

    Two queries: the aggregate grouped by agency id alone (grouping by names would sort the whole period's
    rows by text), then the names of the few agencies found."""
    low, high = period.bounds()
    qs = _scoped(
        Rating.objects.filter(created_at__gte=low, created_at__lt=high), "competent_agency", user, agency
    )
    rows = list(
        qs.values("competent_agency")
        .annotate(
            ratings=Count("id"),
            total_sum=Sum("total"),
            not_satisfied=Count("id", filter=Q(total__lt=settings.MOTCUA_RATING_SATISFIED_MIN)),
            **{f"sum_{code}": Sum(code) for code in INDEX_CODES},
        )
        .order_by()
    )
    agencies = Agency.objects.only("code", "name", "path").in_bulk([row["competent_agency"] for row in rows])
    rows.sort(key=lambda row: (agencies[row["competent_agency"]].path, row["competent_agency"]))
    return [
        AgencyFigure(
            agency_id=row["competent_agency"],
            code=agencies[row["competent_agency"]].code,
            name=agencies[row["competent_agency"]].name,
            ratings=row["ratings"],
            total_sum=int(row["total_sum"] or 0),
            not_satisfied=row["not_satisfied"],
            index_sums={code: int(row[f"sum_{code}"] or 0) for code in INDEX_CODES},
        )
        for row in _cap(rows, limit)
    ]


def officer_figures(
    user: AnyUser, period: Period, agency: Agency | None = None, limit: int | None = TABLE_ROWS
) -> list[OfficerFigure]:
    """Per officer and agency where they acted (in the scope, below ``agency`` when given), in tree order
    then by name: the number of ratings, the sums of the totals and of the staff indices, and how many
    reached the staff threshold. Three queries: the aggregate (joined to the ratings for their scores), the
    officers' and the agencies' names."""
    low, high = period.bounds()
    indices = staff_indices()
    staff = sum((F(f"rating__{index.code}") for index in indices[1:]), start=F(f"rating__{indices[0].code}"))
    qs = _scoped(
        RatingOfficer.objects.filter(created_at__gte=low, created_at__lt=high), "agency", user, agency
    )
    rows = list(
        qs.alias(staff=staff)
        .values("officer", "agency")
        .annotate(
            ratings=Count("id"),
            total_sum=Sum("rating__total"),
            staff_sum=Sum("staff"),
            full_duty=Count("id", filter=Q(staff__gte=staff_threshold())),
        )
        .order_by()
    )
    officers = User.objects.only("username", "full_name").in_bulk({row["officer"] for row in rows})
    agencies = Agency.objects.only("code", "name", "path").in_bulk({row["agency"] for row in rows})

    def order(row: dict[str, Any]) -> tuple[str, str, str, int]:
        officer = officers[row["officer"]]
        return (agencies[row["agency"]].path, officer.full_name, officer.username, officer.pk)

    rows.sort(key=order)
    return [
        OfficerFigure(
            officer_id=row["officer"],
            username=officers[row["officer"]].username,
            full_name=officers[row["officer"]].full_name,
            agency_id=row["agency"],
            agency_code=agencies[row["agency"]].code,
            agency_name=agencies[row["agency"]].name,
            ratings=row["ratings"],
            total_sum=int(row["total_sum"] or 0),
            staff_sum=int(row["staff_sum"] or 0),
            full_duty=row["full_duty"],
        )
        for row in _cap(rows, limit)
    ]


# --- the ratings behind a figure ----------------------------------------------------------------------


@dataclass(frozen=True)
class RatingPage:
    items: list[Rating]
    # Pass as ``after`` for the next (older) page; None on the last page.
    next_after: tuple[datetime, int] | None


RATING_COLUMNS = (
    "dossier__code",
    "dossier__procedure_version__name",
    "competent_agency__name",
    "channel",
    "comment",
    "created_at",
    "total",
    *INDEX_CODES,
)


def _agency_ratings(user: AnyUser, period: Period, agency: Agency | None) -> QuerySet[Rating]:
    low, high = period.bounds()
    qs = Rating.objects.filter(created_at__gte=low, created_at__lt=high)
    scope = rating_scope(user)
    if scope is not None:
        qs = qs.filter(competent_agency__in=scope.values("pk"))
    if agency is not None:
        qs = qs.filter(competent_agency=agency)
    return qs.select_related("dossier__procedure_version", "competent_agency").only(*RATING_COLUMNS)


def ratings_page(
    user: AnyUser,
    period: Period,
    *,
    agency: Agency | None = None,
    officer_id: int | None = None,
    after: tuple[datetime, int] | None = None,
    size: int = 20,
) -> RatingPage:
    """The ratings behind a figure, newest first: of ``agency`` as the competent agency, or of one officer
    (in ``agency`` when given), within the user's scope."""
    size = max(1, min(int(size), MAX_PAGE_SIZE))
    if officer_id is not None:
        low, high = period.bounds()
        links = _scoped(
            RatingOfficer.objects.filter(officer_id=officer_id, created_at__gte=low, created_at__lt=high),
            "agency",
            user,
            None,
        )
        if agency is not None:
            links = links.filter(agency=agency)
        if after is not None:
            links = links.filter(Q(created_at__lt=after[0]) | Q(created_at=after[0], rating_id__lt=after[1]))
        rows = list(
            links.select_related("rating__dossier__procedure_version", "rating__competent_agency")
            .only(*(f"rating__{column}" for column in RATING_COLUMNS), "created_at", "rating_id")
            .order_by("-created_at", "-rating_id")[: size + 1]
        )
        items = [link.rating for link in rows]
    else:
        qs = _agency_ratings(user, period, agency)
        if after is not None:
            qs = qs.filter(Q(created_at__lt=after[0]) | Q(created_at=after[0], id__lt=after[1]))
        items = list(qs.order_by("-created_at", "-id")[: size + 1])
    more = len(items) > size
    items = items[:size]
    return RatingPage(items, (items[-1].created_at, items[-1].pk) if more and items else None)


def ratings_for_export(user: AnyUser, period: Period, agency: Agency | None = None) -> Iterator[Rating]:
    """Every rating of the scope (below ``agency`` when given) in the period, oldest first, in chunks."""
    low, high = period.bounds()
    qs = _scoped(
        Rating.objects.filter(created_at__gte=low, created_at__lt=high), "competent_agency", user, agency
    )
    return (
        qs.select_related("dossier__procedure_version", "competent_agency")
        .only(*RATING_COLUMNS)
        .order_by("created_at", "id")
        .iterator(chunk_size=2000)
    )
