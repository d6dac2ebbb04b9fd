"""The command line, through click's CliRunner, and the files' columns against the spec."""

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from report_extract.cli import main

CORPUS = Path(__file__).parents[1] / "corpus"
SPEC_COLUMNS = {  # ../shared/spec/README.md, "Files a conversion writes" (at least these)
    "reports.csv": "report_id, source_path, format, status, agency, year, template, province, city, county, adcode, pages, checks_failed",
    "cells.csv": "report_id, table, row, col, value, raw, derived, page",
    "checks.csv": "report_id, check, scope, left, right, ok",
    "sections.csv": "report_id, number, key, title, text",
    "errors.csv": "source_path, error, message",
}  # fmt: skip


def test_convert_writes_the_contract_files(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "convert",
            str(CORPUS / "000_a01111d04fa25f8f.txt"),
            str(CORPUS / "pingtan_2020.txt"),
            str(bad),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    for name, cols in SPEC_COLUMNS.items():
        with open(out / name, encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
        assert set(cols.split(", ")) <= set(header), name
    reports = list(csv.DictReader(open(out / "reports.csv", encoding="utf-8")))
    assert {r["agency"] for r in reports} == {"牧野区科技和工业信息化局", "平潭综合实验区"}
    errors = list(csv.DictReader(open(out / "errors.csv", encoding="utf-8")))
    assert [e["source_path"] for e in errors] == [str(bad)] and errors[0]["message"]
    cells = list(csv.DictReader(open(out / "cells.csv", encoding="utf-8")))
    pt = next(r["report_id"] for r in reports if r["agency"] == "平潭综合实验区")
    delta = next(c for c in cells if c["report_id"] == pt and c["row"] == "admin_fee" and c["col"] == "items_delta")
    assert delta["value"] == "-15"
    lines = (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["tables"]


def test_convert_walks_folders(tmp_path):
    result = CliRunner().invoke(main, ["convert", str(CORPUS), "-o", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    stems = {Path(r["source_path"]).stem for r in csv.DictReader(open(tmp_path / "reports.csv", encoding="utf-8"))}
    assert "kiro_01" in stems and "SOURCES" not in stems  # .csv files are not reports


def test_extract_prints_the_spec_object():
    result = CliRunner().invoke(main, ["extract", str(CORPUS / "000_a01111d04fa25f8f.txt")])
    assert result.exit_code == 0
    obj = json.loads(result.output)
    assert obj["meta"]["region"]["adcode"] == "410711"
    assert obj["tables"]["requests"]["new_received"]["total"] == 0
    assert {"report_id", "source", "meta", "sections", "tables", "checks", "warnings"} <= set(obj)


def test_every_command_help_has_an_example():
    runner = CliRunner()
    for name in main.commands:
        out = runner.invoke(main, [name, "--help"]).output
        assert "Example" in out, name


def test_a_bad_setting_in_the_environment_is_one_line(tmp_path) -> None:
    """REPORT_EXTRACT_MAX_PAGES=abc: `settings` and `show` said so in a line, `convert`
    printed a traceback (newcomer's trial)."""
    from click.testing import CliRunner

    from report_extract.cli import main

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    result = CliRunner().invoke(
        main, ["convert", str(corpus / "pingtan_2018.txt"), "-o", str(tmp_path / "o")],
        env={"REPORT_EXTRACT_MAX_PAGES": "abc"},
    )  # fmt: skip
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # click's error, no traceback
    assert "REPORT_EXTRACT_MAX_PAGES='abc'" in result.output


# What launch.main starts, and what the process had imported by then: the forkserver is
# started before the command line (click, the writers) is imported, and only for convert
# with local workers.
LAUNCH_PROBE = """
import json, sys
from report_extract.batch import server
calls = []
server.start_forkserver = lambda: calls.append(sorted(m for m in ("click", "report_extract.cli") if m in sys.modules))
sys.argv = ["report-extract", *json.loads(sys.argv[1])]
from report_extract.launch import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(calls))
"""


def launched(args: list[str]) -> list:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", LAUNCH_PROBE, json.dumps(args)], capture_output=True, text=True,
                         check=True)  # fmt: skip
    return json.loads(out.stdout.splitlines()[-1])


def test_convert_starts_the_workers_server_before_the_command_line_loads():
    assert launched(["convert", "--help"]) == [[]]  # nothing of the command line imported yet
    assert launched(["convert", "--executor", "dask", "--help"]) == []
    assert launched(["convert", "--executor=dask", "--help"]) == []
    assert launched(["extract", "--help"]) == []


def test_an_interrupted_fresh_run_says_to_go_on_without_fresh(tmp_path, monkeypatch):
    """Newcomer's trial: after Ctrl-C, "run the same command again" with --fresh converted
    everything again."""
    from report_extract.batch import convert as convert_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(convert_module, "convert_paths", interrupted)
    base = ["convert", str(CORPUS / "pingtan_2020.txt"), "-o", str(tmp_path / "out")]
    for extra, advice in (([], "run the same command again to"), (["--fresh"], "again without --fresh to")):
        result = CliRunner().invoke(main, [*base, *extra])
        assert result.exit_code == 130 and advice in result.output, result.output


def test_timeout_0_is_no_limit_and_a_limit_below_its_minimum_is_refused(tmp_path):
    """--timeout 0 was refused (x>=1) although timeout_s documents 0 as no limit; a
    --set max_pages=0 was accepted, then every PDF failed as if its own fault
    (newcomer's trial)."""
    seed = str(CORPUS / "000_a01111d04fa25f8f.txt")
    res = CliRunner().invoke(main, ["convert", seed, "-o", str(tmp_path / "o"), "--timeout", "0", "-q"])
    assert res.exit_code == 0, res.output
    assert CliRunner().invoke(main, ["extract", seed, "--timeout", "0"]).exit_code == 0
    res = CliRunner().invoke(main, ["convert", seed, "-o", str(tmp_path / "p"), "--set", "max_pages=0"])
    assert res.exit_code == 2 and "setting max_pages must be at least 1, not 0" in res.output
