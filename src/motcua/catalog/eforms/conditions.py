"""Conditions over a declaration's answers: when a field is shown (``show_when`` hint) and when a conditional
component becomes required (``Component.required_when``). One small language for both:

    {"field": "nguoi_yeu_cau.quan_he", "equals": "uy_quyen"}
    {"field": "cha.quoc_tich", "in": ["VN", "KHAC"]}
    {"field": "de_nghi_ban_sao", "is_true": true}        (false: not ticked / answered "no")
    {"field": "ghi_chu", "not_empty": true}               (false: left empty)
    {"all": [...]}, {"any": [...]}, {"not": {...}}

A field that is not answered (or hidden) equals nothing, is in nothing, is not true and is empty. The same rules
run in the browser (``static/catalog/eform.js``) to hide and show fields while the applicant types.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from .spec import MISSING, FieldSpec, copy_answers, delete_path, get_path, same_value, walk

OPERATORS = ("equals", "in", "is_true", "not_empty")
COMBINATORS = ("all", "any", "not")
MAX_DEPTH = 8


def condition_holds(condition: Any, answers: Mapping[str, Any]) -> bool:
    if not isinstance(condition, Mapping):
        return False
    if "all" in condition:
        return all(condition_holds(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(condition_holds(c, answers) for c in condition["any"])
    if "not" in condition:
        return not condition_holds(condition["not"], answers)
    value = get_path(answers, str(condition.get("field", "")))
    if "equals" in condition:
        return value is not MISSING and same_value(value, condition["equals"])
    if "in" in condition:
        options = condition["in"] if isinstance(condition["in"], list) else []
        return value is not MISSING and any(same_value(value, option) for option in options)
    if "is_true" in condition:
        return (value is True) == bool(condition["is_true"])
    if "not_empty" in condition:
        filled = value is not MISSING and value != "" and value is not None
        return filled == bool(condition["not_empty"])
    return False


def visible_answers(
    specs: tuple[FieldSpec, ...], answers: Mapping[str, Any]
) -> tuple[dict[str, Any], set[str]]:
    """The answers without those of hidden fields, and the paths hidden. Fields are decided in UI order, each
    against the answers still visible, as the browser does; a hidden group hides everything in it."""
    visible = copy_answers(answers)
    hidden: set[str] = set()
    for spec in walk(specs):
        if any(parent in hidden for parent in spec.parents):
            hidden.add(spec.path)
            continue
        if spec.show_when is not None and not condition_holds(spec.show_when, visible):
            hidden.add(spec.path)
            delete_path(visible, spec.path)
    return visible, hidden


def condition_problems(condition: Any, index: Mapping[str, FieldSpec], depth: int = 0) -> list[str]:
    """What is wrong with a condition, in words an administrator can act on."""
    if depth > MAX_DEPTH:
        return [_("the condition is nested too deeply")]
    if not isinstance(condition, Mapping) or not condition:
        return [_('a condition must be an object such as {"field": "…", "equals": "…"}')]
    keys = set(condition)
    combinators = keys & set(COMBINATORS)
    if combinators:
        if len(keys) != 1:
            return [_("“all”, “any” and “not” must stand alone in their condition")]
        key = next(iter(combinators))
        inner = condition[key]
        if key == "not":
            return condition_problems(inner, index, depth + 1)
        if not isinstance(inner, list) or not inner:
            return [_("“%(key)s” takes a non-empty list of conditions") % {"key": key}]
        return [p for item in inner for p in condition_problems(item, index, depth + 1)]
    operators = keys & set(OPERATORS)
    if "field" not in keys or len(operators) != 1 or keys - {"field", *OPERATORS}:
        return [
            _(
                "a condition names one “field” and one test among: equals, in, is_true, not_empty (got %(keys)s)"
            )
            % {"keys": ", ".join(sorted(map(str, keys)))}
        ]
    path = condition["field"]
    spec = index.get(path) if isinstance(path, str) else None
    if spec is None:
        return [_("the condition names an unknown field “%(field)s”") % {"field": path}]
    if spec.is_group:
        return [_("the condition names the group “%(field)s”: name one of its fields") % {"field": path}]
    operator = next(iter(operators))
    expected = condition[operator]
    if operator in ("is_true", "not_empty"):
        if not isinstance(expected, bool):
            return [_("“%(key)s” takes true or false") % {"key": operator}]
        if operator == "is_true" and spec.kind != "boolean":
            return [_("“is_true” tests a yes/no field; “%(field)s” is not one") % {"field": path}]
        return []
    values = expected if operator == "in" else [expected]
    if operator == "in" and (not isinstance(expected, list) or not expected):
        return [_("“in” takes a non-empty list of values")]
    problems: list[str] = []
    allowed = [value for value, _label in spec.choices]
    for value in values:
        if allowed and not any(same_value(value, option) for option in allowed):
            problems.append(
                _("“%(value)s” is not one of the values of “%(field)s” (%(allowed)s)")
                % {"value": value, "field": path, "allowed": ", ".join(map(str, allowed))}
            )
        elif not allowed and not _fits(spec.kind, value):
            problems.append(
                _("“%(value)s” cannot be an answer to “%(field)s”") % {"value": value, "field": path}
            )
    return problems


def _fits(kind: str, value: Any) -> bool:
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str)


def condition_text(condition: Any, index: Mapping[str, FieldSpec]) -> str:
    """The condition in words, for the "only if …" note next to a field (shown when scripts do not run)."""
    if not isinstance(condition, Mapping):
        return ""
    if "all" in condition:
        return _(" and ").join(condition_text(c, index) for c in condition["all"])
    if "any" in condition:
        return _(" or ").join(condition_text(c, index) for c in condition["any"])
    if "not" in condition:
        inner = condition["not"]
        if isinstance(inner, Mapping) and "equals" in inner:
            return _("“%(field)s” is not “%(value)s”") % _field_and_value(inner, index, inner["equals"])
        return _("not (%(condition)s)") % {"condition": condition_text(inner, index)}
    path = str(condition.get("field", ""))
    spec = index.get(path)
    title = spec.title if spec is not None else path

    def label(value: Any) -> str:
        if spec is not None:
            for option, text in spec.choices:
                if same_value(option, value):
                    return choice_label(spec, option, text)
        return str(value)

    if "equals" in condition:
        return _("“%(field)s” is “%(value)s”") % {"field": title, "value": label(condition["equals"])}
    if "in" in condition:
        values = condition["in"] if isinstance(condition["in"], list) else []
        return _("“%(field)s” is one of: %(values)s") % {
            "field": title,
            "values": ", ".join(f"“{label(v)}”" for v in values),
        }
    if "is_true" in condition:
        if condition["is_true"]:
            return _("“%(field)s” is answered yes") % {"field": title}
        return _("“%(field)s” is not answered yes") % {"field": title}
    if "not_empty" in condition:
        if condition["not_empty"]:
            return _("“%(field)s” is filled in") % {"field": title}
        return _("“%(field)s” is left empty") % {"field": title}
    return ""


def _field_and_value(
    condition: Mapping[str, Any], index: Mapping[str, FieldSpec], value: Any
) -> dict[str, str]:
    spec = index.get(str(condition.get("field", "")))
    if spec is None:
        return {"field": str(condition.get("field", "")), "value": str(value)}
    label = next((choice_label(spec, o, t) for o, t in spec.choices if same_value(o, value)), str(value))
    return {"field": spec.title, "value": label}


def choice_label(spec: FieldSpec, value: Any, text: str) -> str:
    """A choice's label; the yes/no choices of a boolean shown as radio buttons are translated here."""
    if spec.kind == "boolean" and not spec.schema.get("oneOf") and not spec.schema.get("enum"):
        return _("Yes") if value is True else _("No")
    return text
