from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # Importing the providers registers them in the gateway registry.
        from .gateways import providers_load

        providers_load()
