"""Dates as pages print them: the fast ``date`` filter prints what Django's prints."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import defaultfilters
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.dates import date_text, local_time_text

FORMATS = ["H:i d/m/Y", "d/m/Y", "Y-m-d", "H:i", "d/m/y H:i:s", "c", "j F Y", "D, d/m", "d/m/Y \\l\\ú\\c H:i"]


@given(
    moment=st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC)
    ),
    format_string=st.sampled_from(FORMATS),
)
def test_date_text_is_djangos_date_filter(moment: datetime, format_string: str) -> None:
    expected = defaultfilters.date(timezone.localtime(moment), format_string)
    assert date_text(moment, format_string) == expected
    assert date_text(moment.date(), "d/m/Y") == defaultfilters.date(moment.date(), "d/m/Y")


@given(
    moment=st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC)
    )
)
def test_local_time_text_is_the_filters_local_time(moment: datetime) -> None:
    expected = defaultfilters.date(timezone.localtime(moment), "H:i d/m/Y")
    assert local_time_text(moment) == expected
    assert local_time_text(moment, timezone.get_current_timezone()) == expected


def test_local_time_text_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_time_text(datetime(2026, 3, 2, 17, 30))


def test_an_aware_time_is_printed_in_vietnam_and_nothing_for_none() -> None:
    assert date_text(datetime(2026, 3, 2, 17, 30, tzinfo=UTC), "H:i d/m/Y") == "00:30 03/03/2026"
    assert date_text(date(2026, 1, 5), "d/m/Y") == "05/01/2026"
    assert date_text(None, "d/m/Y") == ""
