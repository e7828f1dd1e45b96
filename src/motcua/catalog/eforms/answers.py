"""Answers to an e-form: read from the posted inputs, validated with per-field messages, shown to people,
and the components they make required."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import jsonschema
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from .conditions import choice_label, condition_holds, visible_answers
from .spec import (
    MISSING,
    FieldSpec,
    copy_answers,
    form_fields,
    get_path,
    index_of,
    same_value,
    set_path,
    walk,
)

if TYPE_CHECKING:
    from django.http import QueryDict

    from motcua.catalog.models import Component, ProcedureVersion

INTEGER_TEXT = re.compile(r"^[+-]?\d{1,15}$")
NUMBER_TEXT = re.compile(r"^[+-]?\d{1,15}([.,]\d{1,10})?$")
# Dates typed the Vietnamese way (dd/mm/yyyy) are stored as ISO dates, the JSON Schema "date" format.
VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
TRUE_TEXTS = ("true", "1", "on")
FALSE_TEXTS = ("false", "0")

# The formats of the subset; an e-mail address is checked as everywhere else on the site (Django's
# validator), not merely for an "@" as jsonschema does.
FORMAT_CHECKER = jsonschema.FormatChecker(formats=("date",))


@FORMAT_CHECKER.checks("email", raises=DjangoValidationError)
def _is_email(instance: object) -> bool:
    if isinstance(instance, str):
        validate_email(instance)
    return True


def version_fields(version: ProcedureVersion) -> tuple[FieldSpec, ...]:
    """The version's e-form as a tree of fields (see ``spec``)."""
    return form_fields(version.eform_schema or {}, version.eform_ui or {})


# --- parsing ----------------------------------------------------------------------------------------------


def eform_parse(version: ProcedureVersion, post: Mapping[str, Any] | QueryDict) -> dict[str, Any]:
    """Typed answers from the inputs ``eform_render`` names (``eform-<path>``). Empty inputs are left out,
    answers of fields hidden by their show-when condition too; a value that cannot be converted is kept as
    typed so that ``eform_validate`` can name it."""
    specs = version_fields(version)
    answers: dict[str, Any] = {}
    for spec in walk(specs):
        if spec.is_group:
            continue
        raw = post.get(spec.input_name)
        if isinstance(raw, list | tuple):
            raw = raw[-1] if raw else None
        if raw is None:
            continue
        text = str(raw).replace("\r\n", "\n").strip()
        if text:
            set_path(answers, spec.path, typed_answer(spec, text))
    visible, _hidden = visible_answers(specs, answers)
    return visible


def typed_answer(spec: FieldSpec, text: str) -> Any:
    for value, _label in spec.choices:
        if input_value(value) == text:
            return value
    if spec.kind == "boolean":
        lowered = text.lower()
        if lowered in TRUE_TEXTS:
            return True
        if lowered in FALSE_TEXTS:
            return False
        return text
    if spec.kind == "integer":
        return int(text) if INTEGER_TEXT.match(text) else text
    if spec.kind == "number":
        if not NUMBER_TEXT.match(text):
            return text
        if "." not in text and "," not in text:
            return int(text)
        number = float(text.replace(",", "."))
        return number if math.isfinite(number) else text
    if spec.widget == "date" or spec.schema.get("format") == "date":
        match = VN_DATE.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                return text
    return text


def input_value(value: Any) -> str:
    """How a choice travels in an HTML input (booleans as true/false, like JSON)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def eform_prefill(version: ProcedureVersion, applicant: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a new declaration starts with: the fields whose ``prefill`` hint names one of the
    applicant's details (the applicant provides information once, NĐ 224/2026), else the schema's
    ``default``. A detail that does not fit the field (e.g. not one of its choices) is left for the applicant
    to answer."""
    specs = version_fields(version)
    index = index_of(specs)
    answers: dict[str, Any] = {}
    for spec in walk(specs):
        if spec.is_group:
            continue
        source = spec.hints.get("prefill")
        text = str(applicant.get(str(source)) or "").strip() if source else ""
        # A default inside an optional group would start the group (the father's, say) on its own.
        optional_group = any(not index[parent].required for parent in spec.parents)
        if text:
            value = typed_answer(spec, text)
        elif "default" in spec.schema and not optional_group:
            value = spec.schema["default"]
        else:
            continue
        if spec.choices and not any(same_value(value, option) for option, _label in spec.choices):
            continue
        set_path(answers, spec.path, value)
    visible, _hidden = visible_answers(specs, answers)
    return visible


# --- validation ---------------------------------------------------------------------------------------------


def eform_validate(version: ProcedureVersion, data: Any) -> dict[str, list[str]]:
    """Field path → messages in the active language ("" for the whole form), in form order; ``{}`` when the
    answers are valid. Fields hidden by a false show-when condition are neither required nor checked."""
    schema = version.eform_schema or {}
    if not schema:
        return {}
    if not isinstance(data, Mapping):
        return {"": [_("The declaration must be a set of answers.")]}
    specs = version_fields(version)
    index = index_of(specs)
    answers, hidden = visible_answers(specs, data)
    answers = _with_groups(specs, answers)
    validator = jsonschema.Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
    found: dict[str, list[str]] = {}
    mistyped: set[str] = set()
    for error in validator.iter_errors(answers):
        for path, message in _messages(error, index):
            if path in hidden:
                continue
            key = path if path in index else ""
            if error.validator == "type":
                # An answer of the wrong type fails its other rules too: the type is what to correct.
                if key not in mistyped:
                    found[key] = []
                mistyped.add(key)
            elif key in mistyped:
                continue
            messages = found.setdefault(key, [])
            if message not in messages:
                messages.append(message)
    for path, message in _commune_problems(specs, answers, hidden):
        found.setdefault(path, []).append(message)
    order = {path: position for position, path in enumerate(["", *index])}
    return dict(sorted(found.items(), key=lambda item: order.get(item[0], len(order))))


def _with_groups(specs: tuple[FieldSpec, ...], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Groups as validation sees them: a required group is present (so that each of its missing fields gets
    its own message), an optional group left entirely empty is absent (its fields are then not required)."""
    out = dict(answers)
    for spec in specs:
        if not spec.is_group:
            continue
        value = out.get(spec.name, MISSING)
        if value is MISSING or isinstance(value, Mapping):
            inner = _with_groups(spec.children, value if value is not MISSING else {})
            if inner or spec.required:
                out[spec.name] = inner
            else:
                out.pop(spec.name, None)
    return out


def _messages(error: jsonschema.ValidationError, index: Mapping[str, FieldSpec]) -> list[tuple[str, str]]:
    path = ".".join(str(part) for part in error.absolute_path)
    validator = str(error.validator)
    if validator == "required":
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        names = error.validator_value if isinstance(error.validator_value, list) else []
        missing = [name for name in names if name not in instance]
        out = []
        for name in missing:
            target = f"{path}.{name}" if path else str(name)
            out.append((target, _required_message(index.get(target), target)))
        return out
    spec = index.get(path)
    title = spec.title if spec is not None else path
    if validator == "additionalProperties":
        described = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        extra = ", ".join(str(key) for key in instance if key not in described)
        return [
            (
                path,
                _("The declaration holds answers the form does not ask for: %(names)s.") % {"names": extra},
            )
        ]
    return [(path, _message(validator, error, spec, title))]


def _required_message(spec: FieldSpec | None, path: str) -> str:
    title = spec.title if spec is not None else path
    if spec is not None and spec.is_group:
        return _("Fill in “%(field)s”.") % {"field": title}
    if spec is not None and spec.widget in ("select", "radio", "commune"):
        return _("Choose “%(field)s”.") % {"field": title}
    if spec is not None and spec.widget == "checkbox":
        return _("Tick “%(field)s”.") % {"field": title}
    return _("Enter “%(field)s”.") % {"field": title}


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",")


def _message(validator: str, error: jsonschema.ValidationError, spec: FieldSpec | None, title: str) -> str:
    bound = error.validator_value
    field = {"field": title}
    if validator == "type":
        expected = bound if isinstance(bound, str) else ""
        if expected == "integer":
            return _("“%(field)s” must be a whole number.") % field
        if expected == "number":
            return _("“%(field)s” must be a number.") % field
        if expected == "boolean":
            return _("“%(field)s” must be answered yes or no.") % field
        if expected == "object":
            return _("“%(field)s” must be a group of answers.") % field
        return _("“%(field)s” must be text.") % field
    if validator == "minLength":
        return _("“%(field)s” must have at least %(n)d characters.") % {**field, "n": bound}
    if validator == "maxLength":
        return _("“%(field)s” must have at most %(n)d characters.") % {**field, "n": bound}
    if validator == "pattern":
        hint = spec.hints.get("pattern_hint") if spec is not None else None
        if hint:
            return _("“%(field)s”: %(hint)s") % {**field, "hint": hint}
        return _("“%(field)s” is not written in the expected form.") % field
    if validator in ("minimum", "exclusiveMinimum"):
        text = (
            _("“%(field)s” must be at least %(n)s.")
            if validator == "minimum"
            else _("“%(field)s” must be more than %(n)s.")
        )
        return text % {**field, "n": _number(bound)}
    if validator in ("maximum", "exclusiveMaximum"):
        text = (
            _("“%(field)s” must be at most %(n)s.")
            if validator == "maximum"
            else _("“%(field)s” must be less than %(n)s.")
        )
        return text % {**field, "n": _number(bound)}
    if validator == "const" and bound is True:
        return _("Tick “%(field)s”.") % field
    if validator in ("enum", "const", "oneOf", "anyOf"):
        return _("Choose one of the values offered for “%(field)s”.") % field
    if validator == "format":
        if bound == "date":
            return _("“%(field)s” is not a valid date (dd/mm/yyyy).") % field
        if bound == "email":
            return _("“%(field)s” is not a valid e-mail address.") % field
    return _("“%(field)s” is not valid.") % field


def _commune_problems(
    specs: tuple[FieldSpec, ...], answers: Mapping[str, Any], hidden: set[str]
) -> list[tuple[str, str]]:
    chosen = {
        spec.path: value
        for spec in walk(specs)
        if spec.widget == "commune" and spec.path not in hidden
        for value in [get_path(answers, spec.path)]
        if isinstance(value, str) and value
    }
    if not chosen:
        return []
    known = set(_communes().filter(code__in=set(chosen.values())).values_list("code", flat=True))
    return [
        (path, _("Choose “%(field)s” from the list.") % {"field": index_of(specs)[path].title})
        for path, code in chosen.items()
        if code not in known
    ]


def _communes() -> Any:
    from motcua.geo.models import AdministrativeUnit

    qs = AdministrativeUnit.objects.filter(parent__isnull=False, is_active=True)
    if settings.MOTCUA_PROVINCE_CODE:
        qs = qs.filter(parent__code=settings.MOTCUA_PROVINCE_CODE)
    return qs


def commune_choices() -> list[tuple[str, str]]:
    return list(_communes().order_by("name").values_list("code", "name"))


# --- display ------------------------------------------------------------------------------------------------


def eform_display(version: ProcedureVersion, data: Any) -> list[tuple[str, str]]:
    """(label, value) pairs in form order for people to read: choice titles instead of codes, dates as
    dd/mm/yyyy, yes/no, commune names. A field inside a group is labelled with the group's title first
    (“Cha › Họ, chữ đệm, tên”), so that the same question asked about two people stays distinct. Fields hidden
    by their condition are skipped; answers the form does not describe (sent through the API, or kept from an
    older form) follow under their own key, so that nothing declared is hidden from the officer."""
    if not isinstance(data, Mapping) or not data:
        return []
    specs = version_fields(version)
    index = index_of(specs)
    answers, _hidden = visible_answers(specs, data)
    communes = _commune_names(specs, answers)
    rows: list[tuple[str, str]] = []
    for spec in walk(specs):
        if spec.is_group:
            continue
        value = get_path(answers, spec.path)
        if value is MISSING or value == "":
            continue
        label = " › ".join([*(index[parent].title for parent in spec.parents), spec.title])
        rows.append((label, _shown(spec, value, communes)))
    rows.extend(_extras(index, data, ""))
    return rows


def _shown(spec: FieldSpec, value: Any, communes: Mapping[str, str]) -> str:
    for option, text in spec.choices:
        if same_value(option, value):
            return choice_label(spec, option, text)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if spec.widget == "commune" and isinstance(value, str):
        return communes.get(value, value)
    if isinstance(value, str) and (spec.widget == "date" or spec.schema.get("format") == "date"):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, float):
        return _number(value)
    return str(value)


def _commune_names(specs: tuple[FieldSpec, ...], answers: Mapping[str, Any]) -> dict[str, str]:
    codes = {
        value
        for spec in walk(specs)
        if spec.widget == "commune"
        for value in [get_path(answers, spec.path)]
        if isinstance(value, str)
    }
    if not codes:
        return {}
    from motcua.geo.models import AdministrativeUnit

    return dict(
        AdministrativeUnit.objects.filter(code__in=codes, parent__isnull=False).values_list("code", "name")
    )


def _extras(index: Mapping[str, FieldSpec], data: Mapping[str, Any], prefix: str) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for key, value in data.items():
        path = f"{prefix}{key}"
        spec = index.get(path)
        if spec is not None and spec.is_group and isinstance(value, Mapping):
            rows.extend(_extras(index, value, f"{path}."))
        elif spec is None and value not in ("", None, {}, []):
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            rows.append((path, shown))
    return rows


# --- components ---------------------------------------------------------------------------------------------


def components_required(
    version: ProcedureVersion, data: Any, components: Iterable[Component] | None = None
) -> set[int]:
    """Ids of the version's components required with these answers: every ``required`` one, and each
    ``conditional`` one whose ``required_when`` rule holds (without a rule it stays optional).
    ``components``: the version's components when the caller has already read them."""
    from motcua.catalog.models import Requirement

    answers: Mapping[str, Any] = {}
    if isinstance(data, Mapping):
        answers, _hidden = visible_answers(version_fields(version), copy_answers(data))
    required: set[int] = set()
    for component in version.components.all() if components is None else components:
        if component.requirement == Requirement.REQUIRED or (
            component.requirement == Requirement.CONDITIONAL
            and component.required_when
            and condition_holds(component.required_when, answers)
        ):
            required.add(component.pk)
    return required
