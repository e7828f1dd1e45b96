from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from motcua.catalog import selectors
from motcua.catalog.models import Component, Field, Procedure, ProcedureVersion, VersionStatus
from motcua.catalog.transfer import CatalogImportError, catalog_export, catalog_import, procedure_list_csv


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    # These tests match the wording of error messages; they read them in the English source language.
    with translation.override("en"):
        yield


def _counts() -> tuple[int, int, int, int]:
    return (
        Field.objects.count(),
        Procedure.objects.count(),
        ProcedureVersion.objects.count(),
        Component.objects.count(),
    )


def test_import_creates_everything(catalog: dict[str, Any]) -> None:
    assert _counts() == (2, 3, 4, 8)
    birth = Procedure.objects.get(national_code="1.001193")
    assert birth.local_code == "1.001193.000.00.12.H24"
    assert birth.current_version is not None and birth.current_version.name == "Đăng ký khai sinh"
    assert str(birth.current_version.statutory_time) == "0.50"
    component = birth.current_version.components.get(code="TP1")
    assert component.template.read() == b"PK\x03\x04 demo"
    building = Procedure.objects.get(national_code="9.000002")
    assert building.current_version is not None and building.current_version.number == 2
    assert building.versions.get(number=1).status == VersionStatus.ARCHIVED


def test_reimport_changes_nothing(catalog: dict[str, Any]) -> None:
    before = _counts()
    report = catalog_import(json.dumps(catalog))
    assert _counts() == before
    assert report.versions_unchanged == 4 and report.versions_created == 0 and report.procedures_created == 0


def test_export_round_trip(catalog: dict[str, Any], geo: dict[str, Any]) -> None:
    exported = catalog_export(geo["province"])
    assert [p["national_code"] for p in exported["procedures"]] == ["1.001193", "9.000001", "9.000002"]
    assert exported["procedures"][0]["versions"][0]["components"][0]["template"].endswith(".docx")
    # The export is valid input: importing it again is a no-op.
    report = catalog_import(json.dumps(exported))
    assert report.versions_unchanged == 4


def test_export_into_empty_database(catalog: dict[str, Any], geo: dict[str, Any]) -> None:
    exported = catalog_export(geo["province"])
    Procedure.objects.update(current_version=None)
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    report = catalog_import(json.dumps(exported))
    # Template files travel separately from the JSON: the import says which ones it did not receive.
    assert any("was not provided" in w for w in report.warnings)

    def without_templates(procedures: list[dict[str, Any]]) -> str:
        text = json.dumps(procedures, sort_keys=True)
        for p in procedures:
            for v in p["versions"]:
                for c in v["components"]:
                    c["template"] = None
        return json.dumps(procedures, sort_keys=True) if text else ""

    assert without_templates(catalog_export(geo["province"])["procedures"]) == without_templates(
        exported["procedures"]
    )


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["procedures"][1].update(national_code="1.00119"),
            "procedures[1] (1.00119) › national_code",
        ),
        (
            lambda d: d["procedures"][0].update(owner_agency="000.00.99.H24"),
            "owner_agency: unknown agency 000.00.99.H24",
        ),
        (lambda d: d["procedures"][1].update(national_code="1.001193"), "duplicate procedure code"),
        (
            lambda d: d["procedures"][0]["versions"][0].update(statutory_time="0"),
            "statutory time must be greater than zero",
        ),
        (
            lambda d: d["procedures"][0]["versions"][0].update(statutory_time="-1"),
            "versions[0] (1) › statutory_time",
        ),
        (lambda d: d["procedures"][0]["versions"][0].update(field="HT01"), "versions[0] (1) › field"),
        (lambda d: d["procedures"][0]["versions"][0].update(field="G99-XX01"), "unknown field G99-XX01"),
        (
            lambda d: d["procedures"][0]["versions"][0]["results"][0].update(code="KQ.G15.31"),
            "results[0] (KQ.G15.31) › code",
        ),
        (
            lambda d: d["procedures"][0]["versions"][0]["components"][1].update(code="TP1"),
            "duplicate code TP1",
        ),
        (
            lambda d: d["procedures"][0]["versions"][0]["levels"][0].update(level="district"),
            "unknown level district",
        ),
        (
            lambda d: d["fields"].append({"code": "G15-HT01", "name": "Trùng"}),
            "fields[2] (G15-HT01) › code: duplicate",
        ),
        (
            lambda d: d["procedures"][2]["versions"][0].update(status="published"),
            "more than one published version",
        ),
        (lambda d: d.pop("province"), "'province' is a required property"),
    ],
)
def test_bad_import_names_record_and_field_and_writes_nothing(
    org: Any, catalog_data: dict[str, Any], mutate: Any, expected: str
) -> None:
    mutate(catalog_data)
    with pytest.raises(CatalogImportError) as info:
        catalog_import(json.dumps(catalog_data))
    assert any(expected in error for error in info.value.errors), info.value.errors
    assert _counts() == (0, 0, 0, 0)


def test_malformed_json_is_refused(org: Any) -> None:
    with pytest.raises(CatalogImportError) as info:
        catalog_import(b'{"format": "motcua-catalog", ')
    assert "not valid JSON" in info.value.errors[0]


def test_published_version_cannot_be_overwritten_by_import(catalog: dict[str, Any]) -> None:
    changed = copy.deepcopy(catalog)
    changed["procedures"][0]["versions"][0]["name"] = "Đăng ký khai sinh (sửa)"
    changed["procedures"][1]["versions"][0]["name"] = "Kết hôn (sửa, hợp lệ)"
    with pytest.raises(CatalogImportError) as info:
        catalog_import(json.dumps(changed))
    assert "already published and differs" in info.value.errors[0]
    assert not ProcedureVersion.objects.filter(name__contains="sửa").exists()


def test_draft_version_is_replaced_by_import(catalog: dict[str, Any]) -> None:
    data = copy.deepcopy(catalog)
    draft = copy.deepcopy(data["procedures"][0]["versions"][0])
    draft.update(number=2, status="draft", name="Đăng ký khai sinh (dự thảo)")
    data["procedures"][0]["versions"].append(draft)
    catalog_import(json.dumps(data))
    draft["name"] = "Đăng ký khai sinh (dự thảo 2)"
    report = catalog_import(json.dumps(data))
    assert report.versions_replaced == 1
    assert ProcedureVersion.objects.get(procedure__national_code="1.001193", number=2).name.endswith("2)")


def test_procedure_list_csv(catalog: dict[str, Any]) -> None:
    text = procedure_list_csv(selectors.published_versions(selectors.ProcedureFilters()))
    assert text.startswith("\ufeffMã TTHC,")
    lines = text.strip().splitlines()
    assert len(lines) == 4
    assert "Đăng ký khai sinh" in text and "Cấp giấy phép xây dựng công trình" in text


def _csv_rows(catalog: Any) -> list[list[str]]:
    import csv
    import io

    text = procedure_list_csv(selectors.published_versions(selectors.ProcedureFilters()))
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()


def test_csv_list_round_trip_and_edit_goes_to_a_draft(catalog: Any, org: Any) -> None:
    from motcua.catalog.transfer import procedure_list_csv_import
    from motcua.org.models import Role
    from tests.fixtures import staff

    admin = staff("qt", (org["justice"], Role.AGENCY_ADMIN))
    rows = _csv_rows(catalog)
    justice_rows = [rows[0]] + [r for r in rows[1:] if r[0] != "9.000002"]
    report = procedure_list_csv_import(_csv_bytes(justice_rows), user=admin)
    assert (report.rows, report.drafts_changed, report.unchanged) == (2, 0, 2)

    birth = next(r for r in justice_rows if r[0] == "1.001193")
    birth[2], birth[6], birth[8] = "Đăng ký khai sinh (sửa đổi)", "1,5", "Partial online service"
    report = procedure_list_csv_import(_csv_bytes(justice_rows), user=admin)
    assert report.drafts_changed == 1
    procedure = Procedure.objects.get(national_code="1.001193")
    draft = procedure.versions.get(status=VersionStatus.DRAFT)
    assert (draft.name, str(draft.statutory_time), draft.online_level) == (
        "Đăng ký khai sinh (sửa đổi)",
        "1.50",
        "partial",
    )
    assert procedure.current_version is not None and procedure.current_version.name == "Đăng ký khai sinh"
    assert draft.components.count() == 2  # the draft keeps everything the CSV does not carry


def test_csv_list_errors_name_row_and_column_and_change_nothing(catalog: Any, org: Any) -> None:
    from motcua.catalog.transfer import procedure_list_csv_import
    from motcua.org.models import Role
    from tests.fixtures import staff

    admin = staff("qt", (org["justice"], Role.AGENCY_ADMIN))
    rows = _csv_rows(catalog)
    for row in rows[1:]:
        if row[0] == "1.001193":
            row[2] = "Tên mới"
        if row[0] == "9.000001":
            row[6] = "0"
            row[7] = "tuần"
    with pytest.raises(CatalogImportError) as info:
        procedure_list_csv_import(_csv_bytes(rows), user=admin)
    errors = "\n".join(info.value.errors)
    assert (
        "row 3 › Thời hạn giải quyết" in errors
        and "row 3 › Đơn vị thời hạn: unknown time unit tuần" in errors
    )
    assert "you may not manage procedure 9.000002" in errors  # the building permit belongs to Sở Xây dựng
    assert not ProcedureVersion.objects.filter(status=VersionStatus.DRAFT).exists()
    with pytest.raises(CatalogImportError) as info:
        procedure_list_csv_import(b"a,b\n1,2\n", user=admin)
    assert "Missing columns" in info.value.errors[0]
    with pytest.raises(CatalogImportError):
        procedure_list_csv_import(b"\xff\xfe\x00bad", user=admin)


# --- e-forms ----------------------------------------------------------------------------------------------


def test_e_forms_travel_with_the_catalog(eform_catalog: dict[str, Any], geo: dict[str, Any]) -> None:
    from tests.fixtures import BIRTH_EFORM_SCHEMA, BIRTH_EFORM_UI, BIRTH_TP2_RULE

    exported = catalog_export(geo["province"])
    version = exported["procedures"][0]["versions"][0]
    assert version["eform_schema"] == BIRTH_EFORM_SCHEMA and version["eform_ui"] == BIRTH_EFORM_UI
    assert [c["required_when"] for c in version["components"]] == [None, BIRTH_TP2_RULE]
    assert exported["procedures"][1]["versions"][0]["eform_schema"] == {}
    assert catalog_import(json.dumps(exported)).versions_unchanged == 4

    Procedure.objects.update(current_version=None)
    ProcedureVersion.objects.all().delete()
    catalog_import(json.dumps(exported))

    def eforms(data: dict[str, Any]) -> list[Any]:
        return [
            (v["eform_schema"], v["eform_ui"], [c["required_when"] for c in v["components"]])
            for p in data["procedures"]
            for v in p["versions"]
        ]

    assert eforms(catalog_export(geo["province"])) == eforms(exported)


def test_a_published_e_form_cannot_be_changed_by_import(eform_catalog: dict[str, Any]) -> None:
    changed = copy.deepcopy(eform_catalog)
    changed["procedures"][0]["versions"][0]["eform_ui"] = {}
    with pytest.raises(CatalogImportError) as info:
        catalog_import(json.dumps(changed))
    assert "already published and differs" in info.value.errors[0]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda v: v["eform_schema"]["properties"]["quan_he"].pop("title"),
            "procedures[0] (1.001193) › versions[0] (1) › eform_schema: Field “quan_he” has no “title”",
        ),
        (
            lambda v: v["eform_ui"]["fields"].update({"tre.ten": {}}),
            "procedures[0] (1.001193) › versions[0] (1) › eform_ui: Hints: unknown field “tre.ten”.",
        ),
        (
            lambda v: v["components"][1].update(required_when={"field": "ket_hon", "is_true": True}),
            "versions[0] (1) › components[1] (TP2) › required_when: the condition names an unknown field “ket_hon”",
        ),
        (
            lambda v: v["components"][0].update(
                required_when={"field": "cha_me_da_ket_hon", "is_true": True}
            ),
            "components[0] (TP1) › required_when: only a conditional component has a rule",
        ),
        (
            lambda v: v.update(eform_schema=[]),
            "versions[0] (1) › eform_schema: [] is not of type 'object'",
        ),
    ],
)
def test_an_unusable_e_form_is_refused_by_import_with_its_place(
    org: Any, catalog_data: dict[str, Any], mutate: Any, expected: str
) -> None:
    from tests.fixtures import with_birth_eform

    data = with_birth_eform(catalog_data)
    mutate(data["procedures"][0]["versions"][0])
    with pytest.raises(CatalogImportError) as info:
        catalog_import(json.dumps(data))
    assert any(expected in error for error in info.value.errors), info.value.errors
    assert _counts() == (0, 0, 0, 0)
