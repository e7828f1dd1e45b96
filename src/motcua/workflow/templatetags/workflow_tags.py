"""``{% load workflow_tags %}`` then ``{% process_diagram definition %}``: the process as an inline SVG."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from motcua.workflow.diagram import definition_svg
from motcua.workflow.models import ProcessDefinition

register = template.Library()


@register.simple_tag
def process_diagram(definition: ProcessDefinition | None) -> SafeString:
    if definition is None:
        return mark_safe("")
    # definition_svg escapes every piece of text it places in the picture.
    return mark_safe(definition_svg(definition))
