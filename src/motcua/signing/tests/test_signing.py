"""Remote signing of results (PAdES with a visible stamp) after a one-time code, and the verification of
signed, tampered, re-saved, foreign-signed and expired-certificate PDFs."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.catalog.models import Result
from motcua.documents.pdf import render_pdf
from motcua.dossiers.models import Dossier, DossierEvent, ResultDocument
from motcua.dossiers.results import result_document_add
from motcua.org.models import Agency

from ..backends import signing_backends
from ..ca import Authority, certificate_issue, demo_ca_ensure
from ..models import OneTimeCode, SignatureRecord
from ..otp import code_check, code_issue
from ..pades import StampInfo, pdf_sign, pdf_verify
from ..services import results_sign
from .conftest import sent_code, signed_sample


def test_a_leader_signs_approved_results_with_a_one_time_code(
    approved: ResultDocument, leader: User, django_capture_on_commit_callbacks: Any
) -> None:
    before = approved.sha256
    with pytest.raises(ValidationError) as info:
        results_sign([approved], leader, "123456")
    assert info.value.code == "no_code"
    code_issue(leader)
    with pytest.raises(ValidationError) as info:
        results_sign([approved], leader, "000000" if sent_code(leader) != "000000" else "111111")
    assert info.value.code == "code_wrong"
    with django_capture_on_commit_callbacks(execute=True):
        outcome = results_sign([approved], leader, sent_code(leader))
    assert [d.pk for d in outcome.signed] == [approved.pk] and outcome.failed == []
    approved.refresh_from_db()
    assert approved.sha256 != before
    record = SignatureRecord.objects.get(document=approved)
    assert (record.sha256_before, record.sha256_after, record.signer) == (before, approved.sha256, leader)
    assert DossierEvent.objects.filter(dossier=approved.dossier, action="result_signed").count() == 1

    with approved.file.open("rb") as handle:
        content = handle.read()
    report = pdf_verify(content)
    assert report.verdict == "valid", report
    (check,) = report.signatures
    assert check.signer == "Trần Thị Lãnh Đạo" and check.organisation == "Ủy ban nhân dân phường Bắc Giang"
    assert check.intact and check.valid and check.trusted and check.covers_document
    # The visible stamp says who signed, with which title, for which agency, in Vietnamese.
    text = " ".join(PdfReader(io.BytesIO(content)).pages[-1].extract_text().split())
    assert "GIẤY KHAI SINH" in text

    # The code was used once; a second signature of the same document is refused.
    code_issue(leader)
    again = results_sign([approved], leader, sent_code(leader))
    assert again.signed == [] and "already signed" in again.failed[0][1]


def test_codes_expire_and_stop_after_too_many_tries(leader: User) -> None:
    issued = code_issue(leader, now=timezone.now() - timedelta(minutes=10))
    with pytest.raises(ValidationError) as info:
        code_check(leader, sent_code(leader))
    assert info.value.code == "code_expired"
    code_issue(leader)
    assert OneTimeCode.objects.get(pk=issued.pk).used_at is not None  # the earlier code is void
    good = sent_code(leader)
    wrong = "000000" if good != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ValidationError):
            code_check(leader, wrong)
    with pytest.raises(ValidationError) as info:
        code_check(leader, good)
    assert info.value.code == "code_attempts"


def test_tampered_resaved_foreign_and_expired_signatures_are_flagged(
    authority: Authority, org: dict[str, Agency], leader: User, tmp_path: Path, settings: Any
) -> None:
    signed = signed_sample(authority, leader, org["commune"])
    assert pdf_verify(signed).verdict == "valid"

    # Tampered: a byte of the signed content changes.
    position = signed.index(b"/MediaBox") + 2
    tampered = (
        signed[:position]
        + (b"X" if signed[position : position + 1] != b"X" else b"Y")
        + signed[position + 1 :]
    )
    assert pdf_verify(tampered).verdict in {"tampered", "invalid"}

    # Re-saved: an incremental update after the signature changes what the reader shows.
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page_ref = writer.find_page_for_modification(0)[0]
    page = page_ref.get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    report = pdf_verify(buffer.getvalue())
    assert report.verdict == "modified" and report.signatures[0].intact
    assert not report.signatures[0].covers_document

    # Foreign: signed under another authority than the trusted roots.
    settings.DATA_DIR = tmp_path / "other"
    foreign_ca = demo_ca_ensure(common_name="Other CA")
    foreign = signed_sample(foreign_ca, leader, org["commune"])
    settings.DATA_DIR = tmp_path / "data"
    report = pdf_verify(foreign)
    assert report.verdict == "untrusted" and report.signatures[0].intact and not report.signatures[0].trusted

    # Expired: a certificate whose validity ended before the signature.
    expired_cert = certificate_issue(
        authority,
        leader,
        org["commune"],
        "Chủ tịch",
        not_before=datetime.now(UTC) - timedelta(days=60),
        valid_days=30,
    )
    signer = signing_backends["pkcs12"].signer_for(expired_cert)
    content = render_pdf("documents/result_generated.html", {"title": "Giấy phép", "number": "2/GP"})
    stamp = StampInfo("x", "y", "z", "http://127.0.0.1:8000/", timezone.now())
    assert pdf_verify(pdf_sign(content, signer, stamp, field_name="S", reason="r")).verdict in {
        "expired",
        "untrusted",
    }

    # Not a PDF, or an encrypted one: a clear error, no signature list.
    assert pdf_verify(b"GIF89a").error == "not_pdf"
    assert pdf_verify(b"%PDF-1.7\n1 0 obj <</Encrypt 2 0 R>> endobj\n/ByteRange").readable is False


def test_externally_signed_uploads_are_checked(
    approved: ResultDocument,
    authority: Authority,
    org: dict[str, Agency],
    leader: User,
    tmp_path: Path,
    settings: Any,
) -> None:
    dossier = approved.dossier
    result = Result.objects.get(version=dossier.procedure_version)
    good = signed_sample(authority, leader, org["commune"])
    added = result_document_add(
        Dossier.objects.get(pk=dossier.pk), leader, result=result, upload=("ky-san.pdf", good)
    )
    assert added.origin == "uploaded"
    settings.DATA_DIR = tmp_path / "other"
    foreign = signed_sample(demo_ca_ensure(common_name="Other CA"), leader, org["commune"])
    settings.DATA_DIR = tmp_path / "data"
    with pytest.raises(ValidationError) as info:
        result_document_add(
            Dossier.objects.get(pk=dossier.pk), leader, result=result, upload=("ngoai.pdf", foreign)
        )
    assert info.value.code == "result_bad_signature" and "trusted authority" in info.value.messages[0]
