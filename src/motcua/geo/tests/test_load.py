from __future__ import annotations

from typing import Any

from django.core.management import call_command

from motcua.geo.models import AdministrativeUnit, Level
from motcua.geo.services import units_load_two_tier


def test_load_all_units_twice(db: Any) -> None:
    first = units_load_two_tier()
    assert first.created == 34 + 3321
    assert AdministrativeUnit.objects.filter(level__code="province").count() == 34
    assert AdministrativeUnit.objects.filter(level__code="commune").count() == 3321
    hanoi = AdministrativeUnit.objects.get(level__code="province", code="01")
    ba_dinh = AdministrativeUnit.objects.get(level__code="commune", code="00004")
    assert ba_dinh.parent == hanoi and ba_dinh.name == "Phường Ba Đình"
    second = units_load_two_tier()
    assert (second.created, second.updated, second.unchanged) == (0, 0, 34 + 3321)
    assert AdministrativeUnit.objects.count() == 34 + 3321


def test_a_renamed_unit_is_restored(db: Any) -> None:
    units_load_two_tier()
    AdministrativeUnit.objects.filter(code="00004").update(name="Sai tên")
    report = units_load_two_tier()
    assert report.updated == 1
    assert AdministrativeUnit.objects.get(code="00004").name == "Phường Ba Đình"


def test_levels_are_data_old_three_tier_structure(db: Any) -> None:
    units_load_two_tier()
    district = Level.objects.create(code="district", name="Cấp huyện", rank=2)
    Level.objects.filter(code="commune").update(rank=3)
    province = AdministrativeUnit.objects.get(code="24", level__code="province")
    old = AdministrativeUnit.objects.create(
        level=district, code="213", name="Huyện Yên Phong", parent=province, is_active=False
    )
    assert [lv.code for lv in Level.objects.all()] == ["province", "district", "commune"]
    assert old in province.children.all()


def test_command(db: Any, capsys: Any) -> None:
    call_command("load_admin_units")
    assert "3355" in capsys.readouterr().out
