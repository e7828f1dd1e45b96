"""API bearer tokens: the clear text is never stored; use is recorded to the minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import ApiToken, User
from motcua.accounts.tokens import LAST_USED_RESOLUTION, token_issue, token_user
from motcua.org.models import Agency, Role
from motcua.org.scoping import Capability, _grants, can_at
from tests.fixtures import staff

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


def test_the_token_brings_the_user_and_their_roles(org: dict[str, Agency]) -> None:
    """The user and roles read with the token are those the other requests read on their own."""
    officer = staff("connector", (org["center"], Role.RECEPTION_OFFICER), (org["justice"], Role.SPECIALIST))
    _, raw = token_issue(officer, "portal")
    user = token_user(raw)
    assert user is not None
    assert (user.pk, user.username, user.is_active, user.password) == (
        officer.pk,
        officer.username,
        True,
        officer.password,
    )
    fresh = User.objects.get(pk=officer.pk)
    for capability in Capability:
        assert sorted(_grants(user, capability)) == sorted(_grants(fresh, capability)), capability
    with CaptureQueriesContext(connection) as queries:
        assert can_at(user, Capability.DOSSIER_RECEIVE, org["center"].path)
        assert not can_at(user, Capability.DOSSIER_RECEIVE, org["justice"].path)
    assert not queries.captured_queries  # the roles came with the token
    # A user without roles: none, and still no query of their own.
    loner = User.objects.create_user("loner", password="pw-Test-123456")
    _, raw = token_issue(loner, "other")
    alone = token_user(raw)
    assert alone is not None
    with CaptureQueriesContext(connection) as queries:
        assert not can_at(alone, Capability.DOSSIER_RECEIVE, org["center"].path)
    assert not queries.captured_queries
