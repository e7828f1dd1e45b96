"""SMS simulator (named as such): stands in for an SMS brandname gateway in the demo and the tests."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.integrations.notifications.base import channels
from motcua.integrations.notifications.simulator import SimulatorChannel


@channels.register("sms")
class SmsSimulator(SimulatorChannel):
    identifier = "sms"
    label = _("SMS (simulator)")
