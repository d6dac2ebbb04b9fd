"""A 6-page scanned report against `extract`'s default --timeout (issue 15).

    PYTHONPATH=src .venv/bin/python bench/bench_scan_timeout.py [--dpi 300]

Builds a 6-page image-only report from tests/scan_build.py (the `mixed` family, every
layout trait, plus the two pages of a `thin_rows` scan), at --dpi, and runs the CLI's
`extract` on it with the default limits in a subprocess.  Printed: pages, wall and CPU
seconds (the child's), the default timeout, and whether the document was read.
"""

from __future__ import annotations

import argparse
import io
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]


def main() -> None:
    import pypdfium2 as pdfium
    from scan_build import build

    from report_extract.settings import Settings

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dpi", type=int, default=300)
    args = ap.parse_args()
    timeout = f"{Settings().timeout_s:g}"  # the default limit a one-file command runs under
    with tempfile.TemporaryDirectory() as tmp:
        docs = build(Path(tmp), 1, ["mixed", "thin_rows"], dpi=args.dpi)
        pdf = pdfium.PdfDocument(docs[0].path)
        pdf.import_pages(pdfium.PdfDocument(docs[1].path), [0, 1])
        path = Path(tmp) / "six_pages.pdf"
        buf = io.BytesIO()
        pdf.save(buf)
        path.write_bytes(buf.getvalue())
        pages = len(pdf)
        wall0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "report_extract", "extract", str(path)], capture_output=True, text=True
        )
        wall = time.perf_counter() - wall0
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = cpu.ru_utime + cpu.ru_stime
    print(
        f"pages {pages}  dpi {args.dpi}  wall {wall:.1f} s  cpu {cpu_s:.1f} s ({cpu_s / pages:.2f} s/page)  "
        f"default --timeout {timeout} s  exit {out.returncode}"
    )


if __name__ == "__main__":
    main()
