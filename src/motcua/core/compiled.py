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
from django.db.models import Model, QuerySet
from django.db.models.expressions import Subquery
from django.db.models.functions import JSONObject
from django.db.models.query import ModelIterable, get_related_populators
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
    # The columns' converters (``results_iter`` works them out again on every evaluation).
    converters: dict[int, Any]
    composite: bool


@dataclass(frozen=True)
class _Instances:
    """How ``ModelIterable`` turns a row into a model instance, worked out once: the model's columns,
    the ``select_related`` populators (stateless unless the fetch mode tracks peers) and annotations."""

    model: type[Model]
    start: int
    end: int
    init_list: list[str]
    populators: list[Any]
    annotations: dict[str, int]
    fetch_mode: Any


class CompiledQuery:
    """``build(**markers)`` must return a queryset whose filters use each keyword once: a ``values()``
    one, read with ``rows()``/``first()`` as dicts, or a model one (``select_related`` and annotations
    allowed, no ``prefetch_related``), read with ``objects()``/``object()`` as model instances.

    ``CompiledQuery(lambda code: Dossier.objects.filter(code=code).values("id", "status")[:1],
    code="\\x00code")`` then ``.rows(code="000.00.01.H24-261201-0001")`` → ``[{"id": …, "status": …}]``.
    Markers are values no caller passes, of the parameter's type."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], **markers: Any) -> None:
        self._build = build
        self._markers = markers
        self._compiled: _Compiled | None = None
        self._instances: _Instances | None = None

    def _compile(self) -> _Compiled:
        queryset = self._build(**self._markers)
        alias = queryset.db
        query = queryset.query
        is_values = queryset._iterable_class is not ModelIterable
        compiler = query.get_compiler(using=alias)
        sql, params, positions = _compile_marked(compiler, self._markers)
        if is_values:
            names = (
                list(query.selected) if query.selected else [*query.values_select, *query.annotation_select]
            )
        else:
            if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
                raise ImproperlyConfigured(
                    "CompiledQuery cannot prefetch: read the related rows with their own"
                )
            self._instances = self._instances_of(queryset, compiler, alias)
            names = []
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        compiled = _Compiled(
            alias,
            compiler,
            sql,
            params,
            positions,
            names,
            compiler.get_converters(fields),
            compiler.has_composite_fields(fields),
        )
        self._compiled = compiled
        return compiled

    @staticmethod
    def _instances_of(queryset: QuerySet[Any, Any], compiler: SQLCompiler, alias: str) -> _Instances:
        # What ``ModelIterable.__iter__`` computes on every evaluation; ``as_sql`` filled these in.
        select, klass_info = compiler.select, compiler.klass_info
        assert klass_info is not None
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        fetch_mode = queryset._fetch_mode  # type: ignore[attr-defined]
        if fetch_mode.track_peers:
            # Peers are the instances of one evaluation: the populators would carry them across calls.
            raise ImproperlyConfigured("CompiledQuery cannot build instances that fetch their peers")
        return _Instances(
            model=klass_info["model"],
            start=start,
            end=end,
            init_list=[column[0].target.attname for column in select[start:end]],
            populators=get_related_populators(klass_info, select, alias, fetch_mode),
            annotations=dict(compiler.annotation_col_map or {}),
            fetch_mode=fetch_mode,
        )

    def _run(self, values: dict[str, Any], *, as_objects: bool) -> tuple[_Compiled, list[Any]]:
        if values.keys() != self._markers.keys():
            raise TypeError(f"CompiledQuery expects {sorted(self._markers)}, got {sorted(values)}")
        compiled = self._compiled or self._compile()
        # Refused before the SQL runs: the caller's values may be markers no database accepts (NUL).
        if as_objects and self._instances is None:
            raise ImproperlyConfigured("CompiledQuery.objects() needs a model queryset: use rows()")
        if not as_objects and not compiled.names:
            raise ImproperlyConfigured("CompiledQuery.rows() needs a values() queryset: use objects()")
        params = list(compiled.params)
        for name, value in values.items():
            params[compiled.positions[name]] = value
        with connections[compiled.alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            raw = cursor.fetchall()
        if compiled.composite:
            return compiled, list(compiled.compiler.results_iter([raw]))
        if compiled.converters:
            return compiled, list(compiled.compiler.apply_converters(raw, compiled.converters))
        return compiled, raw

    def rows(self, **values: Any) -> list[dict[str, Any]]:
        compiled, rows = self._run(values, as_objects=False)
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in rows]

    def first(self, **values: Any) -> dict[str, Any] | None:
        rows = self.rows(**values)
        return rows[0] if rows else None

    def objects(self, **values: Any) -> list[Any]:
        compiled, rows = self._run(values, as_objects=True)
        how = self._instances
        assert how is not None
        populators = how.populators
        built = []
        for row in rows:
            obj = how.model.from_db(
                compiled.alias, how.init_list, row[how.start : how.end], fetch_mode=how.fetch_mode
            )
            for populator in populators:
                populator.populate(row, obj)
            for name, position in how.annotations.items():
                setattr(obj, name, row[position])
            built.append(obj)
        return built

    def object(self, **values: Any) -> Any | None:
        found = self.objects(**values)
        return found[0] if found else None


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
