"""Reads on the catalog, written for tens of thousands of procedures: a fixed number of queries per
page, and search through an index on the folded text (SQLite FTS5 trigram table, PostgreSQL pg_trgm)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from motcua.core.text import search_terms
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Agency, ServiceCenter
from motcua.org.scoping import AnyUser, Capability, agencies_for, is_global

from .models import Component, FeeItem, Procedure, ProcedureLevel, ProcedureVersion, VersionStatus

# Trigram indexes only help for terms of three or more characters; shorter ones filter the narrowed set.
MIN_INDEXED_TERM = 3
FTS_TABLE = "catalog_version_fts"


@dataclass(frozen=True)
class ProcedureFilters:
    q: str = ""
    field: str = ""  # field code
    level: str = ""  # level code
    agency: str = ""  # agency code
    online_level: str = ""
    province: str = ""  # province code
    on: date | None = None  # only versions in effect on this day


def _search_condition(q: str) -> Q:
    terms = search_terms(q)
    if not terms:
        return Q()
    condition = Q()
    long_terms = [t for t in terms if len(t) >= MIN_INDEXED_TERM]
    if long_terms and connection.vendor == "sqlite":
        # FTS5 with the trigram tokenizer answers substring matches from its index.
        match = " AND ".join(f'"{t}"' for t in long_terms)
        condition &= Q(id__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match]))
        short_terms = [t for t in terms if len(t) < MIN_INDEXED_TERM]
    else:
        short_terms = terms
    for term in short_terms:
        condition &= Q(search_text__contains=term)
    return condition


def published_versions(filters: ProcedureFilters) -> QuerySet[ProcedureVersion]:
    """Published versions matching the filters, ready for a list page (field and procedure joined)."""
    qs = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
    if filters.on:
        qs = qs.filter(effective_from__lte=filters.on).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=filters.on)
        )
    if filters.q:
        qs = qs.filter(_search_condition(filters.q))
    if filters.field:
        qs = qs.filter(field__code=filters.field)
    if filters.online_level:
        qs = qs.filter(online_level=filters.online_level)
    if filters.province:
        qs = qs.filter(procedure__province__code=filters.province, procedure__province__level__rank=1)
    if filters.level or filters.agency:
        level_match = ProcedureLevel.objects.filter(version=OuterRef("pk"))
        if filters.level:
            level_match = level_match.filter(level__code=filters.level)
        if filters.agency:
            level_match = level_match.filter(
                Q(implementing_agency__code=filters.agency) | Q(competent_agency__code=filters.agency)
            )
        qs = qs.filter(Exists(level_match))
    qs = qs.select_related("field", "procedure").prefetch_related(
        Prefetch("levels", queryset=ProcedureLevel.objects.select_related("level"))
    )
    if filters.q:
        # With a search term, ordering by the plain column tempts PostgreSQL to walk the name index and
        # filter row by row (tens of thousands of rows for a rare term). Sorting an expression makes it
        # use the search index first and sort only the matches.
        return qs.alias(sort_name=Concat("name_folded", Value(""))).order_by("sort_name", "id")
    return qs.order_by("name_folded", "id")


def agencies_with_procedures(province: str = "") -> QuerySet[Agency]:
    """Agencies named as implementing or competent for some procedure (the lookup's agency filter).

    Two EXISTS on the indexed foreign keys keep this a handful of index probes per agency."""
    agencies = Agency.objects.filter(
        Exists(ProcedureLevel.objects.filter(implementing_agency=OuterRef("pk")))
        | Exists(ProcedureLevel.objects.filter(competent_agency=OuterRef("pk")))
    )
    if province:
        unit = AdministrativeUnit.objects.filter(level__rank=1, code=province).values("pk")
        agencies = agencies.filter(Q(admin_unit_id__in=unit) | Q(admin_unit__parent_id__in=unit))
    return agencies.order_by("name").only("code", "name")


def version_for_page(national_code: str, province: str = "") -> ProcedureVersion | None:
    """The published version of a procedure with everything its public page shows (5 queries).

    The procedure is found first through its (province, code) index, then its current version by key:
    joining from the version side makes SQLite scan the versions table."""
    procedures = Procedure.objects.filter(national_code=national_code)
    if province:
        procedures = procedures.filter(province__code=province, province__level__rank=1)
    qs = ProcedureVersion.objects.filter(
        pk=Subquery(procedures.values("current_version_id")[:1]), status=VersionStatus.PUBLISHED
    )
    return (
        qs.select_related("field", "procedure", "procedure__owner_agency", "procedure__province")
        .prefetch_related(
            Prefetch(
                "levels",
                queryset=ProcedureLevel.objects.select_related(
                    "level", "implementing_agency", "competent_agency"
                ),
            ),
            Prefetch("components", queryset=Component.objects.order_by("position", "id")),
            "results",
            Prefetch("fees", queryset=FeeItem.objects.order_by("position", "id")),
        )
        .first()
    )


def service_centers_for(version: ProcedureVersion) -> QuerySet[ServiceCenter]:
    """Where an applicant may file: every service centre and one-stop desk of the procedure's province."""
    province_id = version.procedure.province_id
    return (
        ServiceCenter.objects.filter(
            Q(admin_unit_id=province_id) | Q(admin_unit__parent_id=province_id), is_active=True
        )
        .select_related("admin_unit")
        .order_by("path")
    )


def procedures_for_user(user: AnyUser) -> QuerySet[Procedure]:
    """Procedures an officer may see in the back office: their agencies' own, or all for global roles."""
    if is_global(user, Capability.CATALOG_VIEW):
        return Procedure.objects.all()
    return Procedure.objects.filter(owner_agency__in=agencies_for(user, Capability.CATALOG_VIEW))


def procedures_manageable_by(user: AnyUser) -> QuerySet[Procedure]:
    if is_global(user, Capability.CATALOG_MANAGE):
        return Procedure.objects.all()
    return Procedure.objects.filter(owner_agency__in=agencies_for(user, Capability.CATALOG_MANAGE))
