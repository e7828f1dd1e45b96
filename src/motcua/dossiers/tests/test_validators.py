from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from motcua.dossiers.validators import (
    PROVINCE_OF_BIRTH_CODES,
    citizen_id_birth_year,
    citizen_id_check,
    tax_code_check,
)


def test_there_are_63_province_codes() -> None:
    assert len(PROVINCE_OF_BIRTH_CODES) == 63
    assert {"001", "079", "096"} <= PROVINCE_OF_BIRTH_CODES and "003" not in PROVINCE_OF_BIRTH_CODES


@pytest.mark.parametrize(
    ("number", "born", "sex", "year"),
    [
        ("001099012345", date(1999, 5, 1), "male", 1999),
        ("079185000001", date(1985, 1, 1), "female", 1985),
        ("024303000123", date(2003, 12, 31), "female", 2003),
        ("096200999999", date(2000, 1, 1), "male", 2000),
        ("001099012345", None, None, 1999),  # structure only
        ("040500000001", date(2100, 6, 1), None, 2100),
    ],
)
def test_valid_citizen_ids(number: str, born: date | None, sex: str | None, year: int) -> None:
    citizen_id_check(number, born, sex)
    assert citizen_id_birth_year(number) == year


@pytest.mark.parametrize(
    ("number", "born", "sex", "code", "fragment"),
    [
        ("00109901234", None, None, "citizen_id_format", "12 digits"),
        ("0010990123456", None, None, "citizen_id_format", "12 digits"),
        ("00109901234a", None, None, "citizen_id_format", "12 digits"),
        ("００１０９９０１２３４５", None, None, "citizen_id_format", "12 digits"),  # full-width digits
        ("003099012345", None, None, "citizen_id_province", "003"),
        ("097099012345", None, None, "citizen_id_province", "097"),
        # 4th digit 0 = 20th century: a person born in 2099 cannot hold it (century mismatch).
        ("001099012345", date(2099, 5, 1), None, "citizen_id_birth_year", "1999"),
        ("001203012345", date(1903, 5, 1), None, "citizen_id_birth_year", "2003"),
        ("001099012345", date(1998, 5, 1), None, "citizen_id_birth_year", "1998"),
        ("001099012345", date(1999, 5, 1), "female", "citizen_id_sex", "other sex"),
        ("001199012345", date(1999, 5, 1), "male", "citizen_id_sex", "other sex"),
    ],
)
def test_invalid_citizen_ids(
    number: str, born: date | None, sex: str | None, code: str, fragment: str
) -> None:
    with pytest.raises(ValidationError) as info:
        citizen_id_check(number, born, sex)
    assert info.value.code == code
    assert fragment in info.value.messages[0]


@pytest.mark.parametrize("number", ["0100233488", "0100233488-001", "0314409058-002", "0100109106"])
def test_valid_tax_codes(number: str) -> None:
    tax_code_check(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("010023348", "tax_code_format"),
        ("01002334880", "tax_code_format"),
        ("0100233488001", "tax_code_format"),  # the branch suffix is written with a hyphen
        ("0100233488-01", "tax_code_format"),
        ("01002334a8", "tax_code_format"),
        ("0100233480", "tax_code_check_digit"),
        ("0100233488-000", "tax_code_branch"),
        ("0100000000", "tax_code_sequence"),
    ],
)
def test_invalid_tax_codes(number: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        tax_code_check(number)
    assert info.value.code == code
