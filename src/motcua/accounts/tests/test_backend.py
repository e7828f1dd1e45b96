"""The session's user is read with their roles in one query; inactive or unknown users are not loaded."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.accounts.backends import AccountBackend
from motcua.accounts.models import User
from motcua.org.models import Agency, Role
from motcua.org.scoping import Capability, _grants, can_at
from tests.fixtures import staff


def test_the_users_roles_come_with_the_user(org: dict[str, Agency]) -> None:
    officer = staff("desk", (org["center"], Role.RECEPTION_OFFICER), (org["justice"], Role.SPECIALIST))
    with CaptureQueriesContext(connection) as queries:
        user = AccountBackend().get_user(officer.pk)
        assert user is not None and user.username == "desk" and user.password == officer.password
        assert can_at(user, Capability.DOSSIER_RECEIVE, org["center"].path)
        assert not can_at(user, Capability.DOSSIER_RECEIVE, org["justice"].path)
    assert len(queries.captured_queries) == 1
    fresh = User.objects.get(pk=officer.pk)
    for capability in Capability:
        assert sorted(_grants(user, capability)) == sorted(_grants(fresh, capability)), capability


def test_inactive_unknown_and_malformed_users_are_not_loaded(org: dict[str, Agency]) -> None:
    officer = staff("gone", (org["center"], Role.RECEPTION_OFFICER))
    User.objects.filter(pk=officer.pk).update(is_active=False)
    backend = AccountBackend()
    assert backend.get_user(officer.pk) is None
    assert backend.get_user(10**9) is None
    assert backend.get_user("not-a-number") is None


def test_password_login_and_a_session_still_work(org: dict[str, Agency]) -> None:
    staff("desk2", (org["center"], Role.RECEPTION_OFFICER))
    client = Client()
    assert client.login(username="desk2", password="pw-Test-123456")
    response = client.get("/mot-cua/ho-so/")
    assert response.status_code == 200


def test_sessions_are_read_by_their_key_and_expire(org: dict[str, Agency]) -> None:
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from motcua.accounts.sessions import SessionStore

    store = SessionStore()
    store["tab"] = "qua-han"
    store.save()
    key = store.session_key
    assert key and SessionStore(key).load() == {"tab": "qua-han"}
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
