from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from motcua.catalog.models import Component
from motcua.dossiers.files import attachment_check, page_count, sniff

from .conftest import PDF, PNG


def office_zip(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/main.xml", "<x/>")
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAMPLES: dict[str, bytes] = {
    "pdf": PDF,
    "png": PNG,
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 16,
    "gif": b"GIF89a" + b"\x00" * 16,
    "tiff": b"II*\x00" + b"\x00" * 16,
    "docx": office_zip("word"),
    "xlsx": office_zip("xl"),
    "doc": OLE + b"\x00" * 64 + "WordDocument".encode("utf-16-le"),
    "xls": OLE + b"\x00" * 64 + "Workbook".encode("utf-16-le"),
}


def component(formats: str) -> Component:
    return Component(code="TP9", name="Bản vẽ", accepted_formats=formats)


@pytest.mark.parametrize(("extension", "content"), list(SAMPLES.items()))
def test_sniff_recognises_each_format(extension: str, content: bytes) -> None:
    assert sniff(content).extension == extension


def test_sniff_names_executables_and_plain_zip() -> None:
    assert sniff(b"MZ\x90\x00" + b"\x00" * 60).extension == ""
    assert "executable" in sniff(b"MZ\x90\x00").description
    assert sniff(b"\x7fELF\x02\x01").description == "an ELF executable"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x")
    assert sniff(buffer.getvalue()).extension == "zip"
    assert sniff(b"PK\x03\x04 broken").extension == ""


def test_page_count() -> None:
    assert page_count(PDF, "pdf") == 2
    # An incremental update rewriting page 4 does not make a third page.
    updated = PDF + b"4 0 obj << /Type /Page /Parent 2 0 R /Rotate 90 >> endobj\n%%EOF\n"
    assert page_count(updated, "pdf") == 2
    assert page_count(b"%PDF-1.7\n5 0 obj << /Type /ObjStm >> stream ... endstream endobj", "pdf") is None
    assert page_count(PNG, "png") == 1
    assert page_count(SAMPLES["docx"], "docx") is None


def test_accepted_file_returns_its_type() -> None:
    sniffed = attachment_check("scan.JPEG", SAMPLES["jpg"], component("pdf,jpg"))
    assert (sniffed.extension, sniffed.content_type) == ("jpg", "image/jpeg")


@pytest.mark.parametrize(
    ("name", "content", "formats", "code", "fragment"),
    [
        ("x.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "pdf", "file_content_mismatch", "Windows executable"),
        ("x.pdf", PNG, "pdf,png", "file_content_mismatch", "PNG"),
        ("x.docx", b"PK\x03\x04 not a zip", "docx", "file_content_mismatch", "DOCX"),
        ("x.png", b"hello", "png", "file_content_mismatch", "unknown format"),
        ("x.exe", b"MZ", "pdf", "file_type_not_accepted", "accepts only pdf"),
        ("noextension", PDF, "pdf", "file_type_not_accepted", "accepts only pdf"),
        ("x.docx", SAMPLES["docx"], "pdf,jpg", "file_type_not_accepted", "pdf, jpg"),
        ("x.pdf", b"", "pdf", "file_empty", "empty"),
    ],
)
def test_refused_files(name: str, content: bytes, formats: str, code: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        attachment_check(name, content, component(formats))
    assert info.value.code == code
    assert fragment in info.value.messages[0]
    assert name in info.value.messages[0]


def test_oversized_file_is_refused(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    attachment_check("ok.pdf", PDF + b" " * (1000 - len(PDF)), component("pdf"))
    with pytest.raises(ValidationError) as info:
        attachment_check("big.pdf", PDF + b" " * 1000, component("pdf"))
    assert info.value.code == "file_too_large"
