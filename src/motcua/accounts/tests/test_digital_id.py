"""The digital-ID login end to end: the generic OIDC adapter talks over (test) HTTP to the VNeID simulator,
which signs real RS256 ID tokens; every forged or replayed piece is refused and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import AccountKind, User
from motcua.audit.models import AccessLog
from motcua.integrations.identity.contrib.vneid_simulator.simulator import DEMO_PASSWORD, id_token_sign
from motcua.integrations.models import SimulatedCitizen
from tests.http import ClientTransport, local

from .conftest import HUONG, MINH, PASSWORD, query_of, verified_citizen

pytestmark = pytest.mark.django_db


def authorize(client: Client, id_number: str, start: Any) -> Any:
    """Go through the simulator's pages as the citizen: log in, consent; returns the redirect back."""
    assert start.status_code == 302, start.content
    params = query_of(start["Location"])
    page = client.get(local(start["Location"]))
    assert page.status_code == 200 and "SIMULATOR" in page.content.decode()
    consent = client.post(
        "/gia-lap/vneid/dang-nhap/",
        {**params, "so_dinh_danh": id_number, "mat_khau": DEMO_PASSWORD, "buoc": "dang-nhap"},
    )
    assert consent.status_code == 200, consent.content
    back = client.post(
        "/gia-lap/vneid/dang-nhap/", {**params, "buoc": "dong-y", "dong_y": consent.context["consent"]}
    )
    assert back.status_code == 302
    return back


def vneid_login(client: Client, id_number: str, *, next_url: str = "") -> Any:
    start = client.get("/dang-nhap/vneid/" + (f"?next={next_url}" if next_url else ""))
    return client.get(local(authorize(client, id_number, start)["Location"]))


def test_a_citizen_without_an_account_gets_one_from_the_digital_id(
    client: Client, citizens: list[SimulatedCitizen], http: ClientTransport
) -> None:
    response = vneid_login(client, HUONG)
    assert response.status_code == 302 and response["Location"] == "/ho-so-cua-toi/"
    user = User.objects.get(id_number=HUONG)
    assert (user.kind, user.full_name, user.date_of_birth) == (
        AccountKind.CITIZEN,
        "Trần Thị Hương",
        date(1990, 7, 25),
    )
    assert user.id_verified_at is not None and not user.has_usable_password()
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AccessLog.objects.get(action="login").detail == "digital_id"
    # The adapter fetched discovery, exchanged the code and read the keys over HTTP, as with a real provider.
    paths = [(method, local(url)) for method, url in http.calls]
    assert ("GET", "/gia-lap/vneid/.well-known/openid-configuration") in paths
    assert ("POST", "/gia-lap/vneid/token/") in paths and ("GET", "/gia-lap/vneid/jwks/") in paths
    # A second login finds the same account.
    again = Client(headers={"accept-language": "en"})
    assert vneid_login(again, HUONG).status_code == 302
    assert User.objects.filter(id_number=HUONG).count() == 1


def test_the_account_holding_the_verified_id_number_logs_in_and_next_is_kept(
    client: Client, citizens: list[SimulatedCitizen]
) -> None:
    account = verified_citizen()
    response = vneid_login(client, MINH, next_url="/thu-tuc/")
    assert response["Location"] == "/thu-tuc/"
    assert int(client.session["_auth_user_id"]) == account.pk
    assert User.objects.count() == 1


def test_a_logged_in_unverified_account_links_its_digital_id(
    client: Client, citizens: list[SimulatedCitizen]
) -> None:
    account = User.objects.create_user(
        "cd-huong",
        password=PASSWORD,
        kind=AccountKind.CITIZEN,
        full_name="Tran Thi Huong",
        phone="0912345678",
        phone_verified_at=timezone.now(),
    )
    client.force_login(account)
    assert "Link my digital ID" in client.get("/tai-khoan/").content.decode()
    back = authorize(client, HUONG, client.post("/tai-khoan/lien-ket-vneid/"))
    response = client.get(local(back["Location"]), follow=True)
    assert "now verified with your digital ID" in response.content.decode()
    account.refresh_from_db()
    assert (account.id_number, account.full_name) == (
        HUONG,
        "Trần Thị Hương",
    ) and account.id_verified_at is not None
    assert AccessLog.objects.filter(action="id_link", user=account).exists()


def test_linking_an_id_number_another_account_holds_is_refused(
    client: Client, citizens: list[SimulatedCitizen]
) -> None:
    holder = verified_citizen(
        "holder", id_number=HUONG, full_name="Trần Thị Hương", date_of_birth=date(1990, 7, 25)
    )
    account = User.objects.create_user(
        "cd-other", password=PASSWORD, kind=AccountKind.CITIZEN, phone="0912345678"
    )
    client.force_login(account)
    back = authorize(client, HUONG, client.post("/tai-khoan/lien-ket-vneid/"))
    response = client.get(local(back["Location"]))
    assert response.status_code == 400
    assert "already linked to another account" in response.content.decode()
    account.refresh_from_db()
    assert account.id_verified_at is None and account.id_number == ""
    assert int(client.session["_auth_user_id"]) == account.pk != holder.pk


def test_a_forged_state_is_refused(client: Client, citizens: list[SimulatedCitizen]) -> None:
    back = authorize(client, HUONG, client.get("/dang-nhap/vneid/"))
    params = query_of(back["Location"])
    response = client.get("/dang-nhap/vneid/callback/", {"code": params["code"], "state": "forged-state"})
    assert response.status_code == 400
    assert "not valid, has expired or was already used" in response.content.decode()
    assert not User.objects.exists() and "_auth_user_id" not in client.session


def test_a_replayed_callback_and_a_replayed_code_are_refused(
    client: Client, citizens: list[SimulatedCitizen]
) -> None:
    back = authorize(client, HUONG, client.get("/dang-nhap/vneid/"))
    assert client.get(local(back["Location"])).status_code == 302
    client.post("/dang-xuat/")
    # The same callback again: its state was used.
    assert client.get(local(back["Location"])).status_code == 400
    # The used code under a fresh state: the simulator refuses the second exchange.
    start = client.get("/dang-nhap/vneid/")
    state = query_of(start["Location"])["state"]
    response = client.get(
        "/dang-nhap/vneid/callback/", {"code": query_of(back["Location"])["code"], "state": state}
    )
    assert response.status_code == 400 and "already used" in response.content.decode()
    assert User.objects.count() == 1 and "_auth_user_id" not in client.session


def test_the_token_endpoint_wants_the_client_secret_and_the_pkce_verifier(
    client: Client, citizens: list[SimulatedCitizen]
) -> None:
    back = authorize(client, HUONG, client.get("/dang-nhap/vneid/"))
    code = query_of(back["Location"])["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "http://127.0.0.1:8000/dang-nhap/vneid/callback/",
    }
    server = Client(headers={"accept-language": "en"})
    no_secret = server.post(
        "/gia-lap/vneid/token/", {**form, "client_id": "motcua-cong-dich-vu-cong", "client_secret": "x"}
    )
    assert no_secret.status_code == 401 and no_secret.json() == {"error": "invalid_client"}
    from motcua.integrations.identity.contrib.vneid_simulator.plugin import client_secret

    wrong_verifier = server.post(
        "/gia-lap/vneid/token/",
        {
            **form,
            "client_id": "motcua-cong-dich-vu-cong",
            "client_secret": client_secret(),
            "code_verifier": "a" * 43,
        },
    )
    assert wrong_verifier.status_code == 400 and wrong_verifier.json() == {"error": "invalid_grant"}


def test_the_simulator_never_redirects_to_an_unregistered_address(
    client: Client, citizens: list[SimulatedCitizen]
) -> None:
    start = client.get("/dang-nhap/vneid/")
    params = {**query_of(start["Location"]), "redirect_uri": "https://evil.example/cb"}
    response = client.get("/gia-lap/vneid/dang-nhap/", params)
    assert response.status_code == 400 and "not registered" in response.content.decode()


class ForgingTransport(ClientTransport):
    """Replaces the ID token the simulator returns by one the test builds from its claims."""

    def __init__(self, forge: Callable[[dict[str, Any]], str]) -> None:
        super().__init__()
        self.forge = forge

    def post_form(
        self, url: str, data: Mapping[str, str], headers: Mapping[str, str] | None = None
    ) -> tuple[int, bytes]:
        status, body = super().post_form(url, data, headers)
        payload = json.loads(body)
        claims = jwt.decode(payload["id_token"], options={"verify_signature": False})
        payload["id_token"] = self.forge(claims)
        return status, json.dumps(payload).encode()


OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize(
    ("forge", "message"),
    [
        (lambda c: id_token_sign({**c, "nonce": "another-nonce"}), "does not belong to this login attempt"),
        (lambda c: id_token_sign({**c, "iat": c["iat"] - 3600, "exp": c["iat"] - 1800}), "has expired"),
        (lambda c: id_token_sign(c, OTHER_KEY), "does not publish"),
        (
            lambda c: jwt.encode(
                c,
                OTHER_KEY,
                algorithm="RS256",
                headers={"kid": jwt.get_unverified_header(id_token_sign(c))["kid"]},
            ),
            "signature is not valid",
        ),
        (lambda c: id_token_sign({**c, "aud": "another-client"}), "not issued for this portal"),
        (lambda c: id_token_sign({**c, "iss": "https://elsewhere.example"}), "another issuer"),
        (
            lambda c: id_token_sign({**c, "iat": c["iat"] + 3600, "exp": c["exp"] + 3600}),
            "dated in the future",
        ),
        (lambda c: id_token_sign({**c, "id_number": "123"}), "valid citizen ID number"),
        (
            lambda c: jwt.encode(c, "a-shared-secret-of-thirty-two-bytes!", algorithm="HS256"),
            "not signed as required",
        ),
    ],
    ids=[
        "nonce",
        "expired",
        "unknown-key",
        "wrong-signature",
        "audience",
        "issuer",
        "future",
        "bad-id",
        "hs256",
    ],
)
def test_a_bad_id_token_is_refused_and_changes_nothing(
    client: Client, citizens: list[SimulatedCitizen], forge: Callable[[dict[str, Any]], str], message: str
) -> None:
    from motcua.integrations.transport import transport_use

    with transport_use(ForgingTransport(forge)):
        response = vneid_login(client, HUONG)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.exists() and "_auth_user_id" not in client.session


def test_a_cancelled_login_is_reported(client: Client, citizens: list[SimulatedCitizen]) -> None:
    start = client.get("/dang-nhap/vneid/")
    params = query_of(start["Location"])
    back = client.post("/gia-lap/vneid/dang-nhap/", {**params, "buoc": "tu-choi"})
    response = client.get(local(back["Location"]))
    assert response.status_code == 400 and "You cancelled" in response.content.decode()


def test_a_wrong_simulator_password_is_refused(client: Client, citizens: list[SimulatedCitizen]) -> None:
    params = query_of(client.get("/dang-nhap/vneid/")["Location"])
    page = client.post(
        "/gia-lap/vneid/dang-nhap/", {**params, "so_dinh_danh": HUONG, "mat_khau": "x", "buoc": "dang-nhap"}
    )
    assert page.status_code == 200 and "wrong" in page.content.decode()
    assert "Trần Thị Hương" in page.content.decode()  # the demo citizens are listed
