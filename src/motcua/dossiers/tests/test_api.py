"""The dossier API: token or session, scope, creation from an external channel, actions, audit."""

from __future__ import annotations

import base64
import re
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

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


def test_the_detail_is_read_in_one_query_on_postgresql(
    client: Client, catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    headers = bearer(desk_officer)
    code = client.post(
        "/api/v1/dossiers", payload(person), content_type="application/json", headers=headers
    ).json()["code"]
    with CaptureQueriesContext(connection) as queries:
        detail = client.get(f"/api/v1/dossiers/{code}", headers=headers)
    assert detail.status_code == 200 and detail.json()["attachments"][0]["component"] == "TP1"
    files_or_history = [
        q["sql"]
        for q in queries.captured_queries
        # A query of their own filters by the dossier's key; a sub-select by the outer row's column.
        if re.search(r'WHERE "dossiers_(attachment|dossierevent)"\."dossier_id" = \d', q["sql"])
    ]
    # On PostgreSQL the files and the history are array sub-selects of the dossier's own query; SQLite
    # reads them with a query each.
    assert len(files_or_history) == (0 if connection.vendor == "postgresql" else 2), files_or_history


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


def test_a_declaration_typed_at_a_desk_channel_must_pass_the_e_form(
    client: Client, eform_catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    from tests.fixtures import BIRTH_ANSWERS

    headers = bearer(desk_officer)
    wrong = payload(person, channel="postal")
    response = client.post("/api/v1/dossiers", wrong, content_type="application/json", headers=headers)
    assert response.status_code == 422
    assert "declaration" in response.json()["codes"]
    assert "Tờ khai: Vui lòng chọn “Quan hệ với trẻ”." in response.json()["detail"]
    assert not Dossier.objects.exists()
    right = payload(person, channel="postal", form_data=BIRTH_ANSWERS)
    response = client.post("/api/v1/dossiers", right, content_type="application/json", headers=headers)
    assert response.status_code == 201 and response.json()["form_data"] == BIRTH_ANSWERS


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


def test_the_whole_process_through_the_api(
    client: Client, catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    from motcua.catalog.models import Procedure
    from motcua.workflow.services import definition_default_create

    definition_default_create(Procedure.objects.get(national_code="1.001193"))
    desk = bearer(desk_officer)
    code = client.post(
        "/api/v1/dossiers", payload(person), content_type="application/json", headers=desk
    ).json()["code"]
    people = {
        "specialist": staff("api-specialist", (org["commune"], Role.SPECIALIST)),
        "head": staff("api-head", (org["commune"], Role.HEAD_OF_DIVISION)),
        "leader": staff("api-leader", (org["commune"], Role.AGENCY_LEADER)),
    }
    tokens = {name: bearer(user) for name, user in people.items()}

    def step(headers: dict[str, str], kind: str) -> dict[str, Any]:
        actions = client.get(f"/api/v1/dossiers/{code}/actions", headers=headers).json()
        chosen = next(a for a in actions if a["kind"] == kind)
        response = client.post(
            f"/api/v1/dossiers/{code}/actions",
            {"action_id": chosen["id"], "comment": "Đồng ý"},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 200, response.content
        body: dict[str, Any] = response.json()
        return body

    step(desk, "forward")
    # Nobody else's action: the desk has none left at the appraisal step.
    assert client.get(f"/api/v1/dossiers/{code}/actions", headers=desk).json() == []
    bad = client.post(
        f"/api/v1/dossiers/{code}/results",
        {"result_code": "KQ.G15.999999"},
        content_type="application/json",
        headers=tokens["specialist"],
    )
    assert bad.status_code == 422 and bad.json()["codes"] == ["result"]
    added = client.post(
        f"/api/v1/dossiers/{code}/results",
        {"file": {"component": "", "name": "gks.pdf", "content_base64": base64.b64encode(PDF).decode()}},
        content_type="application/json",
        headers=tokens["specialist"],
    )
    assert added.status_code == 201, added.content
    assert added.json()[0]["result_code"] == "KQ.G15.000031" and added.json()[0]["approved_at"] is None
    step(tokens["specialist"], "forward")
    step(tokens["head"], "forward")
    step(tokens["leader"], "approve")
    results = client.get(f"/api/v1/dossiers/{code}/results", headers=desk).json()
    assert results[0]["approved_at"] is not None
    assert step(desk, "finish")["status"] == "finished"
    returned = client.post(
        f"/api/v1/dossiers/{code}/return",
        {"method": "post", "postal_reference": "EB123456789VN"},
        content_type="application/json",
        headers=desk,
    )
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert returned.json()["timeline"][-1]["action"] == "returned"


def test_apology_and_withdrawal_through_the_api(
    client: Client, catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    headers = bearer(desk_officer)
    body = payload(person, procedure="9.000001", received_at="2026-03-02T09:00:00+07:00")
    code = client.post("/api/v1/dossiers", body, content_type="application/json", headers=headers).json()[
        "code"
    ]
    specialist = bearer(staff("api-specialist", (org["commune"], Role.SPECIALIST)))
    naive = client.post(
        f"/api/v1/dossiers/{code}/apology",
        {"reason": "Chờ xác minh", "new_due_at": "2026-03-10T17:00:00"},
        content_type="application/json",
        headers=specialist,
    )
    assert naive.status_code == 422 and naive.json()["codes"] == ["naive_datetime"]
    # 2 March 2026 is long past: the apology is too late, and says so.
    late = client.post(
        f"/api/v1/dossiers/{code}/apology",
        {"reason": "Chờ xác minh", "new_due_at": "2026-03-10T17:00:00+07:00"},
        content_type="application/json",
        headers=specialist,
    )
    assert late.status_code == 422 and late.json()["codes"] == ["apology_too_late"]
    withdrawn = client.post(
        f"/api/v1/dossiers/{code}/withdraw",
        {"reason": "Đơn rút"},
        content_type="application/json",
        headers=headers,
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = client.post(
        f"/api/v1/dossiers/{code}/withdraw", {}, content_type="application/json", headers=headers
    )
    assert again.status_code == 422 and again.json()["codes"] == ["closed"]


def test_receipt_look_ups_equal_their_querysets(catalog: Any, org: dict[str, Agency]) -> None:
    from motcua.catalog.models import Procedure
    from motcua.dossiers.api import _COMMUNE_BY_CODE, _PROCEDURE_OF, _UNIT_BY_CODE
    from motcua.geo.models import AdministrativeUnit

    for code in [*Agency.objects.values_list("code", flat=True), "no-such-unit"]:
        unit = Agency.objects.filter(code=code).select_related("admin_unit").first()
        found_unit = _UNIT_BY_CODE.object(code=code)
        assert found_unit == unit
        assert unit is None or (found_unit is not None and found_unit.admin_unit == unit.admin_unit)
    procedures = list(Procedure.objects.all())
    assert procedures
    for procedure in procedures:
        for national_code in (procedure.national_code, "0.000000"):
            same = (
                Procedure.objects.filter(national_code=national_code, province_id=procedure.province_id)
                .select_related("current_version")
                .first()
            )
            found = _PROCEDURE_OF.object(national_code=national_code, province_id=procedure.province_id)
            assert found == same
            assert same is None or (found is not None and found.current_version == same.current_version)
    for code in [*AdministrativeUnit.objects.values_list("code", flat=True), "99999"]:
        commune = AdministrativeUnit.objects.filter(code=code, parent__isnull=False).first()
        assert _COMMUNE_BY_CODE.object(code=code) == commune
