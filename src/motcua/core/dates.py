"""Dates and times as pages print them."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def local_time_text(moment: datetime) -> str:
    """``HH:MM dd/mm/YYYY`` in the local time zone, as the ``date:"H:i d/m/Y"`` filter prints it; made in
    Python for lists and busy pages, where the template filter per cell was a large share of the
    rendering time."""
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")
