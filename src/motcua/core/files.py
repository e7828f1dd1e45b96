"""Serving stored files: one way for every audience, so no page lets a browser sniff uploaded content."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404


def stored_file_response(
    field_file: Any, *, content_type: str, filename: str = "", inline: bool = False
) -> FileResponse:
    """A stored file as a response (404 when it is missing on disk); never sniffed by the browser.
    Inline only for types the caller has checked (PDF, images); everything else is a download."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    if inline:
        response = FileResponse(handle, content_type=content_type)
        response["Content-Disposition"] = "inline"
    else:
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
