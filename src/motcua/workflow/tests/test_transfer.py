"""JSON export and import of one definition: round trip, and refusals that name the record and field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from motcua.org.models import Agency, Role
from tests.fixtures import staff

from ..models import ActionKind, DefinitionStatus, ProcessDefinition, StepUnit
from ..services import definition_default_create
from ..transfer import ProcessImportError, definition_export, definition_import, process_schema
from .factories import procedure


def _comparable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("exported_at", "number", "status")}


def test_round_trip_arrives_as_a_draft(catalog: Any) -> None:
    original = definition_default_create(procedure())
    exported = definition_export(original)
    assert exported["procedure"] == {"national_code": "1.001193", "province": "24"}
    assert exported["steps"][1]["share_percent"] == "60"
    imported = definition_import(json.dumps(exported, ensure_ascii=False))
    assert imported.status == DefinitionStatus.DRAFT and imported.number == 2
    assert _comparable(definition_export(imported)) == _comparable(exported)
    original.refresh_from_db()
    assert original.status == DefinitionStatus.ACTIVE


def test_import_into_a_specialised_scope(catalog: Any, org: dict[str, Agency]) -> None:
    data = definition_export(definition_default_create(procedure()))
    data.update(agency=org["commune"].code, level="commune")
    imported = definition_import(json.dumps(data))
    assert (imported.agency, imported.level.code if imported.level else None, imported.number) == (
        org["commune"],
        "commune",
        1,
    )


def _bad_file(catalog: Any) -> dict[str, Any]:
    data = definition_export(definition_default_create(procedure()))
    data["steps"][2]["code"] = "tham-dinh"  # duplicate
    data["actions"][0]["to"] = "khong-co"
    data["agency"] = "999.99.99.H99"
    return data


def test_bad_import_names_every_field_and_writes_nothing(catalog: Any) -> None:
    data = _bad_file(catalog)
    before = ProcessDefinition.objects.count()
    with pytest.raises(ProcessImportError) as refused:
        definition_import(json.dumps(data))
    assert "agency: unknown agency 999.99.99.H99" in refused.value.errors
    assert "steps[2] (tham-dinh) › code: duplicate step code" in refused.value.errors
    assert "actions[0] (tiep-nhan › forward) › to: unknown step code khong-co" in refused.value.errors
    assert ProcessDefinition.objects.count() == before


def test_schema_errors_name_the_record_and_field(catalog: Any) -> None:
    data = definition_export(definition_default_create(procedure()))
    data["steps"][0]["role"] = "janitor"
    data["actions"][1]["kind"] = "teleport"
    del data["name"]
    with pytest.raises(ProcessImportError) as refused:
        definition_import(json.dumps(data))
    errors = refused.value.errors
    assert any(e.startswith("steps[0] (tiep-nhan) › role: 'janitor'") for e in errors)
    assert any(e.startswith("actions[1] (tiep-nhan › teleport) › kind:") for e in errors)
    assert any("'name' is a required property" in e for e in errors)


def test_unknown_procedure_and_not_json(catalog: Any) -> None:
    data = definition_export(definition_default_create(procedure()))
    data["procedure"]["national_code"] = "1.999999"
    with pytest.raises(ProcessImportError) as refused:
        definition_import(json.dumps(data))
    assert refused.value.errors == ["procedure: unknown procedure 1.999999 in province 24"]
    with pytest.raises(ProcessImportError) as not_json:
        definition_import(b"{not json")
    assert not_json.value.errors[0].startswith("The file is not valid JSON")


def test_import_refused_for_another_agency_administrator(catalog: Any, org: dict[str, Agency]) -> None:
    data = json.dumps(definition_export(definition_default_create(procedure())))
    outsider = staff("xd", (org["construction"], Role.AGENCY_ADMIN))
    with pytest.raises(ProcessImportError) as refused:
        definition_import(data, user=outsider)
    assert refused.value.errors == ["procedure: you may not manage the processes of this procedure"]
    owner = staff("tp", (org["justice"], Role.AGENCY_ADMIN))
    assert definition_import(data, user=owner).created_by == owner


def test_schema_choices_match_the_models() -> None:
    step = process_schema()["$defs"]["step"]["properties"]
    action = process_schema()["$defs"]["action"]["properties"]
    assert step["role"]["enum"] == list(Role.values)
    assert step["unit"]["enum"] == list(StepUnit.values)
    assert action["kind"]["enum"] == list(ActionKind.values)
