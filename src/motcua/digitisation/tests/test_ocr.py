"""Scanned components become searchable PDF/A files with their text, in the background task queued when the
dossier is received; files OCR cannot use fail clearly without touching the dossier."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.tests.conftest import version_of
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from ..models import OcrResult, OcrStatus

LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "GIẤY KHAI SINH",
    "Họ, chữ đệm, tên: NGUYỄN THỊ HOA",
    "Số định danh cá nhân: 024190000123",
]


def scanned_page(lines: list[str] = LINES) -> bytes:
    """A page as a scanner makes it: one picture (A4 at 150 dpi) in a PDF, no text layer."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf", 30)
    for number, line in enumerate(lines):
        draw.text((110, 160 + number * 70), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=150)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def receive_scan(org: dict[str, Agency], content: bytes, capture: Any) -> Dossier:
    desk = User.objects.filter(username="desk").first() or staff(
        "desk", (org["desk"], Role.RECEPTION_OFFICER)
    )
    with capture(execute=True):
        return dossier_receive(
            officer=desk,
            receiving_unit=org["desk"],
            procedure_version=version_of("1.001193"),
            applicant={
                "kind": "person",
                "full_name": "Nguyễn Thị Hoa",
                "id_number": "024190000123",
                "commune": org["commune"].admin_unit,
            },
            channel="counter",
            form_data={},
            files={"TP1": [("to-khai.pdf", content)]},
        )


def test_a_scan_becomes_a_searchable_pdfa_with_its_text(
    catalog: Any, org: dict[str, Agency], django_capture_on_commit_callbacks: Any
) -> None:
    dossier = receive_scan(org, scanned_page(), django_capture_on_commit_callbacks)
    result = OcrResult.objects.get(attachment__dossier=dossier)
    assert result.status == OcrStatus.DONE, result.error
    assert result.pages == 1 and result.pages_done == 1 and result.percent == 100
    assert "GIẤY KHAI SINH" in result.text and "024190000123" in result.text
    assert "giay khai sinh" in result.text_folded and "nguyen thi hoa" in result.text_folded
    with result.pdfa.open("rb") as handle:
        pdf = pikepdf.open(io.BytesIO(handle.read()))
    # PDF/A: the output intent and the XMP identification are there.
    assert "/OutputIntents" in pdf.Root
    with pdf.open_metadata() as meta:
        assert meta.pdfa_status.startswith("2")


def test_an_encrypted_pdf_fails_with_a_clear_message(
    catalog: Any, org: dict[str, Agency], django_capture_on_commit_callbacks: Any
) -> None:
    source = pikepdf.open(io.BytesIO(scanned_page(["Mật"])))
    buffer = io.BytesIO()
    source.save(buffer, encryption=pikepdf.Encryption(owner="chu-so-huu", user="nguoi-dung"))
    dossier = receive_scan(org, buffer.getvalue(), django_capture_on_commit_callbacks)
    result = OcrResult.objects.get(attachment__dossier=dossier)
    assert result.status == OcrStatus.FAILED and "password" in result.error
    assert Dossier.objects.get(pk=dossier.pk).status == "received"  # the dossier goes on


def test_ocr_can_be_switched_off(
    catalog: Any, org: dict[str, Agency], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MOTCUA_OCR_ENABLED = False
    dossier = receive_scan(org, scanned_page(["Tắt"]), django_capture_on_commit_callbacks)
    assert not OcrResult.objects.filter(attachment__dossier=dossier).exists()


def test_only_scans_are_digitised(db: None) -> None:
    from motcua.digitisation.ocr import ocr_queue
    from motcua.dossiers.models import Attachment

    attachment = Attachment(source="upload", content_type="application/pdf")
    assert ocr_queue(attachment) is None
    assert ocr_queue(Attachment(source="scan", content_type="application/msword")) is None
