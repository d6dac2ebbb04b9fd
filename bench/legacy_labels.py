"""How many labelled values of the legacy statistics tables (tests/legacy_labels.py) the
reader gets right, per real report: `python bench/legacy_labels.py`."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from legacy_labels import LABELS, values  # noqa: E402

import report_extract  # noqa: E402


def main() -> None:
    right_all = total_all = 0
    for name in LABELS:
        r = report_extract.extract(ROOT / "tests" / "fixtures" / "legacy" / f"{name}.txt")
        got = {(c.row, c.col): c.value for c in r.cells if c.table == "legacy"}
        want = values(name)
        right = sum(1 for row, col, v in want if got.get((row, col)) == v and ((row, col) in got) == (v is not None))
        print(f"{name:24} {right:3}/{len(want)}")
        right_all += right
        total_all += len(want)
    print(f"{'all':24} {right_all:3}/{total_all}")


if __name__ == "__main__":
    main()
