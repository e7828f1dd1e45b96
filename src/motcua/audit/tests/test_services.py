"""Access records: written at once (``access_record``) or while a page renders (``access_recorded``), with the
same row either way, never lost when the block queries, and failing the request when the row is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import User
from motcua.audit.models import AccessLog
from motcua.audit.services import access_record, access_recorded

ROW = ("user_id", "ip", "channel", "action", "object_type", "object_ref", "detail")


def _request(user: Any) -> Any:
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    request.user = user
    return request


def _rows() -> list[tuple[Any, ...]]:
    return list(AccessLog.objects.order_by("id").values_list(*ROW))


@pytest.mark.django_db
def test_recorded_block_writes_the_same_row_as_a_record() -> None:
    user = User.objects.create_user(username="xem", password="x")
    access_record(
        _request(user), channel="web", action="view", object_type="dossier", object_ref="A-1", detail="d"
    )
    with access_recorded(
        _request(user), channel="web", action="view", object_type="dossier", object_ref="A-1", detail="d"
    ):
        pass
    first, second = _rows()
    assert first == second == (user.pk, "10.1.2.3", "web", "view", "dossier", "A-1", "d")


@pytest.mark.django_db
def test_inside_a_transaction_the_record_is_written_before_the_block() -> None:
    with (
        transaction.atomic(),
        access_recorded(
            _request(AnonymousUser()), channel="api", action="view", object_type="dossier", object_ref="B-2"
        ),
    ):
        assert _rows() == [(None, "10.1.2.3", "api", "view", "dossier", "B-2", "")]


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the record is sent ahead of its answer on PostgreSQL only"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_autocommit_record_is_committed_when_the_block_ends() -> None:
    user = User.objects.create_user(username="xem2", password="x")
    with (
        CaptureQueriesContext(connection) as queries,
        access_recorded(
            _request(user), channel="web", action="view", object_type="dossier", object_ref="C-3"
        ),
    ):
        pass
    # Counted like any query, and durable: another connection sees it.
    assert [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert _rows() == [(user.pk, "10.1.2.3", "web", "view", "dossier", "C-3", "")]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_query_in_the_block_first_collects_the_record() -> None:
    user = User.objects.create_user(username="xem3", password="x")
    with access_recorded(
        _request(user), channel="web", action="view", object_type="dossier", object_ref="D-4"
    ):
        # The connection carries one statement at a time: this read waits for the INSERT's answer, then runs.
        assert _rows() == [(user.pk, "10.1.2.3", "web", "view", "dossier", "D-4", "")]
        assert User.objects.filter(pk=user.pk).exists()
    assert len(_rows()) == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_refused_record_fails_the_block_and_leaves_nothing() -> None:
    ghost = User(pk=987654321, username="ghost")  # no such row: the foreign key refuses the record at commit
    refused = pytest.raises(DatabaseError, match="access record not written")
    with (
        refused,
        access_recorded(_request(ghost), channel="web", action="view", object_type="dossier", object_ref="E"),
    ):
        pass
    assert _rows() == []
    # The connection is usable afterwards.
    assert AccessLog.objects.count() == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_block_still_leaves_the_record_and_the_connection_usable() -> None:
    user = User.objects.create_user(username="xem4", password="x")
    failed = pytest.raises(ZeroDivisionError)
    with (
        failed,
        access_recorded(_request(user), channel="web", action="view", object_type="dossier", object_ref="F"),
    ):
        1 / 0  # noqa: B018
    assert _rows() == [(user.pk, "10.1.2.3", "web", "view", "dossier", "F", "")]
    assert connection.execute_wrappers == []
