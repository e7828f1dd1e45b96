"""Public procedure lookup (no login). Views stay thin: filters in, selectors out."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from motcua.catalog import selectors
from motcua.catalog.models import Field, OnlineLevel
from motcua.geo.models import Level

from .forms import ProcedureSearchForm


def _filters_from(form: ProcedureSearchForm) -> selectors.ProcedureFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.ProcedureFilters(
        q=data.get("q", ""),
        field=data.get("field", ""),
        level=data.get("level", ""),
        agency=data.get("agency", ""),
        online_level=data.get("online_level", ""),
        province=settings.MOTCUA_PROVINCE_CODE,
        on=timezone.localdate(),
    )


def _choices() -> dict[str, object]:
    return {
        "fields": Field.objects.order_by("name").only("code", "name"),
        "levels": Level.objects.order_by("rank"),
        "agencies": selectors.agencies_with_procedures(settings.MOTCUA_PROVINCE_CODE),
        "online_levels": OnlineLevel.choices,
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    form = ProcedureSearchForm()
    return render(request, "portal/home.html", {"form": form, **_choices()})


@require_GET
def procedure_list(request: HttpRequest) -> HttpResponse:
    form = ProcedureSearchForm(request.GET)
    filters = _filters_from(form)
    paginator = Paginator(selectors.published_versions(filters), settings.MOTCUA_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "portal/procedure_list.html",
        {"form": form, "page": page, "filters": filters, "querystring": query.urlencode(), **_choices()},
    )


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = selectors.version_for_page(code, settings.MOTCUA_PROVINCE_CODE)
    if version is None:
        raise Http404
    centers = selectors.service_centers_for(version) if version.any_center_may_receive else []
    return render(request, "portal/procedure_detail.html", {"version": version, "centers": centers})


@require_GET
def component_template(request: HttpRequest, code: str, component_id: int) -> FileResponse:
    version = selectors.version_for_page(code, settings.MOTCUA_PROVINCE_CODE)
    component = next((c for c in version.components.all() if c.pk == component_id), None) if version else None
    if component is None or not component.template:
        raise Http404
    # Templates are served as downloads, never rendered inline (they are uploaded files).
    return FileResponse(
        component.template.open("rb"),
        as_attachment=True,
        filename=Path(component.template.name or "template").name,
    )
