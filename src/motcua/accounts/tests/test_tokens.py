"""API bearer tokens: the clear text is never stored; use is recorded to the minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from motcua.accounts.models import ApiToken, User
from motcua.accounts.tokens import LAST_USED_RESOLUTION, token_issue, token_user

T0 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_token_checks_and_records_use_to_the_minute() -> None:
    user = User.objects.create_user("connector", password="pw-Test-123456")
    token, raw = token_issue(user, "portal")
    assert raw not in token.key_hash and token.prefix == raw[:8]
    assert token_user("wrong") is None
    with time_machine.travel(T0, tick=False):
        assert token_user(raw) == user
    assert ApiToken.objects.get(pk=token.pk).last_used_at == T0
    # Within the resolution another call changes nothing; after it, the time moves on.
    with time_machine.travel(T0 + LAST_USED_RESOLUTION - timedelta(seconds=1), tick=False):
        assert token_user(raw) == user
    assert ApiToken.objects.get(pk=token.pk).last_used_at == T0
    later = T0 + LAST_USED_RESOLUTION
    with time_machine.travel(later, tick=False):
        assert token_user(raw) == user
    assert ApiToken.objects.get(pk=token.pk).last_used_at == later
    ApiToken.objects.filter(pk=token.pk).update(is_active=False)
    assert token_user(raw) is None
