"""Benchmark OCR of scanned reports: pages per second, peak memory, exact cells.

    .venv/bin/python bench/bench_ocr.py                       # 150 and 200 dpi scans, OCR at 200 dpi
    .venv/bin/python bench/bench_ocr.py --scan 150 --render 150 200 300 --threads 0

The scans are made from the labelled corpus PDFs as the tests make them
(`report_extract.reading.ocr.sample`: rasterised at --scan dpi, turned, noisy, no text layer).
Each (scan dpi, OCR render dpi) runs in its own subprocess, so its peak RSS is its own;
one document is read first to load the models (not timed).  Printed per run: pages,
wall seconds, pages per second, CPU seconds per page, peak RSS, and the labelled cells
read exactly (the issue's bar: 98%).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("kiro_01", "kiro_02", "govnianbao_01")


def one(scan_dpi: int, render_dpi: int, names: list[str]) -> dict:
    """Runs inside the subprocess: REPORT_EXTRACT_OCR_DPI is set before the import."""
    sys.path.insert(0, str(ROOT / "src"))
    import numpy as np

    from report_extract.pipeline.stages import extract
    from report_extract.reading.ocr import engine as ocr
    from report_extract.reading.ocr.sample import scanned_pdf

    folder = Path(os.environ.get("TMPDIR", "/tmp")) / "bench_ocr"
    folder.mkdir(exist_ok=True)
    paths = []
    for name in names:
        path = folder / f"{name}_{scan_dpi}.pdf"
        if not path.exists():
            path.write_bytes(scanned_pdf((ROOT / "corpus" / f"{name}.pdf").read_bytes(), scan_dpi))
        paths.append(path)
    blank = np.full((64, 256), 255, np.uint8)
    ocr.recognise(blank), ocr.recognise_line(blank)  # warm-up: both models loaded
    exact = total = pages = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for name, path in zip(names, paths):
        result = extract(path)
        pages += result.source["pages"]
        got = {(c.table, c.row, c.col): c.value for c in result.cells}
        truth = json.loads((ROOT / "tests" / "labels" / f"{name}.truth.json").read_text(encoding="utf-8"))
        for t, rows in truth["tables"].items():
            for r, cols in rows.items():
                for c, v in cols.items():
                    total += 1
                    exact += got.get((t, r, c), "absent") == v
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {
        "scan_dpi": scan_dpi,
        "render_dpi": render_dpi,
        "pages": pages,
        "wall_s": round(wall, 1),
        "pages_per_s": round(pages / wall, 3),
        "cpu_s_per_page": round(cpu / pages, 2),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "exact": f"{exact}/{total} ({exact / total:.1%})",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scan", type=int, nargs="+", default=[150, 200], help="dpi of the made scans")
    ap.add_argument("--render", type=int, nargs="+", default=[200], help="dpi the reader renders for OCR")
    ap.add_argument("--names", nargs="+", default=list(NAMES), help="labelled corpus PDFs to scan")
    ap.add_argument("--threads", type=int, default=1, help="REPORT_EXTRACT_OCR_THREADS (0: all cores)")
    ap.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], args.one[1], args.names)))
        return
    print(
        f"{'scan':>5} {'render':>6} {'pages':>5} {'wall s':>7} {'pages/s':>8} {'cpu s/page':>10} "
        f"{'peak MB':>8}  exact cells"
    )
    for scan in args.scan:
        for render in args.render:
            env = {**os.environ, "REPORT_EXTRACT_OCR_DPI": str(render), "REPORT_EXTRACT_OCR_THREADS": str(args.threads)}
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(scan), str(render), "--names", *args.names],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{r['scan_dpi']:>5} {r['render_dpi']:>6} {r['pages']:>5} {r['wall_s']:>7} "
                f"{r['pages_per_s']:>8} {r['cpu_s_per_page']:>10} {r['peak_rss_mb']:>8}  {r['exact']}"
            )


if __name__ == "__main__":
    main()
