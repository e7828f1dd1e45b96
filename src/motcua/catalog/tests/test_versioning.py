from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from motcua.catalog.models import Procedure, ProcedureVersion, VersionStatus
from motcua.catalog.services import version_create_draft, version_publish, version_save


def birth() -> Procedure:
    return Procedure.objects.get(national_code="1.001193")


def test_editing_a_published_version_is_refused(catalog: Any) -> None:
    version = birth().current_version
    assert version is not None
    version.name = "Sửa trực tiếp"
    with pytest.raises(ValidationError):
        version_save(version)
    assert ProcedureVersion.objects.get(pk=version.pk).name == "Đăng ký khai sinh"


def test_new_version_copies_everything_and_publishing_archives_the_old(catalog: Any) -> None:
    procedure = birth()
    old = procedure.current_version
    assert old is not None
    draft = version_create_draft(procedure)
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    assert list(draft.components.values_list("code", flat=True)) == ["TP1", "TP2"]
    assert draft.components.get(code="TP1").template.name == old.components.get(code="TP1").template.name
    assert draft.levels.count() == 1 and draft.results.count() == 1 and draft.fees.count() == 1
    # A second request returns the same draft rather than a third version.
    assert version_create_draft(procedure).pk == draft.pk
    draft.name = "Đăng ký khai sinh (mới)"
    version_save(draft)
    # The public still sees version 1 until the draft is published.
    assert Procedure.objects.get(pk=procedure.pk).current_version_id == old.pk
    version_publish(draft, effective_from=date(2026, 12, 1))
    old.refresh_from_db()
    procedure.refresh_from_db()
    assert old.status == VersionStatus.ARCHIVED and old.effective_to == date(2026, 11, 30)
    assert procedure.current_version_id == draft.pk
    assert old.components.count() == 2  # the archived version keeps its own components


def test_only_drafts_are_published(catalog: Any) -> None:
    with pytest.raises(ValidationError):
        version_publish(birth().current_version)  # type: ignore[arg-type]


def test_a_draft_without_level_cannot_be_published(catalog: Any) -> None:
    draft = version_create_draft(birth())
    draft.levels.all().delete()
    with pytest.raises(ValidationError) as info:
        version_publish(draft)
    assert "levels" in info.value.message_dict
    assert ProcedureVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_zero_time_is_refused(catalog: Any) -> None:
    draft = version_create_draft(birth())
    draft.statutory_time = Decimal(0)
    with pytest.raises(ValidationError) as info:
        version_save(draft)
    assert "statutory_time" in info.value.message_dict
