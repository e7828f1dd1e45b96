"""Mẫu 06 (Sổ theo dõi hồ sơ): the register of a receiving unit for a period, as PDF and Excel."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.audit.models import AccessLog
from motcua.catalog.models import Procedure
from motcua.documents.register import COLUMNS
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_finish, dossier_return_result, dossier_supplement_request
from motcua.org.models import Agency, Role
from motcua.workflow.engine import process_act
from motcua.workflow.models import Action, ActionKind
from motcua.workflow.selectors import open_main_step
from motcua.workflow.services import definition_default_create
from tests.fixtures import staff

from .conftest import receive, vn, with_approved_result

URL = "/mot-cua/so-theo-doi/"
MARCH = {"tu_ngay": "2026-03-01", "den_ngay": "2026-03-31"}
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture
def dossiers(
    catalog: Any, org: dict[str, Agency], desk_officer: User, center_officer: User, person: dict[str, Any]
) -> dict[str, Dossier]:
    """Four dossiers received at the commune desk in March 2026, one each side of the month, and one at the
    provincial centre."""
    definition_default_create(Procedure.objects.get(national_code="9.000001"))
    moved = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    step = open_main_step(moved)
    assert step is not None
    forward = Action.objects.get(from_step=step.step, kind=ActionKind.FORWARD)
    process_act(moved, desk_officer, forward.pk, at=vn(2026, 3, 2, 9, 40))

    late = receive(
        desk_officer,
        org["desk"],
        person,
        vn(2026, 3, 3, 8),
        national_code="1.001193",
        full_name="Trần Thị Bình",
    )
    late = dossier_finish(with_approved_result(late, vn(2026, 3, 5, 9)), desk_officer, now=vn(2026, 3, 5, 10))
    late = dossier_return_result(late, desk_officer, method="counter", at=vn(2026, 3, 5, 15))

    waiting = receive(
        desk_officer,
        org["desk"],
        person,
        vn(2026, 3, 4, 10),
        national_code="1.001193",
        full_name="Lê Văn Cường",
    )
    dossier_supplement_request(waiting, desk_officer, ["Giấy chứng sinh"], "", now=vn(2026, 3, 4, 11))
    last_day = receive(desk_officer, org["desk"], person, vn(2026, 3, 31, 16), national_code="1.001193")
    before = receive(desk_officer, org["desk"], person, vn(2026, 2, 27, 10), national_code="1.001193")
    after = receive(desk_officer, org["desk"], person, vn(2026, 4, 1, 8), national_code="1.001193")
    elsewhere = receive(center_officer, org["center"], person, vn(2026, 3, 2, 9), national_code="1.001193")
    return {
        "moved": moved,
        "late": late,
        "waiting": waiting,
        "last_day": last_day,
        "before": before,
        "after": after,
        "elsewhere": elsewhere,
    }


def query(unit: Agency, **extra: str) -> dict[str, str]:
    return {"don_vi": str(unit.pk), **MARCH, **extra}


def xlsx_rows(content: bytes) -> list[list[str]]:
    """The first sheet's rows as text (inline strings as written in constant-memory mode, numbers as is),
    read without a spreadsheet library."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in archive.namelist():
            root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{SHEET}t")) for si in root.iter(f"{SHEET}si")]
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows: list[list[str]] = []
    for row in sheet.iter(f"{SHEET}row"):
        cells: list[str] = []
        for cell in row.iter(f"{SHEET}c"):
            column = re.sub(r"\d", "", cell.get("r", ""))
            index = 0
            for letter in column:
                index = index * 26 + ord(letter) - 64
            while len(cells) < index - 1:
                cells.append("")
            if cell.get("t") == "inlineStr":
                cells.append("".join(t.text or "" for t in cell.iter(f"{SHEET}t")))
            elif cell.get("t") == "s":
                value = cell.find(f"{SHEET}v")
                cells.append(shared[int(value.text or 0)] if value is not None else "")
            else:
                value = cell.find(f"{SHEET}v")
                cells.append(value.text or "" if value is not None else "")
        rows.append(cells)
    return rows


def excel_time(serial: str) -> str:
    # Excel stores a date-time as days since 1899-12-30; rounded to the minute (binary fractions).
    return (datetime(1899, 12, 30) + timedelta(minutes=round(float(serial) * 1440))).strftime(
        "%H:%M %d/%m/%Y"
    )


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_page_defaults_to_this_month_and_counts_the_period(
    desk_client: Client, dossiers: dict[str, Dossier], org: dict[str, Agency]
) -> None:
    page = desk_client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="tu_ngay"' in html and 'name="dinh_dang"' in html and org["desk"].name in html
    assert 'href="/mot-cua/so-theo-doi/" aria-current="page"' in html
    counted = desk_client.get(URL, query(org["desk"])).content.decode()
    assert "4 dossiers received in this period." in counted


def test_excel_export_holds_the_periods_rows_only(
    desk_client: Client, dossiers: dict[str, Dossier], org: dict[str, Agency], tmp_path: Path
) -> None:
    response = desk_client.get(URL, query(org["desk"], dinh_dang="xlsx", xuat="1"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "so-theo-doi-001.00.41.H24-20260301-20260331.xlsx" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    (tmp_path / "mau-06.xlsx").write_bytes(content)
    rows = xlsx_rows(content)
    flat = [cell for row in rows for cell in row]
    assert "SỔ THEO DÕI HỒ SƠ" in flat and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in flat
    header = next(index for index, row in enumerate(rows) if row and row[0] == "STT")
    assert rows[header] == list(COLUMNS)
    data = rows[header + 2 :]
    codes = [row[1] for row in data]
    expected = [dossiers[name].code for name in ("moved", "late", "waiting", "last_day")]
    assert codes == expected
    moved, late, waiting, _last = data
    assert [row[0] for row in data] == ["1", "2", "3", "4"]
    assert moved[2] == "Đăng ký kết hôn" and moved[3] == "01" and moved[4] == "Nguyễn Văn An"
    assert moved[5] == "12 Nguyễn Văn Cừ, Phường Bắc Giang; 0912345678"
    assert moved[6] == "Ủy ban nhân dân phường Bắc Giang"
    assert excel_time(moved[7]) == "09:00 02/03/2026" and excel_time(moved[9]) == "09:40 02/03/2026"
    assert moved[10:12] == ["", ""] and moved[12] == "Đang giải quyết"
    assert late[4] == "Trần Thị Bình" and late[9] == ""  # no process: no recorded hand-over
    assert excel_time(late[10]) == "10:00 05/03/2026" and excel_time(late[11]) == "15:00 05/03/2026"
    assert late[12] == "Quá hạn"
    assert waiting[12] == "Chờ bổ sung"
    log = AccessLog.objects.get(action="export")
    assert log.object_type == "register-06" and log.object_ref == org["desk"].code and "xlsx" in log.detail


def test_pdf_export_is_a4_landscape_with_the_rows(
    desk_client: Client, dossiers: dict[str, Dossier], org: dict[str, Agency], tmp_path: Path
) -> None:
    response = desk_client.get(URL, query(org["desk"], dinh_dang="pdf", xuat="1"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (tmp_path / "mau-06.pdf").write_bytes(response.content)
    box = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 297 and round(float(box.height) / 72 * 25.4) == 210
    text = pdf_text(response.content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "SỔ THEO DÕI HỒ SƠ",
        "Bộ phận Một cửa phường Bắc Giang",
        "Từ ngày 01/03/2026 đến ngày 31/03/2026",
        "Tên thủ tục hành chính",
        dossiers["moved"].code,
        dossiers["last_day"].code,
        "Trần Thị Bình",
        "09:40 02/03/2026",
        "15:00 05/03/2026",
        "Quá hạn",
        "Chờ bổ sung",
    ):
        assert expected in text, expected
    for absent in ("before", "after", "elsewhere"):
        assert dossiers[absent].code not in text
    assert AccessLog.objects.filter(action="export", object_type="register-06").count() == 1


def test_pdf_above_the_cap_is_refused_with_advice(
    desk_client: Client, dossiers: dict[str, Dossier], org: dict[str, Agency], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("motcua.backoffice.views.PDF_MAX_ROWS", 3)
    response = desk_client.get(URL, query(org["desk"], dinh_dang="pdf", xuat="1"))
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "This period holds more than 3 dossiers, too many for one PDF. Export it as Excel" in html
    assert "4 dossiers received in this period." in html
    assert not AccessLog.objects.filter(action="export").exists()
    # Excel has no cap.
    assert desk_client.get(URL, query(org["desk"], dinh_dang="xlsx", xuat="1")).status_code == 200


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            {"tu_ngay": "2026-03-31", "den_ngay": "2026-03-01"},
            "The end date must not be before the start date.",
        ),
        ({"tu_ngay": "2025-01-01", "den_ngay": "2026-01-02"}, "A register covers at most 366 days"),
        ({"tu_ngay": "31/02/2026", "den_ngay": "2026-03-31"}, "Enter a valid date, for example 31/01/2026."),
        ({"tu_ngay": "", "den_ngay": "2026-03-31"}, "Enter this date."),
    ],
)
def test_bad_dates_are_errors_and_no_file(
    desk_client: Client, org: dict[str, Agency], dates: dict[str, str], message: str
) -> None:
    response = desk_client.get(
        URL, {"don_vi": str(org["desk"].pk), "dinh_dang": "xlsx", "xuat": "1", **dates}
    )
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()
    assert not AccessLog.objects.exists()


def test_a_leap_year_is_one_register(desk_client: Client, org: dict[str, Agency]) -> None:
    response = desk_client.get(
        URL, {"don_vi": str(org["desk"].pk), "tu_ngay": "2028-01-01", "den_ngay": "2028-12-31"}
    )
    assert response.status_code == 200 and "0 dossiers received in this period." in response.content.decode()


def test_scoping_of_the_register(
    client: Client, dossiers: dict[str, Dossier], org: dict[str, Agency], center_officer: User
) -> None:
    client.force_login(center_officer)
    # Another unit's register does not exist for this officer; their own lists only their dossier.
    assert client.get(URL, query(org["desk"])).status_code == 404
    assert client.get(URL, query(org["desk"], dinh_dang="xlsx", xuat="1")).status_code == 404
    assert client.get(URL, {**MARCH, "don_vi": "abc"}).status_code == 404
    page = client.get(URL).content.decode()
    assert org["center"].name in page and org["desk"].name not in page
    own = client.get(URL, query(org["center"], dinh_dang="pdf", xuat="1"))
    text = pdf_text(own.content)
    assert dossiers["elsewhere"].code in text and dossiers["moved"].code not in text
    # Processing officers without receive or monitor rights have no register.
    client.force_login(staff("commune-specialist", (org["commune"], Role.SPECIALIST)))
    assert client.get(URL).status_code == 403
    # The commune's leader monitors its desk; the provincial supervisor every receiving unit.
    client.force_login(staff("commune-leader", (org["commune"], Role.AGENCY_LEADER)))
    assert "4 dossiers received" in client.get(URL, query(org["desk"])).content.decode()
    assert client.get(URL, query(org["center"])).status_code == 404
    client.force_login(staff("supervisor", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR)))
    page = client.get(URL).content.decode()
    assert org["center"].name in page and org["desk"].name in page
    assert "4 dossiers received" in client.get(URL, query(org["desk"])).content.decode()
    client.logout()
    assert client.get(URL).status_code == 302


def test_query_count_does_not_grow_with_the_rows(
    desk_client: Client,
    dossiers: dict[str, Dossier],
    org: dict[str, Agency],
    desk_officer: User,
    person: dict[str, Any],
) -> None:
    def queries(export: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = desk_client.get(URL, query(org["desk"], dinh_dang=export, xuat="1"))
            assert response.status_code == 200
            if export == "xlsx":
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
        return len(captured)

    before = {export: queries(export) for export in ("xlsx", "pdf")}
    for day in range(10, 16):
        receive(desk_officer, org["desk"], person, vn(2026, 3, day, 9), national_code="1.001193")
    after = {export: queries(export) for export in ("xlsx", "pdf")}
    assert after == before
