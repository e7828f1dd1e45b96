"""A population-database look-up service over HTTP (the province's connection to CSDLQG về dân cư,
typically through its data-sharing platform, LGSP/NDXP).

Assumed interface [L] (see docs/accounts.md): ``GET <MOTCUA_POPULATION_URL>/citizens/<id_number>`` with
``Authorization: Bearer <MOTCUA_POPULATION_TOKEN>``; 200 with a JSON object (``id_number``, ``full_name``,
``date_of_birth`` as YYYY-MM-DD, ``sex`` male/female, ``ethnicity``, ``permanent_address``,
``commune_code``), 404 when the number is unknown. Anything else is "unavailable", never "not found".
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.integrations.population.base import (
    PopulationRecord,
    PopulationRegistry,
    PopulationUnavailable,
    population_registries,
)
from motcua.integrations.transport import transport


def record_parse(payload: Any, id_number: str) -> PopulationRecord:
    if not isinstance(payload, dict):
        raise PopulationUnavailable("the answer is not a JSON object")
    try:
        record = PopulationRecord(
            id_number=str(payload["id_number"]),
            full_name=str(payload["full_name"]),
            date_of_birth=date.fromisoformat(str(payload["date_of_birth"])),
            sex=str(payload.get("sex") or ""),
            permanent_address=str(payload.get("permanent_address") or ""),
            commune_code=str(payload.get("commune_code") or ""),
            ethnicity=str(payload.get("ethnicity") or ""),
        )
    except (KeyError, ValueError) as exc:
        raise PopulationUnavailable(f"malformed answer: {exc}") from exc
    if record.id_number != id_number:
        raise PopulationUnavailable("the answer is about another ID number")
    return record


@population_registries.register("http")
class PopulationHttp(PopulationRegistry):
    label = _("Population database (HTTP service)")

    def lookup(self, id_number: str) -> PopulationRecord | None:
        base = settings.MOTCUA_POPULATION_URL
        if not base:
            raise PopulationUnavailable("MOTCUA_POPULATION_URL is not set")
        headers = {"Accept": "application/json"}
        if settings.MOTCUA_POPULATION_TOKEN:
            headers["Authorization"] = f"Bearer {settings.MOTCUA_POPULATION_TOKEN}"
        try:
            status, body = transport().get(f"{base}/citizens/{quote(id_number, safe='')}", headers)
        except OSError as exc:
            raise PopulationUnavailable(str(exc)) from exc
        if status == 404:
            return None
        if status != 200:
            raise PopulationUnavailable(f"HTTP {status}")
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise PopulationUnavailable("the answer is not JSON") from exc
        return record_parse(payload, id_number)
