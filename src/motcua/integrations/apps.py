from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "motcua.integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        # Importing the contrib packages registers their plugins.
        from . import identity, notifications, population

        for kind in (notifications, identity, population):
            kind.contrib_load()
