"""Public tracking: code + last 4 digits of the ID or phone; nothing leaks on a wrong pair; rate-limited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import User
from motcua.dossiers.services import dossier_receive, dossier_supplement_request
from motcua.dossiers.tracking import dossier_track
from motcua.org.models import Agency

from .test_receive import receive_kwargs


@pytest.fixture
def dossier(catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]) -> Any:
    return dossier_receive(**receive_kwargs(desk_officer, org, person))


def test_code_and_id_or_phone_digits(dossier: Any) -> None:
    by_id = dossier_track(dossier.code, "2345")  # ID 024099012345
    by_phone = dossier_track(dossier.code, "0912 34 5678")  # phone 0912345678, last four 5678
    assert by_id is not None and by_phone is not None
    assert by_id.code == dossier.code and by_id.procedure_name == "Đăng ký khai sinh"
    assert [e.to_status for e in by_id.timeline] == ["received"]


@pytest.mark.parametrize("factor", ["1111", "", "12", "abcd"])
def test_wrong_second_factor_reveals_nothing(dossier: Any, factor: str) -> None:
    assert dossier_track(dossier.code, factor) is None
    assert dossier_track("001.00.41.H24-260302-9999", "2345") is None


def test_one_read_for_a_wrong_pair_and_at_most_two_for_the_right_one(dossier: Any) -> None:
    with CaptureQueriesContext(connection) as wrong:
        assert dossier_track(dossier.code, "1111") is None
    with CaptureQueriesContext(connection) as right:
        tracked = dossier_track(dossier.code, "2345")
    assert tracked is not None and [e.to_status for e in tracked.timeline] == ["received"]
    # The dossier only for a wrong pair; with the right one its public history too (no pause: it does not
    # wait), which PostgreSQL reads in the dossier's own query.
    history_apart = 0 if connection.vendor == "postgresql" else 1
    assert len(wrong.captured_queries) == 1 and len(right.captured_queries) == 1 + history_apart


def test_missing_items_are_shown_while_waiting(
    dossier: Any, commune_specialist: User, desk_officer: User
) -> None:
    dossier_supplement_request(
        dossier, desk_officer, ["Giấy chứng sinh (bản chính)"], "Thiếu giấy chứng sinh"
    )
    tracked = dossier_track(dossier.code, "5678")
    assert tracked is not None and tracked.status == "waiting_supplement"
    assert tracked.missing_items == ["Giấy chứng sinh (bản chính)"]


def test_tracking_page(client: Client, dossier: Any) -> None:
    cache.clear()
    page = client.get("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_thuc": "2345"}).content.decode()
    assert dossier.code in page and "Đăng ký khai sinh" in page
    wrong = client.get("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_thuc": "0000"})
    assert wrong.status_code == 200 and "Đăng ký khai sinh" not in wrong.content.decode()
    assert client.get("/tra-cuu-ho-so/").status_code == 200  # the empty form


def test_tracking_is_rate_limited(client: Client, dossier: Any) -> None:
    cache.clear()
    statuses = [
        client.get("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_thuc": f"{i:04d}"}).status_code
        for i in range(25)
    ]
    assert statuses[:20] == [200] * 20 and statuses[20:] == [429] * 5
    cache.clear()
