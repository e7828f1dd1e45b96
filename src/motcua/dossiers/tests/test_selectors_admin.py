"""Scoping of dossier reads, keyset inbox pages and the read-only admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossiers_for_user, dossiers_visible_to, inbox_page, may_view
from motcua.dossiers.services import dossier_receive
from motcua.org.models import Agency, Role
from motcua.org.scoping import Capability
from tests.fixtures import staff

from .conftest import PDF, version_of, vn


def receive(officer: User, unit: Agency, person: dict[str, Any], day: int, hour: int = 9) -> Dossier:
    return dossier_receive(
        officer=officer,
        receiving_unit=unit,
        procedure_version=version_of("9.000001"),
        applicant=person,
        channel="counter",
        form_data={},
        files={"TP1": [("a.pdf", PDF)]},
        received_at=vn(2026, 3, day, hour, 0),
    )


@pytest.fixture
def dossiers(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> list[Dossier]:
    # Two dossiers per day on three days: the due dates tie in pairs, so paging must break ties on id.
    return [receive(desk_officer, org["desk"], person, day, hour) for day in (2, 3, 4) for hour in (9, 10)]


def test_scoping(
    dossiers: list[Dossier], org: dict[str, Agency], desk_officer: User, commune_specialist: User
) -> None:
    everything = {d.pk for d in dossiers}
    # The desk sees what it received; the commune committee what it settles.
    assert (
        set(dossiers_for_user(desk_officer, Capability.DOSSIER_RECEIVE).values_list("pk", flat=True))
        == everything
    )
    assert (
        set(dossiers_for_user(commune_specialist, Capability.DOSSIER_PROCESS).values_list("pk", flat=True))
        == everything
    )
    assert not dossiers_for_user(desk_officer, Capability.DOSSIER_PROCESS).exists()
    outsider = staff("justice-specialist", (org["justice"], Role.SPECIALIST))
    assert not dossiers_for_user(outsider, Capability.DOSSIER_PROCESS).exists()
    assert not dossiers_visible_to(outsider).exists()
    supervisor = staff("supervisor", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR))
    assert dossiers_for_user(supervisor, Capability.MONITOR).count() == len(dossiers)
    assert dossiers_visible_to(supervisor).count() == len(dossiers)


def test_may_view_agrees_with_the_visibility_filter(
    dossiers: list[Dossier], org: dict[str, Agency], desk_officer: User, commune_specialist: User
) -> None:
    """The single-dossier check (the API detail) decides as the list filter does, for every kind of user."""
    people = [
        desk_officer,
        commune_specialist,
        staff("justice-specialist", (org["justice"], Role.SPECIALIST)),
        staff("supervisor", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR)),
        User.objects.create_user("no-role", password="x"),
    ]
    rows = Dossier.objects.values_list("pk", "receiving_unit__path", "competent_agency__path")
    for user in people:
        visible = set(dossiers_visible_to(user).values_list("pk", flat=True))
        decided = {pk for pk, unit, agency in rows if may_view(user, unit, agency)}
        assert decided == visible, user.username


def test_inbox_pages_walk_every_dossier_once_in_due_order(
    dossiers: list[Dossier], commune_specialist: User
) -> None:
    qs = dossiers_for_user(commune_specialist, Capability.DOSSIER_PROCESS)
    seen: list[Dossier] = []
    after = None
    pages = 0
    while True:
        with CaptureQueriesContext(connection) as queries:
            page = inbox_page(qs, after=after, size=4)
        assert len(queries.captured_queries) <= 2  # scoping + the page, whatever the depth
        seen.extend(page.items)
        pages += 1
        if page.next_after is None:
            break
        after = page.next_after
    assert pages == 2
    assert [d.pk for d in seen] == [d.pk for d in sorted(dossiers, key=lambda d: (d.due_at, d.pk))]
    assert inbox_page(qs, size=1000).next_after is None  # the size is capped, not an error


def test_admin_is_read_only_and_scoped(
    client: Client, dossiers: list[Dossier], org: dict[str, Agency], desk_officer: User
) -> None:
    client.force_login(desk_officer)
    listing = client.get("/quan-tri/dossiers/dossier/")
    assert listing.status_code == 200
    assert dossiers[0].code in listing.text
    assert client.get("/quan-tri/dossiers/dossier/add/").status_code == 403
    detail = client.get(f"/quan-tri/dossiers/dossier/{dossiers[0].pk}/change/")
    assert detail.status_code == 200
    assert dossiers[0].code in detail.text and "a.pdf" in detail.text  # the inline attachment
    assert 'name="_save"' not in detail.text  # nothing to save
    assert client.post(f"/quan-tri/dossiers/dossier/{dossiers[0].pk}/delete/").status_code == 403
    search = client.get("/quan-tri/dossiers/dossier/", {"q": "024099012345"})
    assert search.status_code == 200 and dossiers[0].code in search.text

    outsider = staff("justice-specialist", (org["justice"], Role.SPECIALIST))
    client.force_login(outsider)
    listing = client.get("/quan-tri/dossiers/dossier/")
    assert listing.status_code == 200 and dossiers[0].code not in listing.text
    assert client.get(f"/quan-tri/dossiers/dossier/{dossiers[0].pk}/change/").status_code == 302

    nobody = staff("no-role")
    client.force_login(nobody)
    assert client.get("/quan-tri/dossiers/dossier/").status_code == 403
