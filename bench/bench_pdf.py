"""Benchmark the PDF engines against plain pdfplumber, in one run.

    .venv/bin/python bench/bench_pdf.py corpus --repeat 5

Each engine runs in its own subprocess (so peak memory is that engine's alone) over every
PDF in the folder, `--repeat` times after one warm-up pass, with the files already in
memory.  Printed per engine: reports per second per core and pages per second (CPU time
of the one worker process), wall time, peak RSS of the worker, the throughput ratio to the
baseline, and whether the engine's tables are the same as the reference engine's.

Engines: `fast`, `pdfplumber`, `auto` (report_extract.reading.pdf.reader) and the baseline
`baseline` = pdfplumber `extract_text()` + `extract_tables()` on every page, no layout.
`--ocr never` leaves out the reader's OCR triage (which pages need OCR), to time the
engines alone.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ENGINES = ("baseline", "fast", "pdfplumber", "auto")
ROOT = Path(__file__).resolve().parent.parent


def _baseline(data: bytes) -> tuple[int, str]:
    import pdfplumber

    digest = hashlib.sha256()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            for table in page.extract_tables():
                digest.update(repr(table).encode())
            page.close()
        return len(pdf.pages), digest.hexdigest()


def _engine(engine: str, ocr: str | None):
    sys.path.insert(0, str(ROOT / "src"))
    from report_extract.model.document import TableBlock
    from report_extract.reading.pdf import reader as pdf

    options = {"ocr": ocr} if ocr and "ocr" in inspect.signature(pdf.read).parameters else {}

    def run(data: bytes) -> tuple[int, str]:
        doc = pdf.read(Path("bench.pdf"), data, engine=engine, **options)
        tables = [b.texts() for b in doc.blocks if isinstance(b, TableBlock)]
        return doc.pages or 0, hashlib.sha256(repr(tables).encode()).hexdigest()

    return run


def child(engine: str, folder: Path, repeat: int, ocr: str | None) -> dict:
    files = sorted(folder.glob("*.pdf"))
    blobs = [f.read_bytes() for f in files]
    run = _baseline if engine == "baseline" else _engine(engine, ocr)
    digests = {f.name: run(b)[1] for f, b in zip(files, blobs)}  # warm-up: imports, caches
    pages = 0
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(repeat):
        for b in blobs:
            pages += run(b)[0]
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return {
        "engine": engine,
        "reports": len(blobs) * repeat,
        "pages": pages,
        "cpu_s": cpu,
        "wall_s": wall,
        "peak_mb": peak_mb,
        "digests": digests,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path, nargs="?", default=ROOT / "corpus")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes over the folder")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--ocr", help="OCR mode passed to the PDF reader (auto|always|never), if it takes one")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.folder, args.repeat, args.ocr)))
        return
    results = {}
    for engine in args.engines.split(","):
        extra = ["--ocr", args.ocr] if args.ocr else []
        out = subprocess.run(
            [sys.executable, __file__, str(args.folder), "--repeat", str(args.repeat), "--child", engine, *extra],
            check=True,
            capture_output=True,
            text=True,
        )
        results[engine] = json.loads(out.stdout.strip().splitlines()[-1])
    _report(results, args.folder)


def _report(results: dict, folder: Path) -> None:
    base = results.get("baseline")
    reference = results.get("pdfplumber")
    n = len(next(iter(results.values()))["digests"])
    print(f"{n} PDFs in {folder}, {next(iter(results.values()))['reports']} conversions per engine")
    print(
        f"{'engine':<11} {'reports/s/core':>14} {'pages/s':>9} {'ms/page':>8} {'wall s':>7} "
        f"{'peak MB':>8} {'× baseline':>10}  tables = pdfplumber engine"
    )
    for name, r in results.items():
        rps = r["reports"] / r["cpu_s"]
        ratio = f"{rps / (base['reports'] / base['cpu_s']):.1f}" if base else "-"
        same = "-"
        if reference and name not in ("baseline", "pdfplumber"):
            diff = [f for f, d in r["digests"].items() if reference["digests"].get(f) != d]
            same = "yes" if not diff else "NO: " + ", ".join(diff)
        print(
            f"{name:<11} {rps:>14.1f} {r['pages'] / r['cpu_s']:>9.1f} "
            f"{1000 * r['cpu_s'] / r['pages']:>8.2f} {r['wall_s']:>7.2f} {r['peak_mb']:>8.0f} "
            f"{ratio:>10}  {same}"
        )


if __name__ == "__main__":
    main()
