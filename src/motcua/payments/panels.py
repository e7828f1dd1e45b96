"""Payments as other apps' pages show them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from motcua.dossiers.models import Dossier
from motcua.org.scoping import Capability, can
from motcua.payments.fees import FeeLine, fee_lines, fee_total
from motcua.payments.forms import CashPaymentForm
from motcua.payments.models import PaymentStatus
from motcua.payments.receipts import money
from motcua.payments.selectors import payments_of


def dossier_fees(
    request: HttpRequest, dossier: Dossier, lines: list[FeeLine] | None = None
) -> dict[str, Any]:
    """What the dossier page's fees section (``payments/_dossier_fees.html``) shows: the fee lines (read
    here unless given), payments and receipts, and the counter's "Thu phí tại quầy" form for the receiving
    desk while nothing is paid."""
    if lines is None:
        lines = fee_lines(dossier.procedure_version)
    total = fee_total(lines)
    # A dossier read for its page knows whether it has payments (``backoffice.page_reads.PAGE_FLAGS``).
    payments = payments_of(dossier) if getattr(dossier, "has_payments", True) else []
    paid = any(p.status == PaymentStatus.PAID for p in payments)
    applicant = dossier.applicant
    form = CashPaymentForm(
        initial={
            "payer_name": applicant.full_name,
            "payer_id": applicant.id_number or applicant.tax_code,
            "payer_address": applicant.address,
        },
        prefix=None,
    )
    return {
        "lines": [(line, money(line.amount)) for line in lines],
        "total": money(total),
        "payments": [(p, money(p.amount)) for p in payments],
        "may_collect": total > 0
        and not paid
        and can(request.user, Capability.DOSSIER_RECEIVE, dossier.receiving_unit),
        "form": form,
    }
