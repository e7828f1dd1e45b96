"""HTTP to outside services, for every plugin that calls one (payment gateways and their simulator's
notifications, identity providers, the population database).

One small interface so that the tests route the traffic to Django's test client instead of the network
(``transport_use``): the adapters then talk to MotCua's own simulators over "HTTP" as they would to the real
services.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

TIMEOUT_SECONDS = 15.0


class Transport(Protocol):
    def get(self, url: str, headers: Mapping[str, str] | None = None) -> tuple[int, bytes]: ...

    def post_form(
        self, url: str, data: Mapping[str, str], headers: Mapping[str, str] | None = None
    ) -> tuple[int, bytes]: ...

    def post_json(
        self, url: str, payload: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> tuple[int, bytes]: ...


class UrllibTransport:
    """The standard library's HTTP client; network errors surface as ``OSError`` for the caller to handle."""

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
        return self._send(urllib.request.Request(url, method="GET", headers=dict(headers or {})))

    def post_form(
        self, url: str, data: Mapping[str, str], headers: Mapping[str, str] | None = None
    ) -> tuple[int, bytes]:
        return self._post(
            url, urllib.parse.urlencode(data).encode(), "application/x-www-form-urlencoded", headers
        )

    def post_json(
        self, url: str, payload: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> tuple[int, bytes]:
        return self._post(url, json.dumps(payload).encode(), "application/json", headers)

    def _post(
        self, url: str, body: bytes, content_type: str, headers: Mapping[str, str] | None
    ) -> tuple[int, bytes]:
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": content_type, **(headers or {})}
        )
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> tuple[int, bytes]:
        if not request.full_url.startswith(("http://", "https://")):
            raise OSError(f"refusing a non-HTTP address: {request.full_url}")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return int(response.status), bytes(response.read())
        except urllib.error.HTTPError as exc:
            return int(exc.code), bytes(exc.read())


_current: list[Transport] = [UrllibTransport()]


def transport() -> Transport:
    return _current[-1]


@contextmanager
def transport_use(replacement: Transport) -> Iterator[Transport]:
    _current.append(replacement)
    try:
        yield replacement
    finally:
        _current.pop()
