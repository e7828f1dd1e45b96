from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from motcua.geo.services import units_load_two_tier


class Command(BaseCommand):
    help = "Load the 34 provinces and 3,321 commune-level units (two-tier structure since 1 Jul 2025)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = units_load_two_tier()
        self.stdout.write(
            _("Administrative units: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
        )
