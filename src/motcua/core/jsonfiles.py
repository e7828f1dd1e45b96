"""Reading an uploaded JSON file against a JSON Schema, with every problem reported as
"where › field: what" so that an administrator can find the record in the file.

Shared by the catalog and the process-definition imports; each supplies how a record names itself."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jsonschema
from django.utils.translation import gettext as _

RecordLabel = Callable[[Mapping[str, Any]], str | None]


def json_path(path: Iterable[Any], data: Any, label: RecordLabel) -> str:
    """Turn a JSON path into 'procedures[3] (1.001193) › versions[0] › code' using ``label`` for list items."""
    parts: list[str] = []
    node: Any = data
    for step in path:
        if isinstance(step, int):
            text = f"[{step}]"
            try:
                node = node[step]
            except (IndexError, KeyError, TypeError):
                node = None
            if isinstance(node, Mapping):
                name = label(node)
                if name is not None:
                    text += f" ({name})"
            parts[-1] = parts[-1] + text if parts else text
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, Mapping) else None
    return " › ".join(parts) or _("(file)")


def json_parse(
    raw: bytes | str, schema: dict[str, Any], label: RecordLabel, limit: int
) -> tuple[Any, list[str]]:
    """The decoded document and the list of its problems (empty when it is valid against ``schema``)."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [_("The file is not valid JSON: %(error)s") % {"error": exc}]
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    problems: list[str] = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        problems.append(f"{json_path(error.absolute_path, data, label)}: {error.message}")
        if len(problems) >= limit:
            break
    return data, problems
