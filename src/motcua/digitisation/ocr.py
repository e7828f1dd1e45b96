"""The digitisation pipeline of a scanned component: OCRmyPDF with Tesseract (``vie``) turns the scan into
a searchable PDF/A and its text, in a background task queued when the dossier's transaction commits.

Kept thin on purpose: one ``ocrmypdf.ocr`` call per file (the benchmark compares it with OCRmyPDF run alone),
the input read from storage once, the outputs written once. A file OCRmyPDF cannot use (encrypted, damaged,
not a scan) ends as ``failed`` with a message the officer understands; the dossier is not affected.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.text import fold
from motcua.datastore.services import component_store
from motcua.dossiers.models import Attachment, AttachmentSource

from .models import OcrResult, OcrStatus

# What OCRmyPDF reads: PDFs, and single images (given a resolution when the file has none).
OCR_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/tiff": "tiff"}
DEFAULT_IMAGE_DPI = 200


def ocr_queue(attachment: Attachment) -> OcrResult | None:
    """Queue the digitisation of a scanned file; called inside the transaction that stores it (the task
    starts when it commits). None when OCR is off, the file is not a scan, or of a type OCR cannot read."""
    if not settings.MOTCUA_OCR_ENABLED:
        return None
    if attachment.source != AttachmentSource.SCAN or attachment.content_type not in OCR_TYPES:
        return None
    result = OcrResult.objects.create(
        attachment=attachment, queued_at=timezone.now(), pages=attachment.page_count
    )
    transaction.on_commit(lambda: ocr_task.enqueue(result.pk))
    return result


def failure_message(exc: Exception) -> str:
    from ocrmypdf import exceptions as ocr_errors

    if isinstance(exc, NotAScanError):
        return _(
            "The picture is too small to be a scanned page (%(size)s): scan the paper at 200 dpi or more."
        ) % {"size": str(exc)}

    if isinstance(exc, ocr_errors.EncryptedPdfError):
        return _("The PDF is password-protected: it cannot be digitised. Ask for a copy without a password.")
    if isinstance(exc, ocr_errors.DigitalSignatureError):
        return _("The PDF is digitally signed: it is kept as it is and not digitised again.")
    import pikepdf

    if isinstance(exc, ocr_errors.InputFileError | ocr_errors.UnsupportedImageFormatError | pikepdf.PdfError):
        return _("The file cannot be read as a scan (damaged, or not a picture of a page).")
    if isinstance(exc, ocr_errors.DpiError):
        return _("The picture has no usable resolution: scan it again at 200 dpi or more.")
    return _("Digitisation failed: %(error)s") % {"error": str(exc)[:300] or exc.__class__.__name__}


# A picture smaller than this (in pixels, either side) is an icon or a photo thumbnail, not a scanned page
# (an A5 page at 100 dpi is 583 × 827).
MIN_SCAN_PIXELS = 500


class NotAScanError(ValueError):
    """A picture too small to be a scanned page."""


def scan_check(content: bytes, content_type: str) -> None:
    """Raise ``NotAScanError`` for a picture that cannot be a page; PDFs are left to OCRmyPDF."""
    if content_type == "application/pdf":
        return
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError) as exc:
        raise NotAScanError("unreadable picture") from exc
    if min(width, height) < MIN_SCAN_PIXELS:
        raise NotAScanError(f"{width}×{height} px")


def ocr_convert(content: bytes, content_type: str) -> tuple[bytes, str, bool]:
    """One OCRmyPDF run on a scan: the searchable PDF (PDF/A when it can be certified, the third value), and
    the recognised text (pages separated by a form feed). Raises OCRmyPDF's exceptions. The progress plugin
    reports to ``ocr_progress.current_result``."""
    import ocrmypdf
    from ocrmypdf import exceptions as ocr_errors

    conformant = True
    scan_check(content, content_type)
    with tempfile.TemporaryDirectory(prefix="motcua-ocr-") as folder:
        work = Path(folder)
        source = work / f"input.{OCR_TYPES[content_type]}"
        source.write_bytes(content)
        output, sidecar = work / "output.pdf", work / "text.txt"
        options: dict[str, Any] = {
            "language": settings.MOTCUA_OCR_LANGUAGES,
            # PDF/A by pikepdf and pages rasterised by PDFium: no Ghostscript (Debian 12's 10.0 corrupts PDFs
            # that keep an existing text layer), and faster on scans.
            "pdfa_backend": "internal",
            "rasterizer": "pypdfium",
            "sidecar": sidecar,
            "jobs": 1,
            "skip_text": True,  # a page that already has text (a born-digital PDF) is kept as it is
            "image_dpi": DEFAULT_IMAGE_DPI if content_type != "application/pdf" else None,
            "progress_bar": True,
            "plugins": ["motcua.digitisation.ocr_progress"],
        }
        try:
            ocrmypdf.ocr(source, output, output_type="pdfa", **options)
        except ocr_errors.PdfaConversionFailedError:
            # A PDF whose structure pikepdf cannot certify as PDF/A still gets its text layer: the result is
            # a searchable PDF, recorded as not PDF/A.
            ocrmypdf.ocr(source, output, output_type="pdf", **options)
            conformant = False
        text = sidecar.read_text(encoding="utf-8", errors="replace") if sidecar.exists() else ""
        return output.read_bytes(), text, conformant


def ocr_run(result_id: int) -> str:
    """Digitise one file (the task's body). Returns the final status."""
    from .ocr_progress import current_result

    result = OcrResult.objects.select_related("attachment").get(pk=result_id)
    if result.status == OcrStatus.DONE:
        return result.status
    attachment = result.attachment
    OcrResult.objects.filter(pk=result.pk).update(
        status=OcrStatus.RUNNING, started_at=timezone.now(), pages_done=0, error=""
    )
    token = current_result.set(result.pk)
    try:
        with attachment.file.open("rb") as handle:
            pdf, text, conformant = ocr_convert(handle.read(), attachment.content_type)
        result.refresh_from_db()
        result.pdfa.save(f"digitised-{attachment.pk}.pdf", ContentFile(pdf), save=False)
    except Exception as exc:
        OcrResult.objects.filter(pk=result.pk).update(
            status=OcrStatus.FAILED, error=failure_message(exc), finished_at=timezone.now()
        )
        return OcrStatus.FAILED
    finally:
        current_result.reset(token)
    # The form feed OCRmyPDF puts between pages becomes a blank line.
    text = text.replace("\f", "\n\n").strip()
    result.text = text
    result.text_folded = fold(text)
    result.pdfa_conformant = conformant
    result.status = OcrStatus.DONE
    result.pages_done = result.pages or result.pages_done
    result.finished_at = timezone.now()
    result.save(
        update_fields=[
            "pdfa",
            "text",
            "text_folded",
            "pdfa_conformant",
            "status",
            "pages_done",
            "finished_at",
        ]
    )
    # The digitised component joins the applicant's personal data store (TT 01/2018 Art. 10: digitised
    # dossier components are kept for reuse).
    component_store(attachment, text)
    return OcrStatus.DONE


@task(queue_name="digitisation")
def ocr_task(result_id: int) -> str:
    return ocr_run(result_id)
