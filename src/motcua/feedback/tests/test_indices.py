"""The indices as data, the bands of TT 01/2018 at their boundaries, and the start-up checks of the settings."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from motcua.feedback.indices import (
    INDICES,
    MAX_TOTAL,
    SCORES,
    band_for,
    bands,
    settings_check,
    staff_indices,
    staff_threshold,
)
from motcua.settings import parse_rating_bands


def test_nine_indices_each_with_three_answers() -> None:
    assert [index.number for index in INDICES] == list(range(1, 10))
    assert MAX_TOTAL == 18
    for index in INDICES:
        assert [score for score, _text in index.options] == list(SCORES) == [2, 1, 0]
        assert all(str(text) for _score, text in index.options) and str(index.title)
    assert {index.code for index in INDICES if index.computed} == {
        "total_time",
        "contacts",
        "agencies",
        "online",
    }


def test_default_bands_and_staff_rule() -> None:
    assert [(band.code, band.lower) for band in bands()] == [
        ("excellent", 15),
        ("good", 12),
        ("fair", 9),
        ("average", 6),
        ("poor", 0),
    ]
    assert [index.code for index in staff_indices()] == ["agency_time", "contacts", "attitude"]
    assert staff_threshold() == 5


def _band(total_sum: int, count: int) -> str:
    band = band_for(total_sum, count)
    assert band is not None
    return band.code


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        ([18], "excellent"),
        ([15], "excellent"),
        ([15, 15, 15], "excellent"),
        # An average of 14.99…: two ratings of 15 and one of 14.97 cannot exist, but 1499 / 100 can.
        ([15] * 99 + [14], "good"),
        ([14], "good"),
        ([12], "good"),
        ([12, 11], "fair"),  # 11.5
        ([9], "fair"),
        ([8], "average"),
        ([6], "average"),
        ([6, 5], "poor"),  # 5.5
        ([0], "poor"),
    ],
)
def test_band_boundaries(totals: list[int], expected: str) -> None:
    assert _band(sum(totals), len(totals)) == expected


def test_no_ratings_no_band() -> None:
    assert band_for(0, 0) is None


@given(st.lists(st.integers(min_value=0, max_value=18), min_size=1, max_size=300))
def test_band_is_the_one_of_the_exact_average(totals: list[int]) -> None:
    average = Fraction(sum(totals), len(totals))
    lowers = {"excellent": 15, "good": 12, "fair": 9, "average": 6, "poor": 0}
    expected = next(code for code, lower in lowers.items() if average >= lower)
    assert _band(sum(totals), len(totals)) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "excellent:15,good:12,fair:9,average:6",  # no band from 0
        "excellent:12,good:15,poor:0",  # not descending
        "excellent:19,poor:0",  # above 18
        "excellent:x,poor:0",
        "excellent:15,excellent:9,poor:0",
        ":15,poor:0",
        "",
    ],
)
def test_malformed_bands_are_refused(raw: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_RATING_BANDS"):
        parse_rating_bands(raw)


def test_bands_with_decimal_bounds(settings: Any) -> None:
    settings.MOTCUA_RATING_BANDS = parse_rating_bands("excellent:14.5,good:10,poor:0")
    assert _band(29, 2) == "excellent" and _band(28, 2) == "good" and _band(19, 2) == "poor"
    assert bands()[0].lower == Decimal("14.5")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MOTCUA_RATING_BANDS", [("superb", Decimal(15)), ("poor", Decimal(0))], "unknown band superb"),
        ("MOTCUA_RATING_STAFF_INDICES", ["attitude", "speed"], "MOTCUA_RATING_STAFF_INDICES"),
        ("MOTCUA_RATING_STAFF_INDICES", [], "MOTCUA_RATING_STAFF_INDICES"),
        ("MOTCUA_RATING_STAFF_INDICES", ["attitude", "attitude"], "MOTCUA_RATING_STAFF_INDICES"),
        ("MOTCUA_RATING_STAFF_THRESHOLD", 7, "between 1 and 6"),
        ("MOTCUA_RATING_STAFF_THRESHOLD", 0, "between 1 and 6"),
    ],
)
def test_settings_the_app_refuses(settings: Any, name: str, value: Any, message: str) -> None:
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_check()


def test_a_bad_setting_stops_the_start() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_RATING")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'motcua.settings'); django.setup()",
        ],
        env={**env, "MOTCUA_RATING_STAFF_INDICES": "attitude,speed"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "MOTCUA_RATING_STAFF_INDICES" in result.stderr
