"""The leader's signing desk, the public verification page, its QR link and the API check."""

from __future__ import annotations

import base64
import re
from typing import Any

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.accounts.models import User
from motcua.dossiers.models import ResultDocument
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from ..models import SignatureRecord
from .conftest import sent_code

CLIENT_HEADERS = {"accept-language": "en"}


def test_the_leader_signs_from_the_desk_and_anyone_verifies(
    approved: ResultDocument,
    leader: User,
    org: dict[str, Agency],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client(headers=CLIENT_HEADERS)
    # A specialist has no signing desk; the leader sees the approved result waiting.
    client.force_login(staff("specialist", (org["commune"], Role.SPECIALIST)))
    assert client.get("/mot-cua/ky-so/").status_code == 403
    client.force_login(leader)
    page = client.get("/mot-cua/ky-so/").content.decode()
    assert approved.number in page and "Sign results" in page
    dossier_page = client.get(f"/mot-cua/ho-so/{approved.dossier.code}/").content.decode()
    assert "Sign the approved result" in dossier_page

    sent = client.post("/mot-cua/ky-so/", {"hanh_dong": "gui-ma"}, follow=True).content.decode()
    assert "A signing code was sent to ***4321" in sent
    wrong = client.post(
        "/mot-cua/ky-so/", {"hanh_dong": "ky", "ket_qua": [str(approved.pk)], "ma": "12345x"}, follow=True
    )
    assert "The signing code is wrong." in wrong.content.decode()
    assert not SignatureRecord.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        signed = client.post(
            "/mot-cua/ky-so/",
            {"hanh_dong": "ky", "ket_qua": [str(approved.pk)], "ma": sent_code(leader)},
            follow=True,
        )
    assert f"Signed: {approved.number}." in signed.content.decode()
    approved.refresh_from_db()
    assert SignatureRecord.objects.filter(document=approved).count() == 1

    # Public: the QR link shows the registered result and checks its signature, without personal data.
    public = Client(headers=CLIENT_HEADERS)
    page = public.get(f"/xac-thuc/{approved.verify_token}/").content.decode()
    assert approved.number in page and "Every signature is valid." in page
    assert "Nguyễn Văn An" not in page and "024099012345" not in page
    assert public.get("/xac-thuc/not-a-token/").status_code == 404

    with approved.file.open("rb") as handle:
        content = handle.read()
    cache.clear()
    upload = public.post("/xac-thuc/", {"file": SimpleUploadedFile("kq.pdf", content, "application/pdf")})
    text = upload.content.decode()
    assert "Every signature is valid." in text and f"This file is the result {approved.number}" in text
    changed = (
        content.replace(b"/Type /Catalog", b"/Type /Catalog ", 1)
        if b"/Type /Catalog" in content
        else content + b"\n"
    )
    upload = public.post("/xac-thuc/", {"file": SimpleUploadedFile("kq.pdf", changed, "application/pdf")})
    assert "This file does not match any result registered in MotCua." in upload.content.decode()

    api = public.post(
        "/api/v1/verify",
        {"content_base64": base64.b64encode(content).decode()},
        content_type="application/json",
    )
    assert api.status_code == 200
    body = api.json()
    assert body["verdict"] == "valid" and body["registered"]["number"] == approved.number
    assert body["signatures"][0]["signer"] == "Trần Thị Lãnh Đạo"
    garbage = public.post("/api/v1/verify", {"content_base64": "%%%"}, content_type="application/json")
    assert garbage.status_code == 422


def test_the_verification_page_reports_unreadable_and_unsigned_files(db: None) -> None:
    client = Client(headers=CLIENT_HEADERS)
    cache.clear()
    page = client.post("/xac-thuc/", {"file": SimpleUploadedFile("a.pdf", b"not a pdf", "application/pdf")})
    assert "The file is not a PDF document." in page.content.decode()
    minimal = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    page = client.post("/xac-thuc/", {"file": SimpleUploadedFile("b.pdf", minimal, "application/pdf")})
    assert "The document carries no digital signature." in page.content.decode()
    assert re.search(r"<form[^>]+multipart", client.get("/xac-thuc/").content.decode())


def test_slips_are_sealed_by_the_receiving_unit_when_it_has_a_seal(
    approved: ResultDocument, authority: Any, org: dict[str, Agency]
) -> None:
    from motcua.signing.ca import certificate_issue
    from motcua.signing.pades import pdf_verify

    dossier = approved.dossier
    client = Client(headers=CLIENT_HEADERS)
    client.force_login(staff("desk-officer", (org["desk"], Role.RECEPTION_OFFICER)))
    unsealed = client.get(f"/mot-cua/ho-so/{dossier.code}/mau-01.pdf").content
    assert pdf_verify(unsealed).verdict == "unsigned"
    # The desk has no seal of its own: its commune's seal signs its slips.
    certificate_issue(authority, None, org["commune"], "Con dấu điện tử")
    sealed = client.get(f"/mot-cua/ho-so/{dossier.code}/mau-01.pdf").content
    report = pdf_verify(sealed)
    assert report.verdict == "valid" and report.signatures[0].signer == org["commune"].name
    control = client.get(f"/mot-cua/ho-so/{dossier.code}/mau-05.pdf").content
    assert pdf_verify(control).verdict == "valid"


def test_the_leader_signs_from_the_dossier_page(
    approved: ResultDocument, leader: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client(headers=CLIENT_HEADERS)
    client.force_login(leader)
    page_url = f"/mot-cua/ho-so/{approved.dossier.code}/"
    assert 'id="sign-here"' in client.get(page_url).content.decode()
    sent = client.post("/mot-cua/ky-so/", {"hanh_dong": "gui-ma", "next": page_url})
    assert sent.status_code == 302 and sent["Location"] == page_url
    # A foreign "next" is ignored (no open redirect).
    elsewhere = client.post("/mot-cua/ky-so/", {"hanh_dong": "gui-ma", "next": "https://example.com/"})
    assert elsewhere["Location"] == "/mot-cua/ky-so/"
    with django_capture_on_commit_callbacks(execute=True):
        signed = client.post(
            "/mot-cua/ky-so/",
            {"hanh_dong": "ky", "ket_qua": [str(approved.pk)], "ma": sent_code(leader), "next": page_url},
            follow=True,
        )
    assert f"Signed: {approved.number}." in signed.content.decode()
    assert 'id="sign-here"' not in signed.content.decode()  # nothing left to sign
