"""The one-stop desk's online queue: dossiers filed on the portal that wait to be checked and received.

Who: officers with a receiving role at the submission's desk (``online.online_queue`` and the services
check it again); any other submission is a 404, with no hint that it exists.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.accounts.models import User
from motcua.accounts.selectors import active_user
from motcua.audit.services import access_record
from motcua.catalog.eforms import eform_display
from motcua.core.files import stored_file_response
from motcua.dossiers import online
from motcua.dossiers.models import OnlineSubmission, SubmissionFile
from motcua.geo.models import AdministrativeUnit
from motcua.org.scoping import Capability, can

PAGE_SIZE = 30


def _officer(request: HttpRequest) -> User:
    user = active_user(request)
    if user.is_applicant:
        raise PermissionDenied
    return user


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Submissions waiting at the officer's desks, oldest first; keyset paging on (submitted_at, id)."""
    user = _officer(request)
    if not can(user, Capability.DOSSIER_RECEIVE, None):
        raise PermissionDenied
    qs = online.online_queue(user)
    after_at: datetime | None = parse_datetime(request.GET.get("sau", "") or "")
    after_id = request.GET.get("id", "")
    if after_at is not None and after_id.isdigit():
        qs = qs.filter(submitted_at__gt=after_at) | qs.filter(submitted_at=after_at, id__gt=int(after_id))
    rows = list(qs[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render(
        request,
        "backoffice/online_queue.html",
        {"nav": "online", "rows": rows, "next": rows[-1] if more and rows else None},
    )


def _submission(user: User, pk: int) -> OnlineSubmission:
    submission = (
        OnlineSubmission.objects.select_related("procedure_version", "receiving_unit", "user", "payment")
        .filter(pk=pk)
        .first()
    )
    if (
        submission is None
        or submission.receiving_unit is None
        or not can(user, Capability.DOSSIER_RECEIVE, submission.receiving_unit)
    ):
        raise Http404
    return submission


@login_required
@require_http_methods(["GET", "POST"])
def submission_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One submission: applicant, declaration, files; accept it, ask for completion or refuse it."""
    user = _officer(request)
    submission = _submission(user, pk)
    if request.method == "POST":
        action = request.POST.get("hanh-dong", "")
        try:
            if action == "tiep-nhan":
                dossier = online.submission_accept(submission, user)
                messages.success(
                    request,
                    _("Dossier %(code)s received; the applicant was told the date of the result.")
                    % {"code": dossier.code},
                    extra_tags="print-slip",
                )
                return redirect("backoffice:dossier", code=dossier.code)
            if action == "bo-sung":
                items = [
                    line for line in request.POST.get("thanh_phan_thieu", "").splitlines() if line.strip()
                ]
                online.submission_ask_completion(
                    submission, user, missing_items=items, reason=request.POST.get("ly_do", "")
                )
                messages.success(request, _("The applicant was asked to complete the dossier."))
            elif action == "tu-choi":
                online.submission_refuse(submission, user, reason=request.POST.get("ly_do", ""))
                messages.success(request, _("The submission was refused; the applicant was told why."))
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("backoffice:online-submission", pk=pk)
        return redirect("backoffice:online-queue")
    access_record(
        request, channel="web", action="view", object_type="online_submission", object_ref=str(submission.key)
    )
    version = submission.procedure_version
    commune_code = str(submission.applicant_data.get("commune", ""))
    return render(
        request,
        "backoffice/online_submission.html",
        {
            "nav": "online",
            "submission": submission,
            "version": version,
            "applicant": submission.applicant_data,
            "commune": AdministrativeUnit.objects.filter(code=commune_code).first() if commune_code else None,
            "answers": eform_display(version, submission.form_data),
            "files": list(SubmissionFile.objects.filter(submission=submission).select_related("component")),
            "checks": online.submission_review(submission),
        },
    )


@login_required
@require_GET
def submission_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    user = _officer(request)
    submission = _submission(user, pk)
    record = SubmissionFile.objects.filter(pk=file_id, submission=submission).first()
    if record is None:
        raise Http404
    access_record(
        request, channel="web", action="view", object_type="online_submission", object_ref=str(submission.key)
    )
    inline = record.content_type == "application/pdf" or record.content_type.startswith("image/")
    response = stored_file_response(
        record.file, content_type=record.content_type, filename=record.original_name, inline=inline
    )
    if record.content_type.startswith("image/"):
        response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    return response
