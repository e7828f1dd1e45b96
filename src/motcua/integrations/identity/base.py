"""The contract of an identity-provider plugin (login with the national digital ID, VNeID-style).

A provider starts an authorization (the address the browser is sent to, with the one-time values the
caller keeps in the session: ``state``, ``nonce``, the PKCE verifier) and finishes it (exchanges the code
returned to the callback and checks what the provider asserts). It never touches accounts: the accounts
service decides what an asserted identity does (log in, create, link), so every provider gets the same rules.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings

from motcua.integrations.registry import Registry


class IdentityError(Exception):
    """The login cannot be trusted or completed; ``str(exc)`` is a message for the person."""


@dataclass(frozen=True)
class AuthorizationStart:
    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class IdentityClaims:
    """What the provider asserts about the person, after every check passed."""

    issuer: str
    subject: str
    id_number: str
    full_name: str
    date_of_birth: date | None


class IdentityProvider(ABC):
    label: Any = ""

    @abstractmethod
    def authorization_start(self, redirect_uri: str) -> AuthorizationStart:
        """Where to send the browser, and the values to keep until the callback."""

    @abstractmethod
    def authorization_finish(
        self, *, code: str, redirect_uri: str, nonce: str, code_verifier: str
    ) -> IdentityClaims:
        """Exchange the callback's code and validate the identity; raise ``IdentityError``."""


identity_providers: Registry[IdentityProvider] = Registry("identity provider")


def identity_provider() -> IdentityProvider:
    return identity_providers[settings.MOTCUA_OIDC_PROVIDER]
