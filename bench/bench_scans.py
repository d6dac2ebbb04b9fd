"""OCR accuracy and cost on generated scans of several layouts (issue 15).

    PYTHONPATH=src .venv/bin/python bench/bench_scans.py                 # 2 reports per family
    PYTHONPATH=src .venv/bin/python bench/bench_scans.py --per-family 1 --families thin_rows mixed

The scans are `tests/scan_build.py`'s (a report printed in one layout family, rasterised
at 120-300 dpi, turned, blurred, grey, speckled, JPEG).  Printed per family: printed cells
read exactly, agency right, pages, CPU seconds per page (this process; the OCR models
are loaded before timing).  `--misses` lists every wrong cell.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]


def main() -> None:
    import numpy as np
    from scan_build import FAMILIES, build

    from report_extract.pipeline.stages import extract
    from report_extract.reading.ocr import engine as ocr

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-family", type=int, default=2)
    ap.add_argument("--families", nargs="+", default=FAMILIES)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--misses", action="store_true")
    args = ap.parse_args()
    blank = np.full((64, 256), 255, np.uint8)
    ocr.recognise(blank), ocr.recognise_line(blank)  # models loaded before timing
    stats: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0.0])
    with tempfile.TemporaryDirectory() as tmp:
        docs = build(Path(tmp), args.per_family, args.families, args.seed)
        for doc in docs:
            cpu0 = time.process_time()
            result = extract(doc.path)
            cpu = time.process_time() - cpu0
            got = {c.key: c.value for c in result.cells if not c.derived}
            wrong = [(k, v, got.get(k, "absent")) for k, v in doc.report.cells.items() if got.get(k, "absent") != v]
            agency = result.meta.get("agency")
            s = stats[doc.family]
            s[0] += len(doc.report.cells) - len(wrong)
            s[1] += len(doc.report.cells)
            s[2] += agency == doc.report.agency
            s[3] += 1
            s[4] += result.source["pages"]
            s[5] += cpu
            print(
                f"  {doc.path.name}: {len(doc.report.cells) - len(wrong)}/{len(doc.report.cells)} agency "
                f"{agency!r} dpi {doc.degrade.dpi} q{doc.degrade.quality} {cpu / result.source['pages']:.2f} s/page",
                file=sys.stderr,
            )
            if args.misses:
                for w in wrong:
                    print(f"    {w[0]}: want {w[1]!r} got {w[2]!r}", file=sys.stderr)
    print(f"{'family':<14} {'cells right':>16} {'agency':>7} {'pages':>5} {'cpu s/page':>10}")
    tot = [0, 0, 0, 0, 0, 0.0]
    for family in args.families:
        s = stats[family]
        tot = [a + b for a, b in zip(tot, s)]
        print(
            f"{family:<14} {s[0]:>5}/{s[1]:<4} {s[0] / s[1]:>6.1%} {s[2]:>3}/{s[3]:<3} {s[4]:>5} {s[5] / s[4]:>10.2f}"
        )
    print(
        f"{'all':<14} {tot[0]:>5}/{tot[1]:<4} {tot[0] / tot[1]:>6.1%} {tot[2]:>3}/{tot[3]:<3} {tot[4]:>5} "
        f"{tot[5] / tot[4]:>10.2f}"
    )


if __name__ == "__main__":
    main()
