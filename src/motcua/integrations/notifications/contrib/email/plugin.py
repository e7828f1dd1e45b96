"""E-mail through Django's mail backend (the console backend in the demo)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from motcua.integrations.notifications.base import (
    DeliveryError,
    NotificationChannel,
    OutgoingMessage,
    channels,
)


@channels.register("email")
class EmailChannel(NotificationChannel):
    label = _("E-mail")

    def validate_recipient(self, recipient: str) -> str:
        validate_email(recipient)
        return recipient.strip().lower()

    def send(self, message: OutgoingMessage) -> str:
        email = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient])
        try:
            email.send(fail_silently=False)
        except OSError as exc:  # SMTP and socket failures
            raise DeliveryError(str(exc)) from exc
        return email.extra_headers.get("Message-ID", "")
