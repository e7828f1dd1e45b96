"""The tests' HTTP transport: what an adapter would send over the network goes to a Django test client of its
own (server to server, not through the browser's session), so the real adapters talk to MotCua's simulators."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from django.utils import translation


def local(url: str) -> str:
    """An absolute address of this site as a test-client path."""
    assert url.startswith(settings.MOTCUA_PUBLIC_URL) or url.startswith("/"), url
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class ClientTransport:
    def __init__(self, **client_headers: str) -> None:
        self.client = Client(headers=client_headers or None)
        self.calls: list[tuple[str, str]] = []

    # The nested request runs in the caller's thread: its locale middleware would switch the language of the
    # page being rendered, which a separate server never does.
    def get(self, url: str, headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
        self.calls.append(("GET", url))
        with translation.override(translation.get_language()):
            response = self.client.get(local(url), headers=dict(headers or {}))
        return response.status_code, response.content

    def post_form(
        self, url: str, data: Mapping[str, str], headers: Mapping[str, str] | None = None
    ) -> tuple[int, bytes]:
        self.calls.append(("POST", url))
        with translation.override(translation.get_language()):
            response = self.client.post(local(url), dict(data), headers=dict(headers or {}))
        return response.status_code, response.content

    def post_json(
        self, url: str, payload: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> tuple[int, bytes]:
        self.calls.append(("POST", url))
        with translation.override(translation.get_language()):
            response = self.client.post(
                local(url), json.dumps(payload), content_type="application/json", headers=dict(headers or {})
            )
        return response.status_code, response.content
