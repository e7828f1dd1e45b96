"""Demo payments for existing demo dossiers: a few paid online through the gateway simulator (the same
signed messages the simulator's pages produce) and a few paid in cash at the counter, each with its
receipt."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ValidationError

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier

from .fees import fee_lines, fee_total
from .services import Payer, payment_cash_record, payment_notify, payment_start
from .simulator import simulated_decide, simulated_ipn_params, simulated_start


@dataclass
class DemoPaymentsReport:
    online: int = 0
    cash: int = 0


def demo_payments_create(count: int = 6) -> DemoPaymentsReport:
    report = DemoPaymentsReport()
    officer = User.objects.get(username="tiepnhan")
    dossiers = (
        Dossier.objects.filter(receiving_unit__code="000.00.01.H24", payments__isnull=True)
        .select_related("applicant", "procedure_version", "receiving_unit")
        .order_by("received_at", "id")
    )
    for dossier in dossiers[:200]:
        if report.online + report.cash >= count:
            break
        lines = fee_lines(dossier.procedure_version)
        if fee_total(lines) <= 0:
            continue
        applicant = dossier.applicant
        payer = Payer(applicant.full_name, applicant.id_number or applicant.tax_code, applicant.address)
        try:
            if report.online <= report.cash:
                _payment, url = payment_start(
                    items=lines,
                    payer=payer,
                    return_to=f"/tra-cuu-ho-so/?ma={dossier.code}",
                    created_by=None,
                    client_ip="127.0.0.1",
                    agency=dossier.receiving_unit,
                    dossier=dossier,
                )
                txn = simulated_start(dict(parse_qsl(urlsplit(url).query)))
                simulated_decide(txn.pk, pay=True, bank_code="NCB")
                payment_notify(simulated_ipn_params(txn.pk))
                report.online += 1
            else:
                payment_cash_record(officer=officer, dossier=dossier, payer=payer)
                report.cash += 1
        except ValidationError:
            continue
    return report
