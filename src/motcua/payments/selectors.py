"""Reading payments: who may see which, and the back-office list (keyset pages over millions of rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from motcua.accounts.models import User
from motcua.core.compiled import CompiledQuery
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import VIEW_CAPABILITIES, dossiers_visible_to
from motcua.org.scoping import AnyUser, Capability, agencies_for_any, can, is_global

from .models import Payment, PaymentStatus

PAGE_SIZE = 50


def payments_visible_to(user: AnyUser) -> QuerySet[Payment]:
    """Payments of the agencies where the officer holds a role that sees dossiers (all for a global role)."""
    agencies = agencies_for_any(user, VIEW_CAPABILITIES)
    if agencies is None:
        return Payment.objects.all()
    return Payment.objects.filter(agency__in=agencies)


def may_see_payment(user: AnyUser, payment: Payment) -> bool:
    """The account that started the payment, or an officer who may see its dossier or its agency."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if payment.created_by_id == user.pk:
        return True
    if any(is_global(user, capability) for capability in VIEW_CAPABILITIES):
        return True
    if payment.dossier_id is not None and dossiers_visible_to(user).filter(pk=payment.dossier_id).exists():
        return True
    return payment.agency is not None and any(
        can(user, capability, payment.agency) for capability in VIEW_CAPABILITIES
    )


def may_reconcile(user: AnyUser) -> bool:
    """Leaders and supervisors (who monitor) and administrators."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_superuser or can(user, Capability.MONITOR, None)


@dataclass(frozen=True)
class PaymentPage:
    rows: list[Payment]
    next_cursor: tuple[datetime, int] | None


def payments_page(
    user: AnyUser, *, status: str = "", after: tuple[datetime, int] | None = None, size: int = PAGE_SIZE
) -> PaymentPage:
    """Newest first; ``after`` is the (created_at, id) of the last row of the previous page."""
    qs = payments_visible_to(user)
    if status in PaymentStatus.values:
        qs = qs.filter(status=status)
    if after is not None:
        created_at, pk = after
        qs = qs.filter(created_at__lte=created_at).exclude(created_at=created_at, id__gte=pk)
    rows = list(qs.select_related("dossier", "agency", "receipt").order_by("-created_at", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return PaymentPage(rows=rows, next_cursor=(rows[-1].created_at, rows[-1].pk) if more and rows else None)


# Read on every dossier page: compiled once (``core.compiled``).
_OF_DOSSIER = CompiledQuery(
    lambda dossier_id: (
        Payment.objects.select_related("receipt").filter(dossier_id=dossier_id).order_by("-created_at", "-id")
    ),
    dossier_id=-7_400_000_002,
)


def payments_of(dossier: Dossier) -> list[Payment]:
    """The dossier's payments, newest first, with their receipts."""
    payments: list[Payment] = _OF_DOSSIER.objects(dossier_id=dossier.pk)
    for payment in payments:
        payment.dossier = dossier
    return payments
