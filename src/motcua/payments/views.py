"""Payment pages: the gateway's return, the IPN endpoint, receipts, the counter and the back-office list,
and the pages of the local gateway simulator (``/gia-lap/thanh-toan/``).

Who may use each view is stated in its docstring. A receipt or payment the user may not see is a 404.
"""

from __future__ import annotations

import json
from datetime import datetime
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.accounts.models import User
from motcua.accounts.selectors import active_user
from motcua.dossiers.selectors import VIEW_CAPABILITIES, dossiers_visible_to
from motcua.org.scoping import can

from .forms import CashPaymentForm
from .models import Payment, PaymentStatus, Receipt, SimulatedStatus, SimulatedTransaction
from .receipts import money, receipt_pdf
from .selectors import may_reconcile, may_see_payment, payments_page
from .services import Payer, PaymentReturnRefused, payment_cash_record, payment_notify, payment_return
from .services import payments_reconcile as reconcile_run
from .simulator import BANKS, SimulatorRefused, simulated_decide, simulated_query, simulated_start

STATUS_MESSAGES = {
    PaymentStatus.PAID: gettext_lazy("The payment succeeded. Thank you."),
    PaymentStatus.CANCELLED: gettext_lazy("The payment was cancelled; nothing was charged."),
    PaymentStatus.FAILED: gettext_lazy("The payment did not go through; nothing was charged."),
    PaymentStatus.EXPIRED: gettext_lazy("The payment expired; nothing was charged."),
    PaymentStatus.PENDING: gettext_lazy(
        "The payment is being confirmed by the bank; check again in a few minutes."
    ),
}


def _client_params(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "") for key in request.GET}


@require_GET
def payment_result(request: HttpRequest) -> HttpResponse:
    """Where the gateway sends the payer's browser back. Who: anyone (the signed parameters are checked;
    the page shows only the outcome, the amount and the order reference)."""
    try:
        payment = payment_return(_client_params(request))
    except PaymentReturnRefused as exc:
        return render(request, "payments/result.html", {"error": " ".join(exc.messages)}, status=400)
    return render(
        request,
        "payments/result.html",
        {
            "payment": payment,
            "amount": money(payment.amount),
            "message": str(STATUS_MESSAGES[PaymentStatus(payment.status)]),
            "may_download": payment.is_paid and may_see_payment(request.user, payment),
        },
    )


@csrf_exempt
@require_GET
def ipn(request: HttpRequest) -> JsonResponse:
    """The gateway's server-to-server notification (GET, as VNPay sends it). Who: the gateway; the
    signature is the authentication, so no session and no CSRF token."""
    return JsonResponse(payment_notify(_client_params(request)))


@require_GET
def receipt_download(request: HttpRequest, order_ref: str) -> HttpResponse:
    """The receipt PDF. Who: the account that made the payment, officers who may see its dossier or its
    agency; anyone else (including anonymous visitors) gets 404."""
    payment = (
        Payment.objects.select_related("agency", "dossier", "created_by").filter(order_ref=order_ref).first()
    )
    if payment is None or not may_see_payment(request.user, payment):
        raise Http404
    receipt = (
        Receipt.objects.select_related("agency__parent", "agency__admin_unit__parent", "payment__dossier")
        .filter(payment=payment)
        .first()
    )
    if receipt is None:
        raise Http404
    response = HttpResponse(receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="bien-lai-{receipt.series}-{receipt.display_number}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def receipt_verify(request: HttpRequest, token: UUID) -> HttpResponse:
    """Public verification of a receipt (the QR code printed on it). Who: anyone; shows the receipt's
    facts but not the payer's identity number or address."""
    receipt = Receipt.objects.select_related("payment").filter(verify_token=token).first()
    if receipt is None:
        raise Http404
    return render(request, "payments/verify.html", {"receipt": receipt, "amount": money(receipt.amount)})


# --- the back office -------------------------------------------------------------------------------


def _officer(request: HttpRequest) -> User:
    return active_user(request)


@login_required
@require_POST
def cash_collect(request: HttpRequest, code: str) -> HttpResponse:
    """ "Thu phí tại quầy": record fees paid in cash for a dossier and issue the receipt. Who: officers of
    the dossier's receiving desk (the service checks); a dossier the officer cannot see is a 404."""
    user = _officer(request)
    dossier = (
        dossiers_visible_to(user)
        .select_related("receiving_unit", "applicant", "procedure_version")
        .filter(code=code)
        .order_by()
        .first()
    )
    if dossier is None:
        raise Http404
    form = CashPaymentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(reverse("backoffice:dossier", args=[dossier.code]) + "#fees")
    data = form.cleaned_data
    try:
        payment = payment_cash_record(
            officer=user,
            dossier=dossier,
            payer=Payer(name=data["payer_name"], id_number=data["payer_id"], address=data["payer_address"]),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Fees of %(amount)s đ collected; receipt no. %(number)s issued.")
            % {"amount": money(payment.amount), "number": payment.receipt.display_number},
        )
    return redirect(reverse("backoffice:dossier", args=[dossier.code]) + "#fees")


def _cursor(raw: str) -> tuple[datetime, int] | None:
    try:
        stamp, _sep, pk = raw.rpartition("_")
        return datetime.fromisoformat(stamp), int(pk)
    except ValueError:
        return None


@login_required
@require_GET
def payment_list(request: HttpRequest) -> HttpResponse:
    """Payments of the officer's agencies, newest first, filtered by status. Who: officers who see
    dossiers; leaders, supervisors and administrators also get the reconcile button."""
    user = _officer(request)
    if not (user.is_superuser or any(can(user, capability, None) for capability in VIEW_CAPABILITIES)):
        raise PermissionDenied
    status = request.GET.get("trang_thai", "")
    page = payments_page(user, status=status, after=_cursor(request.GET.get("sau", "")))
    next_url = ""
    if page.next_cursor is not None:
        stamp, pk = page.next_cursor
        next_url = "?" + urlencode({"trang_thai": status, "sau": f"{stamp.isoformat()}_{pk}"})
    return render(
        request,
        "payments/backoffice_list.html",
        {
            "nav": "payments",
            "rows": [(p, money(p.amount)) for p in page.rows],
            "status": status,
            "statuses": PaymentStatus.choices,
            "next_url": next_url,
            "may_reconcile": may_reconcile(user),
        },
    )


@login_required
@require_POST
def reconcile(request: HttpRequest) -> HttpResponse:
    """ "Đối soát": query the gateway about pending payments now. Who: leaders, supervisors, admins."""
    user = _officer(request)
    if not may_reconcile(user):
        raise PermissionDenied
    report = reconcile_run()
    messages.success(
        request,
        _(
            "Reconciliation: %(checked)d checked, %(paid)d paid, %(failed)d failed, %(expired)d expired, "
            "%(pending)d still pending."
        )
        % {
            "checked": report.checked,
            "paid": report.paid,
            "failed": report.failed,
            "expired": report.expired,
            "pending": report.still_pending,
        },
    )
    for error in report.errors[:5]:
        messages.warning(request, error)
    return redirect("payments:list")


# --- the gateway simulator ---------------------------------------------------------------------------


@require_GET
def sandbox_pay(request: HttpRequest) -> HttpResponse:
    """The simulated gateway's payment page (the signed redirect lands here). Who: anyone holding a
    correctly signed request, as on the real gateway."""
    try:
        txn = simulated_start(_client_params(request))
    except SimulatorRefused as exc:
        return render(request, "payments/sandbox_pay.html", {"error": str(exc)}, status=400)
    return render(
        request,
        "payments/sandbox_pay.html",
        {
            "txn": txn,
            "amount": money(txn.amount // 100),
            "banks": BANKS,
            "done": txn.status != SimulatedStatus.PENDING,
        },
    )


@require_http_methods(["POST"])
def sandbox_decide(request: HttpRequest, txn_id: int) -> HttpResponse:
    """The payer's choice on the simulated page: pay or cancel; then back to the merchant's return page."""
    txn = SimulatedTransaction.objects.filter(pk=txn_id).first()
    if txn is None:
        raise Http404
    pay = request.POST.get("hanh_dong") == "thanh-toan"
    bank = request.POST.get("ngan_hang", "NCB")
    if bank not in dict(BANKS):
        bank = "NCB"
    return redirect(simulated_decide(txn.pk, pay=pay, bank_code=bank))


@csrf_exempt
@require_POST
def sandbox_api(request: HttpRequest) -> JsonResponse:
    """The simulated gateway's merchant API (querydr). Who: the merchant; the checksum authenticates."""
    try:
        payload = json.loads(request.body)
    except ValueError:
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid request"}, status=400)
    if not isinstance(payload, dict) or payload.get("vnp_Command") != "querydr":
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid request"}, status=400)
    try:
        return JsonResponse(simulated_query(payload))
    except SimulatorRefused:
        return JsonResponse({"vnp_ResponseCode": "02", "vnp_Message": "Merchant is not valid"})
