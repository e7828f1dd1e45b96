from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.catalog import selectors
from motcua.catalog.transfer import catalog_export, procedure_list_csv
from motcua.geo.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Export a province's whole catalog as JSON, or its procedure list as CSV (--csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("province", help="Province code, e.g. 24")
        parser.add_argument(
            "--csv", action="store_true", help="Export the list of published procedures as CSV."
        )
        parser.add_argument("-o", "--output", help="Output file (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        province = AdministrativeUnit.objects.filter(level__rank=1, code=options["province"]).first()
        if province is None:
            raise CommandError(_("Unknown province code %(code)s") % {"code": options["province"]})
        if options["csv"]:
            text = procedure_list_csv(
                selectors.published_versions(selectors.ProcedureFilters(province=province.code))
            )
        else:
            text = json.dumps(catalog_export(province), ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text)
