"""The notification outbox and the simulators' inbox."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    RETRYING = "retrying", _("Failed, will retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One message to one recipient on one channel. Written in the caller's transaction; delivered by a
    background task after commit, so a rolled-back action never notifies and a slow gateway never blocks."""

    channel = models.CharField(_("channel"), max_length=30)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("content"))
    reference = models.CharField(_("reference"), max_length=60, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    provider_id = models.CharField(_("provider message id"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("status", "created_at"))]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}"


class SimulatedMessage(models.Model):
    """What the SMS/Zalo simulators "delivered": read by administrators in the demo."""

    channel = models.CharField(_("channel"), max_length=30)
    recipient = models.CharField(_("recipient"), max_length=254, db_index=True)
    body = models.TextField(_("content"))
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ("-sent_at", "-id")
        verbose_name = _("simulated message")
        verbose_name_plural = _("simulated messages (SMS, Zalo)")

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}"


class SimulatedCitizen(models.Model):
    """A person of the population-database simulator (CSDLQG về dân cư, mô phỏng): the demo's and the tests'
    stand-in for the national register, also the people who can log in at the digital-ID simulator."""

    id_number = models.CharField(_("ID number"), max_length=12, unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10)
    ethnicity = models.CharField(_("ethnicity"), max_length=50, blank=True)
    permanent_address = models.CharField(_("permanent address"), max_length=255)
    commune_code = models.CharField(_("commune code"), max_length=10)

    class Meta:
        ordering = ("full_name", "id")
        verbose_name = _("simulated citizen")
        verbose_name_plural = _("simulated citizens (population database)")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.id_number})"


class SimulatedAuthorization(models.Model):
    """An authorization code issued by the digital-ID simulator: single use, short-lived, bound to the
    client, the redirect address and the PKCE challenge of the request that obtained it."""

    code_hash = models.CharField(max_length=64, unique=True)
    client_id = models.CharField(max_length=100)
    redirect_uri = models.CharField(max_length=1000)
    code_challenge = models.CharField(max_length=128)
    nonce = models.CharField(max_length=255)
    scope = models.CharField(max_length=255)
    citizen = models.ForeignKey(SimulatedCitizen, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("simulated digital-ID authorization")
        verbose_name_plural = _("simulated digital-ID authorizations")

    def __str__(self) -> str:
        return f"{self.client_id} {self.created_at:%Y-%m-%d %H:%M}"
