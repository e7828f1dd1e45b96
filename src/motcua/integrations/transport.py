"""HTTP to outside services for the identity and population plugins.

One small interface so that the tests route the traffic to Django's test client instead of the network
(``transport_use``), exactly as ``motcua.payments.transport`` does for the payment gateways: the adapters
then talk to MotCua's own simulators over "HTTP" as they would to the real services.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol

TIMEOUT_SECONDS = 10.0


class Transport(Protocol):
    def get(self, url: str, headers: Mapping[str, str]) -> tuple[int, bytes]: ...

    def post_form(
        self, url: str, data: Mapping[str, str], headers: Mapping[str, str]
    ) -> tuple[int, bytes]: ...


class UrllibTransport:
    """The standard library's HTTP client; network errors surface as ``OSError``."""

    def get(self, url: str, headers: Mapping[str, str]) -> tuple[int, bytes]:
        return self._send(urllib.request.Request(url, method="GET", headers=dict(headers)))

    def post_form(self, url: str, data: Mapping[str, str], headers: Mapping[str, str]) -> tuple[int, bytes]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
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
