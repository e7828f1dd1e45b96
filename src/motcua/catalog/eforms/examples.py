"""Plausible answers to an e-form, for the demo dossiers: the applicant's own details where a field is filled
in from them, the schema's ``examples`` elsewhere, one of the offered choices, yes or no."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .answers import typed_answer, version_fields
from .conditions import visible_answers
from .spec import FieldSpec, set_path, walk

if TYPE_CHECKING:
    from motcua.catalog.models import ProcedureVersion

# Most declarations are the ordinary case: the first choice offered (e.g. "ordinary birth registration").
FIRST_CHOICE_SHARE = 0.7
YES_SHARE = 0.3
OPTIONAL_GROUP_SKIPPED = 0.15


def eform_example_answers(
    version: ProcedureVersion, applicant: Mapping[str, str], rng: random.Random
) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    skipped: set[str] = set()
    for spec in walk(version_fields(version)):
        if any(parent in skipped for parent in spec.parents):
            continue
        if spec.is_group:
            if not spec.required and rng.random() < OPTIONAL_GROUP_SKIPPED:
                skipped.add(spec.path)
            continue
        value = _example(spec, applicant, rng)
        if value is not None:
            set_path(answers, spec.path, value)
    visible, _hidden = visible_answers(version_fields(version), answers)
    return visible


def _example(spec: FieldSpec, applicant: Mapping[str, str], rng: random.Random) -> Any:
    source = spec.hints.get("prefill")
    if isinstance(source, str) and applicant.get(source):
        return typed_answer(spec, applicant[source])
    if spec.widget == "commune":
        return applicant.get("commune") or None
    if spec.schema.get("const") is not None:
        return spec.schema["const"]
    examples = spec.schema.get("examples")
    if isinstance(examples, list) and examples:
        return rng.choice(examples)
    if spec.choices:
        values = [value for value, _label in spec.choices]
        return values[0] if rng.random() < FIRST_CHOICE_SHARE else rng.choice(values)
    if spec.kind == "boolean":
        return rng.random() < YES_SHARE
    if spec.kind in ("integer", "number"):
        low = int(spec.schema.get("minimum", 1))
        high = int(spec.schema.get("maximum", low + 3))
        return rng.randint(low, max(low, min(high, low + 3)))
    return None
