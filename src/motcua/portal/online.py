"""The applicant's online filing and "My dossiers" (views only: the rules are in ``dossiers.online``).

Filing is four steps on one submission: declaration → components → review (fees, payment) → submit. Every
page is the account's own: another account's submission or dossier is a plain 404, the same as one that does
not exist. Every write is a POST with the CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.accounts.models import User
from motcua.catalog import selectors as catalog_selectors
from motcua.catalog.eforms import eform_display, eform_parse, eform_render, eform_validate
from motcua.catalog.models import Component, OnlineLevel
from motcua.core.files import stored_file_response
from motcua.datastore.selectors import reusable_documents
from motcua.dossiers import online
from motcua.dossiers.models import (
    Dossier,
    DossierStatus,
    OnlineSubmission,
    PausePeriod,
    ResultDocument,
    SubmissionFile,
    SubmissionStatus,
)
from motcua.dossiers.selectors import dossier_timeline
from motcua.dossiers.services import dossier_supplement_upload
from motcua.geo.models import AdministrativeUnit

from .forms import OnlineApplicantForm

View = Callable[..., HttpResponseBase]


def applicant_only(view: View) -> View:
    """Logged in with an applicant (citizen or organisation) account; officers are sent to their desk."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not isinstance(user, User) or not user.is_applicant:
            return render(request, "portal/online/officer.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _submission(request: HttpRequest, key: UUID) -> OnlineSubmission:
    user = request.user
    assert isinstance(user, User)
    submission = (
        OnlineSubmission.objects.select_related("procedure_version__procedure", "receiving_unit", "dossier")
        .filter(key=key, user=user)
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _communes() -> list[AdministrativeUnit]:
    qs = AdministrativeUnit.objects.filter(parent__isnull=False, is_active=True)
    if settings.MOTCUA_PROVINCE_CODE:
        qs = qs.filter(parent__code=settings.MOTCUA_PROVINCE_CODE)
    return list(qs.order_by("name").only("code", "name"))


STEPS = (
    ("declaration", gettext_lazy("Declaration")),
    ("components", gettext_lazy("Documents")),
    ("review", gettext_lazy("Review and pay")),
)


def _context(submission: OnlineSubmission, step: str, **extra: Any) -> dict[str, Any]:
    return {
        "submission": submission,
        "version": submission.procedure_version,
        "step": step,
        "steps": STEPS,
        **extra,
    }


# --- filing ---------------------------------------------------------------------------------------


@applicant_only
def start(request: HttpRequest, code: str) -> HttpResponseBase:
    version = catalog_selectors.version_for_page(code, settings.MOTCUA_PROVINCE_CODE)
    if version is None:
        raise Http404
    if request.method != "POST":
        # After the login redirect: starting a draft is a write, so it waits for a confirming POST.
        return render(request, "portal/online/start.html", {"version": version})
    try:
        submission = online.submission_start(request.user, version)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("portal:procedure-detail", code=code)
    return redirect("portal:online-declaration", key=submission.key)


@applicant_only
def declaration(request: HttpRequest, key: UUID) -> HttpResponseBase:
    submission = _submission(request, key)
    if not submission.is_editable:
        return redirect("portal:online-detail", key=key)
    version = submission.procedure_version
    organisation = isinstance(request.user, User) and request.user.kind == "organisation"
    communes = _communes()
    form_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = OnlineApplicantForm(
            request.POST, communes=communes, organisation=organisation, user=request.user
        )
        form_data = eform_parse(version, request.POST)
        form_errors = eform_validate(version, form_data)
        applicant_data = form.applicant_data()
        try:
            online.submission_declare(
                submission, request.user, applicant_data=applicant_data, form_data=form_data
            )
        except ValidationError as exc:
            _errors(request, exc)
            return redirect("portal:online-declaration", key=key)
        if "luu-nhap" in request.POST:
            messages.success(request, _("Draft saved. You can come back to it from “My dossiers”."))
            return redirect("portal:online-declaration", key=key)
        if form.is_valid() and not form_errors:
            return redirect("portal:online-components", key=key)
        messages.error(request, _("Some answers need correcting: see the messages next to the fields."))
    else:
        form = OnlineApplicantForm(
            initial=submission.applicant_data, communes=communes, organisation=organisation, user=request.user
        )
        form_data = submission.form_data
    return render(
        request,
        "portal/online/declaration.html",
        _context(
            submission,
            "declaration",
            form=form,
            eform=eform_render(version, form_data, form_errors),
            has_errors=bool(form_errors) or bool(form.errors),
        ),
    )


@applicant_only
def components(request: HttpRequest, key: UUID) -> HttpResponseBase:
    submission = _submission(request, key)
    if not submission.is_editable:
        return redirect("portal:online-detail", key=key)
    if request.method == "POST":
        action = request.POST.get("hanh-dong", "")
        try:
            if action == "tai-len":
                uploads = request.FILES.getlist("tep")
                if not uploads:
                    raise ValidationError(_("Choose a file to upload."))
                for upload in uploads:
                    online.submission_file_add(
                        submission,
                        request.user,
                        component_id=int(request.POST.get("thanh_phan", "0") or 0),
                        name=upload.name or "file",
                        content=upload.read(),
                    )
                messages.success(request, _("File added."))
            elif action == "tai-su-dung":
                online.submission_file_reuse(
                    submission,
                    request.user,
                    component_id=int(request.POST.get("thanh_phan", "0") or 0),
                    document_id=int(request.POST.get("tai_lieu", "0") or 0),
                )
                messages.success(request, _("Document taken from your data store."))
            elif action == "xoa":
                online.submission_file_remove(
                    submission, request.user, int(request.POST.get("tep_id", "0") or 0)
                )
                messages.success(request, _("File removed."))
            else:
                raise ValidationError(_("Unknown action."))
        except (ValidationError, ValueError) as exc:
            if isinstance(exc, ValidationError):
                _errors(request, exc)
            else:
                messages.error(request, _("The request was not understood. Reload the page and try again."))
        return redirect("portal:online-components", key=key)
    version = submission.procedure_version
    required = online.required_component_ids(version, submission.form_data)
    files = list(SubmissionFile.objects.filter(submission=submission).select_related("stored_document"))
    stored = reusable_documents(request.user, {c.result_code for c in version.components.all()})
    rows = []
    for component in version.components.all():
        rows.append(
            {
                "component": component,
                "required": component.pk in required,
                "files": [f for f in files if f.component_id == component.pk],
                "reusable": [
                    d for d in stored if component.result_code and d.result_code == component.result_code
                ],
            }
        )
    return render(
        request,
        "portal/online/components.html",
        _context(submission, "components", rows=rows, max_files=settings.MOTCUA_SUBMISSION_MAX_FILES),
    )


@applicant_only
def review(request: HttpRequest, key: UUID) -> HttpResponseBase:
    from motcua.payments.fees import fee_lines

    submission = _submission(request, key)
    if not submission.is_editable:
        return redirect("portal:online-detail", key=key)
    version = submission.procedure_version
    checks = online.submission_review(submission)
    files = list(SubmissionFile.objects.filter(submission=submission).select_related("component"))
    in_person = (
        [c for c in version.components.all() if c.originals]
        if version.online_level == OnlineLevel.PARTIAL
        else []
    )
    return render(
        request,
        "portal/online/review.html",
        _context(
            submission,
            "review",
            checks=checks,
            files=files,
            answers=eform_display(version, submission.form_data),
            fees=fee_lines(version),
            in_person=in_person,
            applicant=submission.applicant_data,
            commune_name=AdministrativeUnit.objects.filter(code=submission.applicant_data.get("commune", ""))
            .values_list("name", flat=True)
            .first(),
        ),
    )


@require_POST
@applicant_only
def pay(request: HttpRequest, key: UUID) -> HttpResponseBase:
    from motcua.core.ratelimit import client_ip
    from motcua.payments.fees import fee_lines
    from motcua.payments.services import payment_start

    submission = _submission(request, key)
    if not submission.is_editable:
        return redirect("portal:online-detail", key=key)
    if submission.payment is not None and submission.payment.is_paid:
        messages.info(request, _("The fees are already paid."))
        return redirect("portal:online-review", key=key)
    user = request.user
    assert isinstance(user, User)
    applicant = submission.applicant_data
    try:
        payment, url = payment_start(
            items=fee_lines(submission.procedure_version),
            payer={
                "name": applicant.get("full_name") or user.full_name,
                "id_number": applicant.get("id_number") or applicant.get("tax_code") or "",
                "address": applicant.get("address", ""),
            },
            return_to=reverse("portal:online-review", kwargs={"key": key}),
            created_by=user,
            client_ip=client_ip(request),
            agency=online.submission_desk(submission),
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("portal:online-review", key=key)
    OnlineSubmission.objects.filter(pk=submission.pk).update(payment=payment)
    return redirect(url)


@require_POST
@applicant_only
def submit(request: HttpRequest, key: UUID) -> HttpResponseBase:
    submission = _submission(request, key)
    try:
        result = online.submission_submit(submission, request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("portal:online-review", key=key)
    if result.submit_count and result.status == SubmissionStatus.SUBMITTED:
        messages.success(request, _("Your dossier was sent to %(unit)s.") % {"unit": result.receiving_unit})
    return redirect("portal:online-detail", key=key)


@require_POST
@applicant_only
def withdraw(request: HttpRequest, key: UUID) -> HttpResponseBase:
    submission = _submission(request, key)
    try:
        online.submission_withdraw(submission, request.user)
        messages.success(request, _("The submission was withdrawn."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("portal:online-detail", key=key)


@require_GET
@applicant_only
def detail(request: HttpRequest, key: UUID) -> HttpResponseBase:
    submission = _submission(request, key)
    if submission.dossier is not None:
        return redirect("portal:my-dossier", code=submission.dossier.code)
    return render(request, "portal/online/detail.html", _context(submission, "detail"))


@require_GET
@applicant_only
def submission_file(request: HttpRequest, key: UUID, file_id: int) -> FileResponse:
    submission = _submission(request, key)
    record = SubmissionFile.objects.filter(pk=file_id, submission=submission).first()
    if record is None:
        raise Http404
    inline = record.content_type == "application/pdf" or record.content_type.startswith("image/")
    return stored_file_response(
        record.file, content_type=record.content_type, filename=record.original_name, inline=inline
    )


# --- my dossiers ----------------------------------------------------------------------------------


@require_GET
@applicant_only
def my_dossiers(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    pending = list(
        OnlineSubmission.objects.filter(user=user, dossier__isnull=True)
        .exclude(status=SubmissionStatus.WITHDRAWN)
        .select_related("procedure_version", "receiving_unit")
        .order_by("-created_at", "-id")[:50]
    )
    dossiers = list(
        online.dossiers_of_applicant(user)
        .select_related("procedure_version", "receiving_unit")
        .order_by("-received_at", "-id")[: settings.MOTCUA_PAGE_SIZE * 5]
    )
    return render(request, "portal/online/my_dossiers.html", {"pending": pending, "dossiers": dossiers})


def _my_dossier(request: HttpRequest, code: str) -> Dossier:
    user = request.user
    assert isinstance(user, User)
    dossier = (
        online.dossiers_of_applicant(user)
        .select_related("procedure_version", "receiving_unit", "competent_agency", "applicant")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


def _results_of(dossier: Dossier) -> list[ResultDocument]:
    # The applicant sees results once the agency has finished (approved and issued) them.
    if dossier.status not in (DossierStatus.FINISHED, DossierStatus.RETURNED):
        return []
    return list(ResultDocument.objects.filter(dossier=dossier, approved_at__isnull=False).order_by("id"))


@applicant_only
def my_dossier(request: HttpRequest, code: str) -> HttpResponseBase:
    dossier = _my_dossier(request, code)
    if request.method == "POST":
        files: dict[str, list[tuple[str, bytes]]] = {}
        components_by_id = {str(c.pk): c for c in Component.objects.filter(version=dossier.procedure_version)}
        for field in request.FILES:
            component = components_by_id.get(field.removeprefix("bo-sung-"))
            if component is None:
                continue
            for item in request.FILES.getlist(field):
                files.setdefault(component.code, []).append((item.name or "file", item.read()))
        try:
            dossier_supplement_upload(dossier, request.user, files)
            messages.success(request, _("Your supplement was sent: the processing time runs again."))
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("portal:my-dossier", code=code)
    missing: list[str] = []
    if dossier.status == DossierStatus.WAITING_SUPPLEMENT:
        for pause in PausePeriod.objects.filter(dossier=dossier, ended_at__isnull=True):
            missing.extend(str(item) for item in pause.missing_items)
    from motcua.feedback.models import Rating

    rating = Rating.objects.filter(dossier=dossier).first()
    return render(
        request,
        "portal/online/my_dossier.html",
        {
            "dossier": dossier,
            "timeline": list(dossier_timeline(dossier, public_only=True)),
            "missing": missing,
            "components": list(Component.objects.filter(version=dossier.procedure_version)),
            "results": _results_of(dossier),
            "rating": rating,
            "may_rate": dossier.status in (DossierStatus.RETURNED, DossierStatus.FINISHED) and rating is None,
        },
    )


@require_GET
@applicant_only
def my_result(request: HttpRequest, code: str, result_id: int) -> FileResponse:
    dossier = _my_dossier(request, code)
    document = next((d for d in _results_of(dossier) if d.pk == result_id), None)
    if document is None:
        raise Http404
    return stored_file_response(
        document.file, content_type="application/pdf", filename=f"{document.number.replace('/', '-')}.pdf"
    )
