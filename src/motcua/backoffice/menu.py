"""The back office's menu, rendered once per process for each set of what it depends on.

Every back-office page shows the same menu: its links differ only by the page's own entry, the language,
the site's URL prefix and the officer's rights — an entry is shown only to those its page lets in (the
rights are read from the roles the request has already loaded: no query). Reversing its eleven URLs and
translating its labels took about a millisecond of every page; the rendered menu is kept here instead,
keyed by those values (a few hundred entries at most, so no eviction is needed).
"""

from __future__ import annotations

import time
from typing import Any

from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.translation import get_language
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from motcua.dossiers.selectors import VIEW_CAPABILITIES
from motcua.org.models import RECEIVING_KINDS, Agency
from motcua.org.scoping import AnyUser, Capability, agency_ids_for_any, can

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
        **menu_rights(user),
        "may_view_ratings": flag("may_view_ratings"),
        "may_sign_results": flag("may_sign_results"),
        "is_staff": bool(getattr(user, "is_staff", False)),
    }
    key = (get_language(), get_script_prefix(), *menu.values())
    rendered = _RENDERED.get(key)
    if rendered is None:
        rendered = _RENDERED[key] = Markup(get_template("backoffice/_menu.html").render(menu))
    return rendered


def menu_rights(user: AnyUser) -> dict[str, bool]:
    """Which entries ``user`` may open, by the same capabilities their pages check: reception and the
    online queue ``dossier_receive`` at a receiving unit; the register that or ``monitor`` over one; the dossiers,
    document search and payments any capability that shows dossiers; digitisation processing, review,
    catalog management or ``monitor`` (which sees its figures)."""

    def holds(*capabilities: Capability) -> bool:
        return any(can(user, capability, None) for capability in capabilities)

    sees_dossiers = holds(*VIEW_CAPABILITIES)

    def at_a_receiving_unit(capability: Capability) -> bool:
        # Reception and the register are pages of service centres and one-stop desks: a role in a
        # department has none under it, a role in a district or the province has some.
        if not holds(capability):
            return False
        ids = agency_ids_for_any(user, [capability])
        return ids is None or not _receiving_unit_ids().isdisjoint(ids)

    may_receive = at_a_receiving_unit(Capability.DOSSIER_RECEIVE)
    may_register = may_receive or at_a_receiving_unit(Capability.MONITOR)
    return {
        "may_receive": may_receive,
        "may_register": may_register,
        "may_see_dossiers": sees_dossiers,
        "may_digitise": holds(
            Capability.DOSSIER_PROCESS,
            Capability.DOSSIER_REVIEW,
            Capability.CATALOG_MANAGE,
            Capability.MONITOR,
        ),
        "may_see_payments": sees_dossiers or bool(getattr(user, "is_superuser", False)),
    }


# The ids of the active service centres and one-stop desks, re-read at most every five minutes: they change when an
# administrator reorganises the province, and a stale entry only shows or hides a menu link for a while
# (the register page checks again).
_RECEIVING: tuple[float, frozenset[int]] = (0.0, frozenset())
RECEIVING_MAX_AGE = 300.0


def _receiving_unit_ids() -> frozenset[int]:
    global _RECEIVING
    read_at, ids = _RECEIVING
    if time.monotonic() - read_at > RECEIVING_MAX_AGE:
        active = Agency.objects.filter(kind__in=RECEIVING_KINDS, is_active=True)
        ids = frozenset(active.values_list("pk", flat=True))
        _RECEIVING = (time.monotonic(), ids)
    return ids


def forget_receiving_units() -> None:
    """Read the receiving units again at the next menu (tests; an agency saved in this process)."""
    global _RECEIVING
    _RECEIVING = (0.0, frozenset())
