from __future__ import annotations

from typing import Any

from django import template

from motcua.dossiers.models import Dossier
from motcua.org.scoping import Capability, can
from motcua.payments.fees import fee_lines, fee_total
from motcua.payments.forms import CashPaymentForm
from motcua.payments.models import PaymentStatus
from motcua.payments.receipts import money
from motcua.payments.selectors import payments_of

register = template.Library()


@register.inclusion_tag("payments/dossier_fees.html", takes_context=True)
def dossier_fees(context: dict[str, Any], dossier: Dossier) -> dict[str, Any]:
    """The dossier page's fees section: the fee lines, payments and receipts, and the counter's
    "Thu phí tại quầy" form for the receiving desk while nothing is paid."""
    request = context["request"]
    lines = fee_lines(dossier.procedure_version)
    total = fee_total(lines)
    payments = payments_of(dossier)
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
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "dossier": dossier,
        "lines": [(line, money(line.amount)) for line in lines],
        "total": money(total),
        "payments": [(p, money(p.amount)) for p in payments],
        "may_collect": total > 0
        and not paid
        and can(request.user, Capability.DOSSIER_RECEIVE, dossier.receiving_unit),
        "form": form,
    }
