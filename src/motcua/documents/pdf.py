"""PDF rendering of official slips with WeasyPrint, and QR codes with segno.

Fonts: Vietnamese needs glyphs for stacked diacritics (ễ, ự…); Debian's Noto (fonts-noto-core) and DejaVu
(fonts-dejavu-core) carry them, and scripts/system-deps.sh installs both. Nothing is fetched at run time:
WeasyPrint gets no base URL, so a template cannot pull a remote resource.
"""

from __future__ import annotations

from typing import Any

import segno
from django.template.loader import render_to_string


def qr_svg(data: str, *, scale: int = 3) -> str:
    """An inline SVG QR code (error correction M: survives a crumpled paper slip)."""
    return str(segno.make(data, error="m", micro=False).svg_inline(scale=scale, border=2))


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    document: bytes = HTML(string=html, base_url=None).write_pdf()
    return document
