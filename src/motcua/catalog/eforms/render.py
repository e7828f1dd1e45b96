"""The e-form as accessible HTML, rendered on the server (``templates/catalog/eform/``).

Every input has a ``<label for>``; groups and radio sets are fieldsets with a legend; help, condition notes
and errors are tied to their input with ``aria-describedby``; a required field is marked with a visible
asterisk and ``aria-required`` — never the HTML ``required`` attribute, because the same form has a "save
draft" button that must post incomplete answers. Titles, help texts and answers come from administrators and
applicants: the template escapes all of them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import jsonschema
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .answers import commune_choices, input_value, version_fields
from .conditions import choice_label, condition_text, visible_answers
from .spec import MISSING, FieldSpec, get_path, index_of, walk

if TYPE_CHECKING:
    from motcua.catalog.models import ProcedureVersion

# A prefilled field describes the applicant: the browser may offer the applicant's own details for it.
AUTOCOMPLETE_OF_PREFILL = {
    "full_name": "name",
    "email": "email",
    "phone": "tel",
    "address": "street-address",
    "date_of_birth": "bday",
    "sex": "sex",
}
DEFAULT_ROWS = 3
WIDE_TITLE = 60


def eform_render(
    version: ProcedureVersion,
    data: Mapping[str, Any] | None,
    errors: Mapping[str, list[str]] | None,
    *,
    preview: bool = False,
) -> SafeString:
    """The declaration's inputs (without the surrounding ``<form>``), filled with ``data`` and showing
    ``errors`` (as ``eform_validate`` returns them). Empty when the version has no e-form. A ``preview``
    (the public procedure page) leaves the commune lists empty: it is read, not filled in."""
    schema = version.eform_schema or {}
    if not schema:
        return SafeString("")
    specs = version_fields(version)
    index = index_of(specs)
    answers = data if isinstance(data, Mapping) else {}
    errors = errors or {}
    required = _required_paths(schema, specs, answers)
    has_communes = any(spec.widget == "commune" for spec in walk(specs))
    communes = commune_choices() if has_communes and not preview else []
    context = _Context(index, answers, errors, required, communes)
    nodes = [_node(spec, context) for spec in specs]
    summary = [
        {"message": _in_group(index, path, message), "target": _target(index[path]) if path in index else ""}
        for path, messages in errors.items()
        for message in messages
    ]
    return render_to_string("catalog/eform/form.html", {"nodes": nodes, "summary": summary})


class _Context:
    def __init__(
        self,
        index: Mapping[str, FieldSpec],
        answers: Mapping[str, Any],
        errors: Mapping[str, list[str]],
        required: set[str],
        communes: list[tuple[str, str]],
    ) -> None:
        self.index = index
        self.answers = answers
        self.errors = errors
        self.required = required
        self.communes = communes


def _in_group(index: Mapping[str, FieldSpec], path: str, message: str) -> str:
    """A summary line names the field's group: the same question may be asked about the mother and the
    father."""
    spec = index.get(path)
    if spec is None or not spec.parents:
        return message
    groups = " › ".join(index[parent].title for parent in spec.parents)
    return _("%(group)s: %(message)s") % {"group": groups, "message": message}


def _target(spec: FieldSpec) -> str:
    if spec.widget == "radio" and spec.choices:
        return f"{spec.input_id}-0"
    return spec.input_id


def _required_paths(
    schema: Mapping[str, Any], specs: tuple[FieldSpec, ...], answers: Mapping[str, Any]
) -> set[str]:
    """Fields required as the answers stand: listed in ``required``, or by an if/then whose condition the
    current answers meet (marked again after each round trip; the server's validation is what counts)."""
    visible, _hidden = visible_answers(specs, answers)
    paths = {spec.path for spec in walk(specs) if spec.required}
    objects: list[tuple[str, Mapping[str, Any]]] = [("", schema)]
    objects.extend((spec.path, spec.schema) for spec in walk(specs) if spec.is_group)
    for path, node in objects:
        instance = get_path(visible, path) if path else visible
        instance = instance if isinstance(instance, Mapping) else {}
        holders = [node, *[item for item in node.get("allOf", []) if isinstance(item, Mapping)]]
        for holder in holders:
            condition = holder.get("if")
            if not isinstance(condition, Mapping | bool):
                continue
            met = jsonschema.Draft202012Validator(condition).is_valid(instance)
            branch = holder.get("then" if met else "else")
            if isinstance(branch, Mapping):
                prefix = f"{path}." if path else ""
                paths.update(f"{prefix}{name}" for name in branch.get("required", []))
    return paths


def _node(spec: FieldSpec, context: _Context) -> dict[str, Any]:
    errors = list(context.errors.get(spec.path, []))
    node: dict[str, Any] = {
        "id": spec.input_id,
        "name": spec.input_name,
        "title": spec.title,
        "required": spec.path in context.required,
        "help": spec.help,
        "errors": errors,
        "show_when": json.dumps(spec.show_when, ensure_ascii=False) if spec.show_when is not None else "",
        "note": condition_text(spec.show_when, context.index) if spec.show_when is not None else "",
    }
    described = [
        f"{spec.input_id}-{suffix}"
        for suffix, present in (("help", node["help"]), ("note", node["note"]), ("error", errors))
        if present
    ]
    node["describedby"] = " ".join(described)
    if spec.is_group:
        node["kind"] = "group"
        node["children"] = [_node(child, context) for child in spec.children]
        return node
    value = get_path(context.answers, spec.path)
    node["placeholder"] = str(spec.hints.get("placeholder") or "")
    node["autocomplete"] = _autocomplete(spec)
    if spec.widget in ("select", "radio", "commune"):
        options = (
            [(code, name) for code, name in context.communes]
            if spec.widget == "commune"
            else [(input_value(option), choice_label(spec, option, text)) for option, text in spec.choices]
        )
        selected = "" if value is MISSING else input_value(value)
        node["kind"] = "radio" if spec.widget == "radio" else "select"
        node["choices"] = [
            {"value": option, "label": label, "selected": option == selected, "id": f"{spec.input_id}-{n}"}
            for n, (option, label) in enumerate(options)
        ]
        if selected and not any(choice["selected"] for choice in node["choices"]):
            # An answer no longer offered (a commune merged away, a typed value) stays visible to correct.
            node["choices"].insert(
                0, {"value": selected, "label": selected, "selected": True, "id": f"{spec.input_id}-other"}
            )
        return node
    if spec.widget == "checkbox":
        node["kind"] = "checkbox"
        node["checked"] = value is True
        # A commitment ("Tôi cam đoan …") is a sentence: it takes the whole row.
        node["wide"] = len(spec.title) > WIDE_TITLE
        return node
    node["value"] = "" if value is MISSING else input_value(value)
    node["attrs"] = _input_attrs(spec, value)
    if spec.widget == "textarea":
        node["kind"] = "textarea"
        node["rows"] = spec.hints.get("rows") or DEFAULT_ROWS
        return node
    node["kind"] = "input"
    node["type"] = _input_type(spec, value)
    if spec.widget == "date" and node["type"] == "text" and not node["placeholder"]:
        node["placeholder"] = _("dd/mm/yyyy")
    return node


def _autocomplete(spec: FieldSpec) -> str:
    if spec.hints.get("autocomplete"):
        return str(spec.hints["autocomplete"])
    prefill = spec.hints.get("prefill")
    if isinstance(prefill, str) and prefill in AUTOCOMPLETE_OF_PREFILL:
        return AUTOCOMPLETE_OF_PREFILL[prefill]
    # Someone else's ID number (a parent's, a child's): the browser must not offer the applicant's own.
    if spec.widget == "id_number":
        return "off"
    return ""


def _input_type(spec: FieldSpec, value: Any) -> str:
    """The input's type; a date or number that was typed wrong is shown as text, as typed, to be corrected
    (a date or number input would show it empty)."""
    if spec.widget == "date":
        if value is MISSING or _is_iso_date(value):
            return "date"
        return "text"
    if spec.widget == "number":
        if value is MISSING or (isinstance(value, int | float) and not isinstance(value, bool)):
            return "number"
        return "text"
    return {"email": "email", "tel": "tel"}.get(spec.widget, "text")


def _is_iso_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _input_attrs(spec: FieldSpec, value: Any) -> list[tuple[str, str]]:
    schema = spec.schema
    attrs: list[tuple[str, str]] = []
    if isinstance(schema.get("maxLength"), int):
        attrs.append(("maxlength", str(schema["maxLength"])))
    if spec.widget == "id_number":
        attrs.append(("inputmode", "numeric"))
    if spec.widget == "number":
        attrs.append(("inputmode", "numeric" if spec.kind == "integer" else "decimal"))
        attrs.append(("step", "1" if spec.kind == "integer" else "any"))
        for key in ("minimum", "maximum"):
            bound = schema.get(key)
            if isinstance(bound, int | float) and not isinstance(bound, bool) and math.isfinite(bound):
                attrs.append((key[:3], str(bound)))
    return attrs
