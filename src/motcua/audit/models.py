"""Who looked at whose personal data, when and from where. Actions on dossiers are in their own history
(dossiers.DossierEvent); this log records the reads, which leave no other trace. Append-only."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10)  # web, api, admin
    action = models.CharField(_("action"), max_length=30)  # view, download, list, export
    object_type = models.CharField(_("object type"), max_length=40)
    object_ref = models.CharField(_("object"), max_length=80, db_index=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    # The columns ``services.access_record`` writes (all of them but the key).
    AUDITED_FIELDS = ("at", "user", "ip", "channel", "action", "object_type", "object_ref", "detail")

    class Meta:
        ordering = ("-at", "-id")
        indexes = [models.Index(fields=("user", "at"))]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_ref}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the access log is append-only")
