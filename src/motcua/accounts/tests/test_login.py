"""Login by every identifier, throttling, landing pages, logout, password reset and CSRF on these forms."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import AccountKind, LoginFailure, User
from motcua.audit.models import AccessLog
from motcua.integrations.models import Notification
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from .conftest import MINH, PASSWORD, verified_citizen

pytestmark = pytest.mark.django_db


def login(client: Client, identifier: str, password: str = PASSWORD, **extra: str) -> Any:
    return client.post("/dang-nhap/", {"identifier": identifier, "password": password, **extra})


@pytest.fixture
def citizen(db: Any) -> User:
    return verified_citizen("cd-minh", email="minh@example.vn", email_verified_at=timezone.now())


@pytest.mark.parametrize(
    "identifier", ["cd-minh", "minh@example.vn", "MINH@example.vn", "0912000111", "+84 912 000 111", MINH]
)
def test_an_applicant_logs_in_with_any_identifier_and_lands_on_my_dossiers(
    client: Client, citizen: User, identifier: str
) -> None:
    response = login(client, identifier)
    assert response.status_code == 302 and response["Location"] == "/ho-so-cua-toi/"
    assert int(client.session["_auth_user_id"]) == citizen.pk
    entry = AccessLog.objects.get(action="login")
    assert (entry.user, entry.object_ref, entry.detail) == (citizen, str(citizen.pk), "password")


def test_an_officer_logs_in_on_the_same_page_and_lands_on_the_back_office(
    org: dict[str, Agency], client: Client
) -> None:
    staff("tiepnhan", (org["desk"], Role.RECEPTION_OFFICER))
    response = login(client, "tiepnhan", "pw-Test-123456")
    assert response.status_code == 302 and response["Location"] == "/mot-cua/"


def test_login_url_brings_back_office_and_portal_pages_back_after_login(
    org: dict[str, Agency], client: Client, citizen: User
) -> None:
    staff("tiepnhan", (org["desk"], Role.RECEPTION_OFFICER))
    to_login = client.get("/mot-cua/ho-so/")
    assert to_login.status_code == 302 and to_login["Location"] == "/dang-nhap/?next=/mot-cua/ho-so/"
    page = client.get(to_login["Location"])
    assert 'name="next" value="/mot-cua/ho-so/"' in page.content.decode()
    assert (
        login(client, "tiepnhan", "pw-Test-123456", next="/mot-cua/ho-so/")["Location"] == "/mot-cua/ho-so/"
    )
    applicant = Client(headers={"accept-language": "en"})
    to_login = applicant.get("/ho-so-cua-toi/")
    assert to_login["Location"] == "/dang-nhap/?next=/ho-so-cua-toi/"
    assert login(applicant, MINH, next="/thu-tuc/")["Location"] == "/thu-tuc/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_a_foreign_next_is_ignored(client: Client, citizen: User, target: str) -> None:
    assert login(client, MINH, next=target)["Location"] == "/ho-so-cua-toi/"


def test_a_wrong_password_or_unknown_account_says_the_same_and_is_audited(
    client: Client, citizen: User
) -> None:
    wrong = login(client, MINH, "Wrong-Pass-1")
    unknown = login(client, "nobody@example.vn")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "The login details are wrong." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert list(
        AccessLog.objects.filter(action="login_failed").values_list("object_ref", flat=True).order_by("id")
    ) == [
        MINH,
        "nobody@example.vn",
    ]


def test_an_inactive_account_and_an_unverified_contact_cannot_log_in(client: Client, citizen: User) -> None:
    User.objects.filter(pk=citizen.pk).update(is_active=False)
    assert "This account is locked" in login(client, MINH).content.decode()
    pending = User.objects.create_user(
        "cd-pending", password=PASSWORD, kind=AccountKind.CITIZEN, phone="0987654321", full_name="Lê Thị Thu"
    )
    response = login(client, "0987654321")
    assert response.status_code == 302 and response["Location"] == "/dang-ky/xac-thuc/"
    assert client.session["accounts_pending_user"] == pending.pk
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_throttled_per_account_with_the_time_to_retry(
    client: Client, citizen: User, settings: Any
) -> None:
    settings.MOTCUA_LOGIN_ACCOUNT_RATE = (3, 900)
    start = timezone.make_aware(datetime(2026, 3, 2, 9, 0))
    with time_machine.travel(start, tick=False):
        # Three identifiers of one account: one count.
        for identifier in ("cd-minh", "0912000111", MINH):
            login(client, identifier, "Wrong-Pass-1")
        response = login(client, "minh@example.vn")
        assert "try again after 09:15 02/03/2026" in response.content.decode()
        assert "_auth_user_id" not in client.session
    with time_machine.travel(start + timedelta(seconds=901), tick=False):
        assert login(client, "minh@example.vn").status_code == 302
    assert not LoginFailure.objects.filter(account_key=f"user:{citizen.pk}").exists()


def test_failed_logins_are_throttled_per_client_address(client: Client, citizen: User, settings: Any) -> None:
    settings.MOTCUA_LOGIN_IP_RATE = (3, 900)
    for number in range(3):
        login(client, f"guess{number}@example.vn")
    response = login(client, MINH)
    assert "Too many failed logins" in response.content.decode()
    assert login(Client(REMOTE_ADDR="10.0.0.9", headers={"accept-language": "en"}), MINH).status_code == 302


def test_logout_is_a_post(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    assert client.get("/dang-xuat/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/dang-xuat/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert AccessLog.objects.filter(action="logout", user=citizen).exists()


def test_the_portal_header_shows_the_account(client: Client, citizen: User) -> None:
    anonymous = client.get("/").content.decode()
    assert 'href="/dang-nhap/"' in anonymous and "Log out" not in anonymous
    client.force_login(citizen)
    page = client.get("/").content.decode()
    assert "Nguyễn Văn Minh" in page and 'href="/ho-so-cua-toi/"' in page and 'href="/tai-khoan/"' in page
    assert 'action="/dang-xuat/"' in page and 'href="/mot-cua/"' in page


def test_the_account_page_shows_the_verified_marks_and_changes_the_password(
    client: Client, citizen: User
) -> None:
    assert client.get("/tai-khoan/")["Location"] == "/dang-nhap/?next=/tai-khoan/"
    client.force_login(citizen)
    page = client.get("/tai-khoan/").content.decode()
    assert MINH in page and page.count("✓") == 3 and "Link my digital ID" not in page
    refused = client.post(
        "/tai-khoan/mat-khau/",
        {"old_password": "nope", "new_password1": "Moi-Mat-Khau-9", "new_password2": "Moi-Mat-Khau-9"},
    )
    assert refused.status_code == 400
    changed = client.post(
        "/tai-khoan/mat-khau/",
        {"old_password": PASSWORD, "new_password1": "Moi-Mat-Khau-9", "new_password2": "Moi-Mat-Khau-9"},
    )
    assert changed.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password("Moi-Mat-Khau-9")
    assert client.get("/tai-khoan/").status_code == 200  # still logged in


# --- password reset ---------------------------------------------------------------------------------


def _code(recipient: str) -> str:
    body = (
        Notification.objects.filter(recipient=recipient)
        .order_by("-id")
        .values_list("body", flat=True)
        .first()
    )
    assert body is not None
    match = re.search(r"\b(\d{6})\b", body)
    assert match is not None
    return match.group(1)


def test_a_password_is_reset_with_a_code_sent_to_the_verified_phone(client: Client, citizen: User) -> None:
    response = client.post("/quen-mat-khau/", {"identifier": MINH}, follow=True)
    assert "If an account matches" in response.content.decode()
    notification = Notification.objects.get()
    assert notification.recipient == "0912000111" and "đặt lại mật khẩu" in notification.body
    weak = client.post(
        "/quen-mat-khau/dat-lai/", {"code": _code("0912000111"), "password1": "123", "password2": "123"}
    )
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    wrong = client.post(
        "/quen-mat-khau/dat-lai/",
        {
            "code": "000000" if _code("0912000111") != "000000" else "111111",
            "password1": "Moi-Mat-Khau-9",
            "password2": "Moi-Mat-Khau-9",
        },
    )
    assert "The code is wrong or no longer valid" in wrong.content.decode()
    done = client.post(
        "/quen-mat-khau/dat-lai/",
        {"code": _code("0912000111"), "password1": "Moi-Mat-Khau-9", "password2": "Moi-Mat-Khau-9"},
    )
    assert done.status_code == 302 and done["Location"] == "/dang-nhap/"
    assert login(client, MINH, "Moi-Mat-Khau-9").status_code == 302


def test_password_reset_does_not_reveal_whether_an_account_exists(client: Client, citizen: User) -> None:
    unverified = User.objects.create_user(
        "cd-x", password=PASSWORD, kind=AccountKind.CITIZEN, phone="0987654321"
    )
    answers: list[Any] = []
    for identifier in (MINH, "nobody@example.vn", "0987654321"):
        visitor = Client(headers={"accept-language": "en"})
        response = visitor.post("/quen-mat-khau/", {"identifier": identifier}, follow=True)
        messages = [str(m) for m in response.context["messages"]]
        answers.append((response.status_code, response.redirect_chain, messages))
        guessed = visitor.post(
            "/quen-mat-khau/dat-lai/",
            {"code": "123456", "password1": "Moi-Mat-Khau-9", "password2": "Moi-Mat-Khau-9"},
        )
        answers.append(guessed.context["form"].errors["code"])
    assert answers[0:2] == answers[2:4] == answers[4:6]
    assert "The code is wrong or no longer valid" in answers[1][0]
    # Only the account with a verified contact got a code; the unverified one and the stranger got nothing.
    assert list(Notification.objects.values_list("recipient", flat=True)) == ["0912000111"]
    unverified.refresh_from_db()
    assert unverified.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (
            "/dang-ky/",
            {
                "full_name": "A",
                "id_number": MINH,
                "date_of_birth": "1985-03-12",
                "contact": "0912345678",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        ),
        ("/dang-nhap/", {"identifier": MINH, "password": PASSWORD}),
        ("/quen-mat-khau/", {"identifier": MINH}),
        ("/dang-xuat/", {}),
        (
            "/tai-khoan/mat-khau/",
            {"old_password": PASSWORD, "new_password1": "Moi-Mat-Khau-9", "new_password2": "Moi-Mat-Khau-9"},
        ),
        ("/tai-khoan/lien-ket-vneid/", {}),
    ],
)
def test_the_account_forms_need_the_csrf_token(citizen: User, path: str, data: dict[str, str]) -> None:
    browser = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    if path.startswith(("/tai-khoan/", "/dang-xuat/")):
        browser.force_login(citizen)
    count = User.objects.count()
    response = browser.post(path, data)
    assert response.status_code == 403
    assert User.objects.count() == count and not Notification.objects.exists()
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)
    if path.startswith(("/tai-khoan/", "/dang-xuat/")):
        assert "_auth_user_id" in browser.session
    else:
        assert "_auth_user_id" not in browser.session
