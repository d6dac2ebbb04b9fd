"""Numbers with thousands separators in plain-text tables ("3,001 53 0 0 61 4 3,119"): the
commas group one number's digits (newcomer's trial: such rows were lost; Markdown kept them).
Generated reports, one table row a line, every number of 1,000 or more grouped."""

from __future__ import annotations

import random

import pytest
from gen_reports import extract_text, flat_text, make_report


def _grouped(text: str) -> str:
    return f"{int(text):,}" if text.isdigit() and int(text) >= 1000 else text


@pytest.mark.parametrize("seed", range(8))
def test_grouped_numbers_are_one_cell(tmp_path, seed):
    r = make_report(random.Random(seed), seed)
    text = flat_text(r, row=lambda texts: [_grouped(t) for t in texts])
    grouped = text.count(",")
    result, got = extract_text(tmp_path, text)
    assert not [(k, v, got.get(k, "absent")) for k, v in r.cells.items() if got.get(k, "absent") != v]
    assert not [c for c in result.checks if c.ok is False]
    if seed == 0:
        assert grouped  # the reports print numbers of four digits
