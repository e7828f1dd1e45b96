"""Text folding for diacritic- and case-insensitive search.

Vietnamese search must match "dang ky khai sinh", "ĐĂNG KÝ KHAI SINH" and "Đăng ký khai sinh"
alike. Unicode decomposition strips the tone and vowel marks but leaves "đ"/"Đ" (a letter of its own,
not d + a mark), so it is mapped explicitly. The folded copy is what we store and index.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ→d) and collapse punctuation/whitespace to one space."""
    text = text.replace("đ", "d").replace("Đ", "d")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _NON_WORD.sub(" ", stripped)).strip()


def search_terms(query: str) -> list[str]:
    """Split a user query into folded terms, longest first (the most selective term filters first)."""
    terms = {term for term in fold(query).split(" ") if term}
    return sorted(terms, key=lambda t: (-len(t), t))
