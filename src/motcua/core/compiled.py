"""Querysets compiled to SQL once per process and run many times with new values.

Django builds a queryset's SQL anew on every evaluation: resolving lookups, joins and select lists costs
0.3–1 ms per query, which on the hottest reads (the public tracking page, the API's dossier detail, an
officer's roles on every request) is more than PostgreSQL takes to answer them at 1M dossiers.

A ``CompiledQuery`` builds its ``values()`` queryset once with *marker* values, keeps the SQL and where each
marker sits among the parameters, and then runs that same SQL with the caller's values, converting the
rows with the queryset's own converters (dates on SQLite, JSON fields…). The SQL text never changes, so
PostgreSQL's prepared statements (``DATABASE_PREPARED_STATEMENTS``) reuse their plan too.

MotCua runs on one database (``default``); the SQL is compiled for it. Only scalar parameters can be
bound this way (a list for ``__in`` expands to one parameter per item); a marker that does not appear
exactly once among the parameters is refused when the query is first run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import Subquery
from django.db.models.functions import JSONObject
from django.db.models.sql.compiler import SQLCompiler


def _compile_marked(
    compiler: SQLCompiler, markers: dict[str, Any]
) -> tuple[str, tuple[Any, ...], dict[str, int]]:
    sql, params = compiler.as_sql()
    positions: dict[str, int] = {}
    for name, marker in markers.items():
        found = [i for i, value in enumerate(params) if type(value) is type(marker) and value == marker]
        if len(found) != 1:
            raise ImproperlyConfigured(
                f"CompiledQuery: the marker of {name!r} appears {len(found)} times among the parameters"
            )
        positions[name] = found[0]
    return sql, tuple(params), positions


class MarkedSql:
    """One queryset's SQL with marker values, to run many times over with other values in their places
    (e.g. the same index scan for each agency and status of an inbox, under one UNION ALL)."""

    def __init__(self, queryset: QuerySet[Any, Any], **markers: Any) -> None:
        compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, self._params, self._positions = _compile_marked(compiler, markers)

    def params(self, **values: Any) -> list[Any]:
        params = list(self._params)
        for name, value in values.items():
            params[self._positions[name]] = value
        return params


@dataclass(frozen=True)
class _Compiled:
    alias: str
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    positions: dict[str, int]
    names: list[str]


class CompiledQuery:
    """``build(**markers)`` must return a ``values()`` queryset whose filters use each keyword once.

    ``CompiledQuery(lambda code: Dossier.objects.filter(code=code).values("id", "status")[:1],
    code="\\x00code")`` then ``.rows(code="000.00.01.H24-261201-0001")`` → ``[{"id": …, "status": …}]``.
    Markers are values no caller passes, of the parameter's type."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], **markers: Any) -> None:
        self._build = build
        self._markers = markers
        self._compiled: _Compiled | None = None

    def _compile(self) -> _Compiled:
        queryset = self._build(**self._markers)
        alias = queryset.db
        query = queryset.query
        if not query.values_select and not query.annotation_select:
            raise ImproperlyConfigured("CompiledQuery needs a values() queryset")
        compiler = query.get_compiler(using=alias)
        sql, params, positions = _compile_marked(compiler, self._markers)
        names = list(query.selected) if query.selected else [*query.values_select, *query.annotation_select]
        compiled = _Compiled(alias, compiler, sql, params, positions, names)
        self._compiled = compiled
        return compiled

    def rows(self, **values: Any) -> list[dict[str, Any]]:
        if values.keys() != self._markers.keys():
            raise TypeError(f"CompiledQuery expects {sorted(self._markers)}, got {sorted(values)}")
        compiled = self._compiled or self._compile()
        params = list(compiled.params)
        for name, value in values.items():
            params[compiled.positions[name]] = value
        with connections[compiled.alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            raw = cursor.fetchall()
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in compiled.compiler.results_iter([raw])]

    def first(self, **values: Any) -> dict[str, Any] | None:
        rows = self.rows(**values)
        return rows[0] if rows else None


def nested_rows(queryset: QuerySet[Any, Any], **fields: str) -> Subquery | None:
    """``queryset``'s rows as a list of JSON objects (``{name: field path}``) in one column of an outer
    query, on PostgreSQL; None on other databases, which read them with a query of their own.

    A dossier's files and history came as two more round trips after the dossier itself; as array
    sub-selects they come with it. JSON has no dates: date-times come back as ISO 8601 text (UTC)."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    # Imported here: the PostgreSQL contrib module is only needed on PostgreSQL.
    from django.contrib.postgres.expressions import ArraySubquery

    return ArraySubquery(queryset.values(row=JSONObject(**fields)))
