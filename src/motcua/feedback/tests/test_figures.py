"""Figures per agency and per officer: sums, bands, the staff threshold, the period, the scope, and a number of
queries that does not grow with the number of ratings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.feedback.selectors import Period, agency_figures, officer_figures, ratings_page
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from .conftest import clone_dossiers, rate_directly, receive, vn

pytestmark = pytest.mark.django_db

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def template(catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]) -> Dossier:
    return receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))


@pytest.fixture
def officers(org: dict[str, Agency], desk_officer: User) -> dict[str, User]:
    return {
        "desk": desk_officer,
        "commune": staff("commune-specialist", (org["commune"], Role.SPECIALIST)),
        "justice": staff("justice-specialist", (org["justice_div"], Role.SPECIALIST)),
    }


@pytest.fixture
def supervisor(org: dict[str, Agency]) -> User:
    return staff("supervisor", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR))


def test_agency_figures_sums_averages_and_bands(
    template: Dossier, org: dict[str, Agency], citizen: User, supervisor: User, officers: dict[str, User]
) -> None:
    commune = clone_dossiers(template, 3)
    justice = clone_dossiers(template, 2, org["justice"])
    # Commune: 18, 18, 9 → 15 exactly, "excellent"; justice: 12 and 11 → 11.5, "fair".
    rate_directly(commune[:2], citizen, vn(2026, 3, 5, 10))
    rate_directly(
        commune[2:],
        citizen,
        vn(2026, 3, 5, 10),
        **dict.fromkeys(
            (
                "total_time",
                "agency_time",
                "contacts",
                "agencies",
                "one_stop",
                "publication",
                "attitude",
                "feedback",
                "online",
            ),
            1,
        ),
    )
    rate_directly(justice[:1], citizen, vn(2026, 3, 6, 10), online=0, feedback=0, attitude=0)
    rate_directly(justice[1:], citizen, vn(2026, 3, 6, 10), online=0, feedback=0, attitude=0, publication=1)
    rows = {row.code: row for row in agency_figures(supervisor, MARCH)}
    assert set(rows) == {"000.00.41.H24", "000.00.12.H24"}
    commune_row, justice_row = rows["000.00.41.H24"], rows["000.00.12.H24"]
    assert (commune_row.ratings, commune_row.total_sum, commune_row.average) == (3, 45, Decimal("15.00"))
    assert commune_row.band is not None and commune_row.band.code == "excellent"
    assert commune_row.index_average("attitude") == Decimal("1.67")
    assert (justice_row.ratings, justice_row.average, justice_row.not_satisfied) == (2, Decimal("11.50"), 0)
    assert justice_row.band is not None and justice_row.band.code == "fair"
    assert justice_row.index_average("attitude") == 0


def test_the_period_is_local_days_inclusive(template: Dossier, citizen: User, supervisor: User) -> None:
    dossiers = clone_dossiers(template, 3)
    rate_directly(dossiers[:1], citizen, vn(2026, 2, 28, 23, 59))
    rate_directly(dossiers[1:2], citizen, vn(2026, 3, 1, 0, 0))
    rate_directly(dossiers[2:], citizen, vn(2026, 4, 1, 0, 0))
    rows = agency_figures(supervisor, MARCH)
    assert [row.ratings for row in rows] == [1]
    assert [
        row.ratings for row in agency_figures(supervisor, Period(date(2026, 2, 1), date(2026, 4, 1)))
    ] == [3]


def test_officer_figures_and_the_staff_threshold(
    template: Dossier, org: dict[str, Agency], citizen: User, supervisor: User, officers: dict[str, User]
) -> None:
    dossiers = clone_dossiers(template, 4)
    both = [(officers["desk"], org["desk"], "receipt"), (officers["commune"], org["commune"], "handling")]
    # Staff indices (agency time, contacts, attitude): 6, then exactly 5, then 4 → two of three reach 5.
    rate_directly(dossiers[:1], citizen, vn(2026, 3, 5), both)
    rate_directly(dossiers[1:2], citizen, vn(2026, 3, 5), both, attitude=1)
    rate_directly(dossiers[2:3], citizen, vn(2026, 3, 5), both, attitude=1, contacts=1, online=0)
    rate_directly(
        dossiers[3:], citizen, vn(2026, 3, 5), [(officers["desk"], org["desk"], "receipt")], attitude=0
    )
    rows = {row.username: row for row in officer_figures(supervisor, MARCH)}
    desk, commune = rows["desk-officer"], rows["commune-specialist"]
    assert (desk.ratings, desk.full_duty, desk.full_duty_share) == (4, 2, Decimal("50.0"))
    assert (commune.ratings, commune.full_duty, commune.full_duty_share) == (3, 2, Decimal("66.7"))
    assert commune.staff_average == Decimal("5.00") and commune.agency_code == "000.00.41.H24"
    assert (desk.total_sum, desk.average) == (18 + 17 + 14 + 16, Decimal("16.25"))


def test_a_changed_staff_rule_applies_to_the_figures(
    template: Dossier,
    org: dict[str, Agency],
    citizen: User,
    supervisor: User,
    officers: dict[str, User],
    settings: Any,
) -> None:
    rate_directly(
        clone_dossiers(template, 1),
        citizen,
        vn(2026, 3, 5),
        [(officers["desk"], org["desk"], "receipt")],
        attitude=1,
    )
    assert officer_figures(supervisor, MARCH)[0].full_duty == 1
    settings.MOTCUA_RATING_STAFF_INDICES = ["attitude"]
    settings.MOTCUA_RATING_STAFF_THRESHOLD = 2
    figure = officer_figures(supervisor, MARCH)[0]
    assert (figure.staff_sum, figure.full_duty) == (1, 0)


def test_figures_and_lists_follow_the_scope(
    template: Dossier, org: dict[str, Agency], citizen: User, supervisor: User, officers: dict[str, User]
) -> None:
    rate_directly(
        clone_dossiers(template, 2),
        citizen,
        vn(2026, 3, 5),
        [(officers["commune"], org["commune"], "handling")],
    )
    rate_directly(
        clone_dossiers(template, 1, org["justice"]),
        citizen,
        vn(2026, 3, 5),
        [(officers["justice"], org["justice_div"], "handling")],
    )
    commune_leader = staff("commune-leader-2", (org["commune"], Role.AGENCY_LEADER))
    justice_head = staff("justice-head", (org["justice_div"], Role.HEAD_OF_DIVISION))
    justice_admin = staff("justice-admin", (org["justice"], Role.AGENCY_ADMIN))
    specialist = officers["commune"]
    assert [r.code for r in agency_figures(commune_leader, MARCH)] == ["000.00.41.H24"]
    assert [r.username for r in officer_figures(commune_leader, MARCH)] == ["commune-specialist"]
    # The justice division's head sees no agency figure (the department is the competent agency) but
    # sees its own officer.
    assert agency_figures(justice_head, MARCH) == []
    assert [r.username for r in officer_figures(justice_head, MARCH)] == ["justice-specialist"]
    assert [r.code for r in agency_figures(justice_admin, MARCH)] == ["000.00.12.H24"]
    assert agency_figures(specialist, MARCH) == [] and officer_figures(specialist, MARCH) == []
    assert len(agency_figures(supervisor, MARCH)) == 2
    # The filter narrows to an agency's subtree.
    assert [r.code for r in agency_figures(supervisor, MARCH, org["justice"])] == ["000.00.12.H24"]
    assert [r.username for r in officer_figures(supervisor, MARCH, org["justice"])] == ["justice-specialist"]
    # Lists: of an agency, of an officer; nothing outside the scope.
    assert len(ratings_page(commune_leader, MARCH).items) == 2
    assert ratings_page(commune_leader, MARCH, agency=org["justice"]).items == []
    assert len(ratings_page(supervisor, MARCH, officer_id=officers["justice"].pk).items) == 1
    assert ratings_page(commune_leader, MARCH, officer_id=officers["justice"].pk).items == []


def test_lists_page_by_keyset_newest_first(
    template: Dossier, citizen: User, supervisor: User, org: dict[str, Agency], officers: dict[str, User]
) -> None:
    dossiers = clone_dossiers(template, 5)
    for day, dossier in enumerate(dossiers, start=2):
        rate_directly([dossier], citizen, vn(2026, 3, day, 9), [(officers["desk"], org["desk"], "receipt")])
    for officer_id in (None, officers["desk"].pk):
        seen: list[str] = []
        after = None
        while True:
            page = ratings_page(supervisor, MARCH, officer_id=officer_id, after=after, size=2)
            seen.extend(r.dossier.code for r in page.items)
            if page.next_after is None:
                break
            after = page.next_after
        assert seen == [d.code for d in reversed(dossiers)], officer_id


def test_the_number_of_queries_does_not_grow_with_the_ratings(
    template: Dossier, org: dict[str, Agency], citizen: User, officers: dict[str, User]
) -> None:
    links = [(officers["desk"], org["desk"], "receipt"), (officers["commune"], org["commune"], "handling")]
    rate_directly(clone_dossiers(template, 2), citizen, vn(2026, 3, 5), links)

    def count() -> int:
        viewer = User.objects.get(username="commune-leader-q")  # a fresh role cache each time
        with CaptureQueriesContext(connection) as queries:
            agency_figures(viewer, MARCH)
            officer_figures(viewer, MARCH)
            list(ratings_page(viewer, MARCH, agency=org["commune"]).items)
            list(ratings_page(viewer, MARCH, officer_id=officers["commune"].pk).items)
        return len(queries)

    staff("commune-leader-q", (org["commune"], Role.AGENCY_LEADER))
    few = count()
    rate_directly(clone_dossiers(template, 40, org["commune"]), citizen, vn(2026, 3, 6), links)
    assert count() == few
    # The role cache; per table the aggregate and the names shown (agencies; officers and agencies); a list
    # query each.
    assert few == 8
