"""Issue 17: the contract and codebook in the box, severities, and types that read back the same."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import CORPUS, rows

from report_extract.cli import main
from report_extract.contract.codebook import codebook, spec_dir
from report_extract.outputs.frames import read_table


def _convert(tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["convert", str(CORPUS / "kiro_02.pdf"), str(CORPUS / "shuyang_01.html"),
                                    "-o", str(out), "--jobs", "1", "-q"])  # fmt: skip
    assert res.exit_code == 0, res.output
    return out


def test_codebook_has_every_contract_key_with_chinese_labels(tmp_path):
    out = _convert(tmp_path)
    written = rows(out / "codebook.csv")
    # a key both formats print (admin_license.decisions) has a row per format: its labels differ
    assert len({(r["key"], r["templates"]) for r in written}) == len(rows(spec_dir() / "cells.csv")) == len(codebook())
    book = {r["key"]: r for r in written}
    assert book["requests.new_received.natural_person"]["row_label"] == "一、本年新收政府信息公开申请数量"
    assert book["requests.new_received.natural_person"]["col_label"] == "自然人"
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    cols = meta["databases"]["reports"]["tables"]["checks"]["columns"]
    assert "hard" in cols["severity"]
    db = sqlite3.connect(out / "reports.db")
    assert db.execute("SELECT row_label FROM codebook WHERE key = 'requests.new_received.total'").fetchone() == (
        "一、本年新收政府信息公开申请数量",
    )


def test_kiro_02_prose_check_is_soft_and_not_counted_as_failed(tmp_path):
    out = _convert(tmp_path)
    checks = [c for c in rows(out / "checks.csv") if c["check"] == "text.requests" and c["ok"] == "false"]
    assert checks and {c["severity"] for c in checks} == {"soft"}
    reports = {r["source_path"].rsplit("/", 1)[-1]: r for r in rows(out / "reports.csv")}
    assert int(reports["kiro_02.pdf"]["checks_soft_failed"]) >= 1
    hard = [c for c in rows(out / "checks.csv") if c["report_id"] == reports["kiro_02.pdf"]["report_id"]
            and c["ok"] == "false" and c["severity"] == "hard"]  # fmt: skip
    assert int(reports["kiro_02.pdf"]["checks_failed"]) == len(hard)


def test_types_read_back_the_same_from_csv_and_sqlite(tmp_path):
    out = _convert(tmp_path)
    reports = read_table(out, "reports")
    assert reports["adcode"].dtype == "string" and set(reports["adcode"]) >= {"320813"}
    checks = read_table(out, "checks")
    assert checks["ok"].dtype == "boolean"
    db = sqlite3.connect(out / "reports.db")
    from_db = pd.read_sql("SELECT adcode FROM reports ORDER BY source_path", db)
    assert list(from_db["adcode"]) == list(reports.sort_values("source_path")["adcode"])
    n_false = db.execute("SELECT count(*) FROM checks WHERE ok = 0").fetchone()[0]
    assert n_false == int((checks["ok"] == False).sum())  # noqa: E712


def _run(args):
    return CliRunner().invoke(main, args)


def test_bad_output_paths_are_one_line_errors_before_any_work(tmp_path):
    pdf = str(CORPUS / "kiro_01.pdf")
    cases = [
        (["convert", pdf, "-o", "/proc/nope", "-q"], "/proc/nope"),
        (["convert", pdf, "-o", str(tmp_path / "o"), "--xlsx", "/nonexist/x.xlsx", "-q"], "/nonexist"),
        (["show", pdf, "--xlsx", "/nonexist/a.xlsx"], "/nonexist"),
        (["audit", pdf, "-o", "/nonexist/a.html"], "/nonexist"),
    ]
    for args, named in cases:
        res = _run(args)
        assert res.exit_code == 1, (args, res.output)
        assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit), res.exception
        assert named in res.output and "Traceback" not in res.output
        assert "总计" not in res.output  # show stopped before printing the report
    assert not (tmp_path / "o" / "reports.csv").exists()


def test_from_list_alone_and_strict(tmp_path):
    listing = tmp_path / "list.txt"
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 truncated")
    listing.write_text(f"{CORPUS / 'kiro_03.md'}\n{broken}\n", encoding="utf-8")
    out = tmp_path / "out"
    res = _run(["convert", "--from-list", str(listing), "-o", str(out), "--jobs", "1", "-q"])
    assert res.exit_code == 0, res.output
    assert len(rows(out / "reports.csv")) == 1 and len(rows(out / "errors.csv")) == 1
    res = _run(["convert", "--from-list", str(listing), "-o", str(out), "--jobs", "1", "-q", "--strict"])
    assert res.exit_code == 1 and "errors.csv" in res.output
    assert _run(["convert", "-o", str(out)]).exit_code == 2


# --- what is a report: data files and a folder's documentation are skipped with a reason ---

CORPUS_README = (
    "# Real report corpus (collected from public GitHub repositories)\n\n"
    "`SOURCES.csv` lists where each file came from.\n\n"
    "| file | agency / year |\n|---|---|\n| kiro_01.pdf | 淮安市洪泽区人民政府 2023 |\n\n"
    "A blank template titled 政府信息公开工作年度报告格式模板 is not a real report.\n"
)


def _errors_by_name(out):
    return {r["source_path"].rsplit("/", 1)[-1]: r for r in rows(out / "errors.csv")}


def test_corpus_folder_gives_one_report_per_report_file(tmp_path):
    """The corpus folder as shipped (reports, SOURCES.csv, README.md, another CSV): exactly
    its 15 reports; the rest are `skipped` rows naming why, not free-form reports."""
    import shutil

    folder = tmp_path / "real"
    shutil.copytree(CORPUS, folder)
    (folder / "README.md").write_text(CORPUS_README, encoding="utf-8")
    (folder / "REFERENCED_NOT_COPIED.csv").write_text("file,reason\nx.pdf,fake\n", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["convert", str(folder), "-o", str(out), "--jobs", "1"])
    assert res.exit_code == 0 and res.exception is None, res.output
    reports = rows(out / "reports.csv")
    reports_found = {p.name for p in CORPUS.iterdir() if p.suffix != ".csv"}
    assert len(reports) == len(reports_found) == 15
    assert {r["source_path"].rsplit("/", 1)[-1] for r in reports} == reports_found
    errors = _errors_by_name(out)
    assert set(errors) == {"README.md", "SOURCES.csv", "REFERENCED_NOT_COPIED.csv"}
    assert {r["error"] for r in errors.values()} == {"skipped"}
    assert "documentation" in errors["README.md"]["message"] and "CSV" in errors["SOURCES.csv"]["message"]
    assert "skipped as not reports 3" in res.output and "failed 0" in res.output
    # skipped rows are no failures: --strict passes (the second run converts nothing again)
    res = CliRunner().invoke(main, ["convert", str(folder), "-o", str(out), "--jobs", "1", "-q", "--strict"])
    assert res.exit_code == 0, res.output


REPORT_TEXT = (CORPUS / "kiro_03.md").read_text(encoding="utf-8")
# (file name, content, in a folder or named explicitly, expected: None = converted, else a word of the reason)
INPUT_CASES = [
    ("README.md", CORPUS_README, "documentation"),  # describes reports, is none
    (
        "readme.txt",
        "本文件夹收录各单位政府信息公开工作年度报告。\n" + "说明\n" * 5,
        None,
    ),  # names the report at the top
    ("README.md", REPORT_TEXT, None),  # a report saved under a documentation name still converts
    # this project's own README names the report in an English sentence: no title (newcomer's trial)
    ("README.md", (CORPUS.parent / "README.md").read_text(encoding="utf-8"), "documentation"),
    ("readme.md", "# gov-reports\n\nA crawl of 政府信息公开工作年度报告 PDFs, by year.\n", "documentation"),
    ("README", "# 某县人民政府2023年政府信息公开工作年度报告\n\n" + REPORT_TEXT, None),
    ("SOURCES.csv", "file,url\nkiro_01.pdf,https://example.org\n", "CSV"),
    ("index.json", '{"reports": ["政府信息公开工作年度报告"]}', "JSON"),
    ("list.xlsx", "PK\x03\x04", "spreadsheet"),
    ("scan.png", "\x89PNG", "image"),
    ("notes.xyz", REPORT_TEXT, "no reader"),  # in a folder: an unknown ending is not read
    ("a1b2c3d4", REPORT_TEXT, None),  # crawls name files by hash
    ("page.aspx", f"<html><body><pre>{REPORT_TEXT}</pre></body></html>", None),
    ("LICENSE", "MIT License\nPermission is hereby granted", "documentation"),
]


def test_input_rules_by_name_and_content(tmp_path):
    """Each case alone in a folder, and each named explicitly: converted, or skipped with
    the reason; an explicit name is read whatever its unknown ending (not .xyz's rule)."""
    for i, (name, content, why) in enumerate(INPUT_CASES):
        folder = tmp_path / f"case{i}"
        folder.mkdir()
        (folder / name).write_text(content, encoding="utf-8")
        for explicit in (False, True):
            out = tmp_path / f"out{i}{explicit}"
            target = folder / name if explicit else folder
            res = CliRunner().invoke(main, ["convert", str(target), "-o", str(out), "--jobs", "1", "-q"])
            assert res.exit_code == 0 and res.exception is None, (name, res.output)
            expect = None if (explicit and why == "no reader") else why
            reports, errors = rows(out / "reports.csv"), _errors_by_name(out)
            if expect is None:
                assert len(reports) == 1 and not errors, (name, explicit, errors)
                assert reports[0]["status"] != "not_a_report", (name, explicit)
            else:
                assert not reports and errors[name]["error"] == "skipped", (name, explicit)
                assert expect in errors[name]["message"], (name, errors[name]["message"])


# --- an output folder is one growing dataset: every output agrees with the journal ---


def _dataset(out):
    """report ids per output of OUT: the CSVs, reports.jsonl, reports.db and the panel."""
    db = sqlite3.connect(out / "reports.db")
    jsonl = [json.loads(line)["report_id"] for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    return {
        "reports.csv": sorted(r["report_id"] for r in rows(out / "reports.csv")),
        "cells.csv": sorted({r["report_id"] for r in rows(out / "cells.csv")}),
        "checks.csv": sorted({r["report_id"] for r in rows(out / "checks.csv")}),
        "reports.jsonl": sorted(jsonl),
        "reports.db": sorted(r for (r,) in db.execute("SELECT report_id FROM reports")),
        "reports.db cells": sorted(r for (r,) in db.execute("SELECT DISTINCT report_id FROM cells")),
        "panel.csv": sorted(r["report_id"] for r in rows(out / "panel.csv")),
    }


def test_second_convert_into_a_folder_adds_to_its_dataset(tmp_path):
    out = tmp_path / "out"
    names = ["kiro_01.pdf", "pingtan_2021.txt", "shuyang_01.html"]
    for i, name in enumerate(names):
        res = CliRunner().invoke(main, ["convert", str(CORPUS / name), "-o", str(out), "--jobs", "1"])
        assert res.exit_code == 0, res.output
        assert "converted 1," in res.output  # the summary counts this run's documents only
        seen = _dataset(out)
        assert all(len(v) == i + 1 for v in seen.values()), seen
        assert len({tuple(v) for v in seen.values()}) == 1, seen  # every output holds the same reports
    # a file changed in place keeps one row: its new content replaces the old
    local = tmp_path / "report.txt"
    local.write_text((CORPUS / "pingtan_2022.txt").read_text(encoding="utf-8"), encoding="utf-8")
    CliRunner().invoke(main, ["convert", str(local), "-o", str(out), "--jobs", "1", "-q"])
    before = {r["source_path"]: r["report_id"] for r in rows(out / "reports.csv")}
    local.write_text((CORPUS / "pingtan_2024.txt").read_text(encoding="utf-8"), encoding="utf-8")
    CliRunner().invoke(main, ["convert", str(local), "-o", str(out), "--jobs", "1", "-q"])
    after = {r["source_path"]: r["report_id"] for r in rows(out / "reports.csv")}
    assert len(after) == 4 and after[str(local)] != before[str(local)]
    assert sorted(after.values()) == _dataset(out)["panel.csv"] == _dataset(out)["reports.db"]
    # an input refused once and readable now: its error row gives way to its report
    late = tmp_path / "late.md"
    CliRunner().invoke(main, ["convert", str(late), "-o", str(out), "--jobs", "1", "-q"])
    assert [r["source_path"] for r in rows(out / "errors.csv")] == [str(late)]
    late.write_text((CORPUS / "kiro_03.md").read_text(encoding="utf-8"), encoding="utf-8")
    CliRunner().invoke(main, ["convert", str(late), "-o", str(out), "--jobs", "1", "-q"])
    assert rows(out / "errors.csv") == [] and len(rows(out / "reports.csv")) == 5
    # --fresh starts the dataset over
    res = CliRunner().invoke(main, ["convert", str(late), "-o", str(out), "--jobs", "1", "-q", "--fresh"])
    assert all(len(v) == 1 for v in _dataset(out).values())


# --- Excel: a Chinese header row, panes that keep the report in view, ok a boolean ---


def test_batch_workbook_has_chinese_headers_frozen_ids_and_boolean_ok(tmp_path):
    import openpyxl

    from report_extract.outputs.xlsx import canonical_order

    out, book = tmp_path / "out", tmp_path / "all.xlsx"
    res = CliRunner().invoke(main, ["convert", str(CORPUS / "kiro_02.pdf"), str(CORPUS / "pingtan_2018.txt"),
                                    "-o", str(out), "--xlsx", str(book), "--jobs", "1", "-q"])  # fmt: skip
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(book)
    labels = {r["key"]: r for r in reversed(codebook())}  # the first (2021) row of a key wins
    for table in canonical_order():
        ws = wb[table]
        assert ws.freeze_panes == "C3"  # label and key rows; report_id and agency columns
        assert [ws.cell(2, j).value for j in (1, 2)] == ["report_id", "agency"]
        assert [ws.cell(1, j).value for j in (1, 2)] == ["报告编号", "机关"]
        for j in range(1, ws.max_column + 1):
            key = ws.cell(2, j).value
            if key in labels:
                assert ws.cell(1, j).value == f"{labels[key]['row_label']} / {labels[key]['col_label']}", key
    ws = wb["requests"]
    col = [ws.cell(2, j).value for j in range(1, ws.max_column + 1)].index("requests.new_received.natural_person")
    assert ws.cell(1, col + 1).value == "一、本年新收政府信息公开申请数量 / 自然人"
    assert {ws.cell(r, col + 1).value for r in range(3, ws.max_row + 1)} >= {95}
    # ok: a boolean (empty where not assessable), in convert --xlsx and show --xlsx alike
    one = tmp_path / "one.xlsx"
    assert CliRunner().invoke(main, ["show", str(CORPUS / "kiro_02.pdf"), "--xlsx", str(one)]).exit_code == 0
    for path in (book, one):
        ws = openpyxl.load_workbook(path)["checks"]
        j = [c.value for c in ws[1]].index("ok")
        values = [row[j].value for row in ws.iter_rows(min_row=2)]
        assert set(values) <= {True, False, None} and False in values and True in values, (path, set(values))
    reports = openpyxl.load_workbook(book)["reports"]
    j = [c.value for c in reports[1]].index("adcode")
    assert reports.cell(2, j + 1).value == "320813"  # text, as in reports.db


# --- types read back the same from CSV (documented dtype), SQLite and Parquet; the API ---


def test_types_agree_across_csv_sqlite_and_parquet(tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["convert", str(CORPUS / "kiro_02.pdf"), str(CORPUS / "shgovjs_01.html"),
                                    str(CORPUS / "pingtan_2019.txt"), "-o", str(out), "--parquet", "--jobs", "1",
                                    "-q"])  # fmt: skip
    assert res.exit_code == 0, res.output
    db = sqlite3.connect(out / "reports.db")
    order = {
        "reports": ["source_path"],
        "checks": ["report_id", "check", "scope"],
        "cells": ["report_id", "table", "row", "col"],
    }
    for table, key in order.items():
        csv_typed = read_table(out, table).sort_values(key, ignore_index=True)
        parquet = pd.read_parquet(out / f"{table}.parquet").sort_values(key, ignore_index=True)
        sql = pd.read_sql(f"SELECT * FROM {table}", db).sort_values(key, ignore_index=True)
        assert len(csv_typed) == len(parquet) == len(sql) > 0
        if table == "reports":
            plain = pd.read_csv(out / "reports.csv", dtype={"adcode": str}).sort_values(key, ignore_index=True)
            for adcodes in (plain["adcode"], csv_typed["adcode"], parquet["adcode"], sql["adcode"]):
                assert list(adcodes.fillna("")) == list(csv_typed["adcode"].fillna("")) and "310000" in list(adcodes)
        if table == "checks":  # booleans: true/false in CSV, bool in Parquet, 1/0 in SQLite (documented)
            assert csv_typed["ok"].dtype == "boolean"
            assert set(sql["ok"].dropna()) == {0, 1}
            expect = [None if pd.isna(v) else bool(v) for v in csv_typed["ok"]]
            assert [None if pd.isna(v) else bool(v) for v in parquet["ok"]] == expect
            assert [None if pd.isna(v) else bool(v) for v in sql["ok"]] == expect
            assert None in expect and False in expect
        if table == "cells":  # numbers: equal everywhere; SQLite keeps integers integers
            values = [None if pd.isna(v) else float(v) for v in csv_typed["value"]]
            assert [None if pd.isna(v) else float(v) for v in parquet["value"]] == values
            assert [None if pd.isna(v) else float(v) for v in sql["value"]] == values
            assert parquet["value"].dtype == "float64" and csv_typed["value"].dtype == "Float64"
            kinds = dict(db.execute("SELECT typeof(value), count(*) FROM cells GROUP BY 1").fetchall())
            assert kinds["integer"] > 0 and "text" not in kinds
            whole = db.execute("SELECT count(*) FROM cells WHERE typeof(value) = 'real' "
                               "AND value = CAST(value AS INTEGER)").fetchone()[0]  # fmt: skip
            assert whole == 0  # 21 is stored as 21, not 21.0
            counts = csv_typed[csv_typed["table"] == "requests"]["value"].dropna()
            assert list(counts.astype("Int64")) == [int(v) for v in counts]  # counts are exact: back to Int64


def test_api_frames_are_numeric_and_typos_are_errors(tmp_path):
    import pytest

    from report_extract import ReaderError, extract

    r = extract(CORPUS / "kiro_02.pdf")
    wide = r.frame("requests")
    assert set(map(str, wide.dtypes)) == {"Int64"}
    assert wide.sum(numeric_only=True)["natural_person"] == sum(
        c.value for c in r.cells if c.table == "requests" and c.col == "natural_person" and c.value is not None
    )
    long = r.frame()
    assert str(long["value"].dtype) == "Int64" and len(long) == len(r.cells)
    assert long.sum(numeric_only=True)["value"] == sum(c.value or 0 for c in r.cells)
    money = extract(CORPUS / "shgovjs_01.html").frame("proactive")  # 251000元 and counts: still numeric
    assert all(str(t) in ("Int64", "Float64") for t in money.dtypes)
    legacy = extract(CORPUS / "pingtan_2018.txt").frame("legacy")
    assert legacy.at["proactive_total", "cumulative"] == 12106
    with pytest.raises(ValueError, match=r"'table3'.*proactive, requests, review_litigation"):
        r.frame("table3")
    assert r.frame("legacy").empty  # a known table this report lacks: empty, no error
    with pytest.raises(TypeError, match="engin"):
        extract(CORPUS / "kiro_02.pdf", engin="fast")
    missing = tmp_path / "nope.pdf"
    with pytest.raises(ReaderError, match=r"nope\.pdf: cannot open file"):
        extract(missing)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 truncated")
    with pytest.raises(ReaderError, match=r"broken\.pdf: corrupt PDF") as caught:
        extract(broken)
    # errors.csv and the commands name the file once: beside the cause, not inside it
    CliRunner().invoke(main, ["convert", str(broken), "-o", str(tmp_path / "o"), "-q", "--jobs", "1"])
    assert rows(tmp_path / "o" / "errors.csv")[0]["message"] == caught.value.cause
    res = CliRunner().invoke(main, ["show", str(broken)])
    assert res.exit_code == 1 and res.output.count("broken.pdf") == 1 and "Traceback" not in res.output


# --- a missing or broken extra: one line naming it, before any work ---


def test_missing_or_broken_extra_is_one_line_before_any_work(tmp_path, monkeypatch):
    import importlib
    import sys

    real_import = importlib.import_module
    cases = [("--parquet", [], "pyarrow", "parquet"), ("--executor", ["dask"], "distributed", "cluster")]
    for option, value, module, extra in cases:
        for how in ("missing", "broken"):
            out = tmp_path / f"{extra}-{how}"
            with monkeypatch.context() as m:
                if how == "missing":
                    m.setitem(sys.modules, module, None)  # import fails as if not installed
                else:

                    def failing(name, *args, _module=module):
                        if name == _module:
                            raise ImportError(f"lib{_module}.so: cannot open shared object file")
                        return real_import(name, *args)

                    m.setattr(importlib, "import_module", failing)
                res = CliRunner().invoke(main, ["convert", str(CORPUS / "kiro_03.md"), "-o", str(out), option,
                                                *value, "-q", "--jobs", "1"])  # fmt: skip
            assert res.exit_code == 1 and not isinstance(res.exception, ImportError), (option, how, res.output)
            lines = res.output.strip().splitlines()
            assert len(lines) == 1 and "Traceback" not in res.output, res.output
            assert f"pip install 'report-extract[{extra}]'" in lines[0] and module in lines[0]
            assert ("not installed" if how == "missing" else "cannot open shared object") in lines[0]
            assert not out.exists()  # nothing converted, no folder made


def test_one_file_commands_apply_the_input_rules(tmp_path):
    """`extract`/`show` of a CSV or a README that merely names reports: not_a_report with
    the rule's reason, never a free-form (no_tables) report of the agency it mentions."""
    from report_extract import extract

    sources = tmp_path / "SOURCES.csv"
    sources.write_text("file,title\nshuyang_01.html,沭阳县发展和改革局2023年政府信息公开年度报告\n", encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(CORPUS_README, encoding="utf-8")
    for path, why in ((sources, "CSV"), (readme, "documentation")):
        r = extract(path)
        assert r.status == "not_a_report" and not r.facts and why in r.warnings[-1], (path, r.status, r.warnings)
        res = CliRunner().invoke(main, ["show", str(path)], env={"COLUMNS": "80"})
        assert res.exit_code == 0 and "not_a_report" in res.output
    named = tmp_path / "README.md"
    named.write_text(REPORT_TEXT, encoding="utf-8")  # a report saved as README.md stays one
    assert extract(named).status == "ok"


def test_value_tells_a_typo_from_a_cell_the_report_lacks() -> None:
    """Found by a new user: both were a bare KeyError."""
    from report_extract import extract

    r = extract(CORPUS / "kiro_04.md")  # its Markdown lost proactive.normative_doc.repealed
    with pytest.raises(KeyError, match=r"no such cell in the contract \(did you mean requests.new_received.total"):
        r.value("requests", "new_recieved", "total")
    with pytest.raises(KeyError, match="proactive.normative_doc.repealed: not found in this report"):
        r.value("proactive", "normative_doc", "repealed")
    assert r.value("requests", "new_received", "total") is not None


def test_a_file_refused_by_name_has_no_metadata_from_its_lines(tmp_path) -> None:
    """Found by a new user: `show SOURCES.csv` printed the agency and year of a report the
    CSV lists, beside status not_a_report."""
    from report_extract import extract

    r = extract(CORPUS / "SOURCES.csv")
    assert r.status == "not_a_report"
    assert (r.meta.get("agency"), r.meta.get("year"), r.meta.get("title")) == (None, None, None)
