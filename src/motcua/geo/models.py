"""Administrative units. Levels are rows, not constants: since 1 Jul 2025 (NQ 202/2025/QH15) there are
two tiers (province, commune), but a deployment may still represent the old three-tier structure."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 for the top tier, larger below."))

    class Meta:
        ordering = ("rank",)
        verbose_name = _("administrative level")
        verbose_name_plural = _("administrative levels")

    def __str__(self) -> str:
        return self.name


class AdministrativeUnit(models.Model):
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="units", verbose_name=_("level"))
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=150)
    division_type = models.CharField(_("division type"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("level__rank", "code")
        constraints = [models.UniqueConstraint(fields=("level", "code"), name="geo_unit_level_code_unique")]
        indexes = [models.Index(fields=("parent", "name"))]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")

    def __str__(self) -> str:
        return self.name
