"""VNPay payment gateway, protocol version 2.1.0.

Payment: the browser is sent (GET) to the gateway's page with ``vnp_*`` parameters; the checksum
``vnp_SecureHash`` is HMAC-SHA512, keyed with the merchant's hash secret, over the parameters sorted by
name and URL-encoded as ``name=value`` pairs joined by ``&`` (empty values and the hash fields themselves
left out). Amounts travel ×100 (no decimals), dates as ``yyyyMMddHHmmss`` in GMT+7.

After payment the gateway calls the merchant's IPN address (GET, same signature scheme) and expects a JSON
answer ``{"RspCode": "..", "Message": ".."}``: 00 confirmed, 01 order not found, 02 already confirmed,
04 invalid amount, 97 invalid signature, 99 other error. The browser is sent back to ``vnp_ReturnUrl``
with the same parameters; the return is shown to the payer but the IPN is authoritative.

Status query (``querydr``): POST JSON to the merchant API; its checksum is HMAC-SHA512 over the listed
fields joined by ``|`` in a fixed order, and the answer carries one the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.integrations.transport import transport

from .base import (
    GatewayError,
    GatewayReply,
    PaymentGateway,
    Settlement,
    StatusReport,
    TransactionState,
    gateways,
)

if TYPE_CHECKING:
    from motcua.payments.models import Payment

VERSION = "2.1.0"
GMT7 = ZoneInfo("Asia/Ho_Chi_Minh")
HASH_FIELDS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})
ORDER_TYPE = "other"  # VNPay's category for goods and services that fit no other
SUCCESS = "00"
CANCELLED_BY_PAYER = "24"

ANSWERS: dict[Settlement, tuple[str, str]] = {
    Settlement.CONFIRMED: ("00", "Confirm Success"),
    Settlement.NOT_FOUND: ("01", "Order not found"),
    Settlement.ALREADY_CONFIRMED: ("02", "Order already confirmed"),
    Settlement.BAD_AMOUNT: ("04", "invalid amount"),
    Settlement.BAD_SIGNATURE: ("97", "Invalid signature"),
    Settlement.ERROR: ("99", "Unknow error"),
}

QUERY_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERY_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)


def vnp_time(moment: datetime) -> str:
    return moment.astimezone(GMT7).strftime("%Y%m%d%H%M%S")


def vnp_time_parse(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=GMT7)
    except (TypeError, ValueError):
        return None


def hash_data(params: Mapping[str, str]) -> str:
    """The signed text of a payment request, return or IPN: sorted, URL-encoded ``vnp_*`` pairs."""
    pairs = sorted(
        (key, str(value))
        for key, value in params.items()
        if key.startswith("vnp_") and key not in HASH_FIELDS and str(value) != ""
    )
    return "&".join(f"{quote_plus(key)}={quote_plus(value)}" for key, value in pairs)


def hmac_sha512(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac_sha512(secret, hash_data(params))


def signed_query(params: Mapping[str, str], secret: str) -> str:
    """The query string of a signed message: the hashed pairs, then ``vnp_SecureHash``."""
    data = hash_data(params)
    return f"{data}&vnp_SecureHash={hmac_sha512(secret, data)}"


def signature_valid(params: Mapping[str, str], secret: str) -> bool:
    received = str(params.get("vnp_SecureHash", ""))
    if not received or not secret:
        return False
    return hmac.compare_digest(received.lower(), sign(params, secret))


def pipe_hash(values: Mapping[str, Any], fields: tuple[str, ...], secret: str) -> str:
    return hmac_sha512(secret, "|".join(str(values.get(name, "")) for name in fields))


def _amount(raw: object) -> int | None:
    """vnp_Amount (×100) in VND; None when missing, malformed or not a whole number of dong."""
    text = str(raw or "")
    if not text.isdigit() or len(text) > 15:
        return None
    value = int(text)
    return value // 100 if value % 100 == 0 else None


@dataclass(frozen=True)
class VnpayConfig:
    tmn_code: str
    hash_secret: str
    pay_url: str
    api_url: str


@gateways.register("vnpay")
class VnpayGateway(PaymentGateway):
    label = _("VNPay")

    def config(self) -> VnpayConfig:
        return VnpayConfig(
            tmn_code=settings.MOTCUA_VNPAY_TMN_CODE,
            hash_secret=settings.MOTCUA_VNPAY_HASH_SECRET,
            pay_url=settings.MOTCUA_VNPAY_URL,
            api_url=settings.MOTCUA_VNPAY_API_URL,
        )

    def redirect_url(self, payment: Payment, *, return_url: str, client_ip: str, now: datetime) -> str:
        config = self.config()
        if not config.tmn_code or not config.hash_secret:
            raise GatewayError("the VNPay merchant code and hash secret are not configured")
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": config.tmn_code,
            "vnp_Amount": str(payment.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.order_ref,
            # VNPay asks for the order description without diacritics.
            "vnp_OrderInfo": f"Thanh toan phi le phi {payment.order_ref}",
            "vnp_OrderType": ORDER_TYPE,
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": vnp_time(payment.created_at),
        }
        if payment.expires_at is not None:
            params["vnp_ExpireDate"] = vnp_time(payment.expires_at)
        return f"{config.pay_url}?{signed_query(params, config.hash_secret)}"

    def order_ref_of(self, params: Mapping[str, str]) -> str:
        return str(params.get("vnp_TxnRef", ""))[:100]

    def verify(self, params: Mapping[str, str]) -> GatewayReply:
        config = self.config()
        ok = signature_valid(params, config.hash_secret) and params.get("vnp_TmnCode") == config.tmn_code
        response = str(params.get("vnp_ResponseCode", ""))
        status = str(params.get("vnp_TransactionStatus", response))
        return GatewayReply(
            order_ref=self.order_ref_of(params),
            signature_ok=ok,
            paid=response == SUCCESS and status == SUCCESS,
            cancelled=response == CANCELLED_BY_PAYER,
            amount=_amount(params.get("vnp_Amount")),
            transaction_no=str(params.get("vnp_TransactionNo", ""))[:40],
            bank_code=str(params.get("vnp_BankCode", ""))[:20],
            paid_at=vnp_time_parse(str(params.get("vnp_PayDate", ""))),
            code=response[:10],
        )

    def notification_answer(self, settlement: Settlement) -> dict[str, str]:
        code, message = ANSWERS[settlement]
        return {"RspCode": code, "Message": message}

    def query(self, payment: Payment, *, now: datetime, client_ip: str = "127.0.0.1") -> StatusReport:
        config = self.config()
        if not config.tmn_code or not config.hash_secret:
            raise GatewayError("the VNPay merchant code and hash secret are not configured")
        payload: dict[str, str] = {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": config.tmn_code,
            "vnp_TxnRef": payment.order_ref,
            "vnp_OrderInfo": f"Doi soat {payment.order_ref}",
            "vnp_TransactionDate": vnp_time(payment.created_at),
            "vnp_CreateDate": vnp_time(now),
            "vnp_IpAddr": client_ip,
        }
        payload["vnp_SecureHash"] = pipe_hash(payload, QUERY_REQUEST_FIELDS, config.hash_secret)
        try:
            status, body = transport().post_json(config.api_url, payload)
            answer = json.loads(body)
        except (OSError, ValueError) as exc:
            raise GatewayError(f"querydr failed: {exc}") from exc
        if status != 200 or not isinstance(answer, dict):
            raise GatewayError(f"querydr answered HTTP {status}")
        expected = pipe_hash(answer, QUERY_RESPONSE_FIELDS, config.hash_secret)
        if not hmac.compare_digest(str(answer.get("vnp_SecureHash", "")).lower(), expected):
            raise GatewayError("querydr answer has an invalid signature")
        if answer.get("vnp_TxnRef") not in (None, "", payment.order_ref):
            raise GatewayError("querydr answered about another order")
        code = str(answer.get("vnp_ResponseCode", ""))
        if code == "91":  # no such transaction at the gateway: the payer never reached it
            return StatusReport(state=TransactionState.PENDING, found=False, code=code, raw=answer)
        if code != SUCCESS:
            raise GatewayError(f"querydr refused: {code} {answer.get('vnp_Message', '')}")
        transaction_status = str(answer.get("vnp_TransactionStatus", ""))
        state = {
            SUCCESS: TransactionState.PAID,
            "01": TransactionState.PENDING,
        }.get(transaction_status, TransactionState.FAILED)
        return StatusReport(
            state=state,
            found=True,
            amount=_amount(answer.get("vnp_Amount")),
            transaction_no=str(answer.get("vnp_TransactionNo", ""))[:40],
            bank_code=str(answer.get("vnp_BankCode", ""))[:20],
            paid_at=vnp_time_parse(str(answer.get("vnp_PayDate", ""))),
            code=transaction_status,
            raw=answer,
        )
