"""The SVG picture: every step present and escaped, distinct styles, the template tag."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from django.template import Context, Template

from ..diagram import _wrap, definition_svg
from ..services import definition_default_create
from .factories import LINEAR_ACTIONS, LINEAR_STEPS, build, procedure

SVG = "{http://www.w3.org/2000/svg}"


def test_every_step_is_drawn_and_escaped(catalog: Any) -> None:
    definition = definition_default_create(procedure())
    step = definition.steps.get(code="xem-xet")
    step.name = 'Xem xét <script>alert("x")</script> & ký'
    step.save()
    svg = definition_svg(definition)
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ký" in svg
    for s in definition.steps.all():
        assert f'data-step="{s.code}"' in svg
    root = ET.fromstring(svg)  # well-formed XML
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert {s.name for s in definition.steps.all()} <= set(titles)
    assert '"Noto Sans", "DejaVu Sans", sans-serif' in root.attrib["font-family"]


def test_actions_have_distinct_styles(catalog: Any) -> None:
    svg = definition_svg(definition_default_create(procedure()))
    for kind in ("forward", "send_back", "refuse", "finish", "approve", "request_supplement", "consult"):
        assert f"wf-{kind}" in svg
    assert 'stroke-dasharray="7 4"' in svg  # send back
    assert "Trả kết quả" in svg or "Return the result" in svg


def test_unreachable_step_and_empty_definition_still_draw(catalog: Any) -> None:
    definition = build(procedure(), [*LINEAR_STEPS, ("lost", 0, False)], LINEAR_ACTIONS)
    svg = definition_svg(definition)
    assert 'class="wf-step wf-unreachable" data-step="lost"' in svg
    assert svg.count("wf-unreachable") == 1
    empty = build(procedure(), [], [])
    ET.fromstring(definition_svg(empty))


def test_template_tag(catalog: Any) -> None:
    definition = definition_default_create(procedure())
    html = Template("{% load workflow_tags %}<div>{% process_diagram definition %}</div>").render(
        Context({"definition": definition})
    )
    assert html.startswith("<div><svg") and "&lt;svg" not in html


def test_wrap() -> None:
    assert _wrap("Đăng ký khai sinh", 24, 2) == ["Đăng ký khai sinh"]
    assert _wrap("một hai ba bốn năm sáu bảy tám chín mười", 10, 2) == ["một hai ba", "bốn năm…"]
    assert _wrap("x" * 30, 10, 2) == ["xxxxxxxxx…"]
