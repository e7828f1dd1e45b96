"""Account pages: registration, contact verification, login (password or digital ID), logout, password
reset, the account page. Views only: the rules are in ``motcua.accounts.services``.

They live in the portal (the audience app) though officers log in here too: they are pages of the public
site, in its look, and own no rule. Every write is a POST with the CSRF token; the digital-ID callback is a
GET guarded by the one-time ``state`` kept in the session.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.accounts import services
from motcua.accounts.models import AccountKind, CodePurpose, ContactCode, User
from motcua.audit.services import access_record
from motcua.core.ratelimit import client_ip, rate_limited
from motcua.integrations.identity.base import IdentityError, identity_provider

from .account_forms import (
    CitizenRegistrationForm,
    CodeForm,
    ForgotForm,
    LoginForm,
    OrganisationRegistrationForm,
    ResetForm,
)

logger = logging.getLogger(__name__)

BACKEND = "motcua.accounts.backends.AccountBackend"
SESSION_PENDING = "accounts_pending_user"  # the account waiting for its contact code
SESSION_RESET = "accounts_reset_user"  # the account a reset code was asked for (0: none matched)
SESSION_OIDC = "accounts_oidc"  # digital-ID logins started in this session, by state
OIDC_FLOW_SECONDS = 600
OIDC_FLOWS_KEPT = 3
# Password-reset requests per client address per window: the reset page sends messages to people.
RESET_RATE = (10, 900)


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _landing(request: HttpRequest, user: User, target: str) -> str:
    """``next`` when it is a local address; otherwise officers go to their desk, applicants to their dossiers."""
    return _safe_next(request, target) or reverse(
        "portal:my-dossiers" if user.is_applicant else "backoffice:home"
    )


def _login(request: HttpRequest, user: User, method: str) -> None:
    login(request, user, backend=BACKEND)
    access_record(
        request, channel="web", action="login", object_type="account", object_ref=str(user.pk), detail=method
    )


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- registration ---------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Who: anyone. ``?loai=to-chuc`` registers an organisation, otherwise a citizen."""
    organisation = request.GET.get("loai") == "to-chuc"
    form_class = OrganisationRegistrationForm if organisation else CitizenRegistrationForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        registration = services.Registration(
            kind=AccountKind.ORGANISATION if organisation else AccountKind.CITIZEN,
            full_name=data["full_name"],
            contact=data["contact"],
            password=data["password1"],
            id_number=data.get("id_number", ""),
            date_of_birth=data.get("date_of_birth"),
            tax_code=data.get("tax_code", ""),
            representative=data.get("representative", ""),
        )
        try:
            user = services.account_register(registration)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            request.session[SESSION_PENDING] = user.pk
            return redirect("portal:register-verify")
    return render(request, "portal/accounts/register.html", {"form": form, "organisation": organisation})


def _pending(request: HttpRequest) -> User | None:
    pk = request.session.get(SESSION_PENDING)
    user = User.objects.filter(pk=pk, is_active=True).first() if isinstance(pk, int) else None
    return user if user is not None and user.is_applicant and not user.contact_verified else None


@never_cache
@require_http_methods(["GET", "POST"])
def register_verify(request: HttpRequest) -> HttpResponseBase:
    """Who: the person who just registered (the account is kept in the session), or who tried to log in
    to an account whose contact is not verified yet."""
    user = _pending(request)
    if user is None:
        messages.info(request, _("Nothing to verify: log in, or register."))
        return redirect("portal:login")
    form = CodeForm(request.POST if request.POST.get("hanh-dong") == "xac-thuc" else None)
    if request.method == "POST" and request.POST.get("hanh-dong") == "gui-lai":
        try:
            services.contact_code_send(user, CodePurpose.VERIFY_CONTACT)
            messages.success(request, _("A new code was sent."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("portal:register-verify")
    if request.method == "POST" and form.is_valid():
        try:
            verified = services.contact_verify(user, form.cleaned_data["code"])
        except ValidationError as exc:
            _form_errors(form, ValidationError({"code": exc.messages}))
        else:
            del request.session[SESSION_PENDING]
            _login(request, verified, "password")
            messages.success(request, _("Your account is ready."))
            if verified.kind == AccountKind.CITIZEN and verified.id_verified_at is None:
                messages.info(
                    request,
                    _(
                        "Link your digital ID (VNeID) on the account page to verify your identity: your "
                        "personal data store and the dossiers filed under your ID number open then."
                    ),
                )
            return redirect("portal:my-dossiers")
    code = (
        ContactCode.objects.filter(user=user, purpose=CodePurpose.VERIFY_CONTACT)
        .order_by("-created_at")
        .first()
    )
    return render(
        request,
        "portal/accounts/verify.html",
        {"form": form, "sent_to": services.masked(code.recipient) if code else ""},
    )


# --- login, logout ------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponseBase:
    """Who: anyone: applicants and officers log in here (``LOGIN_URL``)."""
    target = request.POST.get("next") or request.GET.get("next", "")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        ip = client_ip(request)
        try:
            user = services.account_authenticate(
                identifier, form.cleaned_data["password"], ip=None if ip == "unknown" else ip
            )
        except services.LoginRefused as exc:
            access_record(
                request,
                channel="web",
                action="login_failed",
                object_type="account",
                object_ref=identifier,
                detail=exc.code,
            )
            if exc.code == "unverified" and exc.user is not None:
                request.session[SESSION_PENDING] = exc.user.pk
                messages.info(request, exc.message)
                return redirect("portal:register-verify")
            form.add_error(None, exc.message)
        else:
            _login(request, user, "password")
            return redirect(_landing(request, user, target))
    return render(request, "portal/accounts/login.html", {"form": form, "next": _safe_next(request, target)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Who: anyone (logging out twice is harmless)."""
    if request.user.is_authenticated:
        access_record(
            request, channel="web", action="logout", object_type="account", object_ref=str(request.user.pk)
        )
    logout(request)
    messages.success(request, _("You are logged out."))
    return redirect("portal:home")


# --- password reset -------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def password_forgot(request: HttpRequest) -> HttpResponse:
    """Who: anyone. The answer is the same whether or not an account matches."""
    form = ForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if rate_limited(
            "password-reset", client_ip(request), limit=RESET_RATE[0], window_seconds=RESET_RATE[1]
        ):
            form.add_error(
                None, _("Too many requests from your connection. Please wait a few minutes and try again.")
            )
        else:
            user = services.password_reset_request(form.cleaned_data["identifier"])
            request.session[SESSION_RESET] = user.pk if user is not None else 0
            messages.info(
                request,
                _(
                    "If an account matches, a code was sent to its verified phone number or e-mail. "
                    "Enter it below with your new password."
                ),
            )
            return redirect("portal:password-reset")
    return render(request, "portal/accounts/forgot.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponseBase:
    """Who: the person who asked for a reset code in this session."""
    if SESSION_RESET not in request.session:
        return redirect("portal:password-forgot")
    pk = request.session[SESSION_RESET]
    user = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_complete(user, form.cleaned_data["code"], form.cleaned_data["password1"])
        except ValidationError as exc:
            if "password" in exc.message_dict:
                exc = ValidationError({"password1": exc.message_dict["password"]})
            _form_errors(form, exc)
        else:
            del request.session[SESSION_RESET]
            messages.success(request, _("Your password was changed. Log in with it."))
            return redirect("portal:login")
    return render(request, "portal/accounts/reset.html", {"form": form})


# --- the account page --------------------------------------------------------------------------------------


def _account_user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


@never_cache
@require_GET
def account(request: HttpRequest) -> HttpResponseBase:
    """Who: any logged-in account (its own details only)."""
    user = _account_user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    return render(
        request, "portal/accounts/account.html", {"account": user, "password_form": PasswordChangeForm(user)}
    )


@require_POST
def password_change(request: HttpRequest) -> HttpResponseBase:
    """Who: any logged-in account that has a password (a digital-ID-only account sets none)."""
    user = _account_user(request)
    if user is None:
        return redirect_to_login(reverse("portal:account"))
    form = PasswordChangeForm(user, request.POST)
    if user.has_usable_password() and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, _("Your password was changed."))
        return redirect("portal:account")
    return render(
        request, "portal/accounts/account.html", {"account": user, "password_form": form}, status=400
    )


# --- digital ID ----------------------------------------------------------------------------------------------


def _callback_uri() -> str:
    return settings.MOTCUA_PUBLIC_URL + reverse("portal:vneid-callback")


def _flow_start(request: HttpRequest, *, target: str, link_user: User | None) -> HttpResponseBase:
    try:
        start = identity_provider().authorization_start(_callback_uri())
    except IdentityError as exc:
        messages.error(request, str(exc))
        return redirect("portal:account" if link_user else "portal:login")
    flows: dict[str, dict[str, Any]] = request.session.get(SESSION_OIDC, {})
    flows[start.state] = {
        "nonce": start.nonce,
        "verifier": start.code_verifier,
        "next": target,
        "link": link_user.pk if link_user else None,
        "at": int(time.time()),
    }
    request.session[SESSION_OIDC] = dict(list(flows.items())[-OIDC_FLOWS_KEPT:])
    return redirect(start.url)


@require_GET
def vneid_start(request: HttpRequest) -> HttpResponseBase:
    """Who: anyone: off to the digital-ID provider, back at the callback."""
    return _flow_start(request, target=_safe_next(request, request.GET.get("next", "")), link_user=None)


@require_POST
def vneid_link(request: HttpRequest) -> HttpResponseBase:
    """Who: a logged-in citizen account without a verified ID number."""
    user = _account_user(request)
    if user is None:
        return redirect_to_login(reverse("portal:account"))
    return _flow_start(request, target=reverse("portal:account"), link_user=user)


@never_cache
@require_GET
def vneid_callback(request: HttpRequest) -> HttpResponseBase:
    """Who: the browser the provider sends back. The ``state`` must be one this session started and not
    yet used (a forged or replayed one is refused), within ``OIDC_FLOW_SECONDS``."""
    flows: dict[str, dict[str, Any]] = request.session.get(SESSION_OIDC, {})
    flow = flows.pop(request.GET.get("state", ""), None)
    request.session[SESSION_OIDC] = flows
    if flow is None or time.time() - flow["at"] > OIDC_FLOW_SECONDS:
        return _vneid_refused(
            request,
            _("This digital-ID login is not valid, has expired or was already used. Please start again."),
        )
    link_user: User | None = None
    if flow["link"] is not None:
        link_user = _account_user(request)
        if link_user is None or link_user.pk != flow["link"]:
            return _vneid_refused(request, _("Log in again to link your digital ID."))
    if request.GET.get("error"):
        message = (
            _("You cancelled the digital-ID login.")
            if request.GET["error"] == "access_denied"
            else _("The digital-ID service refused the login.")
        )
        return _vneid_refused(request, message, link=link_user is not None)
    try:
        claims = identity_provider().authorization_finish(
            code=request.GET.get("code", ""),
            redirect_uri=_callback_uri(),
            nonce=flow["nonce"],
            code_verifier=flow["verifier"],
        )
        user, outcome = services.account_from_identity(claims, link_to=link_user)
    except (IdentityError, ValidationError) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _vneid_refused(request, message, link=link_user is not None)
    if outcome == services.IdentityOutcome.LINKED:
        access_record(
            request,
            channel="web",
            action="id_link",
            object_type="account",
            object_ref=str(user.pk),
            detail="digital_id",
        )
        messages.success(request, _("Your account is now verified with your digital ID."))
        return redirect("portal:account")
    _login(request, user, "digital_id")
    if outcome == services.IdentityOutcome.CREATED:
        messages.success(request, _("Welcome! Your account was created from your digital ID."))
    return redirect(_landing(request, user, flow["next"]))


def _vneid_refused(request: HttpRequest, message: str, *, link: bool = False) -> HttpResponse:
    logger.info("digital-ID login refused: %s", message)
    return render(
        request, "portal/accounts/vneid_refused.html", {"message": message, "link": link}, status=400
    )
