"""The dossier API: token or session, scope, creation from an external channel, actions, audit."""

from __future__ import annotations

import base64
from typing import Any

from django.test import Client

from motcua.accounts.models import User
from motcua.accounts.tokens import token_issue
from motcua.audit.models import AccessLog
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from .conftest import PDF


def bearer(user: User) -> dict[str, str]:
    _token, raw = token_issue(user, "test")
    return {"Authorization": f"Bearer {raw}"}


def payload(person: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procedure": "1.001193",
        "receiving_unit": "001.00.41.H24",
        "channel": "national_portal",
        "applicant": {
            **{k: v for k, v in person.items() if k not in ("commune", "date_of_birth")},
            "date_of_birth": "1999-05-01",
            "commune": "07210",
        },
        "form_data": {"child_name": "Nguyễn Văn Bình"},
        "files": [
            {"component": "TP1", "name": "to-khai.pdf", "content_base64": base64.b64encode(PDF).decode()}
        ],
        "received_at": "2026-03-02T09:00:00+07:00",
    }
    body.update(extra)
    return body


def test_create_read_list_and_refuse(
    client: Client, catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    headers = bearer(desk_officer)
    created = client.post(
        "/api/v1/dossiers", payload(person), content_type="application/json", headers=headers
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"] == "001.00.41.H24-260302-0001" and body["competent_agency"] == "000.00.41.H24"
    assert body["due_at"].startswith("2026-03-03T11:30") and body["attachments"][0]["pages"] == 2
    assert body["timeline"][0]["action"] == "received"

    listed = client.get("/api/v1/dossiers", headers=headers).json()
    assert [d["code"] for d in listed["results"]] == [body["code"]] and listed["next"] is None
    detail = client.get(f"/api/v1/dossiers/{body['code']}", headers=headers).json()
    assert detail["applicant"]["id_number"] == "024099012345"
    # The creation's answer (built from the rows just written) is what reading the dossier back gives.
    assert body == detail
    assert AccessLog.objects.filter(object_ref=body["code"], action="view", channel="api").count() == 1

    refused = client.post(
        f"/api/v1/dossiers/{body['code']}/refuse",
        {"reason": "Sai thẩm quyền"},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    again = client.post(
        f"/api/v1/dossiers/{body['code']}/refuse",
        {"reason": "x"},
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 422 and again.json()["codes"]


def test_bad_input_changes_nothing(
    client: Client, catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    headers = bearer(desk_officer)
    cases = [
        payload(person, files=[]),  # missing required component
        payload(person, procedure="1.999999"),
        payload(person, receiving_unit="000.00.99.H24"),
        payload(person, files=[{"component": "TP1", "name": "x.pdf", "content_base64": "***"}]),
        payload(
            person,
            files=[
                {
                    "component": "TP1",
                    "name": "x.pdf",
                    "content_base64": base64.b64encode(b"MZ\x90\x00 not a pdf").decode(),
                }
            ],
        ),
        payload(person, applicant={**payload(person)["applicant"], "id_number": "123"}),
    ]
    for body in cases:
        response = client.post("/api/v1/dossiers", body, content_type="application/json", headers=headers)
        assert response.status_code == 422, (body, response.content)
        assert response.json()["detail"]
    assert not Dossier.objects.exists()


def test_scope_and_authentication(
    client: Client, catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    code = client.post(
        "/api/v1/dossiers", payload(person), content_type="application/json", headers=bearer(desk_officer)
    ).json()["code"]
    outsider = staff("outsider", (org["construction"], Role.SPECIALIST))
    assert client.get(f"/api/v1/dossiers/{code}", headers=bearer(outsider)).status_code == 404
    assert client.get("/api/v1/dossiers", headers=bearer(outsider)).json()["results"] == []
    assert client.get(f"/api/v1/dossiers/{code}").status_code == 401
    assert (
        client.get(f"/api/v1/dossiers/{code}", headers={"Authorization": "Bearer wrong"}).status_code == 401
    )
    # An officer without the reception role cannot create dossiers through the API either.
    response = client.post(
        "/api/v1/dossiers", payload(person), content_type="application/json", headers=bearer(outsider)
    )
    assert response.status_code == 422 and "forbidden" in response.json()["codes"]
