"""Payment gateways as plugins; see base.py for the contract.

``vnpay`` speaks VNPay's 2.1.0 protocol to the real gateway; ``sandbox`` is the same adapter pointed at
MotCua's own simulator of that gateway (``/gia-lap/thanh-toan/``), used by the demo and the tests.
"""

from __future__ import annotations

from importlib import import_module

PROVIDERS = ("vnpay", "sandbox")


def providers_load() -> None:
    for name in PROVIDERS:
        import_module(f"{__name__}.{name}")
