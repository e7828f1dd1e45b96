"""Export and import of one process definition as JSON (schema in ``schema/process.schema.json``).

The procedure is named by its national code and province code, the agency by its QCVN 102 identifier and
the level by its code, so a file moves between installations. An import is all-or-nothing: every problem
is reported as 'where › field: what' and nothing is written unless the whole file is usable. The imported
definition is always a new draft; it is activated like any other (after validation).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import Procedure
from motcua.core.jsonfiles import json_parse
from motcua.geo.models import Level
from motcua.org.models import Agency
from motcua.org.scoping import Capability, can

from .models import Action, ProcessDefinition, Step
from .services import definition_save

SCHEMA_PATH = Path(__file__).parent / "schema" / "process.schema.json"
FORMAT = "motcua-process"
FORMAT_VERSION = 1
MAX_REPORTED_ERRORS = 100


@cache
def process_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


class ProcessImportError(Exception):
    """The file was refused; ``errors`` lists every problem as 'where: what'."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def _decimal_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


# --- export -------------------------------------------------------------------------------


def definition_export(definition: ProcessDefinition) -> dict[str, Any]:
    """The definition as a dict valid against the process schema."""
    procedure = definition.procedure
    steps = list(definition.steps.order_by("position", "id"))
    codes = {s.pk: s.code for s in steps}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "procedure": {"national_code": procedure.national_code, "province": procedure.province.code},
        "agency": definition.agency.code if definition.agency else None,
        "level": definition.level.code if definition.level else None,
        "name": definition.name,
        "number": definition.number,
        "status": definition.status,
        "steps": [
            {
                "code": s.code,
                "name": s.name,
                "role": s.role,
                "unit": s.unit,
                "share_percent": _decimal_text(s.share_percent),
                "is_start": s.is_start,
            }
            for s in steps
        ],
        "actions": [
            {
                "from": codes[a.from_step_id],
                "kind": a.kind,
                "to": codes.get(a.to_step_id) if a.to_step_id else None,
                "label": a.label,
            }
            for a in definition.actions.order_by("position", "id")
            if a.from_step_id in codes
        ],
    }


# --- import -------------------------------------------------------------------------------


def _record_label(node: Mapping[str, Any]) -> str | None:
    if isinstance(node.get("from"), str) and isinstance(node.get("kind"), str):
        return f"{node['from']} › {node['kind']}"
    return node["code"] if isinstance(node.get("code"), str) else None


def definition_parse(raw: bytes | str) -> dict[str, Any]:
    """The decoded file, or ``ProcessImportError`` if it is not JSON or does not follow the schema."""
    data, errors = json_parse(raw, process_schema(), _record_label, MAX_REPORTED_ERRORS)
    if errors:
        raise ProcessImportError(errors)
    result: dict[str, Any] = data
    return result


def definition_import(raw: bytes | str, *, user: User | None = None) -> ProcessDefinition:
    """Create a draft definition from the file in one transaction (or raise ``ProcessImportError``).

    With ``user``, the file is refused unless the user may manage the procedure's catalog entry."""
    data = definition_parse(raw)
    errors: list[str] = []

    ref = data["procedure"]
    procedure = (
        Procedure.objects.select_related("owner_agency")
        .filter(national_code=ref["national_code"], province__code=ref["province"], province__level__rank=1)
        .first()
    )
    if procedure is None:
        errors.append(
            "procedure: "
            + _("unknown procedure %(code)s in province %(province)s")
            % {"code": ref["national_code"], "province": ref["province"]}
        )
    elif user is not None and not can(user, Capability.CATALOG_MANAGE, procedure.owner_agency):
        errors.append("procedure: " + _("you may not manage the processes of this procedure"))

    agency: Agency | None = None
    if data.get("agency"):
        agency = Agency.objects.filter(code=data["agency"]).first()
        if agency is None:
            errors.append("agency: " + _("unknown agency %(code)s") % {"code": data["agency"]})
    level: Level | None = None
    if data.get("level"):
        level = Level.objects.filter(code=data["level"]).first()
        if level is None:
            errors.append("level: " + _("unknown level %(code)s") % {"code": data["level"]})

    codes: set[str] = set()
    for i, s in enumerate(data["steps"]):
        where = f"steps[{i}] ({s['code']})"
        if s["code"] in codes:
            errors.append(f"{where} › code: " + _("duplicate step code"))
        codes.add(s["code"])
        if Decimal(s["share_percent"]) > 100:
            errors.append(f"{where} › share_percent: " + _("a share cannot be more than 100%"))
    for i, a in enumerate(data["actions"]):
        where = f"actions[{i}] ({a['from']} › {a['kind']})"
        if a["from"] not in codes:
            errors.append(f"{where} › from: " + _("unknown step code %(code)s") % {"code": a["from"]})
        if a.get("to") and a["to"] not in codes:
            errors.append(f"{where} › to: " + _("unknown step code %(code)s") % {"code": a["to"]})

    if errors:
        raise ProcessImportError(errors[:MAX_REPORTED_ERRORS])
    assert procedure is not None

    with transaction.atomic():
        try:
            definition = definition_save(
                ProcessDefinition(
                    procedure=procedure, agency=agency, level=level, number=0, name=data["name"]
                ),
                user=user,
            )
        except ValidationError as exc:
            raise ProcessImportError([f"{_('(file)')}: {m}" for m in exc.messages]) from exc
        steps = {
            s["code"]: step
            for s, step in zip(
                data["steps"],
                Step.objects.bulk_create(
                    Step(
                        definition=definition,
                        code=s["code"],
                        name=s["name"],
                        role=s["role"],
                        unit=s["unit"],
                        share_percent=Decimal(s["share_percent"]),
                        is_start=s.get("is_start", False),
                        position=position,
                    )
                    for position, s in enumerate(data["steps"])
                ),
                strict=True,
            )
        }
        Action.objects.bulk_create(
            Action(
                definition=definition,
                from_step=steps[a["from"]],
                kind=a["kind"],
                to_step=steps[a["to"]] if a.get("to") else None,
                label=a.get("label", ""),
                position=position,
            )
            for position, a in enumerate(data["actions"])
        )
    return definition
