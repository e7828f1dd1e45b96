"""Applicant accounts: registration with a verified contact, login by any identifier with throttling,
password reset by one-time code, the digital-ID login and link, and the population-database check.

Rules (see docs/accounts.md):
- An applicant logs in with a password only once the phone or e-mail given at registration is proven by a
  one-time code; the digital-ID login needs no password (the provider proved the person).
- A citizen's registration is refused when the population database says ID number, name and date of birth
  do not belong together; but an ID number is *verified* only when the digital ID asserts it (the three are
  not secrets). One verified ID number belongs to one account (the partial unique constraint of
  ``accounts.User``): a second account naming it is refused with a message.
- Failed logins are counted per account and per client address over a sliding window; beyond the limit the
  login is refused until a stated time, even with the right password.
- Nothing tells a stranger whether an account exists: the password-reset request answers the same way.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.validators import citizen_id_check, tax_code_check
from motcua.integrations.identity.base import IdentityClaims
from motcua.integrations.population.base import PopulationUnavailable, population_registry
from motcua.integrations.services import notification_queue

from .models import AccountKind, CodePurpose, ContactCode, LoginFailure, User

logger = logging.getLogger(__name__)

MAX_CODE_ATTEMPTS = 5
VN_MOBILE = re.compile(r"^0\d{9}$")
ID_NUMBER = re.compile(r"^\d{12}$")

# What the applicant receives (Vietnamese whatever the page's language: it goes to their phone or mailbox).
CODE_TEXTS: dict[str, tuple[str, str]] = {
    CodePurpose.VERIFY_CONTACT: (
        "Mã xác thực tài khoản Cổng dịch vụ công",
        "Mã xác thực đăng ký tài khoản Cổng dịch vụ công của ông/bà là {code}. Mã có hiệu lực {minutes} phút. "
        "Không cung cấp mã này cho người khác.",
    ),
    CodePurpose.PASSWORD_RESET: (
        "Mã đặt lại mật khẩu Cổng dịch vụ công",
        "Mã đặt lại mật khẩu tài khoản Cổng dịch vụ công của ông/bà là {code}. Mã có hiệu lực {minutes} phút. "
        "Nếu ông/bà không yêu cầu, hãy bỏ qua tin này.",
    ),
}


class LoginRefused(Exception):
    """The login is refused; ``message`` is for the person, ``retry_at`` set when throttled."""

    def __init__(
        self, message: str, code: str, retry_at: datetime | None = None, user: User | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.retry_at = retry_at
        self.user = user  # the account, when the password was right but it may not log in yet


def local_time(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


# --- contacts and identifiers ---------------------------------------------------------------------


def contact_parse(raw: str) -> tuple[str, str]:
    """("email", address) or ("sms", mobile number) from what the person typed."""
    value = (raw or "").strip()
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(_("Enter a valid e-mail address."), code="contact_invalid") from None
        return "email", value.lower()
    number = phone_normalise(value)
    if not VN_MOBILE.match(number):
        raise ValidationError(
            _("Enter a mobile number (10 digits starting with 0) or an e-mail address."),
            code="contact_invalid",
        )
    return "sms", number


def phone_normalise(value: str) -> str:
    number = re.sub(r"[\s.\-()]", "", value or "")
    if number.startswith("+84"):
        number = "0" + number[3:]
    return number


def _contact_taken(channel: str, value: str, *, exclude: int | None = None) -> bool:
    """Another account already proved this contact (an unproven one does not block a registration)."""
    condition = (
        Q(email=value, email_verified_at__isnull=False)
        if channel == "email"
        else Q(phone=value, phone_verified_at__isnull=False)
    )
    others = User.objects.filter(condition)
    return (others.exclude(pk=exclude) if exclude is not None else others).exists()


def id_number_taken(id_number: str, *, exclude: int | None = None) -> bool:
    holders = User.objects.filter(id_number=id_number, id_verified_at__isnull=False)
    return (holders.exclude(pk=exclude) if exclude is not None else holders).exists()


def _username(prefix: str) -> str:
    while True:
        candidate = f"{prefix}{secrets.token_hex(4)}"
        if not User.objects.filter(username=candidate).exists():
            return candidate


# --- registration ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    kind: str  # AccountKind.CITIZEN or AccountKind.ORGANISATION
    full_name: str
    contact: str
    password: str
    id_number: str = ""
    date_of_birth: date | None = None
    tax_code: str = ""
    representative: str = ""


def _population_consistent(id_number: str, full_name: str, born: date) -> bool:
    """Whether the population database knows this person; True when it cannot answer now (registration
    must not depend on a national system being up — the account stays unverified either way)."""
    try:
        return population_registry().verify(id_number, full_name, born)
    except PopulationUnavailable as exc:
        logger.warning("population database unavailable during a registration: %s", exc)
        return True


def account_register(registration: Registration, *, now: datetime | None = None) -> User:
    """Create an applicant account waiting for its contact to be proven, and send the code. Every problem
    is reported at once (``ValidationError`` keyed by field); nothing is written then."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if registration.kind not in (AccountKind.CITIZEN, AccountKind.ORGANISATION):
        add("kind", _("Choose a citizen or an organisation account."))
    full_name = " ".join(registration.full_name.split())
    if not full_name:
        add("full_name", _("This field is required."))
    channel, contact = "", ""
    try:
        channel, contact = contact_parse(registration.contact)
    except ValidationError as exc:
        add("contact", exc.messages[0])
    else:
        if _contact_taken(channel, contact):
            add(
                "contact",
                _(
                    "This phone number or e-mail already belongs to an account: log in, or reset its password."
                ),
            )
    id_number, tax_code = registration.id_number.strip(), registration.tax_code.strip()
    if registration.kind == AccountKind.CITIZEN:
        born = registration.date_of_birth
        if born is None:
            add("date_of_birth", _("This field is required."))
        elif born > timezone.localdate(now):
            add("date_of_birth", _("The date of birth cannot be in the future."))
        try:
            citizen_id_check(id_number, born)
        except ValidationError as exc:
            add("id_number", exc.messages[0])
        else:
            if id_number_taken(id_number):
                add(
                    "id_number",
                    _(
                        "This ID number is already verified for another account: log in to that account, "
                        "or reset its password."
                    ),
                )
            elif born is not None and not _population_consistent(id_number, full_name, born):
                add(
                    "id_number",
                    _(
                        "The ID number, full name and date of birth do not match the national population "
                        "database: check them against your ID card."
                    ),
                )
    elif registration.kind == AccountKind.ORGANISATION:
        try:
            tax_code_check(tax_code)
        except ValidationError as exc:
            add("tax_code", exc.messages[0])
        if not registration.representative.strip():
            add("representative", _("This field is required."))
    candidate = User(
        kind=registration.kind,
        full_name=full_name,
        email=contact if channel == "email" else "",
        phone=contact if channel == "sms" else "",
    )
    try:
        validate_password(registration.password, user=candidate)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = candidate
        user.username = _username("cd-" if registration.kind == AccountKind.CITIZEN else "tc-")
        if registration.kind == AccountKind.CITIZEN:
            user.id_number = id_number
            user.date_of_birth = registration.date_of_birth
        else:
            user.tax_code = tax_code
            user.representative = " ".join(registration.representative.split())
        user.set_password(registration.password)
        user.save()
        contact_code_send(user, CodePurpose.VERIFY_CONTACT, now=now)
    return user


# --- one-time codes --------------------------------------------------------------------------------


def _code_hash(user: User, purpose: str, code: str) -> str:
    message = f"{user.pk}:{purpose}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _code_target(user: User, purpose: str) -> tuple[str, str]:
    if purpose == CodePurpose.VERIFY_CONTACT:
        return ("sms", user.phone) if user.phone else ("email", user.email)
    if user.phone and user.phone_verified_at:
        return "sms", user.phone
    if user.email and user.email_verified_at:
        return "email", user.email
    return "", ""


def masked(recipient: str) -> str:
    if "@" in recipient:
        name, _sep, domain = recipient.partition("@")
        return f"{name[:2]}***@{domain}"
    return f"******{recipient[-4:]}" if recipient else ""


def contact_code_send(user: User, purpose: str, *, now: datetime | None = None) -> ContactCode:
    """Send a new 6-digit code (earlier ones of the purpose stop working); refused with a message saying
    when to ask again if the previous one left less than ``MOTCUA_ACCOUNT_CODE_RESEND_SECONDS`` ago."""
    now = now or timezone.now()
    channel, recipient = _code_target(user, purpose)
    if not recipient:
        raise ValidationError(
            _("The account has no phone number or e-mail to send a code to."), code="no_contact"
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        last = ContactCode.objects.filter(user=user, purpose=purpose).order_by("-created_at", "-id").first()
        wait_until = (
            last.created_at + timedelta(seconds=settings.MOTCUA_ACCOUNT_CODE_RESEND_SECONDS) if last else None
        )
        if wait_until is not None and wait_until > now:
            raise ValidationError(
                _("A code was sent a moment ago. You can ask for a new one after %(time)s.")
                % {"time": local_time(wait_until)},
                code="code_resend_wait",
            )
        ContactCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(used_at=now)
        code = f"{secrets.randbelow(1_000_000):06d}"
        record = ContactCode.objects.create(
            user=user,
            purpose=purpose,
            channel=channel,
            recipient=recipient,
            code_hash=_code_hash(user, purpose, code),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.MOTCUA_ACCOUNT_CODE_SECONDS),
        )
        subject, body = CODE_TEXTS[purpose]
        notification_queue(
            channel=channel,
            recipient=recipient,
            subject=subject,
            body=body.format(code=code, minutes=max(1, settings.MOTCUA_ACCOUNT_CODE_SECONDS // 60)),
            reference=f"account:{user.pk}",
        )
    return record


def contact_code_check(user: User, purpose: str, code: str, *, now: datetime | None = None) -> ContactCode:
    """Accept the latest code once; ``ValidationError`` when wrong, expired or tried too often. A wrong try
    is counted even though the error is raised (its own transaction commits first)."""
    now = now or timezone.now()
    code = (code or "").strip()
    with transaction.atomic():
        record = (
            ContactCode.objects.select_for_update()
            .filter(user=user, purpose=purpose, used_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if record is None:
            raise ValidationError(_("There is no valid code: ask for a new one."), code="no_code")
        if record.expires_at < now:
            raise ValidationError(_("The code has expired: ask for a new one."), code="code_expired")
        if record.attempts >= MAX_CODE_ATTEMPTS:
            raise ValidationError(_("Too many wrong codes: ask for a new one."), code="code_attempts")
        right = (
            len(code) == 6
            and code.isdigit()
            and hmac.compare_digest(record.code_hash, _code_hash(user, purpose, code))
        )
        if right:
            record.used_at = now
            record.save(update_fields=["used_at"])
        else:
            record.attempts += 1
            record.save(update_fields=["attempts"])
    if not right:
        left = MAX_CODE_ATTEMPTS - record.attempts
        raise ValidationError(
            _("The code is wrong (%(left)d tries left).") % {"left": left}
            if left
            else _("Too many wrong codes: ask for a new one."),
            code="code_wrong",
        )
    return record


def contact_verify(user: User, code: str, *, now: datetime | None = None) -> User:
    """Prove the contact with the registration code. The ID number stays unverified: only the digital-ID
    login proves that the account holder is the person of that number (name, date of birth and number are
    not secrets, so a match in the population database proves nothing about who typed them)."""
    now = now or timezone.now()
    record = contact_code_check(user, CodePurpose.VERIFY_CONTACT, code, now=now)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if record.channel == "email":
            locked.email_verified_at = now
        else:
            locked.phone_verified_at = now
        locked.save(update_fields=["email_verified_at", "phone_verified_at"])
    return locked


# --- login -----------------------------------------------------------------------------------------


def login_candidates(identifier: str) -> list[User]:
    """The accounts an identifier may name: username, e-mail, mobile number or verified ID number."""
    value = (identifier or "").strip()
    if not value:
        return []
    condition = Q(username=value)
    if "@" in value:
        condition |= Q(email=value.lower())
    digits = phone_normalise(value)
    if ID_NUMBER.match(digits):
        condition |= Q(id_number=digits, id_verified_at__isnull=False)
    if VN_MOBILE.match(digits):
        condition |= Q(phone=digits)
    return list(User.objects.filter(condition).order_by("id")[:5])


def _failure_keys(identifier: str, candidates: list[User]) -> list[str]:
    if candidates:
        return [f"user:{user.pk}" for user in candidates]
    return ["name:" + " ".join(identifier.casefold().split())[:70]]


def _retry_at(queryset_filter: Q, limit: int, window: int, now: datetime) -> datetime | None:
    """When the failures in the window drop below ``limit`` again, or None if they are below it now."""
    recent = list(
        LoginFailure.objects.filter(queryset_filter, at__gt=now - timedelta(seconds=window))
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    return recent[limit - 1] + timedelta(seconds=window)


def login_throttled_until(keys: list[str], ip: str | None, now: datetime) -> datetime | None:
    limit, window = settings.MOTCUA_LOGIN_ACCOUNT_RATE
    moments = [_retry_at(Q(account_key=key), limit, window, now) for key in keys]
    if ip:
        ip_limit, ip_window = settings.MOTCUA_LOGIN_IP_RATE
        moments.append(_retry_at(Q(ip=ip), ip_limit, ip_window, now))
    found = [moment for moment in moments if moment is not None]
    return max(found) if found else None


def account_authenticate(
    identifier: str, password: str, *, ip: str | None, now: datetime | None = None
) -> User:
    """The account the identifier and password open, or ``LoginRefused`` (wrong, throttled, locked, contact
    not yet verified). A failure is counted for every account the identifier may name and for the address."""
    now = now or timezone.now()
    candidates = login_candidates(identifier)
    keys = _failure_keys(identifier, candidates)
    retry_at = login_throttled_until(keys, ip, now)
    if retry_at is not None:
        raise LoginRefused(
            _("Too many failed logins. For your safety, try again after %(time)s.")
            % {"time": local_time(retry_at)},
            code="throttled",
            retry_at=retry_at,
        )
    user = next((u for u in candidates if u.has_usable_password() and u.check_password(password)), None)
    if not candidates:
        # The same work as checking a real password, so the answer time does not tell that none exists.
        User().set_password(password)
    if user is None:
        LoginFailure.objects.bulk_create([LoginFailure(at=now, account_key=key, ip=ip) for key in keys])
        raise LoginRefused(_("The login details are wrong. Check them and try again."), code="invalid")
    if not user.is_active:
        raise LoginRefused(_("This account is locked. Contact the portal's support."), code="inactive")
    if user.is_applicant and not user.contact_verified:
        raise LoginRefused(
            _(
                "Your phone number or e-mail is not verified yet: enter the code we sent to finish registering."
            ),
            code="unverified",
            user=user,
        )
    LoginFailure.objects.filter(account_key__in=_failure_keys(identifier, [user])).delete()
    return user


# --- password ---------------------------------------------------------------------------------------


def password_reset_request(identifier: str, *, now: datetime | None = None) -> User | None:
    """Send a reset code to the verified phone or e-mail of the account the identifier names. The caller
    answers the same whatever happens: the result is only kept to check the code later."""
    now = now or timezone.now()
    user = next(
        (
            u
            for u in login_candidates(identifier)
            if u.is_active and _code_target(u, CodePurpose.PASSWORD_RESET)[1]
        ),
        None,
    )
    if user is None:
        return None
    # Asked again too soon: the code already sent stays valid, and saying so would reveal the account.
    with contextlib.suppress(ValidationError):
        contact_code_send(user, CodePurpose.PASSWORD_RESET, now=now)
    return user


def password_reset_complete(
    user: User | None, code: str, password: str, *, now: datetime | None = None
) -> User:
    now = now or timezone.now()
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    # One message for every failure, the same as when no account matched: the page must not tell a stranger
    # that the identifier they typed belongs to someone.
    refused = ValidationError(
        {"code": [_("The code is wrong or no longer valid: check it, or ask for a new one.")]},
        code="code_wrong",
    )
    if user is None:
        raise refused
    try:
        contact_code_check(user, CodePurpose.PASSWORD_RESET, code, now=now)
    except ValidationError as exc:
        raise refused from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    LoginFailure.objects.filter(account_key=f"user:{user.pk}").delete()
    return user


# --- digital ID ----------------------------------------------------------------------------------------


class IdentityOutcome:
    LOGGED_IN = "logged_in"
    CREATED = "created"
    LINKED = "linked"


def account_from_identity(
    claims: IdentityClaims, *, link_to: User | None = None, now: datetime | None = None
) -> tuple[User, str]:
    """What a verified digital identity does: link it to ``link_to``, or log in the account that holds the
    verified ID number, or create a citizen account from it. ``ValidationError`` with a message otherwise."""
    now = now or timezone.now()
    if link_to is not None:
        return _identity_link(claims, link_to, now), IdentityOutcome.LINKED
    existing = User.objects.filter(id_number=claims.id_number, id_verified_at__isnull=False).first()
    if existing is not None:
        if not existing.is_active:
            raise ValidationError(_("This account is locked. Contact the portal's support."), code="inactive")
        return existing, IdentityOutcome.LOGGED_IN
    user = User(
        username=_username("vneid-"),
        kind=AccountKind.CITIZEN,
        full_name=claims.full_name,
        id_number=claims.id_number,
        id_verified_at=now,
        date_of_birth=claims.date_of_birth,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Another request created it a moment ago (two tabs): log in that account.
        return User.objects.get(
            id_number=claims.id_number, id_verified_at__isnull=False
        ), IdentityOutcome.LOGGED_IN
    return user, IdentityOutcome.CREATED


def _identity_link(claims: IdentityClaims, account: User, now: datetime) -> User:
    refused = _(
        "This ID number is already linked to another account. Log in with the digital ID to use that account."
    )
    if account.kind != AccountKind.CITIZEN:
        raise ValidationError(_("Only a citizen account can be linked to a digital ID."), code="not_citizen")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=account.pk)
        if locked.id_verified_at is not None:
            if locked.id_number != claims.id_number:
                raise ValidationError(
                    _("Your account is already verified with another ID number."), code="other_id"
                )
            return locked
        if id_number_taken(claims.id_number, exclude=locked.pk):
            raise ValidationError(refused, code="id_taken")
        locked.id_number = claims.id_number
        locked.id_verified_at = now
        locked.full_name = claims.full_name
        if claims.date_of_birth is not None:
            locked.date_of_birth = claims.date_of_birth
        try:
            with transaction.atomic():
                locked.save(update_fields=["id_number", "id_verified_at", "full_name", "date_of_birth"])
        except IntegrityError:
            raise ValidationError(refused, code="id_taken") from None
    return locked
