"""The local simulator of the VNPay gateway (``sandbox`` provider): the bank's side of the protocol.

It accepts the signed ``vnp_*`` redirect, keeps a record of each transaction, lets the payer pay or cancel
on a bank-like page, then — like the real gateway — sends the signed IPN to MotCua's IPN address (a
background task after commit, through ``motcua.integrations.transport``) and sends the browser back to
``vnp_ReturnUrl`` with the signed result. It answers ``querydr`` from its records. It knows one merchant:
the ``sandbox`` provider's code and secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .gateways.sandbox import SANDBOX_TMN_CODE, sandbox_secret
from .gateways.vnpay import (
    CANCELLED_BY_PAYER,
    QUERY_REQUEST_FIELDS,
    QUERY_RESPONSE_FIELDS,
    SUCCESS,
    VERSION,
    pipe_hash,
    signature_valid,
    signed_query,
    vnp_time,
    vnp_time_parse,
)
from .models import SimulatedStatus, SimulatedTransaction

BANKS = (("NCB", "Ngân hàng Quốc Dân (NCB)"),)
# Transaction numbers of the simulated bank start here, like the 8-digit numbers of the real gateway.
TRANSACTION_BASE = 14_000_000


class SimulatorRefused(Exception):
    """The simulated gateway refuses the request (the message says why, in the gateway's words)."""


def _merchant_secret(tmn_code: str) -> str:
    if tmn_code != SANDBOX_TMN_CODE:
        raise SimulatorRefused(_("Unknown merchant code."))
    return sandbox_secret()


def simulated_start(params: Mapping[str, str], *, now: datetime | None = None) -> SimulatedTransaction:
    """Check a payment redirect (signature, version, command, amount) and record the transaction."""
    secret = _merchant_secret(str(params.get("vnp_TmnCode", "")))
    if not signature_valid(params, secret):
        raise SimulatorRefused(_("Invalid signature (vnp_SecureHash)."))
    if params.get("vnp_Version") != VERSION or params.get("vnp_Command") != "pay":
        raise SimulatorRefused(_("Unsupported version or command."))
    amount = str(params.get("vnp_Amount", ""))
    if not amount.isdigit() or int(amount) <= 0 or params.get("vnp_CurrCode") != "VND":
        raise SimulatorRefused(_("Invalid amount."))
    expire = str(params.get("vnp_ExpireDate", ""))
    expires_at = vnp_time_parse(expire)
    if expires_at is not None and expires_at < (now or timezone.now()):
        raise SimulatorRefused(_("The payment request has expired."))
    txn, created = SimulatedTransaction.objects.get_or_create(
        tmn_code=str(params["vnp_TmnCode"]),
        txn_ref=str(params.get("vnp_TxnRef", ""))[:100],
        defaults={
            "amount": int(amount),
            "order_info": str(params.get("vnp_OrderInfo", ""))[:255],
            "return_url": str(params.get("vnp_ReturnUrl", ""))[:1000],
            "create_date": str(params.get("vnp_CreateDate", ""))[:14],
            "expire_date": expire[:14],
        },
    )
    if not created and txn.amount != int(amount):
        raise SimulatorRefused(_("This order was already sent with another amount."))
    return txn


def _result_params(txn: SimulatedTransaction) -> dict[str, str]:
    status = SUCCESS if txn.status == SimulatedStatus.PAID else "02"
    params = {
        "vnp_TmnCode": txn.tmn_code,
        "vnp_Amount": str(txn.amount),
        "vnp_BankCode": txn.bank_code,
        "vnp_OrderInfo": txn.order_info,
        "vnp_PayDate": txn.pay_date,
        "vnp_ResponseCode": txn.response_code,
        "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": txn.txn_ref,
    }
    if txn.status == SimulatedStatus.PAID:
        params["vnp_CardType"] = "ATM"
        params["vnp_BankTranNo"] = f"VNP{txn.transaction_no}"
    return params


def simulated_decide(txn_id: int, *, pay: bool, bank_code: str, now: datetime | None = None) -> str:
    """The payer pays or cancels on the simulated page. Returns the signed address of the merchant's
    return page; the IPN leaves after commit."""
    with transaction.atomic():
        txn = SimulatedTransaction.objects.select_for_update().get(pk=txn_id)
        if txn.status == SimulatedStatus.PENDING:
            txn.transaction_no = str(TRANSACTION_BASE + txn.pk) if pay else "0"
            txn.bank_code = bank_code if pay else ""
            txn.pay_date = vnp_time(now or timezone.now())
            txn.response_code = SUCCESS if pay else CANCELLED_BY_PAYER
            txn.status = SimulatedStatus.PAID if pay else SimulatedStatus.CANCELLED
            txn.save()
            transaction.on_commit(lambda: _ipn_enqueue(txn.pk))
        query = signed_query(_result_params(txn), _merchant_secret(txn.tmn_code))
    separator = "&" if "?" in txn.return_url else "?"
    return f"{txn.return_url}{separator}{query}"


def _ipn_enqueue(txn_id: int) -> None:
    from .tasks import sandbox_ipn_send

    sandbox_ipn_send.enqueue(txn_id)


def ipn_url() -> str:
    return settings.MOTCUA_PUBLIC_URL + reverse("payments:ipn")


def simulated_ipn_params(txn_id: int) -> dict[str, str]:
    """The signed parameters of the IPN the simulator sends for a decided transaction."""
    from urllib.parse import parse_qsl

    txn = SimulatedTransaction.objects.get(pk=txn_id)
    return dict(parse_qsl(signed_query(_result_params(txn), _merchant_secret(txn.tmn_code))))


def simulated_ipn_send(txn_id: int) -> dict[str, Any]:
    """Call the merchant's IPN address with the signed result and keep its answer."""
    import json

    from motcua.integrations.transport import transport

    txn = SimulatedTransaction.objects.get(pk=txn_id)
    url = f"{ipn_url()}?{signed_query(_result_params(txn), _merchant_secret(txn.tmn_code))}"
    try:
        status, body = transport().get(url)
        answer: dict[str, Any] = json.loads(body) if status == 200 else {"http_status": status}
    except (OSError, ValueError) as exc:
        answer = {"error": str(exc)[:200]}
    SimulatedTransaction.objects.filter(pk=txn_id).update(ipn_answer=answer)
    return answer


def simulated_query(payload: Mapping[str, Any]) -> dict[str, str]:
    """Answer a ``querydr`` request from the simulated bank's records (signed like the real gateway)."""
    tmn_code = str(payload.get("vnp_TmnCode", ""))
    secret = _merchant_secret(tmn_code)
    answer = {
        "vnp_ResponseId": str(payload.get("vnp_RequestId", ""))[:32],
        "vnp_Command": "querydr",
        "vnp_TmnCode": tmn_code,
        "vnp_TxnRef": str(payload.get("vnp_TxnRef", ""))[:100],
    }
    expected = pipe_hash(payload, QUERY_REQUEST_FIELDS, secret)
    if str(payload.get("vnp_SecureHash", "")).lower() != expected:
        answer.update(vnp_ResponseCode="97", vnp_Message="Invalid Checksum")
    else:
        txn = SimulatedTransaction.objects.filter(tmn_code=tmn_code, txn_ref=answer["vnp_TxnRef"]).first()
        if txn is None:
            answer.update(vnp_ResponseCode="91", vnp_Message="Transaction not found")
        else:
            status = {SimulatedStatus.PAID: SUCCESS, SimulatedStatus.PENDING: "01"}.get(
                SimulatedStatus(txn.status), "02"
            )
            answer.update(
                vnp_ResponseCode=SUCCESS,
                vnp_Message="QueryDR Success",
                vnp_Amount=str(txn.amount),
                vnp_BankCode=txn.bank_code,
                vnp_PayDate=txn.pay_date,
                vnp_TransactionNo=txn.transaction_no,
                vnp_TransactionType="01",
                vnp_TransactionStatus=status,
                vnp_OrderInfo=txn.order_info,
                vnp_PromotionCode="",
                vnp_PromotionAmount="",
            )
    answer["vnp_SecureHash"] = pipe_hash(answer, QUERY_RESPONSE_FIELDS, secret)
    return answer
