"""Issuing and checking API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from motcua.core.compiled import CompiledQuery
from motcua.org.scoping import roles_text

from .backends import USER_FIELDS, user_from_row
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


# Every API call starts here: the look-up is compiled once (``motcua.core.compiled``), the user and their
# roles come with the same row.
_TOKEN = CompiledQuery(
    lambda key_hash: (
        ApiToken.objects.filter(key_hash=key_hash, is_active=True)
        .order_by()
        .annotate(roles=roles_text("user_id"))
        .values("id", "last_used_at", "roles", *(f"user__{field.name}" for field in USER_FIELDS))[:1]
    ),
    key_hash="\x00key",
)


def token_user(raw: str) -> User | None:
    digest = hashlib.sha256(raw.encode()).hexdigest()
    row = _TOKEN.first(key_hash=digest)
    if row is None or not row["user__is_active"]:
        return None
    user = user_from_row(row, prefix="user__")
    now = timezone.now()
    if row["last_used_at"] is None or now - row["last_used_at"] >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row["id"]).update(last_used_at=now)
    return user
