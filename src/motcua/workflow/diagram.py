"""A server-side SVG picture of a process definition, for the admin and the back office (no JavaScript).

Steps are rounded boxes placed left to right by their distance from the start (breadth-first depth), one
row per step of the same depth; steps the start cannot reach go in a last column. Because depth is the
shortest distance, a move to a new step spans at most one column: those are drawn straight across; moves
back arc over the boxes, moves that stay on a step loop over it, and finish/refuse end in a marker below.
Every piece of text is escaped; the result is safe to insert in a page.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import ENDING_KINDS, Action, ActionKind, ProcessDefinition, Step

BOX_W = 200
BOX_H = 78
COL_GAP = 150
ROW_GAP = 120
PAD = 16
FONT = '"Noto Sans", "DejaVu Sans", sans-serif'
NAME_CHARS = 24  # characters per line of a step name at 13px in a box BOX_W wide
LABEL_CHAR_W = 6.2  # average advance of an 11px label character, to size the picture
LABEL_CHARS = 22  # characters per line of an action label, so that it fits between two columns

# kind → (colour, dash pattern, stroke width)
STYLES: dict[str, tuple[str, str, str]] = {
    ActionKind.FORWARD: ("#37474f", "", "1.6"),
    ActionKind.APPROVE: ("#2e7d32", "", "2.2"),
    ActionKind.SEND_BACK: ("#e65100", "7 4", "1.6"),
    ActionKind.REQUEST_SUPPLEMENT: ("#1565c0", "2 3", "1.6"),
    ActionKind.CONSULT: ("#6a1b9a", "2 3", "1.6"),
    ActionKind.REFUSE: ("#c62828", "", "1.6"),
    ActionKind.FINISH: ("#2e7d32", "", "2.2"),
}


@dataclass
class _Box:
    step: Step
    x: float
    y: float
    reachable: bool = True

    @property
    def cx(self) -> float:
        return self.x + BOX_W / 2

    @property
    def bottom(self) -> float:
        return self.y + BOX_H


class _Canvas:
    """Collects SVG elements and the extent they cover."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.labels: list[str] = []
        self.min_x = self.min_y = 0.0
        self.max_x = self.max_y = 0.0

    def cover(self, x: float, y: float) -> None:
        self.min_x, self.max_x = min(self.min_x, x), max(self.max_x, x)
        self.min_y, self.max_y = min(self.min_y, y), max(self.max_y, y)

    def label(
        self, text: str, x: float, y: float, colour: str, anchor: str = "middle", chars: int = 0
    ) -> None:
        """A label whose last line sits on ``y``; wrapped upwards to ``chars`` characters if given."""
        lines = _wrap(text, chars, 2) if chars else [text]
        for index, line in enumerate(lines):
            line_y = y - (len(lines) - 1 - index) * 13
            width = len(line) * LABEL_CHAR_W
            left = x - width / 2 if anchor == "middle" else x
            self.cover(left, line_y - 11)
            self.cover(left + width, line_y + 3)
            self.labels.append(
                f'<text x="{x:.1f}" y="{line_y:.1f}" text-anchor="{anchor}" font-size="11" '
                f'fill="{colour}" stroke="#ffffff" stroke-width="3" paint-order="stroke">{escape(line)}</text>'
            )


def _fmt(n: float) -> str:
    return f"{n:.1f}"


def _wrap(text: str, width: int, lines: int) -> list[str]:
    """Split ``text`` into at most ``lines`` lines of at most ``width`` characters, marking a cut with "…"."""
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    cut = len(out) > lines
    out = [line if len(line) <= width else line[: width - 1] + "…" for line in out[:lines]] or [""]
    if cut and not out[-1].endswith("…"):
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out


def _depths(steps: Sequence[Step], actions: Sequence[Action]) -> dict[int, int | None]:
    ids = {s.pk for s in steps}
    edges: dict[int, list[int]] = {}
    for action in actions:
        if (
            action.to_step_id in ids
            and action.from_step_id in ids
            and action.to_step_id != action.from_step_id
        ):
            edges.setdefault(action.from_step_id, []).append(action.to_step_id)
    start = next((s for s in steps if s.is_start), steps[0])
    depth = {start.pk: 0}
    queue = deque([start.pk])
    while queue:
        current = queue.popleft()
        for target in edges.get(current, []):
            if target not in depth:
                depth[target] = depth[current] + 1
                queue.append(target)
    return {s.pk: depth.get(s.pk) for s in steps}


def _layout(steps: Sequence[Step], actions: Sequence[Action]) -> dict[int, _Box]:
    depth = _depths(steps, actions)
    last = max(d for d in depth.values() if d is not None) + 1
    rows: dict[int, int] = {}
    boxes: dict[int, _Box] = {}
    for step in steps:  # already in position order
        known = depth[step.pk]
        column = last if known is None else known
        row = rows.get(column, 0)
        rows[column] = row + 1
        boxes[step.pk] = _Box(step, column * (BOX_W + COL_GAP), row * (BOX_H + ROW_GAP), known is not None)
    return boxes


def _markers(prefix: str) -> str:
    out = []
    for kind, (colour, _dash, _width) in STYLES.items():
        out.append(
            f'<marker id="{prefix}-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/>'
            "</marker>"
        )
    return "<defs>" + "".join(out) + "</defs>"


def _step_box(canvas: _Canvas, box: _Box) -> None:
    step = box.step
    fill, stroke, width = ("#e3f2fd", "#1565c0", "2.5") if step.is_start else ("#f5f7fa", "#546e7a", "1.2")
    # A step the start cannot reach is a mistake the administrator should see at a glance.
    dash = "" if box.reachable else ' stroke-dasharray="6 3"'
    if not box.reachable:
        stroke = "#c62828"
    name_lines = _wrap(step.name, NAME_CHARS, 2)
    share = format(Decimal(step.share_percent).normalize(), "f")
    detail = f"{step.get_role_display()} · {share}%"
    unit = _wrap(str(step.get_unit_display()), 32, 1)[0]
    texts = [
        f'<text x="{_fmt(box.cx)}" y="{_fmt(box.y + 20 + 16 * i)}" text-anchor="middle" font-size="13" '
        f'font-weight="bold" fill="#263238">{escape(line)}</text>'
        for i, line in enumerate(name_lines)
    ]
    texts.append(
        f'<text x="{_fmt(box.cx)}" y="{_fmt(box.y + 56)}" text-anchor="middle" font-size="11" '
        f'fill="#455a64">{escape(detail)}</text>'
    )
    texts.append(
        f'<text x="{_fmt(box.cx)}" y="{_fmt(box.y + 70)}" text-anchor="middle" font-size="10" '
        f'fill="#607d8b">{escape(unit)}</text>'
    )
    canvas.cover(box.x, box.y)
    canvas.cover(box.x + BOX_W, box.bottom)
    canvas.parts.append(
        f'<g class="wf-step{"" if box.reachable else " wf-unreachable"}" data-step="{escape(step.code)}"><title>{escape(step.name)}</title>'
        f'<rect x="{_fmt(box.x)}" y="{_fmt(box.y)}" width="{BOX_W}" height="{BOX_H}" rx="10" ry="10" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash}/>' + "".join(texts) + "</g>"
    )


def _path(canvas: _Canvas, prefix: str, action: Action, d: str, *, end_marker: bool = True) -> None:
    colour, dash, width = STYLES.get(action.kind, STYLES[ActionKind.FORWARD])
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    marker = f' marker-end="url(#{prefix}-{action.kind})"' if end_marker else ""
    canvas.parts.append(
        f'<path class="wf-action wf-{escape(action.kind)}" d="{d}" fill="none" stroke="{colour}" '
        f'stroke-width="{width}"{dash_attr}{marker}><title>{escape(action.display_label)}</title></path>'
    )


def _draw_actions(canvas: _Canvas, prefix: str, boxes: dict[int, _Box], actions: Sequence[Action]) -> None:
    outgoing: dict[int, list[Action]] = {}
    incoming: dict[int, list[Action]] = {}
    loops: dict[int, list[Action]] = {}
    endings: dict[int, list[Action]] = {}
    back: list[Action] = []
    for action in actions:
        if action.from_step_id not in boxes:
            continue
        if action.kind in ENDING_KINDS or action.to_step_id not in boxes:
            endings.setdefault(action.from_step_id, []).append(action)
        elif action.to_step_id == action.from_step_id:
            loops.setdefault(action.from_step_id, []).append(action)
        elif boxes[action.to_step_id].x > boxes[action.from_step_id].x:
            outgoing.setdefault(action.from_step_id, []).append(action)
            incoming.setdefault(action.to_step_id, []).append(action)
        else:
            back.append(action)

    def spread(index: int, count: int, span: float) -> float:
        return (index - (count - 1) / 2) * span

    for source_id, moves in outgoing.items():
        for i, action in enumerate(moves):
            assert action.to_step_id is not None
            source, target = boxes[source_id], boxes[action.to_step_id]
            ins = incoming[action.to_step_id]
            x1, y1 = source.x + BOX_W, source.y + BOX_H / 2 + spread(i, len(moves), 14)
            x2, y2 = target.x, target.y + BOX_H / 2 + spread(ins.index(action), len(ins), 14)
            mid = (x1 + x2) / 2
            _path(
                canvas,
                prefix,
                action,
                f"M{_fmt(x1)},{_fmt(y1)} C{_fmt(mid)},{_fmt(y1)} {_fmt(mid)},{_fmt(y2)} {_fmt(x2)},{_fmt(y2)}",
            )
            colour = STYLES.get(action.kind, STYLES[ActionKind.FORWARD])[0]
            canvas.label(action.display_label, mid, (y1 + y2) / 2 - 6, colour, chars=LABEL_CHARS)

    for source_id, moves in loops.items():
        box = boxes[source_id]
        for i, action in enumerate(moves):
            centre = box.cx + spread(i, len(moves), 70)
            x1, x2, top = centre - 22, centre + 22, box.y - 40 - 18 * i
            _path(
                canvas,
                prefix,
                action,
                f"M{_fmt(x1)},{_fmt(box.y)} C{_fmt(x1)},{_fmt(top)} {_fmt(x2)},{_fmt(top)} {_fmt(x2)},{_fmt(box.y)}",
            )
            canvas.label(action.display_label, centre, top + 4, STYLES[action.kind][0])

    for k, action in enumerate(back):
        assert action.to_step_id is not None
        source, target = boxes[action.from_step_id], boxes[action.to_step_id]
        x1, x2 = source.x + BOX_W * 0.15, target.x + BOX_W * 0.85
        if source.x == target.x:  # same column: bulge out on the right
            x1 = x2 = source.x + BOX_W
            y1, y2 = source.y + BOX_H * 0.75, target.y + BOX_H * 0.25
            bulge = source.x + BOX_W + 60 + 16 * k
            d = f"M{_fmt(x1)},{_fmt(y1)} C{_fmt(bulge)},{_fmt(y1)} {_fmt(bulge)},{_fmt(y2)} {_fmt(x2)},{_fmt(y2)}"
            label_x, label_y = bulge - 10, (y1 + y2) / 2
            anchor = "start"
        else:
            y1, y2 = source.y, target.y
            top = min(y1, y2) - 95 - 22 * k
            d = f"M{_fmt(x1)},{_fmt(y1)} C{_fmt(x1)},{_fmt(top)} {_fmt(x2)},{_fmt(top)} {_fmt(x2)},{_fmt(y2)}"
            # The point of the cubic at t = 1/2.
            label_x, label_y = (x1 + x2) / 2, (y1 + 3 * top + 3 * top + y2) / 8 - 4
            anchor = "middle"
            canvas.cover(label_x, top)
        _path(canvas, prefix, action, d)
        canvas.label(action.display_label, label_x, label_y, STYLES[action.kind][0], anchor, LABEL_CHARS)

    for source_id, ends in endings.items():
        box = boxes[source_id]
        for i, action in enumerate(ends):
            x = box.cx + spread(i, len(ends), 80)
            y1, y2 = box.bottom, box.bottom + 48
            _path(
                canvas, prefix, action, f"M{_fmt(x)},{_fmt(y1)} L{_fmt(x)},{_fmt(y2 - 10)}", end_marker=False
            )
            colour = STYLES.get(action.kind, STYLES[ActionKind.FINISH])[0]
            if action.kind == ActionKind.REFUSE:
                marker = (
                    f'<circle cx="{_fmt(x)}" cy="{_fmt(y2)}" r="9" fill="{colour}"/>'
                    f'<path d="M{_fmt(x - 4)},{_fmt(y2 - 4)} L{_fmt(x + 4)},{_fmt(y2 + 4)} '
                    f'M{_fmt(x + 4)},{_fmt(y2 - 4)} L{_fmt(x - 4)},{_fmt(y2 + 4)}" stroke="#ffffff" '
                    'stroke-width="2"/>'
                )
            else:
                marker = (
                    f'<circle cx="{_fmt(x)}" cy="{_fmt(y2)}" r="9" fill="#ffffff" stroke="{colour}" '
                    f'stroke-width="2"/><circle cx="{_fmt(x)}" cy="{_fmt(y2)}" r="5" fill="{colour}"/>'
                )
            canvas.parts.append(f'<g class="wf-end wf-{escape(action.kind)}">{marker}</g>')
            canvas.cover(x - 10, y2 + 10)
            canvas.label(action.display_label, x, y2 + 24, colour, chars=LABEL_CHARS)


def definition_svg(definition: ProcessDefinition) -> SafeString:
    """The SVG picture of ``definition`` (uses prefetched steps and actions when present)."""
    steps = list(definition.steps.all())
    actions = list(definition.actions.all())
    prefix = f"wf{definition.pk or 0}"
    title = escape(str(definition))
    if not steps:
        return mark_safe(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="320" height="40" viewBox="0 0 320 40" '
            f"role=\"img\" font-family='{FONT}'><title>{title}</title>"
            f'<text x="8" y="24" font-size="13" fill="#607d8b">{escape(_("This process has no steps yet."))}'
            "</text></svg>"
        )
    boxes = _layout(steps, actions)
    canvas = _Canvas()
    _draw_actions(canvas, prefix, boxes, actions)
    for box in boxes.values():
        _step_box(canvas, box)
    left, top = canvas.min_x - PAD, canvas.min_y - PAD
    width, height = canvas.max_x - canvas.min_x + 2 * PAD, canvas.max_y - canvas.min_y + 2 * PAD
    # Arrows first, boxes over them, labels on top: a line never hides a step's or an action's text.
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wf-diagram" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="{_fmt(left)} {_fmt(top)} {_fmt(width)} {_fmt(height)}" role="img" '
        f'aria-label="{title}" font-family=\'{FONT}\' style="max-width:100%;height:auto">'
        f"<title>{title}</title>{_markers(prefix)}"
        + "".join(canvas.parts)
        + "".join(canvas.labels)
        + "</svg>"
    )
    return mark_safe(svg)
