"""Signing certificates held by the server (remote signing, ký số từ xa), the signatures MotCua applied,
and the one-time codes that unlock a signing session.

``SigningCertificate``
    One signer's (or one agency seal's) certificate and where its private key lives: ``backend`` names the signing-backend plugin
    (``pkcs12`` file for the demo and tests, ``pkcs11`` token for production) and ``key_ref`` what that
    backend needs to find the key (a file under the data directory, a key label on the token). The key never
    leaves the backend; the certificate is public and kept here.
``SignatureRecord``
    Each signature MotCua applied to a result document: who, with which certificate, when, and the document's
    SHA-256 before and after (the stored file is replaced by its signed version).
``OneTimeCode``
    The second factor of a signing session: a 6-digit code sent to the signer's phone or e-mail, stored
    hashed, valid a few minutes, for a limited number of attempts, used once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SigningCertificate(models.Model):
    # Empty for an agency's seal (the electronic seal that signs the slips a unit issues).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_certificates",
        verbose_name=_("signer"),
        help_text=_("Empty for the agency's electronic seal, which signs the slips it issues."),
    )
    agency = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("As printed on the stamp, e.g. Chủ tịch.")
    )
    backend = models.CharField(_("signing backend"), max_length=30)
    key_ref = models.CharField(_("key reference"), max_length=255)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    subject = models.CharField(_("subject"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=500)
    serial = models.CharField(_("serial number"), max_length=80)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ("user", "-not_after")
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")

    def __str__(self) -> str:
        return f"{self.subject} ({self.not_after:%d/%m/%Y})"


class SignatureRecord(models.Model):
    document = models.ForeignKey(
        "dossiers.ResultDocument",
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("result"),
    )
    certificate = models.ForeignKey(
        SigningCertificate, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("certificate")
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signer")
    )
    signed_at = models.DateTimeField(_("signed at"))
    sha256_before = models.CharField(_("SHA-256 before signing"), max_length=64)
    sha256_after = models.CharField(_("SHA-256 after signing"), max_length=64, db_index=True)

    class Meta:
        ordering = ("document", "signed_at", "id")
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return f"{self.document_id} · {self.signer_id} · {self.signed_at:%Y-%m-%d %H:%M}"


class OneTimeCode(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    purpose = models.CharField(_("purpose"), max_length=30)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=("user", "purpose", "created_at"), name="signing_otp_user")]
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
