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
from motcua.audit.services import access_record
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import VIEW_CAPABILITIES, dossiers_visible_to
from motcua.org.scoping import Capability, can

from .models import OcrResult, OcrStatus
from .selectors import text_search


def _officer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied
    return user


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
    response = FileResponse(result.pdfa.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
    if q:
        access_record(request, channel="web", action="search", object_type="digitised", object_ref=q[:100])
    return render(request, "digitisation/search.html", {"nav": "search", "q": q, "hits": hits})
