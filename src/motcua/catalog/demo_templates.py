"""Printable declaration templates for the demo catalog, generated as minimal Office Open XML files.

The demo catalog names a template file for some components; rather than shipping binary files, we write
a small, valid .docx holding the form's title and blank lines to fill in."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def _paragraph(text: str, *, bold: bool = False, center: bool = False) -> str:
    props = ""
    if center:
        props += '<w:pPr><w:jc w:val="center"/></w:pPr>'
    run_props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:p>{props}<w:r>{run_props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def declaration_docx(title: str, procedure_name: str, lines: list[str] | None = None) -> bytes:
    body = [
        _paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, center=True),
        _paragraph("Độc lập - Tự do - Hạnh phúc", bold=True, center=True),
        _paragraph(""),
        _paragraph(title.upper(), bold=True, center=True),
        _paragraph(f"(Dùng cho thủ tục: {procedure_name})", center=True),
        _paragraph(""),
    ]
    for line in lines or [
        "Họ, chữ đệm, tên người yêu cầu:",
        "Số định danh cá nhân:",
        "Nơi cư trú:",
        "Số điện thoại:",
        "Nội dung yêu cầu:",
    ]:
        body.append(
            _paragraph(f"{line} ........................................................................")
        )
    body += [_paragraph(""), _paragraph("Tôi cam đoan nội dung khai trên đây là đúng sự thật.")]
    body.append(_paragraph("NGƯỜI YÊU CẦU (ký, ghi rõ họ tên)", bold=True, center=True))
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + "".join(body)
        + "</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()
