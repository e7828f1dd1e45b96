"""Fixtures of the rating tests: a commune desk, a verified citizen and dossiers received, finished and
returned through the real services (the packages keep their own copies of such fixtures)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone, translation

from motcua.accounts.models import AccountKind, User
from motcua.catalog.models import Procedure, Result
from motcua.dossiers.models import Dossier
from motcua.dossiers.results import result_document_add, result_documents_approve
from motcua.dossiers.services import dossier_finish, dossier_receive, dossier_return_result
from motcua.feedback.indices import INDEX_CODES
from motcua.org.models import Agency, Role
from tests.fixtures import staff

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
ID_NUMBER = "024099012345"


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def all_scores(value: int = 2, **overrides: int) -> dict[str, int]:
    return {**dict.fromkeys(INDEX_CODES, value), **overrides}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # Assertions read the English source messages; the Vietnamese catalog is checked separately.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def client() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def desk_officer(org: dict[str, Agency]) -> User:
    return staff("desk-officer", (org["desk"], Role.RECEPTION_OFFICER))


@pytest.fixture
def leader(org: dict[str, Agency]) -> User:
    return staff("commune-leader", (org["commune"], Role.AGENCY_LEADER))


def citizen_account(username: str, id_number: str) -> User:
    return User.objects.create_user(
        username,
        password="pw-Test-123456",
        kind=AccountKind.CITIZEN,
        full_name="Nguyễn Văn An",
        id_number=id_number,
        id_verified_at=timezone.now(),
        date_of_birth=date(1999, 5, 1),
    )


@pytest.fixture
def citizen(db: Any) -> User:
    return citizen_account("0912000111", ID_NUMBER)


@pytest.fixture
def person(geo: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "person",
        "full_name": "Nguyễn Văn An",
        "id_number": ID_NUMBER,
        "date_of_birth": date(1999, 5, 1),
        "sex": "male",
        "phone": "0912345678",
        "address": "12 Nguyễn Văn Cừ",
        "commune": geo["ward"],
    }


def receive(officer: User, unit: Agency, person: dict[str, Any], at: datetime, **applicant: Any) -> Dossier:
    """A dossier of 9.000001 (3 working days) received at the counter."""
    version = Procedure.objects.get(national_code="9.000001").current_version
    assert version is not None
    return dossier_receive(
        officer=officer,
        receiving_unit=unit,
        procedure_version=version,
        applicant={**person, **applicant},
        channel="counter",
        form_data={"request": "Đăng ký"},
        files={"TP1": [("to-khai.pdf", PDF)]},
        received_at=at,
    )


def finish(dossier: Dossier, officer: User, leader: User, at: datetime) -> Dossier:
    """The dossier with an approved result document, finished by ``officer`` at ``at``."""
    result = Result.objects.filter(version=dossier.procedure_version).order_by("id").first()
    result_document_add(Dossier.objects.get(pk=dossier.pk), leader, result=result, now=at)
    result_documents_approve(Dossier.objects.get(pk=dossier.pk), leader, now=at)
    return dossier_finish(Dossier.objects.get(pk=dossier.pk), officer, now=at)


@pytest.fixture
def finished(
    catalog: Any, org: dict[str, Agency], desk_officer: User, leader: User, person: dict[str, Any]
) -> Dossier:
    """Received on Monday 2 March 2026 at 09:00, due three working days later, finished the next day."""
    dossier = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    return finish(dossier, desk_officer, leader, vn(2026, 3, 3, 10))


def returned(dossier: Dossier, officer: User, at: datetime, method: str = "counter") -> Dossier:
    return dossier_return_result(Dossier.objects.get(pk=dossier.pk), officer, method=method, at=at)


def clone_dossiers(template: Dossier, count: int, competent_agency: Agency | None = None) -> list[Dossier]:
    """``count`` copies of a received dossier under new codes (figures need many dossiers, not their files)."""
    copies = []
    for number in range(count):
        copy = Dossier.objects.get(pk=template.pk)
        copy.pk = None
        copy.code = f"{template.code}-{competent_agency.pk if competent_agency else 0}-{number:05d}"
        if competent_agency is not None:
            copy.competent_agency = competent_agency
        copies.append(copy)
    return Dossier.objects.bulk_create(copies)


def rate_directly(
    dossiers: list[Dossier],
    rater: User,
    at: datetime,
    officers: Sequence[tuple[User, Agency, str]] = (),
    /,
    **scores: int,
) -> list[Any]:
    """Ratings written straight to the tables (the figures' tests need volume, not the service's checks)."""
    from motcua.feedback.models import Rating, RatingOfficer

    values = all_scores(2, **scores)
    ratings = Rating.objects.bulk_create(
        Rating(
            dossier=dossier,
            rater=rater,
            channel="portal",
            competent_agency_id=dossier.competent_agency_id,
            total=sum(values.values()),
            created_at=at,
            **values,
        )
        for dossier in dossiers
    )
    RatingOfficer.objects.bulk_create(
        RatingOfficer(rating=rating, officer=officer, agency=agency, part=part, created_at=at)
        for rating in ratings
        for officer, agency, part in officers
    )
    return ratings
