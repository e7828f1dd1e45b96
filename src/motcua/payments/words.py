"""Amounts in Vietnamese words, as a receipt must print them ("Số tiền bằng chữ").

Rules of the spoken and written form used on financial documents:
- groups of three digits named nghìn, triệu, tỷ; above a billion the number of tỷ is read on its own
  (hai nghìn năm trăm tỷ);
- inside a group that is not the leading one, the hundreds are always read ("không trăm");
- a zero tens digit before a units digit reads "linh" (một trăm linh năm);
- ten is "mười", other tens "… mươi"; after "mươi" one is "mốt" and four is "tư"; after "mười" or
  "mươi" five is "lăm" (mười lăm, hai mươi lăm) but "năm" after "linh" or alone;
- groups that are all zeros are not read (một triệu, một tỷ không trăm linh năm nghìn…).
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUP_NAMES = ("", "nghìn", "triệu")


def _group_words(number: int, *, full: bool) -> list[str]:
    """Words of a 0–999 group; ``full`` reads the hundreds even when zero (a group after another)."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if full or hundreds:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1:
        words.append("mốt" if tens > 1 else "một")
    elif units == 4:
        words.append("tư" if tens > 1 else "bốn")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _below_billion(number: int, *, leading: bool) -> list[str]:
    """Words of 0 < number < 10⁹ as groups of units, nghìn and triệu; ``leading`` when nothing is read
    before it (otherwise every group, the first included, reads its hundreds)."""
    groups = (number % 1000, number // 1000 % 1000, number // 1_000_000)
    top = max(index for index, value in enumerate(groups) if value)
    words: list[str] = []
    for index in range(top, -1, -1):
        if groups[index] == 0:
            continue
        words += _group_words(groups[index], full=not (leading and index == top))
        if GROUP_NAMES[index]:
            words.append(GROUP_NAMES[index])
    return words


def _words(number: int, *, leading: bool) -> list[str]:
    # Above a billion the reading nests: the count of tỷ is read as a number on its own (hai nghìn năm
    # trăm tỷ), then what is below a billion.
    if number < 1_000_000_000:
        return _below_billion(number, leading=leading)
    billions, rest = divmod(number, 1_000_000_000)
    words = [*_words(billions, leading=leading), "tỷ"]
    if rest:
        words += _below_billion(rest, leading=False)
    return words


def number_in_words_vi(number: int) -> str:
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError("an integer amount is expected")
    if number < 0:
        raise ValueError("an amount cannot be negative")
    if number == 0:
        return DIGITS[0]
    return " ".join(_words(number, leading=True))


def amount_in_words_vi(amount: int) -> str:
    """150000 → "Một trăm năm mươi nghìn đồng"."""
    text = f"{number_in_words_vi(amount)} đồng"
    return text[0].upper() + text[1:]
