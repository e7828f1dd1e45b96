"""The result document MotCua generates from the catalog's result (an A4 PDF in the layout of an official
document: issuing agency, national motto, number, place and date, the result's title, who it is issued to,
the signer). Generated again when the leader approves it, so the approver's name and title are on it; the
digital signature itself is added by the signing service (see the signing issue)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from motcua.dossiers.models import ResultDocument

from .pdf import qr_svg, render_pdf
from .slips import place_of

if TYPE_CHECKING:
    from motcua.accounts.models import User


def result_document_pdf(document: ResultDocument, *, approver: User | None) -> bytes:
    dossier = document.dossier
    agency = dossier.competent_agency
    applicant = dossier.applicant
    address = ", ".join(
        part for part in (applicant.address, applicant.commune.name if applicant.commune else "") if part
    )
    tracking_url = f"{settings.MOTCUA_PUBLIC_URL}/tra-cuu-ho-so/?ma={dossier.code}"
    return render_pdf(
        "documents/result_generated.html",
        {
            "title": document.title,
            "agency": agency.name,
            "parent_agency": agency.parent.name if agency.parent is not None else "",
            "number": document.number,
            "place": place_of(agency.admin_unit),
            "issued_on": document.issued_on,
            "document": document,
            "dossier": dossier,
            "applicant": applicant,
            "applicant_address": address,
            "procedure": dossier.procedure_version.name,
            "approver": (approver.full_name or approver.get_username()) if approver is not None else "",
            "approved_at": timezone.localtime(document.approved_at) if document.approved_at else None,
            "tracking_url": tracking_url,
            "qr": qr_svg(tracking_url),
        },
    )
