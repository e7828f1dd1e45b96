"""The demo organisation of Bắc Ninh. Agency identifier codes are QCVN 102-shaped SAMPLE data."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from motcua.accounts.models import User
from motcua.geo.models import AdministrativeUnit, Level
from motcua.geo.services import COMMUNE_LEVEL, PROVINCE_LEVEL

from .models import Agency, AgencyKind, Role, StaffRole
from .services import agency_save

DEMO_PROVINCE = "24"
DEMO_PASSWORD = "MotCua@2026"

# (code, name, kind, parent code or None, level, commune code or None)
AGENCIES: list[tuple[str, str, AgencyKind, str | None, str, str | None]] = [
    (
        "000.00.00.H24",
        "Ủy ban nhân dân tỉnh Bắc Ninh",
        AgencyKind.PROVINCIAL_COMMITTEE,
        None,
        PROVINCE_LEVEL,
        None,
    ),
    (
        "000.00.01.H24",
        "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh",
        AgencyKind.SERVICE_CENTER,
        "000.00.00.H24",
        PROVINCE_LEVEL,
        None,
    ),
    ("000.00.12.H24", "Sở Tư pháp", AgencyKind.DEPARTMENT, "000.00.00.H24", PROVINCE_LEVEL, None),
    ("001.00.12.H24", "Phòng Hành chính tư pháp", AgencyKind.DIVISION, "000.00.12.H24", PROVINCE_LEVEL, None),
    ("000.00.13.H24", "Sở Xây dựng", AgencyKind.DEPARTMENT, "000.00.00.H24", PROVINCE_LEVEL, None),
    ("000.00.14.H24", "Sở Tài chính", AgencyKind.DEPARTMENT, "000.00.00.H24", PROVINCE_LEVEL, None),
    (
        "000.00.15.H24",
        "Sở Nông nghiệp và Môi trường",
        AgencyKind.DEPARTMENT,
        "000.00.00.H24",
        PROVINCE_LEVEL,
        None,
    ),
    ("000.00.16.H24", "Sở Y tế", AgencyKind.DEPARTMENT, "000.00.00.H24", PROVINCE_LEVEL, None),
    ("000.00.17.H24", "Sở Giáo dục và Đào tạo", AgencyKind.DEPARTMENT, "000.00.00.H24", PROVINCE_LEVEL, None),
    ("000.00.18.H24", "Sở Nội vụ", AgencyKind.DEPARTMENT, "000.00.00.H24", PROVINCE_LEVEL, None),
    ("000.00.19.H24", "Sở Công Thương", AgencyKind.DEPARTMENT, "000.00.00.H24", PROVINCE_LEVEL, None),
    (
        "000.00.20.H24",
        "Sở Văn hóa, Thể thao và Du lịch",
        AgencyKind.DEPARTMENT,
        "000.00.00.H24",
        PROVINCE_LEVEL,
        None,
    ),
    ("000.00.30.H24", "Công an tỉnh Bắc Ninh", AgencyKind.POLICE, None, PROVINCE_LEVEL, None),
    (
        "000.00.31.H24",
        "Bảo hiểm xã hội tỉnh Bắc Ninh",
        AgencyKind.SOCIAL_INSURANCE,
        None,
        PROVINCE_LEVEL,
        None,
    ),
    (
        "000.00.41.H24",
        "Ủy ban nhân dân phường Bắc Giang",
        AgencyKind.COMMUNE_COMMITTEE,
        None,
        COMMUNE_LEVEL,
        "07210",
    ),
    (
        "001.00.41.H24",
        "Bộ phận Một cửa phường Bắc Giang",
        AgencyKind.ONE_STOP_DESK,
        "000.00.41.H24",
        COMMUNE_LEVEL,
        "07210",
    ),
    (
        "000.00.42.H24",
        "Ủy ban nhân dân phường Đa Mai",
        AgencyKind.COMMUNE_COMMITTEE,
        None,
        COMMUNE_LEVEL,
        "07228",
    ),
    (
        "001.00.42.H24",
        "Bộ phận Một cửa phường Đa Mai",
        AgencyKind.ONE_STOP_DESK,
        "000.00.42.H24",
        COMMUNE_LEVEL,
        "07228",
    ),
    (
        "000.00.43.H24",
        "Ủy ban nhân dân xã Tam Tiến",
        AgencyKind.COMMUNE_COMMITTEE,
        None,
        COMMUNE_LEVEL,
        "07264",
    ),
    (
        "001.00.43.H24",
        "Bộ phận Một cửa xã Tam Tiến",
        AgencyKind.ONE_STOP_DESK,
        "000.00.43.H24",
        COMMUNE_LEVEL,
        "07264",
    ),
]

# Addresses and phone numbers of the receiving units (sample data).
CONTACTS: dict[str, tuple[str, str]] = {
    "000.00.01.H24": ("Số 11 đường Lý Thái Tổ, phường Kinh Bắc, tỉnh Bắc Ninh", "0222 3 000 001"),
    "001.00.41.H24": ("Trụ sở Ủy ban nhân dân phường Bắc Giang", "0204 3 000 041"),
    "001.00.42.H24": ("Trụ sở Ủy ban nhân dân phường Đa Mai", "0204 3 000 042"),
    "001.00.43.H24": ("Trụ sở Ủy ban nhân dân xã Tam Tiến", "0204 3 000 043"),
}

# (username, full name, [(agency code, role)]); one person may hold roles in several agencies.
STAFF: list[tuple[str, str, list[tuple[str, Role]]]] = [
    ("tiepnhan", "Nguyễn Thị Hoa", [("000.00.01.H24", Role.RECEPTION_OFFICER)]),
    ("tiepnhan.bacgiang", "Trần Văn Nam", [("001.00.41.H24", Role.RECEPTION_OFFICER)]),
    (
        "chuyenvien.tuphap",
        "Lê Thị Mai",
        [("001.00.12.H24", Role.SPECIALIST), ("000.00.41.H24", Role.SPECIALIST)],
    ),
    ("truongphong.tuphap", "Phạm Quốc Huy", [("001.00.12.H24", Role.HEAD_OF_DIVISION)]),
    ("lanhdao.tuphap", "Đặng Minh Đức", [("000.00.12.H24", Role.AGENCY_LEADER)]),
    ("quantri.tuphap", "Vũ Thu Trang", [("000.00.12.H24", Role.AGENCY_ADMIN)]),
    ("quantri.xaydung", "Hoàng Văn Sơn", [("000.00.13.H24", Role.AGENCY_ADMIN)]),
    ("lanhdao.bacgiang", "Bùi Thị Lan", [("000.00.41.H24", Role.AGENCY_LEADER)]),
    ("giamsat", "Đỗ Thanh Bình", [("000.00.00.H24", Role.PROVINCIAL_SUPERVISOR)]),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    roles: str


@transaction.atomic
def demo_organisation_create() -> None:
    levels = {lv.code: lv for lv in Level.objects.all()}
    province = AdministrativeUnit.objects.get(level__code=PROVINCE_LEVEL, code=DEMO_PROVINCE)
    communes = {u.code: u for u in AdministrativeUnit.objects.filter(parent=province)}
    created: dict[str, Agency] = {a.code: a for a in Agency.objects.all()}
    for code, name, kind, parent, level, commune in AGENCIES:
        if code in created:
            continue
        agency = Agency(
            code=code,
            name=name,
            kind=kind,
            parent=created[parent] if parent else None,
            level=levels[level],
            admin_unit=communes[commune] if commune else province,
            address=CONTACTS.get(code, ("", ""))[0],
            phone=CONTACTS.get(code, ("", ""))[1],
        )
        created[code] = agency_save(agency)
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser(
            "admin", "admin@motcua.local", DEMO_PASSWORD, full_name="Quản trị hệ thống"
        )
    for username, full_name, roles in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username,
                f"{username}@motcua.local",
                DEMO_PASSWORD,
                full_name=full_name,
                is_staff=True,
                # Sample numbers: one-time codes for signing go to this phone through the SMS simulator.
                phone=f"0912{len(username):02d}{sum(map(ord, username)) % 10000:04d}",
            )
        for agency_code, role in roles:
            StaffRole.objects.get_or_create(user=user, agency=created[agency_code], role=role)


def demo_accounts() -> list[DemoAccount]:
    accounts = [DemoAccount("admin", "Quản trị hệ thống", "superuser")]
    for username, full_name, roles in STAFF:
        names = {a[0]: a[1] for a in AGENCIES}
        accounts.append(
            DemoAccount(
                username, full_name, "; ".join(f"{role.label} — {names[code]}" for code, role in roles)
            )
        )
    return accounts
