"""Shared behaviour of the local SMS and Zalo simulators: they keep what they "send" in the database so
that an administrator can read the messages in the demo, and they can be told to fail for tests."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .base import DeliveryError, NotificationChannel, OutgoingMessage

VN_MOBILE = re.compile(r"^0\d{9}$")


class SimulatorChannel(NotificationChannel):
    identifier = ""
    # Recipients starting with this prefix make the simulator fail, to exercise retries.
    FAIL_PREFIX = "0999"

    def validate_recipient(self, recipient: str) -> str:
        number = re.sub(r"[\s.\-]", "", recipient)
        if number.startswith("+84"):
            number = "0" + number[3:]
        if not VN_MOBILE.match(number):
            raise ValueError(_("A Vietnamese mobile number has 10 digits and starts with 0."))
        return number

    def send(self, message: OutgoingMessage) -> str:
        from motcua.integrations.models import SimulatedMessage

        if message.recipient.startswith(self.FAIL_PREFIX):
            raise DeliveryError(f"simulated failure for {message.recipient}")
        sent = SimulatedMessage.objects.create(
            channel=self.identifier,
            recipient=message.recipient,
            body=message.body,
            reference=message.reference,
        )
        return f"sim-{sent.pk}"
