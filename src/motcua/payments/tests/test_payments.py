"""Online payment end to end through the gateway simulator, and every way a message can be wrong."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import User
from motcua.payments.fees import FeeLine
from motcua.payments.gateways.sandbox import sandbox_secret
from motcua.payments.gateways.vnpay import hash_data, hmac_sha512, signed_query
from motcua.payments.models import Payment, PaymentEvent, PaymentStatus, Receipt, SimulatedTransaction
from motcua.payments.services import payment_notify, payment_return, payment_start, payments_reconcile
from motcua.payments.simulator import simulated_query

from .conftest import ClientTransport, local

LINES = [FeeLine(kind="charge", name="Lệ phí cấp phép", amount=150_000)]
PAYER = {"name": "Nguyễn Văn An", "id_number": "024099012345", "address": "12 Nguyễn Văn Cừ"}


def start(user: User | None = None, **extra: Any) -> tuple[Payment, str]:
    return payment_start(
        items=extra.pop("items", LINES),
        payer=extra.pop("payer", PAYER),
        return_to=extra.pop("return_to", "/tra-cuu-ho-so/"),
        created_by=user,
        client_ip="127.0.0.1",
        **extra,
    )


def pay_on_simulator(
    client: Client, url: str, django_capture_on_commit_callbacks: Any, *, choice: str = "thanh-toan"
) -> str:
    """Open the simulated bank page, press a button; the IPN runs after commit. Returns the return URL."""
    page = client.get(local(url))
    assert page.status_code == 200
    txn = SimulatedTransaction.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        decided = client.post(f"/gia-lap/thanh-toan/{txn.pk}/", {"hanh_dong": choice, "ngan_hang": "NCB"})
    assert decided.status_code == 302
    return str(decided["Location"])


def signed(params: dict[str, str]) -> dict[str, str]:
    return dict(parse_qsl(signed_query(params, sandbox_secret())))


def ipn_params(payment: Payment, **changes: str) -> dict[str, str]:
    params = {
        "vnp_TmnCode": "MOTCUASB",
        "vnp_Amount": str(payment.amount * 100),
        "vnp_BankCode": "NCB",
        "vnp_OrderInfo": "x",
        "vnp_PayDate": "20260302090000",
        "vnp_ResponseCode": "00",
        "vnp_TransactionNo": "14999999",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": payment.order_ref,
    }
    params.update(changes)
    return signed(params)


def test_redirect_is_signed_vnpay_2_1_0(db: Any) -> None:
    payment, url = start()
    parts = urlsplit(url)
    assert parts.path == "/gia-lap/thanh-toan/"
    params = dict(parse_qsl(parts.query))
    assert params["vnp_Version"] == "2.1.0" and params["vnp_Command"] == "pay"
    assert params["vnp_Amount"] == "15000000" and params["vnp_CurrCode"] == "VND"
    assert params["vnp_TxnRef"] == payment.order_ref and params["vnp_Locale"] == "vn"
    assert len(params["vnp_CreateDate"]) == 14 and params["vnp_ExpireDate"] > params["vnp_CreateDate"]
    # HMAC-SHA512 over the sorted, URL-encoded pairs without the hash itself.
    assert params["vnp_SecureHash"] == hmac_sha512(sandbox_secret(), hash_data(params))
    assert parts.query.split("&vnp_SecureHash=")[0] == hash_data(params)
    assert payment.status == PaymentStatus.PENDING and payment.amount == 150_000


def test_happy_path_start_page_pay_ipn_return(
    db: Any, citizen: User, http: ClientTransport, django_capture_on_commit_callbacks: Any
) -> None:
    payment, url = start(citizen)
    client = Client(headers={"accept-language": "en"})
    client.force_login(citizen)
    page = client.get(local(url))
    text = page.content.decode()
    assert "150.000 VND" in text and payment.order_ref in text and "Thanh toán" in text and "NCB" in text
    back = pay_on_simulator(client, url, django_capture_on_commit_callbacks)
    # The simulator's IPN reached MotCua and was confirmed before the browser came back.
    assert ("GET", http.calls[0][1]) == http.calls[0] and "/thanh-toan/ipn/?" in http.calls[0][1]
    txn = SimulatedTransaction.objects.get()
    assert txn.ipn_answer == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.bank_code == "NCB"
    assert payment.transaction_no == txn.transaction_no
    receipt = Receipt.objects.get(payment=payment)
    assert receipt.amount == 150_000 and receipt.amount_in_words == "Một trăm năm mươi nghìn đồng"
    # The browser's return: verified, shows the outcome, links back to return_to and to the receipt.
    result = client.get(local(back))
    assert result.status_code == 200
    body = result.content.decode()
    assert "The payment succeeded" in body and 'href="/tra-cuu-ho-so/"' in body
    assert f"/thanh-toan/bien-lai/{payment.order_ref}.pdf" in body
    kinds = list(PaymentEvent.objects.filter(payment=payment).values_list("kind", "verdict"))
    assert kinds == [("started", "pending"), ("notify", "confirmed"), ("return", "already_confirmed")]


def test_cancelled_on_the_gateway(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    payment, url = start()
    client = Client(headers={"accept-language": "en"})
    back = pay_on_simulator(client, url, django_capture_on_commit_callbacks, choice="huy")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    assert not Receipt.objects.exists()
    assert "The payment was cancelled" in client.get(local(back)).content.decode()


def test_forged_signature_is_refused_and_changes_nothing(db: Any) -> None:
    payment, _url = start()
    params = ipn_params(payment)
    params["vnp_SecureHash"] = "0" * 128
    assert payment_notify(params) == {"RspCode": "97", "Message": "Invalid signature"}
    # A parameter changed after signing.
    tampered = ipn_params(payment)
    tampered["vnp_ResponseCode"] = "00"
    tampered["vnp_TransactionNo"] = "1"
    assert payment_notify(tampered)["RspCode"] == "97"
    # Signed with another secret.
    other = dict(parse_qsl(signed_query({k: v for k, v in ipn_params(payment).items()}, "not-the-secret")))
    assert payment_notify(other)["RspCode"] == "97"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert PaymentEvent.objects.filter(verdict="bad_signature").count() == 3
    response = Client(headers={"accept-language": "en"}).get("/thanh-toan/ket-qua/?" + urlencode(params))
    assert response.status_code == 400 and "could not be verified" in response.content.decode()
    with pytest.raises(ValidationError):
        payment_return(params)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_replayed_ipn_changes_nothing_and_answers_02(db: Any) -> None:
    payment, _url = start()
    params = ipn_params(payment)
    assert payment_notify(params) == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    first_paid = payment.paid_at
    assert payment_notify(params) == {"RspCode": "02", "Message": "Order already confirmed"}
    # Even a later "failed" notification cannot undo a paid payment.
    assert (
        payment_notify(ipn_params(payment, vnp_ResponseCode="99", vnp_TransactionStatus="02"))["RspCode"]
        == "02"
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.paid_at == first_paid
    assert Receipt.objects.filter(payment=payment).count() == 1


def test_amount_mismatch_is_refused_and_logged(db: Any) -> None:
    payment, _url = start()
    assert payment_notify(ipn_params(payment, vnp_Amount="100"))["RspCode"] == "04"
    assert payment_notify(ipn_params(payment, vnp_Amount="15000050"))["RspCode"] == "04"
    with pytest.raises(ValidationError) as info:
        payment_return(ipn_params(payment, vnp_Amount="1500000"))
    assert "does not match" in info.value.messages[0]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    events = PaymentEvent.objects.filter(payment=payment, verdict="bad_amount")
    assert events.count() == 3 and "expected 150000" in events.first().detail  # type: ignore[union-attr]


def test_unknown_order(db: Any) -> None:
    payment, _url = start()
    params = ipn_params(payment, vnp_TxnRef="NO-SUCH-ORDER")
    assert payment_notify(params) == {"RspCode": "01", "Message": "Order not found"}
    assert PaymentEvent.objects.filter(order_ref="NO-SUCH-ORDER", verdict="not_found").exists()


def test_ipn_endpoint_is_csrf_exempt_get_json(db: Any) -> None:
    payment, _url = start()
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    response = client.get("/thanh-toan/ipn/?" + urlencode(ipn_params(payment)))
    assert response.status_code == 200 and response.json() == {"RspCode": "00", "Message": "Confirm Success"}
    assert client.post("/thanh-toan/ipn/").status_code == 405


@pytest.mark.parametrize(
    "bad", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil.example", "relative"]
)
def test_return_to_must_be_a_local_path(db: Any, bad: str) -> None:
    with pytest.raises(ValidationError) as info:
        start(return_to=bad)
    assert info.value.code == "bad_return_to"
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("items", "payer", "code"),
    [
        ([], PAYER, "nothing_to_pay"),
        ([FeeLine("charge", "Miễn lệ phí", 0)], PAYER, "nothing_to_pay"),
        ([{"kind": "fee", "name": "x", "amount": "100"}], PAYER, "bad_amount"),
        ([{"kind": "fee", "name": "x", "amount": -5}], PAYER, "bad_amount"),
        (LINES, {"name": " "}, "payer_name"),
    ],
)
def test_bad_start_is_refused(db: Any, items: Any, payer: Any, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        start(items=items, payer=payer)
    assert info.value.code == code
    assert not Payment.objects.exists()


def test_reconcile_settles_paid_and_expires_abandoned(
    db: Any, django_capture_on_commit_callbacks: Any, http: ClientTransport
) -> None:
    # Paid on the gateway but the IPN was lost: querydr finds it.
    paid, url = start()
    client = Client(headers={"accept-language": "en"})
    client.get(local(url))
    txn = SimulatedTransaction.objects.get()
    with django_capture_on_commit_callbacks(execute=False):  # the IPN never leaves
        client.post(f"/gia-lap/thanh-toan/{txn.pk}/", {"hanh_dong": "thanh-toan", "ngan_hang": "NCB"})
    # Never reached the gateway, and past its deadline.
    abandoned, _url = start()
    # Still within its time: stays pending.
    recent, _url = start()
    later = timezone.now() + timedelta(minutes=20)
    Payment.objects.filter(pk=recent.pk).update(
        created_at=later - timedelta(minutes=16), expires_at=later + timedelta(minutes=5)
    )
    report = payments_reconcile(now=later)
    assert (report.checked, report.paid, report.expired, report.still_pending) == (3, 1, 1, 1)
    assert report.errors == []
    for payment, status in ((paid, "paid"), (abandoned, "expired"), (recent, "pending")):
        payment.refresh_from_db()
        assert payment.status == status
    assert Receipt.objects.filter(payment=paid).exists()
    assert all("/gia-lap/thanh-toan/api/" in url for method, url in http.calls if method == "POST")
    # The management command runs the same sweep.
    call_command("payments_reconcile", "--older-than", "0")


def test_querydr_answer_signature_is_checked(db: Any) -> None:
    answer = simulated_query({"vnp_TmnCode": "MOTCUASB", "vnp_TxnRef": "X", "vnp_SecureHash": "bad"})
    assert answer["vnp_ResponseCode"] == "97"
