"""Official slips of the one-stop workflow (TT 01/2018 forms) as A5 PDFs.

A slip is rendered from a plain ``*Slip`` dataclass so that the layout does not depend on how a dossier is
stored; ``receipt_slip_for`` builds one from a dossier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from motcua.dossiers.models import (
    Attachment,
    AttachmentSource,
    CounterDecision,
    CounterDecisionKind,
    Dossier,
    DossierAction,
)

from .pdf import qr_svg, render_pdf

if TYPE_CHECKING:
    from motcua.catalog.models import Component
    from motcua.geo.models import AdministrativeUnit


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


# Prefixes of a province's official name that the "place, date" line of a form leaves out.
_PROVINCE_PREFIXES = ("Tỉnh ", "Thành phố ")


def place_of(unit: AdministrativeUnit) -> str:
    """The province's short name ("Tỉnh Bắc Ninh" → "Bắc Ninh") above an administrative unit."""
    province = unit
    # The geo tree has two or three tiers: walk up to its root.
    for _ in range(5):
        if province.parent is None:
            break
        province = province.parent
    name = str(province.name)
    for prefix in _PROVINCE_PREFIXES:
        if name.lower().startswith(prefix.lower()):
            return name[len(prefix) :]
    return name


def receipt_slip_for(dossier: Dossier) -> ReceiptSlip:
    """Mẫu 01 for a received dossier: applicant and procedure from the dossier, components from the files
    received with it (one line per component; supplements answer Mẫu 02 and are not listed)."""
    unit = dossier.receiving_unit
    version = dossier.procedure_version
    applicant = dossier.applicant
    attachments = (
        dossier.attachments.filter(pause__isnull=True)
        .select_related("component")
        .order_by("component__position", "component_id", "id")
    )
    groups: dict[int | None, list[Attachment]] = {}
    for attachment in attachments:
        groups.setdefault(attachment.component_id, []).append(attachment)
    components: list[SlipComponent] = []
    for files in groups.values():
        component: Component | None = files[0].component
        if all(f.source == AttachmentSource.UPLOAD for f in files):
            form = "Bản điện tử"
        elif component is not None and component.originals == 0 and component.copies > 0:
            form = "Bản sao"
        else:
            form = "Bản chính"
        components.append(
            SlipComponent(
                name=component.name if component is not None else files[0].original_name,
                form=form,
                note=f"{len(files)} tệp",
            )
        )
    address_parts = [applicant.address]
    if applicant.commune is not None:
        address_parts.append(applicant.commune.name)
    officer = dossier.created_by
    return ReceiptSlip(
        code=dossier.code,
        receiving_unit=unit.name,
        parent_agency=unit.parent.name if unit.parent is not None else "",
        place=place_of(unit.admin_unit),
        applicant_name=applicant.full_name,
        applicant_id=applicant.id_number or applicant.tax_code,
        applicant_address=", ".join(part for part in address_parts if part),
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        procedure_name=version.name,
        procedure_code=version.procedure.national_code,
        statutory_time=statutory_time_text(version.statutory_time, version.time_unit),
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        return_place=", ".join(part for part in (unit.name, unit.address) if part),
        officer_name=(officer.full_name or officer.get_username()) if officer is not None else "",
        tracking_url=f"{settings.MOTCUA_PUBLIC_URL}/tra-cuu-ho-so/?ma={dossier.code}",
        register_note=dossier.code,
        components=components,
    )


def _slip_context(dossier: Dossier, *, officer: str, title: str, issued_at: datetime) -> dict[str, object]:
    unit = dossier.receiving_unit
    tracking_url = f"{settings.MOTCUA_PUBLIC_URL}/tra-cuu-ho-so/?ma={dossier.code}"
    return {
        "title": f"{title} {dossier.code}",
        "agency": unit.name,
        "parent_agency": unit.parent.name if unit.parent is not None else "",
        "number": dossier.code,
        "place": place_of(unit.admin_unit),
        "issued_at": timezone.localtime(issued_at),
        "code": dossier.code,
        "applicant": dossier.applicant.full_name,
        "procedure": dossier.procedure_version.name,
        "phone": unit.phone,
        "officer": officer,
        "tracking_url": tracking_url,
        "qr_label": "Tra cứu tình trạng hồ sơ",
        "qr": qr_svg(tracking_url),
    }


def supplement_slip_pdf(dossier: Dossier) -> bytes | None:
    """Mẫu 02 for the dossier's latest supplement request (every missing item listed at once), or None."""
    pause = dossier.pauses.select_related("requested_by").order_by("-started_at", "-id").first()
    if pause is None:
        return None
    officer = pause.requested_by.full_name if pause.requested_by is not None else ""
    context = _slip_context(
        dossier, officer=officer, title="Phiếu yêu cầu bổ sung hồ sơ", issued_at=pause.started_at
    )
    context.update(items=[str(item) for item in pause.missing_items] or [pause.reason], reason=pause.reason)
    return render_pdf("documents/slip_02_supplement.html", context)


def refusal_slip_pdf(dossier: Dossier) -> bytes | None:
    """Mẫu 03 with the reason given when the dossier was refused, or None if it was not refused."""
    event = dossier.events.filter(to_status="refused").select_related("actor").order_by("-at", "-id").first()
    if event is None:
        return None
    officer = event.actor.full_name if event.actor is not None else ""
    context = _slip_context(dossier, officer=officer, title="Phiếu từ chối hồ sơ", issued_at=event.at)
    context.update(reason=event.comment)
    return render_pdf("documents/slip_03_refusal.html", context)


def apology_slip_pdf(dossier: Dossier) -> bytes | None:
    """Mẫu 04: the apology with the reason, the date it replaces and the new date; None without one.

    Issued by the competent agency (the one that is late), signed by whoever issued the apology."""
    event = (
        dossier.events.filter(action=DossierAction.APOLOGISED)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return None
    agency = dossier.competent_agency
    officer = (event.actor.full_name or event.actor.get_username()) if event.actor is not None else ""
    context = _slip_context(
        dossier, officer=officer, title="Phiếu xin lỗi và hẹn lại ngày trả kết quả", issued_at=event.at
    )
    context.update(
        agency=agency.name,
        parent_agency=agency.parent.name if agency.parent is not None else "",
        place=place_of(agency.admin_unit),
        receiving_unit=dossier.receiving_unit.name,
        received_at=timezone.localtime(dossier.received_at),
        reason=event.comment,
        previous_due=timezone.localtime(datetime.fromisoformat(event.data["previous_due_at"])),
        new_due=timezone.localtime(datetime.fromisoformat(event.data["due_at"])),
    )
    return render_pdf("documents/slip_04_apology.html", context)


def counter_decision_pdf(decision: CounterDecision) -> bytes:
    """Mẫu 02 or Mẫu 03 given at the counter, where no dossier was received (no dossier code; the QR leads
    to the procedure's public page, which lists what a complete dossier holds)."""
    unit = decision.unit
    version = decision.procedure_version
    url = f"{settings.MOTCUA_PUBLIC_URL}/thu-tuc/{version.procedure.national_code}/"
    completion = decision.kind == CounterDecisionKind.COMPLETION
    title = "Phiếu yêu cầu bổ sung hồ sơ" if completion else "Phiếu từ chối tiếp nhận hồ sơ"
    context: dict[str, object] = {
        "title": f"{title} {decision.number}",
        "agency": unit.name,
        "parent_agency": unit.parent.name if unit.parent is not None else "",
        "number": decision.number,
        "place": place_of(unit.admin_unit),
        "issued_at": timezone.localtime(decision.issued_at),
        "code": "",
        "applicant": decision.applicant_name,
        "procedure": version.name,
        "phone": unit.phone,
        "officer": decision.officer.full_name or decision.officer.get_username(),
        "tracking_url": url,
        "qr_label": "Thành phần hồ sơ của thủ tục",
        "qr": qr_svg(url),
        "items": list(decision.missing_items),
        "reason": decision.reason,
    }
    if completion:
        context["reason"] = ""
        return render_pdf("documents/slip_02_supplement.html", context)
    return render_pdf("documents/slip_03_refusal.html", context)
