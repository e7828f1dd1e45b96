"""Public tracking (tra cứu hồ sơ): a dossier code plus a second factor the applicant knows.

The code alone is printed on slips and may be seen by others, so it is never enough: the last four digits
of the applicant's ID number or phone number must match. A wrong pair reveals nothing — not even whether
the code exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .models import Dossier, DossierEvent, DossierStatus, PausePeriod


@dataclass(frozen=True)
class TrackedDossier:
    code: str
    procedure_name: str
    receiving_unit: str
    status: str
    status_label: str
    received_at: datetime
    due_at: datetime
    finished_at: datetime | None
    timeline: list[DossierEvent]
    missing_items: list[str]


def _last4(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


def dossier_track(code: str, second_factor: str) -> TrackedDossier | None:
    code = code.strip()
    factor = _last4(second_factor)
    if not code or len(factor) != 4:
        return None
    dossier = (
        Dossier.objects.select_related("applicant", "procedure_version", "receiving_unit")
        .filter(code=code)
        .order_by()
        .first()
    )
    if dossier is None:
        return None
    known = {_last4(dossier.applicant.id_number), _last4(dossier.applicant.phone)} - {""}
    if factor not in known:
        return None
    # Read only once the second factor matched; the open pause only for a dossier that waits for one.
    timeline = list(DossierEvent.objects.filter(dossier=dossier, public=True).order_by("at", "id"))
    missing: list[str] = []
    if dossier.status == DossierStatus.WAITING_SUPPLEMENT:
        for pause in PausePeriod.objects.filter(dossier=dossier, ended_at__isnull=True):
            missing.extend(str(item) for item in pause.missing_items)
    return TrackedDossier(
        code=dossier.code,
        procedure_name=dossier.procedure_version.name,
        receiving_unit=dossier.receiving_unit.name,
        status=dossier.status,
        status_label=dossier.get_status_display(),
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        finished_at=dossier.finished_at,
        timeline=timeline,
        missing_items=missing,
    )
