"""The check an e-form must pass before it is saved (admin, draft services) or imported: a schema or hints
that MotCua could not render or validate are refused with every problem named."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import jsonschema
from django.utils.translation import gettext as _

from .conditions import condition_problems
from .spec import (
    CHOICE_WIDGETS,
    FORMATS,
    GROUP_HINTS,
    LEAF_HINTS,
    LEAF_TYPES,
    NAME_PATTERN,
    PREFILL_SOURCES,
    STRING_WIDGETS,
    WIDGETS,
    FieldSpec,
    choices_of,
    form_fields,
    index_of,
)

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
UI_KEYS = ("order", "fields")
AUTOCOMPLETE_PATTERN = re.compile(r"^[a-z0-9 -]{1,60}$")
MAX_ROWS = 20


def eform_schema_check(schema: Any, ui: Any, *, required_when: Mapping[str, Any] | None = None) -> list[str]:
    """Problems, in the active language (Vietnamese in the admin), that make the e-form unusable: not a valid
    Draft 2020-12 schema, a root that is not an object with properties, a property without a title, an
    unsupported type, format or widget, hints or conditions naming unknown fields. ``required_when`` maps
    component codes to their rules, checked against the same schema. ``[]`` when the e-form is usable."""
    problems = _schema_problems(schema)
    if problems:
        return problems
    specs = form_fields(schema, ui if isinstance(ui, Mapping) else {})
    index = index_of(specs)
    problems.extend(_ui_problems(schema, ui, index))
    for code, rule in (required_when or {}).items():
        problems.extend(
            _("Component %(code)s, rule: %(problem)s") % {"code": code, "problem": problem}
            for problem in required_when_problems(index, rule)
        )
    return problems


def required_when_problems(index: Mapping[str, FieldSpec], rule: Any) -> list[str]:
    """What is wrong with a component's ``required_when`` rule ({} or null: no rule, nothing wrong)."""
    return condition_problems(rule, index) if rule else []


def _schema_problems(schema: Any) -> list[str]:
    if not isinstance(schema, Mapping):
        return [_("The e-form schema must be a JSON object ({} when the procedure has no e-form).")]
    if not schema:
        return []
    declared = schema.get("$schema")
    if declared is not None and declared != DRAFT_2020_12:
        return [
            _("The schema declares %(declared)s: MotCua reads JSON Schema Draft 2020-12 (%(expected)s).")
            % {"declared": declared, "expected": DRAFT_2020_12}
        ]
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "/"
        return [
            _("Not a valid JSON Schema (Draft 2020-12) at %(where)s: %(error)s")
            % {"where": where, "error": exc.message}
        ]
    if schema.get("type") != "object":
        return [_("The root of the schema must be “type”: “object”.")]
    properties = schema.get("properties")
    if not isinstance(properties, Mapping) or not properties:
        return [_("The schema has no “properties”: an e-form needs at least one field.")]
    problems: list[str] = []
    _object_problems(schema, "", problems)
    return problems


def _object_problems(node: Mapping[str, Any], prefix: str, problems: list[str]) -> None:
    properties = node.get("properties")
    if not isinstance(properties, Mapping) or not properties:
        problems.append(_("Group “%(field)s” has no “properties”.") % {"field": prefix.rstrip(".")})
        return
    for name in node.get("required", []):
        if name not in properties:
            problems.append(
                _("“required” names “%(name)s”, which is not a property of %(where)s.")
                % {"name": f"{prefix}{name}", "where": _where(prefix)}
            )
    for branch in _conditional_branches(node):
        _branch_problems(branch, properties, prefix, problems)
    for name, schema in properties.items():
        path = f"{prefix}{name}"
        if not NAME_PATTERN.match(name):
            problems.append(
                _(
                    "Property name “%(field)s”: use letters without diacritics, digits and underscores, "
                    "starting with a letter."
                )
                % {"field": path}
            )
            continue
        if not isinstance(schema, Mapping):
            problems.append(_("Field “%(field)s” must be described by an object.") % {"field": path})
            continue
        if "$ref" in schema:
            problems.append(_("Field “%(field)s”: “$ref” is not supported in e-forms.") % {"field": path})
            continue
        title = schema.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.append(
                _("Field “%(field)s” has no “title”: applicants read the title as its label.")
                % {"field": path}
            )
        kind = schema.get("type")
        if isinstance(kind, list):
            problems.append(_("Field “%(field)s”: give exactly one “type”.") % {"field": path})
            continue
        if kind == "object":
            _object_problems(schema, f"{path}.", problems)
            continue
        if kind not in LEAF_TYPES:
            problems.append(
                _(
                    "Field “%(field)s”: type %(type)s is not supported (string, integer, number, boolean, object)."
                )
                % {"field": path, "type": kind if kind is not None else "—"}
            )
            continue
        fmt = schema.get("format")
        if fmt is not None and fmt not in FORMATS:
            problems.append(
                _("Field “%(field)s”: format %(format)s is not supported (date, email).")
                % {"field": path, "format": fmt}
            )
        if "default" in schema and not jsonschema.Draft202012Validator(schema).is_valid(schema["default"]):
            problems.append(
                _("Field “%(field)s”: the “default” is not a valid answer to the field.") % {"field": path}
            )
        if (schema.get("oneOf") or schema.get("anyOf")) and not choices_of(schema):
            problems.append(
                _("Field “%(field)s”: “oneOf” is supported only as a list of choices {“const”, “title”}.")
                % {"field": path}
            )


def _where(prefix: str) -> str:
    return f"“{prefix.rstrip('.')}”" if prefix else _("the form")


def _conditional_branches(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The ``if``/``then``/``else`` sub-schemas of an object: its own and those inside ``allOf``."""
    branches: list[Mapping[str, Any]] = []
    holders = [node, *[item for item in node.get("allOf", []) if isinstance(item, Mapping)]]
    for holder in holders:
        for key in ("if", "then", "else"):
            branch = holder.get(key)
            if isinstance(branch, Mapping):
                branches.append(branch)
    return branches


def _branch_problems(
    branch: Mapping[str, Any], properties: Mapping[str, Any], prefix: str, problems: list[str]
) -> None:
    names = [*branch.get("required", []), *(branch.get("properties") or {})]
    for name in names:
        if name not in properties:
            problems.append(
                _("A condition (if/then) names “%(name)s”, which is not a property of %(where)s.")
                % {"name": f"{prefix}{name}", "where": _where(prefix)}
            )


def _ui_problems(schema: Mapping[str, Any], ui: Any, index: Mapping[str, FieldSpec]) -> list[str]:
    if not isinstance(ui, Mapping):
        return [_("The presentation hints must be a JSON object ({} for none).")]
    if not ui:
        return []
    if not schema:
        return [_("Presentation hints are given but the procedure has no e-form schema.")]
    problems: list[str] = []
    for key in ui:
        if key not in UI_KEYS:
            problems.append(_("Hints: unknown key “%(key)s” (expected: order, fields).") % {"key": key})
    order = ui.get("order", [])
    if not isinstance(order, list):
        problems.append(_("Hints: “order” must be a list of field paths."))
    else:
        seen: set[str] = set()
        for path in order:
            if not isinstance(path, str) or path not in index:
                problems.append(_("Hints, order: unknown field “%(field)s”.") % {"field": path})
            elif path in seen:
                problems.append(_("Hints, order: “%(field)s” is listed twice.") % {"field": path})
            seen.add(str(path))
    fields = ui.get("fields", {})
    if not isinstance(fields, Mapping):
        return [*problems, _("Hints: “fields” must map field paths to their hints.")]
    for path, hints in fields.items():
        spec = index.get(path)
        if spec is None:
            problems.append(_("Hints: unknown field “%(field)s”.") % {"field": path})
            continue
        if not isinstance(hints, Mapping):
            problems.append(_("Hints of “%(field)s” must be an object.") % {"field": path})
            continue
        problems.extend(_field_hint_problems(spec, hints, index))
    return problems


def _field_hint_problems(
    spec: FieldSpec, hints: Mapping[str, Any], index: Mapping[str, FieldSpec]
) -> list[str]:
    path = spec.path
    problems: list[str] = []
    allowed = GROUP_HINTS if spec.is_group else LEAF_HINTS
    for key in hints:
        if key not in allowed:
            problems.append(
                _("Hints of “%(field)s”: unknown hint “%(key)s” (allowed: %(allowed)s).")
                % {"field": path, "key": key, "allowed": ", ".join(allowed)}
            )
    for key in ("help", "placeholder", "pattern_hint"):
        if key in hints and not isinstance(hints[key], str):
            problems.append(_("Hints of “%(field)s”: “%(key)s” must be text.") % {"field": path, "key": key})
    if "widget" in hints:
        problems.extend(_widget_problems(spec, hints["widget"]))
    if "rows" in hints and not (
        isinstance(hints["rows"], int)
        and not isinstance(hints["rows"], bool)
        and 1 <= hints["rows"] <= MAX_ROWS
    ):
        problems.append(
            _("Hints of “%(field)s”: “rows” must be a whole number from 1 to %(max)d.")
            % {"field": path, "max": MAX_ROWS}
        )
    if "autocomplete" in hints and not (
        isinstance(hints["autocomplete"], str) and AUTOCOMPLETE_PATTERN.match(hints["autocomplete"])
    ):
        problems.append(
            _("Hints of “%(field)s”: “autocomplete” must be an autocomplete token such as name or off.")
            % {"field": path}
        )
    if "prefill" in hints and hints["prefill"] not in PREFILL_SOURCES:
        problems.append(
            _("Hints of “%(field)s”: “prefill” must name one of the applicant's details (%(sources)s).")
            % {"field": path, "sources": ", ".join(PREFILL_SOURCES)}
        )
    if "show_when" in hints:
        condition = hints["show_when"]
        for problem in condition_problems(condition, index):
            problems.append(
                _("Hints of “%(field)s”, show_when: %(problem)s") % {"field": path, "problem": problem}
            )
        named = _condition_fields(condition)
        if any(name == path or name.startswith(f"{path}.") for name in named):
            problems.append(
                _("Hints of “%(field)s”, show_when: a field cannot depend on itself.") % {"field": path}
            )
    return problems


def _widget_problems(spec: FieldSpec, widget: Any) -> list[str]:
    path = spec.path
    if widget not in WIDGETS:
        return [
            _("Hints of “%(field)s”: unknown widget “%(widget)s” (%(widgets)s).")
            % {"field": path, "widget": widget, "widgets": ", ".join(WIDGETS)}
        ]
    has_choices = bool(choices_of(spec.schema))
    fits = {
        "boolean": widget in ("checkbox", *CHOICE_WIDGETS),
        "integer": widget == "number" or (has_choices and widget in CHOICE_WIDGETS),
        "number": widget == "number" or (has_choices and widget in CHOICE_WIDGETS),
        "string": widget in CHOICE_WIDGETS if has_choices else widget in STRING_WIDGETS,
    }.get(spec.kind, False)
    if not fits:
        return [
            _("Hints of “%(field)s”: widget “%(widget)s” does not fit a field of type %(type)s%(choices)s.")
            % {
                "field": path,
                "widget": widget,
                "type": spec.kind,
                "choices": _(" with choices") if has_choices else "",
            }
        ]
    if widget == "date" and spec.schema.get("format") != "date":
        return [
            _("Hints of “%(field)s”: the date widget needs “format”: “date” in the schema.") % {"field": path}
        ]
    return []


def _condition_fields(condition: Any) -> set[str]:
    if not isinstance(condition, Mapping):
        return set()
    names: set[str] = set()
    for key in ("all", "any"):
        if isinstance(condition.get(key), list):
            for item in condition[key]:
                names |= _condition_fields(item)
    if "not" in condition:
        names |= _condition_fields(condition["not"])
    if isinstance(condition.get("field"), str):
        names.add(condition["field"])
    return names
