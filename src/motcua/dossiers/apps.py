from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from .counting import ensure_count_functions

        post_migrate.connect(ensure_count_functions, sender=self, dispatch_uid="motcua_open_counts")
