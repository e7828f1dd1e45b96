"""Pages of the satisfaction ratings (views only: the rules are in ``services`` and ``selectors``).

* ``rate`` — the applicant's page ``/ho-so-cua-toi/<code>/danh-gia/``: the nine questions of TT 01/2018
  Art. 13 and a comment. Another account's dossier is a 404, as on the applicant's other pages.
* ``figures``, ``ratings``, ``export`` — the back office ``/mot-cua/danh-gia/…``: figures per agency and per
  officer, the ratings behind each figure, the Excel workbook. Who: holders of ``ratings_view`` (leaders,
  heads of division, agency administrators, the provincial supervisor), over their scope.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.accounts.models import User
from motcua.audit.services import access_record
from motcua.dossiers.online import dossiers_of_applicant
from motcua.org.models import Agency
from motcua.portal.online import applicant_only

from .export import ratings_xlsx
from .forms import FiguresForm, RatingForm
from .indices import INDICES, MAX_TOTAL, bands, staff_indices, staff_threshold
from .models import Rating, RatingOfficer
from .selectors import (
    TABLE_ROWS,
    AgencyFigure,
    OfficerFigure,
    Period,
    agency_figures,
    may_view_ratings,
    officer_figures,
    rating_agency,
    rating_agency_choices,
    rating_scope,
    ratings_for_export,
    ratings_page,
)
from .services import RATEABLE_STATUSES, rating_computed_scores, rating_submit

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


# --- the applicant's page -------------------------------------------------------------------------------


@applicant_only
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, code: str) -> HttpResponseBase:
    user = request.user
    assert isinstance(user, User)
    dossier = (
        dossiers_of_applicant(user)
        .select_related("procedure_version", "receiving_unit", "competent_agency")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise Http404
    existing = Rating.objects.filter(dossier=dossier).exists()
    if existing and request.method != "POST":
        messages.info(request, _("You have already rated this dossier."))
        return redirect("portal:my-dossier", code=code)
    ready = dossier.status in RATEABLE_STATUSES
    computed = rating_computed_scores(dossier) if ready else {}
    form = RatingForm(request.POST if request.method == "POST" else None, computed=computed)
    if existing and not form.is_valid():
        # A resent page of an older form: the rating stays what it is.
        messages.info(request, _("You have already rated this dossier."))
        return redirect("portal:my-dossier", code=code)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                rating = rating_submit(dossier, user, form.scores(), form.cleaned_data["comment"])
            except ValidationError as exc:
                if any(e.code == "already_rated" for e in exc.error_list):
                    messages.error(request, exc.messages[0])
                    return redirect("portal:my-dossier", code=code)
                errors = exc.messages
                status = 400
            else:
                messages.success(
                    request,
                    _("Thank you: your rating (%(total)d of %(max)d points) was recorded.")
                    % {"total": rating.total, "max": MAX_TOTAL},
                )
                return redirect("portal:my-dossier", code=code)
        else:
            status = 400
    return render(
        request,
        "feedback/rate.html",
        {"dossier": dossier, "form": form, "ready": ready, "errors": errors, "max_total": MAX_TOTAL},
        status=status,
    )


# --- the back office ----------------------------------------------------------------------------------


def _viewer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_active or not may_view_ratings(user):
        raise PermissionDenied
    return user


def _agency_param(user: User, raw: str | None) -> Agency | None:
    """The agency asked for in the query string: None when absent; a 404 when it is outside the scope."""
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    agency = rating_agency(user, int(raw))
    if agency is None:
        raise Http404
    return agency


def _filters(request: HttpRequest, user: User) -> tuple[FiguresForm, Period | None, Agency | None]:
    """The period and agency of the query string (defaults: this year to date, the whole scope)."""
    today = timezone.localdate()
    agency = _agency_param(user, request.GET.get("co_quan"))
    choices = list(rating_agency_choices(user))
    if agency is not None and agency not in choices:
        choices.append(agency)
    data = QueryDict(mutable=True)
    data.update({"tu_ngay": date(today.year, 1, 1).isoformat(), "den_ngay": today.isoformat()})
    for name in ("tu_ngay", "den_ngay", "co_quan"):
        if name in request.GET:
            data[name] = request.GET[name]
    form = FiguresForm(data, agencies=choices)
    if not form.is_valid():
        return form, None, None
    return form, Period(form.cleaned_data["tu_ngay"], form.cleaned_data["den_ngay"]), agency


def _scope_label(user: User, agency: Agency | None) -> str:
    if agency is not None:
        return agency.name
    return _("All agencies in my scope") if rating_scope(user) is not None else _("All agencies")


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    """Figures per agency and per officer for a period, with the bands of TT 01/2018."""
    user = _viewer(request)
    form, period, agency = _filters(request, user)
    agencies: list[AgencyFigure] = []
    officers: list[OfficerFigure] = []
    if period is not None:
        agencies = agency_figures(user, period, agency)
        officers = officer_figures(user, period, agency)
    query = request.GET.urlencode()
    return render(
        request,
        "feedback/figures.html",
        {
            "nav": "ratings",
            "form": form,
            "period": period,
            "agency": agency,
            "scope_label": _scope_label(user, agency),
            "agencies": agencies[:TABLE_ROWS],
            "agencies_truncated": len(agencies) > TABLE_ROWS,
            "officers": officers[:TABLE_ROWS],
            "officers_truncated": len(officers) > TABLE_ROWS,
            "table_rows": TABLE_ROWS,
            "bands": bands(),
            "staff_indices": staff_indices(),
            "staff_threshold": staff_threshold(),
            "indices": INDICES,
            "query": query,
        },
        status=200 if period is not None else 400,
    )


def _cursor(raw: str) -> tuple[datetime, int] | None:
    moment, _sep, last_id = raw.rpartition("|")
    parsed = parse_datetime(moment)
    if parsed is None or not last_id.isdigit():
        raise Http404
    return parsed, int(last_id)


@login_required
@require_GET
def ratings(request: HttpRequest) -> HttpResponse:
    """The ratings behind a figure: of an agency (``co_quan``) or of an officer (``can_bo``, in ``co_quan``
    when given), in the period, newest first, by pages (``sau``: the cursor of the next page)."""
    user = _viewer(request)
    form, period, agency = _filters(request, user)
    officer: User | None = None
    raw_officer = request.GET.get("can_bo", "")
    if raw_officer:
        if not raw_officer.isdigit():
            raise Http404
        link = _officer_link(user, int(raw_officer))
        if link is None:
            raise Http404
        officer = link.officer
    page = None
    if period is not None:
        after = _cursor(request.GET["sau"]) if request.GET.get("sau") else None
        page = ratings_page(
            user,
            period,
            agency=agency,
            officer_id=officer.pk if officer is not None else None,
            after=after,
            size=PAGE_SIZE,
        )
    next_query = ""
    if page is not None and page.next_after is not None:
        params = request.GET.copy()
        params["sau"] = f"{page.next_after[0].isoformat()}|{page.next_after[1]}"
        next_query = params.urlencode()
    first_query = request.GET.copy()
    first_query.pop("sau", None)
    return render(
        request,
        "feedback/ratings.html",
        {
            "nav": "ratings",
            "form": form,
            "period": period,
            "agency": agency,
            "officer": officer,
            "page": page,
            "rows": [(r, [r.score(index.code) for index in INDICES]) for r in page.items] if page else [],
            "next_query": next_query,
            "first_query": first_query.urlencode(),
            "is_later_page": bool(request.GET.get("sau")),
            "indices": INDICES,
        },
        status=200 if period is not None else 400,
    )


def _officer_link(user: User, officer_id: int) -> RatingOfficer | None:
    """A rating link of the officer within the viewer's scope: an officer never rated there is not shown."""
    links = RatingOfficer.objects.filter(officer_id=officer_id).select_related("officer")
    scope = rating_scope(user)
    if scope is not None:
        links = links.filter(agency__in=scope.values("pk"))
    return links.order_by().first()


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    """The figures of the page and every rating behind them as an Excel workbook."""
    user = _viewer(request)
    _form, period, agency = _filters(request, user)
    if period is None:
        return figures(request)
    access_record(
        request,
        channel="web",
        action="export",
        object_type="ratings",
        object_ref=agency.code if agency is not None else "scope",
        detail=f"{period.label} (xlsx)",
    )
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        ratings_xlsx(
            period,
            _scope_label(user, agency),
            agency_figures(user, period, agency, limit=None),
            officer_figures(user, period, agency, limit=None),
            ratings_for_export(user, period, agency),
            handle,
        )
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    stem = f"danh-gia-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    return FileResponse(handle, as_attachment=True, filename=f"{stem}.xlsx", content_type=XLSX_CONTENT_TYPE)
