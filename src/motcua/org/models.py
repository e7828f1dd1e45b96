"""Agencies (a tree), service centres and staff roles per agency."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# QCVN 102:2016/BTTTT identifier of an agency: <L4 ddd>.<L3 dd>.<L2 dd>.<L1 letter+dd>, e.g. 000.00.53.H48.
AGENCY_CODE_PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$"
agency_code_validator = RegexValidator(
    AGENCY_CODE_PATTERN,
    _("The identifier code must follow QCVN 102:2016, e.g. 000.00.53.H48."),
)


class AgencyKind(models.TextChoices):
    PROVINCIAL_COMMITTEE = "provincial_committee", _("Provincial People's Committee")
    DEPARTMENT = "department", _("Department")
    DIVISION = "division", _("Division")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune People's Committee")
    POLICE = "police", _("Police")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    TAX = "tax", _("Tax")
    SERVICE_CENTER = "service_center", _("Public administrative service centre")
    ONE_STOP_DESK = "one_stop_desk", _("One-stop desk")
    OTHER = "other", _("Other")


RECEIVING_KINDS = (AgencyKind.SERVICE_CENTER, AgencyKind.ONE_STOP_DESK)


class Agency(models.Model):
    code = models.CharField(
        _("identifier code"), max_length=20, unique=True, validators=[agency_code_validator]
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.ForeignKey("geo.Level", on_delete=models.PROTECT, verbose_name=_("level"))
    admin_unit = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, verbose_name=_("administrative unit")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Materialised path of primary keys ("/1/7/42/"): descendants are one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        ordering = ("path",)
        indexes = [models.Index(fields=("kind", "admin_unit"))]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name

    @property
    def receives_dossiers(self) -> bool:
        return self.kind in RECEIVING_KINDS


class ServiceCenterManager(models.Manager["ServiceCenter"]):
    def get_queryset(self) -> models.QuerySet[ServiceCenter]:
        return super().get_queryset().filter(kind__in=RECEIVING_KINDS)


class ServiceCenter(Agency):
    """The units that receive dossiers and return results: the province's centre and the communes' desks."""

    objects = ServiceCenterManager()  # type: ignore[misc]

    class Meta:
        proxy = True
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")


class Role(models.TextChoices):
    RECEPTION_OFFICER = "reception_officer", _("Reception officer")
    SPECIALIST = "specialist", _("Specialist")
    HEAD_OF_DIVISION = "head_of_division", _("Head of division")
    AGENCY_LEADER = "agency_leader", _("Agency leader")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    PROVINCIAL_SUPERVISOR = "provincial_supervisor", _("Provincial supervisor")


class StaffRole(models.Model):
    """A role a person holds in one agency (and, through the tree, in its sub-units)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles", verbose_name=_("user")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="staff_roles", verbose_name=_("agency")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "agency", "role"), name="org_staffrole_unique")
        ]
        indexes = [models.Index(fields=("agency", "role"))]
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
