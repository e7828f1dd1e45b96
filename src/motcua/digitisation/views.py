"""Officers' screens of digitisation: the progress of a dossier's scans (polled by its page), the searchable
PDF/A, the data checked by hand, and the full-text search."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.accounts.models import User
from motcua.accounts.selectors import active_user
from motcua.audit.services import access_record
from motcua.core.files import stored_file_response
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import VIEW_CAPABILITIES, dossiers_visible_to
from motcua.org.models import Agency
from motcua.org.scoping import Capability, can

from .backlog import MAX_ARCHIVE_BYTES, batch_upload
from .models import BacklogBatch, BatchStatus, OcrResult, OcrStatus
from .selectors import stored_search, text_search


def _officer(request: HttpRequest) -> User:
    return active_user(request)


def _dossier(user: User, code: str) -> Dossier:
    dossier = (
        dossiers_visible_to(user)
        .select_related("receiving_unit", "competent_agency")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


@login_required
@require_GET
def progress(request: HttpRequest, code: str) -> JsonResponse:
    """The digitisation state of the dossier's scans, polled by the dossier page while any is running.

    Who: officers who may see the dossier; others get 404."""
    dossier = _dossier(_officer(request), code)
    rows = OcrResult.objects.filter(attachment__dossier=dossier).values(
        "attachment_id", "status", "pages", "pages_done", "error"
    )
    labels = dict(OcrStatus.choices)
    return JsonResponse(
        {
            "files": [
                {
                    "attachment": row["attachment_id"],
                    "status": row["status"],
                    "label": str(labels[row["status"]]),
                    "pages": row["pages"],
                    "pages_done": row["pages_done"],
                    "error": row["error"],
                }
                for row in rows
            ]
        }
    )


@login_required
@require_GET
@xframe_options_sameorigin
def pdfa(request: HttpRequest, code: str, result_id: int) -> FileResponse:
    """The searchable PDF/A of a scan, inline. Who: officers who may see the dossier; others get 404."""
    dossier = _dossier(_officer(request), code)
    result = OcrResult.objects.filter(
        pk=result_id, attachment__dossier=dossier, status=OcrStatus.DONE
    ).first()
    if result is None or not result.pdfa:
        raise Http404
    access_record(request, channel="web", action="view", object_type="digitised", object_ref=dossier.code)
    return stored_file_response(result.pdfa, content_type="application/pdf", inline=True)


class KeyFieldsForm(forms.Form):
    """The data of a digitised document an officer checked against the paper (OCR makes mistakes)."""

    number = forms.CharField(label=gettext_lazy("Document number"), required=False, max_length=80)
    holder = forms.CharField(label=gettext_lazy("Holder's full name"), required=False, max_length=200)
    id_number = forms.RegexField(
        label=gettext_lazy("Citizen ID number"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": gettext_lazy("A citizen ID number has 12 digits.")},
    )
    issued_on = forms.DateField(
        label=gettext_lazy("Issued on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@login_required
@require_POST
def key_fields(request: HttpRequest, code: str, result_id: int) -> HttpResponse:
    """Save the checked data of one digitised file. Who: the officers who may act on the dossier (its desk,
    its competent agency's handlers)."""
    user = _officer(request)
    dossier = _dossier(user, code)
    if not (
        can(user, Capability.DOSSIER_RECEIVE, dossier.receiving_unit)
        or can(user, Capability.DOSSIER_PROCESS, dossier.competent_agency)
        or can(user, Capability.DOSSIER_REVIEW, dossier.competent_agency)
    ):
        raise PermissionDenied
    result = OcrResult.objects.filter(pk=result_id, attachment__dossier=dossier).first()
    if result is None:
        raise Http404
    form = KeyFieldsForm(request.POST, prefix=f"ocr{result.pk}")
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, str(error))
        return redirect("backoffice:dossier", code=dossier.code)
    data = {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in form.cleaned_data.items()
        if value not in ("", None)
    }
    result.key_fields = data
    result.corrected_by = user
    result.corrected_at = timezone.now()
    result.save(update_fields=["key_fields", "corrected_by", "corrected_at"])
    messages.success(
        request, _("The checked data of %(name)s is saved.") % {"name": result.attachment.original_name}
    )
    return redirect("backoffice:dossier", code=dossier.code)


@login_required
@require_http_methods(["GET"])
def search(request: HttpRequest) -> HttpResponse:
    """Full-text search in the digitised files of the dossiers the officer may see.

    Who: officers holding a viewing capability (receive, process, review, monitor)."""
    user = _officer(request)
    if not any(can(user, capability, None) for capability in VIEW_CAPABILITIES):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:200]
    hits = text_search(user, q) if q else []
    stored = stored_search(user, q) if q else []
    if q:
        access_record(request, channel="web", action="search", object_type="digitised", object_ref=q[:100])
    return render(
        request, "digitisation/search.html", {"nav": "search", "q": q, "hits": hits, "stored": stored}
    )


# --- backlog batches ----------------------------------------------------------------------------------


def _upload_agencies(user: User) -> list[Agency]:
    from motcua.org.scoping import agencies_for

    ids: set[int] = set()
    for capability in (Capability.DOSSIER_PROCESS, Capability.DOSSIER_REVIEW, Capability.CATALOG_MANAGE):
        ids.update(agencies_for(user, capability).values_list("id", flat=True))
    return list(Agency.objects.filter(id__in=ids, is_active=True).order_by("name")[:500])


class BatchForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Issuing agency"), queryset=Agency.objects.none(), empty_label=None
    )
    archive = forms.FileField(
        label=gettext_lazy("ZIP of scans with one CSV of metadata"),
        help_text=gettext_lazy(
            "CSV in UTF-8 with the columns ho_ten, so_dinh_danh, ma_thu_tuc, ma_ket_qua, so_van_ban, ngay_cap "
            "(dd/mm/yyyy), hieu_luc_den (may be empty), tep (the scan's name in the ZIP)."
        ),
    )

    def __init__(self, *args: object, agencies: list[Agency], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def batches(request: HttpRequest) -> HttpResponse:
    """Backlog digitisation: upload a batch, follow the batches of one's agencies.

    Who: officers who process, review or manage the catalog of an agency (its results are digitised)."""
    user = _officer(request)
    agencies = _upload_agencies(user)
    if not agencies:
        if can(user, Capability.MONITOR, None):
            return redirect("digitisation:figures")
        raise PermissionDenied
    form = BatchForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["archive"]
        if upload.size > MAX_ARCHIVE_BYTES:
            form.add_error("archive", _("The ZIP file is larger than 1 GB: split the batch."))
        else:
            batch = batch_upload(form.cleaned_data["agency"], user, upload.name or "lo.zip", upload.read())
            if batch.status == BatchStatus.REJECTED:
                messages.error(
                    request,
                    _("The batch is rejected and nothing was imported: %(why)s") % {"why": batch.problem},
                )
            else:
                messages.success(
                    request,
                    _("%(valid)d of %(total)d rows are valid and are being digitised.")
                    % {"valid": batch.rows_valid, "total": batch.rows_total},
                )
            return redirect("digitisation:batch", batch_id=batch.pk)
    recent = BacklogBatch.objects.filter(agency__in=agencies).select_related("agency", "uploaded_by")[:50]
    return render(
        request, "digitisation/batches.html", {"nav": "digitisation", "form": form, "batches": recent}
    )


def _batch_for(user: User, batch_id: int) -> BacklogBatch:
    batch = BacklogBatch.objects.select_related("agency", "uploaded_by").filter(pk=batch_id).first()
    if batch is None or batch.agency not in _upload_agencies(user):
        raise Http404
    return batch


@login_required
@require_GET
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    """One batch: progress, and the report of every row that was refused or failed."""
    batch = _batch_for(_officer(request), batch_id)
    problems = [r for r in batch.records.order_by("row") if r.errors or r.failure][:1000]
    return render(
        request, "digitisation/batch.html", {"nav": "digitisation", "batch": batch, "problems": problems}
    )


@login_required
@require_GET
def batch_progress(request: HttpRequest, batch_id: int) -> JsonResponse:
    batch = _batch_for(_officer(request), batch_id)
    return JsonResponse(
        {
            "status": batch.status,
            "label": str(batch.get_status_display()),
            "rows_valid": batch.rows_valid,
            "rows_done": batch.rows_done,
            "rows_skipped": batch.rows_skipped,
            "percent": batch.percent,
        }
    )


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    """Digitisation figures of the agencies the officer monitors (leaders, heads, the provincial supervisor),
    for a year (``nam``), against the targets.

    Who: holders of ``monitor``; the agencies shown are those of their scope."""
    from datetime import datetime as dt

    from motcua.org.scoping import agencies_for
    from motcua.workdays.calendar import VIETNAM_TZ

    from .figures import commune_figures, digitisation_figures

    user = _officer(request)
    if not can(user, Capability.MONITOR, None):
        raise PermissionDenied
    today = timezone.localdate()
    year_text = request.GET.get("nam", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= today.year else today.year
    start = dt(year, 1, 1, tzinfo=VIETNAM_TZ)
    end = dt(year + 1, 1, 1, tzinfo=VIETNAM_TZ)
    agencies = list(
        agencies_for(user, Capability.MONITOR)
        .filter(is_active=True, handled_dossiers__isnull=False)
        .distinct()
        .select_related("level", "admin_unit")
        .order_by("level__rank", "name")[:500]
    )
    rows = digitisation_figures(agencies, start, end, today)
    return render(
        request,
        "digitisation/figures.html",
        {
            "nav": "digitisation",
            "rows": rows,
            "communes": commune_figures(agencies, start, end),
            "year": year,
            "years": range(today.year, today.year - 5, -1),
        },
    )
