"""Mẫu 06 of TT 01/2018: Sổ theo dõi hồ sơ (the register of a receiving unit), as PDF and as Excel.

The register lists every dossier a service centre or one-stop desk received in a period, oldest first, with
where it went and when its result came back and was returned. A provincial centre receives hundreds of
thousands of dossiers a year, so:

* the read is one query (``register_dossiers``) over the ``dossier_unit_received`` index
  ``(receiving_unit, received_at, id)``, with the procedure, applicant, commune and competent agency joined
  (``select_related``) and the first hand-over out of the unit computed by a correlated subquery on the
  dossier's steps — never a query per row;
* the Excel export iterates the query in chunks and XlsxWriter's ``constant_memory`` mode flushes each row to
  disk, so memory stays flat whatever the period holds;
* the PDF is laid out in memory by WeasyPrint and grows with every row: it is refused above
  ``PDF_MAX_ROWS`` (the officer is told to export Excel or shorten the period), never cut silently.

Times are shown as ``HH:MM dd/mm/YYYY`` in Asia/Ho_Chi_Minh; the Excel cells hold real date-times in that
format so the sheet sorts and filters by date.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO

import xlsxwriter
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierStatus
from motcua.org.models import Agency
from motcua.workflow.models import StepInstance

from .pdf import render_pdf
from .slips import place_of
from .timeliness import Timeliness, timeliness

# Above this many rows the PDF is refused; the Excel export has no limit. WeasyPrint lays the whole document
# out in memory: on the 2-core reference machine 1,000 rows (59 pages) took 29 s and 370 MB, 2,000 rows
# 39 s and 640 MB (docs/dossiers.md). A month of a commune desk fits; a year of a provincial centre is Excel.
PDF_MAX_ROWS = 1000
# The longest period one register export may cover.
MAX_PERIOD_DAYS = 366
CHUNK_SIZE = 2000

# The columns of Mẫu 06, in the form's order and words.
COLUMNS: tuple[str, ...] = (
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Ngày, giờ nhận hồ sơ",
    "Ngày, giờ hẹn trả kết quả",
    "Ngày, giờ chuyển hồ sơ đến cơ quan giải quyết",
    "Ngày, giờ nhận kết quả",
    "Ngày, giờ trả kết quả",
    "Ghi chú",
)

# What the "Ghi chú" column says of a dossier that is not (yet) returned.
STATUS_NOTES: dict[str, str] = {
    DossierStatus.RECEIVED: "Đang giải quyết",
    DossierStatus.IN_PROGRESS: "Đang giải quyết",
    DossierStatus.WAITING_SUPPLEMENT: "Chờ bổ sung",
    DossierStatus.FINISHED: "Chờ trả kết quả",
    DossierStatus.RETURNED: "",
    DossierStatus.REFUSED: "Từ chối",
    DossierStatus.WITHDRAWN: "Đã rút",
}
LATE_NOTE = "Quá hạn"
DATETIME_FORMAT = "%H:%M %d/%m/%Y"


@dataclass(frozen=True)
class RegisterPeriod:
    unit: Agency
    start: date
    end: date  # inclusive

    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, the day after end 00:00) in local time."""
        return (
            timezone.make_aware(datetime.combine(self.start, time.min)),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min)),
        )

    @property
    def label(self) -> str:
        return f"Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    @property
    def file_stem(self) -> str:
        return f"so-theo-doi-{self.unit.code}-{self.start:%Y%m%d}-{self.end:%Y%m%d}"


@dataclass(frozen=True)
class RegisterRow:
    number: int
    code: str
    procedure: str
    quantity: str
    applicant: str
    address_phone: str
    competent_agency: str
    received_at: datetime
    due_at: datetime
    forwarded_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    note: str


def register_dossiers(period: RegisterPeriod) -> QuerySet[Dossier]:
    """The dossiers ``period.unit`` received in the period, oldest first, with ``forwarded_at``: when the
    dossier first went to a main step outside the receiving unit (None without a process, or before)."""
    low, high = period.bounds()
    first_hand_over = (
        StepInstance.objects.filter(dossier=OuterRef("pk"), parallel=False)
        .exclude(agency=OuterRef("receiving_unit"))
        .order_by("started_at", "id")
        .values("started_at")[:1]
    )
    return (
        Dossier.objects.filter(receiving_unit=period.unit, received_at__gte=low, received_at__lt=high)
        .select_related("procedure_version", "applicant__commune", "competent_agency")
        # form_data (JSON) and the other wide columns stay in the database.
        .only(
            "code",
            "status",
            "received_at",
            "due_at",
            "finished_at",
            "returned_at",
            "receiving_unit",
            "procedure_version__name",
            "applicant__full_name",
            "applicant__address",
            "applicant__phone",
            "applicant__commune__name",
            "competent_agency__name",
        )
        .annotate(forwarded_at=Subquery(first_hand_over))
        .order_by("received_at", "id")
    )


def register_note(status: str, finished_at: datetime | None, due_at: datetime) -> str:
    """The "Ghi chú" of a row: the state of a dossier not returned, and "Quá hạn" when its result came after
    the due day (the same calendar-day rule as Mẫu 05)."""
    parts = [STATUS_NOTES.get(status, "")]
    if (
        status in (DossierStatus.FINISHED, DossierStatus.RETURNED)
        and finished_at is not None
        and timeliness(finished_at, due_at) is Timeliness.LATE
    ):
        parts.append(LATE_NOTE)
    return "; ".join(part for part in parts if part)


def register_rows(dossiers: Iterable[Dossier]) -> Iterator[RegisterRow]:
    """The register's rows, numbered from 1, from dossiers read by ``register_dossiers``."""
    for number, dossier in enumerate(dossiers, start=1):
        applicant = dossier.applicant
        address = ", ".join(
            part for part in (applicant.address, applicant.commune.name if applicant.commune else "") if part
        )
        yield RegisterRow(
            number=number,
            code=dossier.code,
            procedure=dossier.procedure_version.name,
            quantity="01",
            applicant=applicant.full_name,
            address_phone="; ".join(part for part in (address, applicant.phone) if part),
            competent_agency=dossier.competent_agency.name,
            received_at=dossier.received_at,
            due_at=dossier.due_at,
            forwarded_at=getattr(dossier, "forwarded_at", None),
            finished_at=dossier.finished_at,
            returned_at=dossier.returned_at,
            note=register_note(dossier.status, dossier.finished_at, dossier.due_at),
        )


def _header_context(period: RegisterPeriod) -> dict[str, object]:
    unit = period.unit
    return {
        "title": f"Sổ theo dõi hồ sơ {unit.name} {period.label}",
        "agency": unit.name,
        "parent_agency": unit.parent.name if unit.parent is not None else "",
        "place": place_of(unit.admin_unit),
        "period": period,
        "columns": COLUMNS,
    }


def register_pdf(period: RegisterPeriod, rows: list[RegisterRow], *, now: datetime | None = None) -> bytes:
    """Mẫu 06 as an A4 landscape PDF; the caller keeps ``rows`` within ``PDF_MAX_ROWS``."""
    if len(rows) > PDF_MAX_ROWS:
        raise ValueError(f"a register PDF holds at most {PDF_MAX_ROWS} rows, not {len(rows)}")
    context = _header_context(period)
    context.update(rows=rows, issued_at=timezone.localtime(now or timezone.now()))
    return render_pdf("documents/register_06.html", context)


def _local(at: datetime | None) -> datetime | None:
    # Excel has no time zones: the cell holds the local wall-clock time.
    return timezone.localtime(at).replace(tzinfo=None) if at is not None else None


# Column widths in characters, in the order of COLUMNS.
XLSX_WIDTHS = (6, 26, 40, 9, 24, 34, 30, 16, 16, 18, 16, 16, 20)


def register_xlsx(period: RegisterPeriod, rows: Iterable[RegisterRow], handle: IO[bytes]) -> int:
    """Write Mẫu 06 as an .xlsx workbook into ``handle`` and return the number of rows written.

    ``constant_memory``: each row is flushed to a temporary file once the next one starts, so the rows may
    come straight from a database iterator."""
    workbook = xlsxwriter.Workbook(handle, {"constant_memory": True})
    try:
        sheet = workbook.add_worksheet("Sổ theo dõi hồ sơ")
        bold_center = workbook.add_format({"bold": True, "align": "center", "valign": "vcenter"})
        center = workbook.add_format({"align": "center", "valign": "vcenter"})
        title = workbook.add_format({"bold": True, "align": "center", "font_size": 14})
        italic_center = workbook.add_format({"italic": True, "align": "center"})
        header = workbook.add_format(
            {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1}
        )
        cell = workbook.add_format({"valign": "top", "text_wrap": True, "border": 1})
        number = workbook.add_format({"valign": "top", "align": "center", "border": 1})
        when = workbook.add_format({"valign": "top", "border": 1, "num_format": "hh:mm dd/mm/yyyy"})
        last = len(COLUMNS) - 1
        for column, width in enumerate(XLSX_WIDTHS):
            sheet.set_column(column, column, width)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(7, 8)

        unit = period.unit
        sheet.merge_range(0, 0, 0, 4, (unit.parent.name if unit.parent else unit.name).upper(), center)
        sheet.merge_range(0, 6, 0, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold_center)
        sheet.merge_range(1, 0, 1, 4, unit.name.upper() if unit.parent else "", bold_center)
        sheet.merge_range(1, 6, 1, last, "Độc lập - Tự do - Hạnh phúc", bold_center)
        sheet.merge_range(3, 0, 3, last, "SỔ THEO DÕI HỒ SƠ", title)
        sheet.merge_range(4, 0, 4, last, unit.name, bold_center)
        sheet.merge_range(5, 0, 5, last, period.label, italic_center)
        sheet.set_row(7, 48)
        # constant_memory: a row is final once the next one is written, so each row is written whole.
        for column, name in enumerate(COLUMNS):
            sheet.write_string(7, column, name, header)
        for column in range(len(COLUMNS)):
            sheet.write_string(8, column, f"({column + 1})", header)

        row_index = 8
        written = 0
        for row in rows:
            row_index += 1
            written += 1
            sheet.write_number(row_index, 0, row.number, number)
            sheet.write_string(row_index, 1, row.code, cell)
            sheet.write_string(row_index, 2, row.procedure, cell)
            sheet.write_string(row_index, 3, row.quantity, number)
            sheet.write_string(row_index, 4, row.applicant, cell)
            sheet.write_string(row_index, 5, row.address_phone, cell)
            sheet.write_string(row_index, 6, row.competent_agency, cell)
            for column, at in enumerate(
                (row.received_at, row.due_at, row.forwarded_at, row.finished_at, row.returned_at), start=7
            ):
                local = _local(at)
                if local is None:
                    sheet.write_blank(row_index, column, None, cell)
                else:
                    sheet.write_datetime(row_index, column, local, when)
            sheet.write_string(row_index, last, row.note, cell)
        sheet.freeze_panes(9, 2)
    finally:
        workbook.close()
    return written
