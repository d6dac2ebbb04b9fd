"""A progress bar with rate and ETA on a terminal; nothing at all in pipes, logs and CI."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported only when a bar is shown
    from rich.progress import Progress as Bar
    from rich.progress import TaskID

# One file's OCR takes seconds a page (a scanned report close to a minute), so `show`,
# `extract` and `audit` on a terminal say which page is being read, on stderr, overwritten
# in place and cleared at the end.  Off unless a one-file command turns it on: convert's
# workers have their own bar, and pipes and logs get nothing.
# The OCR stage calls a hook it holds (reading sits below the batch and knows no terminal).


def ocr_pages(enabled: bool) -> None:
    if not enabled and "report_extract.reading.ocr.pages" not in sys.modules:
        return  # nothing to turn off: not loaded (numpy and PDFium) for a text file's sake
    from report_extract.reading.ocr import pages

    pages.on_page = ocr_page if enabled else None


def ocr_page(done: int, total: int, page: int) -> None:
    """`done` of the `total` pages to OCR are read, `page` is next (done == total: finished)."""
    sys.stderr.write(f"\rOCR: page {page} ({done + 1} of {total})…" if done < total else "\r\033[K")
    sys.stderr.flush()


def wanted(quiet: bool) -> bool:
    """A bar only for a person watching: stderr is a terminal and this is not CI."""
    return not quiet and sys.stderr.isatty() and not os.environ.get("CI")


class Progress:
    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled = total, enabled
        self.failed = 0
        self._bar: Bar | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,  # fmt: skip
                TimeRemainingColumn,
            )
            from rich.progress import Progress as Bar

            self._bar = Bar(TextColumn("converting"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[rate]} docs/s"), TextColumn("failed {task.fields[failed]}"),
                            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                            console=Console(stderr=True), transient=False)  # fmt: skip
            self._bar.start()
            self._task = self._bar.add_task("convert", total=self.total, rate="-", failed=0)
        return self

    def advance(self, failed: bool = False) -> None:
        if self._bar is None or self._task is None:  # set together in __enter__
            return
        self.failed += failed
        task = self._bar.tasks[0]
        rate = f"{task.speed:.1f}" if task.speed else "-"
        self._bar.update(self._task, advance=1, rate=rate, failed=self.failed)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __exit__(self, *exc) -> None:
        self.stop()
