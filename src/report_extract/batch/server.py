"""The forkserver the worker processes are forked from, started as early as the command allows.

A module of its own, importing nothing of the pipeline: the console script (launch.py)
starts the server before it imports the command line, and the server's imports (the
pipeline, PDFium) then run beside the parent's own, instead of after them.
"""

from __future__ import annotations

import multiprocessing as mp
from typing import Any

# What the forkserver imports once for every worker it forks: the pipeline, and the PDF
# reader (PDFium's library), which most batches need and a worker would import again
# after each restart.  Not numpy and the OCR models: a worker loads them with its first
# scanned page, which costs seconds anyway, and a born-digital batch never does.
# "__main__": the command's script (the `report-extract` console script, launch.py),
# imported once here rather than by every worker as it starts (multiprocessing re-imports
# a script __main__ in each child).  A `python -m` run has no script to import.
PRELOAD = [
    "__main__",
    "report_extract.batch.workers",
    "report_extract.pipeline.stages",
    "report_extract.reading.pdf.reader",
]


def start_forkserver() -> Any:
    """The forkserver context, its server started now (once per process): it imports
    PRELOAD while the parent goes on with its own start-up, instead of when the first
    worker is wanted."""
    from multiprocessing import forkserver

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()
    return ctx
