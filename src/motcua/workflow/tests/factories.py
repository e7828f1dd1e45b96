"""Small builders for process definitions in tests."""

from __future__ import annotations

from decimal import Decimal

from motcua.catalog.models import Procedure
from motcua.org.models import Role

from ..models import Action, ProcessDefinition, Step, StepUnit
from ..services import definition_save

StepSpec = tuple[str, str | int, bool]  # code, share percent, is start
ActionSpec = tuple[str, str, str | None]  # from code, kind, to code


def procedure(code: str = "1.001193") -> Procedure:
    return Procedure.objects.select_related("current_version").get(national_code=code)


def build(
    proc: Procedure,
    steps: list[StepSpec],
    actions: list[ActionSpec],
    *,
    name: str = "Quy trình thử",
) -> ProcessDefinition:
    definition = definition_save(ProcessDefinition(procedure=proc, number=0, name=name))
    rows = {
        code: Step.objects.create(
            definition=definition,
            code=code,
            name=f"Bước {code}",
            role=Role.SPECIALIST,
            unit=StepUnit.COMPETENT_AGENCY,
            share_percent=Decimal(share),
            is_start=start,
            position=position,
        )
        for position, (code, share, start) in enumerate(steps)
    }
    for position, (source, kind, target) in enumerate(actions):
        Action.objects.create(
            definition=definition,
            from_step=rows[source],
            kind=kind,
            to_step=rows[target] if target else None,
            position=position,
        )
    return definition


LINEAR_STEPS: list[StepSpec] = [("a", 20, True), ("b", 50, False), ("c", 30, False)]
LINEAR_ACTIONS: list[ActionSpec] = [("a", "forward", "b"), ("b", "approve", "c"), ("c", "finish", None)]
