"""Result documents: upload or generation, the leader's approval, finishing with them, returning them."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.catalog.models import Result
from motcua.dossiers.models import Dossier, DossierEvent, DossierStatus, ResultDocument, ResultOrigin
from motcua.dossiers.results import (
    months_after,
    result_document_add,
    result_document_remove,
    result_documents_approve,
)
from motcua.dossiers.services import dossier_finish, dossier_receive, dossier_return_result
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from .conftest import PDF, PNG, vn
from .test_receive import receive_kwargs


@pytest.fixture
def dossier(catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]) -> Dossier:
    return dossier_receive(**receive_kwargs(desk_officer, org, person))


@pytest.fixture
def leader(org: dict[str, Agency]) -> User:
    return staff("commune-leader", (org["commune"], Role.AGENCY_LEADER))


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def birth_certificate(dossier: Dossier) -> Result:
    return Result.objects.get(version=dossier.procedure_version, code="KQ.G15.000031")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_months_after_clamps_to_the_end_of_the_month() -> None:
    assert months_after(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert months_after(date(2027, 12, 15), 14) == date(2029, 2, 15)
    assert months_after(date(2028, 2, 29), 12) == date(2029, 2, 28)


def test_a_generated_result_is_approved_by_the_leader_and_finishes_the_dossier(
    dossier: Dossier,
    commune_specialist: User,
    leader: User,
    desk_officer: User,
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # The catalog lists a result: finishing without a document is refused.
    with pytest.raises(ValidationError) as info:
        dossier_finish(fresh(dossier), commune_specialist, now=vn(2026, 3, 2, 10, 0))
    assert info.value.code == "result_missing"

    document = result_document_add(
        fresh(dossier), commune_specialist, result=birth_certificate(dossier), now=vn(2026, 3, 2, 10, 0)
    )
    assert (document.origin, document.number, document.result_code) == (
        ResultOrigin.GENERATED,
        f"{dossier.code}/KQ1",
        "KQ.G15.000031",
    )
    assert document.valid_until is None and document.issued_on == date(2026, 3, 2)
    draft = document.file.read()
    document.file.close()
    text = pdf_text(draft)
    assert "GIẤY KHAI SINH" in text and "Nguyễn Văn An" in text and "chờ lãnh đạo phê duyệt" in text
    assert "KQ.G15.000031" in text and dossier.code in text

    # Pending approval: still not finishable; the specialist cannot approve.
    with pytest.raises(ValidationError) as info:
        dossier_finish(fresh(dossier), commune_specialist, now=vn(2026, 3, 2, 10, 5))
    assert info.value.code == "result_not_approved"
    with pytest.raises(ValidationError) as info:
        result_documents_approve(fresh(dossier), commune_specialist, now=vn(2026, 3, 2, 10, 5))
    assert info.value.code == "forbidden"

    with django_capture_on_commit_callbacks(execute=True):
        approved = result_documents_approve(fresh(dossier), leader, now=vn(2026, 3, 2, 10, 30))
    assert [d.pk for d in approved] == [document.pk]
    document.refresh_from_db()
    assert document.approved_by == leader and document.approved_at == vn(2026, 3, 2, 10, 30)
    signed = document.file.read()
    document.file.close()
    assert "commune-leader" in pdf_text(signed) or leader.full_name in pdf_text(signed)
    assert "chờ lãnh đạo phê duyệt" not in pdf_text(signed)
    assert len(list((media_root / "results").rglob("*.pdf"))) == 1  # the draft's file is gone
    with pytest.raises(ValidationError) as info:
        result_documents_approve(fresh(dossier), leader, now=vn(2026, 3, 2, 10, 35))
    assert info.value.code == "nothing_pending"
    with pytest.raises(ValidationError) as info:
        result_document_remove(document, commune_specialist, lock_version=fresh(dossier).lock_version)
    assert info.value.code == "approved"

    finished = dossier_finish(fresh(dossier), commune_specialist, now=vn(2026, 3, 2, 11, 0))
    assert finished.status == DossierStatus.FINISHED
    # Online, the approved documents are what the applicant receives.
    returned = dossier_return_result(finished, desk_officer, method="online", at=vn(2026, 3, 2, 14, 0))
    event = DossierEvent.objects.filter(dossier=dossier).order_by("-at", "-id").first()
    assert returned.status == DossierStatus.RETURNED and event is not None
    assert event.data == {"method": "online", "documents": [document.number]}
    actions = list(
        DossierEvent.objects.filter(dossier=dossier).order_by("at", "id").values_list("action", flat=True)
    )
    assert actions == ["received", "result_added", "result_approved", "result_ready", "returned"]


def test_an_uploaded_result_must_really_be_a_pdf(
    dossier: Dossier, commune_specialist: User, media_root: Path
) -> None:
    before = fresh(dossier).lock_version
    for name, content in (("ket-qua.pdf", PNG), ("ket-qua.png", PNG), ("ket-qua.pdf", b"")):
        with pytest.raises(ValidationError) as info:
            result_document_add(
                fresh(dossier), commune_specialist, result=birth_certificate(dossier), upload=(name, content)
            )
        assert info.value.code in {"result_not_pdf", "file_empty"}
    assert not ResultDocument.objects.exists() and fresh(dossier).lock_version == before
    assert not (media_root / "results").exists()

    document = result_document_add(
        fresh(dossier),
        commune_specialist,
        result=birth_certificate(dossier),
        upload=("GKS 15-2026.pdf", PDF),
        number="15/2026/GKS",
        issued_on=date(2026, 3, 2),
    )
    assert (document.origin, document.number, document.page_count) == (
        ResultOrigin.UPLOADED,
        "15/2026/GKS",
        2,
    )
    assert document.original_name == "GKS 15-2026.pdf" and document.size == len(PDF)
    # The same number twice on one dossier is refused; a wrong upload is removed before approval.
    with pytest.raises(ValidationError) as info:
        result_document_add(
            fresh(dossier),
            commune_specialist,
            result=birth_certificate(dossier),
            upload=("b.pdf", PDF),
            number="15/2026/GKS",
        )
    assert info.value.code == "number_taken"
    result_document_remove(document, commune_specialist, lock_version=fresh(dossier).lock_version)
    assert not ResultDocument.objects.exists()
    assert DossierEvent.objects.filter(dossier=dossier, action="result_removed").count() == 1


def test_a_result_needs_its_kind_and_the_right_people(
    dossier: Dossier, desk_officer: User, commune_specialist: User, org: dict[str, Agency]
) -> None:
    with pytest.raises(ValidationError) as info:
        result_document_add(fresh(dossier), commune_specialist, result=None)
    assert info.value.code == "result_required"
    foreign = Result.objects.exclude(version=dossier.procedure_version).first()
    assert foreign is not None
    with pytest.raises(ValidationError) as info:
        result_document_add(fresh(dossier), commune_specialist, result=foreign)
    assert info.value.code == "result_not_of_procedure"
    # The receiving desk hands results over but does not prepare them.
    with pytest.raises(ValidationError) as info:
        result_document_add(fresh(dossier), desk_officer, result=birth_certificate(dossier))
    assert info.value.code == "forbidden"
    outsider = staff("justice-specialist", (org["justice"], Role.SPECIALIST))
    with pytest.raises(ValidationError) as info:
        result_document_add(fresh(dossier), outsider, result=birth_certificate(dossier))
    assert info.value.code == "forbidden"
    # A stale screen is refused.
    stale = fresh(dossier)
    result_document_add(fresh(dossier), commune_specialist, result=birth_certificate(dossier))
    with pytest.raises(ValidationError) as info:
        result_document_add(stale, commune_specialist, result=birth_certificate(dossier))
    assert info.value.code == "stale"


def test_returning_by_post_needs_the_item_number_and_online_needs_a_document(
    catalog: Any,
    org: dict[str, Agency],
    desk_officer: User,
    commune_specialist: User,
    leader: User,
    person: dict[str, Any],
) -> None:
    dossier = dossier_receive(**receive_kwargs(desk_officer, org, person))
    result_document_add(fresh(dossier), commune_specialist, result=birth_certificate(dossier))
    result_documents_approve(fresh(dossier), leader)
    finished = dossier_finish(fresh(dossier), commune_specialist)
    with pytest.raises(ValidationError) as info:
        dossier_return_result(finished, desk_officer, method="post")
    assert info.value.code == "postal_reference_required"
    returned = dossier_return_result(
        finished, desk_officer, method="post", postal_reference=" EB123456789VN "
    )
    event = DossierEvent.objects.filter(dossier=dossier, action="returned").get()
    assert returned.status == DossierStatus.RETURNED
    assert event.data["postal_reference"] == "EB123456789VN" and event.public
