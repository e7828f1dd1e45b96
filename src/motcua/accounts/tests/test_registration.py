"""Registration of citizens and organisations, and the one-time code that proves their contact."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from motcua.accounts import services
from motcua.accounts.models import AccountKind, CodePurpose, ContactCode, User
from motcua.integrations.models import Notification, SimulatedCitizen, SimulatedMessage

from .conftest import MINH, PASSWORD, verified_citizen

pytestmark = pytest.mark.django_db

CITIZEN = {
    "full_name": "Nguyễn Văn Minh",
    "id_number": MINH,
    "date_of_birth": "1985-03-12",
    "contact": "0912 345 678",
    "password1": PASSWORD,
    "password2": PASSWORD,
}
ORGANISATION = {
    "full_name": "Công ty TNHH Xây dựng Kinh Bắc",
    "tax_code": "2300123454",
    "representative": "Nguyễn Văn Minh",
    "contact": "LienHe@XayDung.example.vn",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def last_code(recipient: str) -> str:
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


def test_a_citizen_registers_proves_the_phone_and_is_verified_by_the_population_database(
    client: Client, citizens: list[SimulatedCitizen], django_capture_on_commit_callbacks: Any
) -> None:
    page = client.get("/dang-ky/")
    assert page.status_code == 200
    assert 'name="id_number"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dang-ky/", CITIZEN)
    assert response.status_code == 302 and response["Location"] == "/dang-ky/xac-thuc/"
    user = User.objects.get(phone="0912345678")
    assert (
        user.kind == AccountKind.CITIZEN
        and user.id_number == MINH
        and user.date_of_birth == date(1985, 3, 12)
    )
    assert user.phone_verified_at is None and user.id_verified_at is None
    # The code went through the outbox to the SMS simulator, where the demo's administrator can read it.
    message = SimulatedMessage.objects.get(recipient="0912345678")
    assert "Mã xác thực" in message.body
    code = last_code("0912345678")
    assert ContactCode.objects.get(user=user).code_hash != code
    page = client.get("/dang-ky/xac-thuc/")
    assert "******5678" in page.content.decode()
    # Before the code is entered the account cannot log in.
    refused = client.post("/dang-nhap/", {"identifier": "0912345678", "password": PASSWORD})
    assert refused.status_code == 302 and refused["Location"] == "/dang-ky/xac-thuc/"
    verified = client.post("/dang-ky/xac-thuc/", {"hanh-dong": "xac-thuc", "code": code})
    assert verified.status_code == 302 and verified["Location"] == "/ho-so-cua-toi/"
    user.refresh_from_db()
    # The contact is proven; the ID number is verified only by the digital ID (name, date of birth and
    # number are not secrets), so the data store and the dossiers filed under it stay closed for now.
    assert user.phone_verified_at is not None and user.id_verified_at is None
    assert client.get("/tai-khoan/").context["account"] == user


def test_a_citizen_the_population_database_does_not_know_is_refused(
    client: Client, citizens: list[SimulatedCitizen]
) -> None:
    response = client.post("/dang-ky/", {**CITIZEN, "full_name": "Nguyễn Văn Mình"})
    assert response.status_code == 200
    assert "do not match the national population database" in response.content.decode()
    assert not User.objects.filter(phone="0912345678").exists()


def test_an_organisation_registers_with_an_e_mail(client: Client, db: Any) -> None:
    response = client.post("/dang-ky/?loai=to-chuc", ORGANISATION)
    assert response.status_code == 302
    user = User.objects.get(email="lienhe@xaydung.example.vn")
    assert user.kind == AccountKind.ORGANISATION
    assert (user.tax_code, user.representative) == ("2300123454", "Nguyễn Văn Minh")
    notification = Notification.objects.get(recipient="lienhe@xaydung.example.vn")
    assert notification.channel == "email"
    client.post(
        "/dang-ky/xac-thuc/", {"hanh-dong": "xac-thuc", "code": last_code("lienhe@xaydung.example.vn")}
    )
    user.refresh_from_db()
    assert user.email_verified_at is not None and user.id_verified_at is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"id_number": "02408500120"}, "id_number", "exactly 12 digits"),
        ({"id_number": "999085001201"}, "id_number", "not a province-of-birth code"),
        ({"date_of_birth": "1986-03-12"}, "id_number", "encodes the birth year 1985"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": "1985-02-30"}, "date_of_birth", "Enter a valid date"),
        ({"contact": "0123"}, "contact", "mobile number"),
        ({"contact": "minh@"}, "contact", "valid e-mail"),
        ({"password1": "12345678", "password2": "12345678"}, "password", "too common"),
        ({"password2": "Other-Pass-2026"}, "password2", "two passwords differ"),
        ({"full_name": ""}, "full_name", "required"),
    ],
)
def test_bad_citizen_registrations_are_refused_and_nothing_is_created(
    client: Client, db: Any, change: dict[str, str], field: str, message: str
) -> None:
    response = client.post("/dang-ky/", {**CITIZEN, **change})
    assert response.status_code == 200
    errors = " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)
    assert message in errors
    assert not User.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tax_code": "2300123455"}, "wrong check digit"),
        ({"tax_code": "23001"}, "A tax code has 10 digits"),
        ({"representative": ""}, "required"),
    ],
)
def test_bad_organisation_registrations_are_refused(
    client: Client, db: Any, change: dict[str, str], message: str
) -> None:
    response = client.post("/dang-ky/?loai=to-chuc", {**ORGANISATION, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_an_id_number_or_contact_verified_by_another_account_is_refused(client: Client, db: Any) -> None:
    verified_citizen(phone="0912345678")
    response = client.post("/dang-ky/", CITIZEN)
    errors = response.context["form"].errors
    assert "already verified for another account" in errors["id_number"][0]
    assert "already belongs to an account" in errors["contact"][0]
    assert User.objects.count() == 1


def test_a_second_account_cannot_verify_an_id_number_taken_meanwhile(
    citizens: list[SimulatedCitizen],
) -> None:
    first = services.account_register(
        services.Registration(
            AccountKind.CITIZEN, "Nguyễn Văn Minh", "0912345678", PASSWORD, MINH, date(1985, 3, 12)
        )
    )
    verified_citizen()  # another account gets the number verified before the first proves its phone
    code = last_code("0912345678")
    user = services.contact_verify(first, code)
    assert user.phone_verified_at is not None and user.id_verified_at is None


# --- the one-time code ------------------------------------------------------------------------------


@pytest.fixture
def pending(db: Any) -> User:
    return services.account_register(
        services.Registration(
            AccountKind.ORGANISATION,
            "Công ty A",
            "0912345678",
            PASSWORD,
            tax_code="2300123454",
            representative="B",
        )
    )


def test_a_wrong_code_is_counted_and_five_wrong_codes_void_it(pending: User) -> None:
    code = last_code("0912345678")
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ValidationError, match=r"wrong \(4 tries left\)"):
        services.contact_verify(pending, wrong)
    for _attempt in range(4):
        with pytest.raises(ValidationError):
            services.contact_verify(pending, wrong)
    with pytest.raises(ValidationError, match="Too many wrong codes"):
        services.contact_verify(pending, code)
    pending.refresh_from_db()
    assert pending.phone_verified_at is None


def test_an_expired_code_is_refused(pending: User) -> None:
    code = last_code("0912345678")
    with (
        time_machine.travel(timezone.now() + timedelta(seconds=601), tick=False),
        pytest.raises(ValidationError, match="expired"),
    ):
        services.contact_verify(pending, code)
    pending.refresh_from_db()
    assert pending.phone_verified_at is None


def test_a_code_is_used_once(pending: User) -> None:
    code = last_code("0912345678")
    services.contact_verify(pending, code)
    with pytest.raises(ValidationError, match="no valid code"):
        services.contact_code_check(pending, CodePurpose.VERIFY_CONTACT, code)


def test_a_new_code_waits_for_the_resend_interval_and_voids_the_old_one(client: Client, db: Any) -> None:
    start = timezone.make_aware(datetime(2026, 3, 2, 9, 0))
    with time_machine.travel(start, tick=False):
        client.post("/dang-ky/?loai=to-chuc", ORGANISATION)
        old = last_code("lienhe@xaydung.example.vn")
        response = client.post("/dang-ky/xac-thuc/", {"hanh-dong": "gui-lai"}, follow=True)
        assert "You can ask for a new one after 09:01 02/03/2026" in response.content.decode()
        assert Notification.objects.count() == 1
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        response = client.post("/dang-ky/xac-thuc/", {"hanh-dong": "gui-lai"}, follow=True)
        assert "A new code was sent." in response.content.decode()
        assert Notification.objects.count() == 2
        new = last_code("lienhe@xaydung.example.vn")
        if old != new:
            refused = client.post("/dang-ky/xac-thuc/", {"hanh-dong": "xac-thuc", "code": old})
            assert refused.status_code == 200
        accepted = client.post("/dang-ky/xac-thuc/", {"hanh-dong": "xac-thuc", "code": new})
        assert accepted.status_code == 302
    assert User.objects.get().email_verified_at is not None


def test_the_verify_page_without_a_pending_registration_sends_to_login(client: Client, db: Any) -> None:
    response = client.get("/dang-ky/xac-thuc/")
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/"


def test_every_problem_of_a_registration_is_told_at_once(client: Client, db: Any) -> None:
    response = client.post(
        "/dang-ky/",
        {**CITIZEN, "id_number": "1234", "contact": "0912", "password1": "abc", "password2": "abc"},
    )
    errors = response.context["form"].errors
    assert {"id_number", "contact", "password1"} <= set(errors)
    page = response.content.decode()
    assert 'aria-describedby="id_id_number_helptext id_id_number_error"' in page
    assert 'id="id_id_number_error"' in page
