"""Signing backends: where the signers' private keys live and how a signature is made with them.

The server holds the keys (remote signing, ký số từ xa) behind this plugin interface; the rest of MotCua
asks ``signing_backends[certificate.backend].signer_for(certificate)`` for a pyHanko ``Signer`` and never
touches a key. Two backends:

``pkcs12``
    A PKCS#12 file per certificate under ``<data dir>/signing/keys/``, encrypted with a passphrase derived
    from ``SECRET_KEY`` and the certificate's fingerprint (rotating ``SECRET_KEY`` makes these files
    unreadable: re-issue the demo certificates). For the demo and the tests.
``pkcs11``
    A key on a PKCS#11 token (an HSM, or a signing service's token library): ``MOTCUA_PKCS11_LIBRARY`` (the
    module's .so), ``MOTCUA_PKCS11_TOKEN`` (token label) and ``MOTCUA_PKCS11_PIN``; the certificate's
    ``key_ref`` is the key's label on the token. Needs the ``python-pkcs11`` package (pyHanko's ``pkcs11``
    extra), which is not installed by default.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

from motcua.integrations.registry import Registry

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

    from .models import SigningCertificate


class SigningBackend(Protocol):
    def signer_for(self, certificate: SigningCertificate) -> Signer: ...


signing_backends: Registry[SigningBackend] = Registry("signing backend")


def keys_dir() -> Path:
    return Path(settings.DATA_DIR) / "signing" / "keys"


def pkcs12_passphrase(fingerprint: str) -> bytes:
    """The passphrase of a PKCS#12 key file: derived, never stored."""
    return (
        hmac.new(settings.SECRET_KEY.encode(), f"motcua-signing:{fingerprint}".encode(), hashlib.sha256)
        .hexdigest()
        .encode()
    )


@signing_backends.register("pkcs12")
class Pkcs12FileBackend:
    def signer_for(self, certificate: SigningCertificate) -> Signer:
        from pyhanko.sign.signers import SimpleSigner

        path = keys_dir() / Path(certificate.key_ref).name
        if not path.is_file():
            raise ValidationError(
                _("The signing key of %(subject)s is missing on the server.")
                % {"subject": certificate.subject},
                code="key_missing",
            )
        signer = SimpleSigner.load_pkcs12(str(path), passphrase=pkcs12_passphrase(certificate.fingerprint))
        if signer is None:
            raise ValidationError(
                _("The signing key of %(subject)s cannot be opened.") % {"subject": certificate.subject},
                code="key_unreadable",
            )
        return signer


@signing_backends.register("pkcs11")
class Pkcs11TokenBackend:
    def signer_for(self, certificate: SigningCertificate) -> Signer:
        library = getattr(settings, "MOTCUA_PKCS11_LIBRARY", "")
        token = getattr(settings, "MOTCUA_PKCS11_TOKEN", "")
        if not library or not token:
            raise ImproperlyConfigured(
                "MOTCUA_PKCS11_LIBRARY and MOTCUA_PKCS11_TOKEN must be set for pkcs11 signing"
            )
        try:
            from pyhanko.config.pkcs11 import TokenCriteria
            from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
        except ImportError as exc:  # python-pkcs11 is an optional extra
            raise ImproperlyConfigured(
                "pkcs11 signing needs the python-pkcs11 package (pyhanko[pkcs11])"
            ) from exc
        session = open_pkcs11_session(
            library,
            token_criteria=TokenCriteria(label=token),
            user_pin=getattr(settings, "MOTCUA_PKCS11_PIN", "") or None,
        )
        # The token signs the digest MotCua computes (the raw mechanism): SoftHSM and many HSMs offer
        # CKM_ECDSA but not the combined hash-and-sign mechanisms.
        return PKCS11Signer(
            session, key_label=certificate.key_ref, cert_label=certificate.key_ref, use_raw_mechanism=True
        )


def signer_release(signer: object) -> None:
    """Close what a signer holds open (a PKCS#11 session); nothing for a PKCS#12 signer."""
    session = getattr(signer, "pkcs11_session", None)
    if session is not None:
        session.close()
