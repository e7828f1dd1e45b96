"""Identity providers (digital-ID login) as plugins; see base.py for the contract."""

from __future__ import annotations

from importlib import import_module

CONTRIB = ("oidc", "vneid_simulator")


def contrib_load() -> None:
    for name in CONTRIB:
        import_module(f"{__name__}.contrib.{name}.plugin")
