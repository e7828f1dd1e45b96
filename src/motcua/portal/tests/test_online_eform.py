"""The e-form on the applicant's pages: the declaration page renders, saves drafts and checks answers; the
documents page follows the answers; the review page and the desk's page show them as people read them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import AccountKind, User
from motcua.catalog.models import Procedure
from motcua.dossiers import online
from motcua.dossiers.models import OnlineSubmission
from motcua.org.models import Agency, Role
from tests.fixtures import BIRTH_ANSWERS, staff

pytestmark = pytest.mark.django_db


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
def submission(eform_catalog: Any, citizen: User) -> OnlineSubmission:
    version = Procedure.objects.get(national_code="1.001193").current_version
    assert version is not None
    return online.submission_start(citizen, version)


@pytest.fixture
def applicant_client(client: Client, citizen: User) -> Client:
    client.force_login(citizen)
    return client


def applicant_post(geo: dict[str, Any]) -> dict[str, str]:
    return {
        "full_name": "Nguyễn Văn An",
        "date_of_birth": "1999-05-01",
        "sex": "male",
        "phone": "0912000111",
        "email": "",
        "address": "12 Nguyễn Văn Cừ",
        "commune": geo["ward"].code,
    }


def url(submission: OnlineSubmission, step: str) -> str:
    return f"/nop-ho-so/{submission.key}/{step}/"


def test_the_declaration_page_shows_the_e_form_filled_from_the_account(
    applicant_client: Client, submission: OnlineSubmission
) -> None:
    page = applicant_client.get(url(submission, "to-khai")).content.decode()
    assert (
        '<label for="eform-tre-ho_ten">Họ, chữ đệm và tên <span class="req" aria-hidden="true">*</span>'
        in page
    )
    assert 'name="eform-ho_ten_nguoi_khai" value="Nguyễn Văn An"' in page
    assert "/static/catalog/eform.js" in page
    assert "Các mục đánh dấu * là bắt buộc." in page


def test_a_draft_keeps_incomplete_answers_and_continuing_asks_for_the_rest(
    applicant_client: Client, submission: OnlineSubmission, geo: dict[str, Any]
) -> None:
    draft = {**applicant_post(geo), "eform-tre.ho_ten": "Nguyễn Minh Khôi", "luu-nhap": "1"}
    response = applicant_client.post(url(submission, "to-khai"), draft)
    assert response.status_code == 302 and response["Location"] == url(submission, "to-khai")
    submission.refresh_from_db()
    assert submission.form_data == {"tre": {"ho_ten": "Nguyễn Minh Khôi"}}

    wrong = {
        **applicant_post(geo),
        "eform-tre.ho_ten": "Nguyễn Minh Khôi",
        "eform-tre.ngay_sinh": "31/02/2026",
    }
    response = applicant_client.post(url(submission, "to-khai"), {**wrong, "tiep-tuc": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        'id="eform-tre-ngay_sinh-error">“Ngày sinh” không phải là ngày hợp lệ (ngày/tháng/năm).</p>' in page
    )
    assert "Vui lòng chọn “Quan hệ với trẻ”." in page and 'value="31/02/2026"' in page
    submission.refresh_from_db()
    assert submission.form_data["tre"]["ngay_sinh"] == "31/02/2026"  # saved as typed, to be corrected

    answers = {
        **applicant_post(geo),
        "eform-tre.ho_ten": "Nguyễn Minh Khôi",
        "eform-tre.ngay_sinh": "02/05/2026",
        "eform-quan_he": "me",
        "eform-cha_me_da_ket_hon": "true",
        "eform-cam_doan": "true",
        "tiep-tuc": "1",
    }
    response = applicant_client.post(url(submission, "to-khai"), answers)
    assert response.status_code == 302 and response["Location"] == url(submission, "thanh-phan")
    submission.refresh_from_db()
    assert submission.form_data == {**BIRTH_ANSWERS, "cha_me_da_ket_hon": True}
    # Married parents: the marriage certificate is now required.
    page = applicant_client.get(url(submission, "thanh-phan")).content.decode()
    tp2 = page[page.index("Giấy chứng nhận kết hôn của cha mẹ") :][:200]
    assert "badge-required" in tp2

    review = applicant_client.get(url(submission, "xem-lai")).content.decode()
    assert "<dt>Trẻ được đăng ký khai sinh › Ngày sinh</dt><dd>02/05/2026</dd>" in review
    assert "<dt>Quan hệ với trẻ</dt><dd>Mẹ</dd>" in review
    assert "<dt>Cha mẹ đã đăng ký kết hôn</dt><dd>Có</dd>" in review


def test_the_desk_reads_the_declaration_with_labels(
    client: Client, org: dict[str, Agency], submission: OnlineSubmission, citizen: User, geo: dict[str, Any]
) -> None:
    declared = online.submission_declare(
        submission,
        citizen,
        applicant_data={**applicant_post(geo), "id_number": "024099012345"},
        form_data=BIRTH_ANSWERS,
    )
    OnlineSubmission.objects.filter(pk=declared.pk).update(status="submitted", receiving_unit=org["desk"])
    client.force_login(staff("desk", (org["desk"], Role.RECEPTION_OFFICER)))
    page = client.get(f"/mot-cua/truc-tuyen/{declared.pk}/").content.decode()
    assert (
        '<th scope="row">Trẻ được đăng ký khai sinh › Họ, chữ đệm và tên</th><td>Nguyễn Minh Khôi</td>'
        in page
    )
    assert '<th scope="row">Tôi cam đoan lời khai là đúng sự thật</th><td>Có</td>' in page


def test_the_procedure_page_previews_the_declaration(client: Client, eform_catalog: Any) -> None:
    page = client.get("/thu-tuc/1.001193/").content.decode()
    assert "Xem các câu hỏi của tờ khai" in page
    assert '<fieldset disabled class="eform-preview">' in page and 'for="eform-tre-ho_ten"' in page
    assert "Xem các câu hỏi của tờ khai" not in client.get("/thu-tuc/9.000001/").content.decode()
