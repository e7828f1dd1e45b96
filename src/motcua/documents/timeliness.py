"""Whether a piece of handling ended before, on or after its due date: the "Trước hạn / đúng hạn / quá hạn"
column of Mẫu 05 and the "Quá hạn" note of Mẫu 06 (TT 01/2018).

The forms count in calendar days, as the officers read them on paper: ending on the due day, at any hour, is
on time; on an earlier day, early; on a later day, late. Both times are compared as dates in the display
time zone (Asia/Ho_Chi_Minh), never as UTC dates, which would move dossiers handled before 07:00.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.utils import timezone


class Timeliness(StrEnum):
    # The wording of the forms, printed as is.
    EARLY = "Trước hạn"
    ON_TIME = "Đúng hạn"
    LATE = "Quá hạn"


def timeliness(ended_at: datetime, due_at: datetime) -> Timeliness:
    """Early, on time or late: ``ended_at``'s local calendar day against ``due_at``'s."""
    ended = timezone.localtime(ended_at).date()
    due = timezone.localtime(due_at).date()
    if ended < due:
        return Timeliness.EARLY
    if ended == due:
        return Timeliness.ON_TIME
    return Timeliness.LATE
