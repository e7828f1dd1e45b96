"""Fixtures of the payment tests: a received dossier with a fee, and the gateway simulator's traffic
routed to Django's test client instead of the network."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import translation

from motcua.accounts.models import User
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive
from motcua.integrations.transport import transport_use
from motcua.org.models import Agency, Role
from tests.fixtures import staff
from tests.http import ClientTransport


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def http() -> Iterator[ClientTransport]:
    with transport_use(ClientTransport(**{"accept-language": "en"})) as used:
        assert isinstance(used, ClientTransport)
        yield used


def local(url: str) -> str:
    """An absolute address of this site as a test-client path."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def desk_officer(org: dict[str, Agency]) -> User:
    return staff("desk-officer", (org["desk"], Role.RECEPTION_OFFICER))


@pytest.fixture
def dossier(
    catalog: dict[str, Any], org: dict[str, Agency], geo: dict[str, Any], desk_officer: User
) -> Dossier:
    """A dossier for the building permit (one charge of 150,000 đ) received at the provincial centre."""
    version = Procedure.objects.get(national_code="9.000002").current_version
    assert version is not None
    center_officer = staff("center-officer", (org["center"], Role.RECEPTION_OFFICER))
    return dossier_receive(
        officer=center_officer,
        receiving_unit=org["center"],
        procedure_version=version,
        applicant={
            "kind": "person",
            "full_name": "Nguyễn Văn An",
            "id_number": "024099012345",
            "date_of_birth": date(1999, 5, 1),
            "sex": "male",
            "address": "12 Nguyễn Văn Cừ",
            "commune": geo["ward"],
        },
        channel="counter",
        form_data={},
        files={"TP1": [("to-khai.pdf", b"%PDF-1.4\n%%EOF\n")]},
    )


@pytest.fixture
def citizen(db: Any) -> User:
    return User.objects.create_user("citizen-an", password="pw-Test-123456", kind="citizen", full_name="An")
