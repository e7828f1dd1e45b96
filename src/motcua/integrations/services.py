"""Queueing notifications. Callers write inside their own transaction; delivery starts after commit."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import default_task_backend
from django.utils import timezone

from .models import Notification, NotificationStatus
from .notifications.base import DeliveryError, OutgoingMessage, channels

MAX_ATTEMPTS = 5
# Waits before the 2nd, 3rd… attempt: a gateway outage of up to about half an hour is ridden out.
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=20))


def notification_queue(
    *, channel: str, recipient: str, body: str, subject: str = "", reference: str = ""
) -> Notification:
    if channel not in channels:
        raise ValidationError({"channel": f"unknown channel {channel}"})
    try:
        normalised = channels[channel].validate_recipient(recipient)
    except ValueError as exc:
        raise ValidationError({"recipient": str(exc)}) from exc
    notification = Notification.objects.create(
        channel=channel, recipient=normalised, subject=subject, body=body, reference=reference
    )
    transaction.on_commit(lambda: _enqueue(notification.pk, attempt=1))
    return notification


def _enqueue(notification_id: int, *, attempt: int) -> None:
    from .tasks import notification_deliver

    task = notification_deliver
    if attempt > 1 and default_task_backend.supports_defer:
        task = task.using(run_after=timezone.now() + BACKOFF[min(attempt - 2, len(BACKOFF) - 1)])
    task.enqueue(notification_id)


def notification_deliver_now(notification_id: int) -> Notification:
    """One delivery attempt (run by the background task). Idempotent: a sent message is never re-sent."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        if notification.status in (NotificationStatus.SENT, NotificationStatus.FAILED):
            return notification
        notification.attempts += 1
        message = OutgoingMessage(
            notification.recipient, notification.subject, notification.body, notification.reference
        )
        try:
            notification.provider_id = channels[notification.channel].send(message)[:255]
        except DeliveryError as exc:
            notification.last_error = str(exc)
            notification.status = (
                NotificationStatus.FAILED
                if notification.attempts >= MAX_ATTEMPTS
                else NotificationStatus.RETRYING
            )
        else:
            notification.status = NotificationStatus.SENT
            notification.sent_at = timezone.now()
            notification.last_error = ""
        notification.save()
    if notification.status == NotificationStatus.RETRYING:
        _enqueue(notification.pk, attempt=notification.attempts + 1)
    return notification
