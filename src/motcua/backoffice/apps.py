from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "motcua.backoffice"
    verbose_name = _("One-stop back office")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from motcua.org.models import Agency

        from .menu import forget_receiving_units

        def forget(**kwargs: object) -> None:
            forget_receiving_units()

        # The menu's list of receiving units is read again after an agency changes in this process.
        post_save.connect(forget, sender=Agency, weak=False, dispatch_uid="backoffice-menu-agency-saved")
        post_delete.connect(forget, sender=Agency, weak=False, dispatch_uid="backoffice-menu-agency-deleted")
