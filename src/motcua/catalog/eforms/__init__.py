"""E-forms (biểu mẫu điện tử): each procedure version's declaration as a JSON Schema (Draft 2020-12) with
presentation hints, rendered on the server as an accessible HTML form, validated on the server with a message
per field, and deciding which conditional components are required. NĐ 224/2026 asks for interactive e-forms
and for information the applicant has already given to be filled in for them ("provide information once").

The schema subset, the hints and the condition language are described in ``docs/eforms.md``.
"""

from __future__ import annotations

from .answers import components_required, eform_display, eform_parse, eform_prefill, eform_validate
from .check import eform_schema_check
from .render import eform_render

__all__ = [
    "components_required",
    "eform_display",
    "eform_parse",
    "eform_prefill",
    "eform_render",
    "eform_schema_check",
    "eform_validate",
]
