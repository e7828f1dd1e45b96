"""Reads on dossiers, scoped by ``motcua.org.scoping`` and written for inboxes of millions of rows.

Lists page by keyset on ``(due_at, id)`` (the tail of the ``dossier_agency_inbox`` and
``dossier_status_due`` indexes), so a page costs the same whatever its depth; OFFSET paging would scan every
skipped row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet

from motcua.core.compiled import CompiledQuery, MarkedSql
from motcua.org.scoping import AnyUser, Capability, agencies_for, agency_ids_for_any, can_at, is_global

from .counting import FUNCTION as COUNT_FUNCTION
from .models import Dossier, DossierEvent

# The capabilities that let an officer see a dossier at all (the admin's read-only list uses them all).
VIEW_CAPABILITIES: tuple[Capability, ...] = (
    Capability.DOSSIER_RECEIVE,
    Capability.DOSSIER_PROCESS,
    Capability.DOSSIER_REVIEW,
    Capability.MONITOR,
)

MAX_PAGE_SIZE = 100

# At most this many index scans under one page query (``Visibility.branches``); a wider scope (an officer
# of a whole department tree) is read as one scan per side instead.
MAX_BRANCHES = 64

# Marker values of a branch's SQL, replaced by each agency and status (``Visibility._branch_keys``).
_AGENCY_MARK = -7_000_000_001
_STATUS_MARK = "\x00status"
# The cursor's (``_keyset`` names its moment twice): moments no dossier is due at and a key none has.
_AFTER_MARK = datetime(1001, 1, 1, tzinfo=UTC)
_SAME_MARK = datetime(1001, 1, 2, tzinfo=UTC)
_LAST_ID_MARK = -7_000_000_002
# The keys of a page's rows (``_rows_by_keys``): _KEY_MARK, _KEY_MARK - 1, …
_KEY_MARK = -7_100_000_000


def dossiers_for_user(user: AnyUser, capability: Capability) -> QuerySet[Dossier]:
    """Dossiers whose competent agency or receiving unit is in the user's scope for ``capability``."""
    if is_global(user, capability):
        return Dossier.objects.all()
    agencies = agencies_for(user, capability)
    return Dossier.objects.filter(Q(competent_agency__in=agencies) | Q(receiving_unit__in=agencies))


@dataclass(frozen=True)
class InboxPage:
    # Dossiers, or ``values()`` rows when the page was read with ``fields``.
    items: list[Any]
    # Pass as ``after`` to get the next page; None on the last page.
    next_after: tuple[datetime, int] | None


def _keyset(qs: QuerySet[Dossier], after: tuple[datetime, int] | None) -> QuerySet[Dossier]:
    qs = qs.order_by("due_at", "id")
    if after is not None:
        due_at, last_id = after
        qs = qs.filter(Q(due_at__gt=due_at) | Q(due_at=due_at, id__gt=last_id))
    return qs


def _page_size(size: int) -> int:
    return max(1, min(int(size), MAX_PAGE_SIZE))


def _cut(rows: list[Any], size: int) -> InboxPage:
    """The page of the first ``size`` of ``rows`` (read with one more, to know whether a next page exists):
    dossiers, or ``values()`` dicts holding the cursor's columns."""
    items = rows[:size]
    if len(rows) <= size:
        return InboxPage(items, None)
    last = items[-1]
    return InboxPage(
        items, (last["due_at"], last["id"]) if isinstance(last, dict) else (last.due_at, last.pk)
    )


def _page(qs: QuerySet[Dossier], size: int, fields: Sequence[str] = ()) -> InboxPage:
    if fields:
        # Dicts of the named columns (plus the cursor's): no model instances to build for a list.
        return _cut(list(qs.values(*{*fields, "due_at", "id"})[: size + 1]), size)
    return _cut(list(qs[: size + 1]), size)


# A page's rows read by their keys: one ``CompiledQuery`` per column list and page size, the key list
# padded to the page size with a key no dossier has (building the query cost more than running it).
_ROWS_BY_KEYS: dict[tuple[tuple[str, ...], int], CompiledQuery] = {}
_NO_DOSSIER = 0


def _rows_by_keys(keys: Sequence[int], fields: Sequence[str], limit: int) -> InboxPage:
    """The page of ``limit - 1`` rows (``fields`` plus the cursor's) of the dossiers ``keys`` (at most
    ``limit``, in any order), in (due date, id) order."""
    columns = tuple(sorted({*fields, "due_at", "id"}))
    compiled = _ROWS_BY_KEYS.get((columns, limit))
    if compiled is None:
        markers = {f"k{i}": _KEY_MARK - i for i in range(limit)}
        compiled = CompiledQuery(
            lambda **keys: (
                Dossier.objects.filter(pk__in=list(keys.values())).order_by("due_at", "id").values(*columns)
            ),
            **markers,
        )
        _ROWS_BY_KEYS[(columns, limit)] = compiled
    padded = [*keys, *[_NO_DOSSIER] * (limit - len(keys))]
    return _cut(compiled.rows(**{f"k{i}": key for i, key in enumerate(padded)}), limit - 1)


def inbox_page(qs: QuerySet[Dossier], after: tuple[datetime, int] | None = None, size: int = 20) -> InboxPage:
    """One page of ``qs`` ordered by (due date, id), starting after the ``(due_at, id)`` cursor."""
    return _page(_keyset(qs, after), _page_size(size))


def _combined_subqueries(qs: QuerySet[Dossier]) -> bool:
    # PostgreSQL runs a UNION ALL of ordered, limited scans; SQLite (the embedded default, small tables)
    # does not accept LIMIT inside a compound statement and reads the plain query instead.
    return bool(connections[qs.db].features.supports_slicing_ordering_in_compound)


@dataclass(frozen=True)
class Visibility:
    """The dossiers a user may see: those whose competent agency or receiving unit is one of
    ``agency_ids`` (None: every dossier). Resolved once per request with ``visibility_for``."""

    agency_ids: tuple[int, ...] | None

    def condition(self) -> Q | None:
        """The filter of the visible dossiers; None: all.

        The agencies are a literal list of keys: ``IN (…)`` lets PostgreSQL use the inbox indexes, where a
        sub-select on agency paths made it scan and sort (80 ms → a few ms at 1M dossiers)."""
        if self.agency_ids is None:
            return None
        if not self.agency_ids:
            return Q(pk__in=[])
        return Q(competent_agency_id__in=self.agency_ids) | Q(receiving_unit_id__in=self.agency_ids)

    def scoped(self, qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
        condition = self.condition()
        return qs if condition is None else qs.filter(condition)

    def dossiers(self) -> QuerySet[Dossier]:
        return self.scoped(Dossier.objects.all())

    def branches(self, statuses: Sequence[str]) -> list[Q]:
        """Conditions whose union is the visible dossiers in ``statuses``, each one an equality prefix of
        an inbox index (``dossier_agency_inbox``, ``dossier_unit_inbox``, ``dossier_status_due``), so that
        each is read in (due date, id) order by one index scan.

        The scope is an OR over two columns and a list of statuses: as one query PostgreSQL can only
        collect every matching row (a bitmap over both indexes) and sort them, which at 1M dossiers meant
        sorting a centre's whole open set for each page. A scope too wide for one scan per agency and
        status (more than ``MAX_BRANCHES``) is read as one scan per side, each sorted on its own."""
        if self.agency_ids is None:
            return [Q(status=status) for status in statuses]
        if not self.agency_ids:
            return [Q(pk__in=[])]
        if 2 * len(self.agency_ids) * len(statuses) > MAX_BRANCHES:
            return [
                Q(competent_agency_id__in=self.agency_ids, status__in=statuses),
                Q(receiving_unit_id__in=self.agency_ids, status__in=statuses),
            ]
        return [
            Q(**{field: agency, "status": status})
            for field in ("competent_agency_id", "receiving_unit_id")
            for agency in self.agency_ids
            for status in statuses
        ]

    def sides(self) -> list[Q] | None:
        """Two disjoint conditions whose union is the visible dossiers, each served by one inbox index;
        None when the scope is everything or nothing."""
        if not self.agency_ids:
            return None
        return [
            Q(competent_agency_id__in=self.agency_ids),
            Q(receiving_unit_id__in=self.agency_ids) & ~Q(competent_agency_id__in=self.agency_ids),
        ]

    def page(
        self,
        qs: QuerySet[Dossier],
        statuses: Sequence[str],
        after: tuple[datetime, int] | None = None,
        size: int = 20,
        fields: Sequence[str] = (),
    ) -> InboxPage:
        """One page, in (due date, id) order after the cursor, of the visible dossiers of ``qs`` in
        ``statuses``; ``qs`` holds the other filters (tab, search), not the scope.

        On PostgreSQL the page's keys are read as the first ``size + 1`` rows of each of ``branches`` (one
        index-ordered scan each, under a UNION ALL) kept in order, then its rows (two queries). A dossier
        in two branches (its receiving unit and its competent agency both in scope) is one row. Every row
        of the page is among the first ``size + 1`` of a branch it belongs to, so the page is the plain
        query's; only the plan differs (at 1M dossiers: a few index entries instead of a sort of thousands).
        With ``fields`` the items are ``values()`` rows of those columns instead of dossiers.
        """
        size = _page_size(size)
        if self._branch_count(statuses) > 1 and _combined_subqueries(qs):
            # The page's keys first, then its rows with their relations: planning the joins around the
            # UNION ALL took longer (≈8 ms) than running the two queries.
            keys = self._branch_keys(qs.select_related(None), after, statuses, size + 1)
            if keys is None:
                bare = _keyset(qs, after).select_related(None)
                heads = [bare.filter(branch).values("id")[: size + 1] for branch in self.branches(statuses)]
                union = bare.filter(pk__in=heads[0].union(*heads[1:], all=True)).values_list("id", flat=True)
                keys = list(union[: size + 1])
            if fields:
                return _rows_by_keys(keys, fields, size + 1)
            return _page(_keyset(qs, after).filter(pk__in=keys), size, fields)
        return _page(self.scoped(_keyset(qs, after)).filter(status__in=statuses), size, fields)

    def _branch_count(self, statuses: Sequence[str]) -> int:
        """``len(self.branches(statuses))``, without building them."""
        if self.agency_ids is None:
            return len(statuses)
        if not self.agency_ids:
            return 1
        per_agency = 2 * len(self.agency_ids) * len(statuses)
        return 2 if per_agency > MAX_BRANCHES else per_agency

    def _branch_keys(
        self,
        qs: QuerySet[Dossier],
        after: tuple[datetime, int] | None,
        statuses: Sequence[str],
        limit: int,
    ) -> list[int] | None:
        """The first ``limit`` keys after the cursor, in (due date, id) order, of the branches of a scope of
        one agency per branch (None for the wide fallback): one branch's SQL is built by the ORM with marker
        values and repeated for each agency and status (building a dozen querysets cost more than the
        scans). ``qs`` holds the other filters; without any (the first tab, the API's list) the branch's
        SQL is built once per process (``_BRANCH_SQL``), the cursor a marker too."""
        if self.agency_ids is None:
            combos: list[tuple[str, int | None, str]] = [("", None, status) for status in statuses]
        elif 2 * len(self.agency_ids) * len(statuses) > MAX_BRANCHES:
            return None
        else:
            combos = [
                (field, agency, status)
                for field in ("competent_agency_id", "receiving_unit_id")
                for agency in self.agency_ids
                for status in statuses
            ]
        plain = not qs.query.where
        marked: dict[str, MarkedSql] = {}
        parts: list[str] = []
        params: list[Any] = []
        for field, agency, status in combos:
            if field not in marked:
                shape = (field, limit, after is not None)
                known = _BRANCH_SQL.get(shape) if plain else None
                marked[field] = known or _branch_sql(qs, field, limit, with_cursor=after is not None)
                if plain and known is None:
                    _BRANCH_SQL[shape] = marked[field]
            values: dict[str, Any] = {"status": status}
            if field:
                values["agency"] = agency
            if after is not None:
                values["due_after"] = values["due_same"] = after[0]
                values["last_id"] = after[1]
            parts.append(f"({marked[field].sql})")
            params += marked[field].params(**values)
        sql = (
            f"SELECT id FROM (SELECT DISTINCT id, due_at FROM ({' UNION ALL '.join(parts)}) AS heads) AS keys"
            " ORDER BY due_at, id LIMIT %s"
        )
        with connections[qs.db].cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            return [row[0] for row in cursor.fetchall()]

    def count(self, qs: QuerySet[Dossier], cap: int) -> int:
        """The number of visible dossiers of ``qs`` (other filters, not the scope), reading at most ``cap``
        index entries per side of the scope: a result ``>= cap`` means "at least ``cap``". One query.

        Counted per side (competent agency in scope; else receiving unit in scope) so each side is one
        index range, not a bitmap over both indexes."""
        qs = qs.order_by()
        sides = self.sides()
        if sides is not None and _combined_subqueries(qs):
            heads = [qs.filter(side).values("pk")[:cap] for side in sides]
            return heads[0].union(*heads[1:], all=True).count()
        return self.scoped(qs).values("pk")[:cap].count()

    def open_counts(
        self, running: Sequence[str], waiting: Sequence[str], now: datetime, soon: datetime, cap: int
    ) -> OpenCounts:
        """The visible dossiers in ``running`` statuses (all, due in ``[now, soon)``, due before ``now``)
        and in ``waiting`` ones, each counted as ``count`` does (at most ``cap`` index entries per side).

        An inbox shows these four on every view: built with the ORM (two capped sub-selects under a UNION
        each) they cost ≈4 ms of query building apiece at 1M dossiers, more than the index reads
        themselves. On PostgreSQL they are one call of ``dossiers/counting.py``'s function."""
        if self.agency_ids is not None and not self.agency_ids:
            return OpenCounts(0, 0, 0, 0)
        connection = connections[Dossier.objects.db]
        if connection.vendor != "postgresql":
            windows = [
                Window(tuple(running)),
                Window(tuple(running), due_from=now, due_before=soon),
                Window(tuple(running), due_before=now),
                Window(tuple(waiting)),
            ]
            return OpenCounts(*(self.count(Dossier.objects.filter(w.condition()), cap) for w in windows))
        agencies = None if self.agency_ids is None else list(self.agency_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {COUNT_FUNCTION}(%s::integer[], %s::text[], %s::text[], %s, %s, %s)",
                [agencies, list(running), list(waiting), now, soon, cap],
            )
            row = cursor.fetchone()
        return OpenCounts(*(int(n) for n in row[0]))


@dataclass(frozen=True)
class OpenCounts:
    """``Visibility.open_counts``: each a count capped per side of the scope."""

    running: int
    due_soon: int
    overdue: int
    waiting: int


# The SQL of one branch of a page without other filters, per (side, limit, with a cursor).
_BRANCH_SQL: dict[tuple[str, int, bool], MarkedSql] = {}


def _branch_sql(qs: QuerySet[Dossier], field: str, limit: int, *, with_cursor: bool) -> MarkedSql:
    """One branch's head of ``qs`` (the first ``limit`` rows of an agency side and a status, after a
    cursor) as SQL with markers for the agency, the status and the cursor."""
    markers: dict[str, Any] = {"status": _STATUS_MARK}
    branch: dict[str, Any] = {"status": _STATUS_MARK}
    if field:
        branch[field] = markers["agency"] = _AGENCY_MARK
    head = qs.filter(**branch).order_by("due_at", "id")
    if with_cursor:
        # ``_keyset``'s condition, its moment under two markers (each must appear once).
        markers.update(due_after=_AFTER_MARK, due_same=_SAME_MARK, last_id=_LAST_ID_MARK)
        head = head.filter(Q(due_at__gt=_AFTER_MARK) | Q(due_at=_SAME_MARK, id__gt=_LAST_ID_MARK))
    return MarkedSql(head.values("id", "due_at")[:limit], **markers)


@dataclass(frozen=True)
class Window:
    """The dossiers in ``statuses`` whose due date is in ``[due_from, due_before)`` (None: unbounded)."""

    statuses: tuple[str, ...]
    due_from: datetime | None = None
    due_before: datetime | None = None

    def condition(self) -> Q:
        condition = Q(status__in=self.statuses)
        if self.due_from is not None:
            condition &= Q(due_at__gte=self.due_from)
        if self.due_before is not None:
            condition &= Q(due_at__lt=self.due_before)
        return condition


def visibility_for(user: AnyUser) -> Visibility:
    """Who sees what through any of ``VIEW_CAPABILITIES``: one query for the agencies of the user's roles."""
    return Visibility(agency_ids_for_any(user, VIEW_CAPABILITIES))


def may_view(user: AnyUser, receiving_unit_path: str, competent_agency_path: str) -> bool:
    """Whether the user may see a dossier with these agencies (the test ``visibility_for`` makes as a
    filter), from the user's roles alone: a dossier read by its code needs no list of agencies."""
    return any(
        can_at(user, capability, path)
        for capability in VIEW_CAPABILITIES
        for path in (competent_agency_path, receiving_unit_path)
    )


def visible_condition(user: AnyUser) -> Q | None:
    """The filter of the dossiers the user may see through any of ``VIEW_CAPABILITIES``; None: all."""
    return visibility_for(user).condition()


def dossiers_visible_to(user: AnyUser) -> QuerySet[Dossier]:
    """Dossiers the user may see through any of ``VIEW_CAPABILITIES``."""
    return visibility_for(user).dossiers()


def dossier_timeline(dossier: Dossier, public_only: bool = False) -> QuerySet[DossierEvent]:
    """The dossier's history in order; ``public_only`` keeps what the applicant is shown."""
    events = DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("at", "id")
    if public_only:
        events = events.filter(public=True)
    return events
