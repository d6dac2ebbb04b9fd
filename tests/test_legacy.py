"""Issue 18: the old statistics table (政府信息公开情况统计表) of real pre-2019 reports, read
as a table: run together by the crawler (平潭县 2011, 2013) or separated by spaces
(平潭综合实验区 2011), from changwu/pingtan-gov-zwgk-archive (tests/fixtures/legacy)."""

from __future__ import annotations

from pathlib import Path

import pytest

import report_extract

LEGACY = Path(__file__).parent / "fixtures" / "legacy"
CORPUS = Path(__file__).resolve().parents[1] / "corpus"

# (row, this_year, cumulative) as printed
PRINTED_2011 = [
    ("proactive_total", 425, 1516),
    ("proactive_website", 418, 1509),
    ("proactive_gazette", 7, 7),
    ("requests_received", 0, 0),
]


@pytest.mark.parametrize("name", ["pingtan_county_2011", "pingtan_zone_2011"])
def test_legacy_table_both_columns(name):
    r = report_extract.extract(LEGACY / f"{name}.txt")
    assert r.status == "no_tables"
    for row, this_year, cumulative in PRINTED_2011:
        assert r.value("legacy", row, "this_year") == this_year
        assert r.value("legacy", row, "cumulative") == cumulative
    assert all(c.line for c in r.cells)  # provenance, like every other cell
    assert not [c for c in r.checks if c.ok is False]


def test_space_separated_row_is_never_split_inside_a_number():
    """`主动公开信息数 条 425 1516`: two cells, not 4 and 25."""
    r = report_extract.extract(LEGACY / "pingtan_zone_2011.txt")
    cells = {(c.row, c.col): c for c in r.cells}
    assert cells[("proactive_total", "this_year")].raw == "425"
    assert not cells[("proactive_total", "this_year")].ambiguous


def test_report_errors_are_checked_not_repaired():
    """平潭县 2013 prints a cumulative total that its 其中 rows do not add up to: a failed
    check of the report's own arithmetic, the printed values kept."""
    r = report_extract.extract(LEGACY / "pingtan_county_2013.txt")
    assert (r.value("legacy", "proactive_total", "this_year"), r.value("legacy", "proactive_total", "cumulative")) == (
        1853,
        5395,
    )  # printed run together: 条18535395
    failed = {(c.check, c.scope) for c in r.checks if c.ok is False}
    assert ("legacy.proactive", "cumulative") in failed


def test_pingtan_2018_statistics_table():
    r = report_extract.extract(CORPUS / "pingtan_2018.txt")
    assert r.value("legacy", "proactive_total", "this_year") == 2069
    assert not [c for c in r.checks if c.ok is False]
