"""The dossier page's reads, each compiled to SQL once per process (``core.compiled``).

The dossier page is the officers' most frequent screen after the inbox. Django built the SQL of its ten
reads on every view, which cost more than PostgreSQL took to answer them at 1,000,000 dossiers. Each read
here is the same queryset the page used before, with the dossier's or version's key bound as a parameter.
The page's dossier comes with flags that spare the reads of empty lists and, on PostgreSQL, with its
history and fee lines.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef

from motcua.accounts.models import User
from motcua.catalog.models import Component
from motcua.core.compiled import CompiledQuery, nested_rows
from motcua.dossiers.models import Attachment, Dossier, DossierEvent, PausePeriod, ResultDocument
from motcua.payments.fees import FEE_FIELDS, FeeLine, fee_items, fee_lines_of
from motcua.payments.models import Payment
from motcua.signing.models import SignatureRecord
from motcua.workflow.models import StepInstance
from motcua.workflow.selectors import step_instances

# Key markers: values no row has, each once among a query's parameters.
_CODE_MARK = "\x00dossier-code"
_ID_MARK = -7_200_000_001

# One compiled read per list of related rows (the page, the slips and the files each ask for theirs), with
# or without the ``PAGE_FLAGS``.
_BY_CODE: dict[tuple[tuple[str, ...], bool], CompiledQuery] = {}

# Whether the dossier has any row of each list the page shows (``has_<name>`` on the dossier read with
# ``flags``): many dossiers have no process steps, results, pauses or payments, and an index probe inside
# the dossier's own query costs less than a query that finds nothing.
PAGE_FLAGS = {
    "has_steps": StepInstance.objects.filter(dossier_id=OuterRef("pk")),
    "has_attachments": Attachment.objects.filter(dossier_id=OuterRef("pk")),
    "has_result_documents": ResultDocument.objects.filter(dossier_id=OuterRef("pk")),
    "has_pauses": PausePeriod.objects.filter(dossier_id=OuterRef("pk")),
    "has_payments": Payment.objects.filter(dossier_id=OuterRef("pk")),
}


# The history and the fee lines every page shows, with the dossier's row on PostgreSQL (``nested_rows``,
# as JSON: times come back as ISO text): two round trips fewer. ``events_of`` and ``fee_lines_read`` take them.
_EVENT_FIELDS = {
    "id": "id",
    "at": "at",
    "action": "action",
    "from_status": "from_status",
    "to_status": "to_status",
    "comment": "comment",
    "public": "public",
    "data": "data",
    "actor_id": "actor_id",
    "actor_username": "actor__username",
    "actor_full_name": "actor__full_name",
}


def _page_lists() -> dict[str, Any]:
    events = nested_rows(
        DossierEvent.objects.filter(dossier_id=OuterRef("pk")).order_by("at", "id"), **_EVENT_FIELDS
    )
    fees = nested_rows(fee_items(OuterRef("procedure_version_id")), **{name: name for name in FEE_FIELDS})
    return {} if events is None or fees is None else {"page_events": events, "page_fees": fees}


def dossier_by_code(code: str, related: tuple[str, ...], *, flags: bool = False) -> Dossier | None:
    """The dossier with this code and the ``select_related`` rows named (a code is unique: no order);
    with ``flags``, also the ``has_…`` of ``PAGE_FLAGS`` and, on PostgreSQL, its history and fee lines."""
    key = (tuple(sorted(set(related))), flags)
    compiled = _BY_CODE.get(key)
    if compiled is None:
        names = key[0]

        def build(code: str) -> Any:
            dossiers = Dossier.objects.select_related(*names).filter(code=code).order_by()
            if flags:
                dossiers = dossiers.annotate(
                    **{name: Exists(rows) for name, rows in PAGE_FLAGS.items()}, **_page_lists()
                )
            return dossiers[:1]

        compiled = _BY_CODE[key] = CompiledQuery(build, code=_CODE_MARK)
    found: Dossier | None = compiled.object(code=code)
    return found


_STEPS = CompiledQuery(
    lambda dossier_id: step_instances().filter(dossier_id=dossier_id).order_by("started_at", "id"),
    dossier_id=_ID_MARK,
)
_ATTACHMENTS = CompiledQuery(
    lambda dossier_id: (
        Attachment.objects.select_related("component", "pause", "ocr")
        .filter(dossier_id=dossier_id)
        .order_by("component__position", "pause_id", "id")
    ),
    dossier_id=_ID_MARK,
)
_RESULT_DOCUMENTS = CompiledQuery(
    lambda dossier_id: (
        ResultDocument.objects.select_related("approved_by", "created_by")
        .filter(dossier_id=dossier_id)
        .annotate(signed=Exists(SignatureRecord.objects.filter(document=OuterRef("pk"))))
        .order_by("id")
    ),
    dossier_id=_ID_MARK,
)
_EVENTS = CompiledQuery(
    lambda dossier_id: (
        DossierEvent.objects.filter(dossier_id=dossier_id).select_related("actor").order_by("at", "id")
    ),
    dossier_id=_ID_MARK,
)
_PAUSES = CompiledQuery(
    lambda dossier_id: (
        PausePeriod.objects.select_related("requested_by")
        .filter(dossier_id=dossier_id)
        .order_by("started_at", "id")
    ),
    dossier_id=_ID_MARK,
)
_COMPONENTS = CompiledQuery(
    lambda version_id: Component.objects.filter(version_id=version_id).order_by("position", "id"),
    version_id=_ID_MARK,
)


def _owned(rows: list[Any], dossier: Dossier) -> list[Any]:
    # What a related manager (``dossier.attachments``) does: the rows know their dossier without a query.
    for row in rows:
        row.dossier = dossier
    return rows


def _none(dossier: Dossier, flag: str) -> bool:
    # A dossier read with the page's flags that has no such rows: nothing to read.
    return getattr(dossier, flag, True) is False


def steps_of(dossier: Dossier) -> list[StepInstance]:
    """``workflow.selectors.dossier_steps(dossier)``, evaluated."""
    return [] if _none(dossier, "has_steps") else _STEPS.objects(dossier_id=dossier.pk)


def attachments_of(dossier: Dossier) -> list[Attachment]:
    """The dossier's files by component, then by supplement, with their component, pause and OCR text."""
    if _none(dossier, "has_attachments"):
        return []
    return _owned(_ATTACHMENTS.objects(dossier_id=dossier.pk), dossier)


def result_documents_of(dossier: Dossier) -> list[ResultDocument]:
    """The result documents, each with ``signed``: whether a digital signature of it is recorded."""
    if _none(dossier, "has_result_documents"):
        return []
    return _owned(_RESULT_DOCUMENTS.objects(dossier_id=dossier.pk), dossier)


def events_of(dossier: Dossier) -> list[DossierEvent]:
    """``dossiers.selectors.dossier_timeline(dossier)``, evaluated (read with the dossier on PostgreSQL)."""
    nested = getattr(dossier, "page_events", None)
    if nested is None:
        return _owned(_EVENTS.objects(dossier_id=dossier.pk), dossier)
    events = []
    for row in nested:
        event = DossierEvent(
            id=row["id"],
            dossier=dossier,
            at=datetime.fromisoformat(row["at"]),
            action=row["action"],
            from_status=row["from_status"],
            to_status=row["to_status"],
            comment=row["comment"],
            public=row["public"],
            data=row["data"],
        )
        if row["actor_id"] is not None:
            # Who acted, as the page names them (``str(user)``): the rest of the user is not read.
            event.actor = User(
                id=row["actor_id"], username=row["actor_username"], full_name=row["actor_full_name"]
            )
        events.append(event)
    return events


def fee_lines_read(dossier: Dossier) -> list[FeeLine] | None:
    """The fee lines of the dossier's version if they were read with it (PostgreSQL), else None."""
    nested = getattr(dossier, "page_fees", None)
    return None if nested is None else fee_lines_of(nested)


def pauses_of(dossier: Dossier) -> list[PausePeriod]:
    return [] if _none(dossier, "has_pauses") else _owned(_PAUSES.objects(dossier_id=dossier.pk), dossier)


def components_of(version_id: int) -> list[Component]:
    return _COMPONENTS.objects(version_id=version_id)
