"""Issue 19: the agency-year panel of the real corpus, cross-year checks, diff."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import CORPUS, rows, truth
from pdf_build import with_glyphs_replaced

from report_extract.batch.convert import Options, convert_paths
from report_extract.batch.inputs import expand
from report_extract.cli import main
from report_extract.metadata.agency import agency_id
from report_extract.outputs.panel import write_panel

PINGTAN = "350128-平潭综合实验区管理委员会"
HONGZE = "320813-洪泽区人民政府"
# kiro_02's 二、上年结转 row, page 3: 自然人 and 总计 (cells.csv bbox)
CARRIED_OVER_BOXES = [(309.85, 519.59, 341.55, 542.64), (483.1, 519.59, 515.75, 542.64)]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("panel")
    convert_paths(expand([str(CORPUS)], ()).paths, folder, Options(jobs=1, parquet=True))
    return folder


def _panel(out: Path) -> list[dict[str, str]]:
    return rows(out / "panel.csv")


def test_pingtan_2018_to_2025_is_one_agency_of_seven_rows(out):
    years = [int(r["year"]) for r in _panel(out) if r["agency_id"] == PINGTAN]
    assert years == [2018, 2019, 2020, 2021, 2022, 2024, 2025]


def test_hongze_2023_and_2024_are_one_agency(out):
    got = {r["year"]: Path(r["source_path"]).name for r in _panel(out) if r["agency_id"] == HONGZE}
    assert got == {"2023": "kiro_01.pdf", "2024": "kiro_02.pdf"}


def test_one_row_per_agency_year_and_no_two_bodies_merged(out):
    """SOURCES.csv names each file's body as a person would: the same body ⇔ the same id."""
    with open(CORPUS / "SOURCES.csv", encoding="utf-8") as f:
        body = {r["file"]: r["agency"] for r in csv.DictReader(f)}
    ids = {Path(r["source_path"]).name: r["agency_id"] for r in rows(out / "reports.csv")}
    assert set(ids) == set(body)
    for a, id_a in ids.items():
        for b, id_b in ids.items():
            assert (id_a == id_b) == (body[a] == body[b]), (a, b)
    keys = [(r["agency_id"], r["year"]) for r in _panel(out)]
    assert len(keys) == len(set(keys)) == len(ids)


@pytest.mark.parametrize("name, region, same_as", [
    ("平潭综合实验区管委会", "pingtan", PINGTAN),
    ("平潭综合实验区 管理委员会", "pingtan", PINGTAN),
    ("平潭县人民政府", "pingtan", "350128-平潭县人民政府"),
    ("洪泽区政府", "hongze", HONGZE),
    ("江苏省淮安市洪泽区人民政府（洪泽区）", "hongze", HONGZE),
    ("洪泽县人民政府", "hongze_2015", HONGZE),  # 撤县设区 2016: region_renames.csv
    # 撤县设市 2017, after the division list: the listed name on both sides of the rename
    ("平泉县人民政府", "pingquan_2016", "130823-平泉县人民政府"),
    ("承德市平泉市人民政府", "pingquan_2022", "130823-平泉县人民政府"),
    # a township prints its county one year and not the next (newcomer's trial: 主簿镇)
    ("岳西县主簿镇人民政府", "zhubu", "340828-主簿镇人民政府"),
    ("安徽省安庆市岳西县主簿镇人民政府", "zhubu", "340828-主簿镇人民政府"),
    ("主簿镇人民政府", "zhubu", "340828-主簿镇人民政府"),
    ("主簿镇政府", "zhubu", "340828-主簿镇人民政府"),
])  # fmt: skip
def test_agency_id_name_variants(name, region, same_as):
    regions = {
        "pingtan": {"province": "福建省", "city": "福州市", "county": "平潭县", "adcode": "350128"},
        "hongze": {"province": "江苏省", "city": "淮安市", "county": "洪泽区", "adcode": "320813"},
        "hongze_2015": {"province": "江苏省", "city": "淮安市", "county": "洪泽县", "adcode": "320829"},
        "pingquan_2016": {"province": "河北省", "city": "承德市", "county": "平泉县", "adcode": "130823"},
        "pingquan_2022": {"province": "河北省", "city": "承德市", "county": "平泉市", "adcode": "130823"},
        "zhubu": {"province": "安徽省", "city": "安庆市", "county": "岳西县", "adcode": "340828", "level": "township"},
    }
    assert agency_id({"agency": name, "region": regions[region]}) == same_as


def test_two_bodies_of_one_place_in_one_year_stay_apart(tmp_path):
    """平潭县人民政府 and 平潭综合实验区管委会 both reported for 2011: a generated pair."""
    text = (CORPUS / "pingtan_2021.txt").read_text(encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "zone.txt").write_text(text.replace("2021年度", "2011年度"), encoding="utf-8")
    (tmp_path / "in" / "county.txt").write_text(
        text.replace("平潭综合实验区2021年度", "平潭县人民政府2011年度").replace("2021年度", "2011年度"),
        encoding="utf-8",
    )
    convert_paths(expand([str(tmp_path / "in")], ()).paths, tmp_path / "out", Options(jobs=1, sqlite=False))
    got = sorted((r["agency_id"], r["year"]) for r in _panel(tmp_path / "out"))
    assert got == [("350128-平潭县人民政府", "2011"), (PINGTAN, "2011")]


def test_alias_file_merges_what_no_rule_settles(tmp_path, monkeypatch):
    from report_extract.metadata import agency

    (tmp_path / "agency_aliases.csv").write_text("adcode,name,same_as,note\n321322,沭阳县发展和改革局,沭阳县发改局,test\n",
                                                 encoding="utf-8")  # fmt: skip
    monkeypatch.setenv("REPORT_EXTRACT_PATTERNS", str(tmp_path))
    agency.rules.cache_clear()
    try:
        meta = {"agency": "沭阳县发展和改革局", "region": {"province": "江苏省", "city": "宿迁市", "county": "沭阳县",
                                                          "adcode": "321322"}}  # fmt: skip
        assert agency_id(meta) == "321322-沭阳县发改局"
    finally:
        agency.rules.cache_clear()


def _checks(out: Path, check: str) -> list[dict[str, str]]:
    return [r for r in rows(out / "panel_checks.csv") if r["check"] == check]


@pytest.mark.parametrize("agency, year", [(PINGTAN, 2020), (PINGTAN, 2021), (PINGTAN, 2022), (PINGTAN, 2025),
                                          (HONGZE, 2024)])  # fmt: skip
def test_carried_over_passes_for_consecutive_real_years(out, agency, year):
    got = [r for r in _checks(out, "panel.carried_over") if r["agency_id"] == agency and r["year"] == str(year)]
    assert len(got) == 7 and all(r["ok"] == "true" and r["severity"] == "hard" for r in got)


def test_gap_year_and_template_change_are_not_checked_for_in_force(out):
    in_force = {(r["agency_id"], r["year"], r["scope"]): r for r in _checks(out, "panel.in_force")}
    assert not any(y == "2021" for a, y, _ in in_force if a == PINGTAN)  # 2020 (2019 template) → 2021
    assert not any(y == "2024" for a, y, _ in in_force if a == PINGTAN)  # no 2023 report
    hongze = in_force[HONGZE, "2024", "normative_doc"]
    assert (hongze["left"], hongze["right"], hongze["ok"], hongze["severity"]) == ("8", "8", "true", "soft")
    pingtan = in_force[PINGTAN, "2022", "normative_doc"]
    assert (pingtan["left"], pingtan["right"], pingtan["ok"]) == ("698", "698", "true")  # 665 + 88 − 55


def test_changed_carried_over_of_kiro_02_fails_naming_both_reports(tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copy(CORPUS / "kiro_01.pdf", tmp_path / "in")
    (tmp_path / "in" / "kiro_02_changed.pdf").write_bytes(
        with_glyphs_replaced(CORPUS / "kiro_02.pdf", 2, CARRIED_OVER_BOXES, "3")
    )
    convert_paths(expand([str(tmp_path / "in")], ()).paths, tmp_path / "out", Options(jobs=1, sqlite=False))
    ids = {Path(r["source_path"]).name: r["report_id"] for r in rows(tmp_path / "out" / "reports.csv")}
    failed = [r for r in _checks(tmp_path / "out", "panel.carried_over") if r["ok"] == "false"]
    assert {r["scope"] for r in failed} == {"natural_person", "total"}
    for r in failed:
        assert (r["report_id"], r["prev_report_id"]) == (ids["kiro_02_changed.pdf"], ids["kiro_01.pdf"])
        assert (r["left"], r["right"]) == ("3", "0")
    assert rows(tmp_path / "out" / "panel_checks.csv")[0]["ok"] == "false"  # failed checks first


def test_a_second_version_of_a_report_points_to_the_primary(out, tmp_path):
    """The same report twice (here a web copy: kiro_02's text with a trailing line) and a
    version with fewer tables: one panel row, the others point to it."""
    src = out / "journal.jsonl"
    folder = tmp_path / "o"
    folder.mkdir()
    lines = src.read_text(encoding="utf-8").splitlines()
    kiro = next(json.loads(x) for x in lines if json.loads(x).get("path", "").endswith("kiro_02.pdf"))
    copy = json.loads(json.dumps(kiro))
    copy["sha256"] = "f" * 64
    # another file (a web copy): one path's later line would replace its earlier one (journal.current)
    copy["path"] = copy["result"]["source"]["path"] = kiro["path"] + ".html"
    copy["result"]["report_id"] = "f" * 16
    copy["result"]["meta"]["published"] = "2025-01-20"
    copy["result"]["cells"] = [c for c in copy["result"]["cells"] if c["table"] != "proactive"]
    (folder / "journal.jsonl").write_text("\n".join([*lines, json.dumps(copy, ensure_ascii=False)]) + "\n",
                                          encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(main, ["panel", str(folder)])
    assert result.exit_code == 0, result.output
    hongze = [r for r in _panel(folder) if r["agency_id"] == HONGZE and r["year"] == "2024"]
    assert len(hongze) == 1 and hongze[0]["report_id"] == kiro["result"]["report_id"]  # complete tables win
    assert hongze[0]["duplicates"] == "f" * 16
    role = {r["report_id"]: r for r in rows(folder / "panel_reports.csv")}
    assert role["f" * 16]["role"] == "duplicate" and role["f" * 16]["primary_id"] == kiro["result"]["report_id"]
    assert role["f" * 16]["same_cells"] == "false"


def test_panel_columns_are_contract_keys_with_values(out):
    hongze = next(r for r in _panel(out) if r["agency_id"] == HONGZE and r["year"] == "2024")
    assert hongze["requests.new_received.total"] == "95"
    lab = truth("kiro_02")["tables"]
    for table, trows in lab.items():
        for row, cols in trows.items():
            for col, v in cols.items():
                got = hongze[f"{table}.{row}.{col}"]
                assert (float(got) if got else None) == v, (table, row, col)


def test_stata_file_has_chinese_labels_and_the_documented_names(out):
    reader = pd.io.stata.StataReader(out / "panel.dta")
    with reader:
        frame = reader.read()
        labels = reader.variable_labels()
    names = {r["column"]: r for r in rows(out / "panel_stata_names.csv")}
    assert list(frame.columns) == [r["stata_name"] for r in names.values()]
    assert all(len(n) <= 32 for n in frame.columns)
    key = names["requests.new_received.total"]["stata_name"]
    assert labels[key] == "一、本年新收政府信息公开申请数量 / 总计"
    assert all(len(v) <= 80 for v in labels.values())
    row = frame[(frame["agency_id"] == HONGZE) & (frame["year"] == 2024)]
    assert row[key].tolist() == [95.0]


def test_panel_files_are_the_same_bytes_when_written_again(out, tmp_path):
    # Found on a 300-document crawl: panel.dta held the minute it was written.
    again = tmp_path / "again"
    shutil.copytree(out, again)
    write_panel(again, parquet=True)
    for name in ("panel.csv", "panel.dta", "panel_checks.csv", "panel.parquet"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    with pd.io.stata.StataReader(again / "panel.dta") as reader:
        assert reader.time_stamp == "01 Jan 2000 00:00"  # not the clock, which the bytes test may miss


def test_parquet_reads_with_duckdb_or_pyarrow(out):
    try:
        import duckdb
    except ImportError:  # not installed: pyarrow reads what DuckDB would
        import pyarrow.parquet as pq

        table = pq.read_table(out / "panel.parquet").to_pylist()
        got = [r["year"] for r in table if r["agency_id"] == PINGTAN]
    else:
        got = [
            y
            for (y,) in duckdb.sql(
                f"SELECT year FROM '{out / 'panel.parquet'}' WHERE agency_id = '{PINGTAN}' ORDER BY year"
            ).fetchall()
        ]
    assert got == [2018, 2019, 2020, 2021, 2022, 2024, 2025]


def test_reports_db_panel_tables_and_datasette(out):
    db = sqlite3.connect(out / "reports.db")
    (n,) = db.execute('SELECT "requests.new_received.total" FROM panel WHERE agency_id = ? AND year = 2024',
                      (HONGZE,)).fetchone()  # fmt: skip
    assert n == 95
    assert db.execute("SELECT count(*) FROM panel_checks WHERE [check] = 'panel.carried_over'").fetchone()[0] == 35
    db.close()
    datasette = pytest.importorskip("datasette.app")
    import asyncio

    async def fetch():
        ds = datasette.Datasette([str(out / "reports.db")])
        return await ds.client.get("/reports/panel.json?_shape=array&agency_id=" + PINGTAN)

    response = asyncio.run(fetch())
    assert response.status_code == 200
    assert [r["year"] for r in response.json()] == [2018, 2019, 2020, 2021, 2022, 2024, 2025]


def test_diff_kiro_01_kiro_02_shows_every_changed_cell_of_the_labels():
    a, b = truth("kiro_01")["tables"], truth("kiro_02")["tables"]

    def flat(t):
        return {f"{x}.{r}.{c}": v for x, rs in t.items() for r, cs in rs.items() for c, v in cs.items()}

    fa, fb = flat(a), flat(b)
    want = {k for k in fa.keys() | fb.keys() if fa.get(k) != fb.get(k)}
    result = CliRunner().invoke(main, ["diff", str(CORPUS / "kiro_01.pdf"), str(CORPUS / "kiro_02.pdf"), "--json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    assert d["same_agency"] and d["a"]["year"] == 2023 and d["b"]["year"] == 2024
    changed = {c["key"] for c in d["cells"] if c["changed"]}
    assert changed == want
    by_key = {c["key"]: c for c in d["cells"]}
    assert by_key["requests.new_received.total"]["change"] == 74  # 21 → 95
    assert {c["check"] for c in d["checks"]} == {"panel.carried_over", "panel.in_force"}
    view = CliRunner().invoke(main, ["diff", str(CORPUS / "kiro_01.pdf"), str(CORPUS / "kiro_02.pdf"), "--changed"])
    assert "requests.new_received.total" in view.output and f"{len(want)} of" in view.output


def test_diff_by_report_ids_puts_failed_checks_first(out, tmp_path):
    changed = tmp_path / "kiro_02_changed.pdf"
    changed.write_bytes(with_glyphs_replaced(CORPUS / "kiro_02.pdf", 2, CARRIED_OVER_BOXES, "3"))
    kiro_01 = next(r["report_id"] for r in rows(out / "reports.csv") if r["source_path"].endswith("kiro_01.pdf"))
    result = CliRunner().invoke(main, ["diff", kiro_01[:6], str(changed), "--out", str(out), "--csv"])
    assert result.exit_code == 0, result.output
    lines = list(csv.DictReader(result.output.splitlines()))
    assert lines[0]["kind"] == "check" and lines[0]["ok"] == "false"
    bad = CliRunner().invoke(main, ["diff", "nosuchid", str(changed), "--out", str(out)])
    assert bad.exit_code != 0 and "nosuchid: no such file, and no report" in bad.output


def test_diff_counts_soft_checks_as_show_does():
    """A failed soft cross-year check is marked △ soft and counted apart, as `show` does
    (newcomer's trial: pingtan 2019 → 2020's five soft checks read as "✗ FAIL", "5 failed")."""
    result = CliRunner().invoke(main, ["diff", str(CORPUS / "pingtan_2019.txt"), str(CORPUS / "pingtan_2020.txt")])
    assert result.exit_code == 0, result.output
    assert "0 failed, 5 soft failed" in result.output
    assert "△ soft" in result.output and "✗ FAIL" not in result.output
