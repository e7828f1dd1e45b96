"""Who may do what where: the one place where MotCua's scoping rules live.

A role held in an agency applies to that agency and every agency below it in the tree. The
provincial supervisor reads everything. Selectors build their querysets from ``agencies_for``;
views and admin pages ask ``can``. The permission matrix test walks every role × capability.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.db.models import Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.aggregates import StringAgg
from django.db.models.functions import Cast, Concat

from motcua.accounts.models import User
from motcua.core.compiled import CompiledQuery

from .models import Agency, Role, StaffRole


class Capability(StrEnum):
    CATALOG_VIEW = "catalog_view"  # see draft and unpublished procedures of the agency
    CATALOG_MANAGE = "catalog_manage"  # create, edit and publish the agency's procedures
    DOSSIER_RECEIVE = "dossier_receive"
    DOSSIER_PROCESS = "dossier_process"
    DOSSIER_REVIEW = "dossier_review"
    RESULT_SIGN = "result_sign"
    MONITOR = "monitor"
    # Satisfaction ratings (TT 01/2018 Art. 13–15): the figures per agency and per officer, the ratings and
    # their comments. Leaders and supervisors evaluate with them; an agency administrator reports them.
    RATINGS_VIEW = "ratings_view"


MATRIX: dict[Role, frozenset[Capability]] = {
    Role.RECEPTION_OFFICER: frozenset({Capability.DOSSIER_RECEIVE, Capability.CATALOG_VIEW}),
    Role.SPECIALIST: frozenset({Capability.DOSSIER_PROCESS, Capability.CATALOG_VIEW}),
    Role.HEAD_OF_DIVISION: frozenset(
        {
            Capability.DOSSIER_PROCESS,
            Capability.DOSSIER_REVIEW,
            Capability.CATALOG_VIEW,
            Capability.MONITOR,
            Capability.RATINGS_VIEW,
        }
    ),
    Role.AGENCY_LEADER: frozenset(
        {
            Capability.DOSSIER_REVIEW,
            Capability.RESULT_SIGN,
            Capability.CATALOG_VIEW,
            Capability.MONITOR,
            Capability.RATINGS_VIEW,
        }
    ),
    Role.AGENCY_ADMIN: frozenset(
        {Capability.CATALOG_MANAGE, Capability.CATALOG_VIEW, Capability.RATINGS_VIEW}
    ),
    Role.PROVINCIAL_SUPERVISOR: frozenset(
        {Capability.CATALOG_VIEW, Capability.MONITOR, Capability.RATINGS_VIEW}
    ),
}

# request.user is either a real account or the anonymous user; both are accepted everywhere here.
AnyUser = User | AnonymousUser

# Roles whose reach is the whole system, not the agency subtree.
GLOBAL_ROLES = frozenset({Role.PROVINCIAL_SUPERVISOR})


def roles_with(capability: Capability) -> list[Role]:
    return [role for role, caps in MATRIX.items() if capability in caps]


# Read on every officer request: compiled once (``motcua.core.compiled``).
_ROLES = CompiledQuery(
    lambda user_id: StaffRole.objects.filter(user_id=user_id).order_by().values("role", "agency__path"),
    user_id=-7_000_000_001,
)


def _role_cache(user: User) -> dict[str, list[tuple[str, str]]]:
    cache: dict[str, list[tuple[str, str]]] | None = getattr(user, "_motcua_role_cache", None)
    if cache is None:
        cache = roles_prime(
            user, [(row["role"], row["agency__path"]) for row in _ROLES.rows(user_id=user.pk)]
        )
    return cache


def _grants(user: User, capability: Capability) -> list[tuple[str, str]]:
    """(role, agency path) pairs of the user's roles that carry the capability. Cached per user object."""
    return _role_cache(user)[capability.value]


def role_paths(user: User) -> dict[str, set[str]]:
    """The agency paths in which ``user`` holds each role, from the same per-request cache as ``can``
    (read with the user, or one query the first time)."""
    _role_cache(user)
    paths: dict[str, set[str]] = {}
    for role, path in user._motcua_role_rows:  # type: ignore[attr-defined]
        if path:
            paths.setdefault(role, set()).add(path)
    return paths


# The roles that carry each capability (the matrix is constant; built once, not per request).
_ROLES_OF: dict[str, frozenset[str]] = {
    cap.value: frozenset(r.value for r in roles_with(cap)) for cap in Capability
}


def roles_prime(
    user: User, rows: Iterable[tuple[str, str]], subtrees: dict[str, tuple[int, ...]] | None = None
) -> dict[str, list[tuple[str, str]]]:
    """Keep the user's (role, agency path) pairs on the user object for this request, when they were read
    with the user (the session's and the API token's look-ups read them in the same query), with the ids
    of the agencies under each path when they were read too (``roles_text``)."""
    rows = list(rows)
    cache = {cap: [(role, path) for role, path in rows if role in roles] for cap, roles in _ROLES_OF.items()}
    user._motcua_role_rows = rows  # type: ignore[attr-defined]
    user._motcua_role_cache = cache  # type: ignore[attr-defined]
    user._motcua_subtrees = subtrees or {}  # type: ignore[attr-defined]
    return cache


# How ``roles_text`` joins a user's roles into one value (agency paths are digits and slashes):
# ``role|path|id,id,…;role|path|…``.
ROLE_PATH_SEPARATOR = "|"
ROLES_SEPARATOR = ";"
SUBTREE_SEPARATOR = ","


def _subtree_text(path_ref: str) -> Subquery:
    """The ids of the agencies under the outer query's ``path_ref`` (itself included), as one text."""
    return Subquery(
        Agency.objects.filter(path__startswith=OuterRef(path_ref))
        .order_by()
        # A constant to "group" by: one aggregate over the whole subtree (constants are not grouped on).
        .annotate(whole=Value(1))
        .values("whole")
        .annotate(ids=StringAgg(Cast("id", CharField()), Value(SUBTREE_SEPARATOR)))
        .values("ids")
    )


def roles_text(user_ref: str) -> Subquery:
    """A sub-select of the roles of the user whose key is the outer query's ``user_ref``, as one text
    (``role|path|ids;…``; None without roles): read with the user instead of a query of its own. ``ids``
    are the agencies under the role's agency, which the lists and inboxes of every request filter on
    (``agency_ids_for_any``); a global role's are not read (it sees everything)."""
    return Subquery(
        StaffRole.objects.filter(user_id=OuterRef(user_ref))
        .order_by()
        .values("user_id")
        .annotate(
            text=StringAgg(
                Concat(
                    "role",
                    Value(ROLE_PATH_SEPARATOR),
                    "agency__path",
                    Value(ROLE_PATH_SEPARATOR),
                    Case(
                        When(role__in=GLOBAL_ROLES, then=Value("")),
                        default=_subtree_text("agency__path"),
                        output_field=CharField(),
                    ),
                    output_field=CharField(),
                ),
                Value(ROLES_SEPARATOR),
            )
        )
        .values("text")
    )


def roles_parse(text: str | None) -> list[tuple[str, str]]:
    """The (role, agency path) pairs of a ``roles_text``."""
    pairs = []
    for item in (text or "").split(ROLES_SEPARATOR):
        if item:
            role, _, rest = item.partition(ROLE_PATH_SEPARATOR)
            pairs.append((role, rest.partition(ROLE_PATH_SEPARATOR)[0]))
    return pairs


def subtrees_parse(text: str | None) -> dict[str, tuple[int, ...]]:
    """The ids of the agencies under each agency path of a ``roles_text`` (global roles' left out)."""
    subtrees: dict[str, tuple[int, ...]] = {}
    for item in (text or "").split(ROLES_SEPARATOR):
        path, _, ids = item.partition(ROLE_PATH_SEPARATOR)[2].partition(ROLE_PATH_SEPARATOR)
        if ids:
            subtrees[path] = tuple(int(pk) for pk in ids.split(SUBTREE_SEPARATOR))
    return subtrees


def is_global(user: AnyUser, capability: Capability) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(role in GLOBAL_ROLES for role, _ in _grants(user, capability))


def agencies_for(user: AnyUser, capability: Capability) -> QuerySet[Agency]:
    """The agencies in which ``user`` holds ``capability`` (one query, whatever the tree size)."""
    if not isinstance(user, User) or not user.is_active:
        return Agency.objects.none()
    if is_global(user, capability):
        return Agency.objects.all()
    paths = {path for _, path in _grants(user, capability)}
    if not paths:
        return Agency.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Agency.objects.filter(condition)


def agencies_for_any(user: AnyUser, capabilities: Iterable[Capability]) -> QuerySet[Agency] | None:
    """The agencies in which ``user`` holds at least one of ``capabilities`` (one query); None when one of
    them is global (every agency, no need to list them)."""
    paths = _paths_for_any(user, capabilities)
    if paths is None:
        return None
    if not paths:
        return Agency.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Agency.objects.filter(condition)


def _paths_for_any(user: AnyUser, capabilities: Iterable[Capability]) -> list[str] | None:
    """The sorted agency paths of the user's roles that grant one of ``capabilities``; None when one of
    them is global (every agency), empty for an inactive or anonymous user."""
    capabilities = tuple(capabilities)
    if not isinstance(user, User) or not user.is_active:
        return []
    if any(is_global(user, capability) for capability in capabilities):
        return None
    return sorted({path for capability in capabilities for _, path in _grants(user, capability)})


def agency_ids_for_any(user: AnyUser, capabilities: Iterable[Capability]) -> tuple[int, ...] | None:
    """The sorted ids of ``agencies_for_any`` (None: every agency): read with the user's roles when the
    user was read with them (``roles_text``), else by one statement whose SQL is built once per number of
    role paths: it runs on every list and inbox request."""
    paths = _paths_for_any(user, capabilities)
    if paths is None:
        return None
    if not paths:
        return ()
    subtrees: dict[str, tuple[int, ...]] = getattr(user, "_motcua_subtrees", {})
    if all(path in subtrees for path in paths):
        return tuple(sorted({pk for path in paths for pk in subtrees[path]}))
    connection = connections[Agency.objects.db]
    sql = _AGENCIES_UNDER.get((connection.vendor, len(paths)))
    if sql is None:
        qn = connection.ops.quote_name
        path_column = qn(Agency._meta.get_field("path").column or "path")
        pk = qn(Agency._meta.pk.column or "id")
        # The backend's own "starts with" operator (SQLite's needs its ESCAPE clause).
        like = connection.operators["startswith"]  # type: ignore[attr-defined]
        under = " OR ".join(f"{path_column} {like}" for _ in paths)
        sql = f"SELECT {pk} FROM {qn(Agency._meta.db_table)} WHERE {under} ORDER BY {pk}"
        _AGENCIES_UNDER[(connection.vendor, len(paths))] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql, [f"{connection.ops.prep_for_like_query(path)}%" for path in paths])
        return tuple(row[0] for row in cursor.fetchall())


# ``agency_ids_for_any``'s SQL per database and number of path prefixes.
_AGENCIES_UNDER: dict[tuple[str, int], str] = {}


def can(user: AnyUser, capability: Capability, agency: Agency | None) -> bool:
    """Whether ``user`` holds ``capability`` in ``agency`` (None: in at least one agency)."""
    if agency is None:
        if not isinstance(user, User) or not user.is_active:
            return False
        return is_global(user, capability) or bool(_grants(user, capability))
    return can_at(user, capability, agency.path)


def can_at(user: AnyUser, capability: Capability, agency_path: str) -> bool:
    """Whether ``user`` holds ``capability`` in the agency whose tree path is ``agency_path`` (read with the
    row that names the agency, so that no agency needs loading)."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if is_global(user, capability):
        return True
    return any(agency_path.startswith(path) for _, path in _grants(user, capability))
