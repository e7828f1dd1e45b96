"""Fixtures of the account tests: English messages, the population simulator's demo citizens, and the
identity/population plugins' HTTP routed to Django's test client instead of the network."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from motcua.accounts.models import AccountKind, User
from motcua.integrations.models import SimulatedCitizen
from motcua.integrations.population.contrib.simulator.demo import demo_citizens_create
from motcua.integrations.transport import transport_use
from tests.http import ClientTransport

PASSWORD = "Hoa-Sen-2026!"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    # The password-reset rate limit counts in the cache: each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def http() -> Iterator[ClientTransport]:
    with transport_use(ClientTransport()) as used:
        assert isinstance(used, ClientTransport)
        yield used


@pytest.fixture
def client() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def citizens(db: Any) -> list[SimulatedCitizen]:
    demo_citizens_create()
    return list(SimulatedCitizen.objects.order_by("id_number"))


MINH = "024085001201"  # Nguyễn Văn Minh, born 12/03/1985, Phường Bắc Giang (07210)
HUONG = "024190002302"  # Trần Thị Hương, born 25/07/1990, Phường Đa Mai (07228)


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def verified_citizen(username: str = "an", *, id_number: str = MINH, **extra: Any) -> User:
    now = timezone.now()
    values: dict[str, Any] = {
        "kind": AccountKind.CITIZEN,
        "full_name": "Nguyễn Văn Minh",
        "id_number": id_number,
        "id_verified_at": now,
        "date_of_birth": date(1985, 3, 12),
        "phone": "0912000111",
        "phone_verified_at": now,
    }
    values.update(extra)
    return User.objects.create_user(username, password=PASSWORD, **values)
