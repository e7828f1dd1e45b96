"""Inbox pages read as one index scan per agency and status (``Visibility.page``) and counts read per side
of the scope (``Visibility.count``) give exactly what the plain scoped query gives."""

from __future__ import annotations

import itertools
from dataclasses import astuple
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import User
from motcua.dossiers import selectors
from motcua.dossiers.models import Applicant, Dossier, DossierStatus
from motcua.dossiers.selectors import Visibility, Window, inbox_page, visibility_for
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from .conftest import version_of, vn

RUNNING = (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS)
STATUS_SETS: tuple[tuple[str, ...], ...] = (
    RUNNING,
    (DossierStatus.WAITING_SUPPLEMENT,),
    tuple(DossierStatus.values),
)


@pytest.fixture
def officer(org: dict[str, Agency]) -> User:
    # Receives at the provincial centre and processes for the Department of Justice (and its division).
    return staff(
        "centre-and-justice", (org["center"], Role.RECEPTION_OFFICER), (org["justice"], Role.SPECIALIST)
    )


@pytest.fixture
def spread(catalog: Any, org: dict[str, Agency], geo: dict[str, Any]) -> list[Dossier]:
    """Dossiers over every (receiving unit, competent agency, status) pair, with due dates that tie."""
    version = version_of("9.000001")
    applicant = Applicant.objects.create(kind="person", full_name="Trần Thị Bình", id_number="024099012345")
    units = [org["center"], org["desk"]]
    competent = [org["justice"], org["justice_div"], org["commune"], org["construction"]]
    start = vn(2026, 3, 2, 9)
    rows = []
    for n, (unit, agency, status) in enumerate(itertools.product(units, competent, DossierStatus.values * 2)):
        received = start + timedelta(hours=n % 7)
        rows.append(
            Dossier(
                code=f"{unit.code}-260302-{n:04d}",
                procedure_version=version,
                receiving_unit=unit,
                competent_agency=agency,
                applicant=applicant,
                channel="counter",
                status=status,
                received_at=received,
                # Only seven distinct due dates: most rows tie and the id must break the tie.
                due_at=received + timedelta(days=3),
            )
        )
    return Dossier.objects.bulk_create(rows)


def walk(
    qs: Any, size: int, visibility: Visibility | None, statuses: tuple[str, ...], fields: tuple[str, ...] = ()
) -> list[int]:
    """Every page from the first: through ``visibility.page`` (``qs`` unscoped), else the plain query."""
    seen: list[int] = []
    after = None
    for _ in range(200):
        if visibility is None:
            page = inbox_page(qs, after=after, size=size)
        else:
            page = visibility.page(qs, statuses, after=after, size=size, fields=fields)
        seen += [d["id"] if fields else d.pk for d in page.items]
        if page.next_after is None:
            return seen
        after = page.next_after
    raise AssertionError("paging did not end")


@pytest.mark.parametrize("statuses", STATUS_SETS)
@pytest.mark.parametrize("max_branches", [64, 2])  # one scan per agency and status; one per side
def test_branch_pages_equal_the_plain_query(
    spread: list[Dossier],
    officer: User,
    org: dict[str, Agency],
    statuses: tuple[str, ...],
    max_branches: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(selectors, "MAX_BRANCHES", max_branches)
    visibility = visibility_for(officer)
    scope = {org["center"].pk, org["justice"].pk, org["justice_div"].pk}
    assert set(visibility.agency_ids or ()) == scope
    qs = Dossier.objects.filter(status__in=statuses)
    expected = [
        d.pk
        for d in sorted(spread, key=lambda d: (d.due_at, d.pk))
        if d.status in statuses and (d.receiving_unit_id in scope or d.competent_agency_id in scope)
    ]
    # Some dossiers are in scope on both sides (received at the centre, settled by Justice): one row each.
    assert any(
        d.receiving_unit_id == org["center"].pk and d.competent_agency_id == org["justice"].pk for d in spread
    )
    for size in (1, 3, 20):
        assert walk(qs, size, visibility, statuses) == expected
        assert walk(visibility.scoped(qs), size, None, statuses) == expected
    # Other filters of ``qs`` apply on top of the scope and the statuses.
    narrowed = qs.filter(competent_agency=org["justice_div"])
    assert walk(narrowed, 2, visibility, statuses) == [
        pk for pk in expected if Dossier.objects.get(pk=pk).competent_agency_id == org["justice_div"].pk
    ]


@pytest.mark.parametrize("statuses", STATUS_SETS)
def test_rows_of_a_page_without_other_filters_equal_the_plain_query(
    spread: list[Dossier], officer: User, org: dict[str, Agency], statuses: tuple[str, ...]
) -> None:
    """The first tab and the API's list: no filter but the scope, the branch SQL built once per process
    with the cursor as markers, the rows read by their keys as ``values()`` rows."""
    visibility = visibility_for(officer)
    scope = set(visibility.agency_ids or ())
    expected = [
        d.pk
        for d in sorted(spread, key=lambda d: (d.due_at, d.pk))
        if d.status in statuses and (d.receiving_unit_id in scope or d.competent_agency_id in scope)
    ]
    for size in (1, 3, 20, 20):  # 20 twice: the second walk reuses the compiled SQL
        assert walk(Dossier.objects.all(), size, visibility, statuses, fields=("code", "status")) == expected
    page = visibility.page(Dossier.objects.all(), statuses, size=3, fields=("code",))
    assert [row["code"] for row in page.items] == [Dossier.objects.get(pk=pk).code for pk in expected[:3]]


def test_branch_page_is_a_fixed_number_of_queries(spread: list[Dossier], officer: User) -> None:
    visibility = visibility_for(officer)
    assert len(visibility.branches(RUNNING)) == 2 * 3 * 2  # sides × agencies × statuses
    qs = Dossier.objects.select_related("applicant", "competent_agency")
    with CaptureQueriesContext(connection) as queries:
        page = visibility.page(qs, RUNNING, size=5)
        names = [(d.applicant.full_name, d.competent_agency.code) for d in page.items]
    # PostgreSQL: the keys through the branches, then the rows; SQLite: the plain query.
    assert len(queries.captured_queries) == (2 if connection.vendor == "postgresql" else 1)
    assert len(names) == 5


def test_global_scope_branches_per_status(spread: list[Dossier], org: dict[str, Agency]) -> None:
    supervisor = staff("supervisor", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR))
    visibility = visibility_for(supervisor)
    assert visibility.agency_ids is None and visibility.sides() is None
    expected = [d.pk for d in sorted(spread, key=lambda d: (d.due_at, d.pk)) if d.status in RUNNING]
    assert walk(Dossier.objects.all(), 4, visibility, RUNNING) == expected
    assert visibility.count(Dossier.objects.filter(status__in=RUNNING), 10_000) == len(expected)


def test_empty_scope_sees_nothing(spread: list[Dossier]) -> None:
    outsider = staff("nobody")
    visibility = visibility_for(outsider)
    assert visibility.agency_ids == ()
    assert walk(Dossier.objects.all(), 5, visibility, RUNNING) == []
    assert visibility.count(Dossier.objects.all(), 100) == 0


@pytest.mark.parametrize("statuses", STATUS_SETS)
def test_counts_per_side_equal_the_plain_count(
    spread: list[Dossier], officer: User, statuses: tuple[str, ...]
) -> None:
    visibility = visibility_for(officer)
    qs = Dossier.objects.filter(status__in=statuses)
    total = visibility.scoped(qs).count()
    assert 0 < total < qs.count()
    assert visibility.count(qs, 10_000) == total
    # Capped: never less than the cap when there are more rows (each side reads at most the cap).
    assert 3 <= visibility.count(qs, 3) <= 6


def test_open_counts_in_one_statement_equal_the_plain_counts(
    spread: list[Dossier], officer: User, org: dict[str, Agency]
) -> None:
    """``Visibility.open_counts`` (one function call on PostgreSQL) gives each window's scoped count,
    capped per side, whatever the moment splitting the due dates."""
    dues = sorted(d.due_at for d in spread)
    waiting = ("waiting_supplement",)
    people = [officer, staff("supervisor", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR)), staff("nobody")]
    for now, soon in [(dues[len(dues) // 2], dues[-2]), (dues[0], dues[1]), (dues[-1], dues[-1])]:
        windows = [
            Window(RUNNING),
            Window(RUNNING, due_from=now, due_before=soon),
            Window(RUNNING, due_before=now),
            Window(waiting),
        ]
        for user in people:
            visibility = visibility_for(user)
            plain = [visibility.scoped(Dossier.objects.filter(w.condition())).count() for w in windows]
            assert any(plain) == (user.username != "nobody")
            with CaptureQueriesContext(connection) as queries:
                assert list(astuple(visibility.open_counts(RUNNING, waiting, now, soon, 10_000))) == plain
            if connection.vendor == "postgresql" and visibility.agency_ids != ():
                assert len(queries.captured_queries) == 1
            # Capped at 2 per side (two sides at most): "at least 2" whenever there are more.
            capped = astuple(visibility.open_counts(RUNNING, waiting, now, soon, 2))
            for n, p in zip(capped, plain, strict=True):
                assert min(p, 2) <= n <= min(p, 4), (user.username, capped, plain)


def test_sides_are_disjoint_and_cover_the_scope(spread: list[Dossier], officer: User) -> None:
    visibility = visibility_for(officer)
    sides = visibility.sides()
    assert sides is not None
    first, second = (set(Dossier.objects.filter(side).values_list("pk", flat=True)) for side in sides)
    assert not first & second
    assert first | second == set(visibility.dossiers().values_list("pk", flat=True))


def test_visibility_resolves_the_scope_in_one_query(officer: User) -> None:
    fresh = User.objects.get(pk=officer.pk)
    with CaptureQueriesContext(connection) as queries:
        visibility = visibility_for(fresh)
    # The user's roles, then the agencies below them for every viewing capability at once.
    assert len(queries.captured_queries) == 2
    assert isinstance(visibility, Visibility)


def test_the_branch_count_is_the_number_of_branches() -> None:
    from motcua.dossiers.selectors import MAX_BRANCHES, Visibility

    for agency_ids in [None, (), (1,), (1, 2, 3), tuple(range(1, MAX_BRANCHES))]:
        visibility = Visibility(agency_ids)
        for statuses in [("received",), ("received", "in_progress"), ("finished", "returned", "refused")]:
            assert visibility._branch_count(statuses) == len(visibility.branches(statuses))
