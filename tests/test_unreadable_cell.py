"""A table cell whose value the parser cannot read ("共13件", "十三", "13件次") stays in its
column: null, and the report flagged (rows_not_found names the cell), while the row's other
values keep their columns.  Newcomer's trial: the cell was taken for the end of the row's
label, the row's values slid one column over and the column totals failed as the report's
own errors.  Zero typed as 〇 or 零 is 0."""

from __future__ import annotations

import random
import re

import pytest
from gen_reports import REQUEST_ROWS, html, make_report

from report_extract.pipeline.stages import extract

ROWS = [(key, label) for key, group, label in REQUEST_ROWS if group]


def _with_cell(tmp_path, r, key: str, label: str, text: str):
    page = html(r, f"{r.agency}{r.year}年政府信息公开工作年度报告")
    # the row's first value cell: right after its label's cell
    page, n = re.subn(
        rf"({re.escape(label)}</td><td>)[^<]*(</td>)", lambda m: m.group(1) + text + m.group(2), page, count=1
    )
    assert n == 1
    path = tmp_path / "r.html"
    path.write_text(page, encoding="utf-8")
    return extract(path)


@pytest.mark.parametrize("text", ["共13件", "十三", "约13", "13件次"])
@pytest.mark.parametrize("seed", [1, 2])
def test_an_unreadable_cell_stays_in_its_column(tmp_path, seed, text):
    r = make_report(random.Random(seed), seed)
    key, label = ROWS[seed]
    result = _with_cell(tmp_path, r, key, label, text)
    got = {c.key: c.value for c in result.cells if not c.derived}
    changed = f"requests.{key}.natural_person"
    others = {k: v for k, v in r.cells.items() if k != changed}
    assert {k: got.get(k) for k in others} == others
    if text == "13件次":  # read, with its unit: 13 where the report had another number
        assert got[changed] == 13
        return
    assert got[changed] is None
    assert any(f"{changed}" in reason for reason in result.review)
    assert not [c for c in result.checks if c.ok is False]


@pytest.mark.parametrize("zero", ["〇", "零", "○"])
def test_zero_typed_as_a_numeral_is_zero(tmp_path, zero):
    r = make_report(random.Random(3), 3)
    key, label = next((k, lab) for k, lab in ROWS if r.cells[f"requests.{k}.natural_person"] == 0)
    result = _with_cell(tmp_path, r, key, label, zero)
    got = {c.key: c.value for c in result.cells if not c.derived}
    assert {k: got.get(k) for k in r.cells} == r.cells
    assert not result.review
