"""Reads about applicant accounts."""

from __future__ import annotations

import logging

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
