"""Receipts: numbering, the PDF's text, who may download it, cash at the counter, the back-office list."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency, Role
from motcua.payments.fees import FeeLine, fee_lines, fee_total
from motcua.payments.models import Payment, PaymentStatus, Receipt, ReceiptCounter
from motcua.payments.receipts import receipt_number_issue
from motcua.payments.services import payment_cash_record, payment_notify, payment_start
from tests.fixtures import staff

from .test_payments import LINES, PAYER, ipn_params


def pdf_text(content: bytes) -> str:
    # Lines wrap where the layout wraps them: compare with whitespace collapsed.
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def paid_online(user: User | None, dossier: Dossier | None = None) -> Payment:
    payment, _url = payment_start(
        items=LINES,
        payer=PAYER,
        return_to="/",
        created_by=user,
        client_ip="127.0.0.1",
        dossier=dossier,
        agency=dossier.receiving_unit if dossier is not None else None,
    )
    assert payment_notify(ipn_params(payment))["RspCode"] == "00"
    payment.refresh_from_db()
    return payment


def test_fee_lines_from_the_catalog(dossier: Dossier) -> None:
    lines = fee_lines(dossier.procedure_version)
    assert lines == [FeeLine(kind="charge", name="Lệ phí cấp phép", amount=150_000, note="")]
    assert fee_total(lines) == 150_000


def test_numbers_are_sequential_per_series_and_year(db: Any, settings: Any) -> None:
    first = paid_online(None).receipt
    second = paid_online(None).receipt
    assert (first.series, first.number, second.number) == (f"BL-{first.year % 100:02d}E", 1, 2)
    assert first.template_symbol == "01BLP0-001" and second.display_number == "00000002"
    settings.MOTCUA_RECEIPT_SERIES = "CC-{yy}E"
    assert paid_online(None).receipt.number == 1
    assert receipt_number_issue("BL-26E", 2027) == 1


def test_receipt_pdf_says_what_was_paid(dossier: Dossier, citizen: User) -> None:
    payment = paid_online(citizen, dossier)
    client = Client(headers={"accept-language": "en"})
    client.force_login(citizen)
    response = client.get(f"/thanh-toan/bien-lai/{payment.order_ref}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    receipt = payment.receipt
    for expected in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ",
        "01BLP0-001",
        receipt.series,
        receipt.display_number,
        "Nguyễn Văn An",
        "024099012345",
        "Lệ phí cấp phép",
        "150.000",
        "Một trăm năm mươi nghìn đồng",
        "Tên đơn vị thu: Trung tâm Phục vụ hành chính công tỉnh",
        dossier.code,
        payment.transaction_no,
    ):
        assert expected in text, expected
    assert f"/thanh-toan/bien-lai/xac-thuc/{receipt.verify_token}/" in text.replace(" ", "")
    verify = Client(headers={"accept-language": "en"}).get(
        f"/thanh-toan/bien-lai/xac-thuc/{receipt.verify_token}/"
    )
    assert verify.status_code == 200 and receipt.display_number in verify.content.decode()
    assert "024099012345" not in verify.content.decode()


def test_receipt_download_permissions(dossier: Dossier, citizen: User, org: dict[str, Agency]) -> None:
    payment = paid_online(citizen, dossier)
    url = f"/thanh-toan/bien-lai/{payment.order_ref}.pdf"
    other_citizen = User.objects.create_user("citizen-binh", password="pw-Test-123456", kind="citizen")
    commune_officer = staff("commune-officer", (org["desk"], Role.RECEPTION_OFFICER))
    center_specialist = staff("center-specialist", (org["center"], Role.SPECIALIST))
    cases = [
        (None, 404),
        (other_citizen, 404),
        (commune_officer, 404),
        (citizen, 200),
        (center_specialist, 200),
    ]
    for user, status in cases:
        client = Client(headers={"accept-language": "en"})
        if user is not None:
            client.force_login(user)
        assert client.get(url).status_code == status, user
    assert Client(headers={"accept-language": "en"}).get("/thanh-toan/bien-lai/NOPE.pdf").status_code == 404


def test_cash_at_the_counter(dossier: Dossier, org: dict[str, Agency]) -> None:
    center_officer = User.objects.get(username="center-officer")
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    client.force_login(center_officer)
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/")
    body = page.content.decode()
    assert "Collect fees at the counter" in body and "150.000" in body
    # CSRF: the cash form is protected.
    url = f"/mot-cua/ho-so/{dossier.code}/thu-phi/"
    form = {"payer_name": "Nguyễn Văn An", "payer_id": "024099012345", "payer_address": ""}
    assert client.post(url, form).status_code == 403
    assert not Payment.objects.exists()
    token = (
        page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    )
    response = client.post(url, {**form, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.channel, payment.status, payment.amount, payment.dossier) == (
        "cash",
        "paid",
        150_000,
        dossier,
    )
    assert payment.receipt.collector == "center-officer" and payment.receipt.method == "Tiền mặt"
    after = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert (
        f"/thanh-toan/bien-lai/{payment.order_ref}.pdf" in after
        and "Collect fees at the counter" not in after
    )
    # A second collection is refused.
    client.post(url, {**form, "csrfmiddlewaretoken": token})
    assert Payment.objects.count() == 1
    with pytest.raises(ValidationError) as info:
        payment_cash_record(officer=center_officer, dossier=dossier)
    assert info.value.code == "already_paid"
    # The receipt is downloadable by the desk.
    assert client.get(f"/thanh-toan/bien-lai/{payment.order_ref}.pdf").status_code == 200


def test_cash_refused_to_another_desk(dossier: Dossier, desk_officer: User) -> None:
    with pytest.raises(ValidationError) as info:
        payment_cash_record(officer=desk_officer, dossier=dossier)
    assert info.value.code == "forbidden"
    assert not Payment.objects.exists()


def test_backoffice_list_and_reconcile_button(dossier: Dossier, org: dict[str, Agency]) -> None:
    paid_online(None, dossier)
    payment_start(
        items=LINES, payer=PAYER, return_to="/", created_by=None, client_ip="127.0.0.1", agency=org["center"]
    )
    leader = staff("leader", (org["center"], Role.AGENCY_LEADER))
    client = Client(headers={"accept-language": "en"})
    client.force_login(leader)
    body = client.get("/mot-cua/thanh-toan/").content.decode()
    assert body.count("/thanh-toan/bien-lai/") == 1 and body.count("Pending") >= 2
    assert 'id="reconcile"' in body
    pending = client.get("/mot-cua/thanh-toan/?trang_thai=pending").content.decode()
    assert (
        "/thanh-toan/bien-lai/" not in pending
        and "No payment." in client.get("/mot-cua/thanh-toan/?trang_thai=expired").content.decode()
    )
    assert client.post("/mot-cua/thanh-toan/doi-soat/").status_code == 302
    clerk = User.objects.get(username="center-officer")
    client.force_login(clerk)
    assert 'id="reconcile"' not in client.get("/mot-cua/thanh-toan/").content.decode()
    assert client.post("/mot-cua/thanh-toan/doi-soat/").status_code == 403
    outsider = staff("outsider", (org["desk"], Role.RECEPTION_OFFICER))
    client.force_login(outsider)
    assert "No payment." in client.get("/mot-cua/thanh-toan/").content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: SQLite serialises writers on one file lock, so it cannot show concurrent issue.",
)
@pytest.mark.django_db(transaction=True)
def test_parallel_receipt_numbers_are_distinct_and_gapless() -> None:
    threads_count, per_thread = 8, 25
    numbers: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads_count)

    def worker() -> None:
        mine: list[int] = []
        try:
            barrier.wait()
            for _ in range(per_thread):
                mine.append(receipt_number_issue("BL-26E", 2026))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()
        with lock:
            numbers.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, threads_count * per_thread + 1))
    assert ReceiptCounter.objects.get(series="BL-26E", year=2026).last == threads_count * per_thread


def test_status_values_cover_the_brief() -> None:
    assert set(PaymentStatus.values) == {"pending", "paid", "failed", "cancelled", "expired"}
    assert Receipt._meta.get_field("number")


def test_demo_payments(dossier: Dossier) -> None:
    from motcua.payments.demo import demo_payments_create

    staff("tiepnhan", (dossier.receiving_unit, Role.RECEPTION_OFFICER))
    report = demo_payments_create()
    assert (report.online, report.cash) == (1, 0)
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PAID and payment.receipt.number == 1
