"""Loading administrative units from the ``vietnam-provinces`` package."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .models import AdministrativeUnit, Level

PROVINCE_LEVEL = "province"
COMMUNE_LEVEL = "commune"


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int
    unchanged: int


def levels_ensure() -> tuple[Level, Level]:
    province, _ = Level.objects.get_or_create(code=PROVINCE_LEVEL, defaults={"name": "Cấp tỉnh", "rank": 1})
    commune, _ = Level.objects.get_or_create(code=COMMUNE_LEVEL, defaults={"name": "Cấp xã", "rank": 2})
    return province, commune


@transaction.atomic
def units_load_two_tier() -> LoadReport:
    """Create or update the 34 provinces and 3,321 communes; idempotent (a second run changes nothing)."""
    from vietnam_provinces import Province, Ward

    province_level, commune_level = levels_ensure()
    created = updated = unchanged = 0

    existing = {
        (u.level_id, u.code): u
        for u in AdministrativeUnit.objects.filter(level__in=[province_level, commune_level])
    }
    to_create: list[AdministrativeUnit] = []
    to_update: list[AdministrativeUnit] = []

    def upsert(level: Level, code: str, name: str, division: str, parent: AdministrativeUnit | None) -> None:
        nonlocal unchanged
        unit = existing.get((level.pk, code))
        if unit is None:
            unit = AdministrativeUnit(
                level=level, code=code, name=name, division_type=division, parent=parent
            )
            to_create.append(unit)
            existing[(level.pk, code)] = unit
            return
        new = (name, division, parent.pk if parent else None, True)
        if (unit.name, unit.division_type, unit.parent_id, unit.is_active) == new:
            unchanged += 1
            return
        unit.name, unit.division_type, unit.parent, unit.is_active = name, division, parent, True
        to_update.append(unit)

    for p in Province.iter_all():
        upsert(province_level, f"{int(p.code):02d}", p.name, str(p.division_type), None)
    AdministrativeUnit.objects.bulk_create(to_create)
    created += len(to_create)
    provinces = {u.code: u for u in AdministrativeUnit.objects.filter(level=province_level)}
    for unit in provinces.values():
        existing[(province_level.pk, unit.code)] = unit
    to_create = []

    for w in Ward.iter_all():
        upsert(
            commune_level,
            f"{int(w.code):05d}",
            w.name,
            str(w.division_type),
            provinces[f"{int(w.province_code):02d}"],
        )
    AdministrativeUnit.objects.bulk_create(to_create, batch_size=500)
    created += len(to_create)
    AdministrativeUnit.objects.bulk_update(
        to_update, ["name", "division_type", "parent", "is_active"], batch_size=500
    )
    updated = len(to_update)
    return LoadReport(created=created, updated=updated, unchanged=unchanged)
