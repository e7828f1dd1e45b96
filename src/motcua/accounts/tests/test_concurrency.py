"""Parallel use of one-time secrets on PostgreSQL: a digital-ID code is exchanged once, and wrong codes
are all counted, however many requests arrive together."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections

from motcua.accounts import services
from motcua.accounts.models import AccountKind, ContactCode
from motcua.integrations.identity.contrib.oidc.plugin import pkce_challenge
from motcua.integrations.identity.contrib.vneid_simulator.plugin import CLIENT_ID, client_secret
from motcua.integrations.identity.contrib.vneid_simulator.simulator import (
    AuthorizationRequest,
    TokenRefused,
    code_issue,
    token_exchange,
)
from motcua.integrations.models import Notification, SimulatedCitizen

from .conftest import PASSWORD

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: row locks (SELECT ... FOR UPDATE) do not exist on SQLite.",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 6


def in_parallel(work: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def worker() -> None:
        try:
            barrier.wait()
            outcome = work()
        except BaseException as exc:  # collected: a thread must not die silently
            with lock:
                errors.append(exc)
        else:
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_a_digital_id_code_is_exchanged_once() -> None:
    citizen = SimulatedCitizen.objects.create(
        id_number="024190002302",
        full_name="Trần Thị Hương",
        date_of_birth=date(1990, 7, 25),
        sex="female",
        permanent_address="Số 8",
        commune_code="07228",
    )
    verifier = "v" * 64
    request = AuthorizationRequest(
        client_id=CLIENT_ID,
        redirect_uri="http://127.0.0.1:8000/dang-nhap/vneid/callback/",
        scope="openid profile",
        state="s",
        nonce="n",
        code_challenge=pkce_challenge(verifier),
    )
    code = code_issue(request, citizen)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": request.redirect_uri,
        "code_verifier": verifier,
        "client_id": CLIENT_ID,
        "client_secret": client_secret(),
    }
    tokens, errors = in_parallel(lambda: token_exchange(form, ""))
    assert len(tokens) == 1 and "id_token" in tokens[0]
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, TokenRefused) and e.error == "invalid_grant" for e in errors)


def test_parallel_wrong_codes_are_all_counted() -> None:
    user = services.account_register(
        services.Registration(
            AccountKind.ORGANISATION,
            "Công ty A",
            "0912345678",
            PASSWORD,
            tax_code="2300123454",
            representative="B",
        )
    )
    record = ContactCode.objects.get(user=user)
    sent = Notification.objects.get(recipient="0912345678").body
    wrong = "000000" if "000000" not in sent else "111111"
    _results, errors = in_parallel(lambda: services.contact_verify(user, wrong))
    assert len(errors) == THREADS
    record.refresh_from_db()
    # Five tries are counted, then the code is void: no lost update lets a sixth guess through.
    assert record.attempts == services.MAX_CODE_ATTEMPTS
