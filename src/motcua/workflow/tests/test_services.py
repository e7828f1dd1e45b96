"""Activation, versions, the default process and the split of the statutory time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from motcua.catalog.models import ProcedureVersion
from motcua.geo.models import Level
from motcua.org.models import Agency

from ..models import Action, DefinitionStatus, ProcessDefinition, Step
from ..selectors import active_definition_for
from ..services import (
    definition_activate,
    definition_default_create,
    definition_new_version,
    definition_save,
    step_durations,
)
from ..validation import definition_problems
from .factories import LINEAR_ACTIONS, LINEAR_STEPS, build, procedure


def test_activation_refused_leaves_nothing_changed(catalog: Any) -> None:
    proc = procedure()
    active = definition_default_create(proc)
    broken = build(proc, [*LINEAR_STEPS, ("lost", 0, False)], [*LINEAR_ACTIONS, ("lost", "refuse", None)])
    with pytest.raises(ValidationError) as refused:
        definition_activate(broken)
    assert refused.value.messages == ["step 'lost': not reachable from the start"]
    broken.refresh_from_db()
    active.refresh_from_db()
    assert broken.status == DefinitionStatus.DRAFT and broken.activated_at is None
    assert active.status == DefinitionStatus.ACTIVE and active.retired_at is None


def test_activation_retires_the_previous_one(catalog: Any) -> None:
    proc = procedure()
    first = definition_default_create(proc)
    second = build(proc, LINEAR_STEPS, LINEAR_ACTIONS)
    assert second.number == 2
    definition_activate(second)
    first.refresh_from_db()
    assert first.status == DefinitionStatus.RETIRED and first.retired_at is not None
    assert second.status == DefinitionStatus.ACTIVE
    assert active_definition_for(proc) == second
    with pytest.raises(ValidationError):
        definition_activate(first)  # only a draft is activated


def test_database_allows_one_active_definition_per_scope(catalog: Any) -> None:
    proc = procedure()
    definition_default_create(proc)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessDefinition.objects.create(procedure=proc, number=9, name="x", status=DefinitionStatus.ACTIVE)


def test_active_definition_is_never_edited_in_place(catalog: Any) -> None:
    definition = definition_default_create(procedure())
    definition.name = "Đổi tên"
    with pytest.raises(ValidationError):
        definition_save(definition)


def test_new_version_clones_steps_and_actions(catalog: Any) -> None:
    original = definition_default_create(procedure())
    draft = definition_new_version(original)
    assert (draft.number, draft.status, draft.name) == (2, DefinitionStatus.DRAFT, original.name)
    assert list(
        draft.steps.values_list("code", "role", "unit", "share_percent", "is_start", "position")
    ) == list(original.steps.values_list("code", "role", "unit", "share_percent", "is_start", "position"))

    def shape(definition: ProcessDefinition) -> list[tuple[str, str, str | None, str]]:
        return [
            (a.from_step.code, a.kind, a.to_step.code if a.to_step else None, a.label)
            for a in definition.actions.select_related("from_step", "to_step")
        ]

    assert shape(draft) == shape(original)
    assert not Action.objects.filter(definition=draft).exclude(from_step__definition=draft).exists()
    assert (
        not Action.objects.filter(definition=draft, to_step__isnull=False)
        .exclude(to_step__definition=draft)
        .exists()
    )
    assert Step.objects.filter(definition=original).count() == 5  # the original is untouched
    definition_activate(draft)
    original.refresh_from_db()
    assert original.status == DefinitionStatus.RETIRED


def test_default_process_is_sound_and_splits_the_whole_time(catalog: Any) -> None:
    proc = procedure("9.000002")
    definition = definition_default_create(proc)
    assert definition.status == DefinitionStatus.ACTIVE
    assert definition_problems(definition) == []
    assert [s.code for s in definition.steps.all()] == [
        "tiep-nhan",
        "tham-dinh",
        "xem-xet",
        "phe-duyet",
        "tra-ket-qua",
    ]
    version = proc.current_version
    assert isinstance(version, ProcedureVersion) and version.statutory_time == Decimal(3)
    durations = step_durations(definition, version)
    assert durations["tham-dinh"] == Decimal("1.8")
    assert sum(durations.values()) == version.statutory_time


def test_half_day_statutory_time_splits_exactly(catalog: Any) -> None:
    proc = procedure("1.001193")
    definition = definition_default_create(proc)
    assert proc.current_version is not None
    durations = step_durations(definition, proc.current_version)
    assert durations["tiep-nhan"] == Decimal("0.025")
    assert sum(durations.values()) == Decimal("0.5")


def test_most_specific_active_definition_wins(catalog: Any, org: dict[str, Agency]) -> None:
    proc = procedure()
    commune = Level.objects.get(code="commune")
    assert active_definition_for(proc) is None
    generic = definition_default_create(proc)
    by_level = definition_default_create(proc, level=commune)
    by_agency = definition_default_create(proc, agency=org["commune"])
    both = definition_default_create(proc, agency=org["commune"], level=commune)
    assert {d.number for d in (generic, by_level, by_agency, both)} == {1}  # numbered per scope
    assert active_definition_for(proc) == generic
    assert active_definition_for(proc, level=commune) == by_level
    assert active_definition_for(proc, agency=org["commune"]) == by_agency
    assert active_definition_for(proc, agency=org["commune"], level=commune) == both
    assert active_definition_for(proc, agency=org["justice"], level=commune) == by_level
    both.status = DefinitionStatus.RETIRED
    both.save()
    assert active_definition_for(proc, agency=org["commune"], level=commune) == by_agency


def test_process_plan_reads_what_the_selector_and_the_step_query_give(
    catalog: Any, org: dict[str, Agency]
) -> None:
    from ..engine import process_plan

    proc = procedure()
    commune = Level.objects.get(code="commune")
    # Agencies with a level take the compiled read; any without one, the selector itself.
    agencies = list(Agency.objects.select_related("level").order_by("pk"))

    def check() -> None:
        for agency in agencies:
            expected = active_definition_for(proc, agency=agency, level=agency.level, rows=False)
            plan = process_plan(proc, agency)
            if expected is None:
                assert plan is None
                continue
            assert plan is not None and plan.definition == expected
            assert (
                plan.start == Step.objects.filter(definition=expected, is_start=True).order_by("id").first()
            )

    check()  # no definition at all
    generic = definition_default_create(proc)
    check()
    definition_default_create(proc, level=commune)
    check()
    both = definition_default_create(proc, agency=org["commune"], level=commune)
    definition_default_create(proc, agency=org["commune"])
    check()
    both.status = DefinitionStatus.RETIRED
    both.save()
    generic.status = DefinitionStatus.RETIRED
    generic.save()
    check()
