"""One-time codes: the second factor a signer gives before the server signs with their key.

A code is 6 digits from ``secrets``, sent through the notification outbox (SMS to the signer's phone, else
e-mail), stored as a salted hash, valid ``MOTCUA_SIGNING_CODE_SECONDS``, for at most ``MAX_ATTEMPTS`` wrong
tries, and used once. Issuing a new code voids the earlier ones of the same purpose.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.integrations.services import notification_queue

from .models import OneTimeCode

MAX_ATTEMPTS = 5
SIGN = "sign"


def _hash(user: User, purpose: str, code: str) -> str:
    message = f"{user.pk}:{purpose}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def masked_contact(user: User) -> str:
    if user.phone:
        return f"***{user.phone[-4:]}"
    if user.email:
        name, _sep, domain = user.email.partition("@")
        return f"{name[:2]}***@{domain}"
    return ""


def code_issue(user: User, purpose: str = SIGN, now: datetime | None = None) -> OneTimeCode:
    """Send a new code to the user (SMS, else e-mail); earlier unused codes of the purpose stop working."""
    now = now or timezone.now()
    channel, recipient = ("sms", user.phone) if user.phone else ("email", user.email)
    if not recipient:
        raise ValidationError(
            _(
                "Your account has no phone number or e-mail to receive the signing code: ask an administrator."
            ),
            code="no_contact",
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(used_at=now)
        record = OneTimeCode.objects.create(
            user=user,
            purpose=purpose,
            code_hash=_hash(user, purpose, code),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.MOTCUA_SIGNING_CODE_SECONDS),
        )
        notification_queue(
            channel=channel,
            recipient=recipient,
            subject="Mã xác thực ký số MotCua",
            body=f"Mã xác thực ký số của ông/bà là {code}. Mã có hiệu lực "
            f"{settings.MOTCUA_SIGNING_CODE_SECONDS // 60} phút. Không cung cấp mã này cho người khác.",
            reference=f"otp:{user.pk}",
        )
    return record


def code_check(user: User, code: str, purpose: str = SIGN, now: datetime | None = None) -> None:
    """Accept the latest code once; raise ``ValidationError`` (wrong, expired, used up) otherwise."""
    now = now or timezone.now()
    code = (code or "").strip()
    with transaction.atomic():
        record = (
            OneTimeCode.objects.select_for_update()
            .filter(user=user, purpose=purpose, used_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if record is None:
            raise ValidationError(_("Ask for a signing code first."), code="no_code")
        if record.expires_at < now:
            raise ValidationError(_("The signing code has expired: ask for a new one."), code="code_expired")
        if record.attempts >= MAX_ATTEMPTS:
            raise ValidationError(
                _("Too many wrong codes: ask for a new signing code."), code="code_attempts"
            )
        right = code.isdigit() and hmac.compare_digest(record.code_hash, _hash(user, purpose, code))
        if right:
            record.used_at = now
            record.save(update_fields=["used_at"])
        else:
            # Counted in this transaction, which commits: the error is raised after it.
            record.attempts += 1
            record.save(update_fields=["attempts"])
    if not right:
        raise ValidationError(_("The signing code is wrong."), code="code_wrong")
