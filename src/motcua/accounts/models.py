from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
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
    representative = models.CharField(_("legal representative"), max_length=200, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("id_number",),
                condition=models.Q(id_verified_at__isnull=False) & ~models.Q(id_number=""),
                name="accounts_verified_id_number_unique",
            ),
            # An organisation's identity (its tax code) is verified by an administrator or, later, by an
            # organisation digital ID; one verified tax code belongs to one organisation account, since it
            # opens that organisation's personal data store.
            models.UniqueConstraint(
                fields=("tax_code",),
                condition=models.Q(id_verified_at__isnull=False, kind="organisation")
                & ~models.Q(tax_code=""),
                name="accounts_verified_tax_code_unique",
            ),
        ]
        # Login looks an account up by e-mail, phone or ID number (kept lower-case / digits only).
        indexes = [
            models.Index(fields=("email",), name="accounts_user_email"),
            models.Index(fields=("phone",), name="accounts_user_phone"),
            models.Index(fields=("id_number",), name="accounts_user_id_number"),
        ]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_applicant(self) -> bool:
        return self.kind != AccountKind.STAFF

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def contact_verified(self) -> bool:
        return self.email_verified_at is not None or self.phone_verified_at is not None


class CodePurpose(models.TextChoices):
    VERIFY_CONTACT = "verify_contact", _("Verify the phone number or e-mail")
    PASSWORD_RESET = "password_reset", _("Reset the password")


class ContactCode(models.Model):
    """A one-time code sent to an applicant's phone (SMS) or e-mail: it proves the contact at registration
    and replaces the forgotten password. Only an HMAC of the code is kept; a new code voids the older ones."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="contact_codes", verbose_name=_("user")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=CodePurpose.choices)
    channel = models.CharField(_("channel"), max_length=10)
    recipient = models.CharField(_("recipient"), max_length=254)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=("user", "purpose", "created_at"), name="accounts_code_user")]
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class LoginFailure(models.Model):
    """One failed login, kept to throttle guessing per account and per client address (the counts are
    read over a sliding window on the two indexes)."""

    at = models.DateTimeField(_("at"))
    account_key = models.CharField(_("account"), max_length=80)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=("account_key", "at"), name="accounts_failure_account"),
            models.Index(fields=("ip", "at"), name="accounts_failure_ip"),
        ]
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.account_key}"


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


class UserSession(AbstractBaseSession):
    """A login session: Django's session row, which also names the logged-in user so that a request reads
    its session, its user and the user's roles in one query (``accounts/sessions.py``). A deleted user's
    sessions go with them."""

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        from .sessions import SessionStore

        return SessionStore
