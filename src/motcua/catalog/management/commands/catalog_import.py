from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.catalog.transfer import CatalogImportError, catalog_import


class Command(BaseCommand):
    help = "Import a whole catalog from a JSON file (all or nothing). Templates may be given as a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--templates", type=Path, help="Folder holding the template files named in the JSON."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        templates: dict[str, bytes] = {}
        if options["templates"]:
            templates = {p.name: p.read_bytes() for p in options["templates"].iterdir() if p.is_file()}
        try:
            report = catalog_import(path.read_bytes(), template_files=templates)
        except CatalogImportError as exc:
            for error in exc.errors:
                self.stderr.write(f"  - {error}")
            raise CommandError(
                _("The catalog was not imported (%(n)d problems); nothing was changed.")
                % {"n": len(exc.errors)}
            ) from exc
        for warning in report.warnings:
            self.stderr.write(f"  ! {warning}")
        self.stdout.write(
            _(
                "Imported: %(fc)d fields created, %(fu)d updated; %(pc)d procedures created; versions: "
                "%(vc)d created, %(vr)d replaced, %(vu)d unchanged."
            )
            % {
                "fc": report.fields_created,
                "fu": report.fields_updated,
                "pc": report.procedures_created,
                "vc": report.versions_created,
                "vr": report.versions_replaced,
                "vu": report.versions_unchanged,
            }
        )
