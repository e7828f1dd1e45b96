from __future__ import annotations

import pytest

from motcua.workdays.calendar import WorkingCalendar

from .support import default_calendar


@pytest.fixture
def calendar() -> WorkingCalendar:
    return default_calendar()
