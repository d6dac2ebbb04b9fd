"""Time the commands users type, as processes, end to end, against the peers they replace.

    .venv/bin/python bench/bench_convert.py                  # 10 copies of each corpus PDF, 3 rounds
    .venv/bin/python bench/bench_convert.py --copies 10 --rounds 3 --scanned

Everything runs as a subprocess (interpreter start, imports and output files included), and
the commands of one comparison alternate round by round so that load on the machine hits
all alike.  Printed: the median wall and CPU seconds of each command (CPU of the whole
process tree, from RUSAGE_CHILDREN), and ratios.

- **convert**: `report-extract convert DIR -o OUT --jobs 1 --fresh` over N distinct copies
  of the corpus PDFs (each copy differs by a trailing `%copy N` line), against
  - `pdfplumber`: plain pdfplumber `extract_text()` + `extract_tables()` on every page of
    the same files (what a user would otherwise write), and
  - `pypdfium2`: a pass that reads every page's text and every character's box (the floor
    for an engine that reads every character);
  and how many documents the auto engine re-read with pdfplumber, and why.
- **extract**: `report-extract extract FILE` of one PDF and of one text report (the
  one-file user's wait), against `python -c 'import pdfplumber'`; medians of 5.
- **scanned** (`--scanned`): image-only copies of the corpus PDFs at 150 dpi
  (`report_extract`'s scan sampler: rasterised, turned, noisy, no text layer), `convert
  --jobs 1`: CPU seconds per page of the whole process tree, median of the rounds.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("kiro_01", "kiro_02", "govnianbao_01")
# The command as users type it: the console script the install put beside this Python
# (`python -m report_extract` where there is none).
_SCRIPT = Path(sys.executable).with_name("report-extract")
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "report_extract"]

PDFPLUMBER = """
import sys, pdfplumber
for path in sys.argv[1:]:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
            page.close()
"""

PYPDFIUM2 = """
import sys, pypdfium2 as pdfium
for path in sys.argv[1:]:
    pdf = pdfium.PdfDocument(path)
    for i in range(len(pdf)):
        page = pdf[i]
        text = page.get_textpage()
        text.get_text_range()
        boxes = [text.get_charbox(j) for j in range(text.count_chars())]
        text.close()
        page.close()
    pdf.close()
"""


PR_SET_CHILD_SUBREAPER = 36


def reap_descendants() -> None:
    """Make this process the reaper of every process its commands start, so that the CPU
    of processes their parents never wait for (multiprocessing's forkserver and its
    workers) still reaches RUSAGE_CHILDREN (Linux)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process tree) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    while True:  # orphans re-parented here: wait for them, so their CPU is counted
        try:
            os.wait()
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def alternate(commands: dict[str, list[str]], rounds: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) per command; the order rotates each round."""
    names = list(commands)
    runs: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            runs[name].append(timed(commands[name]))
    return {n: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for n, v in runs.items()}


def copies(folder: Path, sources: list[Path], n: int) -> list[Path]:
    """n distinct copies of each source (a trailing PDF comment changes the SHA-256)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for source in sources:
        data = source.read_bytes()
        for i in range(n):
            path = folder / f"{source.stem}_{i:03d}.pdf"
            path.write_bytes(data + f"\n%copy {i}\n".encode())
            out.append(path)
    return out


def fallbacks(out: Path) -> Counter:
    """Why documents were read a second time (pipeline/fallback.py), from the warnings in reports.jsonl."""
    reasons: Counter = Counter()
    with open(out / "reports.jsonl", encoding="utf-8") as f:
        for line in f:
            for w in json.loads(line).get("warnings", []):
                if w.startswith(("read again with", "second reading with")):
                    reasons[w] += 1
    return reasons


def bench_convert(work: Path, n: int, rounds: int) -> None:
    files = copies(work / "pdfs", [ROOT / "corpus" / f"{name}.pdf" for name in NAMES], n)
    out = work / "out"
    paths = [str(p) for p in files]
    medians = alternate(
        {
            "convert": CLI + ["convert", str(work / "pdfs"), "-o", str(out), "--jobs", "1", "--fresh"],
            "pdfplumber": [sys.executable, "-c", PDFPLUMBER, *paths],
            "pypdfium2": [sys.executable, "-c", PYPDFIUM2, *paths],
        },
        rounds,
    )
    print(f"\n## convert --jobs 1: {len(files)} PDFs ({n} copies of {', '.join(NAMES)}), median of {rounds}")
    _table(
        medians,
        {
            "pdfplumber time / convert time (goal ≥ 10)": ("pdfplumber", "convert"),
            "convert time / pypdfium2 time (goal ≤ 2.5)": ("convert", "pypdfium2"),
        },
    )
    reasons = fallbacks(out)
    print(f"re-read with pdfplumber: {sum(reasons.values())} of {len(files)}")
    for why, count in reasons.most_common():
        print(f"  {count:4d}  {why}")


def bench_extract(rounds: int) -> None:
    medians = alternate(
        {
            "extract pdf": CLI + ["extract", "corpus/kiro_01.pdf"],
            "extract text": CLI + ["extract", "corpus/000_a01111d04fa25f8f.txt"],
            "import pdfplumber": [sys.executable, "-c", "import pdfplumber"],
        },
        rounds,
    )
    print(f"\n## one file, median of {rounds}")
    _table(medians, {"extract text time / import pdfplumber time (goal ≤ 1)": ("extract text", "import pdfplumber")})


def bench_scanned(work: Path, dpi: int, rounds: int) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from report_extract.reading.ocr.sample import scanned_pdf

    folder = work / f"scans{dpi}"
    folder.mkdir(parents=True, exist_ok=True)
    pages = 0
    for name in NAMES:
        data = scanned_pdf((ROOT / "corpus" / f"{name}.pdf").read_bytes(), dpi)
        (folder / f"{name}.pdf").write_bytes(data)
        import pypdfium2 as pdfium

        pages += len(pdfium.PdfDocument(data))
    # the same command each round (OCR is seconds a page: one machine's runs spread by a tenth)
    runs = [timed(CLI + ["convert", str(folder), "-o", str(work / "scan-out"), "--jobs", "1", "--fresh"])
            for _ in range(rounds)]  # fmt: skip
    wall, cpu = statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)
    print(f"\n## scanned, image-only at {dpi} dpi: {pages} pages, convert --jobs 1, median of {rounds}")
    print(f"wall {wall:.1f} s, CPU {cpu:.1f} s, {cpu / pages:.2f} CPU s per page "
          f"(runs: {', '.join(f'{c / pages:.2f}' for _, c in runs)})")  # fmt: skip


def _table(medians: dict[str, tuple[float, float]], ratios: dict[str, tuple[str, str]]) -> None:
    print(f"{'command':<20} {'wall s':>8} {'CPU s':>8}")
    for name, (wall, cpu) in medians.items():
        print(f"{name:<20} {wall:8.2f} {cpu:8.2f}")
    for label, (top, bottom) in ratios.items():
        # CPU too: on a machine others load, wall time also counts their processes
        print(
            f"{label}: {medians[top][0] / medians[bottom][0]:.2f} (wall), "
            f"{medians[top][1] / medians[bottom][1]:.2f} (CPU)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=10, help="distinct copies of each corpus PDF")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (medians)")
    parser.add_argument("--extract-rounds", type=int, default=5)
    parser.add_argument("--scanned", action="store_true", help="also time image-only copies (OCR)")
    parser.add_argument("--dpi", type=int, default=150)
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(ROOT / "src"))
    reap_descendants()
    with tempfile.TemporaryDirectory(prefix="bench_convert") as tmp:
        bench_convert(Path(tmp), args.copies, args.rounds)
        bench_extract(args.extract_rounds)
        if args.scanned:
            bench_scanned(Path(tmp), args.dpi, args.rounds)


if __name__ == "__main__":
    main()
