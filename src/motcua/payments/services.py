"""Starting, settling, collecting and reconciling payments.

The IPN (server-to-server notification) is authoritative; the browser return is shown to the payer and
settles a payment too, but only after the same checks (signature and amount). Both are idempotent:
settlement locks the payment row, and a payment that is no longer pending is never changed again by a
message (a replay answers "already confirmed"). Every message received is logged in ``PaymentEvent``,
whatever its verdict.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier
from motcua.dossiers.validators import citizen_id_check, tax_code_check
from motcua.org.models import Agency
from motcua.org.scoping import AnyUser, Capability, can

from .fees import FeeLine, fee_lines, lines_clean
from .gateways.base import (
    GatewayError,
    GatewayReply,
    PaymentGateway,
    Settlement,
    TransactionState,
    gateways,
)
from .models import EventKind, Payment, PaymentChannel, PaymentEvent, PaymentStatus
from .receipts import receipt_issue

CASH_PROVIDER = "cash"
# Parameters kept in the log: a message is small; anything larger is cut, not stored whole.
MAX_LOGGED_VALUE = 500


@dataclass(frozen=True)
class Payer:
    name: str
    id_number: str = ""  # a 12-digit citizen ID number or a tax code
    address: str = ""


def payer_clean(payer: Payer | Mapping[str, Any]) -> Payer:
    if not isinstance(payer, Payer):
        payer = Payer(
            name=str(payer.get("name", "")),
            id_number=str(payer.get("id_number", "")),
            address=str(payer.get("address", "")),
        )
    name, number, address = payer.name.strip(), payer.id_number.strip(), payer.address.strip()
    if not name:
        raise ValidationError(_("The payer's name is required."), code="payer_name")
    if len(name) > 200 or len(address) > 255:
        raise ValidationError(_("The payer's name or address is too long."), code="payer_too_long")
    if number:
        if len(number) == 12 and number.isdigit():
            citizen_id_check(number)
        else:
            tax_code_check(number)
    return Payer(name=name, id_number=number, address=address)


def return_to_clean(return_to: str) -> str:
    """A local path on this site (``/tra-cuu-ho-so/...``); anything else (another host, a scheme,
    ``//host``, a backslash trick) is refused so the payer can never be sent elsewhere."""
    value = (return_to or "").strip()
    if not value:
        return "/"
    if (
        not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or len(value) > 500
        or not url_has_allowed_host_and_scheme(value, allowed_hosts=None)
    ):
        raise ValidationError(_("The return address must be a page of this site."), code="bad_return_to")
    return value


def _order_ref(now: datetime) -> str:
    # Date for the people reading gateway statements, random for everything else (cannot be guessed).
    return f"{timezone.localtime(now):%y%m%d}{secrets.token_hex(6).upper()}"


def _logged(params: Mapping[str, Any]) -> dict[str, str]:
    return {str(key)[:60]: str(value)[:MAX_LOGGED_VALUE] for key, value in list(params.items())[:60]}


def _event(
    payment: Payment | None,
    kind: str,
    verdict: str,
    *,
    order_ref: str = "",
    params: Mapping[str, Any] | None = None,
    detail: str = "",
    at: datetime | None = None,
) -> PaymentEvent:
    return PaymentEvent.objects.create(
        payment=payment,
        order_ref=payment.order_ref if payment is not None else order_ref[:100],
        kind=kind,
        params=_logged(params or {}),
        verdict=verdict,
        detail=detail[:255],
        at=at or timezone.now(),
    )


def gateway_for(provider: str | None = None) -> PaymentGateway:
    return gateways[provider or settings.MOTCUA_PAYMENT_PROVIDER]


def payment_start(
    *,
    items: Sequence[FeeLine | Mapping[str, Any]],
    payer: Payer | Mapping[str, Any],
    return_to: str,
    created_by: AnyUser | None,
    client_ip: str,
    agency: Agency | None = None,
    dossier: Dossier | None = None,
    now: datetime | None = None,
) -> tuple[Payment, str]:
    """Create a pending online payment and the address of the gateway's page to send the payer to.

    ``return_to`` is where the payer lands after the result page (a path of this site). ``agency`` is the
    collecting agency printed on the receipt; ``dossier`` may be given now or attached later.
    """
    lines = lines_clean(items)
    clean_payer = payer_clean(payer)
    target = return_to_clean(return_to)
    now = now or timezone.now()
    provider = settings.MOTCUA_PAYMENT_PROVIDER
    gateway = gateway_for(provider)
    with transaction.atomic():
        payment = Payment.objects.create(
            order_ref=_order_ref(now),
            payer_name=clean_payer.name,
            payer_id=clean_payer.id_number,
            payer_address=clean_payer.address,
            items=[line.as_dict() for line in lines],
            amount=sum(line.amount for line in lines),
            channel=PaymentChannel.ONLINE,
            provider=provider,
            created_at=now,
            expires_at=now + timedelta(minutes=settings.MOTCUA_PAYMENT_TIMEOUT_MINUTES),
            return_to=target,
            agency=agency,
            dossier=dossier,
            created_by=created_by if isinstance(created_by, User) else None,
        )
        return_url = settings.MOTCUA_PUBLIC_URL + reverse("payments:return")
        try:
            url = gateway.redirect_url(payment, return_url=return_url, client_ip=client_ip, now=now)
        except GatewayError as exc:
            raise ValidationError(
                _("Online payment is not available right now; please try again later."), code="gateway"
            ) from exc
        _event(payment, EventKind.STARTED, "pending", params={"client_ip": client_ip}, at=now)
    return payment, url


def payment_attach(payment: Payment, dossier: Dossier) -> Payment:
    """Link a payment made before the dossier existed (online submission) to the dossier."""
    with transaction.atomic():
        row = Payment.objects.select_for_update().get(pk=payment.pk)
        if row.dossier_id not in (None, dossier.pk):
            raise ValidationError(_("This payment belongs to another dossier."), code="other_dossier")
        row.dossier = dossier
        if row.agency_id is None:
            row.agency_id = dossier.receiving_unit_id
        row.save(update_fields=["dossier", "agency", "updated_at"])
    return row


def _mark_paid(payment: Payment, *, transaction_no: str, bank_code: str, paid_at: datetime | None) -> None:
    payment.status = PaymentStatus.PAID
    payment.transaction_no = transaction_no
    payment.bank_code = bank_code
    payment.paid_at = paid_at or timezone.now()
    payment.save(update_fields=["status", "transaction_no", "bank_code", "paid_at", "updated_at"])
    # The receipt is dated when the money was paid (the gateway's pay date), not when the news arrived.
    receipt_issue(payment, now=payment.paid_at)


def _settle(
    reply: GatewayReply, *, kind: str, params: Mapping[str, Any]
) -> tuple[Settlement, Payment | None]:
    """Apply a genuine gateway message to its payment, under the payment's row lock."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(order_ref=reply.order_ref).first()
        if payment is None or payment.channel != PaymentChannel.ONLINE:
            _event(None, kind, Settlement.NOT_FOUND, order_ref=reply.order_ref, params=params)
            return Settlement.NOT_FOUND, None
        if reply.amount != payment.amount:
            _event(
                payment,
                kind,
                Settlement.BAD_AMOUNT,
                params=params,
                detail=f"expected {payment.amount}, received {reply.amount}",
            )
            return Settlement.BAD_AMOUNT, payment
        if payment.status != PaymentStatus.PENDING:
            _event(payment, kind, Settlement.ALREADY_CONFIRMED, params=params, detail=payment.status)
            return Settlement.ALREADY_CONFIRMED, payment
        if reply.paid:
            _mark_paid(
                payment, transaction_no=reply.transaction_no, bank_code=reply.bank_code, paid_at=reply.paid_at
            )
        else:
            payment.status = PaymentStatus.CANCELLED if reply.cancelled else PaymentStatus.FAILED
            payment.transaction_no = reply.transaction_no
            payment.bank_code = reply.bank_code
            payment.save(update_fields=["status", "transaction_no", "bank_code", "updated_at"])
        _event(payment, kind, Settlement.CONFIRMED, params=params, detail=f"{payment.status} {reply.code}")
        return Settlement.CONFIRMED, payment


def _gateway_of_message(params: Mapping[str, str]) -> PaymentGateway:
    """The provider of the payment a message names, else the configured one (which then judges it)."""
    probe = gateway_for()
    order_ref = probe.order_ref_of(params)
    provider = (
        Payment.objects.filter(order_ref=order_ref).values_list("provider", flat=True).first()
        if order_ref
        else None
    )
    return gateway_for(provider) if provider in gateways else probe


def payment_notify(params: Mapping[str, str]) -> dict[str, str]:
    """The server-to-server notification (IPN): verify, settle, log; the gateway's expected answer."""
    gateway = _gateway_of_message(params)
    outcome: list[Payment | None] = []

    def settle(reply: GatewayReply) -> Settlement:
        settlement, payment = _settle(reply, kind=EventKind.NOTIFY, params=params)
        outcome.append(payment)
        return settlement

    try:
        reply, settlement, answer = gateway.notify(params, settle)
    except Exception:
        _event(
            None, EventKind.NOTIFY, Settlement.ERROR, order_ref=gateway.order_ref_of(params), params=params
        )
        return gateway.notification_answer(Settlement.ERROR)
    if settlement == Settlement.BAD_SIGNATURE:
        _event(None, EventKind.NOTIFY, settlement, order_ref=reply.order_ref, params=params)
    return answer


class PaymentReturnRefused(ValidationError):
    pass


def payment_return(params: Mapping[str, str]) -> Payment:
    """The payer's browser back from the gateway. The payment is returned as it now stands; raises
    ``PaymentReturnRefused`` for a forged or unknown return (nothing changes)."""
    gateway = _gateway_of_message(params)
    reply = gateway.verify(params)
    if not reply.signature_ok:
        _event(None, EventKind.RETURN, Settlement.BAD_SIGNATURE, order_ref=reply.order_ref, params=params)
        raise PaymentReturnRefused(
            _("The answer of the payment gateway could not be verified: nothing was changed."),
            code="bad_signature",
        )
    settlement, payment = _settle(reply, kind=EventKind.RETURN, params=params)
    if payment is None:
        raise PaymentReturnRefused(_("No such payment."), code="not_found")
    if settlement == Settlement.BAD_AMOUNT:
        raise PaymentReturnRefused(
            _("The amount reported by the gateway does not match the payment: it is not recorded as paid."),
            code="bad_amount",
        )
    payment.refresh_from_db()
    return payment


def payment_cash_record(
    *,
    officer: AnyUser,
    dossier: Dossier,
    items: Sequence[FeeLine | Mapping[str, Any]] | None = None,
    version: ProcedureVersion | None = None,
    payer: Payer | Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Payment:
    """Fees collected in cash at the counter for ``dossier``: a paid payment and its receipt.

    Who: an officer who receives dossiers at the dossier's receiving unit. The lines are ``items``, else
    the fees of ``version``, else of the dossier's procedure version; the payer defaults to the applicant.
    A dossier whose fees are already paid is refused (a second click, a second officer)."""
    if not isinstance(officer, User) or not can(officer, Capability.DOSSIER_RECEIVE, dossier.receiving_unit):
        raise ValidationError(
            _("Only the receiving desk of this dossier collects its fees."), code="forbidden"
        )
    lines = lines_clean(items if items is not None else fee_lines(version or dossier.procedure_version))
    if payer is None:
        applicant = dossier.applicant
        payer = Payer(
            name=applicant.full_name,
            id_number=applicant.id_number or applicant.tax_code,
            address=applicant.address,
        )
    clean_payer = payer_clean(payer)
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the dossier so two officers cannot both collect.
        Dossier.objects.select_for_update().filter(pk=dossier.pk).exists()
        paid = (
            Payment.objects.filter(dossier=dossier, status=PaymentStatus.PAID)
            .select_related("receipt")
            .first()
        )
        if paid is not None:
            raise ValidationError(
                _("The fees of this dossier are already paid (payment %(ref)s).") % {"ref": paid.order_ref},
                code="already_paid",
            )
        payment = Payment.objects.create(
            order_ref=_order_ref(now),
            payer_name=clean_payer.name,
            payer_id=clean_payer.id_number,
            payer_address=clean_payer.address,
            items=[line.as_dict() for line in lines],
            amount=sum(line.amount for line in lines),
            channel=PaymentChannel.CASH,
            provider=CASH_PROVIDER,
            status=PaymentStatus.PAID,
            created_at=now,
            paid_at=now,
            agency=dossier.receiving_unit,
            dossier=dossier,
            created_by=officer,
        )
        receipt_issue(payment, now=now)
        _event(payment, EventKind.CASH, "paid", params={"dossier": dossier.code}, at=now)
    return payment


@dataclass
class ReconcileReport:
    checked: int = 0
    paid: int = 0
    failed: int = 0
    expired: int = 0
    still_pending: int = 0
    errors: list[str] = field(default_factory=list)


def _reconcile_one(payment_id: int, now: datetime, report: ReconcileReport) -> None:
    payment = Payment.objects.get(pk=payment_id)
    if payment.provider not in gateways:
        report.errors.append(f"{payment.order_ref}: unknown provider {payment.provider}")
        return
    try:
        status = gateways[payment.provider].query(payment, now=now)
    except GatewayError as exc:
        report.errors.append(f"{payment.order_ref}: {exc}")
        _event(payment, EventKind.QUERY, Settlement.ERROR, detail=str(exc), at=now)
        return
    raw = dict(status.raw or {})
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != PaymentStatus.PENDING:
            return
        if status.state == TransactionState.PAID:
            if status.amount != payment.amount:
                _event(
                    payment,
                    EventKind.QUERY,
                    Settlement.BAD_AMOUNT,
                    params=raw,
                    detail=f"expected {payment.amount}, gateway {status.amount}",
                    at=now,
                )
                report.errors.append(f"{payment.order_ref}: amount mismatch")
                return
            _mark_paid(
                payment,
                transaction_no=status.transaction_no,
                bank_code=status.bank_code,
                paid_at=status.paid_at,
            )
            report.paid += 1
            _event(payment, EventKind.QUERY, "paid", params=raw, at=now)
        elif status.state == TransactionState.FAILED:
            payment.status = PaymentStatus.FAILED
            payment.save(update_fields=["status", "updated_at"])
            report.failed += 1
            _event(payment, EventKind.QUERY, "failed", params=raw, detail=status.code, at=now)
        elif payment.expires_at is not None and payment.expires_at <= now:
            payment.status = PaymentStatus.EXPIRED
            payment.save(update_fields=["status", "updated_at"])
            report.expired += 1
            _event(payment, EventKind.EXPIRED, "expired", params=raw, at=now)
        else:
            report.still_pending += 1


def payments_reconcile(
    *, older_than: timedelta = timedelta(minutes=15), now: datetime | None = None, limit: int = 500
) -> ReconcileReport:
    """Ask the gateway about online payments still pending after ``older_than``: settle the paid ones,
    fail the failed ones, expire those past their deadline that the payer never completed. Safe to run
    at any time and in parallel with notifications (every change happens under the payment's lock).
    Suited to a periodic task: each run handles at most ``limit`` payments, oldest first."""
    now = now or timezone.now()
    report = ReconcileReport()
    ids = list(
        Payment.objects.filter(
            status=PaymentStatus.PENDING, channel=PaymentChannel.ONLINE, created_at__lte=now - older_than
        )
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    for payment_id in ids:
        report.checked += 1
        _reconcile_one(payment_id, now, report)
    return report
