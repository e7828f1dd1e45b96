"""HTTP to the outside for the payment gateways (status queries) and the simulator (its notifications).

One small interface so that tests route the traffic to Django's test client instead of the network:
``transport_use(...)`` swaps the transport for the duration of a block.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

TIMEOUT_SECONDS = 15.0


class Transport(Protocol):
    def get(self, url: str) -> tuple[int, bytes]: ...

    def post_json(self, url: str, payload: Mapping[str, Any]) -> tuple[int, bytes]: ...


class UrllibTransport:
    """The standard library's HTTP client; errors become ``OSError`` for the caller to handle."""

    def get(self, url: str) -> tuple[int, bytes]:
        return self._send(urllib.request.Request(url, method="GET"))

    def post_json(self, url: str, payload: Mapping[str, Any]) -> tuple[int, bytes]:
        body = json.dumps(payload).encode()
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json"}
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
