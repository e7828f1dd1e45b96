from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.api.router import api


def openapi_text() -> str:
    """The OpenAPI document as committed: stable key order, UTF-8, trailing newline."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI document of /api/v1/ (committed at docs/api/openapi.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", type=Path, nargs="?", default=Path("docs/api/openapi.json"))

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["output"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(openapi_text(), encoding="utf-8")
        self.stdout.write(f"{path}")
