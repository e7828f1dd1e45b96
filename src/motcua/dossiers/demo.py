"""Demo dossiers: a few hundred received over recent months through the real reception service, in every
state: waiting for a supplement, refused, in progress (some late with an apology, some withdrawn), finished
with approved result documents, returned. Applicants and their ID numbers are invented (valid in form)."""

from __future__ import annotations

import functools
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.demo_templates import declaration_docx
from motcua.catalog.eforms import components_required
from motcua.catalog.eforms.examples import eform_example_answers
from motcua.catalog.models import ProcedureVersion, Result, VersionStatus
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Agency
from motcua.workdays.calendar import VIETNAM_TZ
from motcua.workdays.selectors import working_calendar

from .results import result_document_add
from .services import (
    apology_deadline,
    dossier_apologise,
    dossier_receive,
    dossier_refuse,
    dossier_return_result,
    dossier_supplement_request,
    dossier_withdraw,
)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thu", "Quốc", "Thanh", "Ngọc", "Đức", "Hải"]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hạnh",
    "Hùng",
    "Khánh",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Phương",
    "Quân",
    "Sơn",
    "Thảo",
    "Trang",
    "Tuấn",
    "Yến",
]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class DemoReport:
    received: int = 0
    waiting: int = 0
    refused: int = 0
    skipped: int = 0
    in_progress: int = 0
    finished: int = 0
    returned: int = 0
    apologised: int = 0
    withdrawn: int = 0
    generated_results: int = 0


# Main-path actions, in the order a dossier takes them through the default process.
FORWARD_KINDS = ("forward", "approve", "finish")


# Result documents the demo generates with MotCua (the others stand for scanned signed results): each
# generation renders a PDF twice (draft, approved), which is the slow part of seeding.
GENERATED_RESULTS = 8


@functools.cache
def _scanned_page(procedure_name: str) -> bytes:
    """A page as a desk scanner makes it (a 150-dpi picture in a PDF, no text layer), so the demo's
    digitisation has something real to recognise: the declaration of the procedure."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf", 28)
    lines = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "",
        "TỜ KHAI",
        procedure_name[:60],
        "",
        "Kính gửi: Ủy ban nhân dân phường Bắc Giang",
        "Họ, chữ đệm, tên người yêu cầu: ................................",
        "Nơi cư trú: tỉnh Bắc Ninh",
        "Tôi cam đoan nội dung đề nghị trên đây là đúng sự thật.",
    ]
    for number, line in enumerate(lines):
        draw.text((100, 140 + number * 64), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=150)
    return buffer.getvalue()


@functools.cache
def _scanned_result() -> bytes:
    """A one-page PDF standing for a result signed on paper and scanned (rendered once per seeding)."""
    from motcua.documents.pdf import render_pdf

    return render_pdf(
        "documents/result_generated.html",
        {"title": "Kết quả giải quyết (bản quét)", "agency": "Cơ quan giải quyết", "number": "—"},
    )


def _advance(
    dossier: Any, admin: User, steps: int, start: datetime, report: DemoReport
) -> tuple[Any, datetime]:
    """Move a demo dossier ``steps`` actions along its process (as the system administrator); before the
    approval, the result document is added as the competent agency's specialist would."""
    from motcua.workflow.engine import available_actions, process_act

    moment = start
    calendar = working_calendar()
    for _ in range(steps):
        actions = [a for a in available_actions(dossier, admin) if a.kind in FORWARD_KINDS]
        if not actions:
            break
        # Officers act in office hours, and a demo never records what has not happened yet.
        following = calendar.add_working_time(moment, timedelta(hours=2))
        if following > timezone.now():
            break
        moment = following
        if actions[0].kind == "approve" and not dossier.result_documents.exists():
            result = Result.objects.filter(version=dossier.procedure_version).order_by("id").first()
            generate = report.generated_results < GENERATED_RESULTS
            if result is not None:
                result_document_add(
                    dossier,
                    admin,
                    result=result,
                    upload=None if generate else (f"ket-qua-{dossier.code}.pdf", _scanned_result()),
                    issued_on=timezone.localdate(moment),
                    now=moment - timedelta(hours=1),
                )
                report.generated_results += int(generate)
                dossier.refresh_from_db()
        process_act(dossier, admin, actions[0].pk, comment="Đồng ý", at=moment)
        dossier.refresh_from_db()
    return dossier, moment


def _citizen(rng: random.Random, commune: AdministrativeUnit) -> dict[str, Any]:
    born = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
    sex = rng.choice(["male", "female"])
    century_digit = (0 if born.year < 2000 else 2) + (1 if sex == "female" else 0)
    id_number = f"027{century_digit}{born.year % 100:02d}{rng.randint(0, 999999):06d}"
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    return {
        "kind": "person",
        "full_name": name,
        "id_number": id_number,
        "date_of_birth": born,
        "sex": sex,
        "phone": f"09{rng.randint(10000000, 99999999)}",
        "address": f"Số {rng.randint(1, 200)} đường {rng.choice(['Lý Thái Tổ', 'Ngô Gia Tự', 'Trần Hưng Đạo'])}",
        "commune": commune,
    }


def _declared(applicant: dict[str, Any]) -> dict[str, str]:
    """The applicant's details as a declaration is filled in from them (texts; the commune by its code)."""
    commune = applicant.get("commune")
    born = applicant.get("date_of_birth")
    return {
        **{key: str(value) for key, value in applicant.items() if isinstance(value, str)},
        "commune": commune.code if isinstance(commune, AdministrativeUnit) else "",
        "date_of_birth": born.isoformat() if isinstance(born, date) else "",
    }


def _file_for(formats: list[str], name: str, procedure_name: str) -> tuple[str, bytes]:
    if "pdf" in formats or not formats:
        return f"{name}.pdf", _scanned_page(procedure_name)
    if "png" in formats:
        return f"{name}.png", PNG
    return f"{name}.docx", declaration_docx(name, procedure_name)


def _received_moment(rng: random.Random, days_back: int) -> datetime:
    calendar = working_calendar()
    day = timezone.localdate() - timedelta(days=rng.randint(1, days_back))
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    minutes = rng.randint(0, 8 * 60 - 30)
    moment = time(7, 30) if minutes < 240 else time(13, 0)
    offset = minutes if minutes < 240 else minutes - 240
    return datetime.combine(day, moment, tzinfo=VIETNAM_TZ) + timedelta(minutes=offset)


def demo_dossiers_create(count: int = 240, *, seed: int = 2026, days_back: int = 90) -> DemoReport:
    rng = random.Random(seed)
    report = DemoReport()
    admin = User.objects.get(username="admin")
    officers = {
        "000.00.01.H24": User.objects.get(username="tiepnhan"),
        "001.00.41.H24": User.objects.get(username="tiepnhan.bacgiang"),
    }
    units = {a.code: a for a in Agency.objects.filter(code__in=officers)}
    communes = list(AdministrativeUnit.objects.filter(code__in=["07210", "07228", "07264"]))
    versions = list(
        ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("procedure")
        .prefetch_related("components", "levels__level")
    )
    for _ in range(count):
        version = rng.choice(versions)
        unit_code = rng.choice(list(officers))
        commune = rng.choice(communes)
        applicant = _citizen(rng, commune)
        answers = eform_example_answers(version, _declared(applicant), rng)
        required = components_required(version, answers)
        files = {
            c.code: [_file_for(c.format_list, c.name[:60], version.name)]
            for c in version.components.all()
            if c.pk in required
        }
        try:
            dossier = dossier_receive(
                officer=officers[unit_code],
                receiving_unit=units[unit_code],
                procedure_version=version,
                applicant=applicant,
                channel=rng.choice(["counter", "counter", "online", "postal"]),
                form_data=answers,
                files=files,
                received_at=_received_moment(rng, days_back),
            )
        except ValidationError:
            # e.g. a procedure for organisations only, or one that must be filed in another area.
            report.skipped += 1
            continue
        report.received += 1
        roll = rng.random()
        if roll < 0.12:
            dossier_supplement_request(
                dossier,
                officers[unit_code],
                ["Bản sao giấy tờ chứng minh nơi cư trú"],
                "Hồ sơ còn thiếu giấy tờ",
                now=dossier.received_at + timedelta(hours=2),
            )
            report.waiting += 1
        elif roll < 0.17:
            dossier_refuse(
                dossier,
                officers[unit_code],
                "Không thuộc thẩm quyền giải quyết",
                now=dossier.received_at + timedelta(hours=1),
            )
            report.refused += 1
        elif roll < 0.85:
            # Most past dossiers went through their process; recent ones are still being handled.
            dossier, moment = _advance(
                dossier, admin, rng.choice([1, 2, 3, 10, 10, 10]), dossier.received_at, report
            )
            if dossier.status == "finished" and rng.random() < 0.8:
                method = rng.choice(["counter", "online", "post"])
                dossier_return_result(
                    dossier,
                    officers[unit_code],
                    method=method,
                    at=moment + timedelta(hours=2),
                    postal_reference=f"EB{rng.randint(10**8, 10**9 - 1)}VN" if method == "post" else "",
                )
                report.returned += 1
            elif dossier.status == "finished":
                report.finished += 1
            elif dossier.status == "in_progress":
                _late_or_withdrawn(dossier, officers[unit_code], rng, moment, report)
    return report


def _late_or_withdrawn(
    dossier: Any, officer: User, rng: random.Random, moment: datetime, report: DemoReport
) -> None:
    """Some dossiers still in progress: an apology with a new date (when still allowed), a withdrawal."""
    calendar = working_calendar()
    roll = rng.random()
    deadline = apology_deadline(calendar, dossier)
    if roll < 0.15 and deadline is not None and moment + timedelta(hours=1) <= deadline:
        new_due = calendar.add_working_time(dossier.due_at, calendar.working_day_length * 3)
        dossier_apologise(
            dossier,
            admin_or(officer, dossier),
            "Cần xác minh thêm thông tin với cơ quan liên quan",
            new_due,
            now=moment + timedelta(hours=1),
        )
        report.apologised += 1
        report.in_progress += 1
    elif roll < 0.22:
        dossier_withdraw(dossier, officer, "Người nộp có đơn xin rút hồ sơ", now=moment + timedelta(hours=1))
        report.withdrawn += 1
    else:
        report.in_progress += 1


def admin_or(officer: User, dossier: Any) -> User:
    """The competent agency apologises; the demo acts as the system administrator when the desk's officer
    does not belong to it."""
    from motcua.dossiers.results import may_prepare_result

    return officer if may_prepare_result(officer, dossier) else User.objects.get(username="admin")
