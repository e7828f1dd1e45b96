"""The contract of a notification channel plugin.

A channel delivers one message to one recipient (an e-mail address, a phone number, a Zalo user id) or
raises ``DeliveryError``; the outbox (``Notification``) and the background task handle retries, so a
plugin never retries by itself and never blocks a request.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from motcua.integrations.registry import Registry


class DeliveryError(Exception):
    """The channel could not deliver now; the message will be retried."""


@dataclass(frozen=True)
class OutgoingMessage:
    recipient: str
    subject: str
    body: str
    reference: str  # what it is about, e.g. a dossier code


class NotificationChannel(ABC):
    label: Any = ""

    @abstractmethod
    def validate_recipient(self, recipient: str) -> str:
        """Return the normalised recipient or raise ValueError with a clear message."""

    @abstractmethod
    def send(self, message: OutgoingMessage) -> str:
        """Deliver, returning the provider's message id; raise DeliveryError when it fails."""


channels: Registry[NotificationChannel] = Registry("notification channel")
