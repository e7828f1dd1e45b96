"""The population database: the applicant's declaration pre-filled from it, the desk's look-up (receiving
officers only, every look-up audited), and the HTTP adapter against the simulator's HTTP face."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from motcua.audit.models import AccessLog
from motcua.catalog.models import Procedure
from motcua.dossiers import online
from motcua.integrations.models import SimulatedCitizen
from motcua.integrations.population.base import PopulationUnavailable, population_registry
from motcua.integrations.population.contrib.simulator.views import simulator_token
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from .conftest import HUONG, MINH, verified_citizen

pytestmark = pytest.mark.django_db


def test_a_verified_applicant_starts_with_the_population_record(
    catalog: Any, geo: dict[str, Any], citizens: list[SimulatedCitizen]
) -> None:
    user = verified_citizen()
    defaults = online.applicant_defaults(user)
    assert defaults["sex"] == "male" and defaults["address"] == "Số 15 đường Hoàng Văn Thụ"
    assert defaults["commune"] == geo["ward"].code == "07210"
    version = Procedure.objects.get(national_code="1.001193").current_version
    assert version is not None
    # The portal's filing starts the draft from these defaults (the declaration page shows them).
    submission = online.submission_start(user, version)
    assert submission.applicant_data["address"] == "Số 15 đường Hoàng Văn Thụ"
    assert submission.applicant_data["commune"] == "07210"


def test_an_unverified_id_number_is_not_looked_up(citizens: list[SimulatedCitizen]) -> None:
    user = verified_citizen(id_verified_at=None)
    assert "address" not in online.applicant_defaults(user)


def test_an_organisation_starts_with_its_tax_code_and_representative(db: Any) -> None:
    from motcua.accounts.models import AccountKind, User

    user = User.objects.create_user(
        "tc-a",
        kind=AccountKind.ORGANISATION,
        full_name="Công ty A",
        tax_code="2300123454",
        representative="Bà B",
    )
    assert online.applicant_defaults(user) | {} == {
        "full_name": "Công ty A",
        "phone": "",
        "email": "",
        "tax_code": "2300123454",
        "representative": "Bà B",
    }


@pytest.fixture
def desk_officer(org: dict[str, Agency]) -> Any:
    return staff("desk-officer", (org["desk"], Role.RECEPTION_OFFICER))


def test_a_reception_officer_looks_a_citizen_up_and_it_is_audited(
    client: Client, desk_officer: Any, geo: dict[str, Any], citizens: list[SimulatedCitizen]
) -> None:
    client.force_login(desk_officer)
    response = client.post("/mot-cua/tiep-nhan/tra-cuu-dan-cu/", {"so_dinh_danh": MINH})
    assert response.status_code == 200
    data = response.json()
    assert data["full_name"] == "Nguyễn Văn Minh" and data["date_of_birth"] == "1985-03-12"
    assert data["address"] == "Số 15 đường Hoàng Văn Thụ" and data["commune"] == geo["ward"].pk
    entry = AccessLog.objects.get(action="population_lookup")
    assert (entry.user, entry.object_ref, entry.object_type) == (desk_officer, MINH, "citizen")
    unknown = client.post("/mot-cua/tiep-nhan/tra-cuu-dan-cu/", {"so_dinh_danh": "024085999999"})
    assert unknown.status_code == 404 and "no citizen" in unknown.json()["message"]
    assert AccessLog.objects.filter(action="population_lookup").count() == 2


def test_a_malformed_id_number_is_refused_before_any_look_up(client: Client, desk_officer: Any) -> None:
    client.force_login(desk_officer)
    response = client.post("/mot-cua/tiep-nhan/tra-cuu-dan-cu/", {"so_dinh_danh": "12ab"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_id_number"
    assert not AccessLog.objects.exists()


def test_only_receiving_officers_may_query_the_population_database(
    client: Client, org: dict[str, Agency], citizens: list[SimulatedCitizen]
) -> None:
    assert client.post("/mot-cua/tiep-nhan/tra-cuu-dan-cu/", {"so_dinh_danh": MINH}).status_code == 302
    for user in (
        staff("specialist", (org["justice_div"], Role.SPECIALIST)),
        verified_citizen(
            "applicant", id_number=HUONG, full_name="Trần Thị Hương", date_of_birth=date(1990, 7, 25)
        ),
    ):
        client.force_login(user)
        response = client.post("/mot-cua/tiep-nhan/tra-cuu-dan-cu/", {"so_dinh_danh": MINH})
        assert response.status_code == 403 and response.json()["error"] == "forbidden"
    assert not AccessLog.objects.filter(action="population_lookup").exists()


def test_the_look_up_is_a_post_with_the_csrf_token(
    desk_officer: Any, citizens: list[SimulatedCitizen]
) -> None:
    browser = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    browser.force_login(desk_officer)
    assert browser.get("/mot-cua/tiep-nhan/tra-cuu-dan-cu/", {"so_dinh_danh": MINH}).status_code == 405
    assert browser.post("/mot-cua/tiep-nhan/tra-cuu-dan-cu/", {"so_dinh_danh": MINH}).status_code == 403
    assert not AccessLog.objects.exists()


@pytest.fixture
def http_provider(settings: Any) -> None:
    settings.MOTCUA_POPULATION_PROVIDER = "http"
    settings.MOTCUA_POPULATION_URL = f"{settings.MOTCUA_PUBLIC_URL}/gia-lap/dan-cu"
    settings.MOTCUA_POPULATION_TOKEN = simulator_token()


def test_the_http_adapter_reads_the_simulator_over_http(
    http_provider: None, citizens: list[SimulatedCitizen]
) -> None:
    registry = population_registry()
    record = registry.lookup(HUONG)
    assert record is not None
    assert (record.full_name, record.sex, record.commune_code) == ("Trần Thị Hương", "female", "07228")
    assert registry.lookup("024085999999") is None
    assert registry.verify(HUONG, "trần  thị HƯƠNG", date(1990, 7, 25))
    assert not registry.verify(HUONG, "Trần Thị Hường", date(1990, 7, 25))
    assert not registry.verify(HUONG, "Trần Thị Hương", date(1990, 7, 26))


def test_the_http_adapter_reports_a_refusal_as_unavailable(
    http_provider: None, settings: Any, citizens: list[SimulatedCitizen]
) -> None:
    settings.MOTCUA_POPULATION_TOKEN = "wrong"
    with pytest.raises(PopulationUnavailable, match="HTTP 401"):
        population_registry().lookup(HUONG)


def test_the_reception_form_offers_the_look_up_next_to_the_id_number(
    client: Client, catalog: Any, org: dict[str, Agency], desk_officer: Any
) -> None:
    version = Procedure.objects.get(national_code="1.001193").current_version
    assert version is not None
    client.force_login(desk_officer)
    page = client.get(
        "/mot-cua/tiep-nhan/", {"don_vi": org["desk"].pk, "thu_tuc": version.pk}
    ).content.decode()
    assert 'data-population-url="/mot-cua/tiep-nhan/tra-cuu-dan-cu/"' in page
    assert "backoffice/population.js" in page


def test_the_demo_citizens_have_well_formed_id_numbers(citizens: list[SimulatedCitizen]) -> None:
    from motcua.dossiers.validators import citizen_id_check

    assert len(citizens) == 10
    for person in citizens:
        citizen_id_check(person.id_number, person.date_of_birth, person.sex)
        assert person.commune_code.isdigit() and len(person.commune_code) == 5
