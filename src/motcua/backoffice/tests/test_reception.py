"""Reception through the form: a valid dossier is created and the officer lands on it; every refusal
shows all its messages, keeps the typed data and creates nothing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.accounts.models import User
from motcua.catalog.models import Component
from motcua.dossiers.models import Attachment, Dossier, DossierStatus
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from .conftest import EXE, PDF, version_of

URL = "/mot-cua/tiep-nhan/"


def form_url(org: dict[str, Agency]) -> str:
    return f"{URL}?don_vi={org['desk'].pk}&thu_tuc={version_of('1.001193').pk}"


def component(code: str) -> Component:
    return Component.objects.get(version=version_of("1.001193"), code=code)


def post_data(geo: dict[str, Any], nonce: str = "nonce-1", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "person",
        "full_name": "Nguyễn Văn An",
        "id_number": "024099012345",
        "date_of_birth": "1999-05-01",
        "sex": "male",
        "phone": "0912345678",
        "email": "an@example.com",
        "address": "12 Nguyễn Văn Cừ",
        "commune": str(geo["ward"].pk),
        "tax_code": "",
        "representative": "",
        "channel": "counter",
        "note": "Khai sinh cho con",
        "nonce": nonce,
    }
    data.update(extra)
    return data


def test_steps_unit_search_then_form(catalog: Any, org: dict[str, Agency], desk_client: Client) -> None:
    page = desk_client.get(URL).content.decode()
    # The officer has one receiving unit: it is chosen, and the procedure search is offered.
    assert "Bộ phận Một cửa phường Bắc Giang" in page and 'name="q"' in page
    found = desk_client.get(URL, {"don_vi": str(org["desk"].pk), "q": "khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in found and "Đăng ký kết hôn" not in found
    assert f"thu_tuc={version_of('1.001193').pk}" in found
    form = desk_client.get(form_url(org)).content.decode()
    tp1, tp2 = component("TP1"), component("TP2")
    assert f'name="tp-{tp1.pk}"' in form and f'name="tp-{tp2.pk}"' in form and "multiple" in form
    assert "Required" in form and "Conditional" in form
    assert "Phường Bắc Giang (07210)" in form  # the communes of the unit's province
    assert 'name="nonce"' in form


def test_reception_end_to_end(
    catalog: Any, org: dict[str, Agency], geo: dict[str, Any], desk_client: Client, desk_officer: User
) -> None:
    files = {
        f"tp-{component('TP1').pk}": [
            SimpleUploadedFile("Tờ khai.pdf", PDF, "application/pdf"),
            SimpleUploadedFile("Tờ khai trang 2.pdf", PDF, "application/pdf"),
        ]
    }
    response = desk_client.post(form_url(org), {**post_data(geo), **files})
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/mot-cua/ho-so/{dossier.code}/"
    assert dossier.status == DossierStatus.RECEIVED and dossier.created_by == desk_officer
    assert dossier.receiving_unit == org["desk"] and dossier.competent_agency == org["commune"]
    assert dossier.applicant.full_name == "Nguyễn Văn An" and dossier.applicant.commune == geo["ward"]
    assert dossier.form_data == {"request": "Khai sinh cho con"}
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == [
        "Tờ khai trang 2.pdf",
        "Tờ khai.pdf",
    ]
    page = desk_client.get(response["Location"]).content.decode()
    assert f"Dossier {dossier.code} received." in page
    assert f"/mot-cua/ho-so/{dossier.code}/mau-01.pdf" in page

    # The same form sent again (double click, back + resubmit) is not a second dossier.
    again = desk_client.post(form_url(org), {**post_data(geo), **files})
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert Dossier.objects.count() == 1


def test_missing_required_component_shows_the_message_and_keeps_the_data(
    catalog: Any, org: dict[str, Agency], geo: dict[str, Any], desk_client: Client, media_root: Path
) -> None:
    response = desk_client.post(form_url(org), post_data(geo))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The dossier was not received" in page
    assert "The required component “Tờ khai” (TP1) has no file." in page
    assert 'value="Nguyễn Văn An"' in page and 'value="024099012345"' in page
    assert not Dossier.objects.exists()


def test_every_problem_is_listed_at_once(
    catalog: Any, org: dict[str, Agency], geo: dict[str, Any], desk_client: Client
) -> None:
    data = post_data(geo, id_number="024199012345", full_name="")  # century/sex digit says female
    page = desk_client.post(form_url(org), data).content.decode()
    assert "has no file" in page and "Applicant, citizen ID number" in page
    assert "The applicant&#39;s name is required." in page
    assert 'value="024199012345"' in page
    assert not Dossier.objects.exists()


def test_executable_named_pdf_is_refused(
    catalog: Any, org: dict[str, Agency], geo: dict[str, Any], desk_client: Client, media_root: Path
) -> None:
    files = {f"tp-{component('TP1').pk}": SimpleUploadedFile("to-khai.pdf", EXE, "application/pdf")}
    response = desk_client.post(form_url(org), {**post_data(geo), **files})
    page = response.content.decode()
    assert response.status_code == 200
    assert "to-khai.pdf is named as a PDF file but its content is a Windows executable" in page
    assert "Files are not kept after an error: choose them again." in page
    assert not Dossier.objects.exists() and not Attachment.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file() and "dossiers" in p.parts]


def test_oversized_file_is_refused_before_reading(
    catalog: Any, org: dict[str, Agency], geo: dict[str, Any], desk_client: Client, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = SimpleUploadedFile("to-khai.pdf", PDF + b"0" * 2048, "application/pdf")
    page = desk_client.post(
        form_url(org), {**post_data(geo), f"tp-{component('TP1').pk}": big}
    ).content.decode()
    assert re.search(
        r"to-khai\.pdf is 2[.,]\d\s*KB; a file may be at most 1[.,]0\s*KB", page.replace("\xa0", " ")
    )
    assert not Dossier.objects.exists()


def test_only_reception_officers_may_receive(catalog: Any, org: dict[str, Agency], client: Client) -> None:
    specialist = staff("specialist", (org["commune"], Role.SPECIALIST))
    client.force_login(specialist)
    assert client.get(URL).status_code == 403


def test_post_without_procedure_changes_nothing(
    catalog: Any, org: dict[str, Agency], geo: dict[str, Any], desk_client: Client
) -> None:
    response = desk_client.post(URL, post_data(geo))
    assert response.status_code == 302 and response["Location"] == URL
    assert not Dossier.objects.exists()


# --- the declaration typed at the counter -----------------------------------------------------------------


def eform_post(**answers: str) -> dict[str, str]:
    values = {
        "eform-tre.ho_ten": "Nguyễn Minh Khôi",
        "eform-tre.ngay_sinh": "02/05/2026",
        "eform-quan_he": "me",
        "eform-cam_doan": "true",
    }
    values.update({f"eform-{key}": value for key, value in answers.items()})
    return values


def test_the_counter_form_offers_the_procedures_e_form(
    eform_catalog: Any, org: dict[str, Agency], desk_client: Client
) -> None:
    page = desk_client.get(form_url(org)).content.decode()
    assert 'id="step-declaration"' in page and "catalog/eform.js" in page
    assert (
        '<label for="eform-tre-ho_ten">Họ, chữ đệm và tên <span class="req" aria-hidden="true">*</span></label>'
        in page
    )
    assert 'name="eform-quan_he" value="uy_quyen"' in page
    # The steps after the declaration are renumbered.
    assert '<span class="step-no">7</span> Outcome' in page


def test_a_paper_declaration_is_checked_and_kept_with_the_dossier(
    eform_catalog: Any, org: dict[str, Agency], geo: dict[str, Any], desk_client: Client
) -> None:
    tp1 = {f"tp-{component('TP1').pk}": SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")}
    wrong = desk_client.post(
        form_url(org), {**post_data(geo), **eform_post(**{"tre.ngay_sinh": "31/02/2026"}), **tp1}
    )
    page = wrong.content.decode()
    assert wrong.status_code == 200 and not Dossier.objects.exists()
    assert "The declaration has answers to correct: see the Declaration section." in page
    # Each wrong answer is shown next to its field, as typed.
    assert 'id="eform-tre-ngay_sinh-error">“Ngày sinh” is not a valid date (dd/mm/yyyy).</p>' in page
    assert 'value="31/02/2026"' in page and 'value="Nguyễn Minh Khôi"' in page

    tp1 = {f"tp-{component('TP1').pk}": SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")}
    response = desk_client.post(form_url(org), {**post_data(geo, nonce="nonce-2"), **eform_post(), **tp1})
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.form_data == {
        "tre": {"ho_ten": "Nguyễn Minh Khôi", "ngay_sinh": "2026-05-02"},
        "quan_he": "me",
        "cam_doan": True,
        "request": "Khai sinh cho con",
    }
    page = desk_client.get(response["Location"]).content.decode()
    assert '<th scope="row">Trẻ được đăng ký khai sinh › Ngày sinh</th><td>02/05/2026</td>' in page
    assert '<th scope="row">Quan hệ với trẻ</th><td>Mẹ</td>' in page
    assert '<th scope="row">request</th><td>Khai sinh cho con</td>' in page


def test_the_answers_make_a_conditional_component_required_at_the_counter(
    eform_catalog: Any, org: dict[str, Agency], geo: dict[str, Any], desk_client: Client
) -> None:
    tp1 = {f"tp-{component('TP1').pk}": SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")}
    data = {**post_data(geo), **eform_post(cha_me_da_ket_hon="true"), **tp1}
    page = desk_client.post(form_url(org), data).content.decode()
    assert (
        "The declaration&#39;s answers make “Giấy chứng nhận kết hôn của cha mẹ” (TP2) required: it has no file."
        in page
    )
    assert not Dossier.objects.exists()


def test_a_counter_decision_keeps_the_declaration_typed(
    eform_catalog: Any, org: dict[str, Agency], geo: dict[str, Any], desk_client: Client
) -> None:
    data = {**post_data(geo), **eform_post(), "ket_qua": "bo-sung", "missing_items": ""}
    page = desk_client.post(form_url(org), data).content.decode()
    assert 'value="Nguyễn Minh Khôi"' in page and 'value="2026-05-02"' in page
