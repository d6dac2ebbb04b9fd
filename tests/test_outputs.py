"""Writing the outputs from the journal over several processes (outputs/folder.py): the same
files as one process, and all of them or none when any output fails."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import CORPUS

from report_extract.outputs.folder import OutputError, write_outputs
from report_extract.outputs.journal import Journal, record_line
from report_extract.pipeline.stages import extract
from report_extract.settings import Settings, use

FILES = ["reports.csv", "cells.csv", "checks.csv", "sections.csv", "errors.csv", "facts.csv", "reports.jsonl",
         "reports.db"]  # fmt: skip


def journal_of(folder: Path, objs: list[dict]) -> tuple[Path, list[int]]:
    """A journal holding `objs` (report JSON objects); returns its path and their offsets."""
    journal = Journal.open(folder)
    keys = []
    for i, obj in enumerate(objs):
        keys.append((f"sha{i}", "fp"))
        journal.append(keys[-1], json.dumps({"sha256": f"sha{i}", "path": obj["source"]["path"], "fp": "fp",
                                             "result": obj}, ensure_ascii=False))  # fmt: skip
    journal.close()
    return journal.path, journal.locate(keys)


@pytest.fixture(scope="module")
def reports() -> list[dict]:
    return [extract(CORPUS / name).to_dict() for name in ("pingtan_2021.txt", "kiro_03.md")]


@pytest.mark.parametrize("processes", [2, 3])
def test_side_by_side_writes_the_same_files_as_one_process(reports, tmp_path, processes):
    journal, offsets = journal_of(tmp_path, reports)
    one, many = tmp_path / "one", tmp_path / "many"
    for out, n in ((one, 1), (many, processes)):
        out.mkdir()
        write_outputs(out, ["csv", "sqlite", "parquet"], journal, offsets, processes=n)
    for name in FILES[:-1]:
        assert (one / name).read_bytes() == (many / name).read_bytes(), name
    dump = [list(sqlite3.connect(out / "reports.db").iterdump()) for out in (one, many)]
    assert dump[0] == dump[1]
    values = (
        sqlite3.connect(many / "reports.db")
        .execute("SELECT value FROM cells WHERE [table]='requests' AND row='new_received' AND col='total'")
        .fetchall()
    )
    assert values == [(70,), (34,)]  # pingtan_2021 and kiro_03 as printed (labels)


def test_outputs_in_other_processes_follow_the_settings_in_force(reports, tmp_path):
    """--set parquet_row_group=1 with --jobs 3: Parquet is written by a third process,
    which has the parent's settings, not only the environment's."""
    pq = pytest.importorskip("pyarrow.parquet")
    journal, offsets = journal_of(tmp_path, reports)
    out = tmp_path / "out"
    out.mkdir()
    with use(Settings(parquet_row_group=1)):
        write_outputs(out, ["csv", "sqlite", "parquet"], journal, offsets, processes=3)
    # a group as soon as a report's rows reach one row: one group per report (the default: one in all)
    assert pq.ParquetFile(out / "cells.parquet").metadata.num_row_groups == len(reports)


def test_a_failing_output_in_another_process_changes_no_file(reports, tmp_path):
    """A record SQLite cannot store (a value that is not a number) fails the database in
    its own process: the CSV files finished beside it are discarded too."""
    good, _ = journal_of(tmp_path / "good", reports)
    out = tmp_path / "out"
    out.mkdir()
    write_outputs(out, ["csv", "sqlite"], good, Journal.open(tmp_path / "good").locate([("sha0", "fp")]))
    before = {name: (out / name).read_bytes() for name in FILES}
    bad = json.loads(json.dumps(reports[1]))
    bad["cells"][0]["value"] = {"not": "a number"}
    journal, offsets = journal_of(tmp_path / "bad", [reports[0], bad])
    with pytest.raises(OutputError, match="sqlite output: .*binding parameter"):
        write_outputs(out, ["csv", "sqlite"], journal, offsets, processes=2)
    assert {name: (out / name).read_bytes() for name in FILES} == before
    assert not list(out.glob(".*.tmp"))


def test_a_failure_in_this_process_discards_what_the_others_finished(reports, tmp_path):
    class Failing:
        def add(self, rec) -> None:
            raise RuntimeError("disk full")

        def finish(self) -> list:
            return []

        def abort(self) -> None:
            pass

    journal, offsets = journal_of(tmp_path, reports)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OutputError, match="^failing output: RuntimeError: disk full"):
        write_outputs(out, ["csv", "sqlite", "parquet"], journal, offsets, processes=3, extra=[Failing()])
    assert list(out.iterdir()) == []


def test_line_builder_and_journal_agree(tmp_path):
    """The journal lines the workers write (record_line) are what the writers read."""
    res = extract(CORPUS / "pingtan_2021.txt")
    journal = Journal.open(tmp_path)
    journal.append(("s", "fp"), record_line("s", "p", "fp", result=res))
    journal.close()
    out = tmp_path / "out"
    out.mkdir()
    write_outputs(out, ["csv"], journal.path, journal.locate([("s", "fp")]))
    assert json.loads((out / "reports.jsonl").read_text(encoding="utf-8")) == json.loads(
        json.dumps(res.to_dict(), ensure_ascii=False)
    )


def test_convert_names_an_unwritable_output_and_resumes_once_fixed(tmp_path):
    from click.testing import CliRunner

    from report_extract.cli import main

    out = tmp_path / "out"
    (out / "reports.db").mkdir(parents=True)  # the database's path is taken by a folder
    args = ["convert", str(CORPUS / "pingtan_2021.txt"), "-o", str(out), "-q", "--jobs", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    message = result.output.strip()
    assert "\n" not in message and "cannot replace" in message and "reports.db" in message
    assert not list(out.glob(".*.tmp"))
    (out / "reports.db").rmdir()
    result = CliRunner().invoke(main, args[:-3] + ["--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "resumed 1" in result.output
    assert sqlite3.connect(out / "reports.db").execute("SELECT agency FROM reports").fetchall() == [("平潭综合实验区",)]


def test_every_output_file_has_a_stem_whose_temporaries_are_cleaned(tmp_path):
    """A run killed while writing leaves .NAME.XXXX.tmp files, removed at the next run by
    their stem: an output added without its stem left them for ever (codebook.csv and
    metadata.json did, found by the SIGKILL test)."""
    from report_extract.batch.convert import Options, convert_paths
    from report_extract.outputs.folder import OUTPUT_STEMS

    out = tmp_path / "out"
    convert_paths([CORPUS / "kiro_01.pdf", CORPUS / "pingtan_2018.txt"], out, Options(jobs=1, parquet=True))
    written = {p.name.split(".")[0] for p in out.iterdir() if p.name != "journal.jsonl"}
    assert written and written <= OUTPUT_STEMS, written - OUTPUT_STEMS


def test_every_output_column_is_in_the_contract():
    """spec/columns.csv describes every column the writers write (newcomer's trial:
    agency_id was missing, so read_table left it to pandas' guess and the codebook
    did not describe it)."""
    from report_extract.contract.codebook import columns
    from report_extract.outputs.frames import dtypes
    from report_extract.outputs.records import TABLES

    described = {table: [c.column for c in cols] for table, cols in columns().items()}
    assert {t: [c for c in cols if c not in described.get(t, [])] for t, cols in TABLES.items()} == {
        t: [] for t in TABLES
    }
    assert dtypes("reports")["agency_id"] == "string"
