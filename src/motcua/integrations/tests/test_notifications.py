from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from motcua.integrations.models import Notification, NotificationStatus, SimulatedMessage
from motcua.integrations.notifications.base import channels
from motcua.integrations.services import MAX_ATTEMPTS, notification_queue

pytestmark = pytest.mark.django_db


def test_plugins_are_registered() -> None:
    assert {name for name, _ in channels} == {"email", "sms", "zalo"}


def test_sms_is_sent_after_commit(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_queue(
            channel="sms",
            recipient="+84 912 345 678",
            body="Hồ sơ 000.00.01.H24-261123-0001 đã được tiếp nhận.",
            reference="000.00.01.H24-261123-0001",
        )
        assert not SimulatedMessage.objects.exists()  # nothing leaves before the commit
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT and notification.attempts == 1
    message = SimulatedMessage.objects.get()
    assert (message.channel, message.recipient, message.reference) == (
        "sms",
        "0912345678",
        "000.00.01.H24-261123-0001",
    )


def test_rolled_back_action_sends_nothing(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notification_queue(channel="zalo", recipient="0912345678", body="x")
                raise RuntimeError("the action failed")
        except RuntimeError:
            pass
    assert callbacks == [] and not Notification.objects.exists() and not SimulatedMessage.objects.exists()


def test_failures_are_retried_then_given_up(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_queue(channel="sms", recipient="0999000111", body="x")
    notification.refresh_from_db()
    assert notification.attempts == MAX_ATTEMPTS and notification.status == NotificationStatus.FAILED
    assert "simulated failure" in notification.last_error


def test_email_channel(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification_queue(
            channel="email", recipient="Hoa@Example.vn", subject="Tiếp nhận hồ sơ", body="Nội dung"
        )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hoa@example.vn"]
    assert mail.outbox[0].subject == "Tiếp nhận hồ sơ"


@pytest.mark.parametrize(
    ("channel", "recipient"),
    [("sms", "12345"), ("zalo", "09123"), ("email", "not-an-email"), ("fax", "0912345678")],
)
def test_bad_recipient_or_channel_writes_nothing(channel: str, recipient: str) -> None:
    with pytest.raises(ValidationError):
        notification_queue(channel=channel, recipient=recipient, body="x")
    assert not Notification.objects.exists()


def test_simulator_inbox_is_readable_in_admin(client: Any, django_capture_on_commit_callbacks: Any) -> None:
    from motcua.accounts.models import User

    with django_capture_on_commit_callbacks(execute=True):
        notification_queue(
            channel="sms", recipient="0912345678", body="Kết quả đã sẵn sàng", reference="HS-1"
        )
    client.force_login(User.objects.create_superuser("root", "r@x.vn", "pw-Test-123456"))
    text = client.get("/quan-tri/integrations/simulatedmessage/").content.decode()
    assert "Kết quả đã sẵn sàng" in text and "0912345678" in text
