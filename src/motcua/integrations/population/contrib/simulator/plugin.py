"""The population-database simulator (mô phỏng CSDL dân cư): demo citizens kept in MotCua's own table
(``integrations.SimulatedCitizen``, filled by ``demo_seed``). It also answers over HTTP (``views.py``) in
the shape the ``http`` adapter expects, so that adapter is tested end to end against it."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from motcua.integrations.models import SimulatedCitizen
from motcua.integrations.population.base import PopulationRecord, PopulationRegistry, population_registries


def record_of(citizen: SimulatedCitizen) -> PopulationRecord:
    born = citizen.date_of_birth
    assert isinstance(born, date)
    return PopulationRecord(
        id_number=citizen.id_number,
        full_name=citizen.full_name,
        date_of_birth=born,
        sex=citizen.sex,
        permanent_address=citizen.permanent_address,
        commune_code=citizen.commune_code,
        ethnicity=citizen.ethnicity,
    )


@population_registries.register("simulator")
class PopulationSimulator(PopulationRegistry):
    label = _("Population database (simulator)")

    def lookup(self, id_number: str) -> PopulationRecord | None:
        citizen = SimulatedCitizen.objects.filter(id_number=id_number).first()
        return record_of(citizen) if citizen is not None else None
