from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.accounts.demo import demo_applicant_accounts, demo_applicants_create
from motcua.catalog.demo_templates import declaration_docx
from motcua.catalog.models import Procedure
from motcua.catalog.transfer import catalog_import
from motcua.dossiers.demo import demo_dossiers_create
from motcua.dossiers.demo_applicants import demo_applicant_journeys_create
from motcua.feedback.demo import demo_ratings_create
from motcua.geo.services import units_load_two_tier
from motcua.integrations.population.contrib.simulator.demo import demo_citizens_create
from motcua.org.demo import DEMO_PASSWORD, demo_accounts, demo_organisation_create
from motcua.org.models import Agency
from motcua.payments.demo import demo_payments_create
from motcua.signing.ca import ca_dir
from motcua.signing.demo import demo_signing_create
from motcua.workflow.services import definition_default_create

DEMO_CATALOG = Path(__file__).resolve().parents[3] / "catalog" / "demo" / "catalog.json"


def demo_template_files(catalog: dict[str, Any]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for procedure in catalog["procedures"]:
        for version in procedure["versions"]:
            for component in version.get("components", []):
                name = component.get("template")
                if name and name not in files:
                    files[name] = declaration_docx(component["name"], version["name"])
    return files


class Command(BaseCommand):
    help = "Load the demo province (administrative units, organisation, accounts, catalog)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when agencies already exist.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Agency.objects.exists():
            self.stdout.write(_("The database already holds data; demo data not loaded again."))
        else:
            with transaction.atomic():
                report = units_load_two_tier()
                self.stdout.write(_("Administrative units: %(n)d created.") % {"n": report.created})
                demo_organisation_create()
                citizens = demo_citizens_create()
                demo_applicants_create()
                raw = DEMO_CATALOG.read_text(encoding="utf-8")
                catalog_report = catalog_import(raw, template_files=demo_template_files(json.loads(raw)))
                # Step names of the default processes are data: create them in Vietnamese.
                with translation.override("vi"):
                    for procedure in Procedure.objects.filter(current_version__isnull=False):
                        definition_default_create(procedure)
                dossiers = demo_dossiers_create()
                signing = demo_signing_create()
                payments = demo_payments_create()
                journeys = demo_applicant_journeys_create()
                ratings = demo_ratings_create()
            self.stdout.write(
                _(
                    "Population database simulator: %(n)d demo citizens (they log in at the digital-ID simulator "
                    "with the demo password)."
                )
                % {"n": citizens}
            )
            self.stdout.write(
                _("Demo catalog: %(p)d procedures, %(v)d versions.")
                % {"p": catalog_report.procedures_created, "v": catalog_report.versions_created}
            )
            self.stdout.write(
                _(
                    "Demo dossiers: %(n)d received; %(p)d in progress (%(a)d with an apology), %(w)d waiting for "
                    "a supplement, %(f)d finished, %(t)d returned, %(r)d refused, %(x)d withdrawn."
                )
                % {
                    "a": dossiers.apologised,
                    "x": dossiers.withdrawn,
                    "n": dossiers.received,
                    "p": dossiers.in_progress,
                    "w": dossiers.waiting,
                    "f": dossiers.finished,
                    "t": dossiers.returned,
                    "r": dossiers.refused,
                }
            )
            self.stdout.write(
                _(
                    "Digital signatures: the demo certificate authority is in %(path)s; %(c)d leader certificates, "
                    "%(e)d unit seals, %(s)d results signed."
                )
                % {"path": ca_dir(), "c": signing.certificates, "e": signing.seals, "s": signing.signed}
            )
            self.stdout.write(
                _(
                    "Demo payments: %(o)d paid online (gateway simulator), %(c)d in cash, each with its receipt."
                )
                % {"o": payments.online, "c": payments.cash}
            )
            self.stdout.write(
                _(
                    "Demo applicants' journeys: %(s)d online submissions, %(d)d dossiers, %(k)d documents "
                    "digitised into their data stores."
                )
                % {"s": journeys.submissions, "d": journeys.dossiers, "k": journeys.stored}
            )
            self.stdout.write(
                _(
                    "Demo ratings: %(n)d finished or returned dossiers rated by their applicants (%(a)d demo "
                    "applicant accounts created for them)."
                )
                % {"n": ratings.rated, "a": ratings.accounts}
            )
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (password for all: %(password)s):") % {"password": DEMO_PASSWORD})
        for account in demo_accounts():
            self.stdout.write(f"  {account.username:<22} {account.full_name:<20} {account.roles}")
        self.stdout.write(_("Applicant accounts (portal log-in at /dang-nhap/):"))
        for account in demo_applicant_accounts():
            self.stdout.write(f"  {account.username:<22} {account.full_name:<20} {account.roles}")
        self.stdout.write("")
        self.stdout.write(
            _(
                "Public portal: http://127.0.0.1:8000/   One-stop office: http://127.0.0.1:8000/mot-cua/   "
                "Administration: http://127.0.0.1:8000/quan-tri/"
            )
        )
