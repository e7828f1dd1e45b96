"""The rules of ``rating_submit``: who, when, once, which scores; what the record pre-selects; which officers a
rating concerns."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from motcua.accounts.models import User
from motcua.catalog.models import Procedure, Result
from motcua.dossiers.models import Channel, Dossier
from motcua.dossiers.results import result_document_add
from motcua.dossiers.services import (
    dossier_apologise,
    dossier_supplement_receive,
    dossier_supplement_request,
)
from motcua.feedback.models import OfficerPart, Rating, RatingOfficer
from motcua.feedback.services import MAX_COMMENT, rating_computed_scores, rating_officers, rating_submit
from motcua.org.models import Agency, Role
from motcua.workflow.engine import available_actions, process_act
from motcua.workflow.services import definition_default_create
from tests.fixtures import staff

from .conftest import PDF, all_scores, citizen_account, finish, receive, returned, vn

pytestmark = pytest.mark.django_db


def codes(info: pytest.ExceptionInfo[ValidationError]) -> list[str | None]:
    return [error.code for error in info.value.error_list]


def test_the_applicant_rates_a_finished_dossier_once(
    finished: Dossier, citizen: User, desk_officer: User
) -> None:
    scores = all_scores(2, attitude=1, online=0)
    rating = rating_submit(finished, citizen, scores, "  Cán bộ nhiệt tình.  ", now=vn(2026, 3, 4, 8))
    assert (rating.total, rating.attitude, rating.online, rating.comment) == (15, 1, 0, "Cán bộ nhiệt tình.")
    assert rating.rater == citizen and rating.competent_agency == finished.competent_agency
    assert rating.channel == "portal"
    # On time, never supplemented, only the desk met, filed and (not yet) returned on paper.
    assert (rating.computed_total_time, rating.computed_contacts, rating.computed_agencies) == (2, 2, 2)
    assert rating.computed_online is None
    assert list(RatingOfficer.objects.values_list("officer__username", "agency__code", "part")) == [
        ("desk-officer", "001.00.41.H24", OfficerPart.RECEIPT)
    ]
    # The same rating sent again (a double click) is the same rating, not a second one.
    again = rating_submit(finished, citizen, scores, "Cán bộ nhiệt tình.", now=vn(2026, 3, 4, 9))
    assert again.pk == rating.pk and Rating.objects.count() == 1
    # A different second rating is refused and changes nothing.
    with pytest.raises(ValidationError) as info:
        rating_submit(finished, citizen, all_scores(0), "")
    assert codes(info) == ["already_rated"] and "already rated on 04/03/2026" in info.value.messages[0]
    with pytest.raises(ValidationError) as info:
        rating_submit(finished, citizen, {"total_time": 9}, "")
    assert codes(info) == ["already_rated"]
    assert Rating.objects.get().total == 15 and RatingOfficer.objects.count() == 1


def test_only_an_account_that_follows_the_dossier_rates_it(
    finished: Dossier, citizen: User, desk_officer: User
) -> None:
    stranger = citizen_account("0912000222", "024099054321")
    for user in (stranger, desk_officer):
        with pytest.raises(ValidationError) as info:
            rating_submit(finished, user, all_scores(), "")
        assert codes(info) == ["forbidden"]
    citizen.is_active = False
    citizen.save()
    with pytest.raises(ValidationError) as info:
        rating_submit(finished, citizen, all_scores(), "")
    assert codes(info) == ["forbidden"]
    assert not Rating.objects.exists()


def test_a_dossier_is_rated_only_once_its_result_is_ready(
    catalog: Any, org: dict[str, Agency], desk_officer: User, citizen: User, person: dict[str, Any]
) -> None:
    dossier = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    with pytest.raises(ValidationError) as info:
        rating_submit(dossier, citizen, all_scores(), "")
    assert codes(info) == ["too_early"] and "once its result is ready" in info.value.messages[0]
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({**all_scores(), "online": None}, ["missing_index"]),
        ({k: v for k, v in all_scores().items() if k != "attitude"}, ["missing_index"]),
        ({}, ["missing_index"] * 9),
        (all_scores(attitude=3), ["invalid_score"]),
        (all_scores(attitude=-1), ["invalid_score"]),
        ({**all_scores(), "attitude": "two"}, ["invalid_score"]),
        ({**all_scores(), "attitude": True}, ["invalid_score"]),
        ({**all_scores(), "attitude": 1.5}, ["invalid_score"]),
        ({**all_scores(), "speed": 2}, ["unknown_index"]),
    ],
)
def test_bad_scores_are_refused_and_change_nothing(
    finished: Dossier, citizen: User, scores: dict[str, Any], expected: list[str]
) -> None:
    with pytest.raises(ValidationError) as info:
        rating_submit(finished, citizen, scores, "")
    assert codes(info) == expected
    assert not Rating.objects.exists()


def test_missing_indices_are_named_and_string_scores_accepted(finished: Dossier, citizen: User) -> None:
    with pytest.raises(ValidationError) as info:
        rating_submit(finished, citizen, {"total_time": "2"}, "")
    assert "Index 7 (Attitude of the officers" in " ".join(info.value.messages)
    rating = rating_submit(finished, citizen, {code: str(v) for code, v in all_scores(1).items()}, "")
    assert rating.total == 9


def test_an_overlong_comment_or_no_scores_mapping_is_refused(finished: Dossier, citizen: User) -> None:
    with pytest.raises(ValidationError) as info:
        rating_submit(finished, citizen, all_scores(), "x" * (MAX_COMMENT + 1))
    assert codes(info) == ["comment_too_long"]
    with pytest.raises(ValidationError) as info:
        rating_submit(finished, citizen, [2] * 9, "")  # type: ignore[arg-type]
    assert codes(info) == ["scores_type"]
    assert rating_submit(finished, citizen, all_scores(), "x" * MAX_COMMENT).comment == "x" * MAX_COMMENT


def test_total_time_from_the_record(
    catalog: Any, org: dict[str, Agency], desk_officer: User, leader: User, person: dict[str, Any]
) -> None:
    def dossier_finished(days_after_due: int, apologise: bool) -> Dossier:
        dossier = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
        if apologise:
            dossier = dossier_apologise(
                dossier,
                leader,
                "Cần xác minh thêm",
                dossier.due_at + timedelta(days=7),
                now=vn(2026, 3, 3, 8),
            )
        statutory = dossier.due_before_apology or dossier.due_at
        return finish(dossier, desk_officer, leader, statutory + timedelta(days=days_after_due))

    assert rating_computed_scores(dossier_finished(0, apologise=False))["total_time"] == 2
    assert rating_computed_scores(dossier_finished(2, apologise=False))["total_time"] == 0
    # Late against the statutory date, but by the new date of the apology (Mẫu 04): 1.
    assert rating_computed_scores(dossier_finished(2, apologise=True))["total_time"] == 1
    # Late even after the new date: the apology does not help.
    assert rating_computed_scores(dossier_finished(9, apologise=True))["total_time"] == 0


def test_contacts_agencies_and_online_from_the_record(
    finished: Dossier,
    catalog: Any,
    org: dict[str, Agency],
    desk_officer: User,
    leader: User,
    person: dict[str, Any],
) -> None:
    assert rating_computed_scores(finished)["contacts"] == 2
    for count, score in ((1, 2), (2, 1), (3, 0), (5, 0)):
        Dossier.objects.filter(pk=finished.pk).update(supplement_count=count)
        assert rating_computed_scores(Dossier.objects.get(pk=finished.pk))["contacts"] == score, count

    # A supplement brought to the competent agency's specialist instead of the desk: one more place.
    specialist = staff("commune-specialist", (org["commune"], Role.SPECIALIST))
    dossier = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    dossier, _late = dossier_supplement_request(
        dossier, specialist, ["Sổ hộ khẩu"], "", now=vn(2026, 3, 2, 10)
    )
    dossier = dossier_supplement_receive(
        dossier, specialist, {"TP1": [("bo-sung.pdf", PDF)]}, now=vn(2026, 3, 3, 9)
    )
    dossier = finish(dossier, desk_officer, leader, vn(2026, 3, 3, 15))
    assert rating_computed_scores(dossier)["agencies"] == 1
    # At the desk instead: still one place.
    other = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    other, _late = dossier_supplement_request(other, desk_officer, ["Sổ hộ khẩu"], "", now=vn(2026, 3, 2, 10))
    other = dossier_supplement_receive(
        other, desk_officer, {"TP1": [("bo-sung.pdf", PDF)]}, now=vn(2026, 3, 3, 9)
    )
    other = finish(other, desk_officer, leader, vn(2026, 3, 3, 15))
    assert rating_computed_scores(other)["agencies"] == 2

    # Online: filed online and returned online, 2; only one of the two, 1; neither, nothing to say.
    online = returned(finished, desk_officer, vn(2026, 3, 4, 9), method="online")
    assert rating_computed_scores(online)["online"] == 1
    Dossier.objects.filter(pk=finished.pk).update(channel=Channel.ONLINE)
    assert rating_computed_scores(Dossier.objects.get(pk=finished.pk))["online"] == 2
    at_counter = returned(other, desk_officer, vn(2026, 3, 4, 9))
    assert rating_computed_scores(at_counter)["online"] is None


def test_the_officers_of_the_steps_and_of_the_return(
    catalog: Any,
    org: dict[str, Agency],
    desk_officer: User,
    leader: User,
    person: dict[str, Any],
    citizen: User,
) -> None:
    definition_default_create(Procedure.objects.get(national_code="9.000001"))
    specialist = staff("commune-specialist", (org["commune"], Role.SPECIALIST))
    head = staff("commune-head", (org["commune"], Role.HEAD_OF_DIVISION))
    dossier = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    moment = vn(2026, 3, 2, 10)
    # The default process: reception (desk) → appraisal → review → approval → return of the result (desk).
    for user in (desk_officer, specialist, head, leader, desk_officer):
        dossier = Dossier.objects.get(pk=dossier.pk)
        action = next(
            a for a in available_actions(dossier, user) if a.kind in ("forward", "approve", "finish")
        )
        if action.kind == "approve":
            result = Result.objects.filter(version=dossier.procedure_version).first()
            result_document_add(dossier, leader, result=result, now=moment)
            dossier = Dossier.objects.get(pk=dossier.pk)
        moment += timedelta(hours=1)
        process_act(dossier, user, action.pk, comment="Đồng ý", at=moment)
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == "finished"
    returner = staff("desk-returner", (org["desk"], Role.RECEPTION_OFFICER))
    dossier = returned(dossier, returner, moment + timedelta(hours=1))
    links = [(link.officer_id, link.agency_id, link.part) for link in rating_officers(dossier)]
    # Each officer once, with their first part: the desk officer who received it also closed the last step.
    assert links == [
        (desk_officer.pk, org["desk"].pk, OfficerPart.RECEIPT),
        (specialist.pk, org["commune"].pk, OfficerPart.HANDLING),
        (head.pk, org["commune"].pk, OfficerPart.HANDLING),
        (leader.pk, org["commune"].pk, OfficerPart.HANDLING),
        (returner.pk, org["desk"].pk, OfficerPart.RETURN),
    ]
    rating = rating_submit(dossier, citizen, all_scores(), "")
    assert RatingOfficer.objects.filter(rating=rating).count() == 5
    assert set(RatingOfficer.objects.values_list("created_at", flat=True)) == {rating.created_at}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: row locks (SELECT ... FOR UPDATE) and parallel writers do not exist on SQLite.",
)
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_make_one_rating(finished: Dossier, citizen: User) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(scores: dict[str, int]) -> None:
        try:
            barrier.wait()
            rating_submit(Dossier.objects.get(pk=finished.pk), citizen, scores, "")
            result = "ok"
        except ValidationError as exc:
            result = str(exc.error_list[0].code)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=submit, args=(all_scores(2),)),
        threading.Thread(target=submit, args=(all_scores(1),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_rated", "ok"]
    assert Rating.objects.count() == 1
    assert RatingOfficer.objects.count() == 1
