"""Import and export of the whole catalog (JSON, schema in ``schema/catalog.schema.json``) and of the
procedure list (CSV). An import is all-or-nothing: every problem is reported with the record and the
field it concerns, and nothing is written unless the whole file is valid."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.jsonfiles import json_parse
from motcua.core.text import fold
from motcua.geo.models import AdministrativeUnit, Level
from motcua.org.models import Agency
from motcua.org.scoping import Capability, can

from .eforms import eform_schema_check
from .eforms.check import required_when_problems
from .eforms.spec import form_fields, index_of
from .models import (
    Component,
    FeeItem,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureLevel,
    ProcedureVersion,
    Requirement,
    Result,
    TimeUnit,
    VersionStatus,
)
from .services import version_refresh_search

SCHEMA_PATH = Path(__file__).parent / "schema" / "catalog.schema.json"
MAX_REPORTED_ERRORS = 100


@cache
def catalog_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


class CatalogImportError(Exception):
    """The file was refused; ``errors`` lists every problem as 'where: what'."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportReport:
    fields_created: int = 0
    fields_updated: int = 0
    procedures_created: int = 0
    versions_created: int = 0
    versions_replaced: int = 0
    versions_unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


# --- export -------------------------------------------------------------------------------


def _version_dict(
    version: ProcedureVersion, agency_codes: Mapping[int, str], level_codes: Mapping[int, str]
) -> dict[str, Any]:
    applicant_types = [
        t for t, on in (("citizen", version.for_citizens), ("organisation", version.for_organisations)) if on
    ]
    return {
        "number": version.number,
        "status": version.status,
        "name": version.name,
        "field": version.field.code,
        "statutory_time": _decimal_text(version.statutory_time),
        "time_unit": version.time_unit,
        "steps": version.steps,
        "filing_methods": version.filing_methods,
        "conditions": version.conditions,
        "legal_basis": version.legal_basis,
        "applicant_types": applicant_types,
        "online_level": version.online_level,
        "any_center_may_receive": version.any_center_may_receive,
        "effective_from": version.effective_from.isoformat(),
        "effective_to": version.effective_to.isoformat() if version.effective_to else None,
        "eform_schema": version.eform_schema or {},
        "eform_ui": version.eform_ui or {},
        "levels": [
            {
                "level": level_codes[lv.level_id],
                "implementing_agency": agency_codes.get(lv.implementing_agency_id)
                if lv.implementing_agency_id
                else None,
                "implementing_agency_name": lv.implementing_agency_name,
                "competent_agency": agency_codes.get(lv.competent_agency_id)
                if lv.competent_agency_id
                else None,
                "competent_agency_name": lv.competent_agency_name,
            }
            for lv in sorted(version.levels.all(), key=lambda lv: level_codes[lv.level_id])
        ],
        "components": [
            {
                "code": c.code,
                "name": c.name,
                "originals": c.originals,
                "copies": c.copies,
                "requirement": c.requirement,
                "condition": c.condition,
                "required_when": c.required_when or None,
                "accepted_formats": c.format_list,
                "result_code": c.result_code or None,
                "template": Path(c.template.name).name if c.template and c.template.name else None,
            }
            for c in version.components.all()
        ],
        "results": [
            {
                "code": r.code,
                "name": r.name,
                "validity_months": r.validity_months,
                "issued_electronically": r.issued_electronically,
            }
            for r in sorted(version.results.all(), key=lambda r: r.code)
        ],
        "fees": [
            {"kind": f.kind, "name": f.name, "amount": f.amount, "note": f.note} for f in version.fees.all()
        ],
    }


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def catalog_export(province: AdministrativeUnit) -> dict[str, Any]:
    """The whole catalog of one province as a dict valid against the catalog schema."""
    agency_codes = dict(Agency.objects.values_list("pk", "code"))
    level_codes = dict(Level.objects.values_list("pk", "code"))
    versions = (
        ProcedureVersion.objects.select_related("field")
        .prefetch_related("levels", "components", "results", "fees")
        .order_by("number")
    )
    procedures = (
        Procedure.objects.filter(province=province)
        .select_related("owner_agency")
        .prefetch_related(Prefetch("versions", queryset=versions))
        .order_by("national_code")
    )
    used_fields: set[int] = set()
    out_procedures = []
    for procedure in procedures:
        vs = list(procedure.versions.all())
        used_fields.update(v.field_id for v in vs)
        out_procedures.append(
            {
                "national_code": procedure.national_code,
                "is_sample_code": procedure.is_sample_code,
                "local_code": procedure.local_code,
                "owner_agency": procedure.owner_agency.code,
                "versions": [_version_dict(v, agency_codes, level_codes) for v in vs],
            }
        )
    return {
        "format": "motcua-catalog",
        "format_version": 1,
        "province": province.code,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "fields": [
            {"code": f.code, "name": f.name}
            for f in Field.objects.filter(pk__in=used_fields).order_by("code")
        ],
        "procedures": out_procedures,
    }


CSV_COLUMNS = [
    ("national_code", "Mã TTHC"),
    ("local_code", "Mã địa phương"),
    ("name", "Tên thủ tục"),
    ("field", "Lĩnh vực"),
    ("levels", "Cấp thực hiện"),
    ("agencies", "Cơ quan thực hiện"),
    ("statutory_time", "Thời hạn giải quyết"),
    ("time_unit", "Đơn vị thời hạn"),
    ("online_level", "Mức độ dịch vụ công trực tuyến"),
    ("fee_total", "Phí, lệ phí (đồng)"),
    ("version", "Phiên bản"),
    ("status", "Trạng thái"),
    ("effective_from", "Hiệu lực từ"),
    ("is_sample_code", "Mã mẫu (dữ liệu thử)"),
]


def procedure_list_csv(versions: Iterable[ProcedureVersion]) -> str:
    """The procedure list as CSV (UTF-8 with BOM so that Excel shows Vietnamese correctly)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([label for _key, label in CSV_COLUMNS])
    for v in versions:
        levels = list(v.levels.all())
        writer.writerow(
            [
                v.procedure.national_code,
                v.procedure.local_code,
                v.name,
                v.field.name,
                "; ".join(str(lv.level) for lv in levels),
                "; ".join(lv.implementing_agency_name for lv in levels),
                _decimal_text(v.statutory_time),
                v.get_time_unit_display(),
                v.get_online_level_display(),
                sum(f.amount for f in v.fees.all()),
                v.number,
                v.get_status_display(),
                v.effective_from.isoformat(),
                "x" if v.procedure.is_sample_code else "",
            ]
        )
    return buffer.getvalue()


# --- import -------------------------------------------------------------------------------


def _record_label(node: Mapping[str, Any]) -> str | None:
    key = node.get("national_code") or node.get("code") or node.get("number") or node.get("level")
    return None if key is None else str(key)


def catalog_parse(raw: bytes | str) -> dict[str, Any]:
    data, errors = json_parse(raw, catalog_schema(), _record_label, MAX_REPORTED_ERRORS)
    if errors:
        raise CatalogImportError(errors)
    result: dict[str, Any] = data
    return result


def _normalised_version(v: Mapping[str, Any]) -> dict[str, Any]:
    """The import record with defaults filled in, in the same shape the exporter writes."""
    return {
        "number": v["number"],
        "status": v["status"],
        "name": v["name"],
        "field": v["field"],
        "statutory_time": _decimal_text(Decimal(v["statutory_time"])),
        "time_unit": v["time_unit"],
        "steps": v.get("steps", ""),
        "filing_methods": v.get("filing_methods", ""),
        "conditions": v.get("conditions", ""),
        "legal_basis": v.get("legal_basis", ""),
        "applicant_types": [
            t for t in ("citizen", "organisation") if t in v.get("applicant_types", ["citizen"])
        ],
        "online_level": v["online_level"],
        "any_center_may_receive": v.get("any_center_may_receive", True),
        "effective_from": v["effective_from"],
        "effective_to": v.get("effective_to"),
        "eform_schema": v.get("eform_schema") or {},
        "eform_ui": v.get("eform_ui") or {},
        "levels": sorted(
            (
                {
                    "level": lv["level"],
                    "implementing_agency": lv.get("implementing_agency"),
                    "implementing_agency_name": lv["implementing_agency_name"],
                    "competent_agency": lv.get("competent_agency"),
                    "competent_agency_name": lv["competent_agency_name"],
                }
                for lv in v["levels"]
            ),
            key=lambda lv: lv["level"],
        ),
        "components": [
            {
                "code": c["code"],
                "name": c["name"],
                "originals": c.get("originals", 0),
                "copies": c.get("copies", 0),
                "requirement": c.get("requirement", "required"),
                "condition": c.get("condition", ""),
                "required_when": c.get("required_when") or None,
                "accepted_formats": c.get("accepted_formats", ["pdf", "jpg", "png"]),
                "result_code": c.get("result_code") or None,
                "template": c.get("template") or None,
            }
            for c in v.get("components", [])
        ],
        "results": sorted(
            (
                {
                    "code": r["code"],
                    "name": r["name"],
                    "validity_months": r.get("validity_months"),
                    "issued_electronically": r.get("issued_electronically", True),
                }
                for r in v.get("results", [])
            ),
            key=lambda r: r["code"],
        ),
        "fees": [
            {"kind": f["kind"], "name": f["name"], "amount": f["amount"], "note": f.get("note", "")}
            for f in v.get("fees", [])
        ],
    }


def _comparable(version: dict[str, Any]) -> dict[str, Any]:
    # Template file names are not compared: files travel separately and storage may rename them.
    return {**version, "components": [{**c, "template": None} for c in version["components"]]}


def catalog_import(raw: bytes | str, *, template_files: Mapping[str, bytes] | None = None) -> ImportReport:
    """Validate the whole file, then write it in one transaction (or raise ``CatalogImportError``)."""
    data = catalog_parse(raw)
    template_files = template_files or {}
    errors: list[str] = []
    report = ImportReport()

    province = AdministrativeUnit.objects.filter(level__rank=1, code=data["province"]).first()
    if province is None:
        errors.append(
            _("province: unknown province code %(code)s (load the administrative units first)")
            % {"code": data["province"]}
        )

    field_codes_in_file: dict[str, str] = {}
    for i, f in enumerate(data["fields"]):
        if f["code"] in field_codes_in_file:
            errors.append(
                _("fields[%(i)d] (%(code)s) › code: duplicate field code") % {"i": i, "code": f["code"]}
            )
        field_codes_in_file[f["code"]] = f["name"]
    known_fields = set(Field.objects.values_list("code", flat=True)) | set(field_codes_in_file)

    agency_codes: set[str] = set()
    for p in data["procedures"]:
        agency_codes.add(p["owner_agency"])
        for v in p["versions"]:
            for lv in v["levels"]:
                agency_codes.update(
                    c for c in (lv.get("implementing_agency"), lv.get("competent_agency")) if c
                )
    agencies = {a.code: a for a in Agency.objects.filter(code__in=agency_codes)}
    levels = {lv.code: lv for lv in Level.objects.all()}

    existing_procedures: dict[str, Procedure] = {}
    if province is not None:
        existing_procedures = {
            p.national_code: p
            for p in Procedure.objects.filter(
                province=province, national_code__in=[p["national_code"] for p in data["procedures"]]
            )
        }
    existing_versions = _existing_versions(existing_procedures.values())
    local_codes_taken = dict(
        Procedure.objects.exclude(pk__in=[p.pk for p in existing_procedures.values()]).values_list(
            "local_code", "national_code"
        )
    )

    seen_codes: set[str] = set()
    seen_local: set[str] = set()
    plan: list[tuple[dict[str, Any], str, list[dict[str, Any]]]] = []
    for i, p in enumerate(data["procedures"]):
        where = f"procedures[{i}] ({p['national_code']})"
        if p["national_code"] in seen_codes:
            errors.append(f"{where} › national_code: " + _("duplicate procedure code in the file"))
        seen_codes.add(p["national_code"])
        if p["owner_agency"] not in agencies:
            errors.append(
                f"{where} › owner_agency: " + _("unknown agency %(code)s") % {"code": p["owner_agency"]}
            )
        local_code = p.get("local_code") or f"{p['national_code']}.{p['owner_agency']}"
        if local_code in seen_local or local_code in local_codes_taken:
            errors.append(
                f"{where} › local_code: "
                + _("the localised code %(code)s is already used") % {"code": local_code}
            )
        seen_local.add(local_code)
        numbers: set[int] = set()
        statuses = {"published": 0, "draft": 0}
        versions = []
        for j, v in enumerate(p["versions"]):
            vwhere = f"{where} › versions[{j}] ({v['number']})"
            nv = _normalised_version(v)
            versions.append(nv)
            if nv["number"] in numbers:
                errors.append(f"{vwhere} › number: " + _("duplicate version number"))
            numbers.add(nv["number"])
            if nv["status"] in statuses:
                statuses[nv["status"]] += 1
            if Decimal(nv["statutory_time"]) <= 0:
                errors.append(
                    f"{vwhere} › statutory_time: " + _("the statutory time must be greater than zero")
                )
            if nv["field"] not in known_fields:
                errors.append(f"{vwhere} › field: " + _("unknown field %(code)s") % {"code": nv["field"]})
            if nv["effective_to"] and nv["effective_to"] < nv["effective_from"]:
                errors.append(f"{vwhere} › effective_to: " + _("the end date is before the start date"))
            level_seen: set[str] = set()
            for k, lv in enumerate(nv["levels"]):
                lwhere = f"{vwhere} › levels[{k}] ({lv['level']})"
                if lv["level"] not in levels:
                    errors.append(f"{lwhere} › level: " + _("unknown level %(code)s") % {"code": lv["level"]})
                if lv["level"] in level_seen:
                    errors.append(f"{lwhere} › level: " + _("the level is listed twice"))
                level_seen.add(lv["level"])
                for key in ("implementing_agency", "competent_agency"):
                    if lv[key] and lv[key] not in agencies:
                        errors.append(
                            f"{lwhere} › {key}: " + _("unknown agency %(code)s") % {"code": lv[key]}
                        )
            errors.extend(_eform_problems(nv, vwhere))
            for kind in ("components", "results"):
                codes = [item["code"] for item in nv[kind]]
                for dup in sorted({c for c in codes if codes.count(c) > 1}):
                    errors.append(f"{vwhere} › {kind}: " + _("duplicate code %(code)s") % {"code": dup})
            stored = existing_versions.get((p["national_code"], nv["number"]))
            if (
                stored is not None
                and stored["status"] != VersionStatus.DRAFT
                and _comparable(stored) != _comparable(nv)
            ):
                errors.append(
                    f"{vwhere}: "
                    + _(
                        "version %(n)d is already published and differs from the file; publish changes as a new version"
                    )
                    % {"n": nv["number"]}
                )
        for status, count in statuses.items():
            if count > 1:
                errors.append(
                    f"{where} › versions: " + _("more than one %(status)s version") % {"status": status}
                )
        plan.append((p, local_code, versions))
        if len(errors) >= MAX_REPORTED_ERRORS:
            break

    if errors:
        raise CatalogImportError(errors[:MAX_REPORTED_ERRORS])
    assert province is not None

    with transaction.atomic():
        fields = {f.code: f for f in Field.objects.filter(code__in=field_codes_in_file)}
        for code, name in field_codes_in_file.items():
            if code not in fields:
                fields[code] = Field.objects.create(code=code, name=name, name_folded=fold(name))
                report.fields_created += 1
            elif fields[code].name != name:
                fields[code].name, fields[code].name_folded = name, fold(name)
                fields[code].save(update_fields=["name", "name_folded"])
                report.fields_updated += 1
        missing = known_fields - set(fields)
        fields.update({f.code: f for f in Field.objects.filter(code__in=missing)})

        for p, local_code, versions in plan:
            procedure = existing_procedures.get(p["national_code"])
            if procedure is None:
                procedure = Procedure.objects.create(
                    province=province,
                    national_code=p["national_code"],
                    is_sample_code=p.get("is_sample_code", False),
                    local_code=local_code,
                    owner_agency=agencies[p["owner_agency"]],
                )
                report.procedures_created += 1
            else:
                procedure.is_sample_code = p.get("is_sample_code", False)
                procedure.local_code = local_code
                procedure.owner_agency = agencies[p["owner_agency"]]
                procedure.save(update_fields=["is_sample_code", "local_code", "owner_agency"])
            published: ProcedureVersion | None = None
            for nv in versions:
                stored = existing_versions.get((p["national_code"], nv["number"]))
                if stored is not None and _comparable(stored) == _comparable(nv):
                    report.versions_unchanged += 1
                    if nv["status"] == VersionStatus.PUBLISHED:
                        published = ProcedureVersion.objects.get(procedure=procedure, number=nv["number"])
                    continue
                if stored is not None:
                    ProcedureVersion.objects.filter(procedure=procedure, number=nv["number"]).delete()
                    report.versions_replaced += 1
                else:
                    report.versions_created += 1
                version = _version_create(procedure, nv, fields, agencies, levels, template_files, report)
                if version.status == VersionStatus.PUBLISHED:
                    published = version
            if procedure.current_version_id != (published.pk if published else None):
                procedure.current_version = published
                procedure.save(update_fields=["current_version"])
    return report


def _eform_problems(nv: Mapping[str, Any], vwhere: str) -> list[str]:
    """The e-form checked as the admin checks it (``eform_schema_check``), with the components' rules."""
    errors: list[str] = []
    schema_problems = eform_schema_check(nv["eform_schema"], {})
    errors.extend(f"{vwhere} › eform_schema: {problem}" for problem in schema_problems)
    if schema_problems:
        return errors
    errors.extend(
        f"{vwhere} › eform_ui: {problem}"
        for problem in eform_schema_check(nv["eform_schema"], nv["eform_ui"])
    )
    for k, c in enumerate(nv["components"]):
        if c["required_when"] and c["requirement"] != Requirement.CONDITIONAL:
            errors.append(
                f"{vwhere} › components[{k}] ({c['code']}) › required_when: "
                + _("only a conditional component has a rule")
            )
    index = index_of(form_fields(nv["eform_schema"], nv["eform_ui"]))
    for k, c in enumerate(nv["components"]):
        for problem in required_when_problems(index, c["required_when"]):
            errors.append(f"{vwhere} › components[{k}] ({c['code']}) › required_when: {problem}")
    return errors


def _existing_versions(procedures: Iterable[Procedure]) -> dict[tuple[str, int], dict[str, Any]]:
    procedures = list(procedures)
    if not procedures:
        return {}
    agency_codes = dict(Agency.objects.values_list("pk", "code"))
    level_codes = dict(Level.objects.values_list("pk", "code"))
    codes = {p.pk: p.national_code for p in procedures}
    versions = (
        ProcedureVersion.objects.filter(procedure__in=procedures)
        .select_related("field")
        .prefetch_related("levels", "components", "results", "fees")
    )
    return {(codes[v.procedure_id], v.number): _version_dict(v, agency_codes, level_codes) for v in versions}


def _version_create(
    procedure: Procedure,
    nv: dict[str, Any],
    fields: Mapping[str, Field],
    agencies: Mapping[str, Agency],
    levels: Mapping[str, Level],
    template_files: Mapping[str, bytes],
    report: ImportReport,
) -> ProcedureVersion:
    version = ProcedureVersion(
        procedure=procedure,
        number=nv["number"],
        status=nv["status"],
        name=nv["name"],
        field=fields[nv["field"]],
        statutory_time=Decimal(nv["statutory_time"]),
        time_unit=nv["time_unit"],
        steps=nv["steps"],
        filing_methods=nv["filing_methods"],
        conditions=nv["conditions"],
        legal_basis=nv["legal_basis"],
        for_citizens="citizen" in nv["applicant_types"],
        for_organisations="organisation" in nv["applicant_types"],
        online_level=nv["online_level"],
        any_center_may_receive=nv["any_center_may_receive"],
        effective_from=nv["effective_from"],
        effective_to=nv["effective_to"],
        eform_schema=nv["eform_schema"],
        eform_ui=nv["eform_ui"],
        published_at=timezone.now() if nv["status"] != VersionStatus.DRAFT else None,
    )
    version_refresh_search(version)
    version.save()
    ProcedureLevel.objects.bulk_create(
        ProcedureLevel(
            version=version,
            level=levels[lv["level"]],
            implementing_agency=agencies.get(lv["implementing_agency"] or ""),
            implementing_agency_name=lv["implementing_agency_name"],
            competent_agency=agencies.get(lv["competent_agency"] or ""),
            competent_agency_name=lv["competent_agency_name"],
        )
        for lv in nv["levels"]
    )
    for position, c in enumerate(nv["components"]):
        component = Component(
            version=version,
            position=position,
            code=c["code"],
            name=c["name"],
            originals=c["originals"],
            copies=c["copies"],
            requirement=c["requirement"],
            condition=c["condition"],
            required_when=c["required_when"] or {},
            accepted_formats=",".join(c["accepted_formats"]),
            result_code=c["result_code"] or "",
        )
        if c["template"]:
            content = template_files.get(c["template"])
            if content is None:
                report.warnings.append(
                    _("%(procedure)s v%(n)d › %(component)s: template file %(file)s was not provided")
                    % {
                        "procedure": procedure.national_code,
                        "n": version.number,
                        "component": c["code"],
                        "file": c["template"],
                    }
                )
            else:
                component.template.save(c["template"], ContentFile(content), save=False)
        component.save()
    Result.objects.bulk_create(
        Result(
            version=version,
            code=r["code"],
            name=r["name"],
            validity_months=r["validity_months"],
            issued_electronically=r["issued_electronically"],
        )
        for r in nv["results"]
    )
    FeeItem.objects.bulk_create(
        FeeItem(
            version=version, position=i, kind=f["kind"], name=f["name"], amount=f["amount"], note=f["note"]
        )
        for i, f in enumerate(nv["fees"])
    )
    return version


# --- CSV list import ----------------------------------------------------------------------------

CSV_EDITABLE = ("name", "statutory_time", "time_unit", "online_level")


@dataclass
class CsvImportReport:
    rows: int = 0
    drafts_changed: int = 0
    unchanged: int = 0


def _choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Accept a choice by its code or by its label in Vietnamese or English, case- and accent-insensitive."""
    lookup: dict[str, str] = {}
    for language in ("vi", "en"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup[fold(str(label))] = value
                lookup[fold(value)] = value
    return lookup


def procedure_list_csv_import(raw: bytes, *, user: User) -> CsvImportReport:
    """Bulk-edit the name, time and online level of existing procedures from the CSV list.

    A changed row goes into the procedure's draft version (created from the current version if needed);
    published versions are never touched, and an administrator publishes the drafts after review. New
    procedures need components and levels, so they come through the JSON catalog import. All or nothing.
    """
    from .services import version_create_draft, version_save

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogImportError([_("The file is not UTF-8 text.")]) from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    columns = {label: index for index, label in enumerate(header or [])}
    needed = {
        "local_code": "Mã địa phương",
        "name": "Tên thủ tục",
        "statutory_time": "Thời hạn giải quyết",
        "time_unit": "Đơn vị thời hạn",
        "online_level": "Mức độ dịch vụ công trực tuyến",
    }
    missing = [label for label in needed.values() if label not in columns]
    if missing:
        raise CatalogImportError([_("Missing columns: %(columns)s") % {"columns": ", ".join(missing)}])
    units = _choice_lookup(TimeUnit)
    online_levels = _choice_lookup(OnlineLevel)
    rows = [(number, row) for number, row in enumerate(reader, start=2) if any(cell.strip() for cell in row)]
    procedures = {
        p.local_code: p
        for p in Procedure.objects.filter(
            local_code__in=[
                r[columns[needed["local_code"]]].strip()
                for _, r in rows
                if len(r) > columns[needed["local_code"]]
            ]
        ).select_related("owner_agency", "current_version")
    }
    errors: list[str] = []
    changes: list[tuple[Procedure, dict[str, Any]]] = []
    for number, row in rows:

        def cell(key: str, row: list[str] = row) -> str:
            index = columns[needed[key]]
            return row[index].strip() if index < len(row) else ""

        where = _("row %(n)d") % {"n": number}
        procedure = procedures.get(cell("local_code"))
        if procedure is None:
            errors.append(
                f"{where} › {needed['local_code']}: "
                + _(
                    "no procedure has the localised code %(code)s; new procedures are added with the JSON catalog import"
                )
                % {"code": cell("local_code")}
            )
            continue
        if not can(user, Capability.CATALOG_MANAGE, procedure.owner_agency):
            errors.append(
                f"{where} › {needed['local_code']}: "
                + _("you may not manage procedure %(code)s") % {"code": procedure.local_code}
            )
            continue
        values: dict[str, Any] = {"name": cell("name")}
        if not values["name"]:
            errors.append(f"{where} › {needed['name']}: " + _("the name is empty"))
        try:
            values["statutory_time"] = Decimal(cell("statutory_time").replace(",", "."))
            if not values["statutory_time"].is_finite() or values["statutory_time"] <= 0:
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                f"{where} › {needed['statutory_time']}: "
                + _("%(value)s is not a time greater than zero") % {"value": cell("statutory_time")}
            )
        values["time_unit"] = units.get(fold(cell("time_unit")))
        if values["time_unit"] is None:
            errors.append(
                f"{where} › {needed['time_unit']}: "
                + _("unknown time unit %(value)s") % {"value": cell("time_unit")}
            )
        values["online_level"] = online_levels.get(fold(cell("online_level")))
        if values["online_level"] is None:
            errors.append(
                f"{where} › {needed['online_level']}: "
                + _("unknown online service level %(value)s") % {"value": cell("online_level")}
            )
        changes.append((procedure, values))
    if errors:
        raise CatalogImportError(errors[:MAX_REPORTED_ERRORS])
    report = CsvImportReport(rows=len(rows))
    with transaction.atomic():
        for procedure, values in changes:
            base = procedure.versions.filter(status=VersionStatus.DRAFT).first() or procedure.current_version
            if base is not None and all(getattr(base, key) == value for key, value in values.items()):
                report.unchanged += 1
                continue
            draft = version_create_draft(procedure, user=user)
            for key, value in values.items():
                setattr(draft, key, value)
            version_save(draft)
            report.drafts_changed += 1
    return report
