"""Blank cells printed as a mark (—, -, /) in plain-text tables (a crawler's dump, a PDF's
text layer): each mark is one blank cell of its row (newcomer's trial: "规章 1 — 11" read
as 1 | 1 | 1, and a table of dashes lost two thirds of its cells to wrong splits).

Reports are generated (gen_reports) and written one table row a line, cells separated by
single spaces; a random share of the printed zeros becomes a mark.
"""

from __future__ import annotations

import random

import pytest
from gen_reports import extract_text, flat_text, make_report

MARKS = ["—", "-", "/", "——", "–"]


def _flat_text(r, rng: random.Random, share: float) -> tuple[str, set[int]]:
    """The report as text, and the ordinals of the printed zeros made marks."""
    marked: set[int] = set()
    zeros = [0]

    def mark(texts: list[str]) -> list[str]:
        out = []
        for text in texts:
            if text == "0":
                if rng.random() < share:
                    marked.add(zeros[0])
                    text = rng.choice(MARKS)
                zeros[0] += 1
            out.append(text)
        return out

    return flat_text(r, row=mark), marked


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("share", [0.3, 1.0])
def test_marks_are_blank_cells(tmp_path, seed, share):
    rng = random.Random(seed)
    r = make_report(rng, seed)
    text, marked = _flat_text(r, rng, share)
    assert marked
    result, got = extract_text(tmp_path, text)
    # every printed cell: its number, or null where a mark stands for the zero
    wrong = [
        (k, v, got.get(k, "absent"))
        for k, v in r.cells.items()
        if got.get(k, "absent") not in (v, None if v == 0 else v)
    ]
    assert not wrong, wrong
    assert sum(1 for k, v in r.cells.items() if v == 0 and got.get(k) is None) >= len(marked) - 2
    assert not [c for c in result.checks if c.ok is False]


def test_a_slash_in_a_label_is_no_cell(tmp_path):
    """Marks count only standing alone among values: 收费/减免 and a date keep their slash."""
    r = make_report(random.Random(3), 3)
    text, _ = _flat_text(r, random.Random(3), 0.0)
    text = text.replace("行政事业性收费", "行政事业性收费/减免")
    _, got = extract_text(tmp_path, text)
    assert got["proactive.admin_fee.amount_wan_yuan"] == r.cells["proactive.admin_fee.amount_wan_yuan"]
