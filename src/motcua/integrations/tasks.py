from __future__ import annotations

from django.tasks import task

from .services import notification_deliver_now


@task(queue_name="notifications")
def notification_deliver(notification_id: int) -> str:
    return notification_deliver_now(notification_id).status
