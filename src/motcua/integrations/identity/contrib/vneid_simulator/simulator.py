"""The provider's side of the simulated digital ID (VNeID mô phỏng): what a national identity provider
does for a relying party, kept small but real.

- ``authorization_request_check``: the client, its registered redirect address, ``response_type=code``,
  the ``openid`` scope, a ``state``, a ``nonce`` and an S256 PKCE challenge are all required.
- ``code_issue``: after the citizen logged in and consented, a random code, stored hashed, bound to the
  request; valid ``CODE_SECONDS`` and once (RFC 6749 §4.1.2).
- ``token_exchange``: client authentication (HTTP Basic or form), the code, the same redirect address and
  the PKCE verifier (RFC 7636 §4.6), then an RS256-signed ID token with the citizen's ID number, name and
  date of birth.
The citizens are those of the population-database simulator; the demo password is shared by all of them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.integrations.identity.contrib.oidc.plugin import pkce_challenge
from motcua.integrations.models import SimulatedAuthorization, SimulatedCitizen

from .keys import key_id, signing_key
from .plugin import CLAIM_BIRTHDATE, CLAIM_ID_NUMBER, CLAIM_NAME, CLIENT_ID, client_secret, issuer

CODE_SECONDS = 60
ID_TOKEN_SECONDS = 300
# Every simulated citizen logs in with this password (printed on the simulator's page: it is a demo).
DEMO_PASSWORD = "MotCua@2026"


class AuthorizationRefused(Exception):
    """The request cannot be answered at all (unknown client or redirect address): shown, not redirected."""


class TokenRefused(Exception):
    def __init__(self, error: str, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


@dataclass(frozen=True)
class AuthorizationRequest:
    client_id: str
    redirect_uri: str
    scope: str
    state: str
    nonce: str
    code_challenge: str

    def as_fields(self) -> dict[str, str]:
        return {
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": self.code_challenge,
            "code_challenge_method": "S256",
            "response_type": "code",
        }


def registered_redirect_uris() -> set[str]:
    return {settings.MOTCUA_PUBLIC_URL + reverse("portal:vneid-callback")}


def discovery_document() -> dict[str, Any]:
    base = settings.MOTCUA_PUBLIC_URL
    return {
        "issuer": issuer(),
        "authorization_endpoint": base + reverse("vneid_simulator:authorize"),
        "token_endpoint": base + reverse("vneid_simulator:token"),
        "jwks_uri": base + reverse("vneid_simulator:jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "nonce",
            CLAIM_ID_NUMBER,
            CLAIM_NAME,
            CLAIM_BIRTHDATE,
        ],
    }


def jwks_document() -> dict[str, Any]:
    key = signing_key()
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwk.update({"kid": key_id(key), "use": "sig", "alg": "RS256"})
    return {"keys": [jwk]}


def authorization_request_check(params: Mapping[str, str]) -> tuple[AuthorizationRequest, str]:
    """The request and "" when it is acceptable, else the request and the OAuth error to send back."""
    client_id = params.get("client_id", "")
    redirect_uri = params.get("redirect_uri", "")
    if client_id != CLIENT_ID:
        raise AuthorizationRefused(_("Unknown client (client_id)."))
    if redirect_uri not in registered_redirect_uris():
        raise AuthorizationRefused(_("This return address (redirect_uri) is not registered for the client."))
    request = AuthorizationRequest(
        client_id=client_id,
        redirect_uri=redirect_uri,
        scope=params.get("scope", "")[:255],
        state=params.get("state", "")[:500],
        nonce=params.get("nonce", "")[:255],
        code_challenge=params.get("code_challenge", "")[:128],
    )
    if params.get("response_type") != "code":
        return request, "unsupported_response_type"
    if "openid" not in request.scope.split() or not request.state or not request.nonce:
        return request, "invalid_request"
    if params.get("code_challenge_method") != "S256" or len(request.code_challenge) < 43:
        return request, "invalid_request"
    return request, ""


def redirect_with(request: AuthorizationRequest, **params: str) -> str:
    separator = "&" if "?" in request.redirect_uri else "?"
    return f"{request.redirect_uri}{separator}{urlencode({**params, 'state': request.state})}"


def citizen_authenticate(id_number: str, password: str) -> SimulatedCitizen | None:
    citizen = SimulatedCitizen.objects.filter(id_number=id_number.strip()).first()
    if citizen is None or not hmac.compare_digest(password.encode(), DEMO_PASSWORD.encode()):
        return None
    return citizen


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def code_issue(
    request: AuthorizationRequest, citizen: SimulatedCitizen, *, now: datetime | None = None
) -> str:
    code = secrets.token_urlsafe(32)
    SimulatedAuthorization.objects.create(
        code_hash=_code_hash(code),
        client_id=request.client_id,
        redirect_uri=request.redirect_uri,
        code_challenge=request.code_challenge,
        nonce=request.nonce,
        scope=request.scope,
        citizen=citizen,
        created_at=now or timezone.now(),
    )
    return code


def _client_authenticate(form: Mapping[str, str], authorization: str) -> None:
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    if authorization.startswith("Basic "):
        try:
            decoded = base64.b64decode(authorization[6:], validate=True).decode()
        except (ValueError, UnicodeDecodeError) as exc:
            raise TokenRefused("invalid_client", 401) from exc
        raw_id, _sep, raw_secret = decoded.partition(":")
        client_id, secret = unquote(raw_id), unquote(raw_secret)
    if client_id != CLIENT_ID or not hmac.compare_digest(secret.encode(), client_secret().encode()):
        raise TokenRefused("invalid_client", 401)


def id_token_sign(claims: Mapping[str, Any], key: rsa.RSAPrivateKey | None = None) -> str:
    key = key or signing_key()
    return jwt.encode(dict(claims), key, algorithm="RS256", headers={"kid": key_id(key)})


def id_token_claims(citizen: SimulatedCitizen, *, nonce: str, now: datetime) -> dict[str, Any]:
    subject = hmac.new(client_secret().encode(), citizen.id_number.encode(), hashlib.sha256).hexdigest()[:32]
    issued = int(now.timestamp())
    return {
        "iss": issuer(),
        "sub": subject,
        "aud": CLIENT_ID,
        "iat": issued,
        "auth_time": issued,
        "exp": issued + ID_TOKEN_SECONDS,
        "nonce": nonce,
        CLAIM_ID_NUMBER: citizen.id_number,
        CLAIM_NAME: citizen.full_name,
        CLAIM_BIRTHDATE: citizen.date_of_birth.isoformat(),
    }


def token_exchange(
    form: Mapping[str, str], authorization: str, *, now: datetime | None = None
) -> dict[str, Any]:
    now = now or timezone.now()
    _client_authenticate(form, authorization)
    if form.get("grant_type") != "authorization_code":
        raise TokenRefused("unsupported_grant_type")
    with transaction.atomic():
        grant = (
            SimulatedAuthorization.objects.select_for_update()
            .select_related("citizen")
            .filter(code_hash=_code_hash(form.get("code", "")))
            .first()
        )
        if grant is None or grant.used_at is not None:
            raise TokenRefused("invalid_grant")
        # One try per code, whatever its outcome.
        grant.used_at = now
        grant.save(update_fields=["used_at"])
    if grant.created_at + timedelta(seconds=CODE_SECONDS) < now:
        raise TokenRefused("invalid_grant")
    if grant.client_id != CLIENT_ID or grant.redirect_uri != form.get("redirect_uri", ""):
        raise TokenRefused("invalid_grant")
    verifier = form.get("code_verifier", "")
    if not 43 <= len(verifier) <= 128 or not hmac.compare_digest(
        pkce_challenge(verifier), grant.code_challenge
    ):
        raise TokenRefused("invalid_grant")
    return {
        "access_token": secrets.token_urlsafe(32),
        "token_type": "Bearer",
        "expires_in": ID_TOKEN_SECONDS,
        "scope": grant.scope,
        "id_token": id_token_sign(id_token_claims(grant.citizen, nonce=grant.nonce, now=now)),
    }
