from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.test import Client

from motcua.api.management.commands.export_openapi import openapi_text

COMMITTED = Path(__file__).resolve().parents[4] / "docs" / "api" / "openapi.json"


def test_committed_openapi_document_is_current() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == openapi_text(), (
        "docs/api/openapi.json is out of date: run `make openapi` and commit the result"
    )


def test_openapi_is_served(client: Client) -> None:
    served = client.get("/api/v1/openapi.json").json()
    assert served["openapi"].startswith("3.1")
    assert served["paths"].keys() == json.loads(COMMITTED.read_text(encoding="utf-8"))["paths"].keys()


def test_search(client: Client, catalog: Any) -> None:
    body = client.get("/api/v1/procedures", {"q": "DANG KY KHAI SINH"}).json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["national_code"] == "1.001193" and item["statutory_time"] == "0.5"
    assert item["field"] == {"code": "G15-HT01", "name": "Hộ tịch"} and item["levels"] == ["commune"]


def test_filters_and_paging(client: Client, catalog: Any) -> None:
    body = client.get("/api/v1/procedures", {"page_size": 2, "page": 2}).json()
    assert (body["count"], body["pages"], body["page"], len(body["results"])) == (3, 2, 2, 1)
    assert client.get("/api/v1/procedures", {"online_level": "none"}).json()["count"] == 0
    assert client.get("/api/v1/procedures", {"agency": "000.00.13.H24"}).json()["count"] == 1


def test_bad_paging_is_a_clear_error(client: Client, catalog: Any) -> None:
    response = client.get("/api/v1/procedures", {"page_size": 1000})
    assert response.status_code == 422 and "page_size" in response.json()["detail"]
    assert client.get("/api/v1/procedures", {"page": "x"}).status_code == 422


def test_detail(client: Client, catalog: Any) -> None:
    body = client.get("/api/v1/procedures/9.000002").json()
    assert body["version"] == 2 and body["total_fee"] == 150000
    assert body["level_details"][0]["implementing_agency"] == "000.00.13.H24"
    birth = client.get("/api/v1/procedures/1.001193").json()
    assert birth["components"][0]["template_url"].startswith("http://testserver/thu-tuc/1.001193/mau/")
    assert birth["components"][1]["result_code"] == "KQ.G15.000032"
    assert client.get("/api/v1/procedures/1.999999").status_code == 404


def test_fields(client: Client, catalog: Any) -> None:
    assert [f["code"] for f in client.get("/api/v1/fields").json()] == ["G10-XD01", "G15-HT01"]


def test_deadline_around_tet(client: Client, db: Any) -> None:
    # Received Friday 13 Feb 2026; 16–20 Feb are Tết holidays, so 3 working days end Wednesday 25 Feb.
    body = client.get("/api/v1/deadline", {"received_at": "2026-02-13T09:00:00+07:00", "amount": "3"}).json()
    assert body["due_at"] == "2026-02-25T17:00:00+07:00"
    assert body["forward_by"] == "2026-02-13T17:00:00+07:00"


def test_deadline_bad_input(client: Client, db: Any) -> None:
    response = client.get("/api/v1/deadline", {"received_at": "2026-02-13T09:00:00+07:00", "amount": "0"})
    assert response.status_code == 422
    assert (
        client.get("/api/v1/deadline", {"received_at": "2026-02-13T09:00:00", "amount": "1"}).status_code
        == 422
    )
    assert client.get("/api/v1/deadline", {"received_at": "hôm qua", "amount": "1"}).status_code == 422


def test_calendar_year(client: Client, db: Any) -> None:
    days = client.get("/api/v1/calendar/2026").json()
    assert (
        len(days) == 365 and sum(d["is_working"] for d in days) == 249
    )  # 261 weekdays - 13 holidays + Sat 22 Aug
    assert {"date": "2026-08-22", "is_working": True}.items() <= next(
        d for d in days if d["date"] == "2026-08-22"
    ).items()
    assert client.get("/api/v1/calendar/1990").status_code == 422
