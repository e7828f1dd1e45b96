"""Checks on the files of a dossier: type from the content (magic bytes), size, page count.

An uploaded file's name and declared content type are the applicant's claims; only the bytes are evidence
(quality.md: "uploaded files are checked by content"). ``sniff`` maps the first bytes to a canonical
extension; ``attachment_check`` refuses a file whose content is not what its extension says, whose type the
component does not accept, or which is too large.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from motcua.catalog.models import Component

# Extensions written differently for the same format.
EXTENSION_ALIASES: dict[str, str] = {"jpeg": "jpg", "jpe": "jpg", "tif": "tiff"}

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "tiff": "image/tiff",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "zip": "application/zip",
}

IMAGE_EXTENSIONS = frozenset({"png", "jpg", "gif", "tiff"})

# Recognised only to name them in the refusal message; never accepted.
_EXECUTABLE_SIGNATURES: tuple[tuple[bytes, Promise], ...] = (
    (b"MZ", gettext_lazy("a Windows executable")),
    (b"\x7fELF", gettext_lazy("an ELF executable")),
    (b"\xcf\xfa\xed\xfe", gettext_lazy("a Mach-O executable")),
    (b"#!", gettext_lazy("a script")),
)

_OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names in an OLE directory are UTF-16LE.
_OLE_WORD_STREAM = "WordDocument".encode("utf-16-le")
_OLE_EXCEL_STREAM = "Workbook".encode("utf-16-le")


@dataclass(frozen=True)
class Sniffed:
    extension: str  # canonical, e.g. "jpg"; "" when the content is not a known document format
    content_type: str
    description: str = ""  # for refusal messages when the content is not a document (e.g. an executable)


def canonical_extension(value: str) -> str:
    value = value.strip().lower().lstrip(".")
    return EXTENSION_ALIASES.get(value, value)


def extension_of(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return canonical_extension(base.rsplit(".", 1)[1]) if "." in base else ""


def _sniff_zip(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return ""
    # Office Open XML: the main part lives under word/ (documents) or xl/ (workbooks), next to a manifest.
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    return "zip"


def sniff(content: bytes) -> Sniffed:
    """The format of ``content`` judged from its first bytes (and, for containers, their directory)."""
    head = content[:16]
    extension = ""
    if head.startswith(b"%PDF-"):
        extension = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        extension = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        extension = "jpg"
    elif head.startswith((b"GIF87a", b"GIF89a")):
        extension = "gif"
    elif head.startswith((b"II*\x00", b"MM\x00*")):
        extension = "tiff"
    elif head.startswith(b"PK\x03\x04"):
        extension = _sniff_zip(content)
    elif head.startswith(_OLE_HEADER):
        # The OLE container holds Word and Excel 97–2003 files alike: tell them apart by the main stream.
        if _OLE_WORD_STREAM in content:
            extension = "doc"
        elif _OLE_EXCEL_STREAM in content:
            extension = "xls"
    if extension:
        return Sniffed(extension, CONTENT_TYPES[extension])
    for signature, description in _EXECUTABLE_SIGNATURES:
        if head.startswith(signature):
            return Sniffed("", "application/octet-stream", str(description))
    return Sniffed("", "application/octet-stream", "")


# An indirect object "12 0 obj ... endobj" whose dictionary says /Type /Page (not /Pages).
_PDF_OBJECT = re.compile(rb"(\d+)\s+(\d+)\s+obj\b(.*?)\bendobj\b", re.DOTALL)
_PDF_PAGE_TYPE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def page_count(content: bytes, extension: str) -> int | None:
    """Pages of a PDF (approximate) or 1 for an image; None when unknown (office files).

    The PDF count is the number of distinct uncompressed objects typed /Page. It is exact for the PDFs
    scanners and office suites write, counts an object rewritten by an incremental update once, but misses
    pages held inside compressed object streams (PDF 1.5+): then no page object is visible and None is
    returned rather than a wrong figure. A multi-page TIFF counts as 1.
    """
    if extension in IMAGE_EXTENSIONS:
        return 1
    if extension != "pdf":
        return None
    pages = {
        (number, generation)
        for number, generation, body in _PDF_OBJECT.findall(content)
        if _PDF_PAGE_TYPE.search(body)
    }
    return len(pages) or None


def attachment_check(name: str, content: bytes, component: Component) -> Sniffed:
    """Refuse (``ValidationError``) a file that is too large, of a type the component does not accept,
    or whose content does not match its extension; return what the content is otherwise."""
    return file_check(name, content, component.format_list, accepted_by=component.name)


def file_check(name: str, content: bytes, formats: list[str], *, accepted_by: str) -> Sniffed:
    """The checks of ``attachment_check`` against a list of accepted extensions; ``accepted_by`` names what
    accepts them (a component, the personal data store) in the refusal."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and len(content) > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; a file may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(len(content)), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    if not content:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="file_empty")
    accepted = [canonical_extension(f) for f in formats]
    extension = extension_of(name)
    if extension not in accepted:
        raise ValidationError(
            _("%(name)s: “%(what)s” accepts only %(formats)s files.")
            % {"name": name, "what": accepted_by, "formats": ", ".join(accepted)},
            code="file_type_not_accepted",
        )
    sniffed = sniff(content)
    if sniffed.extension != extension:
        detected = sniffed.extension.upper() or sniffed.description or _("an unknown format")
        raise ValidationError(
            _("%(name)s is named as a %(claimed)s file but its content is %(detected)s: the file is refused.")
            % {"name": name, "claimed": extension.upper(), "detected": detected},
            code="file_content_mismatch",
        )
    return sniffed
