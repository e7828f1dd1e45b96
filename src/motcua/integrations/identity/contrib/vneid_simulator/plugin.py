"""The ``vneid_simulator`` provider: the generic OpenID Connect adapter pointed at MotCua's own simulated
digital-ID provider (``/gia-lap/vneid/``, "mô phỏng"). Issuer, client and secret are built in, so the demo
and the tests run the real adapter end to end: discovery, authorization with PKCE, token exchange over HTTP,
RS256 ID-token validation against the simulator's JWKS."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.integrations.identity.base import identity_providers
from motcua.integrations.identity.contrib.oidc.plugin import OidcConfig, OidcProvider

CLIENT_ID = "motcua-cong-dich-vu-cong"
SCOPES = ("openid", "profile")
# The simulator's own claim names (a real provider's are configured with MOTCUA_OIDC_CLAIM_*).
CLAIM_ID_NUMBER, CLAIM_NAME, CLAIM_BIRTHDATE = "id_number", "name", "birthdate"


def issuer() -> str:
    return f"{settings.MOTCUA_PUBLIC_URL}/gia-lap/vneid"


def client_secret() -> str:
    """Derived from SECRET_KEY, so it is private to the deployment."""
    return hmac.new(settings.SECRET_KEY.encode(), b"motcua-vneid-simulator", hashlib.sha256).hexdigest()


class VneidSimulatorProvider(OidcProvider):
    label = _("Digital ID (simulator)")

    def config(self) -> OidcConfig:
        return OidcConfig(
            issuer=issuer(),
            client_id=CLIENT_ID,
            client_secret=client_secret(),
            scopes=SCOPES,
            claim_id_number=CLAIM_ID_NUMBER,
            claim_name=CLAIM_NAME,
            claim_birthdate=CLAIM_BIRTHDATE,
        )


identity_providers.register("vneid_simulator")(VneidSimulatorProvider)
