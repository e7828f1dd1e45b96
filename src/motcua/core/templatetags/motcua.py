from __future__ import annotations

from datetime import date
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


@register.filter
def iso_date_vi(value: str | None) -> str:
    """ "1990-04-12" (a date kept as text, e.g. in a declaration's JSON) → "12/04/1990"; other text unchanged."""
    if not value:
        return ""
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return day.strftime("%d/%m/%Y")
