"""The back office's menu, rendered once per process for each set of what it depends on.

Every back-office page shows the same menu: its links differ only by the page's own entry, the language,
the site's URL prefix and three rights of the officer (ratings, signing, administration). Reversing its
eleven URLs and translating its labels took about a millisecond of every page; the rendered menu is kept
here instead, keyed by those values (a few dozen entries at most, so no eviction is needed).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.translation import get_language
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

_RENDERED: dict[tuple[Any, ...], Markup] = {}


@pass_context
def backoffice_menu(context: Context) -> Markup:
    """``{{ backoffice_menu() }}`` in a page: the menu for its ``nav`` entry and the officer's rights
    (``may_view_ratings`` and ``may_sign_results`` come as callables from ``core.context_processors``)."""

    def flag(name: str) -> bool:
        value = context.get(name)
        return bool(value() if callable(value) else value)

    user = context.get("user")
    menu = {
        "nav": str(context.get("nav") or ""),
        "may_view_ratings": flag("may_view_ratings"),
        "may_sign_results": flag("may_sign_results"),
        "is_staff": bool(getattr(user, "is_staff", False)),
    }
    key = (get_language(), get_script_prefix(), *menu.values())
    rendered = _RENDERED.get(key)
    if rendered is None:
        rendered = _RENDERED[key] = Markup(get_template("backoffice/_menu.html").render(menu))
    return rendered
