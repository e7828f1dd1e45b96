from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from motcua.documents.slips import ReceiptSlip, SlipComponent, receipt_slip_pdf, statutory_time_text

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def slip() -> ReceiptSlip:
    return ReceiptSlip(
        code="000.00.01.H24-261123-0007",
        receiving_unit="Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh",
        parent_agency="Ủy ban nhân dân tỉnh Bắc Ninh",
        place="Bắc Ninh",
        applicant_name="Nguyễn Thị Hoa",
        applicant_id="024190000123",
        applicant_address="Phường Bắc Giang, tỉnh Bắc Ninh",
        applicant_phone="0912345678",
        applicant_email="",
        procedure_name="Đăng ký khai sinh",
        procedure_code="1.001193",
        statutory_time=statutory_time_text(Decimal("0.50"), "working_day"),
        received_at=datetime(2026, 11, 23, 9, 5, tzinfo=VN),
        due_at=datetime(2026, 11, 25, 11, 30, tzinfo=VN),
        return_place="Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh",
        officer_name="Trần Văn Nam",
        tracking_url="http://127.0.0.1:8000/tra-cuu-ho-so/?ma=000.00.01.H24-261123-0007",
        components=[
            SlipComponent("Tờ khai đăng ký khai sinh", "Bản chính"),
            SlipComponent("Giấy chứng sinh", "Bản sao"),
        ],
    )


def test_receipt_slip_is_an_a5_pdf_with_the_official_wording() -> None:
    pdf = receipt_slip_pdf(slip())
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    width_mm = float(page.mediabox.width) / 72 * 25.4
    height_mm = float(page.mediabox.height) / 72 * 25.4
    assert round(width_mm) == 148 and round(height_mm) == 210  # A5
    assert len(reader.pages) == 1
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "000.00.01.H24-261123-0007",
        "Nguyễn Thị Hoa",
        "Đăng ký khai sinh",
        "0,5 ngày làm việc",
        "11 giờ 30 phút, ngày 25/11/2026",
        "Bắc Ninh, ngày 23 tháng 11 năm 2026",
        "Giấy chứng sinh",
    ):
        assert expected in text, expected


def test_statutory_time_text() -> None:
    assert statutory_time_text(Decimal("15.00"), "working_day") == "15 ngày làm việc"
    assert statutory_time_text(Decimal("8"), "working_hour") == "8 giờ làm việc"
