from __future__ import annotations

from typing import Any

from django.tasks import task


@task(queue_name="payments")
def sandbox_ipn_send(txn_id: int) -> dict[str, Any]:
    """The payment simulator's server-to-server notification (like the real gateway's, after payment)."""
    from .simulator import simulated_ipn_send

    return simulated_ipn_send(txn_id)


@task(queue_name="payments")
def payments_reconcile_task(older_than_minutes: int = 15) -> dict[str, int]:
    """Periodic reconciliation (schedule it with the worker's scheduler or cron)."""
    from datetime import timedelta

    from .services import payments_reconcile

    report = payments_reconcile(older_than=timedelta(minutes=older_than_minutes))
    return {
        "checked": report.checked,
        "paid": report.paid,
        "failed": report.failed,
        "expired": report.expired,
        "still_pending": report.still_pending,
        "errors": len(report.errors),
    }
