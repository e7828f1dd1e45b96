"""Generic OpenID Connect, authorization-code flow (OIDC Core 1.0 §3.1) with PKCE (RFC 7636, S256).

Discovery from ``<issuer>/.well-known/openid-configuration`` (whose ``issuer`` must equal the configured one,
OIDC Discovery §4.3); the code is exchanged at the token endpoint with the client's secret (HTTP Basic,
RFC 6749 §2.3.1) and the PKCE verifier; the ID token must be an RS256 JWS signed by a key of the provider's
JWKS, for this client (``aud``, and ``azp`` when there are several audiences), from this issuer, unexpired,
not issued in the future, carrying the nonce of this login (§3.1.3.7). Discovery and keys are fetched for
each login: logins are rare enough, and a rotated key is picked up at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

import jwt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.dossiers.validators import citizen_id_check
from motcua.integrations.identity.base import (
    AuthorizationStart,
    IdentityClaims,
    IdentityError,
    IdentityProvider,
    identity_providers,
)
from motcua.integrations.transport import transport

logger = logging.getLogger(__name__)

# Clock difference tolerated between MotCua and the provider when checking exp and iat.
LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]
    claim_id_number: str
    claim_name: str
    claim_birthdate: str


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _unavailable() -> IdentityError:
    return IdentityError(_("The digital-ID service cannot be reached right now. Please try again later."))


class OidcProvider(IdentityProvider):
    label = gettext_lazy("Digital ID (OpenID Connect)")

    def config(self) -> OidcConfig:
        return OidcConfig(
            issuer=settings.MOTCUA_OIDC_ISSUER,
            client_id=settings.MOTCUA_OIDC_CLIENT_ID,
            client_secret=settings.MOTCUA_OIDC_CLIENT_SECRET,
            scopes=tuple(settings.MOTCUA_OIDC_SCOPES),
            claim_id_number=settings.MOTCUA_OIDC_CLAIM_ID_NUMBER,
            claim_name=settings.MOTCUA_OIDC_CLAIM_NAME,
            claim_birthdate=settings.MOTCUA_OIDC_CLAIM_BIRTHDATE,
        )

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            status, body = transport().get(url, {"Accept": "application/json"})
            payload = json.loads(body) if status == 200 else None
        except (OSError, ValueError) as exc:
            logger.warning("OIDC: %s failed: %s", url, exc)
            raise _unavailable() from exc
        if not isinstance(payload, dict):
            logger.warning("OIDC: %s answered HTTP %s", url, status)
            raise _unavailable()
        return payload

    def discovery(self, config: OidcConfig) -> dict[str, Any]:
        if not config.issuer or not config.client_id:
            logger.error("OIDC: MOTCUA_OIDC_ISSUER and MOTCUA_OIDC_CLIENT_ID must be set")
            raise _unavailable()
        document = self._get_json(f"{config.issuer}/.well-known/openid-configuration")
        if document.get("issuer") != config.issuer or not all(
            isinstance(document.get(key), str)
            for key in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        ):
            logger.warning("OIDC: the discovery document of %s is not usable", config.issuer)
            raise _unavailable()
        return document

    def authorization_start(self, redirect_uri: str) -> AuthorizationStart:
        config = self.config()
        document = self.discovery(config)
        state, nonce, verifier = (
            secrets.token_urlsafe(32),
            secrets.token_urlsafe(32),
            secrets.token_urlsafe(64),
        )
        query = urlencode(
            {
                "response_type": "code",
                "client_id": config.client_id,
                "redirect_uri": redirect_uri,
                "scope": " ".join(config.scopes),
                "state": state,
                "nonce": nonce,
                "code_challenge": pkce_challenge(verifier),
                "code_challenge_method": "S256",
            }
        )
        endpoint = document["authorization_endpoint"]
        separator = "&" if "?" in endpoint else "?"
        return AuthorizationStart(f"{endpoint}{separator}{query}", state, nonce, verifier)

    def authorization_finish(
        self, *, code: str, redirect_uri: str, nonce: str, code_verifier: str
    ) -> IdentityClaims:
        config = self.config()
        document = self.discovery(config)
        credentials = f"{quote(config.client_id, safe='')}:{quote(config.client_secret, safe='')}"
        headers = {
            "Accept": "application/json",
            "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode("ascii"),
        }
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        try:
            status, body = transport().post_form(document["token_endpoint"], form, headers)
            payload = json.loads(body)
        except (OSError, ValueError) as exc:
            logger.warning("OIDC: token request failed: %s", exc)
            raise _unavailable() from exc
        if status != 200 or not isinstance(payload, dict) or not isinstance(payload.get("id_token"), str):
            error = payload.get("error", "") if isinstance(payload, dict) else ""
            logger.warning("OIDC: token endpoint answered HTTP %s %s", status, error)
            raise IdentityError(
                _(
                    "The digital-ID service did not confirm this login (the code is invalid, expired or "
                    "already used). Please log in again."
                )
            )
        return self.id_token_validate(payload["id_token"], config, document, nonce)

    def _signing_key(self, token: str, document: dict[str, Any]) -> Any:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise IdentityError(_("The digital-ID service sent an unreadable identity token.")) from exc
        if header.get("alg") != "RS256":
            raise IdentityError(_("The identity token is not signed as required (RS256)."))
        keys = self._get_json(document["jwks_uri"])
        try:
            key_set = jwt.PyJWKSet.from_dict(keys)
        except jwt.PyJWKError as exc:
            logger.warning("OIDC: unusable JWKS: %s", exc)
            raise _unavailable() from exc
        kid = header.get("kid")
        candidates = [k for k in key_set.keys if kid is None or k.key_id == kid]
        if len(candidates) != 1:
            raise IdentityError(
                _("The identity token is signed with a key the digital-ID service does not publish.")
            )
        return candidates[0].key

    def id_token_validate(
        self, token: str, config: OidcConfig, document: dict[str, Any], nonce: str
    ) -> IdentityClaims:
        key = self._signing_key(token, document)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=config.client_id,
                issuer=config.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise IdentityError(_("The identity token has expired. Please log in again.")) from exc
        except jwt.InvalidAudienceError as exc:
            raise IdentityError(_("The identity token was not issued for this portal.")) from exc
        except jwt.InvalidIssuerError as exc:
            raise IdentityError(_("The identity token comes from another issuer.")) from exc
        except jwt.InvalidSignatureError as exc:
            raise IdentityError(_("The identity token's signature is not valid.")) from exc
        except jwt.ImmatureSignatureError as exc:
            raise IdentityError(
                _("The identity token is dated in the future: check the server clocks.")
            ) from exc
        except jwt.InvalidTokenError as exc:
            logger.warning("OIDC: ID token refused: %s", exc)
            raise IdentityError(_("The identity token is not valid.")) from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != config.client_id:
            raise IdentityError(_("The identity token was not issued for this portal."))
        if not hmac.compare_digest(str(claims["nonce"]), nonce):
            raise IdentityError(
                _("The identity token does not belong to this login attempt. Please log in again.")
            )
        return self._claims(claims, config)

    def _claims(self, claims: dict[str, Any], config: OidcConfig) -> IdentityClaims:
        id_number = str(claims.get(config.claim_id_number) or "")
        full_name = " ".join(str(claims.get(config.claim_name) or "").split())
        born: date | None = None
        raw_birthdate = claims.get(config.claim_birthdate)
        if raw_birthdate:
            try:
                born = date.fromisoformat(str(raw_birthdate))
            except ValueError:
                born = None
        try:
            citizen_id_check(id_number, born)
        except ValidationError as exc:
            logger.warning("OIDC: ID number claim refused: %s", exc.messages)
            raise IdentityError(_("The digital-ID service did not give a valid citizen ID number.")) from exc
        if not full_name:
            raise IdentityError(_("The digital-ID service did not give the person's name."))
        return IdentityClaims(
            issuer=str(claims["iss"]),
            subject=str(claims["sub"]),
            id_number=id_number,
            full_name=full_name,
            date_of_birth=born,
        )


identity_providers.register("oidc")(OidcProvider)
