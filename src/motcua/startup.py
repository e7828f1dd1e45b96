"""What a server process does once Django is set up, before it serves (``wsgi.py``, ``asgi.py``).

It loads what the first requests would otherwise load (the URL patterns and the views they import, the
translation catalogs, the template engines, the public holidays of this year and the next — the
``holidays`` package imports the modules of all its 250 countries on first use, 0.6 s), then moves everything made so far out of the garbage
collector's reach (``gc.freeze``). Those objects live as long as the process; without the freeze, every full
collection walked them all again: in the benchmark of docs/performance.md a collection ran every other
request and the occasional full one paused a request for tens of milliseconds (0.21 ms of collector time
per back-office request on average; 0.09 ms after the freeze, the longest pause under 1 ms).
"""

from __future__ import annotations

import gc

from django.conf import settings
from django.template import engines
from django.urls import get_resolver
from django.utils import timezone, translation


def settle() -> None:
    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Dossiers")
    engines.all()  # builds each template engine (Jinja2's environment, Django's loaders)
    from motcua.workdays.calendar import library_years

    this_year = timezone.now().year
    library_years(this_year, this_year + 1)  # where received and due dates fall
    gc.freeze()
