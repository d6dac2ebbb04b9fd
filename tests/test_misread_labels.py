"""Rows whose label or value a reading garbled (issue 15: OCR of 120 dpi scans read 规章 as
规摩 and a 0 as "a"), generated for every format a table reaches the tables stage in.

A misread label leaves the row's place in table 2's blocks (规章 right before 行政规范性文件):
the row is taken by its place, with a warning.  A misread value stays in its column (null,
with a warning), so the other values of its row are not shifted into the label.
"""

from __future__ import annotations

import random

import pytest
from gen_reports import Style, html, make_report

from report_extract.contract.labels import tables
from report_extract.pipeline.stages import extract

MISREADINGS = ["规摩", "观章", "规", "丸章"]


def _report(seed: int):
    return make_report(random.Random(seed), seed)


def _write(tmp_path, text: str, name: str = "r.html"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("misread", MISREADINGS)
def test_table2_row_taken_by_its_place(tmp_path, seed, misread):
    r = _report(seed)
    page = html(r, f"{r.agency}{r.year}年政府信息公开工作年度报告")
    assert page.count("<td>规章</td>") == 1
    result = extract(_write(tmp_path, page.replace("<td>规章</td>", f"<td>{misread}</td>")))
    got = {c.key: c.value for c in result.cells}
    for col in ("issued", "repealed", "in_force"):
        assert got[f"proactive.regulation.{col}"] == r.cells[f"proactive.regulation.{col}"]
        assert got[f"proactive.normative_doc.{col}"] == r.cells[f"proactive.normative_doc.{col}"]
    assert any(
        w.startswith(f"proactive.regulation: label {misread!r} not recognised; taken as regulation by its place")
        for w in result.warnings
    )


def test_table2_row_not_printed_is_not_invented(tmp_path):
    """Without the 规章 row, the row before 行政规范性文件 is the block's header (信息内容
    …, no values): nothing is taken by its place."""
    r = _report(1)
    page = html(r, f"{r.agency}{r.year}年政府信息公开工作年度报告")
    start = page.index("<tr><td>规章</td>")
    page = page[:start] + page[page.index("</tr>", start) + len("</tr>") :]
    got = {c.key for c in extract(_write(tmp_path, page)).cells}
    assert not any(k.startswith("proactive.regulation.") for k in got)
    assert "proactive.normative_doc.issued" in got


def test_table2_row_of_another_label_is_not_moved(tmp_path):
    """A row before 行政规范性文件 whose label names another key is that key's, not 规章's."""
    r = _report(2)
    page = html(r, f"{r.agency}{r.year}年政府信息公开工作年度报告", s=Style())
    page = page.replace("<td>规章</td>", "<td>行政许可</td>")
    result = extract(_write(tmp_path, page))
    assert not any(c.key.startswith("proactive.regulation.") for c in result.cells)


COLUMNS = list(tables()["requests"].columns)  # the contract's, in printed order


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("misread", ["a", "O", "l", "o0", "ó", "о"])
@pytest.mark.parametrize("column", ["natural_person", "public_welfare_org", "total"])
def test_misread_value_stays_in_its_column(tmp_path, seed, misread, column):
    """A count misread as a letter, first, among or after the row's values: that cell is
    null with a warning, every other cell of the row is read (before: the row's values up
    to the letter went into its label, or the whole row was lost)."""
    r = _report(seed)
    page = html(r, f"{r.agency}{r.year}年政府信息公开工作年度报告")
    row_start = page.index("<td>2.重复申请</td>")
    cells_at = [i for i in range(row_start, page.index("</tr>", row_start)) if page.startswith("<td>", i)]
    victim = cells_at[1 + COLUMNS.index(column)]
    end = page.index("</td>", victim)
    page = page[: victim + 4] + misread + page[end:]
    result = extract(_write(tmp_path, page))
    got = {c.key: c.value for c in result.cells}
    for col in COLUMNS:
        key = f"requests.not_processed_duplicate.{col}"
        assert got[key] == (None if col == column else r.cells[key]), key
    assert any(f"requests.not_processed_duplicate.{column}: cannot read {misread!r}" in w for w in result.warnings)
