from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "motcua.workdays"
    verbose_name = _("Working calendar")

    def ready(self) -> None:
        from .models import CalendarOverride
        from .selectors import forget_calendar

        # A page shows this process's calendar for a while (``shown_calendar``): not after an edit.
        post_save.connect(forget_calendar, sender=CalendarOverride, dispatch_uid="forget_calendar_saved")
        post_delete.connect(forget_calendar, sender=CalendarOverride, dispatch_uid="forget_calendar_deleted")
