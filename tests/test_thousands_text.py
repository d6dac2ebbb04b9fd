"""Numbers with thousands separators in plain-text tables ("3,001 53 0 0 61 4 3,119"): the
commas group one number's digits (newcomer's trial: such rows were lost; Markdown kept them).
Generated reports, one table row a line, every number of 1,000 or more grouped."""

from __future__ import annotations

import random

import pytest
from gen_reports import blocks, make_report

from report_extract.pipeline.stages import extract


def _grouped(text: str) -> str:
    return f"{int(text):,}" if text.isdigit() and int(text) >= 1000 else text


@pytest.mark.parametrize("seed", range(8))
def test_grouped_numbers_are_one_cell(tmp_path, seed):
    r = make_report(random.Random(seed), seed)
    lines, grouped = [], 0
    for kind, content in blocks(r):
        if kind != "table":
            lines.append(str(content))
            continue
        for row in content:
            cells = [_grouped(t) for t, _, _ in row if t]
            grouped += sum("," in c for c in cells)
            lines.append(" ".join(cells))
    path = tmp_path / "r.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = extract(path)
    got = {c.key: c.value for c in result.cells if not c.derived}
    assert not [(k, v, got.get(k, "absent")) for k, v in r.cells.items() if got.get(k, "absent") != v]
    assert not [c for c in result.checks if c.ok is False]
    if seed == 0:
        assert grouped  # the reports print numbers of four digits
