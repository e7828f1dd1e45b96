"""Reads about accounts: the signed-in user of a request, an applicant's population record."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from motcua.integrations.population.base import PopulationRecord, PopulationUnavailable, population_registry

from .models import User

logger = logging.getLogger(__name__)


def population_record_of(user: User) -> PopulationRecord | None:
    """The population database's record of a citizen account's *verified* ID number (None when the
    number is not verified, unknown, or the database is unavailable: the applicant then types)."""
    if user.kind != "citizen" or user.id_verified_at is None or not user.id_number:
        return None
    try:
        return population_registry().lookup(user.id_number)
    except PopulationUnavailable as exc:
        logger.warning("population database unavailable for account %s: %s", user.pk, exc)
        return None


def active_user(request: HttpRequest) -> User:
    """The request's signed-in, active user, or ``PermissionDenied``.

    ``request.user`` is a lazy proxy (the session is read on first use): each attribute read through it
    passes through two or three proxy methods, and a back-office page's role checks and menu read the user
    about a hundred times. Once it is read, the user itself replaces the proxy on the request, so that the
    view, the context processors and the templates read a plain object.
    """
    user = request.user
    if not isinstance(user, User) or not user.is_active:  # isinstance reads the session through the proxy
        raise PermissionDenied
    # A read proxy holds its object in ``_wrapped``; a plain user (a test's RequestFactory) has none.
    user = getattr(user, "_wrapped", user)
    request.user = user
    return user
