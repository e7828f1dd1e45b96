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
from motcua.catalog.eforms import eform_render
from motcua.catalog.models import Field, OnlineLevel
from motcua.core.ratelimit import client_ip, rate_limited
from motcua.dossiers.tracking import dossier_track
from motcua.geo.models import Level
from motcua.workflow.selectors import active_definition_for

from .forms import DossierTrackingForm, ProcedureSearchForm


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
    process = active_definition_for(version.procedure)
    return render(
        request,
        "portal/procedure_detail.html",
        {
            "version": version,
            "centers": centers,
            "process": process,
            "eform": eform_render(version, {}, {}, preview=True),
        },
    )


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


@require_GET
def dossier_tracking(request: HttpRequest) -> HttpResponse:
    form = DossierTrackingForm(request.GET or None)
    tracked = None
    not_found = False
    if form.is_bound and form.is_valid():
        limit, window = settings.MOTCUA_TRACKING_RATE
        if rate_limited("tracking", client_ip(request), limit=limit, window_seconds=window):
            return render(request, "portal/tracking.html", {"form": form, "rate_limited": True}, status=429)
        tracked = dossier_track(form.cleaned_data["ma"], form.cleaned_data["xac_thuc"])
        not_found = tracked is None
    return render(request, "portal/tracking.html", {"form": form, "tracked": tracked, "not_found": not_found})
