"""A server process settles before serving: the URLconf and template engines loaded, startup objects frozen."""

from __future__ import annotations

import gc

from motcua.startup import settle


def test_settle_loads_the_urls_and_freezes_what_was_made() -> None:
    from django.urls import get_resolver

    gc.unfreeze()
    try:
        settle()
        assert gc.get_freeze_count() > 10_000
        assert "url_patterns" in get_resolver().__dict__  # loaded, kept on the resolver
    finally:
        gc.unfreeze()
