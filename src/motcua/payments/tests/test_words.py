"""Amounts in Vietnamese words, as printed on receipts."""

from __future__ import annotations

import pytest

from motcua.payments.words import amount_in_words_vi, number_in_words_vi

CASES = [
    (0, "không"),
    (1, "một"),
    (4, "bốn"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (55, "năm mươi lăm"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (1_000, "một nghìn"),
    (1_005, "một nghìn không trăm linh năm"),
    (1_010, "một nghìn không trăm mười"),
    (1_050, "một nghìn không trăm năm mươi"),
    (10_000, "mười nghìn"),
    (15_000, "mười lăm nghìn"),
    (21_000, "hai mươi mốt nghìn"),
    (105_000, "một trăm linh năm nghìn"),
    (150_000, "một trăm năm mươi nghìn"),
    (1_000_000, "một triệu"),
    (1_000_001, "một triệu không trăm linh một"),
    (1_001_000, "một triệu không trăm linh một nghìn"),
    (2_050_000, "hai triệu không trăm năm mươi nghìn"),
    (12_345_678, "mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám"),
    (1_000_000_000, "một tỷ"),
    (1_000_500_000, "một tỷ năm trăm nghìn"),
    (3_000_000_015, "ba tỷ không trăm mười lăm"),
    (1_000_000_000_000, "một nghìn tỷ"),
    (2_500_000_000_000, "hai nghìn năm trăm tỷ"),
    (1_000_000_000_005, "một nghìn tỷ không trăm linh năm"),
    (5_000_001_000_000, "năm nghìn tỷ không trăm linh một triệu"),
    (1_000_000_000_000_000_000, "một tỷ tỷ"),
]


@pytest.mark.parametrize(("number", "words"), CASES)
def test_number_in_words(number: int, words: str) -> None:
    assert number_in_words_vi(number) == words


def test_amount_in_words_capitalised_with_currency() -> None:
    assert amount_in_words_vi(150_000) == "Một trăm năm mươi nghìn đồng"
    assert amount_in_words_vi(0) == "Không đồng"
    assert amount_in_words_vi(2_024_000) == "Hai triệu không trăm hai mươi tư nghìn đồng"


@pytest.mark.parametrize("bad", [-1, 1.5, "100", True])
def test_bad_input(bad: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        number_in_words_vi(bad)  # type: ignore[arg-type]
