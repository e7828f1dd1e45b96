"""Is a process definition sound? A definition is data edited by agency administrators, so a mistake must
be found when it is activated, not by a citizen whose dossier gets stuck.

``definition_problems`` reads the definition's steps and actions once (using prefetched rows when present)
and ``graph_problems`` works on plain lists, so unsaved rows (an import, a form) can be checked as well.
Every message names the step or action it concerns.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import ENDING_KINDS, Action, ActionKind, ProcessDefinition, Step

FULL_SHARE = Decimal(100)
# Kinds that move the dossier to another (or the same) step and so need a target.
TARGET_KINDS = frozenset(
    {
        ActionKind.FORWARD,
        ActionKind.SEND_BACK,
        ActionKind.APPROVE,
        ActionKind.CONSULT,
        ActionKind.REQUEST_SUPPLEMENT,
    }
)
# Kinds that may stay on the same step: a supplement resumes where it was asked, a consultation comes back.
SELF_TARGET_KINDS = frozenset({ActionKind.REQUEST_SUPPLEMENT, ActionKind.CONSULT})


def _step_ref(step: Step) -> str:
    return _("step '%(code)s'") % {"code": step.code}


def _action_ref(action: Action, steps_by_id: dict[int | None, Step]) -> str:
    source = steps_by_id.get(action.from_step_id)
    return _("action '%(label)s' of step '%(code)s'") % {
        "label": action.display_label,
        "code": source.code if source else "?",
    }


def reachable_from(start_ids: Iterable[int], edges: dict[int, set[int]]) -> set[int]:
    """Ids reachable from ``start_ids`` (included) following ``edges``."""
    seen = set(start_ids)
    queue = deque(seen)
    while queue:
        current = queue.popleft()
        for target in edges.get(current, ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def graph_problems(steps: Sequence[Step], actions: Sequence[Action]) -> list[str]:
    """Every problem of a definition given as its step and action rows (rows need ids to be linked)."""
    problems: list[str] = []
    if not steps:
        return [_("the process has no step")]
    steps_by_id: dict[int | None, Step] = {s.pk: s for s in steps}

    codes = [s.code for s in steps]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(_("step '%(code)s': the code is used more than once") % {"code": code})

    starts = [s for s in steps if s.is_start]
    if not starts:
        problems.append(_("no start step: mark exactly one step as the start"))
    elif len(starts) > 1:
        problems.append(
            _("more than one start step: %(codes)s") % {"codes": ", ".join(f"'{s.code}'" for s in starts)}
        )

    total = Decimal(0)
    for step in steps:
        share = step.share_percent if step.share_percent is not None else Decimal(0)
        if share < 0:
            problems.append(_step_ref(step) + ": " + _("the share of the statutory time is negative"))
        total += share
    if total > FULL_SHARE:
        problems.append(
            _("the shares of the statutory time add up to %(total)s%%, more than 100%%")
            % {"total": format(total.normalize(), "f")}
        )

    edges: dict[int, set[int]] = {}
    ends_at: set[int] = set()  # steps with a finish or refuse action
    succeeds_at: set[int] = set()  # steps with an approve or finish action
    for action in actions:
        where = _action_ref(action, steps_by_id)
        if action.from_step_id not in steps_by_id:
            problems.append(where + ": " + _("the step it leaves from is not in this process"))
            continue
        if action.kind in ENDING_KINDS:
            if action.to_step_id is not None:
                problems.append(where + ": " + _("a finish or refuse action must not lead to a step"))
            ends_at.add(action.from_step_id)
        elif action.kind in TARGET_KINDS:
            if action.to_step_id is None:
                problems.append(where + ": " + _("needs a step to lead to"))
                continue
            if action.to_step_id not in steps_by_id:
                problems.append(where + ": " + _("leads to a step that is not in this process"))
                continue
            if action.to_step_id == action.from_step_id and action.kind not in SELF_TARGET_KINDS:
                problems.append(where + ": " + _("leads back to its own step"))
            edges.setdefault(action.from_step_id, set()).add(action.to_step_id)
        else:
            problems.append(where + ": " + _("unknown kind %(kind)s") % {"kind": action.kind})
            continue
        if action.kind in (ActionKind.APPROVE, ActionKind.FINISH):
            succeeds_at.add(action.from_step_id)

    if len(starts) == 1:
        reachable = reachable_from([starts[0].pk], edges)
        for step in steps:
            if step.pk not in reachable:
                problems.append(_step_ref(step) + ": " + _("not reachable from the start"))
        if not succeeds_at & reachable:
            problems.append(_("no path from the start leads to an approve or finish action"))

    # Steps from which an ending is reachable: walk the reversed graph back from the ending steps.
    reverse: dict[int, set[int]] = {}
    for source, targets in edges.items():
        for target in targets:
            reverse.setdefault(target, set()).add(source)
    can_end = reachable_from(ends_at, reverse)
    for step in steps:
        if step.pk not in can_end:
            problems.append(_step_ref(step) + ": " + _("no finish or refuse action can be reached from here"))
    return problems


def definition_problems(definition: ProcessDefinition) -> list[str]:
    """Every problem that prevents ``definition`` from being activated (empty when it is sound)."""
    return graph_problems(list(definition.steps.all()), list(definition.actions.all()))
