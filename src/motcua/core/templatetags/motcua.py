from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def vnd(amount: int | Decimal | None) -> str:
    """150000 → "150.000 đ" (Vietnamese groups thousands with a dot)."""
    if amount is None:
        return ""
    return f"{int(amount):,}".replace(",", ".") + " đ"


@register.filter
def decimal_vi(value: Decimal | int | None) -> str:
    """0.5 → "0,5"; 15.00 → "15" (statutory times shown the Vietnamese way, without trailing zeros)."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


@register.filter
def formats_list(value: str) -> str:
    """ "pdf,jpg,png" → "PDF, JPG, PNG"."""
    return ", ".join(part.strip().upper() for part in value.split(",") if part.strip())
