"""Pages and endpoints of the simulated digital-ID provider, under ``/gia-lap/vneid/``.

Who: anyone, like a real identity provider's public pages; the token endpoint authenticates the client.
The authorize page never redirects to an unregistered address (RFC 6749 §4.1.2.1): it shows the error.
"""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.integrations.models import SimulatedCitizen

from .simulator import (
    DEMO_PASSWORD,
    AuthorizationRefused,
    AuthorizationRequest,
    TokenRefused,
    authorization_request_check,
    citizen_authenticate,
    code_issue,
    discovery_document,
    jwks_document,
    redirect_with,
    token_exchange,
)

# The citizen who logged in, carried signed from the login step to the consent step.
CONSENT_SALT = "motcua.vneid-simulator.consent"
CONSENT_SECONDS = 300
DEMO_CITIZENS_SHOWN = 20


@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    return JsonResponse(discovery_document())


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse(jwks_document())


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "vneid_simulator/error.html", {"message": message}, status=400)


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    params = request.GET if request.method == "GET" else request.POST
    try:
        auth, error = authorization_request_check({key: params.get(key, "") for key in params})
    except AuthorizationRefused as exc:
        return _refused(request, str(exc))
    if error:
        return HttpResponseRedirect(redirect_with(auth, error=error))
    context: dict[str, object] = {"auth": auth, "fields": auth.as_fields(), "demo_password": DEMO_PASSWORD}
    if request.method == "POST":
        step = request.POST.get("buoc", "")
        if step == "tu-choi":
            return HttpResponseRedirect(redirect_with(auth, error="access_denied"))
        if step == "dong-y":
            return _consent(request, auth)
        citizen = citizen_authenticate(request.POST.get("so_dinh_danh", ""), request.POST.get("mat_khau", ""))
        if citizen is None:
            context["error"] = _("The ID number or the password is wrong.")
        else:
            context.update(
                citizen=citizen,
                consent=signing.dumps(citizen.pk, salt=CONSENT_SALT + auth.nonce),
            )
            return render(request, "vneid_simulator/consent.html", context)
    context["citizens"] = list(SimulatedCitizen.objects.order_by("full_name")[:DEMO_CITIZENS_SHOWN])
    return render(request, "vneid_simulator/authorize.html", context)


def _consent(request: HttpRequest, auth: AuthorizationRequest) -> HttpResponse:
    try:
        citizen_pk = signing.loads(
            request.POST.get("dong_y", ""), salt=CONSENT_SALT + auth.nonce, max_age=CONSENT_SECONDS
        )
    except signing.BadSignature:
        return _refused(request, _("This consent has expired or is not valid. Start the login again."))
    citizen = SimulatedCitizen.objects.filter(pk=citizen_pk).first()
    if citizen is None:
        return _refused(request, _("This consent has expired or is not valid. Start the login again."))
    return HttpResponseRedirect(redirect_with(auth, code=code_issue(auth, citizen)))


@csrf_exempt  # called server to server by the client, authenticated with its secret
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    form = {key: request.POST.get(key, "") for key in request.POST}
    try:
        answer = token_exchange(form, request.headers.get("Authorization", ""))
    except TokenRefused as exc:
        response = JsonResponse({"error": exc.error}, status=exc.status)
        if exc.status == 401:
            response["WWW-Authenticate"] = 'Basic realm="vneid-simulator"'
        return response
    response = JsonResponse(answer)
    response["Cache-Control"] = "no-store"
    return response
