"""The process admin as agency administrators use it: scoped lists, the diagram, activate and new version."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.org.models import Agency, Role
from tests.fixtures import staff

from ..models import DefinitionStatus, ProcessDefinition
from ..services import definition_default_create
from ..transfer import definition_export
from .factories import LINEAR_ACTIONS, LINEAR_STEPS, build, procedure

BASE = "/quan-tri/workflow/processdefinition/"
EN = {"Accept-Language": "en"}


def test_login_page_and_anonymous_user(client: Client, catalog: Any) -> None:
    assert client.get("/quan-tri/login/").status_code == 200
    assert client.get(BASE).status_code == 302


def test_agency_admin_sees_and_changes_only_own_processes(
    client: Client, org: dict[str, Agency], catalog: Any
) -> None:
    own = definition_default_create(procedure("1.001193"))
    other = definition_default_create(procedure("9.000002"))
    client.force_login(staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    text = client.get(BASE, headers=EN).content.decode()
    assert "1.001193" in text and "9.000002" not in text
    assert client.get(f"{BASE}{own.pk}/change/").status_code == 200
    assert client.get(f"{BASE}{other.pk}/change/").status_code in (302, 404)
    client.post(f"{BASE}{other.pk}/new-version/")
    client.post(f"{BASE}{other.pk}/activate/")
    assert ProcessDefinition.objects.filter(procedure=other.procedure).count() == 1
    assert client.get(f"{BASE}{other.pk}/export.json").status_code == 404


def test_change_page_shows_the_diagram_and_active_is_read_only(
    client: Client, org: dict[str, Agency], catalog: Any
) -> None:
    active = definition_default_create(procedure())
    client.force_login(staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    page = client.get(f"{BASE}{active.pk}/change/", headers=EN).content.decode()
    assert "<svg" in page and 'data-step="tham-dinh"' in page
    assert 'name="name"' not in page and 'name="steps-0-code"' not in page  # read-only
    assert "new-version/" in page and "/activate/" not in page
    response = client.post(f"{BASE}{active.pk}/new-version/")
    draft = ProcessDefinition.objects.get(procedure=active.procedure, status=DefinitionStatus.DRAFT)
    assert response["Location"].endswith(f"/{draft.pk}/change/")
    page = client.get(response["Location"], headers=EN).content.decode()
    assert 'name="name"' in page and 'name="steps-0-code"' in page and 'name="actions-0-from_step"' in page
    assert "/activate/" in page and "None: the process is sound." in page
    client.post(f"{BASE}{draft.pk}/activate/")
    draft.refresh_from_db()
    active.refresh_from_db()
    assert (draft.status, active.status) == (DefinitionStatus.ACTIVE, DefinitionStatus.RETIRED)


def test_activate_shows_every_problem_and_changes_nothing(
    client: Client, org: dict[str, Agency], catalog: Any
) -> None:
    broken = build(procedure(), [*LINEAR_STEPS, ("lost", 0, False), ("x", 0, True)], LINEAR_ACTIONS)
    client.force_login(staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    page = client.post(f"{BASE}{broken.pk}/activate/", follow=True, headers=EN).content.decode()
    assert "was not activated: 3 problems." in page
    # The admin capitalises messages; with two starts, reachability is not judged.
    assert "More than one start step: &#x27;a&#x27;, &#x27;x&#x27;" in page
    assert "Step &#x27;lost&#x27;: no finish or refuse action can be reached from here" in page
    assert "Step &#x27;x&#x27;: no finish or refuse action can be reached from here" in page
    broken.refresh_from_db()
    assert broken.status == DefinitionStatus.DRAFT


def test_edit_a_draft_through_the_form(client: Client, org: dict[str, Agency], catalog: Any) -> None:
    draft = build(procedure(), LINEAR_STEPS, LINEAR_ACTIONS)
    client.force_login(staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    steps = list(draft.steps.all())
    actions = list(draft.actions.all())
    data: dict[str, Any] = {
        "name": "Quy trình mới",
        "steps-TOTAL_FORMS": len(steps),
        "steps-INITIAL_FORMS": len(steps),
        "actions-TOTAL_FORMS": len(actions),
        "actions-INITIAL_FORMS": len(actions),
    }
    for i, s in enumerate(steps):
        data.update(
            {
                f"steps-{i}-id": s.pk,
                f"steps-{i}-definition": draft.pk,
                f"steps-{i}-position": s.position,
                f"steps-{i}-code": s.code,
                f"steps-{i}-name": s.name,
                f"steps-{i}-role": s.role,
                f"steps-{i}-unit": s.unit,
                f"steps-{i}-share_percent": "10" if s.code == "a" else s.share_percent,
                f"steps-{i}-is_start": "on" if s.is_start else "",
            }
        )
    for i, a in enumerate(actions):
        data.update(
            {
                f"actions-{i}-id": a.pk,
                f"actions-{i}-definition": draft.pk,
                f"actions-{i}-position": a.position,
                f"actions-{i}-from_step": a.from_step_id,
                f"actions-{i}-kind": a.kind,
                f"actions-{i}-to_step": a.to_step_id or "",
                f"actions-{i}-label": a.label,
            }
        )
    response = client.post(f"{BASE}{draft.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.name == "Quy trình mới"
    assert str(draft.steps.get(code="a").share_percent) == "10.00"


def test_add_page_and_other_agency_procedures(client: Client, org: dict[str, Agency], catalog: Any) -> None:
    client.force_login(staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    assert client.get(f"{BASE}add/").status_code == 200
    other = procedure("9.000002")
    response = client.post(
        f"{BASE}add/",
        {"procedure": other.pk, "name": "x", "steps-TOTAL_FORMS": 0, "steps-INITIAL_FORMS": 0},
    )
    assert response.status_code == 200  # the form refuses a procedure the user may not manage
    assert not ProcessDefinition.objects.exists()
    own = procedure("1.001193")
    response = client.post(
        f"{BASE}add/",
        {"procedure": own.pk, "name": "Quy trình", "steps-TOTAL_FORMS": 0, "steps-INITIAL_FORMS": 0},
    )
    assert response.status_code == 302
    created = ProcessDefinition.objects.get()
    assert (created.number, created.status, created.created_by) == (
        1,
        DefinitionStatus.DRAFT,
        response.wsgi_request.user,
    )


def test_supervisor_reads_all_but_changes_nothing(
    client: Client, org: dict[str, Agency], catalog: Any
) -> None:
    other = definition_default_create(procedure("9.000002"))
    client.force_login(staff("gs", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR)))
    assert "9.000002" in client.get(BASE).content.decode()
    page = client.get(f"{BASE}{other.pk}/change/").content.decode()
    assert "<svg" in page and "new-version/" not in page
    client.post(f"{BASE}{other.pk}/new-version/")
    assert ProcessDefinition.objects.count() == 1


def test_import_page(client: Client, org: dict[str, Agency], catalog: Any) -> None:
    data = definition_export(definition_default_create(procedure()))
    client.force_login(staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    bad = {**data, "steps": [{**data["steps"][0], "share_percent": "abc"}, *data["steps"][1:]]}
    page = client.post(
        f"{BASE}import/",
        {"file": SimpleUploadedFile("p.json", json.dumps(bad).encode())},
        headers=EN,
    ).content.decode()
    assert "The process was not imported" in page and "steps[0] (tiep-nhan) › share_percent" in page
    assert ProcessDefinition.objects.count() == 1
    response = client.post(
        f"{BASE}import/", {"file": SimpleUploadedFile("p.json", json.dumps(data).encode())}
    )
    assert response.status_code == 302
    assert ProcessDefinition.objects.filter(status=DefinitionStatus.DRAFT, number=2).exists()
    exported = client.get(f"{BASE}{ProcessDefinition.objects.get(number=2).pk}/export.json")
    assert json.loads(exported.content)["steps"][0]["code"] == "tiep-nhan"


def test_changelist_actions(client: Client, org: dict[str, Agency], catalog: Any) -> None:
    broken = build(procedure(), [*LINEAR_STEPS, ("lost", 0, False)], LINEAR_ACTIONS)
    sound = build(procedure("9.000001"), LINEAR_STEPS, LINEAR_ACTIONS)
    client.force_login(staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    client.post(BASE, {"action": "activate_selected", "_selected_action": [broken.pk, sound.pk]})
    broken.refresh_from_db()
    sound.refresh_from_db()
    assert (broken.status, sound.status) == (DefinitionStatus.DRAFT, DefinitionStatus.ACTIVE)


def test_only_drafts_are_deleted(client: Client, org: dict[str, Agency], catalog: Any) -> None:
    active = definition_default_create(procedure())
    draft = build(procedure(), LINEAR_STEPS, LINEAR_ACTIONS)
    client.force_login(staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    assert client.get(f"{BASE}{active.pk}/delete/").status_code == 403
    assert client.post(f"{BASE}{draft.pk}/delete/", {"post": "yes"}).status_code == 302
    assert list(ProcessDefinition.objects.all()) == [active]
