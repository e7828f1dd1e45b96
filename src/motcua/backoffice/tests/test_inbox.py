"""The inbox: tabs with counts, search, keyset paging and a query count that does not grow with rows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_refuse, dossier_supplement_request
from motcua.org.models import Agency

from .conftest import receive, vn

URL = "/mot-cua/ho-so/"
NOW = vn(2026, 3, 10, 9, 0)  # a Tuesday


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def counts(page: str) -> dict[str, int]:
    return {slug: int(n) for slug, n in re.findall(r'data-tab="([a-z-]+)">(\d+)<', page)}


def codes(page: str) -> list[str]:
    return re.findall(r'href="/mot-cua/ho-so/([^/"]+)/"', page)


@pytest.fixture
def mix(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> dict[str, Dossier]:
    desk = org["desk"]
    made = {
        # 3 working days from Mon 2 Mar: due Thu 5 Mar 17:00 → overdue on Tue 10 Mar.
        "overdue": receive(desk_officer, desk, person, vn(2026, 3, 2, 9), full_name="Lê Quá Hạn"),
        # From Fri 6 Mar: due Wed 11 Mar 17:00 → within 48 hours.
        "soon": receive(desk_officer, desk, person, vn(2026, 3, 6, 9), full_name="Phạm Sắp Đến"),
        # From Mon 9 Mar: due Thu 12 Mar 17:00 → more than 48 hours away.
        "later": receive(
            desk_officer,
            desk,
            person,
            vn(2026, 3, 9, 9),
            full_name="Hoàng Còn Lâu",
            id_number="024088000111",
            date_of_birth=None,
            sex="",
        ),
        "waiting": receive(desk_officer, desk, person, vn(2026, 3, 9, 10), full_name="Vũ Chờ Bổ Sung"),
        "refused": receive(desk_officer, desk, person, vn(2026, 3, 9, 11), full_name="Đỗ Bị Từ Chối"),
    }
    dossier_supplement_request(made["waiting"], desk_officer, ["Bản sao CCCD"], "", now=vn(2026, 3, 9, 14))
    dossier_refuse(made["refused"], desk_officer, "Không thuộc thẩm quyền", now=vn(2026, 3, 9, 15))
    return made


def test_tabs_and_counts(mix: dict[str, Dossier], desk_client: Client, frozen: None) -> None:
    page = desk_client.get(URL).content.decode()
    # The "done" tab (the whole history) is not counted.
    assert counts(page) == {"can-xu-ly": 3, "sap-den-han": 1, "qua-han": 1, "cho-bo-sung": 1}
    # To do, by due date: the overdue one first.
    assert codes(page) == [mix["overdue"].code, mix["soon"].code, mix["later"].code]
    assert "Overdue by" in page and 'class="row-overdue"' in page
    for tab, key in (
        ("sap-den-han", "soon"),
        ("qua-han", "overdue"),
        ("cho-bo-sung", "waiting"),
        ("da-xong", "refused"),
    ):
        assert codes(desk_client.get(URL, {"tab": tab}).content.decode()) == [mix[key].code], tab
    # An unknown tab falls back to "to do".
    assert codes(desk_client.get(URL, {"tab": "nope"}).content.decode()) == codes(page)


def test_search_by_code_name_and_id_number(
    mix: dict[str, Dossier], desk_client: Client, frozen: None
) -> None:
    by_code = desk_client.get(URL, {"q": mix["soon"].code}).content.decode()
    assert codes(by_code) == [mix["soon"].code]
    assert counts(by_code)["can-xu-ly"] == 1 and "da-xong" not in counts(by_code)
    by_name = desk_client.get(URL, {"q": "Còn Lâu"}).content.decode()
    assert codes(by_name) == [mix["later"].code]
    by_id = desk_client.get(URL, {"q": "024088000111"}).content.decode()
    assert codes(by_id) == [mix["later"].code]
    # The search is kept across tabs: the refused applicant is found under "done".
    done = desk_client.get(URL, {"q": "Bị Từ Chối", "tab": "da-xong"}).content.decode()
    assert codes(done) == [mix["refused"].code] and "q=B%E1%BB%8B+T%E1%BB%AB+Ch%E1%BB%91i" in done
    assert (
        "No dossier in this list matches the search."
        in desk_client.get(URL, {"q": "không có ai"}).content.decode()
    )


def test_keyset_next_page(
    catalog: Any,
    org: dict[str, Agency],
    desk_officer: User,
    person: dict[str, Any],
    desk_client: Client,
    settings: Any,
    frozen: None,
) -> None:
    settings.MOTCUA_PAGE_SIZE = 2
    # Two dossiers per receipt time: due dates tie in pairs, so the cursor must break ties on id.
    made = [receive(desk_officer, org["desk"], person, vn(2026, 3, 9, hour)) for hour in (9, 9, 10, 10, 11)]
    expected = [d.code for d in sorted(made, key=lambda d: (d.due_at, d.pk))]
    seen: list[str] = []
    page = desk_client.get(URL).content.decode()
    pages = 0
    while True:
        pages += 1
        seen += codes(page)
        match = re.search(r'rel="next" href="\?([^"]+)"', page)
        if not match:
            break
        assert "sau=" in match.group(1)
        page = desk_client.get(URL + "?" + match.group(1).replace("&amp;", "&")).content.decode()
        assert "First page" in page
    assert seen == expected and pages == 3
    # A malformed cursor shows the first page instead of failing.
    assert codes(desk_client.get(URL, {"sau": "garbage"}).content.decode()) == expected[:2]


def test_query_count_does_not_grow_with_rows(
    catalog: Any,
    org: dict[str, Agency],
    desk_officer: User,
    person: dict[str, Any],
    desk_client: Client,
    frozen: None,
) -> None:
    def measure() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = desk_client.get(URL)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    measure()  # what a process reads once (the calendar shown, the menu's receiving units) is read here
    for i in range(3):
        receive(desk_officer, org["desk"], person, vn(2026, 3, 9, 9, i))
    few = measure()
    for i in range(27):
        receive(desk_officer, org["desk"], person, vn(2026, 3, 9, 10, i))
    many = measure()
    assert Dossier.objects.count() == 30
    assert few == many, (few, many)
    assert few <= 12  # session, user, roles, one capped count per tab (5), the page, its relations
