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
        # The holidays of this year and the next are known: no request pays for the library's import.
        from django.utils import timezone

        from motcua.workdays.calendar import _library_year

        year = timezone.now().year
        _library_year.cache_clear()
        settle()
        assert _library_year.cache_info().currsize == 2
        assert _library_year.cache_info().hits == 0
        assert _library_year(year + 1).holidays
    finally:
        gc.unfreeze()
