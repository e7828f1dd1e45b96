"""The personal data store: results stored when a dossier ends, digitised components, the holder's own
documents (added, listed in pages, downloaded, deleted) and who sees what."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from motcua.accounts.models import AccountKind, User
from motcua.catalog.models import Result
from motcua.datastore.models import StoredDocument, StoredDocumentKind
from motcua.datastore.selectors import reusable_documents, store_page
from motcua.datastore.services import (
    component_store,
    result_file_changed,
    results_store,
    stored_document_delete,
    stored_document_upload,
)
from motcua.dossiers import online
from motcua.dossiers.models import Dossier, ResultDocument, SubmissionFile
from motcua.dossiers.results import result_document_add, result_documents_approve
from motcua.dossiers.services import dossier_finish, dossier_receive
from motcua.dossiers.tests.conftest import PDF, PNG, version_of, vn
from motcua.dossiers.tests.test_receive import receive_kwargs
from motcua.org.models import Agency, Role
from tests.fixtures import staff

pytestmark = pytest.mark.django_db

HOLDER = "024099012345"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def person(geo: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "person",
        "full_name": "Nguyễn Văn An",
        "id_number": HOLDER,
        "date_of_birth": date(1999, 5, 1),
        "sex": "male",
        "phone": "0912345678",
        "address": "12 Nguyễn Văn Cừ",
        "commune": geo["ward"],
    }


def citizen_account(username: str, id_number: str, *, verified: bool = True) -> User:
    return User.objects.create_user(
        username,
        password="pw-Test-123456",
        kind=AccountKind.CITIZEN,
        full_name="Nguyễn Văn An",
        id_number=id_number,
        id_verified_at=timezone.now() if verified else None,
    )


@pytest.fixture
def citizen(db: Any) -> User:
    return citizen_account("an", HOLDER)


@pytest.fixture
def desk_officer(org: dict[str, Agency]) -> User:
    return staff("desk-officer", (org["desk"], Role.RECEPTION_OFFICER))


@pytest.fixture
def finished(catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]) -> Dossier:
    """A birth registration received, its certificate generated, approved by the leader and finished."""
    specialist = staff("commune-specialist", (org["commune"], Role.SPECIALIST))
    leader = staff("commune-leader", (org["commune"], Role.AGENCY_LEADER))
    dossier = dossier_receive(**receive_kwargs(desk_officer, org, person))
    result = Result.objects.get(version=dossier.procedure_version, code="KQ.G15.000031")
    result_document_add(Dossier.objects.get(pk=dossier.pk), specialist, result=result, now=vn(2026, 3, 2, 10))
    result_documents_approve(Dossier.objects.get(pk=dossier.pk), leader, now=vn(2026, 3, 2, 10, 30))
    return dossier_finish(Dossier.objects.get(pk=dossier.pk), specialist, now=vn(2026, 3, 2, 11))


def test_finishing_a_dossier_puts_its_approved_result_into_the_applicants_store(
    finished: Dossier, citizen: User, client: Client
) -> None:
    document = StoredDocument.objects.get()
    result = ResultDocument.objects.get(dossier=finished)
    assert (document.kind, document.holder_number, document.result_code, document.number) == (
        StoredDocumentKind.ISSUED,
        HOLDER,
        "KQ.G15.000031",
        result.number,
    )
    assert document.issuer_id == finished.competent_agency_id and document.dossier_id == finished.pk
    assert not document.is_removable
    # Storing again adds nothing.
    assert results_store(finished) == [] and StoredDocument.objects.count() == 1

    client.force_login(citizen)
    page = client.get(reverse("portal:datastore")).content.decode()
    assert result.title in page and finished.code in page and "KQ.G15.000031" in page
    download = client.get(reverse("portal:datastore-download", args=[document.key]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    with result.file.open("rb") as handle:
        assert b"".join(download.streaming_content) == handle.read()  # type: ignore[attr-defined]


def test_a_signature_added_later_is_what_the_store_serves(finished: Dossier) -> None:
    result = ResultDocument.objects.get(dossier=finished)
    result.sha256, result.size = "f" * 64, 1234
    result.save(update_fields=["sha256", "size"])
    result_file_changed(result)
    assert StoredDocument.objects.values_list("sha256", "size").get() == ("f" * 64, 1234)


def test_an_organisations_results_go_to_the_store_of_its_tax_code(
    catalog: Any, org: dict[str, Agency], desk_officer: User, geo: dict[str, Any]
) -> None:
    company = {
        "kind": "organisation",
        "full_name": "Công ty TNHH An Bình",
        "tax_code": "0100109106",
        "representative": "Trần Thị Bình",
        "phone": "0912345678",
        "address": "1 Lý Thái Tổ",
        "commune": geo["ward"],
    }
    version = version_of("1.001193")
    version.for_organisations = True
    version.save(update_fields=["for_organisations"])
    dossier = dossier_receive(**{**receive_kwargs(desk_officer, org, {}), "applicant": company})
    ResultDocument.objects.create(
        dossier=dossier,
        result_code="KQ.G10.000001",
        title="Giấy phép",
        number="GP-1",
        origin="uploaded",
        file="results/x.pdf",
        original_name="x.pdf",
        sha256="a" * 64,
        size=10,
        content_type="application/pdf",
        issued_on=date(2026, 3, 2),
        approved_at=timezone.now(),
    )
    [stored] = results_store(dossier)
    assert (stored.holder_number, stored.holder_name) == ("0100109106", "Công ty TNHH An Bình")


def test_a_digitised_component_joins_the_store_and_is_reusable_by_its_result_code(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], citizen: User
) -> None:
    kwargs = receive_kwargs(desk_officer, org, person)
    kwargs["files"] = {**kwargs["files"], "TP2": [("Giấy chứng nhận kết hôn.pdf", PDF)]}
    dossier = dossier_receive(**kwargs)
    attachment = dossier.attachments.get(component__code="TP2")
    document = component_store(attachment, "Giấy chứng nhận kết hôn số 12")
    assert document is not None and component_store(attachment) == document  # once only
    assert (document.kind, document.result_code, document.title) == (
        StoredDocumentKind.COMPONENT,
        "KQ.G15.000032",
        attachment.component.name if attachment.component else "",
    )
    assert document.text_folded == "giay chung nhan ket hon so 12"
    with document.content.open("rb") as handle:
        assert handle.read() == PDF
    assert reusable_documents(citizen, {"KQ.G15.000032"}) == [document]
    assert reusable_documents(citizen, {"KQ.G15.000031"}) == []


def test_the_holder_adds_a_document_and_bad_input_changes_nothing(
    citizen: User, media_root: Path, settings: Any
) -> None:
    good: dict[str, Any] = {"title": "Giấy chứng nhận kết hôn", "name": "ket-hon.pdf", "content": PDF}
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({**good, "name": "ket-hon.pdf", "content": b"MZ\x90\x00 executable"}, "file", "content is"),
        ({**good, "name": "ket-hon.exe"}, "file", "accepts only pdf, jpg, png"),
        ({**good, "title": "  "}, "title", "title"),
        ({**good, "result_code": "KQ-1"}, "result_code", "KQ.G15.000031"),
        (
            {**good, "issued_on": date(2024, 1, 2), "valid_until": date(2024, 1, 1)},
            "valid_until",
            "expire before",
        ),
        ({**good, "issued_on": date.today() + timedelta(days=2)}, "issued_on", "future"),
    ]
    for arguments, field, message in cases:
        with pytest.raises(ValidationError) as info:
            stored_document_upload(citizen, **arguments)
        assert message in " ".join(info.value.message_dict[field]), (field, info.value.message_dict)
    assert not StoredDocument.objects.exists() and not list(media_root.rglob("*.*"))

    document = stored_document_upload(
        citizen, **good, result_code="KQ.G15.000032", number="12/2020", issuer_name="UBND xã Yên Phong"
    )
    assert (document.kind, document.holder_number, document.content_type, document.size) == (
        StoredDocumentKind.UPLOADED,
        HOLDER,
        "application/pdf",
        len(PDF),
    )
    assert str(document.file.name).startswith("data-store/") and "ket-hon" not in str(document.file.name)
    settings.MOTCUA_DATASTORE_MAX_UPLOADS = 1
    with pytest.raises(ValidationError, match="already holds 1 documents"):
        stored_document_upload(citizen, **good)


def test_an_unverified_account_has_no_store(db: Any, client: Client) -> None:
    unverified = citizen_account("someone", HOLDER, verified=False)
    with pytest.raises(ValidationError, match="must be verified"):
        stored_document_upload(unverified, title="x", name="a.pdf", content=PDF)
    client.force_login(unverified)
    page = client.get(reverse("portal:datastore")).content.decode()
    assert "Xác thực danh tính" in page
    assert client.get(reverse("portal:datastore-add")).status_code == 302


def test_only_the_holders_own_uploads_can_be_deleted(
    finished: Dossier,
    citizen: User,
    client: Client,
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    upload = stored_document_upload(citizen, title="Ảnh thẻ", name="anh.png", content=PNG)
    path = media_root / str(upload.file.name)
    assert path.exists()
    issued = StoredDocument.objects.get(kind=StoredDocumentKind.ISSUED)
    with pytest.raises(ValidationError, match="cannot be deleted"):
        stored_document_delete(citizen, issued)
    stranger = citizen_account("binh", "001203004567")
    with pytest.raises(ValidationError, match="not in your data store"):
        stored_document_delete(stranger, upload)

    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:datastore-delete", args=[upload.key]))
    assert response.status_code == 302
    assert not StoredDocument.objects.filter(pk=upload.pk).exists() and not path.exists()
    assert StoredDocument.objects.filter(pk=issued.pk).exists()


def test_someone_elses_document_is_a_404_and_never_listed(
    finished: Dossier, client: Client, desk_officer: User
) -> None:
    document = StoredDocument.objects.get()
    stranger = citizen_account("binh", "001203004567")
    client.force_login(stranger)
    assert document.title not in client.get(reverse("portal:datastore")).content.decode()
    assert client.get(reverse("portal:datastore-download", args=[document.key])).status_code == 404
    assert client.post(reverse("portal:datastore-delete", args=[document.key])).status_code == 404
    assert StoredDocument.objects.filter(pk=document.pk).exists()
    client.force_login(desk_officer)
    assert client.get(reverse("portal:datastore")).status_code == 403
    client.logout()
    response = client.get(reverse("portal:datastore"))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_deleting_needs_the_csrf_token(citizen: User) -> None:
    upload = stored_document_upload(citizen, title="Ảnh thẻ", name="anh.png", content=PNG)
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert client.post(reverse("portal:datastore-delete", args=[upload.key])).status_code == 403
    assert StoredDocument.objects.filter(pk=upload.pk).exists()


def test_the_store_is_paged_by_keyset_with_a_fixed_number_of_queries(citizen: User, client: Client) -> None:
    for i in range(25):
        stored_document_upload(citizen, title=f"Tài liệu {i:02d}", name="a.pdf", content=PDF)
    first = store_page(citizen, size=20)
    second = store_page(citizen, size=20, cursor=first.next_cursor)
    titles = [d.title for d in first.documents + second.documents]
    assert len(first.documents) == 20 and second.next_cursor == "" and len(set(titles)) == 25
    assert titles[0] == "Tài liệu 24" and titles[-1] == "Tài liệu 00"
    assert store_page(citizen, cursor="nonsense").documents  # a damaged cursor starts again

    client.force_login(citizen)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:datastore"), {"loai": "uploaded"})
    for i in range(25, 40):
        stored_document_upload(citizen, title=f"Tài liệu {i:02d}", name="a.pdf", content=PDF)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("portal:datastore"), {"loai": "uploaded"})
    assert len(many) == len(few)


def test_the_add_page_stores_a_document_and_shows_field_errors(citizen: User, client: Client) -> None:
    client.force_login(citizen)
    url = reverse("portal:datastore-add")
    assert "Loại giấy tờ" in client.get(url).content.decode()
    bad = client.post(url, {"title": "Bằng tốt nghiệp", "file": _upload("bang.pdf", b"not a pdf at all")})
    assert bad.status_code == 200 and "nội dung thực tế là" in bad.content.decode()
    assert not StoredDocument.objects.exists()
    good = client.post(
        url, {"title": "Bằng tốt nghiệp", "number": "A-123", "file": _upload("bang.pdf", PDF)}, follow=True
    )
    assert "đã được thêm vào kho dữ liệu" in good.content.decode()
    assert StoredDocument.objects.get().title == "Bằng tốt nghiệp"


def test_a_reused_upload_is_copied_so_deleting_it_leaves_the_submission_whole(
    catalog: Any, citizen: User, django_capture_on_commit_callbacks: Any
) -> None:
    mine = stored_document_upload(
        citizen, title="Giấy chứng nhận kết hôn", name="kh.pdf", content=PDF, result_code="KQ.G15.000032"
    )
    submission = online.submission_start(citizen, version_of("1.001193"))
    tp2 = submission.procedure_version.components.get(code="TP2")
    record = online.submission_file_reuse(submission, citizen, component_id=tp2.pk, document_id=mine.pk)
    assert record.stored_document == mine and record.file.name != mine.file.name
    with django_capture_on_commit_callbacks(execute=True):
        stored_document_delete(citizen, mine)
    record = SubmissionFile.objects.get(pk=record.pk)
    assert record.stored_document is None
    with record.file.open("rb") as handle:
        assert handle.read() == PDF


def _upload(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
