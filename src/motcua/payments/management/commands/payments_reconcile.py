from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.payments.services import payments_reconcile


class Command(BaseCommand):
    help = "Query the payment gateway about pending online payments; settle, fail or expire them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than", type=int, default=15, help="Only payments pending for at least this many minutes."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = payments_reconcile(older_than=timedelta(minutes=options["older_than"]))
        self.stdout.write(
            _(
                "Reconciliation: %(checked)d checked, %(paid)d paid, %(failed)d failed, %(expired)d expired, "
                "%(pending)d still pending."
            )
            % {
                "checked": report.checked,
                "paid": report.paid,
                "failed": report.failed,
                "expired": report.expired,
                "pending": report.still_pending,
            }
        )
        for error in report.errors:
            self.stderr.write(error)
