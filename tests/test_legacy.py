"""Issue 18: the old statistics table (政府信息公开情况统计表) of real pre-2019 reports, read
as a table: run together by the crawler (平潭县 2011–2013, 平潭综合实验区 2015–2017) or
separated by spaces (平潭综合实验区 2011–2014), from changwu/pingtan-gov-zwgk-archive
(tests/fixtures/legacy/SOURCES.csv); every value labelled by hand in tests/legacy_labels.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from legacy_labels import LABELS, values

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


@pytest.mark.parametrize("name", sorted(LABELS))
def test_every_labelled_value(name):
    """Both columns of every row as printed; a column the row leaves out gives no cell."""
    r = report_extract.extract(LEGACY / f"{name}.txt")
    got = {(c.row, c.col): c for c in r.cells if c.table == "legacy"}
    wrong = [
        (row, col, want, got[(row, col)].value if (row, col) in got else None)
        for row, col, want in values(name)
        if (got[(row, col)].value if (row, col) in got else None) != want
    ]
    assert not wrong
    labelled = {(row, col) for row, col, want in values(name) if want is not None}
    assert set(got) == labelled  # no cell the table does not print
    assert all(c.line for c in got.values())


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


def test_check_severity_follows_what_must_hold():
    """Hard: arithmetic that must hold — 历年累计 ≥ this year, and a breakdown the table
    completes with its catch-all 其它 row.  Soft: where provinces' definitions differ — the
    proactive forms (a document on the website and in the gazette), a breakdown without
    its 其它 row, replies against requests, the prose against the table."""
    r = report_extract.extract(LEGACY / "pingtan_county_2013.txt")
    by = {(c.check, c.scope): c for c in r.checks}
    assert {c.severity for c in r.checks if c.check == "legacy.cumulative"} == {"hard"}
    proactive = by[("legacy.proactive", "cumulative")]
    assert (proactive.ok, proactive.severity) == (False, "soft")
    assert by[("legacy.channels", "this_year")].severity == "hard"  # 6.其它形式申请数 printed
    assert by[("legacy.replies", "this_year")].severity == "soft"  # no 其他 outcome row
    assert by[("legacy.replies_requests", "this_year")].severity == "soft"
    assert {c.severity for c in r.checks if c.check == "text.legacy"} == {"soft"}
    assert all(c.ok for c in r.checks if c.severity == "hard")
    zone = report_extract.extract(LEGACY / "pingtan_zone_2014.txt")
    by = {(c.check, c.scope): c for c in zone.checks}
    assert by[("legacy.replies", "this_year")].severity == "hard"  # 4.其他类型答复数 printed
    assert by[("legacy.channels", "this_year")].severity == "soft"  # no 其它形式申请数 row


def test_a_complete_breakdown_that_does_not_add_up_is_a_hard_failure(tmp_path):
    """A channel changed in a table that prints 其它形式申请数: the report's arithmetic is
    wrong, a hard failure counted in checks_failed."""
    import random

    from gen_legacy import make_case, render

    from report_extract.outputs.records import checks_failed

    case = next(
        c
        for c in (make_case(random.Random(s)) for s in range(100))
        if any(r.key == "requests_other" for r in c.rows) and c.both
    )
    online = next(r for r in case.rows if r.key == "requests_online")
    online.this += 1
    online.cum += 1
    f = tmp_path / "case.txt"
    f.write_text(render(case, "lines"), encoding="utf-8")
    r = report_extract.extract(f)
    failed = {(c.check, c.scope, c.severity) for c in r.checks if c.ok is False}
    assert failed == {("legacy.channels", "this_year", "hard"), ("legacy.channels", "cumulative", "hard")}
    assert checks_failed(r.to_dict()) == 2


def test_every_key_the_reader_emits_is_in_the_contract():
    """The legacy cells are in spec/cells.csv (template legacy) and so in the codebook,
    with their Chinese labels, and the README prints them."""
    from report_extract.contract.codebook import codebook
    from report_extract.tables import legacy

    book = {c["key"]: c for c in codebook() if c["table"] == "legacy"}
    emitted = {f"legacy.{key}.{col}" for key in legacy.row_keys() for col in ("this_year", "cumulative")}
    assert emitted == set(book)
    assert {c["templates"] for c in book.values()} == {"legacy"}
    assert book["legacy.proactive_total.cumulative"]["row_label"] == "主动公开信息数"
    assert book["legacy.proactive_total.cumulative"]["col_label"] == "历年累计"
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "| `requests_letter_fax` | 其中：信函、传真申请数" in readme


def test_panel_carries_the_legacy_keys_for_pre_2019_years(tmp_path):
    """`report-extract panel` on the 平潭 reports of 2009–2018: one row per body and year,
    with the statistics table's values as legacy.ROW.COL columns (平潭县人民政府 2011–2013,
    平潭综合实验区 2011–2018, the finance department's years)."""
    import csv
    import shutil

    from click.testing import CliRunner

    from report_extract.batch.convert import Options, convert_paths
    from report_extract.cli import main

    src = tmp_path / "in"
    shutil.copytree(LEGACY, src)
    shutil.copy(CORPUS / "pingtan_2018.txt", src)
    out = tmp_path / "out"
    convert_paths(sorted(src.glob("*.txt")), out, Options(jobs=1))
    assert CliRunner().invoke(main, ["panel", str(out)]).exit_code == 0
    with open(out / "panel.csv", encoding="utf-8", newline="") as f:
        panel = list(csv.DictReader(f))
    by_file = {Path(r["source_path"]).stem: r for r in panel}
    assert set(by_file) == set(LABELS) | {"pingtan_2018"}
    county = sorted(int(r["year"]) for r in panel if r["agency_id"] == by_file["pingtan_county_2011"]["agency_id"])
    assert county == [2011, 2012, 2013]
    for name in LABELS:
        row = by_file[name]
        for key, col, want in values(name):
            got = row[f"legacy.{key}.{col}"]
            assert (float(got) if got else None) == want, (name, key, col)
    bodies_zone = by_file["pingtan_2018"]["agency_id"]
    zone = sorted(int(r["year"]) for r in panel if r["agency_id"] == bodies_zone)
    assert zone == list(range(2011, 2019))
    assert by_file["pingtan_2018"]["legacy.proactive_total.cumulative"] == "12106"  # 10037 + 2069
    # 历年累计(Y) = 历年累计(Y−1) + 本年度(Y) across years: soft, as bodies re-base the count
    with open(out / "panel_checks.csv", encoding="utf-8", newline="") as f:
        cross = {
            (r["year"], r["agency_id"] == bodies_zone, r["scope"]): r
            for r in csv.DictReader(f)
            if r["check"] == "panel.legacy_cumulative"
        }
    assert {r["severity"] for r in cross.values()} == {"soft"}
    proactive = {(year, zone): r["ok"] for (year, zone, scope), r in cross.items() if scope == "proactive_total"}
    assert proactive == {
        ("2012", False): "true",
        ("2013", False): "true",  # the county: 1516 + 2026 = 3542 …
        ("2012", True): "false",
        ("2013", True): "false",
        ("2014", True): "true",
        ("2015", True): "true",
        ("2016", True): "true",
        ("2017", True): "false",  # 10037
        ("2018", True): "true",
    }
