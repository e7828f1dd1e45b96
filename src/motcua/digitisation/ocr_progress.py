"""An OCRmyPDF plugin: its "OCR" progress bar writes the pages recognised so far into the ``OcrResult``
being processed, so the officer's screen shows the progress of a long scan. Loaded by ``ocr.ocr_run``."""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import Any

from ocrmypdf import hookimpl

# The OcrResult being processed in this thread (set by ocr_run around the ocrmypdf call).
current_result: ContextVar[int | None] = ContextVar("current_result", default=None)
# Write at most this often: the page counter is for people, not worth a write per tick.
MIN_INTERVAL_SECONDS = 0.5


class PageProgress:
    def __init__(
        self, *, total: float | None = None, desc: str | None = None, unit: str | None = None, **_: Any
    ) -> None:
        self.result_id = current_result.get()
        self.counting = bool(desc) and "ocr" in str(desc).lower() and unit in (None, "page", "pages")
        self.done = 0.0
        self.last_write = 0.0

    def __enter__(self) -> PageProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._write(force=True)

    def update(self, n: float = 1, *, completed: float | None = None) -> None:
        self.done = completed if completed is not None else self.done + n
        self._write()

    def _write(self, *, force: bool = False) -> None:
        if not self.counting or self.result_id is None:
            return
        now = time.monotonic()
        if not force and now - self.last_write < MIN_INTERVAL_SECONDS:
            return
        self.last_write = now
        from .models import OcrResult

        OcrResult.objects.filter(pk=self.result_id).update(pages_done=int(self.done))


@hookimpl
def get_progressbar_class() -> type[PageProgress]:
    return PageProgress
