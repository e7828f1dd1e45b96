"""The contract of a payment gateway plugin.

A gateway builds the address the payer's browser is sent to, verifies what comes back (the browser's
return and the server-to-server notification, IPN), answers the notification in the form the gateway
expects, and answers status queries for reconciliation. It never writes to the database: the services
(``motcua.payments.services``) decide what a verified message does to a payment, so that every provider
gets the same rules (signature and amount checked, idempotent settlement, everything logged).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from motcua.integrations.registry import Registry

if TYPE_CHECKING:
    from motcua.payments.models import Payment


class GatewayError(Exception):
    """The gateway could not be reached or answered something unusable; try again later."""


@dataclass(frozen=True)
class GatewayReply:
    """A return or notification, parsed and checked against the gateway's signature."""

    order_ref: str
    signature_ok: bool
    paid: bool  # the gateway reports the money as taken
    cancelled: bool  # the payer gave up on the gateway's page
    amount: int | None  # VND, None when absent or unreadable
    transaction_no: str = ""
    bank_code: str = ""
    paid_at: datetime | None = None
    code: str = ""  # the gateway's own response code, kept in the log


class Settlement(StrEnum):
    """What the services made of a verified message (the gateway turns it into its own answer)."""

    CONFIRMED = "confirmed"  # the payment changed state (paid, failed or cancelled)
    NOT_FOUND = "not_found"
    ALREADY_CONFIRMED = "already_confirmed"
    BAD_AMOUNT = "bad_amount"
    BAD_SIGNATURE = "bad_signature"
    ERROR = "error"


class TransactionState(StrEnum):
    PAID = "paid"
    PENDING = "pending"  # the payer has not finished, or the gateway has no such transaction yet
    FAILED = "failed"


@dataclass(frozen=True)
class StatusReport:
    """The gateway's answer to a status query (reconciliation)."""

    state: TransactionState
    found: bool
    amount: int | None = None
    transaction_no: str = ""
    bank_code: str = ""
    paid_at: datetime | None = None
    code: str = ""
    raw: Mapping[str, Any] | None = None


class PaymentGateway(ABC):
    label: Any = ""

    @abstractmethod
    def redirect_url(self, payment: Payment, *, return_url: str, client_ip: str, now: datetime) -> str:
        """The signed address of the gateway's payment page for ``payment``."""

    @abstractmethod
    def verify(self, params: Mapping[str, str]) -> GatewayReply:
        """Parse a browser return or a notification and check its signature (never raises on bad input:
        an unreadable message is a reply with ``signature_ok`` False)."""

    @abstractmethod
    def notification_answer(self, settlement: Settlement) -> dict[str, str]:
        """The body the gateway expects in answer to a notification."""

    @abstractmethod
    def query(self, payment: Payment, *, now: datetime, client_ip: str = "127.0.0.1") -> StatusReport:
        """Ask the gateway for the status of ``payment``; raise ``GatewayError`` when it cannot answer."""

    def order_ref_of(self, params: Mapping[str, str]) -> str:
        """The order reference a message is about, before its signature is checked."""
        return ""

    def notify(
        self, params: Mapping[str, str], settle: Callable[[GatewayReply], Settlement]
    ) -> tuple[GatewayReply, Settlement, dict[str, str]]:
        """Verify a server-to-server notification, let ``settle`` apply it when genuine, and build the
        answer the gateway expects."""
        reply = self.verify(params)
        settlement = settle(reply) if reply.signature_ok else Settlement.BAD_SIGNATURE
        return reply, settlement, self.notification_answer(settlement)


gateways: Registry[PaymentGateway] = Registry("payment gateway")
