from __future__ import annotations

import select
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError, connections
from django.db.models import Field
from django.http import HttpRequest
from django.utils import timezone
from psycopg import pq

from motcua.core.ratelimit import client_ip

from .models import AccessLog

# Every read of personal data writes one row: the INSERT is written once here instead of being built by the
# ORM on each call (a fifth of an API detail read's time). Values still go through each field's own
# preparation for the database, as the ORM's insert does.
_FIELDS: list[Field[Any, Any]] = [
    field for field in AccessLog._meta.concrete_fields if field.name in AccessLog.AUDITED_FIELDS
]


def _insert_sql(vendor_quote: Any) -> str:
    columns = ", ".join(vendor_quote(field.column) for field in _FIELDS)
    table = vendor_quote(AccessLog._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(_FIELDS))})"


def _statement(
    connection: Any,
    request: HttpRequest,
    *,
    channel: str,
    action: str,
    object_type: str,
    object_ref: str,
    detail: str,
) -> tuple[str, list[Any]]:
    """The INSERT of one record of ``request``'s user and address, with its values prepared for the database."""
    user = getattr(request, "user", None)
    ip = client_ip(request)
    values = {
        "at": timezone.now(),
        "user": user.pk if user is not None and user.is_authenticated else None,
        "ip": ip if ip != "unknown" else None,
        "channel": channel,
        "action": action,
        "object_type": object_type,
        "object_ref": object_ref[:80],
        "detail": detail[:255],
    }
    params = [field.get_db_prep_save(values[field.name], connection) for field in _FIELDS]
    return _insert_sql(connection.ops.quote_name), params


def access_record(
    request: HttpRequest, *, channel: str, action: str, object_type: str, object_ref: str, detail: str = ""
) -> None:
    """Append who read what, from where, now (in the caller's transaction, if any)."""
    connection = connections[AccessLog.objects.db]
    sql, params = _statement(
        connection,
        request,
        channel=channel,
        action=action,
        object_type=object_type,
        object_ref=object_ref,
        detail=detail,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def access_recorded(
    request: HttpRequest, *, channel: str, action: str, object_type: str, object_ref: str, detail: str = ""
) -> Iterator[None]:
    """Append who read what, as ``access_record`` does, while the block runs; the block ends only once the
    record is committed.

    Why: a committed INSERT waits for PostgreSQL to flush its WAL to disk (0.8–2.3 ms on the benchmark
    machine), a wait in which a sync worker does nothing. Here the record is sent first, the block (building
    and rendering the page, which needs no more reads) runs while PostgreSQL writes it, and the answer is
    collected at the end: the page still leaves only after its view is on disk, and a failed record still
    fails the request. Any query the block makes collects the record first, so the connection is never
    used for two statements at once. Inside a transaction, or on another database, the record is written
    at once, exactly as ``access_record`` does.
    """
    connection = connections[AccessLog.objects.db]
    record = {
        "channel": channel,
        "action": action,
        "object_type": object_type,
        "object_ref": object_ref,
        "detail": detail,
    }
    if connection.vendor != "postgresql" or connection.in_atomic_block or not connection.get_autocommit():
        access_record(request, **record)
        yield
        return
    sql, params = _statement(connection, request, **record)
    pending = _PendingRecord(connection, sql, params)
    connection.execute_wrappers.append(pending.before_query)
    try:
        yield
    finally:
        if pending.before_query in connection.execute_wrappers:
            connection.execute_wrappers.remove(pending.before_query)
        pending.collect()


class _PendingRecord:
    """One INSERT sent through libpq's asynchronous interface (``psycopg.pq``), its result read later.

    In autocommit mode a statement sent alone is its own transaction: the server commits it (and flushes the
    WAL) before it answers, so an answer without error means the record is durable.
    """

    def __init__(self, connection: Any, sql: str, params: list[Any]) -> None:
        self.connection = connection
        self.sql = sql
        self.started = time.perf_counter()
        self.done = False
        self.params = params
        connection.ensure_connection()
        self.pgconn = connection.connection.pgconn
        # Text parameters with unspecified types: the server types them from the columns they go into.
        texts = [None if value is None else _text(value).encode() for value in params]
        # %s markers become $n for the extended protocol.
        numbered = sql % tuple(f"${n}" for n in range(1, len(params) + 1))
        # Django's wrapper turns a lost connection into its own error and marks the connection unusable.
        with connection.wrap_database_errors:
            self.pgconn.send_query_params(numbered.encode(), texts, result_format=pq.Format.TEXT)
            while self.pgconn.flush() != 0:
                select.select([], [self.pgconn.socket], [])

    def before_query(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.collect()
        return execute(sql, params, many, context)

    def collect(self) -> None:
        if self.done:
            return
        self.done = True
        pgconn = self.pgconn
        error = ""
        with self.connection.wrap_database_errors:
            pgconn.consume_input()
            while pgconn.is_busy():
                select.select([pgconn.socket], [], [])
                pgconn.consume_input()
            while (result := pgconn.get_result()) is not None:
                if result.status != pq.ExecStatus.COMMAND_OK and not error:
                    error = (result.error_message or b"").decode(
                        errors="replace"
                    ) or f"status {result.status}"
        if self.connection.queries_logged:
            self.connection.queries_log.append(
                {
                    "sql": self.sql % tuple(map(repr, self.params)),
                    "time": f"{time.perf_counter() - self.started:.3f}",
                }
            )
        if error:
            raise DatabaseError(f"access record not written: {error}")


def _text(value: Any) -> str:
    """A parameter in PostgreSQL's text input format (the access log's columns: time, integer, text)."""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
