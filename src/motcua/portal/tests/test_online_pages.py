"""The applicant's online-filing pages and the desk's online queue, as a browser uses them: someone else's
submission, dossier, file or result is a 404; every write needs the CSRF token; submitting twice sends once;
a submission is withdrawn before the desk decides; a requested supplement is sent online and the clock
resumes; the desk receives, asks to complete or refuses, once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import AccountKind, User
from motcua.catalog.models import Procedure
from motcua.dossiers import online
from motcua.dossiers.models import (
    Dossier,
    DossierStatus,
    OnlineSubmission,
    PausePeriod,
    SubmissionFile,
    SubmissionStatus,
)
from motcua.dossiers.services import dossier_supplement_request
from motcua.dossiers.tests.conftest import PDF
from motcua.org.models import Agency, Role
from tests.fixtures import BIRTH_ANSWERS, staff

pytestmark = pytest.mark.django_db


def citizen_account(username: str, id_number: str) -> User:
    return User.objects.create_user(
        username,
        password="pw-Test-123456",
        kind=AccountKind.CITIZEN,
        full_name="Nguyễn Văn An",
        id_number=id_number,
        id_verified_at=timezone.now(),
        date_of_birth=date(1999, 5, 1),
        phone="0912000111",
    )


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def citizen(db: Any) -> User:
    return citizen_account("an", "024099012345")


@pytest.fixture
def stranger(db: Any) -> User:
    return citizen_account("binh", "001203004567")


@pytest.fixture
def desk_officer(org: dict[str, Agency]) -> User:
    return staff("desk-officer", (org["desk"], Role.RECEPTION_OFFICER))


@pytest.fixture
def ready(eform_catalog: Any, citizen: User, geo: dict[str, Any]) -> OnlineSubmission:
    """A complete draft of the birth registration (declaration and its required file)."""
    version = Procedure.objects.get(national_code="1.001193").current_version
    assert version is not None
    submission = online.submission_start(citizen, version)
    online.submission_declare(
        submission,
        citizen,
        applicant_data={
            "full_name": "Nguyễn Văn An",
            "id_number": "024099012345",
            "date_of_birth": "1999-05-01",
            "address": "12 Nguyễn Văn Cừ",
            "commune": geo["ward"].code,
        },
        form_data=BIRTH_ANSWERS,
    )
    tp1 = version.components.get(code="TP1")
    online.submission_file_add(submission, citizen, component_id=tp1.pk, name="to-khai.pdf", content=PDF)
    return submission


def logged_in(user: User, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def test_someone_elses_submission_and_its_files_are_a_404(ready: OnlineSubmission, stranger: User) -> None:
    client = logged_in(stranger)
    record = SubmissionFile.objects.get(submission=ready)
    for path in ("", "to-khai/", "thanh-phan/", "xem-lai/", f"tep/{record.pk}/"):
        assert client.get(f"/nop-ho-so/{ready.key}/{path}").status_code == 404, path
    for path in ("nop/", "rut/", "thanh-toan/"):
        assert client.post(f"/nop-ho-so/{ready.key}/{path}").status_code == 404, path
    ready.refresh_from_db()
    assert ready.status == SubmissionStatus.DRAFT and ready.payment is None


def test_pages_need_an_applicant_login(ready: OnlineSubmission, desk_officer: User) -> None:
    anonymous = Client().get(f"/nop-ho-so/{ready.key}/xem-lai/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/dang-nhap/?next=")
    officer = logged_in(desk_officer).get("/ho-so-cua-toi/")
    assert officer.status_code == 403 and "tài khoản cán bộ" in officer.content.decode()


def test_writes_need_the_csrf_token(ready: OnlineSubmission, citizen: User) -> None:
    client = logged_in(citizen, csrf=True)
    tp1 = ready.procedure_version.components.get(code="TP1")
    assert client.post(f"/nop-ho-so/{ready.key}/nop/").status_code == 403
    assert client.post(f"/nop-ho-so/{ready.key}/rut/").status_code == 403
    assert (
        client.post(
            f"/nop-ho-so/{ready.key}/thanh-phan/", {"hanh-dong": "xoa", "tep_id": str(tp1.pk)}
        ).status_code
        == 403
    )
    ready.refresh_from_db()
    assert (
        ready.status == SubmissionStatus.DRAFT
        and SubmissionFile.objects.filter(submission=ready).count() == 1
    )


def test_submitting_twice_sends_once(ready: OnlineSubmission, citizen: User) -> None:
    client = logged_in(citizen)
    first = client.post(f"/nop-ho-so/{ready.key}/nop/")
    second = client.post(f"/nop-ho-so/{ready.key}/nop/")
    assert first.status_code == second.status_code == 302
    ready.refresh_from_db()
    assert ready.status == SubmissionStatus.SUBMITTED and ready.submit_count == 1
    assert OnlineSubmission.objects.count() == 1
    page = client.get(f"/nop-ho-so/{ready.key}/").content.decode()
    assert "Bộ phận Một cửa đang kiểm tra hồ sơ" in page


def test_an_incomplete_submission_is_not_sent(ready: OnlineSubmission, citizen: User) -> None:
    SubmissionFile.objects.filter(submission=ready).delete()
    response = logged_in(citizen).post(f"/nop-ho-so/{ready.key}/nop/", follow=True)
    assert "Hồ sơ chưa đầy đủ" in response.content.decode()
    ready.refresh_from_db()
    assert ready.status == SubmissionStatus.DRAFT and ready.submit_count == 0


def test_a_submission_is_withdrawn_before_the_desk_decides(
    ready: OnlineSubmission, citizen: User, desk_officer: User
) -> None:
    client = logged_in(citizen)
    client.post(f"/nop-ho-so/{ready.key}/nop/")
    assert "Đã rút hồ sơ" in client.post(f"/nop-ho-so/{ready.key}/rut/", follow=True).content.decode()
    ready.refresh_from_db()
    assert ready.status == SubmissionStatus.WITHDRAWN
    # The desk no longer sees it, and cannot receive it.
    desk = logged_in(desk_officer)
    assert "Đăng ký khai sinh" not in desk.get("/mot-cua/truc-tuyen/").content.decode()
    refused = desk.post(f"/mot-cua/truc-tuyen/{ready.pk}/", {"hanh-dong": "tiep-nhan"}, follow=True)
    assert "không còn chờ tiếp nhận" in refused.content.decode()
    assert not Dossier.objects.exists()


def test_the_desk_decides_once_and_another_desk_cannot_see_it(
    ready: OnlineSubmission, citizen: User, desk_officer: User, org: dict[str, Agency]
) -> None:
    logged_in(citizen).post(f"/nop-ho-so/{ready.key}/nop/")
    elsewhere = staff("centre-officer", (org["center"], Role.RECEPTION_OFFICER))
    assert logged_in(elsewhere).get(f"/mot-cua/truc-tuyen/{ready.pk}/").status_code == 404
    desk = logged_in(desk_officer)
    queue = desk.get("/mot-cua/truc-tuyen/").content.decode()
    assert "Đăng ký khai sinh" in queue and "Nguyễn Văn An" in queue
    received = desk.post(f"/mot-cua/truc-tuyen/{ready.pk}/", {"hanh-dong": "tiep-nhan"})
    dossier = Dossier.objects.get()
    assert received["Location"] == f"/mot-cua/ho-so/{dossier.code}/"
    assert dossier.channel == "online" and dossier.status == DossierStatus.RECEIVED
    again = desk.post(f"/mot-cua/truc-tuyen/{ready.pk}/", {"hanh-dong": "tu-choi", "ly_do": "x"}, follow=True)
    assert "không còn chờ tiếp nhận" in again.content.decode()
    assert Dossier.objects.count() == 1
    # The applicant now follows the dossier under its code.
    mine = logged_in(citizen).get(f"/nop-ho-so/{ready.key}/")
    assert mine.status_code == 302 and mine["Location"] == f"/ho-so-cua-toi/{dossier.code}/"


def test_asked_to_complete_the_applicant_corrects_and_submits_again(
    ready: OnlineSubmission, citizen: User, desk_officer: User
) -> None:
    client = logged_in(citizen)
    client.post(f"/nop-ho-so/{ready.key}/nop/")
    desk = logged_in(desk_officer)
    empty = desk.post(
        f"/mot-cua/truc-tuyen/{ready.pk}/", {"hanh-dong": "bo-sung", "thanh_phan_thieu": " "}, follow=True
    )
    assert "ít nhất một nội dung" in empty.content.decode()
    desk.post(
        f"/mot-cua/truc-tuyen/{ready.pk}/",
        {"hanh-dong": "bo-sung", "thanh_phan_thieu": "Bản sao giấy chứng sinh\nẢnh chụp rõ nét hơn"},
    )
    ready.refresh_from_db()
    assert ready.status == SubmissionStatus.COMPLETION_REQUESTED
    page = client.get(f"/nop-ho-so/{ready.key}/").content.decode()
    assert "Bản sao giấy chứng sinh" in page and "Ảnh chụp rõ nét hơn" in page
    client.post(f"/nop-ho-so/{ready.key}/nop/")
    ready.refresh_from_db()
    assert ready.status == SubmissionStatus.SUBMITTED and ready.submit_count == 2


def test_a_requested_supplement_is_sent_online_and_the_clock_resumes(
    ready: OnlineSubmission, citizen: User, stranger: User, desk_officer: User
) -> None:
    client = logged_in(citizen)
    client.post(f"/nop-ho-so/{ready.key}/nop/")
    dossier = online.submission_accept(OnlineSubmission.objects.get(pk=ready.pk), desk_officer)
    dossier_supplement_request(dossier, desk_officer, ["Bản sao giấy chứng sinh"], "Thiếu giấy chứng sinh")
    assert logged_in(stranger).get(f"/ho-so-cua-toi/{dossier.code}/").status_code == 404
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Bản sao giấy chứng sinh" in page
    tp1 = ready.procedure_version.components.get(code="TP1")
    disguised = client.post(
        f"/ho-so-cua-toi/{dossier.code}/",
        {f"bo-sung-{tp1.pk}": _file("giay-chung-sinh.pdf", b"MZ\x90\x00 an executable")},
        follow=True,
    )
    assert "nội dung thực tế là" in disguised.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.WAITING_SUPPLEMENT
    sent = client.post(
        f"/ho-so-cua-toi/{dossier.code}/",
        {f"bo-sung-{tp1.pk}": _file("giay-chung-sinh.pdf", PDF)},
        follow=True,
    )
    assert "thời gian giải quyết được tính tiếp" in sent.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.IN_PROGRESS
    pause = PausePeriod.objects.get(dossier=dossier)
    assert pause.ended_at is not None and pause.attachments.count() == 1


def test_results_are_shown_only_once_approved_and_to_the_applicant(
    ready: OnlineSubmission, citizen: User, stranger: User, desk_officer: User
) -> None:
    logged_in(citizen).post(f"/nop-ho-so/{ready.key}/nop/")
    dossier = online.submission_accept(OnlineSubmission.objects.get(pk=ready.pk), desk_officer)
    assert logged_in(citizen).get(f"/ho-so-cua-toi/{dossier.code}/ket-qua/1/").status_code == 404
    assert logged_in(stranger).get(f"/ho-so-cua-toi/{dossier.code}/ket-qua/1/").status_code == 404
    listed = logged_in(citizen).get("/ho-so-cua-toi/").content.decode()
    assert dossier.code in listed
    assert dossier.code not in logged_in(stranger).get("/ho-so-cua-toi/").content.decode()


def _file(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_an_oversized_upload_is_refused_and_nothing_is_kept(
    ready: OnlineSubmission, citizen: User, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    tp1 = ready.procedure_version.components.get(code="TP1")
    big = PDF + b"%" * 2048
    response = logged_in(citizen).post(
        f"/nop-ho-so/{ready.key}/thanh-phan/",
        {"hanh-dong": "tai-len", "thanh_phan": str(tp1.pk), "tep": _file("lon.pdf", big)},
        follow=True,
    )
    assert "không được vượt quá" in response.content.decode()
    assert SubmissionFile.objects.filter(submission=ready).count() == 1
