"""Structural checks of the identifiers an applicant gives: citizen ID (CCCD) and organisation tax code (MST).

Citizen ID — 12 digits (TT 07/2016/TT-BCA Art. 7, kept by TT 59/2021/TT-BCA):
    ``PPP`` province-of-birth code (the 63 pre-2025 province codes: numbers issued before the 2025 merger keep
    them, so the list is data that does not change with NQ 202/2025/QH15), ``G`` century/sex digit,
    ``YY`` last two digits of the birth year, ``NNNNNN`` a random sequence. A CCCD has no check digit: what
    can be verified offline is the structure and its consistency with the date of birth and sex declared.

Tax code (MST) of an organisation — ``NNNNNNNNNN`` or ``NNNNNNNNNN-BBB`` for a branch (TT 105/2020/TT-BTC).
    The tenth digit is a check digit over the first nine (weights 31 29 23 19 17 13 7 5 3, check digit
    = 10 − (sum mod 11), a remainder of 0 never being issued), the formula of the tax administration's
    code-structure rules (QĐ 75/1998/QĐ-TCT) as it is published and used by e-invoice software.
"""

from __future__ import annotations

import re
from datetime import date
from types import MappingProxyType

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SEX_MALE = "male"
SEX_FEMALE = "female"

# The 63 province codes of TT 07/2016/TT-BCA (provinces as they were before 1 Jul 2025).
PROVINCE_OF_BIRTH_CODES: frozenset[str] = frozenset(
    (
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    )
)

# Century/sex digit → (first year of the century, sex). Even digits are male, odd digits female.
CENTURY_SEX_DIGITS: MappingProxyType[str, tuple[int, str]] = MappingProxyType(
    {
        "0": (1900, SEX_MALE),
        "1": (1900, SEX_FEMALE),
        "2": (2000, SEX_MALE),
        "3": (2000, SEX_FEMALE),
        "4": (2100, SEX_MALE),
        "5": (2100, SEX_FEMALE),
        "6": (2200, SEX_MALE),
        "7": (2200, SEX_FEMALE),
        "8": (2300, SEX_MALE),
        "9": (2300, SEX_FEMALE),
    }
)

TAX_CODE_PATTERN = re.compile(r"^(\d{10})(?:-(\d{3}))?$")
TAX_CODE_WEIGHTS: tuple[int, ...] = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def citizen_id_birth_year(number: str) -> int:
    """The birth year a structurally valid CCCD encodes (century from digit 4, year from digits 5–6)."""
    century, _sex = CENTURY_SEX_DIGITS[number[3]]
    return century + int(number[4:6])


def citizen_id_check(number: str, date_of_birth: date | None = None, sex: str | None = None) -> None:
    """Raise ``ValidationError`` unless ``number`` is a well-formed CCCD consistent with the given data."""
    if not isinstance(number, str) or len(number) != 12 or not number.isascii() or not number.isdigit():
        raise ValidationError(
            _("A citizen ID number has exactly 12 digits (got %(value)r).") % {"value": number},
            code="citizen_id_format",
        )
    province = number[:3]
    if province not in PROVINCE_OF_BIRTH_CODES:
        raise ValidationError(
            _(
                "%(code)s is not a province-of-birth code: the first three digits of a citizen ID must be one of "
                "the 63 province codes (001 Hà Nội … 096 Cà Mau)."
            )
            % {"code": province},
            code="citizen_id_province",
        )
    century, encoded_sex = CENTURY_SEX_DIGITS[number[3]]
    year = century + int(number[4:6])
    if date_of_birth is not None and date_of_birth.year != year:
        raise ValidationError(
            _(
                "The citizen ID encodes the birth year %(encoded)d, but the date of birth is in %(given)d "
                "(4th digit = century and sex, 5th–6th digits = year)."
            )
            % {"encoded": year, "given": date_of_birth.year},
            code="citizen_id_birth_year",
        )
    if sex in (SEX_MALE, SEX_FEMALE) and sex != encoded_sex:
        raise ValidationError(
            _(
                "The citizen ID's 4th digit (%(digit)s) is for a person of the other sex: even digits are male, "
                "odd digits female."
            )
            % {"digit": number[3]},
            code="citizen_id_sex",
        )


def tax_code_check_digit(first_nine: str) -> int | None:
    """The check digit of a 10-digit tax code, or None when the remainder makes the sequence unissuable."""
    total = sum(weight * int(digit) for weight, digit in zip(TAX_CODE_WEIGHTS, first_nine, strict=True))
    digit = 10 - total % 11
    return digit if digit <= 9 else None


def tax_code_check(number: str) -> None:
    """Raise ``ValidationError`` unless ``number`` is an organisation tax code (optionally with a branch)."""
    match = TAX_CODE_PATTERN.match(number) if isinstance(number, str) else None
    if match is None:
        raise ValidationError(
            _(
                "A tax code has 10 digits, or 10 digits, a hyphen and 3 digits for a branch (e.g. 0100233488 or "
                "0100233488-001); got %(value)r."
            )
            % {"value": number},
            code="tax_code_format",
        )
    main, branch = match.group(1), match.group(2)
    if main[2:9] == "0000000":
        raise ValidationError(
            _("The digits 3 to 9 of a tax code are a sequence number and cannot all be zero."),
            code="tax_code_sequence",
        )
    if branch == "000":
        raise ValidationError(
            _("A branch suffix runs from 001 to 999; -000 is not a branch."), code="tax_code_branch"
        )
    if tax_code_check_digit(main[:9]) != int(main[9]):
        raise ValidationError(
            _("Tax code %(value)s has a wrong check digit (the 10th digit): please check it for a typo.")
            % {"value": number},
            code="tax_code_check_digit",
        )
