"""The history of a dossier is append-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import ProtectedError

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier, DossierEvent, HistoryIsAppendOnly
from motcua.dossiers.selectors import dossier_timeline
from motcua.dossiers.services import dossier_receive, dossier_supplement_request
from motcua.org.models import Agency

from .conftest import PDF, version_of, vn


@pytest.fixture
def dossier(catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]) -> Dossier:
    return dossier_receive(
        officer=desk_officer,
        receiving_unit=org["desk"],
        procedure_version=version_of("1.001193"),
        applicant=person,
        channel="counter",
        form_data={},
        files={"TP1": [("a.pdf", PDF)]},
        received_at=vn(2026, 3, 2, 9, 0),
    )


def test_events_cannot_be_edited_or_deleted(dossier: Dossier) -> None:
    event = DossierEvent.objects.get(dossier=dossier)
    event.comment = "rewritten"
    with pytest.raises(HistoryIsAppendOnly):
        event.save()
    with pytest.raises(HistoryIsAppendOnly):
        event.delete()
    with pytest.raises(HistoryIsAppendOnly):
        DossierEvent.objects.filter(dossier=dossier).update(comment="rewritten")
    with pytest.raises(HistoryIsAppendOnly):
        DossierEvent.objects.filter(dossier=dossier).delete()
    # Deleting the dossier would take its history with it: refused too.
    with pytest.raises(ProtectedError):
        dossier.delete()
    stored = DossierEvent.objects.get(dossier=dossier)
    assert stored.comment == "" and stored.action == "received"


def test_timeline_in_order_and_public_view(dossier: Dossier, commune_specialist: User) -> None:
    dossier_supplement_request(dossier, commune_specialist, ["A"], "Thiếu", now=vn(2026, 3, 2, 10, 0))
    DossierEvent.objects.create(
        dossier=dossier, at=vn(2026, 3, 2, 11, 0), action="internal_note", public=False
    )
    assert [e.action for e in dossier_timeline(dossier)] == [
        "received",
        "supplement_requested",
        "internal_note",
    ]
    assert [e.action for e in dossier_timeline(dossier, public_only=True)] == [
        "received",
        "supplement_requested",
    ]
