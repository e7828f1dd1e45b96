"""Online submission: the applicant's draft, submission, the desk's three decisions, reuse and supplements."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from motcua.accounts.models import AccountKind, User
from motcua.datastore.models import StoredDocument, StoredDocumentKind
from motcua.dossiers import online
from motcua.dossiers.models import (
    AttachmentSource,
    Channel,
    Dossier,
    DossierStatus,
    OnlineSubmission,
    PausePeriod,
    SubmissionFile,
    SubmissionStatus,
)
from motcua.dossiers.services import dossier_supplement_request, dossier_supplement_upload
from motcua.org.models import Agency, Role
from tests.fixtures import BIRTH_ANSWERS, staff

from .conftest import PDF, version_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(eform_catalog: dict[str, Any]) -> dict[str, Any]:
    # The birth registration of these tests has an e-form, and its TP2 a rule over the answers.
    return eform_catalog


@pytest.fixture
def citizen(db: Any) -> User:
    return User.objects.create_user(
        "0912000111",
        password="pw-Test-123456",
        kind=AccountKind.CITIZEN,
        full_name="Nguyễn Văn An",
        id_number="024099012345",
        id_verified_at=timezone.now(),
        date_of_birth=date(1999, 5, 1),
        phone="0912000111",
    )


@pytest.fixture
def applicant_data(geo: dict[str, Any]) -> dict[str, str]:
    return {
        "full_name": "Nguyễn Văn An",
        "id_number": "024099012345",
        "date_of_birth": "1999-05-01",
        "sex": "male",
        "phone": "0912000111",
        "address": "12 Nguyễn Văn Cừ",
        "commune": geo["ward"].code,
    }


def _ready(citizen: User, applicant_data: dict[str, str]) -> OnlineSubmission:
    submission = online.submission_start(citizen, version_of("1.001193"))
    online.submission_declare(submission, citizen, applicant_data=applicant_data, form_data=BIRTH_ANSWERS)
    tp1 = submission.procedure_version.components.get(code="TP1")
    online.submission_file_add(submission, citizen, component_id=tp1.pk, name="to-khai.pdf", content=PDF)
    return submission


def test_a_draft_is_resumed_and_an_officer_account_cannot_file(
    catalog: Any, citizen: User, desk_officer: User
) -> None:
    first = online.submission_start(citizen, version_of("1.001193"))
    assert online.submission_start(citizen, version_of("1.001193")).pk == first.pk
    assert first.applicant_data["id_number"] == "024099012345"
    with pytest.raises(ValidationError, match="citizen or organisation account"):
        online.submission_start(desk_officer, version_of("1.001193"))


def test_a_procedure_that_is_not_online_cannot_be_started(catalog: Any, citizen: User) -> None:
    version = version_of("9.000002")
    version.online_level = "none"
    version.save(update_fields=["online_level"])
    with pytest.raises(ValidationError, match="cannot be filed online"):
        online.submission_start(citizen, version)
    assert not OnlineSubmission.objects.exists()


def test_a_disguised_file_is_refused_and_nothing_is_kept(catalog: Any, citizen: User) -> None:
    submission = online.submission_start(citizen, version_of("1.001193"))
    tp1 = submission.procedure_version.components.get(code="TP1")
    with pytest.raises(ValidationError, match="content is"):
        online.submission_file_add(
            submission, citizen, component_id=tp1.pk, name="to-khai.pdf", content=b"MZ\x90\x00 not a pdf"
        )
    assert not SubmissionFile.objects.exists()


def test_too_many_files_are_refused(catalog: Any, citizen: User, settings: Any) -> None:
    settings.MOTCUA_SUBMISSION_MAX_FILES = 1
    submission = online.submission_start(citizen, version_of("1.001193"))
    tp1 = submission.procedure_version.components.get(code="TP1")
    online.submission_file_add(submission, citizen, component_id=tp1.pk, name="a.pdf", content=PDF)
    with pytest.raises(ValidationError, match="at most 1 files"):
        online.submission_file_add(submission, citizen, component_id=tp1.pk, name="b.pdf", content=PDF)
    assert SubmissionFile.objects.count() == 1


def test_an_incomplete_submission_is_refused_and_stays_a_draft(
    catalog: Any, citizen: User, applicant_data: dict[str, str]
) -> None:
    submission = online.submission_start(citizen, version_of("1.001193"))
    online.submission_declare(submission, citizen, applicant_data=applicant_data, form_data={})
    review = online.submission_review(submission)
    assert [c.code for c in review.missing_components] == ["TP1"]
    with pytest.raises(ValidationError, match="not complete"):
        online.submission_submit(submission, citizen)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT


def test_submitting_twice_sends_one_submission_and_accepting_makes_one_dossier(
    catalog: Any, org: dict[str, Agency], citizen: User, applicant_data: dict[str, str], desk_officer: User
) -> None:
    submission = _ready(citizen, applicant_data)
    first = online.submission_submit(submission, citizen)
    second = online.submission_submit(submission, citizen)
    assert first.status == second.status == SubmissionStatus.SUBMITTED
    assert second.submit_count == 1
    assert first.receiving_unit == org["desk"]
    assert list(online.online_queue(desk_officer)) == [first]

    dossier = online.submission_accept(first, desk_officer)
    assert dossier.channel == Channel.ONLINE
    assert dossier.form_data == BIRTH_ANSWERS
    assert dossier.competent_agency == org["commune"]
    assert dossier.applicant.id_number == "024099012345"
    assert [a.source for a in dossier.attachments.all()] == [AttachmentSource.UPLOAD]
    with pytest.raises(ValidationError, match="no longer waits"):
        online.submission_accept(first, desk_officer)
    assert Dossier.objects.count() == 1
    first.refresh_from_db()
    assert first.status == SubmissionStatus.ACCEPTED and first.dossier == dossier
    assert list(online.dossiers_of_applicant(citizen)) == [dossier]
    with pytest.raises(ValidationError, match="can no longer be withdrawn"):
        online.submission_withdraw(first, citizen)


def test_only_the_desk_of_the_submission_decides(
    catalog: Any, org: dict[str, Agency], citizen: User, applicant_data: dict[str, str]
) -> None:
    submission = online.submission_submit(_ready(citizen, applicant_data), citizen)
    elsewhere = staff("centre-officer", (org["center"], Role.RECEPTION_OFFICER))
    assert list(online.online_queue(elsewhere)) == []
    with pytest.raises(ValidationError, match="may not receive"):
        online.submission_accept(submission, elsewhere)
    with pytest.raises(ValidationError, match="may not receive"):
        online.submission_refuse(submission, elsewhere, reason="x")
    assert not Dossier.objects.exists()


def test_completion_request_lets_the_applicant_correct_and_submit_again(
    catalog: Any, citizen: User, applicant_data: dict[str, str], desk_officer: User
) -> None:
    submission = online.submission_submit(_ready(citizen, applicant_data), citizen)
    with pytest.raises(ValidationError, match="at least one item"):
        online.submission_ask_completion(submission, desk_officer, missing_items=["  "])
    asked = online.submission_ask_completion(
        submission, desk_officer, missing_items=["Tờ khai có chữ ký"], reason="Thiếu chữ ký"
    )
    assert asked.status == SubmissionStatus.COMPLETION_REQUESTED and asked.is_editable
    again = online.submission_submit(asked, citizen)
    assert again.status == SubmissionStatus.SUBMITTED and again.submit_count == 2
    assert online.submission_accept(again, desk_officer).code


def test_refusal_needs_a_reason_and_closes_the_submission(
    catalog: Any, citizen: User, applicant_data: dict[str, str], desk_officer: User
) -> None:
    submission = online.submission_submit(_ready(citizen, applicant_data), citizen)
    with pytest.raises(ValidationError, match="reason"):
        online.submission_refuse(submission, desk_officer, reason=" ")
    refused = online.submission_refuse(submission, desk_officer, reason="Không thuộc thẩm quyền")
    assert refused.status == SubmissionStatus.REFUSED
    with pytest.raises(ValidationError, match="can no longer be changed"):
        online.submission_declare(refused, citizen, applicant_data=applicant_data, form_data={})


def test_withdrawal_before_the_desk_decides(
    catalog: Any, citizen: User, applicant_data: dict[str, str], desk_officer: User
) -> None:
    submission = online.submission_submit(_ready(citizen, applicant_data), citizen)
    online.submission_withdraw(submission, citizen)
    with pytest.raises(ValidationError, match="no longer waits"):
        online.submission_accept(submission, desk_officer)


def test_another_account_cannot_touch_a_submission(
    catalog: Any, citizen: User, applicant_data: dict[str, str]
) -> None:
    submission = _ready(citizen, applicant_data)
    other = User.objects.create_user("other", password="x", kind=AccountKind.CITIZEN)
    with pytest.raises(ValidationError, match="not yours"):
        online.submission_declare(submission, other, applicant_data={}, form_data={})
    with pytest.raises(ValidationError, match="not yours"):
        online.submission_withdraw(submission, other)


def _stored(org: dict[str, Agency], owner: str, code: str, valid_until: date | None = None) -> StoredDocument:
    document = StoredDocument(
        holder_number=owner,
        holder_name="Nguyễn Văn An",
        kind=StoredDocumentKind.ISSUED,
        result_code=code,
        title="Giấy chứng nhận kết hôn",
        number="12/2024",
        issuer=org["commune"],
        issued_on=date(2024, 3, 1),
        valid_until=valid_until,
        sha256=hashlib.sha256(PDF).hexdigest(),
        record_key=hashlib.sha256(f"{owner}{code}{valid_until}".encode()).hexdigest(),
    )
    document.file.save("kq.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


def test_reuse_from_the_data_store_is_marked_on_the_dossier(
    catalog: Any, org: dict[str, Agency], citizen: User, applicant_data: dict[str, str], desk_officer: User
) -> None:
    submission = _ready(citizen, applicant_data)
    tp2 = submission.procedure_version.components.get(code="TP2")
    mine = _stored(org, "024099012345", "KQ.G15.000032")
    someone_elses = _stored(org, "024099099999", "KQ.G15.000032")
    wrong_kind = _stored(org, "024099012345", "KQ.G15.000031")
    expired = _stored(
        org, "024099012345", "KQ.G15.000032", valid_until=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="not in your data store"):
        online.submission_file_reuse(submission, citizen, component_id=tp2.pk, document_id=someone_elses.pk)
    with pytest.raises(ValidationError, match="not the kind of document"):
        online.submission_file_reuse(submission, citizen, component_id=tp2.pk, document_id=wrong_kind.pk)
    with pytest.raises(ValidationError, match="expired"):
        online.submission_file_reuse(submission, citizen, component_id=tp2.pk, document_id=expired.pk)
    online.submission_file_reuse(submission, citizen, component_id=tp2.pk, document_id=mine.pk)
    with pytest.raises(ValidationError, match="already attached"):
        online.submission_file_reuse(submission, citizen, component_id=tp2.pk, document_id=mine.pk)
    dossier = online.submission_accept(online.submission_submit(submission, citizen), desk_officer)
    reused = dossier.attachments.get(component__code="TP2")
    assert reused.source == AttachmentSource.DATA_STORE
    assert reused.stored_document == mine


def test_the_applicant_uploads_a_requested_supplement_and_the_clock_resumes(
    catalog: Any, citizen: User, applicant_data: dict[str, str], desk_officer: User
) -> None:
    dossier = online.submission_accept(
        online.submission_submit(_ready(citizen, applicant_data), citizen), desk_officer
    )
    dossier, _late = dossier_supplement_request(
        dossier, desk_officer, missing_items=["Bản sao giấy khai sinh"], comment=""
    )
    assert dossier.status == DossierStatus.WAITING_SUPPLEMENT
    with pytest.raises(ValidationError, match="at least one file"):
        dossier_supplement_upload(dossier, citizen, {})
    resumed = dossier_supplement_upload(dossier, citizen, {"TP1": [("bo-sung.pdf", PDF)]})
    assert resumed.status == DossierStatus.IN_PROGRESS
    assert PausePeriod.objects.get(dossier=dossier).ended_at is not None
    assert resumed.attachments.filter(pause__isnull=False).count() == 1


def test_a_new_draft_starts_from_the_accounts_details(catalog: Any, citizen: User) -> None:
    submission = online.submission_start(citizen, version_of("1.001193"))
    # "Provide information once": the field the e-form fills from the applicant is already answered.
    assert submission.form_data == {"ho_ten_nguoi_khai": "Nguyễn Văn An"}


def test_a_declaration_with_errors_cannot_be_submitted(
    catalog: Any, citizen: User, applicant_data: dict[str, str]
) -> None:
    submission = _ready(citizen, applicant_data)
    wrong = {**BIRTH_ANSWERS, "tre": {"ho_ten": "Nguyễn Minh Khôi", "ngay_sinh": "31/02/2026"}}
    submission = online.submission_declare(
        submission, citizen, applicant_data=applicant_data, form_data=wrong
    )
    review = online.submission_review(submission)
    assert review.form_errors == {"tre.ngay_sinh": ["“Ngày sinh” is not a valid date (dd/mm/yyyy)."]}
    assert not review.ready
    with pytest.raises(ValidationError, match="not complete"):
        online.submission_submit(submission, citizen)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT


def test_the_answers_make_a_conditional_component_required(
    catalog: Any, citizen: User, applicant_data: dict[str, str]
) -> None:
    submission = _ready(citizen, applicant_data)
    submission.refresh_from_db()
    assert online.submission_review(submission).ready
    married = {**BIRTH_ANSWERS, "cha_me_da_ket_hon": True}
    submission = online.submission_declare(
        submission, citizen, applicant_data=applicant_data, form_data=married
    )
    review = online.submission_review(submission)
    assert [c.code for c in review.missing_components] == ["TP2"]
    tp2 = submission.procedure_version.components.get(code="TP2")
    assert online.component_requirement_label(tp2, online.required_component_ids(tp2.version, married)) == (
        "Required"
    )
    assert online.component_requirement_label(tp2, set()) == "Only when: Nếu cha mẹ đã đăng ký kết hôn"
