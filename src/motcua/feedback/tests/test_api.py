"""``GET /api/v1/ratings/figures``: the figures of the caller's scope, structured errors for bad input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import User
from motcua.accounts.tokens import token_issue
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from .conftest import all_scores, clone_dossiers, rate_directly, receive, vn

pytestmark = pytest.mark.django_db

URL = "/api/v1/ratings/figures"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def ratings(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], citizen: User
) -> None:
    template = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    links = [(desk_officer, org["desk"], "receipt")]
    rate_directly(clone_dossiers(template, 2), citizen, vn(2026, 3, 5), links, attitude=1)
    rate_directly(
        clone_dossiers(template, 1, org["justice"]), citizen, vn(2026, 3, 5), **dict.fromkeys(all_scores(), 1)
    )


def test_figures_of_the_callers_scope_with_a_token(
    client: Client, ratings: None, org: dict[str, Agency]
) -> None:
    leader = staff("commune-leader-2", (org["commune"], Role.AGENCY_LEADER))
    _token, raw = token_issue(leader, "dashboard")
    response = client.get(URL, MARCH, headers={"authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    body = response.json()
    assert (body["start"], body["end"], body["max_total"], body["staff_threshold"]) == (
        "2026-03-01",
        "2026-03-31",
        18,
        5,
    )
    assert [b["code"] for b in body["bands"]] == ["excellent", "good", "fair", "average", "poor"]
    assert body["staff_indices"] == ["agency_time", "contacts", "attitude"]
    [agency] = body["agencies"]
    assert (agency["code"], agency["ratings"], agency["band"]) == ("000.00.41.H24", 2, "excellent")
    assert (
        Decimal(agency["average_total"]) == Decimal(17) and Decimal(agency["index_averages"]["attitude"]) == 1
    )
    [officer] = body["officers"]
    assert (officer["username"], officer["agency"], officer["ratings"], officer["full_duty"]) == (
        "desk-officer",
        "001.00.41.H24",
        2,
        2,
    )
    assert Decimal(officer["full_duty_percent"]) == 100


def test_the_agency_filter_and_bad_input(client: Client, ratings: None, org: dict[str, Agency]) -> None:
    supervisor = staff("supervisor", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR))
    client.force_login(supervisor)
    assert len(client.get(URL, MARCH).json()["agencies"]) == 2
    justice = client.get(URL, {**MARCH, "agency": "000.00.12.H24"}).json()
    assert [a["code"] for a in justice["agencies"]] == ["000.00.12.H24"] and justice["agencies"][0][
        "band"
    ] == "fair"
    assert justice["officers"] == []
    assert client.get(URL, {**MARCH, "agency": "999.99.99.H99"}).status_code == 404
    backwards = client.get(URL, {"start": "2026-03-31", "end": "2026-03-01"})
    assert backwards.status_code == 422 and "start must not be after end" in backwards.json()["detail"]
    assert client.get(URL, {"start": "31/03/2026"}).status_code == 422
    leader = staff("commune-leader-2", (org["commune"], Role.AGENCY_LEADER))
    client.force_login(leader)
    # Outside the scope: the same answer as an agency that does not exist.
    assert client.get(URL, {**MARCH, "agency": "000.00.12.H24"}).status_code == 404


def test_the_number_of_queries_does_not_grow(
    client: Client, ratings: None, org: dict[str, Agency], citizen: User
) -> None:
    client.force_login(staff("supervisor", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR)))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, MARCH).status_code == 200
        return len(captured)

    before = queries()
    template = Dossier.objects.filter(rating__isnull=True).order_by("id").first()
    assert template is not None
    rate_directly(clone_dossiers(template, 25, org["construction"]), citizen, vn(2026, 3, 8))
    assert queries() == before
