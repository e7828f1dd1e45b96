"""What makes a process definition unfit to be activated."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from motcua.org.models import Role

from ..models import Action, ActionKind, Step, StepUnit
from ..validation import definition_problems, graph_problems
from .factories import LINEAR_ACTIONS, LINEAR_STEPS, build, procedure


def test_linear_process_is_sound(catalog: Any) -> None:
    assert definition_problems(build(procedure(), LINEAR_STEPS, LINEAR_ACTIONS)) == []


def test_unreachable_step(catalog: Any) -> None:
    definition = build(
        procedure(),
        [*LINEAR_STEPS, ("tham-dinh", 0, False)],
        [*LINEAR_ACTIONS, ("tham-dinh", "refuse", None)],
    )
    assert definition_problems(definition) == ["step 'tham-dinh': not reachable from the start"]


def test_dead_end_with_no_way_to_finish(catalog: Any) -> None:
    definition = build(
        procedure(),
        [*LINEAR_STEPS, ("d", 0, False), ("e", 0, False)],
        [*LINEAR_ACTIONS, ("a", "forward", "d"), ("d", "forward", "e"), ("e", "send_back", "d")],
    )
    problems = definition_problems(definition)
    assert "step 'd': no finish or refuse action can be reached from here" in problems
    assert "step 'e': no finish or refuse action can be reached from here" in problems
    assert len(problems) == 2


def test_two_starts(catalog: Any) -> None:
    definition = build(procedure(), [("a", 20, True), ("b", 50, True), ("c", 30, False)], LINEAR_ACTIONS)
    assert definition_problems(definition) == ["more than one start step: 'a', 'b'"]


def test_no_start(catalog: Any) -> None:
    definition = build(procedure(), [("a", 20, False), ("b", 50, False), ("c", 30, False)], LINEAR_ACTIONS)
    assert definition_problems(definition) == ["no start step: mark exactly one step as the start"]


def test_shares_over_one_hundred_percent(catalog: Any) -> None:
    definition = build(procedure(), [("a", 50, True), ("b", 50, False), ("c", "0.5", False)], LINEAR_ACTIONS)
    assert definition_problems(definition) == [
        "the shares of the statutory time add up to 100.5%, more than 100%"
    ]


def test_finish_with_a_target(catalog: Any) -> None:
    definition = build(procedure(), LINEAR_STEPS, [*LINEAR_ACTIONS[:2], ("c", "finish", "a")])
    assert definition_problems(definition) == [
        "action 'Finish' of step 'c': a finish or refuse action must not lead to a step"
    ]


def test_forward_without_target(catalog: Any) -> None:
    definition = build(procedure(), LINEAR_STEPS, [*LINEAR_ACTIONS, ("a", "send_back", None)])
    assert definition_problems(definition) == ["action 'Send back' of step 'a': needs a step to lead to"]


def test_dangling_target_in_another_definition(catalog: Any) -> None:
    other = build(procedure("9.000001"), LINEAR_STEPS, LINEAR_ACTIONS)
    definition = build(procedure(), LINEAR_STEPS, LINEAR_ACTIONS)
    Action.objects.create(
        definition=definition,
        from_step=definition.steps.get(code="b"),
        kind=ActionKind.FORWARD,
        to_step=other.steps.get(code="c"),
        label="Chuyển nhầm",
    )
    assert definition_problems(definition) == [
        "action 'Chuyển nhầm' of step 'b': leads to a step that is not in this process"
    ]


def test_supplement_may_stay_on_its_step_but_forward_may_not(catalog: Any) -> None:
    sound = build(procedure(), LINEAR_STEPS, [*LINEAR_ACTIONS, ("b", "request_supplement", "b")])
    assert definition_problems(sound) == []
    looping = build(procedure(), LINEAR_STEPS, [*LINEAR_ACTIONS, ("b", "forward", "b")])
    assert definition_problems(looping) == ["action 'Forward' of step 'b': leads back to its own step"]


def test_refusal_alone_is_not_a_way_through(catalog: Any) -> None:
    definition = build(
        procedure(), [("a", 50, True), ("b", 50, False)], [("a", "forward", "b"), ("b", "refuse", None)]
    )
    assert definition_problems(definition) == ["no path from the start leads to an approve or finish action"]


def test_empty_definition(catalog: Any) -> None:
    assert definition_problems(build(procedure(), [], [])) == ["the process has no step"]


def test_negative_share_and_duplicate_codes_in_unsaved_rows() -> None:
    # graph_problems works on rows that were never saved (an import or a form being checked).
    steps = [
        Step(
            pk=1,
            code="a",
            name="A",
            role=Role.SPECIALIST,
            unit=StepUnit.COMPETENT_AGENCY,
            share_percent=Decimal(-5),
            is_start=True,
        ),
        Step(
            pk=2,
            code="a",
            name="B",
            role=Role.SPECIALIST,
            unit=StepUnit.COMPETENT_AGENCY,
            share_percent=Decimal(10),
        ),
    ]
    actions = [
        Action(pk=1, from_step_id=1, kind=ActionKind.FORWARD, to_step_id=2),
        Action(pk=2, from_step_id=2, kind=ActionKind.FINISH),
    ]
    assert graph_problems(steps, actions) == [
        "step 'a': the code is used more than once",
        "step 'a': the share of the statutory time is negative",
    ]


def test_every_problem_is_reported_at_once(catalog: Any) -> None:
    definition = build(
        procedure(),
        [("a", 80, True), ("b", 80, True), ("c", 0, False)],
        [("a", "finish", "b")],
    )
    assert len(definition_problems(definition)) >= 4
