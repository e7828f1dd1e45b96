"""Issuing and checking API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from .models import ApiToken, User


def token_issue(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the clear text is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hashlib.sha256(raw.encode()).hexdigest(), prefix=raw[:8]
    )
    return token, raw


def token_user(raw: str) -> User | None:
    digest = hashlib.sha256(raw.encode()).hexdigest()
    token = ApiToken.objects.select_related("user").filter(key_hash=digest, is_active=True).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
