"""The e-form as a tree of fields: the JSON Schema's properties in the order and with the widgets the
presentation hints give them. Everything else in this package reads the form through this tree.

A field is named by its path, the property names from the root joined by dots (``nguoi_yeu_cau.quan_he``); an
``object`` property is a group of fields (a fieldset titled with the object's ``title``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

# Property names become parts of input names and ids: letters, digits and underscores keep both unambiguous
# (the dot separates the parts of a path).
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
INPUT_PREFIX = "eform-"

LEAF_TYPES = ("string", "integer", "number", "boolean")
STRING_WIDGETS = ("text", "textarea", "date", "email", "tel", "id_number", "commune")
CHOICE_WIDGETS = ("select", "radio")
WIDGETS = (*STRING_WIDGETS, *CHOICE_WIDGETS, "number", "checkbox")
FORMATS = ("date", "email")
# The applicant's details an answer may start from ("provide information once", NĐ 224/2026).
PREFILL_SOURCES = (
    "full_name",
    "id_number",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "address",
    "commune",
    "tax_code",
    "representative",
)
LEAF_HINTS = (
    "widget",
    "help",
    "placeholder",
    "pattern_hint",
    "show_when",
    "autocomplete",
    "prefill",
    "rows",
)
GROUP_HINTS = ("help", "show_when")
# A longer text than this gets a text area unless the hints choose otherwise.
TEXTAREA_FROM = 200

MISSING: Any = object()


@dataclass(frozen=True)
class FieldSpec:
    path: str
    name: str
    schema: Mapping[str, Any]
    title: str
    kind: str
    widget: str
    hints: Mapping[str, Any]
    required: bool
    choices: tuple[tuple[Any, str], ...] = ()
    children: tuple[FieldSpec, ...] = field(default=())
    parents: tuple[str, ...] = ()

    @property
    def is_group(self) -> bool:
        return self.kind == "object"

    @property
    def input_name(self) -> str:
        return INPUT_PREFIX + self.path

    @property
    def input_id(self) -> str:
        return INPUT_PREFIX + self.path.replace(".", "-")

    @property
    def show_when(self) -> Any:
        return self.hints.get("show_when")

    @property
    def help(self) -> str:
        text = self.hints.get("help") or self.schema.get("description") or ""
        return str(text)


def kind_of(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    return kind if isinstance(kind, str) else ""


def choices_of(schema: Mapping[str, Any]) -> tuple[tuple[Any, str], ...]:
    """The allowed values with their labels: ``oneOf`` of ``{const, title}`` items, or a plain ``enum``."""
    items = schema.get("oneOf") or schema.get("anyOf")
    if isinstance(items, list) and items and all(isinstance(i, Mapping) and "const" in i for i in items):
        return tuple((i["const"], str(i.get("title") or i["const"])) for i in items)
    enum = schema.get("enum")
    if isinstance(enum, list):
        return tuple((value, str(value)) for value in enum)
    return ()


def default_widget(schema: Mapping[str, Any], kind: str, choices: tuple[tuple[Any, str], ...]) -> str:
    if choices:
        return "select"
    if kind == "boolean":
        return "checkbox"
    if kind in ("integer", "number"):
        return "number"
    fmt = schema.get("format")
    if fmt in ("date", "email"):
        return str(fmt)
    max_length = schema.get("maxLength")
    if isinstance(max_length, int) and max_length > TEXTAREA_FROM:
        return "textarea"
    return "text"


def _hints_of(ui: Mapping[str, Any]) -> Mapping[str, Any]:
    fields = ui.get("fields") if isinstance(ui, Mapping) else None
    return fields if isinstance(fields, Mapping) else {}


def _order_of(ui: Mapping[str, Any]) -> dict[str, int]:
    order = ui.get("order") if isinstance(ui, Mapping) else None
    if not isinstance(order, list):
        return {}
    return {str(path): position for position, path in enumerate(order)}


def form_fields(schema: Mapping[str, Any], ui: Mapping[str, Any]) -> tuple[FieldSpec, ...]:
    """The top-level fields and groups of the form, in UI order (listed paths first, the rest in schema
    order). Properties the subset does not support are left out (``eform_schema_check`` names them)."""
    if not isinstance(schema, Mapping):
        return ()
    return _children(schema, "", (), _hints_of(ui), _order_of(ui))


def _children(
    node: Mapping[str, Any],
    prefix: str,
    parents: tuple[str, ...],
    hints: Mapping[str, Any],
    order: Mapping[str, int],
) -> tuple[FieldSpec, ...]:
    properties = node.get("properties")
    if not isinstance(properties, Mapping):
        return ()
    required = node.get("required")
    required_names = set(required) if isinstance(required, list) else set()
    specs: list[tuple[int, int, FieldSpec]] = []
    for position, (name, schema) in enumerate(properties.items()):
        if not isinstance(name, str) or not NAME_PATTERN.match(name) or not isinstance(schema, Mapping):
            continue
        path = f"{prefix}{name}"
        kind = kind_of(schema)
        raw_hints = hints.get(path)
        field_hints: Mapping[str, Any] = raw_hints if isinstance(raw_hints, Mapping) else {}
        title = str(schema.get("title") or name)
        if kind == "object":
            spec = FieldSpec(
                path=path,
                name=name,
                schema=schema,
                title=title,
                kind=kind,
                widget="group",
                hints=field_hints,
                required=name in required_names,
                children=_children(schema, f"{path}.", (*parents, path), hints, order),
                parents=parents,
            )
        elif kind in LEAF_TYPES:
            choices = choices_of(schema)
            if kind == "boolean" and not choices:
                widget = str(field_hints.get("widget") or "checkbox")
            else:
                widget = str(field_hints.get("widget") or default_widget(schema, kind, choices))
            if kind == "boolean" and widget in CHOICE_WIDGETS and not choices:
                choices = BOOLEAN_CHOICES
            spec = FieldSpec(
                path=path,
                name=name,
                schema=schema,
                title=title,
                kind=kind,
                widget=widget,
                hints=field_hints,
                required=name in required_names,
                choices=choices,
                parents=parents,
            )
        else:
            continue
        specs.append((order.get(path, len(order)), position, spec))
    return tuple(spec for _o, _p, spec in sorted(specs, key=lambda item: (item[0], item[1])))


# Filled in with translated labels when they are shown (see ``choice_label``).
BOOLEAN_CHOICES: tuple[tuple[Any, str], ...] = ((True, "true"), (False, "false"))


def walk(specs: tuple[FieldSpec, ...]) -> Iterator[FieldSpec]:
    """Every field and group, depth first in UI order (a group before its fields)."""
    for spec in specs:
        yield spec
        if spec.children:
            yield from walk(spec.children)


def index_of(specs: tuple[FieldSpec, ...]) -> dict[str, FieldSpec]:
    return {spec.path: spec for spec in walk(specs)}


def get_path(data: Any, path: str) -> Any:
    node = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return MISSING
        node = node[part]
    return node


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def copy_answers(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: copy_answers(value) if isinstance(value, Mapping) else value for key, value in data.items()}


def delete_path(data: dict[str, Any], path: str) -> None:
    parts = path.split(".")
    node: Any = data
    for part in parts[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return
    if isinstance(node, dict):
        node.pop(parts[-1], None)


def same_value(a: Any, b: Any) -> bool:
    """Equality that keeps booleans apart from numbers (in Python, True == 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return bool(a == b)
