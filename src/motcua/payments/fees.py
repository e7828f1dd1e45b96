"""Fees (phí, lệ phí) of a procedure version as payable lines.

The catalog's fee items are the source; a payment keeps a snapshot of the lines it was made for, so a
later change of the catalog never changes what a receipt says was paid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.catalog.models import FeeItem, ProcedureVersion
from motcua.core.compiled import CompiledQuery

# The largest amount VNPay accepts (vnp_Amount is Numeric[1,12] after ×100) and far above any fee.
MAX_AMOUNT = 9_999_999_999


@dataclass(frozen=True)
class FeeLine:
    kind: str  # "fee" (phí) or "charge" (lệ phí), as in catalog.FeeKind
    name: str
    amount: int  # VND
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# The columns of a fee line.
FEE_FIELDS = ("kind", "name", "amount", "note")


def fee_items(version_id: Any) -> QuerySet[FeeItem]:
    """The fee items of a version in catalog order (``version_id`` may be an ``OuterRef``)."""
    return FeeItem.objects.filter(version_id=version_id).order_by("position", "id")


# Read on every dossier page and payment: compiled once (``core.compiled``).
_FEE_ITEMS = CompiledQuery(
    lambda version_id: fee_items(version_id).values(*FEE_FIELDS), version_id=-7_400_000_001
)


def fee_lines_of(items: Iterable[Mapping[str, Any]]) -> list[FeeLine]:
    """Fee lines from rows of ``FEE_FIELDS``."""
    return [
        FeeLine(kind=item["kind"], name=item["name"], amount=int(item["amount"]), note=item["note"])
        for item in items
    ]


def fee_lines(version: ProcedureVersion) -> list[FeeLine]:
    """The fee items of ``version`` in catalog order (free items included: a receipt lists them too)."""
    return fee_lines_of(_FEE_ITEMS.rows(version_id=version.pk))


def fee_total(lines: Iterable[FeeLine]) -> int:
    return sum(line.amount for line in lines)


def lines_clean(items: Sequence[FeeLine | Mapping[str, Any]]) -> list[FeeLine]:
    """Validated fee lines from lines or their dict form (a stored snapshot, a posted form); raises
    ``ValidationError`` with a clear message on a missing name, a non-integer or negative amount, no lines,
    or a total out of range."""
    lines: list[FeeLine] = []
    for item in items:
        if isinstance(item, FeeLine):
            line = item
        else:
            amount = item.get("amount")
            if isinstance(amount, bool) or not isinstance(amount, int):
                raise ValidationError(_("A fee amount is a whole number of dong."), code="bad_amount")
            line = FeeLine(
                kind=str(item.get("kind", "")),
                name=str(item.get("name", "")).strip(),
                amount=amount,
                note=str(item.get("note", "")),
            )
        if not line.name:
            raise ValidationError(_("Every fee line has a name."), code="bad_line")
        if line.amount < 0:
            raise ValidationError(_("A fee amount cannot be negative."), code="bad_amount")
        lines.append(line)
    if not lines:
        raise ValidationError(_("There is no fee to pay."), code="nothing_to_pay")
    total = fee_total(lines)
    if total <= 0:
        raise ValidationError(
            _("There is no fee to pay: every line is free of charge."), code="nothing_to_pay"
        )
    if total > MAX_AMOUNT:
        raise ValidationError(_("The total is larger than a payment can carry."), code="bad_amount")
    return lines
