"""Administrator overrides of the working calendar.

The ``holidays`` package knows the statutory holidays (BLLĐ 2019 Art. 112) and the swaps the government had
announced when it was released; each year the Prime Minister fixes the exact Tết and 2/9 days and may swap a
Saturday, and a province may add its own day off. Those decisions are recorded here and win over the library.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Extra day off")
        WORKING_DAY = "working_day", _("Working day (swap)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(
        _("reason"),
        max_length=255,
        help_text=_("The decision behind the change, e.g. the Prime Minister's notice on Tết holidays."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ("date",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["day_off", "working_day"]),
                name="workdays_override_kind_valid",
            )
        ]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} — {self.get_kind_display()}"
