"""Electronic receipts (biên lai điện tử) for fees and charges.

A receipt carries the template symbol (ký hiệu mẫu biên lai) and the series (ký hiệu biên lai) configured
for the deployment (``MOTCUA_RECEIPT_TEMPLATE``, ``MOTCUA_RECEIPT_SERIES``; ``{yy}`` in the series is the
two-digit year of issue), and a number sequential within the series and year: issued by one atomic upsert
on ``ReceiptCounter`` inside the caller's transaction, so concurrent issues never share a number and a
rolled-back payment gives its number back (no gaps, nothing reused).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Field
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.documents.pdf import qr_svg, render_pdf
from motcua.documents.slips import place_of
from motcua.workdays.calendar import VIETNAM_TZ

from .models import Payment, PaymentChannel, Receipt, ReceiptCounter
from .words import amount_in_words_vi

MAX_NUMBER = 99_999_999  # receipt numbers have at most 8 digits


def receipt_series(when: datetime) -> tuple[str, int]:
    year = when.astimezone(VIETNAM_TZ).year
    series = settings.MOTCUA_RECEIPT_SERIES.replace("{yy}", f"{year % 100:02d}")
    return series, year


def receipt_number_issue(series: str, year: int) -> int:
    """The next number of ``series`` in ``year`` (1, 2, 3…), in the caller's transaction."""
    qn = connection.ops.quote_name
    meta = ReceiptCounter._meta
    table = qn(meta.db_table)
    series_col, year_col, last_col = (
        qn(field.column)
        for field in (meta.get_field("series"), meta.get_field("year"), meta.get_field("last"))
        if isinstance(field, Field) and field.column
    )
    sql = (
        f"INSERT INTO {table} ({series_col}, {year_col}, {last_col}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({series_col}, {year_col}) DO UPDATE SET {last_col} = {table}.{last_col} + 1 "
        f"RETURNING {last_col}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [series, year])
        row = cursor.fetchone()
        number = int(row[0])
        if number > MAX_NUMBER:
            raise ValidationError(
                _("Receipt series %(series)s has no number left for %(year)d: configure a new series.")
                % {"series": series, "year": year},
                code="receipt_numbers_exhausted",
            )
    return number


def _collector(payment: Payment) -> tuple[str, str]:
    """(who collected, how) as the receipt prints them."""
    if payment.channel == PaymentChannel.CASH:
        officer = payment.created_by
        name = (officer.full_name or officer.get_username()) if officer is not None else ""
        return name, "Tiền mặt"
    from .gateways.base import gateways

    label = str(gateways[payment.provider].label) if payment.provider in gateways else payment.provider
    bank = f", ngân hàng {payment.bank_code}" if payment.bank_code else ""
    return "", f"Thanh toán trực tuyến qua {label}{bank}"


def receipt_issue(payment: Payment, *, now: datetime | None = None) -> Receipt:
    """The receipt of a paid ``payment`` (issued once: an existing receipt is returned as it is)."""
    existing = Receipt.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    if not payment.is_paid:
        raise ValidationError(_("Only a paid payment gets a receipt."), code="not_paid")
    now = now or timezone.now()
    series, year = receipt_series(now)
    agency = payment.agency or (payment.dossier.receiving_unit if payment.dossier is not None else None)
    collector, method = _collector(payment)
    return Receipt.objects.create(
        payment=payment,
        template_symbol=settings.MOTCUA_RECEIPT_TEMPLATE,
        series=series,
        year=year,
        number=receipt_number_issue(series, year),
        issued_at=now,
        payer_name=payment.payer_name,
        payer_id=payment.payer_id,
        payer_address=payment.payer_address,
        items=payment.items,
        amount=payment.amount,
        amount_in_words=amount_in_words_vi(payment.amount),
        agency=agency,
        agency_name=agency.name if agency is not None else (settings.MOTCUA_SITE_NAME or "Cổng dịch vụ công"),
        collector=collector,
        method=method,
    )


def receipt_verify_url(receipt: Receipt) -> str:
    return settings.MOTCUA_PUBLIC_URL + reverse("payments:receipt-verify", args=[receipt.verify_token])


def money(amount: int) -> str:
    """150000 → "150.000" (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".")


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as an A5 PDF, sealed with the collecting unit's electronic seal when it has one."""
    from motcua.signing.services import slip_seal

    agency = receipt.agency
    url = receipt_verify_url(receipt)
    lines = [
        {
            "name": item.get("name", ""),
            "kind": "Lệ phí" if item.get("kind") == "charge" else "Phí",
            "amount": money(int(item.get("amount", 0))),
            "note": item.get("note", ""),
        }
        for item in receipt.items
    ]
    payment = receipt.payment
    context = {
        "title": f"Biên lai {receipt.series} {receipt.display_number}",
        "agency": receipt.agency_name,
        "parent_agency": agency.parent.name if agency is not None and agency.parent is not None else "",
        "place": place_of(agency.admin_unit) if agency is not None else "",
        "issued_at": timezone.localtime(receipt.issued_at),
        "receipt": receipt,
        "lines": lines,
        "amount": money(receipt.amount),
        "order_ref": payment.order_ref,
        "transaction_no": payment.transaction_no,
        "dossier_code": payment.dossier.code if payment.dossier is not None else "",
        "verify_url": url,
        "qr": qr_svg(url),
    }
    pdf = render_pdf("payments/receipt.html", context)
    if agency is None:
        return pdf
    return slip_seal(pdf, agency, reason=f"Biên lai {receipt.series} {receipt.display_number}")
