"""Payments of fees and charges (phí, lệ phí), their audit log and their electronic receipts.

``Payment``
    One payment: online through a gateway plugin, or cash at the counter. ``order_ref`` is the reference
    sent to the gateway (vnp_TxnRef) and the only identifier that appears in URLs: random, so it cannot be
    guessed from another. ``items`` is a snapshot of the fee lines paid for. A payment does not know who
    asked for it beyond ``created_by``: a dossier (``dossier``) or any other caller links it.
``PaymentEvent``
    Append-only log of everything received about a payment (browser returns, server-to-server
    notifications, status queries, counter collection) with the raw parameters and the verdict, for
    reconciliation and audits. Rows are never updated or deleted.
``Receipt``
    The electronic receipt (biên lai điện tử, NĐ 123/2020 as amended, TT 32/2025) of a paid payment: template
    symbol, series, a number sequential per series and year that is never reused (``ReceiptCounter``),
    a snapshot of the payer, the lines and the amount in figures and in words.
``SimulatedTransaction``
    The records of the local gateway simulator (``sandbox``): what the simulated bank knows, so that status
    queries (querydr) can be answered. Not MotCua's own data.
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    CASH = "cash", _("Cash at the counter")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class Payment(models.Model):
    order_ref = models.CharField(_("order reference"), max_length=40, unique=True)
    payer_name = models.CharField(_("payer"), max_length=200)
    payer_id = models.CharField(_("ID number or tax code"), max_length=14, blank=True)
    payer_address = models.CharField(_("payer's address"), max_length=255, blank=True)
    items = models.JSONField(_("fee lines"), default=list)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    currency = models.CharField(_("currency"), max_length=3, default="VND", editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=PaymentChannel.choices)
    provider = models.CharField(_("provider"), max_length=30)
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    transaction_no = models.CharField(_("provider transaction number"), max_length=40, blank=True)
    bank_code = models.CharField(_("bank code"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    return_to = models.CharField(_("return to"), max_length=500, blank=True)
    agency = models.ForeignKey(
        "org.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collecting agency"),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("dossier"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            # The back-office list (scope by agency, filter by status, newest first, keyset on id) and the
            # reconciliation sweep (pending, oldest first).
            models.Index(fields=("agency", "status", "created_at", "id"), name="payment_agency_status"),
            models.Index(fields=("status", "created_at", "id"), name="payment_status_created"),
            models.Index(fields=("created_by", "created_at"), name="payment_creator"),
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return self.order_ref

    @property
    def is_paid(self) -> bool:
        return self.status == PaymentStatus.PAID


class HistoryIsAppendOnly(Exception):
    pass


class EventKind(models.TextChoices):
    STARTED = "started", _("Started")
    RETURN = "return", _("Browser return")
    NOTIFY = "notify", _("Server notification")
    QUERY = "query", _("Status query")
    CASH = "cash", _("Collected at the counter")
    EXPIRED = "expired", _("Expired")


class PaymentEvent(models.Model):
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    order_ref = models.CharField(_("order reference"), max_length=100, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    params = models.JSONField(_("parameters received"), default=dict, blank=True)
    verdict = models.CharField(_("verdict"), max_length=30)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ("at", "id")
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")

    def __str__(self) -> str:
        return f"{self.order_ref} {self.kind} {self.verdict}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise HistoryIsAppendOnly("payment events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise HistoryIsAppendOnly("payment events are never deleted")


class ReceiptCounter(models.Model):
    """The last number issued in a receipt series in a year; see ``receipts.receipt_number_issue``."""

    series = models.CharField(_("series"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=("series", "year"), name="receipt_counter_series_year")]
        verbose_name = _("receipt counter")
        verbose_name_plural = _("receipt counters")

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last}"


class Receipt(models.Model):
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    template_symbol = models.CharField(_("template symbol"), max_length=20)
    series = models.CharField(_("series"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    issued_at = models.DateTimeField(_("issued at"))
    payer_name = models.CharField(_("payer"), max_length=200)
    payer_id = models.CharField(_("ID number or tax code"), max_length=14, blank=True)
    payer_address = models.CharField(_("payer's address"), max_length=255, blank=True)
    items = models.JSONField(_("fee lines"), default=list)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    amount_in_words = models.CharField(_("amount in words"), max_length=300)
    agency = models.ForeignKey(
        "org.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collecting agency"),
    )
    agency_name = models.CharField(_("collecting agency"), max_length=255)
    collector = models.CharField(_("collected by"), max_length=200, blank=True)
    method = models.CharField(_("payment method"), max_length=100)
    verify_token = models.UUIDField(_("verification token"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("series", "year", "number"), name="receipt_series_year_number")
        ]
        ordering = ("-issued_at", "-id")
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.number:08d}"


class SimulatedStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class SimulatedTransaction(models.Model):
    tmn_code = models.CharField(max_length=20)
    txn_ref = models.CharField(max_length=100)
    amount = models.PositiveBigIntegerField()  # ×100, as the protocol carries it
    order_info = models.CharField(max_length=255)
    return_url = models.CharField(max_length=1000)
    create_date = models.CharField(max_length=14)
    expire_date = models.CharField(max_length=14, blank=True)
    status = models.CharField(max_length=10, choices=SimulatedStatus.choices, default=SimulatedStatus.PENDING)
    transaction_no = models.CharField(max_length=20, blank=True)
    bank_code = models.CharField(max_length=20, blank=True)
    pay_date = models.CharField(max_length=14, blank=True)
    response_code = models.CharField(max_length=2, blank=True)
    ipn_answer = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("tmn_code", "txn_ref"), name="simulated_txn_ref"),
        ]
        verbose_name = _("simulated gateway transaction")
        verbose_name_plural = _("simulated gateway transactions")

    def __str__(self) -> str:
        return f"{self.tmn_code}/{self.txn_ref}"
