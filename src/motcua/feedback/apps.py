from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    verbose_name = _("Feedback and satisfaction ratings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .indices import settings_check

        # A misconfigured band or staff index would give wrong figures silently: refuse to start instead.
        settings_check()
