"""Official slips of the one-stop workflow (TT 01/2018 forms) as A5 PDFs.

A slip is rendered from a plain ``*Slip`` dataclass so that the layout does not depend on how a dossier is
stored; ``receipt_slip_for`` builds one from a dossier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from .pdf import qr_svg, render_pdf


@dataclass(frozen=True)
class SlipComponent:
    name: str
    form: str  # "Bản chính", "Bản sao", "Bản điện tử"…
    note: str = ""


@dataclass(frozen=True)
class ReceiptSlip:
    """Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""

    code: str
    receiving_unit: str
    parent_agency: str
    place: str
    applicant_name: str
    applicant_id: str
    applicant_address: str
    applicant_phone: str
    applicant_email: str
    procedure_name: str
    procedure_code: str
    statutory_time: str
    received_at: datetime
    due_at: datetime
    return_place: str
    officer_name: str
    tracking_url: str
    register_note: str = ""
    components: list[SlipComponent] = field(default_factory=list)


def statutory_time_text(amount: Decimal, unit: str) -> str:
    """ "0.50", "working_day" → "0,5 ngày làm việc" (the wording of the forms)."""
    number = format(amount.normalize(), "f").replace(".", ",")
    return f"{number} {'giờ làm việc' if unit == 'working_hour' else 'ngày làm việc'}"


def receipt_slip_pdf(slip: ReceiptSlip, *, copies: tuple[str, ...] = ("Giao người nộp hồ sơ",)) -> bytes:
    """Mẫu 01 as A5 PDF; one page per copy (the desk keeps one, the applicant takes one)."""
    # One document per copy, concatenated by WeasyPrint's page model via a loop in the template would
    # complicate the layout; the desk prints the "Lưu" copy from the register instead.
    return render_pdf(
        "documents/slip_01_receipt.html",
        {
            "title": f"Giấy tiếp nhận hồ sơ {slip.code}",
            "slip": slip,
            "agency": slip.receiving_unit,
            "parent_agency": slip.parent_agency,
            "number": slip.code,
            "place": slip.place,
            "issued_at": timezone.localtime(slip.received_at),
            "copy_label": ", ".join(copies),
            "qr": qr_svg(slip.tracking_url),
        },
    )
