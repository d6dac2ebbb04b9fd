"""A page footer that fell inside a table of a crawler's dump (a page break between two
rows, the page's last line kept): its page number is no value (newcomer's trial: in table 4
it shifted the 15 values by one and three checks failed as the report's own errors).

Forms no cell prints ("第 2 页", "第2页 共5页", "Page 2 of 5") are blanked wherever they
stand (patterns/pages.toml `inline`); any stray number left ("- 2 -", "2/5") makes a row
print more numbers than it has cells, and the run of them whose groups add up is the row
(tables/fit._cells_among).
"""

from __future__ import annotations

import random

import pytest
from gen_reports import blocks, extract_text, flat_text, make_report

NO_CELL = ["第2页", "第 2 页 共 5 页", "共5页 第2页", "Page 2 of 5"]
STRAY = ["- 2 -", "— 2 —", "2/5"]


def _with_footer(footer: str, at: int):
    seen = [0]

    def rewrite(texts: list[str]) -> list[str]:
        seen[0] += 1
        return texts + [footer] if seen[0] == at else texts

    return rewrite


# Joined lines glue a footer to the next row's first value ("2/5" + "0 0 7" → "2/50 0 7",
# "- 2 -" + "0" → "- 2 -0"): no text tells them apart, so the stray numbers and the forms
# ending in a digit are tried on lines of their own only.
CASES = [(f, False) for f in NO_CELL + STRAY] + [(f, True) for f in NO_CELL if not f[-1].isdigit()]


@pytest.mark.parametrize("seed", [1, 3])
@pytest.mark.parametrize("footer, joined", CASES, ids=[f"{f}-{'joined' if j else 'lines'}" for f, j in CASES])
def test_a_footer_after_any_table_row(tmp_path, seed, footer, joined):
    r = make_report(random.Random(seed), seed)
    rows = sum(len(content) for kind, content in blocks(r) if kind == "table")  # type: ignore[arg-type]
    for at in range(1, rows + 1):
        text = flat_text(r, row=_with_footer(footer, at), sep="" if joined else "\n")
        result, got = extract_text(tmp_path, text)
        assert {k: got.get(k) for k in r.cells} == r.cells, at
        assert not [c for c in result.checks if c.ok is False], at
