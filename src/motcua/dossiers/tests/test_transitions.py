"""Supplement requests, supplements, refusal; locking and permissions of every transition."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier, DossierEvent, DossierStatus, PausePeriod
from motcua.dossiers.services import (
    dossier_receive,
    dossier_refuse,
    dossier_supplement_receive,
    dossier_supplement_request,
)
from motcua.org.models import Agency, Role
from motcua.workdays.selectors import working_calendar
from tests.fixtures import staff

from .conftest import PDF, version_of, vn

RECEIVED_AT = vn(2026, 3, 2, 9, 0)  # Monday; 3 working days → due Thursday 5 March 17:00


@pytest.fixture
def dossier(catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]) -> Dossier:
    return dossier_receive(
        officer=desk_officer,
        receiving_unit=org["desk"],
        procedure_version=version_of("9.000001"),  # marriage registration, 3 working days
        applicant=person,
        channel="online",
        form_data={},
        files={"TP1": [("to-khai.pdf", PDF)]},
        received_at=RECEIVED_AT,
    )


def test_the_fixture_deadline(dossier: Dossier) -> None:
    assert dossier.due_at == vn(2026, 3, 5, 17, 0)


def test_supplement_pause_pushes_the_due_date_by_the_waiting_office_time(
    dossier: Dossier, commune_specialist: User, desk_officer: User
) -> None:
    requested_at, supplied_at = vn(2026, 3, 3, 10, 0), vn(2026, 3, 4, 10, 0)  # one working day of waiting
    waiting, late = dossier_supplement_request(
        dossier, commune_specialist, ["Bản sao giấy chứng nhận kết hôn"], "Thiếu giấy tờ", now=requested_at
    )
    assert late is False
    assert waiting.status == DossierStatus.WAITING_SUPPLEMENT and waiting.supplement_count == 1
    pause = PausePeriod.objects.get(dossier=dossier)
    assert pause.ended_at is None and pause.missing_items == ["Bản sao giấy chứng nhận kết hôn"]
    resumed = dossier_supplement_receive(waiting, desk_officer, {"TP2": [("gcn.pdf", PDF)]}, now=supplied_at)
    resumed.refresh_from_db()
    assert resumed.status == DossierStatus.IN_PROGRESS
    assert resumed.due_at == vn(2026, 3, 6, 17, 0)  # one day later than the original Thursday
    assert resumed.due_at == working_calendar().deadline(
        RECEIVED_AT, 3, "working_day", pauses=[(requested_at, supplied_at)]
    )
    pause.refresh_from_db()
    assert pause.ended_at == supplied_at
    supplied = resumed.attachments.get(component__code="TP2")
    assert supplied.pause == pause and supplied.source == "upload"
    assert list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True)) == [
        "received",
        "supplement_requested",
        "supplement_received",
    ]
    assert resumed.lock_version == 2


def test_every_pause_is_stored_and_subtracted(dossier: Dossier, commune_specialist: User) -> None:
    d, _ = dossier_supplement_request(dossier, commune_specialist, ["A"], "", now=vn(2026, 3, 3, 8, 0))
    d = dossier_supplement_receive(
        d, commune_specialist, {}, now=vn(2026, 3, 3, 12, 0)
    )  # 3h30 of office time
    d, _ = dossier_supplement_request(d, commune_specialist, ["B"], "", now=vn(2026, 3, 4, 13, 0))
    d = dossier_supplement_receive(d, commune_specialist, {}, now=vn(2026, 3, 4, 17, 0))  # 4h
    assert PausePeriod.objects.filter(dossier=d).count() == 2 and d.supplement_count == 2
    # 7h30 of office time after Thursday 17:00 → Friday 07:30 + 7h30 = Friday 16:30 (lunch 11:30–13:00).
    assert d.due_at == vn(2026, 3, 6, 16, 30)


@pytest.mark.parametrize(
    ("now", "late"),
    [
        (vn(2026, 3, 2, 16, 0), False),  # the day of receipt
        (vn(2026, 3, 5, 16, 0), False),  # third working day after receipt
        (vn(2026, 3, 5, 17, 0), False),  # its close: exactly 3 working days
        (vn(2026, 3, 6, 9, 0), True),  # fourth working day
    ],
)
def test_late_request_flag(dossier: Dossier, commune_specialist: User, now: datetime, late: bool) -> None:
    updated, flagged = dossier_supplement_request(dossier, commune_specialist, ["A"], "", now=now)
    assert flagged is late
    # Late or not, the request is made (NĐ 61/2018: warn, not refuse).
    assert updated.status == DossierStatus.WAITING_SUPPLEMENT
    assert (
        DossierEvent.objects.get(dossier=dossier, action="supplement_requested").data["late_request"] is late
    )


def test_supplement_request_refusals(dossier: Dossier, commune_specialist: User) -> None:
    with pytest.raises(ValidationError) as info:
        dossier_supplement_request(dossier, commune_specialist, [], "", now=vn(2026, 3, 3, 9, 0))
    assert info.value.code == "missing_items"
    with pytest.raises(ValidationError) as info:
        dossier_supplement_receive(dossier, commune_specialist, {}, now=vn(2026, 3, 3, 9, 0))
    assert info.value.code == "not_waiting"
    waiting, _ = dossier_supplement_request(dossier, commune_specialist, ["A"], "", now=vn(2026, 3, 3, 9, 0))
    with pytest.raises(ValidationError) as info:
        dossier_supplement_request(waiting, commune_specialist, ["B"], "", now=vn(2026, 3, 3, 10, 0))
    assert info.value.code == "already_waiting"
    assert PausePeriod.objects.filter(dossier=dossier).count() == 1


def test_supplement_with_a_bad_file_changes_nothing(dossier: Dossier, commune_specialist: User) -> None:
    waiting, _ = dossier_supplement_request(dossier, commune_specialist, ["A"], "", now=vn(2026, 3, 3, 9, 0))
    with pytest.raises(ValidationError) as info:
        dossier_supplement_receive(
            waiting, commune_specialist, {"TP2": [("gcn.pdf", b"MZ\x90\x00")]}, now=vn(2026, 3, 4, 9, 0)
        )
    assert info.value.error_list[0].code == "file_content_mismatch"
    waiting.refresh_from_db()
    assert waiting.status == DossierStatus.WAITING_SUPPLEMENT
    assert PausePeriod.objects.get(dossier=dossier).ended_at is None


def test_refuse(dossier: Dossier, commune_specialist: User) -> None:
    with pytest.raises(ValidationError) as info:
        dossier_refuse(dossier, commune_specialist, "  ")
    assert info.value.code == "reason_required"
    waiting, _ = dossier_supplement_request(dossier, commune_specialist, ["A"], "", now=vn(2026, 3, 3, 9, 0))
    refused = dossier_refuse(waiting, commune_specialist, "Không đủ điều kiện", now=vn(2026, 3, 4, 9, 0))
    refused.refresh_from_db()
    assert refused.status == DossierStatus.REFUSED and refused.finished_at == vn(2026, 3, 4, 9, 0)
    # The wait ends with the refusal, so the pause is closed.
    assert PausePeriod.objects.get(dossier=dossier).ended_at == vn(2026, 3, 4, 9, 0)
    event = DossierEvent.objects.get(dossier=dossier, action="refused")
    assert (event.from_status, event.to_status, event.comment, event.public) == (
        "waiting_supplement",
        "refused",
        "Không đủ điều kiện",
        True,
    )


@pytest.mark.parametrize("status", ["finished", "returned", "refused", "withdrawn"])
def test_closed_dossiers_accept_no_transition(
    dossier: Dossier, commune_specialist: User, status: str
) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(status=status)
    dossier.refresh_from_db()
    for act in (
        lambda: dossier_refuse(dossier, commune_specialist, "Lý do"),
        lambda: dossier_supplement_request(dossier, commune_specialist, ["A"], "", now=vn(2026, 3, 3, 9, 0)),
        lambda: dossier_supplement_receive(dossier, commune_specialist, {}, now=vn(2026, 3, 3, 9, 0)),
    ):
        with pytest.raises(ValidationError) as info:
            act()
        assert info.value.code == "closed"
        assert "can no longer change" in info.value.messages[0]
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1


def test_a_stale_copy_cannot_act(dossier: Dossier, commune_specialist: User, desk_officer: User) -> None:
    first = Dossier.objects.get(pk=dossier.pk)
    second = Dossier.objects.get(pk=dossier.pk)
    dossier_supplement_request(first, commune_specialist, ["A"], "", now=vn(2026, 3, 3, 9, 0))
    with pytest.raises(ValidationError) as info:
        dossier_refuse(second, desk_officer, "Không đủ điều kiện", now=vn(2026, 3, 3, 9, 5))
    assert info.value.code == "stale"
    assert "changed by someone else" in info.value.messages[0]
    current = Dossier.objects.get(pk=dossier.pk)
    assert current.status == DossierStatus.WAITING_SUPPLEMENT and current.lock_version == 1
    assert DossierEvent.objects.filter(dossier=dossier).count() == 2


def test_officers_of_other_units_cannot_act(dossier: Dossier, org: dict[str, Agency]) -> None:
    outsiders = [
        staff("justice-specialist", (org["justice"], Role.SPECIALIST)),
        staff("center-officer", (org["center"], Role.RECEPTION_OFFICER)),
        staff("commune-admin", (org["commune"], Role.AGENCY_ADMIN)),  # right agency, no dossier capability
    ]
    for outsider in outsiders:
        for act in (
            lambda u=outsider: dossier_refuse(dossier, u, "Lý do"),
            lambda u=outsider: dossier_supplement_request(dossier, u, ["A"], "", now=vn(2026, 3, 3, 9, 0)),
        ):
            with pytest.raises(ValidationError) as info:
                act()
            assert info.value.code == "forbidden"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED and dossier.lock_version == 0
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1


def test_leader_of_the_competent_agency_may_refuse(dossier: Dossier, org: dict[str, Agency]) -> None:
    leader = staff("commune-leader", (org["commune"], Role.AGENCY_LEADER))
    assert dossier_refuse(dossier, leader, "Không thuộc thẩm quyền").status == DossierStatus.REFUSED


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: row locks (SELECT ... FOR UPDATE) do not exist on SQLite.",
)
@pytest.mark.django_db(transaction=True)
def test_two_officers_at_once_only_one_succeeds(
    dossier: Dossier, commune_specialist: User, desk_officer: User
) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def act(run: Callable[[Dossier], object]) -> None:
        mine = Dossier.objects.get(pk=dossier.pk)  # both load lock_version 0
        try:
            barrier.wait()
            run(mine)
            result = "ok"
        except ValidationError as exc:
            result = str(exc.code)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=act, args=(lambda d: dossier_refuse(d, desk_officer, "Lý do"),)),
        threading.Thread(
            target=act, args=(lambda d: dossier_supplement_request(d, commune_specialist, ["A"], ""),)
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "stale"]
    assert Dossier.objects.get(pk=dossier.pk).lock_version == 1
    assert DossierEvent.objects.filter(dossier=dossier).count() == 2
