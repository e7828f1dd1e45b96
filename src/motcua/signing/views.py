"""Signing results (officers, ``/mot-cua/ky-so/``) and verifying signed PDFs (public, ``/xac-thuc/``)."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from motcua.accounts.models import User
from motcua.accounts.selectors import active_user
from motcua.core.ratelimit import client_ip, rate_limited
from motcua.dossiers.models import ResultDocument
from motcua.dossiers.results import problem_label
from motcua.org.scoping import Capability, can

from .otp import SIGN, code_issue, masked_contact
from .pades import VerificationReport, pdf_verify
from .services import certificate_for, results_sign, signable_documents

# The largest PDF the public page checks (the upload limit of the site applies too).
VERIFY_MAX_BYTES = 20 * 1024 * 1024


def _officer(request: HttpRequest) -> User:
    user = active_user(request)
    if not can(user, Capability.RESULT_SIGN, None):
        raise PermissionDenied
    return user


@login_required
@require_http_methods(["GET", "POST"])
def sign_results(request: HttpRequest) -> HttpResponse:
    """The leader's signing desk: approved results waiting for a signature, a one-time code, and one
    signature per chosen result with the leader's server-held key.

    Who: holders of ``result_sign`` (agency leaders); each result is checked again when signed.
    """
    user = _officer(request)
    documents = signable_documents(user)
    chosen_code = request.GET.get("ho_so", "")
    # The dossier page posts here and comes back to itself; any other target is ignored.
    back = request.POST.get("next", "")
    if not (back.startswith("/mot-cua/ho-so/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None)):
        back = ""
    if request.method == "POST":
        action = request.POST.get("hanh_dong", "")
        if action == "gui-ma":
            try:
                code_issue(user, SIGN)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.info(
                    request,
                    _("A signing code was sent to %(contact)s. It is valid for %(minutes)d minutes.")
                    % {
                        "contact": masked_contact(user),
                        "minutes": settings.MOTCUA_SIGNING_CODE_SECONDS // 60,
                    },
                )
            return redirect(back or request.get_full_path())
        ids = {int(value) for value in request.POST.getlist("ket_qua") if value.isdigit()}
        picked = [d for d in documents if d.pk in ids]
        try:
            outcome = results_sign(picked, user, request.POST.get("ma", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if outcome.signed:
                messages.success(
                    request,
                    _("Signed: %(numbers)s.") % {"numbers": ", ".join(d.number for d in outcome.signed)},
                )
            for document, reason in outcome.failed:
                messages.error(
                    request,
                    _("%(number)s was not signed: %(reason)s")
                    % {"number": document.number, "reason": reason},
                )
        return redirect(back or request.get_full_path())
    certificate = certificate_for(user)
    return render(
        request,
        "signing/sign.html",
        {
            "nav": "signing",
            "documents": documents,
            "chosen_code": chosen_code,
            "certificate": certificate,
            "contact": masked_contact(user),
        },
    )


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Signed PDF document"),
        help_text=gettext_lazy("The file stays on this server only while it is checked; it is not stored."),
    )


def _report_context(report: VerificationReport, content: bytes | None) -> dict[str, Any]:
    registered = None
    if content is not None and report.readable:
        digest = hashlib.sha256(content).hexdigest()
        registered = (
            ResultDocument.objects.select_related("dossier__competent_agency")
            .filter(sha256=digest, approved_at__isnull=False)
            .first()
        )
    return {
        "report": report,
        "registered": registered,
        "problems": {
            check.field: problem_label(check.problem) for check in report.signatures if check.problem
        },
    }


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public: upload a signed PDF; every signature is checked and the file is matched with the results
    MotCua registered. Rate-limited per address like the tracking page."""
    context: dict[str, Any] = {"form": VerifyForm()}
    status = 200
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        context["form"] = form
        limit, window = settings.MOTCUA_TRACKING_RATE
        if rate_limited("verify", client_ip(request), limit=limit, window_seconds=window):
            context["rate_limited"] = True
            status = 429
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > VERIFY_MAX_BYTES:
                form.add_error("file", _("The file is too large to be checked here (at most 20 MB)."))
                status = 400
            else:
                content = upload.read()
                context.update(_report_context(pdf_verify(content), content))
        else:
            status = 400
    return render(request, "signing/verify.html", context, status=status)


@require_http_methods(["GET"])
def verify_registered(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the QR code's link. Shows the result registered under this key (its number, kind, issuer,
    date and signatures, no personal data) and checks the stored signed file."""
    document = (
        ResultDocument.objects.select_related("dossier__competent_agency")
        .filter(verify_token=token, approved_at__isnull=False)
        .first()
    )
    if document is None:
        raise Http404
    with document.file.open("rb") as handle:
        content = handle.read()
    context = _report_context(pdf_verify(content), content)
    context.update({"form": VerifyForm(), "document": document})
    return render(request, "signing/verify.html", context)
