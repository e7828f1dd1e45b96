"""The contract of a population-database plugin.

The national population database (CSDLQG về dân cư) answers, for a 12-digit ID number, the person's
registered identity and residence. MotCua uses it to verify what a new account declares and to fill in the
applicant's details ("provide information once", NĐ 224/2026): on the portal for the account holder, at the
desk for the reception officer. Only authorised officers may query it, so every officer's look-up is written
to the audit log by the caller (``motcua.accounts.services.population_lookup_for_officer``).
"""

from __future__ import annotations

import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings

from motcua.integrations.registry import Registry


class PopulationUnavailable(Exception):
    """The register could not answer now (network, credentials, malformed answer)."""


@dataclass(frozen=True)
class PopulationRecord:
    id_number: str
    full_name: str
    date_of_birth: date
    sex: str  # "male" / "female", the values of dossiers.Sex
    permanent_address: str  # the registered permanent residence, as text
    commune_code: str  # the commune (5-digit code) of that residence
    ethnicity: str = ""


def names_match(left: str, right: str) -> bool:
    """Names compare without case, spacing or Unicode normalisation differences (but with diacritics:
    "Lê" and "Lệ" are two names)."""

    def canonical(name: str) -> str:
        return " ".join(unicodedata.normalize("NFC", name).casefold().split())

    return canonical(left) == canonical(right)


class PopulationRegistry(ABC):
    label: Any = ""

    @abstractmethod
    def lookup(self, id_number: str) -> PopulationRecord | None:
        """The person registered under ``id_number``, or None; raise ``PopulationUnavailable``."""

    def verify(self, id_number: str, full_name: str, date_of_birth: date) -> bool:
        """Whether the register knows ``id_number`` with this name and date of birth."""
        record = self.lookup(id_number)
        return (
            record is not None
            and record.date_of_birth == date_of_birth
            and names_match(record.full_name, full_name)
        )


population_registries: Registry[PopulationRegistry] = Registry("population registry")


def population_registry() -> PopulationRegistry:
    return population_registries[settings.MOTCUA_POPULATION_PROVIDER]
