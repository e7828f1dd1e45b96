"""Fixtures of the dossier tests: files written to a temporary media root, a commune desk and its officers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from motcua.accounts.models import User
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.org.models import Agency, Role
from tests.fixtures import staff

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# A minimal PDF with two page objects (and the /Pages tree node, which is not a page).
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n"
    b"4 0 obj << /Type/Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant in Vietnamese local time (the zone every deadline is computed in)."""
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


def stored_files(root: Path) -> list[Path]:
    """Dossier files under the media root (the catalog fixture stores its templates elsewhere)."""
    folder = root / "dossiers"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def version_of(national_code: str) -> ProcedureVersion:
    version = Procedure.objects.get(national_code=national_code).current_version
    assert version is not None
    return version


@pytest.fixture
def desk_officer(org: dict[str, Agency]) -> User:
    return staff("desk-officer", (org["desk"], Role.RECEPTION_OFFICER))


@pytest.fixture
def commune_specialist(org: dict[str, Agency]) -> User:
    return staff("commune-specialist", (org["commune"], Role.SPECIALIST))


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
