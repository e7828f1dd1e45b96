from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _


def site(request: HttpRequest) -> dict[str, Any]:
    return {"site_name": settings.MOTCUA_SITE_NAME or _("Public administrative service portal")}


def officer_nav(request: HttpRequest) -> dict[str, Any]:
    """Menu entries that depend on the officer's roles; evaluated only by templates that show them (a
    callable), and from the per-request role cache of ``motcua.org.scoping``."""
    from motcua.org.scoping import Capability, can

    def may_sign_results() -> bool:
        return can(request.user, Capability.RESULT_SIGN, None)

    def may_view_ratings() -> bool:
        return can(request.user, Capability.RATINGS_VIEW, None)

    return {"may_sign_results": may_sign_results, "may_view_ratings": may_view_ratings}
