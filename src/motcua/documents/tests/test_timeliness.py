from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from motcua.documents.timeliness import Timeliness, timeliness

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_same_local_day_is_on_time_whatever_the_hour() -> None:
    due = datetime(2026, 3, 5, 9, 0, tzinfo=VN)
    assert timeliness(datetime(2026, 3, 5, 7, 30, tzinfo=VN), due) is Timeliness.ON_TIME
    assert timeliness(datetime(2026, 3, 5, 16, 45, tzinfo=VN), due) is Timeliness.ON_TIME


def test_earlier_day_is_early_later_day_is_late() -> None:
    due = datetime(2026, 3, 5, 9, 0, tzinfo=VN)
    assert timeliness(datetime(2026, 3, 4, 23, 59, tzinfo=VN), due) is Timeliness.EARLY
    assert timeliness(datetime(2026, 3, 6, 0, 1, tzinfo=VN), due) is Timeliness.LATE


def test_days_are_counted_in_vietnam_not_in_utc() -> None:
    # 06:30 on 6 March in Hà Nội is still 5 March in UTC: it is a day late all the same.
    due = datetime(2026, 3, 5, 16, 0, tzinfo=VN)
    ended = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)
    assert timeliness(ended, due) is Timeliness.LATE
    # And 23:30 UTC on 4 March is 06:30 on 5 March in Hà Nội: on time.
    assert timeliness(datetime(2026, 3, 4, 23, 30, tzinfo=UTC), due) is Timeliness.ON_TIME


def test_labels_are_the_forms_wording() -> None:
    assert [str(t) for t in Timeliness] == ["Trước hạn", "Đúng hạn", "Quá hạn"]
