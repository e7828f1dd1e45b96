"""PAdES signatures (pyHanko): signing a PDF with a visible Vietnamese stamp and a QR code to MotCua's
verification page, and checking every signature of a PDF.

The check answers what a person verifying a result needs: is each signature intact (the signed bytes are
unchanged), cryptographically valid, made with a certificate that chains to the configured trust roots and
was valid then, is its revocation status known, and was the document changed after it was signed (an
incremental update after the signature, "re-saved")? Revocation information is used when it is embedded, and
fetched from the CRL/OCSP addresses of the certificates only when ``MOTCUA_SIGNING_FETCH_REVOCATION`` is on;
otherwise it is reported as unavailable.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

# Debian's fonts-noto-core (installed by scripts/system-deps.sh); DejaVu as a fallback. Both carry the
# stacked Vietnamese diacritics.
STAMP_FONTS = (
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
# Where the stamp goes on the last page, from the bottom right corner, in points (1/72 in).
STAMP_WIDTH, STAMP_HEIGHT, STAMP_MARGIN = 250, 72, 28


@dataclass(frozen=True)
class StampInfo:
    signer_name: str
    title: str
    agency: str
    verify_url: str
    when: datetime


# The characters a stamp may print: Latin with every Vietnamese letter and tone mark, and punctuation.
STAMP_CHARACTERS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2000, 0x2070),
]


def _stamp_font() -> Path:
    """A subset of the system font holding only ``STAMP_CHARACTERS``, made once per data directory.

    pyHanko parses the font file for every signature it stamps: the full Noto Sans (500 kB, hundreds of
    scripts) made that most of a signature's time; the subset (about 140 kB) is parsed several times faster."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    target = Path(settings.DATA_DIR) / "signing" / "stamp-font.ttf"
    if target.is_file():
        return target
    source = next((Path(p) for p in STAMP_FONTS if Path(p).is_file()), None)
    if source is None:
        raise RuntimeError("No font with Vietnamese glyphs found (install fonts-noto-core)")
    options = subset.Options()
    options.layout_features = ["kern", "liga", "ccmp", "mark", "mkmk"]
    options.name_IDs = ["*"]
    font = TTFont(str(source))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=STAMP_CHARACTERS)
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".tmp")
    font.save(str(partial))
    partial.replace(target)  # atomic: a concurrent worker never reads half a font
    return target


@functools.cache
def _font_factory(data_dir: str) -> Any:
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

    return GlyphAccumulatorFactory(str(_stamp_font()))


def pdf_sign(content: bytes, signer: Signer, stamp: StampInfo, *, field_name: str, reason: str) -> bytes:
    """``content`` signed as PAdES B-B with a visible stamp on its last page (an incremental update, so
    earlier signatures stay valid)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields
    from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
    from pyhanko.stamp import QRStampStyle

    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    pages = int(writer.root["/Pages"]["/Count"])
    last = writer.find_page_for_modification(pages - 1)[0].get_object()
    # Pages may inherit their size from the page tree; A4 when none is found.
    media_box = last.get("/MediaBox") or writer.root["/Pages"].get("/MediaBox") or [0, 0, 595, 842]
    box = [float(v) for v in media_box]
    right, bottom = box[2] - STAMP_MARGIN, box[1] + STAMP_MARGIN
    style = QRStampStyle(
        stamp_text="Ký bởi: %(signer)s\nChức vụ: %(title)s\nCơ quan: %(agency)s\nThời gian: %(when)s",
        text_box_style=TextBoxStyle(font=_font_factory(str(settings.DATA_DIR)), font_size=7),
        border_width=1,
        background_opacity=0,
    )
    signer_field = fields.SigFieldSpec(
        field_name,
        on_page=pages - 1,
        box=(int(right - STAMP_WIDTH), int(bottom), int(right), int(bottom + STAMP_HEIGHT)),
    )
    meta = PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=stamp.agency[:100],
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    output = PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=signer_field).sign_pdf(
        writer,
        appearance_text_params={
            "url": stamp.verify_url,
            "signer": stamp.signer_name,
            "title": stamp.title,
            "agency": stamp.agency,
            "when": timezone.localtime(stamp.when).strftime("%H:%M %d/%m/%Y"),
        },
    )
    signed: bytes = output.getvalue()
    return signed


# --- verification ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer: str
    organisation: str
    signed_at: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    revocation: str  # "revoked", or "unknown" (no revocation information embedded or configured)
    covers_document: bool  # nothing was added after this signature (but permitted signature updates)
    problem: str  # "", "tampered", "invalid", "untrusted", "expired", "revoked", "modified"

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class VerificationReport:
    readable: bool
    error: str = ""  # "corrupt", "encrypted", "not_pdf"
    signatures: list[SignatureCheck] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """ "valid" (every signature fine), "unsigned", "error", or the first problem found."""
        if not self.readable:
            return "error"
        if not self.signatures:
            return "unsigned"
        for check in self.signatures:
            if check.problem:
                return check.problem
        return "valid"


def trust_roots() -> list[Any]:
    """The configured trust roots (``MOTCUA_SIGNING_TRUST_ROOTS``: PEM files), loaded on each call so a
    replaced file takes effect without a restart; the demo CA when nothing is configured."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    paths: Sequence[str] = settings.MOTCUA_SIGNING_TRUST_ROOTS or [
        str(Path(settings.DATA_DIR) / "signing" / "demo-ca.pem")
    ]
    roots: list[Any] = []
    for path in paths:
        file = Path(path)
        if not file.is_file():
            continue
        data = file.read_bytes()
        blocks = (
            [der for _type, _headers, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        )
        roots.extend(asn1_x509.Certificate.load(der) for der in blocks)
    return roots


def _problem(status: Any) -> str:
    if not status.intact:
        return "tampered"
    if not status.valid:
        return "invalid"
    if status.revoked:
        return "revoked"
    if not status.trusted:
        indication = str(getattr(status, "trust_problem_indic", "") or "")
        return "expired" if "EXPIRED" in indication or "OUT_OF_BOUNDS" in indication else "untrusted"
    return ""


def pdf_verify(content: bytes) -> VerificationReport:
    """Check every signature of ``content`` against the trust roots, offline."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if not content.lstrip()[:5].startswith(b"%PDF-"):
        return VerificationReport(readable=False, error="not_pdf")
    if b"/ByteRange" not in content:
        # Every PDF signature dictionary has a /ByteRange: without one there is nothing to verify, and the
        # file is not parsed (scanners write PDFs pyHanko's strict reader may not accept).
        encrypted = b"/Encrypt" in content
        return VerificationReport(readable=not encrypted, error="encrypted" if encrypted else "")
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        if reader.encrypted:
            return VerificationReport(readable=False, error="encrypted")
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError):
        return VerificationReport(readable=False, error="corrupt")
    roots = trust_roots()
    checks: list[SignatureCheck] = []
    # pyHanko logs every failed path search as an error with a traceback; an untrusted signature is an
    # expected answer here, reported in the result, not a server error.
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko.sign.validation").setLevel(logging.CRITICAL)
    for signature in embedded:
        context = ValidationContext(
            trust_roots=roots,
            # Production sets MOTCUA_SIGNING_FETCH_REVOCATION so CRLs/OCSP named in the certificates are
            # consulted; the demo and the tests stay offline.
            allow_fetching=settings.MOTCUA_SIGNING_FETCH_REVOCATION,
            revocation_mode="soft-fail",
        )
        try:
            status = validate_pdf_signature(signature, context)
        except (SignatureValidationError, PdfReadError, ValueError, KeyError) as exc:
            checks.append(
                SignatureCheck(
                    field=str(signature.field_name),
                    signer="",
                    organisation="",
                    signed_at=None,
                    intact=False,
                    valid=False,
                    trusted=False,
                    revocation="unknown",
                    covers_document=False,
                    problem="tampered" if "digest" in str(exc).lower() else "invalid",
                )
            )
            continue
        subject = status.signing_cert.subject.native
        covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
            status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
            and status.modification_level is not None
            and status.modification_level <= ModificationLevel.LTA_UPDATES
        )
        problem = _problem(status)
        if not problem and not covers:
            problem = "modified"
        revoked = bool(status.revoked)
        checks.append(
            SignatureCheck(
                field=str(signature.field_name),
                signer=str(subject.get("common_name", "")),
                organisation=str(subject.get("organization_name", "")),
                signed_at=status.signer_reported_dt,
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                # Offline check: a revocation is seen when the information is embedded; else "unknown".
                revocation="revoked" if revoked else "unknown",
                covers_document=covers,
                problem=problem,
            )
        )
    return VerificationReport(readable=True, signatures=checks)
