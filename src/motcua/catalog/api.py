"""Public catalog endpoints: procedure search and detail, fields."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from . import selectors
from .models import Field, ProcedureVersion

router = Router(tags=["catalog"])


class FieldOut(Schema):
    code: str
    name: str


class LevelOut(Schema):
    level: str
    level_name: str
    implementing_agency: str | None
    implementing_agency_name: str
    competent_agency: str | None
    competent_agency_name: str


class ProcedureSummary(Schema):
    national_code: str
    local_code: str
    is_sample_code: bool
    name: str
    field: FieldOut
    levels: list[str]
    online_level: str
    statutory_time: str
    time_unit: str
    version: int


class ComponentOut(Schema):
    code: str
    name: str
    originals: int
    copies: int
    requirement: str
    condition: str
    accepted_formats: list[str]
    result_code: str | None
    template_url: str | None


class ResultOut(Schema):
    code: str
    name: str
    validity_months: int | None
    issued_electronically: bool


class FeeOut(Schema):
    kind: str
    name: str
    amount: int
    note: str


class ProcedureDetail(ProcedureSummary):
    steps: str
    filing_methods: str
    conditions: str
    legal_basis: str
    for_citizens: bool
    for_organisations: bool
    any_center_may_receive: bool
    effective_from: date
    effective_to: date | None
    level_details: list[LevelOut]
    components: list[ComponentOut]
    results: list[ResultOut]
    fees: list[FeeOut]
    total_fee: int


class ProcedurePage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[ProcedureSummary]


class ProcedureQuery(Schema):
    q: str = ""
    field: str = ""
    level: str = ""
    agency: str = ""
    online_level: str = ""
    page: int = 1
    page_size: int = 20


def _summary(v: ProcedureVersion) -> dict[str, object]:
    return {
        "national_code": v.procedure.national_code,
        "local_code": v.procedure.local_code,
        "is_sample_code": v.procedure.is_sample_code,
        "name": v.name,
        "field": {"code": v.field.code, "name": v.field.name},
        "levels": [lv.level.code for lv in v.levels.all()],
        "online_level": v.online_level,
        "statutory_time": format(v.statutory_time.normalize(), "f"),
        "time_unit": v.time_unit,
        "version": v.number,
    }


@router.get("/procedures", response=ProcedurePage, summary="Search published procedures")
def procedure_search(request: HttpRequest, query: Query[ProcedureQuery]) -> dict[str, object]:
    """Diacritic- and case-insensitive search ("dang ky khai sinh" finds "Đăng ký khai sinh") with filters."""
    if not 1 <= query.page_size <= 100:
        raise HttpError(422, "page_size must be between 1 and 100")
    if query.page < 1:
        raise HttpError(422, "page must be 1 or more")
    filters = selectors.ProcedureFilters(
        q=query.q,
        field=query.field,
        level=query.level,
        agency=query.agency,
        online_level=query.online_level,
        province=settings.MOTCUA_PROVINCE_CODE,
        on=timezone.localdate(),
    )
    paginator = Paginator(selectors.published_versions(filters), query.page_size)
    page = paginator.get_page(query.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": query.page_size,
        "results": [_summary(v) for v in page.object_list],
    }


@router.get("/procedures/{code}", response=ProcedureDetail, summary="One published procedure")
def procedure_detail(request: HttpRequest, code: str) -> dict[str, object]:
    v = selectors.version_for_page(code, settings.MOTCUA_PROVINCE_CODE)
    if v is None:
        raise HttpError(404, "Procedure not found")
    fees = list(v.fees.all())
    return {
        **_summary(v),
        "steps": v.steps,
        "filing_methods": v.filing_methods,
        "conditions": v.conditions,
        "legal_basis": v.legal_basis,
        "for_citizens": v.for_citizens,
        "for_organisations": v.for_organisations,
        "any_center_may_receive": v.any_center_may_receive,
        "effective_from": v.effective_from,
        "effective_to": v.effective_to,
        "level_details": [
            {
                "level": lv.level.code,
                "level_name": lv.level.name,
                "implementing_agency": lv.implementing_agency.code if lv.implementing_agency else None,
                "implementing_agency_name": lv.implementing_agency_name,
                "competent_agency": lv.competent_agency.code if lv.competent_agency else None,
                "competent_agency_name": lv.competent_agency_name,
            }
            for lv in v.levels.all()
        ],
        "components": [
            {
                "code": c.code,
                "name": c.name,
                "originals": c.originals,
                "copies": c.copies,
                "requirement": c.requirement,
                "condition": c.condition,
                "accepted_formats": c.format_list,
                "result_code": c.result_code or None,
                "template_url": request.build_absolute_uri(f"/thu-tuc/{code}/mau/{c.pk}/")
                if c.template
                else None,
            }
            for c in v.components.all()
        ],
        "results": [
            {
                "code": r.code,
                "name": r.name,
                "validity_months": r.validity_months,
                "issued_electronically": r.issued_electronically,
            }
            for r in v.results.all()
        ],
        "fees": [{"kind": f.kind, "name": f.name, "amount": f.amount, "note": f.note} for f in fees],
        "total_fee": sum(f.amount for f in fees),
    }


@router.get("/fields", response=list[FieldOut], summary="Fields of the catalog")
def field_list(request: HttpRequest) -> list[Field]:
    return list(Field.objects.order_by("code"))
