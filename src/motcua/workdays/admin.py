from __future__ import annotations

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import CalendarOverride
from .selectors import library_calendar


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "reason", "library_default", "updated_at")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("reason",)
    ordering = ("-date",)
    readonly_fields = ("library_default", "created_at", "updated_at")
    fields = ("date", "kind", "reason", "library_default", "created_at", "updated_at")

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarOverride) -> str:
        return date_format(obj.date, "l")

    @admin.display(description=_("without the override"))
    def library_default(self, obj: CalendarOverride) -> str:
        # Shows what the override changes, so a redundant or mistaken override is visible.
        if obj.date is None:
            return ""
        calendar = library_calendar()
        verdict = _("working day") if calendar.is_working_day(obj.date) else _("rest day")
        reason = calendar.library_reason(obj.date)
        return f"{verdict} ({reason})" if reason else str(verdict)
