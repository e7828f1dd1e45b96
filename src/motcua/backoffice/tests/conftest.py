"""Fixtures of the back-office tests: files in a temporary media root, a commune desk, its officers and
dossiers received through the real service (copied from the dossier tests so the packages stay apart)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation

from motcua.accounts.models import User
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive
from motcua.org.models import Agency, Role
from tests.fixtures import staff

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# A minimal PDF with two page objects.
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n"
    b"4 0 obj << /Type/Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
# The first bytes of a Windows executable.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # Assertions read the English source messages; the Vietnamese catalog is produced separately.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.MEDIA_ROOT = tmp_path / "media"
    yield tmp_path / "media"


def version_of(national_code: str) -> ProcedureVersion:
    version = Procedure.objects.get(national_code=national_code).current_version
    assert version is not None
    return version


@pytest.fixture
def client() -> Client:
    # Pages are requested in English (LocaleMiddleware follows Accept-Language), like the assertions.
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def desk_officer(org: dict[str, Agency]) -> User:
    return staff("desk-officer", (org["desk"], Role.RECEPTION_OFFICER))


@pytest.fixture
def center_officer(org: dict[str, Agency]) -> User:
    # The provincial centre's officer: another unit than the commune desk.
    return staff("center-officer", (org["center"], Role.RECEPTION_OFFICER))


@pytest.fixture
def desk_client(client: Client, desk_officer: User) -> Client:
    client.force_login(desk_officer)
    return client


@pytest.fixture
def person(geo: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "person",
        "full_name": "Nguyễn Văn An",
        "id_number": "024099012345",
        "date_of_birth": date(1999, 5, 1),
        "sex": "male",
        "phone": "0912345678",
        "address": "12 Nguyễn Văn Cừ",
        "commune": geo["ward"],
    }


def receive(
    officer: User,
    unit: Agency,
    person: dict[str, Any],
    at: datetime,
    *,
    national_code: str = "9.000001",
    **applicant: Any,
) -> Dossier:
    """A dossier received through the service (3 working days for 9.000001, 0.5 for 1.001193)."""
    return dossier_receive(
        officer=officer,
        receiving_unit=unit,
        procedure_version=version_of(national_code),
        applicant={**person, **applicant},
        channel="counter",
        form_data={"request": "Đăng ký"},
        files={"TP1": [("to-khai.pdf", PDF)]},
        received_at=at,
    )


def with_approved_result(dossier: Dossier, at: datetime) -> Dossier:
    """The dossier with an approved (generated) result document, as the competent agency's leader makes it:
    a dossier whose procedure lists a result is finished only with one."""
    from motcua.accounts.models import User as Account
    from motcua.catalog.models import Result
    from motcua.dossiers.results import result_document_add, result_documents_approve

    leader = Account.objects.filter(username="result-leader").first() or staff(
        "result-leader", (dossier.competent_agency, Role.AGENCY_LEADER)
    )
    result = Result.objects.filter(version=dossier.procedure_version).order_by("id").first()
    result_document_add(Dossier.objects.get(pk=dossier.pk), leader, result=result, now=at)
    result_documents_approve(Dossier.objects.get(pk=dossier.pk), leader, now=at)
    return Dossier.objects.get(pk=dossier.pk)
