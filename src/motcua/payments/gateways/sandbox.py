"""The ``sandbox`` provider: the VNPay adapter pointed at MotCua's own simulator of the gateway.

The simulator (``motcua.payments.simulator``, served under ``/gia-lap/thanh-toan/``) plays VNPay's part
with its own merchant code and secret, so the demo and the tests run the real adapter's code end to end:
signed redirect, bank-like page, signed IPN and return, querydr.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import gateways
from .vnpay import VnpayConfig, VnpayGateway

SANDBOX_TMN_CODE = "MOTCUASB"


def sandbox_secret() -> str:
    """The simulator's hash secret: derived from SECRET_KEY, so it is private to the deployment."""
    return hmac.new(settings.SECRET_KEY.encode(), b"motcua-payments-sandbox", hashlib.sha256).hexdigest()


@gateways.register("sandbox")
class SandboxGateway(VnpayGateway):
    label = _("Payment gateway simulator")

    def config(self) -> VnpayConfig:
        base = settings.MOTCUA_PUBLIC_URL
        return VnpayConfig(
            tmn_code=SANDBOX_TMN_CODE,
            hash_secret=sandbox_secret(),
            pay_url=base + reverse("payments:sandbox-pay"),
            api_url=base + reverse("payments:sandbox-api"),
        )
