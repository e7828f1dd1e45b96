"""The session's user is read with their roles in one query; inactive or unknown users are not loaded."""

from __future__ import annotations

from typing import Any

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

    from django.utils import timezone

    from motcua.accounts.models import UserSession
    from motcua.accounts.sessions import SessionStore

    store = SessionStore()
    store["tab"] = "qua-han"
    store.save()
    key = store.session_key
    assert key and SessionStore(key).load() == {"tab": "qua-han"}
    UserSession.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


def test_the_session_brings_its_user_and_roles_in_one_query(org: dict[str, Agency]) -> None:
    from django.contrib.auth import get_user
    from django.test import RequestFactory

    from motcua.accounts.models import UserSession
    from motcua.accounts.sessions import SessionStore

    officer = staff("desk3", (org["center"], Role.RECEPTION_OFFICER))
    client = Client()
    assert client.login(username="desk3", password="pw-Test-123456")
    key = client.cookies["sessionid"].value
    assert UserSession.objects.get(session_key=key).user_id == officer.pk
    request = RequestFactory().get("/")
    request.session = SessionStore(key)
    with CaptureQueriesContext(connection) as queries:
        user = get_user(request)
        assert user.pk == officer.pk and can_at(user, Capability.DOSSIER_RECEIVE, org["center"].path)
    assert len(queries.captured_queries) == 1
    # The row read with a session serves only that session's user, once.
    request.session = SessionStore(key)
    request.session.load()
    with CaptureQueriesContext(connection) as queries:
        assert AccountBackend().get_user(officer.pk + 1000) is None
        assert AccountBackend().get_user(officer.pk) is not None
    assert len(queries.captured_queries) == 2
    # A user who is deleted loses their sessions; one who is deactivated is not loaded from them.
    User.objects.filter(pk=officer.pk).update(is_active=False)
    request.session = SessionStore(key)
    assert get_user(request).is_anonymous
    officer.delete()
    assert not UserSession.objects.filter(session_key=key).exists()


def test_logging_out_keeps_no_user_on_the_session(org: dict[str, Agency]) -> None:
    from motcua.accounts.models import UserSession

    staff("desk4", (org["center"], Role.RECEPTION_OFFICER))
    client = Client()
    assert client.login(username="desk4", password="pw-Test-123456")
    client.post("/dang-xuat/")
    assert not UserSession.objects.exclude(user=None).filter(user__username="desk4").exists()


def test_active_user_replaces_the_lazy_proxy_and_refuses_the_others(org: dict[str, Agency]) -> None:
    import pytest
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory
    from django.utils.functional import SimpleLazyObject

    from motcua.accounts.selectors import active_user

    def lazily(read: Any) -> Any:  # what AuthenticationMiddleware puts on a request
        return SimpleLazyObject(read)

    officer = staff("desk4", (org["center"], Role.RECEPTION_OFFICER))
    request = RequestFactory().get("/")
    request.user = lazily(lambda: User.objects.get(pk=officer.pk))
    user = active_user(request)
    # The user itself, not the proxy, and the request now carries it for the templates.
    assert type(user) is User and user.pk == officer.pk
    assert type(request.user) is User and request.user is user
    # A plain user (no proxy) comes back as it is.
    plain = User.objects.get(pk=officer.pk)
    request.user = plain
    assert active_user(request) is plain
    for refused in (AnonymousUser(), lazily(AnonymousUser)):
        request.user = refused
        with pytest.raises(PermissionDenied):
            active_user(request)
    User.objects.filter(pk=officer.pk).update(is_active=False)
    request.user = lazily(lambda: User.objects.get(pk=officer.pk))
    with pytest.raises(PermissionDenied):
        active_user(request)
