"""The permission matrix: every role × capability × place (own agency, its sub-unit, another agency)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from pytest_django import DjangoAssertNumQueries

from motcua.accounts.backends import _USER, user_from_row
from motcua.accounts.models import User
from motcua.org.models import Agency, AgencyKind, Role, ServiceCenter
from motcua.org.scoping import (
    MATRIX,
    Capability,
    agencies_for,
    agencies_for_any,
    agency_ids_for_any,
    can,
    roles_parse,
    subtrees_parse,
)
from motcua.org.services import agency_save
from tests.fixtures import make_agency, staff

C = Capability
# What each role may do in the agency where it is held (and below it).
EXPECTED: dict[Role, set[Capability]] = {
    Role.RECEPTION_OFFICER: {C.DOSSIER_RECEIVE, C.CATALOG_VIEW},
    Role.SPECIALIST: {C.DOSSIER_PROCESS, C.CATALOG_VIEW},
    Role.HEAD_OF_DIVISION: {C.DOSSIER_PROCESS, C.DOSSIER_REVIEW, C.CATALOG_VIEW, C.MONITOR, C.RATINGS_VIEW},
    Role.AGENCY_LEADER: {C.DOSSIER_REVIEW, C.RESULT_SIGN, C.CATALOG_VIEW, C.MONITOR, C.RATINGS_VIEW},
    Role.AGENCY_ADMIN: {C.CATALOG_MANAGE, C.CATALOG_VIEW, C.RATINGS_VIEW},
    Role.PROVINCIAL_SUPERVISOR: {C.CATALOG_VIEW, C.MONITOR, C.RATINGS_VIEW},
}


def test_matrix_is_the_documented_one() -> None:
    assert {role: set(caps) for role, caps in MATRIX.items()} == EXPECTED


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("capability", list(Capability))
def test_permission_matrix(org: dict[str, Agency], role: Role, capability: Capability) -> None:
    user = staff(f"u-{role}-{capability}", (org["justice"], role))
    allowed = capability in EXPECTED[role]
    global_role = role == Role.PROVINCIAL_SUPERVISOR
    assert can(user, capability, org["justice"]) is allowed
    assert can(user, capability, org["justice_div"]) is allowed  # a sub-unit inherits
    assert can(user, capability, org["construction"]) is (allowed and global_role)
    assert can(user, capability, org["ubnd"]) is (allowed and global_role)  # never upwards
    scope = set(agencies_for(user, capability).values_list("code", flat=True))
    if not allowed:
        assert scope == set()
    elif global_role:
        assert scope == {a.code for a in org.values()}
    else:
        assert scope == {"000.00.12.H24", "001.00.12.H24"}


def test_roles_in_several_agencies(org: dict[str, Agency]) -> None:
    user = staff("multi", (org["justice_div"], Role.SPECIALIST), (org["commune"], Role.SPECIALIST))
    assert set(agencies_for(user, C.DOSSIER_PROCESS).values_list("code", flat=True)) == {
        "001.00.12.H24",
        "000.00.41.H24",
        "001.00.41.H24",
    }
    assert not can(user, C.DOSSIER_PROCESS, org["justice"])


@pytest.mark.parametrize("capabilities", [(C.DOSSIER_PROCESS,), (C.DOSSIER_RECEIVE, C.MONITOR), tuple(C)])
def test_agency_ids_equal_the_agencies_queryset(
    org: dict[str, Agency],
    capabilities: tuple[Capability, ...],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    from django.contrib.auth.models import AnonymousUser

    users: list[Any] = [
        staff("one", (org["justice"], Role.SPECIALIST)),
        staff("two", (org["justice_div"], Role.HEAD_OF_DIVISION), (org["commune"], Role.RECEPTION_OFFICER)),
        staff("none", (org["justice"], Role.AGENCY_ADMIN)),
        staff("province", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR)),
        User.objects.create_superuser("root", "r@x.vn", "pw-Test-123456"),
        AnonymousUser(),
    ]
    for user in users:
        agencies = agencies_for_any(user, capabilities)
        expected = None if agencies is None else tuple(sorted(agencies.values_list("id", flat=True)))
        assert agency_ids_for_any(user, capabilities) == expected, (user, capabilities)
    assert agency_ids_for_any(users[0], (C.DOSSIER_PROCESS,)) == tuple(
        sorted([org["justice"].pk, org["justice_div"].pk])
    )
    # A user read as a request reads one (with the roles and the agencies under them): the same ids, and
    # no query of their own.
    for user in users[:5]:
        row = _USER.first(pk=user.pk)
        assert row is not None
        read = user_from_row(row)
        expected = agency_ids_for_any(user, capabilities)
        with django_assert_num_queries(0):
            assert agency_ids_for_any(read, capabilities) == expected, (user, capabilities)


def test_roles_text_reads_the_agencies_under_each_role(org: dict[str, Agency]) -> None:
    user = staff("two", (org["justice"], Role.SPECIALIST), (org["ubnd"], Role.PROVINCIAL_SUPERVISOR))
    row = _USER.first(pk=user.pk)
    assert row is not None
    assert sorted(roles_parse(row["roles"])) == sorted(
        [(Role.SPECIALIST.value, org["justice"].path), (Role.PROVINCIAL_SUPERVISOR.value, org["ubnd"].path)]
    )
    # The global role's subtree (every agency) is not read.
    assert {path: sorted(ids) for path, ids in subtrees_parse(row["roles"]).items()} == {
        org["justice"].path: sorted([org["justice"].pk, org["justice_div"].pk])
    }


def test_inactive_anonymous_and_superuser(org: dict[str, Agency]) -> None:
    from django.contrib.auth.models import AnonymousUser

    user = staff("off", (org["justice"], Role.AGENCY_ADMIN))
    user.is_active = False
    assert not can(user, C.CATALOG_MANAGE, org["justice"])
    assert not can(AnonymousUser(), C.CATALOG_VIEW, None)
    root = User.objects.create_superuser("root", "r@x.vn", "pw-Test-123456")
    assert can(root, C.RESULT_SIGN, org["construction"])
    assert agencies_for(root, C.CATALOG_MANAGE).count() == len(org)


@pytest.mark.parametrize("code", ["000.00.53.H48", "123.45.67.G15"])
def test_valid_agency_codes(geo: dict[str, Any], code: str) -> None:
    make_agency(geo, code, "Cơ quan", AgencyKind.OTHER)


@pytest.mark.parametrize("code", ["000.00.53.h48", "00.00.53.H48", "000.00.53.H4", "000-00-53-H48", ""])
def test_invalid_agency_codes_are_refused(geo: dict[str, Any], code: str) -> None:
    with pytest.raises(ValidationError) as info:
        make_agency(geo, code, "Cơ quan", AgencyKind.OTHER)
    assert "code" in info.value.message_dict
    assert not Agency.objects.exists()


def test_moving_an_agency_moves_its_subtree(org: dict[str, Agency]) -> None:
    justice = org["justice"]
    justice.parent = org["construction"]
    agency_save(justice)
    division = Agency.objects.get(code="001.00.12.H24")
    assert division.path.startswith(Agency.objects.get(code="000.00.13.H24").path)
    user = staff("builder", (org["construction"], Role.AGENCY_ADMIN))
    assert can(user, C.CATALOG_MANAGE, division)


def test_an_agency_cannot_be_moved_under_itself(org: dict[str, Agency]) -> None:
    justice = org["justice"]
    justice.parent = org["justice_div"]
    with pytest.raises(ValidationError):
        agency_save(justice)
    assert Agency.objects.get(pk=justice.pk).parent_id == org["ubnd"].pk


def test_service_centres_are_the_receiving_units(org: dict[str, Agency]) -> None:
    assert set(ServiceCenter.objects.values_list("code", flat=True)) == {"000.00.01.H24", "001.00.41.H24"}
    assert org["desk"].receives_dossiers and not org["justice"].receives_dossiers
