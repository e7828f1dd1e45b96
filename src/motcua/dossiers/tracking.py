"""Public tracking (tra cứu hồ sơ): a dossier code plus a second factor the applicant knows.

The code alone is printed on slips and may be seen by others, so it is never enough: the last four digits
of the applicant's ID number or phone number must match. A wrong pair reveals nothing — not even whether
the code exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, QuerySet

from motcua.core.compiled import CompiledQuery, nested_rows
from motcua.core.dates import local_time_text

from .models import Dossier, DossierAction, DossierEvent, DossierStatus, PausePeriod


@dataclass(frozen=True)
class TrackedEvent:
    at: datetime
    at_text: str
    action_label: str
    to_status: str
    # The status the event moved the dossier to; "" when it did not change the status.
    status_label: str
    comment: str


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
    timeline: list[TrackedEvent]
    missing_items: list[str]

    # As the page prints them (``HH:MM dd/mm/YYYY``, local time).
    @property
    def received_text(self) -> str:
        return local_time_text(self.received_at)

    @property
    def due_text(self) -> str:
        return local_time_text(self.due_at)

    @property
    def finished_text(self) -> str:
        return local_time_text(self.finished_at) if self.finished_at else ""


# The page with the most traffic: its reads are compiled once (plain rows, not model instances); on
# PostgreSQL the public history comes with the dossier (``nested_rows``), one round trip instead of two.
_EVENT_FIELDS = ("at", "action", "from_status", "to_status", "comment")


def _public_events(dossier_id: Any) -> QuerySet[DossierEvent]:
    return DossierEvent.objects.filter(dossier_id=dossier_id, public=True).order_by("at", "id")


def _tracked_query(code: str) -> QuerySet[Dossier, Any]:
    rows = (
        Dossier.objects.filter(code=code)
        .order_by()
        .values(
            "id",
            "code",
            "status",
            "received_at",
            "due_at",
            "finished_at",
            "applicant__id_number",
            "applicant__phone",
            "procedure_version__name",
            "receiving_unit__name",
        )
    )
    events = nested_rows(_public_events(OuterRef("id")), **{name: name for name in _EVENT_FIELDS})
    if events is not None:
        rows = rows.annotate(nested_timeline=events)
    return rows[:1]


_TRACKED = CompiledQuery(_tracked_query, code="\x00code")
_PUBLIC_TIMELINE = CompiledQuery(
    lambda dossier_id: _public_events(dossier_id).values(*_EVENT_FIELDS), dossier_id=-7_000_000_001
)


def _events(dossier: dict[str, Any]) -> list[dict[str, Any]]:
    if "nested_timeline" not in dossier:
        return _PUBLIC_TIMELINE.rows(dossier_id=dossier["id"])
    # JSON has no dates: the times come as ISO 8601 text.
    return [{**e, "at": datetime.fromisoformat(e["at"])} for e in dossier["nested_timeline"]]


def _last4(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


def dossier_track(code: str, second_factor: str) -> TrackedDossier | None:
    code = code.strip()
    factor = _last4(second_factor)
    if not code or len(factor) != 4:
        return None
    dossier = _TRACKED.first(code=code)
    if dossier is None:
        return None
    known = {_last4(dossier["applicant__id_number"]), _last4(dossier["applicant__phone"])} - {""}
    if factor not in known:
        return None
    # The history is shown only once the second factor matched; the open pause is read only for a dossier
    # that waits for one.
    actions = dict(DossierAction.choices)
    statuses = dict(DossierStatus.choices)
    timeline = [
        TrackedEvent(
            at=e["at"],
            at_text=local_time_text(e["at"]),
            action_label=str(actions.get(e["action"], e["action"])),
            to_status=e["to_status"],
            status_label=str(statuses.get(e["to_status"], e["to_status"]))
            if e["to_status"] and e["to_status"] != e["from_status"]
            else "",
            comment=e["comment"],
        )
        for e in _events(dossier)
    ]
    missing: list[str] = []
    if dossier["status"] == DossierStatus.WAITING_SUPPLEMENT:
        for items in PausePeriod.objects.filter(dossier_id=dossier["id"], ended_at__isnull=True).values_list(
            "missing_items", flat=True
        ):
            missing.extend(str(item) for item in items)
    return TrackedDossier(
        code=dossier["code"],
        procedure_name=dossier["procedure_version__name"],
        receiving_unit=dossier["receiving_unit__name"],
        status=dossier["status"],
        status_label=str(statuses.get(dossier["status"], dossier["status"])),
        received_at=dossier["received_at"],
        due_at=dossier["due_at"],
        finished_at=dossier["finished_at"],
        timeline=timeline,
        missing_items=missing,
    )
