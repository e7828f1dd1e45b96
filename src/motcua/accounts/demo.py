"""Demo applicant accounts: two citizens whose ID numbers are verified (they match people of the
population-database simulator) and one organisation. The other simulated citizens have no account yet: a
first digital-ID login creates theirs."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.integrations.models import SimulatedCitizen
from motcua.org.demo import DEMO_PASSWORD, DemoAccount

from .models import AccountKind, User

# (username, ID number of a simulated citizen, phone)
DEMO_CITIZEN_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("congdan.minh", "024085001201", "0912345601"),
    ("congdan.huong", "024190002302", "0912345602"),
)
# (username, name, tax code, representative, e-mail) — sample data; the tax code's check digit is right.
DEMO_ORGANISATION = (
    "doanhnghiep.kinhbac",
    "Công ty TNHH Xây dựng Kinh Bắc",
    "2300123454",
    "Nguyễn Văn Minh",
    "lienhe@xaydungkinhbac.example.vn",
)


def demo_applicants_create() -> None:
    now = timezone.now()
    for username, id_number, phone in DEMO_CITIZEN_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        person = SimulatedCitizen.objects.get(id_number=id_number)
        User.objects.create_user(
            username,
            password=DEMO_PASSWORD,
            kind=AccountKind.CITIZEN,
            full_name=person.full_name,
            id_number=person.id_number,
            id_verified_at=now,
            date_of_birth=person.date_of_birth,
            phone=phone,
            phone_verified_at=now,
        )
    username, name, tax_code, representative, email = DEMO_ORGANISATION
    if not User.objects.filter(username=username).exists():
        User.objects.create_user(
            username,
            email=email,
            password=DEMO_PASSWORD,
            kind=AccountKind.ORGANISATION,
            full_name=name,
            tax_code=tax_code,
            representative=representative,
            email_verified_at=now,
            # As an administrator verifies an organisation's tax code (it opens the organisation's data store).
            id_verified_at=now,
        )


def demo_applicant_accounts() -> list[DemoAccount]:
    accounts = []
    for username, id_number, phone in DEMO_CITIZEN_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is not None:
            accounts.append(
                DemoAccount(
                    username,
                    user.full_name,
                    _("citizen — ID number %(id)s, phone %(phone)s") % {"id": id_number, "phone": phone},
                )
            )
    username, name, tax_code, _representative, email = DEMO_ORGANISATION
    if User.objects.filter(username=username).exists():
        accounts.append(
            DemoAccount(
                username,
                name,
                _("organisation — tax code %(code)s, %(email)s") % {"code": tax_code, "email": email},
            )
        )
    return accounts
