"""Zalo OA message simulator (named as such): the demo's stand-in for Zalo notification messages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.integrations.notifications.base import channels
from motcua.integrations.notifications.simulator import SimulatorChannel


@channels.register("zalo")
class ZaloSimulator(SimulatorChannel):
    identifier = "zalo"
    label = _("Zalo (simulator)")
