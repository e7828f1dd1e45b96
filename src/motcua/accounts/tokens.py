"""Issuing and checking API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from .models import ApiToken, User


def token_issue(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the clear text is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hashlib.sha256(raw.encode()).hexdigest(), prefix=raw[:8]
    )
    return token, raw


# ``last_used_at`` tells an administrator whether a token is still in use; to the minute is enough, and
# writing it on every call cost a committed UPDATE per API read (a busy connector calls many times a second).
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_user(raw: str) -> User | None:
    digest = hashlib.sha256(raw.encode()).hexdigest()
    token = ApiToken.objects.select_related("user").filter(key_hash=digest, is_active=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
