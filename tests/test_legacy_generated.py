"""Issue 18 beyond the real files: generated pre-2019 statistics tables (tests/gen_legacy.py)
in every layout — space-separated rows, rows on lines, tabs, a crawler's run-together
digits, HTML and Markdown tables — with units or none, both columns or this year only,
其中 rows numbered 1. / 1、 / （1）, and several provinces' labels."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from gen_legacy import SEPARATE, SUFFIX, SUMS_2015, consistent, make_2015_case, make_case, render

import report_extract

SEEDS = range(40)


def _extract(tmp_path: Path, case, form: str):
    f = tmp_path / f"case{SUFFIX.get(form, '.txt')}"
    f.write_text(render(case, form), encoding="utf-8")
    r = report_extract.extract(f)
    return r, {(c.row, c.col): c for c in r.cells if c.table == "legacy"}


@pytest.mark.parametrize("form", sorted(SEPARATE))
@pytest.mark.parametrize("seed", SEEDS)
def test_cells_apart_are_read_as_printed(tmp_path: Path, seed: int, form: str) -> None:
    """Values separated by spaces, lines, tabs or table cells are separate cells: never
    split inside a number, never marked ambiguous, every one right."""
    case = make_case(random.Random(seed))
    r, got = _extract(tmp_path, case, form)
    assert r.status == "no_tables"
    assert set(got) == set(case.truth)
    for (row, col), want in case.truth.items():
        cell = got[(row, col)]
        assert (cell.value, cell.raw, cell.ambiguous) == (want, str(want), False), (row, col)
        assert cell.line or cell.page


@pytest.mark.parametrize("seed", SEEDS)
def test_run_together_split_by_the_tables_own_arithmetic(tmp_path: Path, seed: int) -> None:
    """Digits a crawler ran together are split with the column count, cumulative ≥ this
    year, the 其中 sums and the prose's figure; a cell those leave with one reading is
    right and not marked, one left with several is kept as one of them and marked."""
    case = make_case(random.Random(seed))
    r, got = _extract(tmp_path, case, "run_together")
    readings = consistent(case)
    assert set(got) == set(case.truth)
    for (row, col), want in case.truth.items():
        cell, left = got[(row, col)], readings[(row, col)]
        assert want in left
        if len(left) == 1:
            assert (cell.value, cell.ambiguous) == (want, False), (row, col)
        else:
            assert cell.ambiguous and cell.value in left, (row, col)
    marked = {row for (row, _), c in got.items() if c.ambiguous}
    assert len([w for w in r.warnings if "split more than one way" in w]) == len(marked)
    # a free-form report is reviewed for its table's splits (newcomer's trial: never flagged)
    assert bool(marked) == any(reason.startswith("ambiguous_split") for reason in r.review)


def test_prose_settles_a_split_the_sums_cannot(tmp_path: Path) -> None:
    """受理申请总数 "1215" with no 其中 rows reads 1/215 or 12/15; the prose's
    "收到政府信息公开申请1件" settles it.  Without the prose nothing does: the row keeps
    the most plausible split (cells of like width, 12/15) and is marked ambiguous."""
    case = make_case(random.Random(0))
    total = next(i for i, r in enumerate(case.rows) if r.key == "requests_received")
    group = next(g for g in case.groups if g[0] == total)
    case.rows = [r for i, r in enumerate(case.rows) if i not in group[1:]]
    case.groups = [g for g in case.groups if g[0] < total]  # the groups printed before it
    case.rows[total].this, case.rows[total].cum = 1, 215
    case.both, case.prose = True, {"requests_received": 1}
    _, got = _extract(tmp_path, case, "run_together")
    cells = (got[("requests_received", "this_year")], got[("requests_received", "cumulative")])
    assert [(c.value, c.ambiguous) for c in cells] == [(1, False), (215, False)]
    case.prose = {}
    _, got = _extract(tmp_path, case, "run_together")
    cells = (got[("requests_received", "this_year")], got[("requests_received", "cumulative")])
    assert [(c.value, c.ambiguous) for c in cells] == [(12, True), (15, True)]


@pytest.mark.parametrize("form", ["tabs", "lines", "lines_3sp", "html", "markdown", "tabs_md"])
@pytest.mark.parametrize("seed", range(6))
def test_2015_national_form_read_whole(tmp_path: Path, seed: int, form: str) -> None:
    """The form of 2015–2018 (newcomer's trial: 申请信息不存在数 read as a refusal reason, the
    复议/诉讼 outcomes, 回应解读, staff and funds rows unread, soft checks failing on our
    reading; saved as .md, 1 cell of 57): every row, and its breakdowns add up."""
    case = make_2015_case(random.Random(seed))
    if form == "tabs_md":  # a text file's tab-separated table saved as Markdown
        f = tmp_path / "case.md"
        f.write_text(render(case, "tabs"), encoding="utf-8")
        r = report_extract.extract(f)
        got = {(c.row, c.col): c for c in r.cells if c.table == "legacy"}
    else:
        r, got = _extract(tmp_path, case, form)
    assert {k: c.value for k, c in got.items()} == case.truth
    checks = {c.check: c for c in r.checks if c.check.startswith("legacy.")}
    for name in ("legacy.channels", "legacy.replies", "legacy.refusal_reasons", "legacy.completed_timing",
                 "legacy.review_outcomes", "legacy.lawsuit_outcomes", "legacy.staff"):  # fmt: skip
        assert checks[name].ok is True, name
    assert not [c for c in r.checks if c.ok is False and c.severity == "hard"]
    assert set(SUMS_2015) <= {k for k, _ in got}
