"""Issue 17: the contract and codebook in the box, severities, and types that read back the same."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
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
