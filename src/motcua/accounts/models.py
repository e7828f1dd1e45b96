from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    STAFF = "staff", _("Officer")
    CITIZEN = "citizen", _("Citizen")
    ORGANISATION = "organisation", _("Organisation")


class User(AbstractUser):
    """A person who logs in: an officer (roles per agency live in ``org.StaffRole``) or an applicant of the
    citizen portal — a citizen, or an organisation's account. An applicant account is tied to one verified
    ID number (from the digital-ID login or the population database): two accounts may not share one."""

    kind = models.CharField(
        _("account kind"), max_length=12, choices=AccountKind.choices, default=AccountKind.STAFF
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    id_number = models.CharField(_("ID number"), max_length=12, blank=True)
    id_verified_at = models.DateTimeField(_("ID number verified at"), null=True, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("id_number",),
                condition=models.Q(id_verified_at__isnull=False),
                name="accounts_verified_id_number_unique",
            )
        ]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_applicant(self) -> bool:
        return self.kind != AccountKind.STAFF

    def __str__(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A bearer token for a machine client (e.g. the national public-service portal's connector). The
    client acts as its user, with that user's roles; only a SHA-256 of the token is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
