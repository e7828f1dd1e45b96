"""Writes to the working calendar: administrator overrides of the library's holidays."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import CalendarOverride


def _validate_date(date: object) -> dt.date:
    # A datetime would be silently truncated to a day that depends on its time zone.
    if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
        raise ValidationError(
            {"date": _("Expected a calendar date, got %(type)s.") % {"type": type(date).__name__}}
        )
    return date


@transaction.atomic
def override_set(date: dt.date, kind: str, reason: str) -> CalendarOverride:
    """Make ``date`` an extra day off or a working day, replacing any earlier override of that date."""
    date = _validate_date(date)
    if kind not in CalendarOverride.Kind.values:
        raise ValidationError(
            {
                "kind": _("Unknown override kind %(kind)r: expected one of %(choices)s.")
                % {"kind": kind, "choices": ", ".join(CalendarOverride.Kind.values)}
            }
        )
    reason = reason.strip() if isinstance(reason, str) else ""
    candidate = CalendarOverride(date=date, kind=kind, reason=reason)
    # Field rules (required reason, its length) are the model's; uniqueness is handled by the upsert.
    candidate.full_clean(validate_unique=False, validate_constraints=False)
    override, _created = CalendarOverride.objects.update_or_create(
        date=date, defaults={"kind": kind, "reason": reason}
    )
    return override


@transaction.atomic
def override_remove(date: dt.date) -> bool:
    """Return ``date`` to the library's verdict; ``False`` when it had no override."""
    date = _validate_date(date)
    deleted, _per_model = CalendarOverride.objects.filter(date=date).delete()
    return deleted > 0
