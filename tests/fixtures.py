"""Shared fixtures: a small province, an agency tree and a catalog built through the real services."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from motcua.accounts.models import User
from motcua.catalog.transfer import catalog_import
from motcua.geo.models import AdministrativeUnit, Level
from motcua.org.models import Agency, AgencyKind, Role, StaffRole
from motcua.org.services import agency_save


@pytest.fixture(autouse=True)
def empty_cache() -> Any:
    """Each test starts with an empty cache: counts, rate limits, a user read with a session, the calendar
    a page shows and the like kept by an earlier test (whose rows were rolled back, and whose ids a later
    test may get again) must not leak into it."""
    from django.core.cache import cache

    from motcua.accounts.sessions import forget_session_user
    from motcua.backoffice.menu import forget_receiving_units
    from motcua.workdays.selectors import forget_calendar

    cache.clear()
    forget_session_user()
    forget_calendar()
    forget_receiving_units()
    yield
    cache.clear()
    forget_session_user()
    forget_calendar()
    forget_receiving_units()


@pytest.fixture
def geo(db: Any) -> dict[str, Any]:
    province_level = Level.objects.create(code="province", name="Cấp tỉnh", rank=1)
    commune_level = Level.objects.create(code="commune", name="Cấp xã", rank=2)
    province = AdministrativeUnit.objects.create(level=province_level, code="24", name="Tỉnh Bắc Ninh")
    ward = AdministrativeUnit.objects.create(
        level=commune_level, code="07210", name="Phường Bắc Giang", parent=province
    )
    other = AdministrativeUnit.objects.create(
        level=commune_level, code="07228", name="Phường Đa Mai", parent=province
    )
    return {
        "province_level": province_level,
        "commune_level": commune_level,
        "province": province,
        "ward": ward,
        "other_ward": other,
    }


def make_agency(
    geo: dict[str, Any],
    code: str,
    name: str,
    kind: AgencyKind,
    parent: Agency | None = None,
    commune: bool = False,
) -> Agency:
    return agency_save(
        Agency(
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            level=geo["commune_level"] if commune else geo["province_level"],
            admin_unit=geo["ward"] if commune else geo["province"],
        )
    )


@pytest.fixture
def org(geo: dict[str, Any]) -> dict[str, Agency]:
    ubnd = make_agency(geo, "000.00.00.H24", "Ủy ban nhân dân tỉnh Bắc Ninh", AgencyKind.PROVINCIAL_COMMITTEE)
    center = make_agency(
        geo, "000.00.01.H24", "Trung tâm Phục vụ hành chính công tỉnh", AgencyKind.SERVICE_CENTER, ubnd
    )
    justice = make_agency(geo, "000.00.12.H24", "Sở Tư pháp", AgencyKind.DEPARTMENT, ubnd)
    justice_div = make_agency(geo, "001.00.12.H24", "Phòng Hành chính tư pháp", AgencyKind.DIVISION, justice)
    construction = make_agency(geo, "000.00.13.H24", "Sở Xây dựng", AgencyKind.DEPARTMENT, ubnd)
    commune = make_agency(
        geo, "000.00.41.H24", "Ủy ban nhân dân phường Bắc Giang", AgencyKind.COMMUNE_COMMITTEE, commune=True
    )
    desk = make_agency(
        geo,
        "001.00.41.H24",
        "Bộ phận Một cửa phường Bắc Giang",
        AgencyKind.ONE_STOP_DESK,
        commune,
        commune=True,
    )
    return {
        "ubnd": ubnd,
        "center": center,
        "justice": justice,
        "justice_div": justice_div,
        "construction": construction,
        "commune": commune,
        "desk": desk,
    }


def staff(username: str, *roles: tuple[Agency, Role]) -> User:
    user = User.objects.create_user(username, password="pw-Test-123456", is_staff=True)
    for agency, role in roles:
        StaffRole.objects.create(user=user, agency=agency, role=role)
    return user


def _version(name: str, field: str, **extra: Any) -> dict[str, Any]:
    version: dict[str, Any] = {
        "number": 1,
        "status": "published",
        "name": name,
        "field": field,
        "statutory_time": "3",
        "time_unit": "working_day",
        "steps": "Nộp hồ sơ; nhận kết quả.",
        "legal_basis": "Luật Hộ tịch 2014",
        "applicant_types": ["citizen"],
        "online_level": "full",
        "any_center_may_receive": True,
        "effective_from": "2025-07-01",
        "levels": [
            {
                "level": "commune",
                "implementing_agency": None,
                "implementing_agency_name": "Ủy ban nhân dân cấp xã",
                "competent_agency": None,
                "competent_agency_name": "Chủ tịch Ủy ban nhân dân cấp xã",
            }
        ],
        "components": [
            {
                "code": "TP1",
                "name": "Tờ khai",
                "originals": 1,
                "copies": 0,
                "requirement": "required",
                "accepted_formats": ["pdf", "docx"],
                "template": "to-khai.docx",
            },
            {
                "code": "TP2",
                "name": "Giấy chứng nhận kết hôn của cha mẹ",
                "originals": 0,
                "copies": 1,
                "requirement": "conditional",
                "condition": "Nếu cha mẹ đã đăng ký kết hôn",
                "result_code": "KQ.G15.000032",
            },
        ],
        "results": [
            {
                "code": "KQ.G15.000031",
                "name": "Giấy khai sinh",
                "validity_months": None,
                "issued_electronically": True,
            }
        ],
        "fees": [{"kind": "charge", "name": "Lệ phí đăng ký", "amount": 0, "note": "Miễn lệ phí"}],
    }
    version.update(extra)
    return version


SAMPLE_CATALOG: dict[str, Any] = {
    "format": "motcua-catalog",
    "format_version": 1,
    "province": "24",
    "fields": [
        {"code": "G15-HT01", "name": "Hộ tịch"},
        {"code": "G10-XD01", "name": "Xây dựng"},
    ],
    "procedures": [
        {
            "national_code": "1.001193",
            "owner_agency": "000.00.12.H24",
            "versions": [_version("Đăng ký khai sinh", "G15-HT01", statutory_time="0.5")],
        },
        {
            "national_code": "9.000001",
            "is_sample_code": True,
            "owner_agency": "000.00.12.H24",
            "versions": [_version("Đăng ký kết hôn", "G15-HT01", online_level="partial")],
        },
        {
            "national_code": "9.000002",
            "is_sample_code": True,
            "owner_agency": "000.00.13.H24",
            "versions": [
                _version(
                    "Cấp giấy phép xây dựng công trình",
                    "G10-XD01",
                    status="archived",
                    effective_to="2025-12-31",
                    online_level="none",
                    levels=[
                        {
                            "level": "province",
                            "implementing_agency": "000.00.13.H24",
                            "implementing_agency_name": "Sở Xây dựng",
                            "competent_agency": "000.00.13.H24",
                            "competent_agency_name": "Sở Xây dựng",
                        }
                    ],
                    fees=[{"kind": "charge", "name": "Lệ phí cấp phép", "amount": 150000}],
                ),
                _version(
                    "Cấp giấy phép xây dựng công trình",
                    "G10-XD01",
                    number=2,
                    effective_from="2026-01-01",
                    online_level="partial",
                    levels=[
                        {
                            "level": "province",
                            "implementing_agency": "000.00.13.H24",
                            "implementing_agency_name": "Sở Xây dựng",
                            "competent_agency": "000.00.13.H24",
                            "competent_agency_name": "Sở Xây dựng",
                        }
                    ],
                    fees=[{"kind": "charge", "name": "Lệ phí cấp phép", "amount": 150000}],
                ),
            ],
        },
    ],
}


@pytest.fixture
def catalog_data() -> dict[str, Any]:
    return copy.deepcopy(SAMPLE_CATALOG)


TEMPLATE_FILES = {"to-khai.docx": b"PK\x03\x04 demo"}


@pytest.fixture
def catalog(org: dict[str, Agency], catalog_data: dict[str, Any]) -> dict[str, Any]:
    catalog_import(json.dumps(catalog_data), template_files=TEMPLATE_FILES)
    return catalog_data


# A small birth-registration declaration for the tests of the pages and services that use e-forms.
BIRTH_EFORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["tre", "quan_he", "so_van_ban_uy_quyen", "cam_doan"],
    "properties": {
        "tre": {
            "type": "object",
            "title": "Trẻ được đăng ký khai sinh",
            "required": ["ho_ten", "ngay_sinh"],
            "properties": {
                "ho_ten": {"type": "string", "title": "Họ, chữ đệm và tên", "maxLength": 100},
                "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
            },
        },
        "quan_he": {
            "type": "string",
            "title": "Quan hệ với trẻ",
            "oneOf": [
                {"const": "me", "title": "Mẹ"},
                {"const": "cha", "title": "Cha"},
                {"const": "uy_quyen", "title": "Người được ủy quyền"},
            ],
        },
        "so_van_ban_uy_quyen": {"type": "string", "title": "Số văn bản ủy quyền"},
        "ho_ten_nguoi_khai": {"type": "string", "title": "Họ tên người khai"},
        "cha_me_da_ket_hon": {"type": "boolean", "title": "Cha mẹ đã đăng ký kết hôn"},
        "cam_doan": {"type": "boolean", "const": True, "title": "Tôi cam đoan lời khai là đúng sự thật"},
    },
}
BIRTH_EFORM_UI: dict[str, Any] = {
    "fields": {
        "quan_he": {"widget": "radio"},
        # Asked (and required) only from an authorised filer.
        "so_van_ban_uy_quyen": {"show_when": {"field": "quan_he", "equals": "uy_quyen"}},
        "ho_ten_nguoi_khai": {"prefill": "full_name"},
    }
}
# The marriage certificate (TP2) is required when the parents are married.
BIRTH_TP2_RULE: dict[str, Any] = {"field": "cha_me_da_ket_hon", "is_true": True}
BIRTH_ANSWERS: dict[str, Any] = {
    "tre": {"ho_ten": "Nguyễn Minh Khôi", "ngay_sinh": "2026-05-02"},
    "quan_he": "me",
    "cam_doan": True,
}


def with_birth_eform(data: dict[str, Any]) -> dict[str, Any]:
    """The sample catalog with the e-form on 1.001193 (and the rule of its TP2)."""
    data = copy.deepcopy(data)
    version = data["procedures"][0]["versions"][0]
    version["eform_schema"] = copy.deepcopy(BIRTH_EFORM_SCHEMA)
    version["eform_ui"] = copy.deepcopy(BIRTH_EFORM_UI)
    version["components"][1]["required_when"] = copy.deepcopy(BIRTH_TP2_RULE)
    return data


@pytest.fixture
def eform_catalog(org: dict[str, Agency], catalog_data: dict[str, Any]) -> dict[str, Any]:
    data = with_birth_eform(catalog_data)
    catalog_import(json.dumps(data), template_files=TEMPLATE_FILES)
    return data
