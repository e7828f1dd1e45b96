"""Dossier codes (TT 01/2018 Art. 19): format, per-unit-per-day sequence, limit, parallel writers."""

from __future__ import annotations

import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from motcua.dossiers.models import DossierCodeCounter
from motcua.dossiers.services import dossier_code_issue
from motcua.org.models import Agency

from .conftest import vn


def test_code_format_and_sequence_per_unit_per_day(org: dict[str, Agency]) -> None:
    desk, center = org["desk"], org["center"]
    morning = vn(2026, 3, 2, 8, 0)
    assert dossier_code_issue(desk, morning) == "001.00.41.H24-260302-0001"
    assert dossier_code_issue(desk, vn(2026, 3, 2, 16, 59)) == "001.00.41.H24-260302-0002"
    # Another unit counts on its own.
    assert dossier_code_issue(center, morning) == "000.00.01.H24-260302-0001"
    # Another day starts again at 0001.
    assert dossier_code_issue(desk, vn(2026, 3, 3, 8, 0)) == "001.00.41.H24-260303-0001"
    assert re.fullmatch(r"\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}", dossier_code_issue(desk, morning))


def test_the_day_is_the_vietnamese_day(org: dict[str, Agency]) -> None:
    from datetime import UTC, datetime

    # 2026-03-02 18:30 UTC is already 3 March 01:30 in Hà Nội.
    assert dossier_code_issue(org["desk"], datetime(2026, 3, 2, 18, 30, tzinfo=UTC)).endswith("-260303-0001")


def test_sequence_past_9999_is_refused(org: dict[str, Agency]) -> None:
    desk = org["desk"]
    dossier_code_issue(desk, vn(2026, 3, 2, 9, 0))
    DossierCodeCounter.objects.filter(unit=desk).update(last=9998)
    assert dossier_code_issue(desk, vn(2026, 3, 2, 9, 0)).endswith("-9999")
    with pytest.raises(ValidationError) as info:
        dossier_code_issue(desk, vn(2026, 3, 2, 9, 0))
    assert info.value.code == "code_sequence_exhausted"
    assert "9999" in info.value.messages[0]
    # The refused attempt did not consume anything; the next day is fine.
    assert DossierCodeCounter.objects.get(unit=desk, day="2026-03-02").last == 9999
    assert dossier_code_issue(desk, vn(2026, 3, 3, 9, 0)).endswith("-0001")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: SQLite serialises writers on one file lock, so it cannot show concurrent issue.",
)
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_get_distinct_gapless_codes(org: dict[str, Agency]) -> None:
    desk = org["desk"]
    when = vn(2026, 3, 2, 9, 0)
    threads_count, per_thread = 8, 25
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads_count)

    def worker() -> None:
        mine: list[str] = []
        try:
            barrier.wait()
            for _ in range(per_thread):
                mine.append(dossier_code_issue(desk, when))
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connections.close_all()
        with lock:
            codes.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    total = threads_count * per_thread
    assert len(codes) == total == len(set(codes))
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, total + 1))
    assert DossierCodeCounter.objects.get(unit=desk).last == total
