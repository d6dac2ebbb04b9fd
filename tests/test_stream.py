"""Outputs written during the run (outputs/folder.Stream, convert with a CPU to spare):
the same files, byte for byte, as writing them from the journal at the end, whatever the
order the inputs finish in; and the end-of-run write whenever the stream cannot be sure."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest
from batch_corpus import PDF, TEXT, broken_files, write_copy
from conftest import rows
from test_batch import assert_same_outputs

from report_extract.batch import convert as convert_module
from report_extract.batch.convert import Options, convert_paths
from report_extract.batch.inputs import expand
from report_extract.outputs import folder
from report_extract.outputs.folder import Stream
from report_extract.outputs.journal import NAME as JOURNAL
from report_extract.outputs.journal import Journal, journalled, record_line
from report_extract.outputs.panel import write_panel
from report_extract.outputs.records import error_row
from report_extract.settings import Settings

# Names whose sorted order as text differs from the order the inputs are listed in (by
# path parts: "a/x" before "a-b"), names that are not UTF-8, and names of refused inputs
# (a picture, a folder's documentation) that are journalled before any document finishes.
NAMES = ["a/x{i}.txt", "a-b{i}.txt", "a b{i}.md", "Z{i}.txt", "中文{i}.txt", "b\udcb1{i}.txt", "é/{i}.md"]
REFUSED = ["logo{i}.jpg", "a/pic{i}.png"]
PANEL_FILES = ["panel.csv", "panel_checks.csv", "panel_reports.csv", "panel.dta", "panel_stata_names.csv"]


def make_inputs(root: Path, seed: int) -> Path:
    """A crawl made from seed: text reports under the NAMES, some of them twice (a
    duplicate), refused files, an empty file, broken files, and a PDF."""
    rng = random.Random(seed)
    crawl = root / "crawl"
    made: list[Path] = []
    for i in range(rng.randint(4, 9)):
        name = rng.choice(NAMES).format(i=i)
        dest = crawl / name
        if made and rng.random() < 0.2:  # same content as an earlier input
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(rng.choice(made), dest)
        else:
            write_copy(rng.choice(TEXT), dest, seed * 100 + i)
        made.append(dest)
    for i in range(rng.randint(0, 3)):
        dest = crawl / rng.choice(REFUSED).format(i=i)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(b"\x89PNG not a report")
    if rng.random() < 0.5:
        broken_files(crawl / rng.choice(["broken", "0", "zz"]))
    write_copy(PDF[seed % len(PDF)], crawl / "p" / f"{seed}.pdf", seed)
    return crawl


@pytest.fixture
def spare_cpus(monkeypatch):
    """Convert sees 8 CPUs: --jobs 1 streams whatever machine runs the test."""
    monkeypatch.setattr(convert_module, "available_cpus", lambda: 8)


@pytest.fixture
def streamed(monkeypatch) -> list[bool]:
    """What each Stream.finish returned (True: the files were written by the stream)."""
    results: list[bool] = []
    finish = Stream.finish

    def spy(self, journal):
        results.append(finish(self, journal))
        return results[-1]

    monkeypatch.setattr(Stream, "finish", spy)
    return results


def journal_lines(out: Path) -> list[bytes]:
    return sorted((out / JOURNAL).read_bytes().splitlines())


def search_words(out: Path) -> list:
    lines = [json.loads(line) for line in journal_lines(out)]
    return sorted((rec["path"], rec.get("words")) for rec in lines)


def run(crawl: Path, out: Path, **settings) -> str:
    inputs = expand([str(crawl)])
    opts = Options(jobs=1, parquet=True, settings=Settings(**settings))
    summary = convert_paths(inputs.paths, out, opts, inputs.refused)
    return summary.line().rsplit(";", 1)[0]  # without the seconds


@pytest.mark.parametrize("seed", range(4))
def test_streamed_outputs_equal_those_written_at_the_end(tmp_path, seed, spare_cpus, streamed):
    crawl = make_inputs(tmp_path, seed)
    line = run(crawl, tmp_path / "streamed")
    assert streamed == [True]
    assert run(crawl, tmp_path / "at_end", stream_pending_mb=0) == line
    assert streamed == [True]  # the second run made no stream
    assert_same_outputs(tmp_path / "streamed", tmp_path / "at_end")
    # the streamed run's parent segmented the search words, the other's worker: one journal
    assert journal_lines(tmp_path / "streamed") == journal_lines(tmp_path / "at_end")
    for out in ("streamed", "at_end"):  # the panel made from the written records, as from the journal
        made = {name: (tmp_path / out / name).read_bytes() for name in PANEL_FILES}
        write_panel(tmp_path / out, parquet=False)
        assert {name: (tmp_path / out / name).read_bytes() for name in PANEL_FILES} == made
    assert len(rows(tmp_path / "streamed" / "panel_reports.csv")) > 1
    pq = pytest.importorskip("pyarrow.parquet")
    for table in ("reports", "cells", "errors"):
        assert pq.read_table(tmp_path / "streamed" / f"{table}.parquet").equals(
            pq.read_table(tmp_path / "at_end" / f"{table}.parquet")
        )


def test_the_writer_segments_under_the_batchs_settings(tmp_path, spare_cpus, streamed):
    """--set fts_compound_words=2: the parent segments as the worker would have, not by the
    environment's settings (runs of three words are left out either way)."""
    crawl = make_inputs(tmp_path, 5)
    run(crawl, tmp_path / "streamed", fts_compound_words=2)
    run(crawl, tmp_path / "at_end", fts_compound_words=2, stream_pending_mb=0)
    assert streamed == [True]
    assert search_words(tmp_path / "streamed") == search_words(tmp_path / "at_end")
    run(crawl, tmp_path / "default", stream_pending_mb=0)
    assert search_words(tmp_path / "streamed") != search_words(tmp_path / "default")  # the setting counts here


def test_no_stream_into_a_folder_that_holds_an_earlier_run(tmp_path, spare_cpus, streamed):
    crawl = make_inputs(tmp_path, 7)
    run(crawl, tmp_path / "out")
    write_copy(TEXT[0], crawl / "new.txt", 99)
    run(crawl, tmp_path / "out")
    assert streamed == [True]  # only the first run streamed: the second adds to a dataset


def test_a_sink_that_fails_during_the_run_leaves_the_end_of_run_write(tmp_path, spare_cpus, streamed, monkeypatch):
    crawl = make_inputs(tmp_path, 3)
    run(crawl, tmp_path / "expected", stream_pending_mb=0)
    add = folder.CsvSink.add
    calls = []

    def flaky(self, rec):  # fails once, in the stream: the full write then succeeds
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        add(self, rec)

    monkeypatch.setattr(folder.CsvSink, "add", flaky)
    run(crawl, tmp_path / "out")
    assert streamed == [False]
    assert_same_outputs(tmp_path / "expected", tmp_path / "out")
    assert not list((tmp_path / "out").glob(".*.tmp"))


# ---- the stream alone -----------------------------------------------------------------


def line_of(path: str, message: str = "x") -> str:
    return record_line(f"sha-{path}-{message}", path, "fp", error=error_row(path, "unreadable", message))


def journal_and_stream(out: Path, expected: list[str], pending_bytes: int = 1 << 20) -> tuple[Journal, Stream]:
    journal = Journal.open(out)
    return journal, Stream(out, ["csv"], [journalled(p) for p in expected], pending_bytes)


def append(journal: Journal, stream: Stream | None, path: str, message: str = "x") -> None:
    line = line_of(path, message)
    offset = journal.append((path, message), line)
    if stream is not None:
        stream.offer(offset, line)


def error_paths(out: Path) -> list[str]:
    return [r["source_path"] for r in rows(out / "errors.csv")]


@pytest.mark.parametrize("seed", range(6))
def test_lines_in_any_order_are_written_sorted(tmp_path, seed):
    paths = [f"/c/{name}" for name in ("b", "a", "a-b", "a/b", "z", "中", "0")]
    random.Random(seed).shuffle(paths)
    journal, stream = journal_and_stream(tmp_path, paths)
    for p in paths:
        append(journal, stream, p)
    assert stream.finish(journal.path)
    assert error_paths(tmp_path) == sorted(paths)


def test_too_many_lines_waiting_ends_the_stream(tmp_path):
    paths = ["/c/a", "/c/b", "/c/c", "/c/d"]
    journal, stream = journal_and_stream(tmp_path, paths, pending_bytes=2 * len(line_of("/c/b")) - 1)
    for p in reversed(paths):  # /c/d, /c/c wait for /c/a: more than the limit
        append(journal, stream, p)
    assert not stream.finish(journal.path)
    assert not list(tmp_path.glob(".*.tmp")) and not (tmp_path / "errors.csv").exists()


def test_a_line_the_plan_did_not_foresee_ends_the_stream(tmp_path):
    journal, stream = journal_and_stream(tmp_path, ["/c/a", "/c/b"])
    append(journal, stream, "/c/a")
    append(journal, stream, "/c/elsewhere")
    append(journal, stream, "/c/b")
    assert not stream.finish(journal.path)
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_journal_that_differs_from_what_was_fed_ends_the_stream(tmp_path):
    journal, stream = journal_and_stream(tmp_path, ["/c/a", "/c/b"])
    append(journal, stream, "/c/a")
    append(journal, None, "/c/a", "converted again")  # the folder's dataset holds this one
    append(journal, stream, "/c/b")
    assert not stream.finish(journal.path)


def test_an_interrupted_run_writes_what_finished(tmp_path):
    """/c/b never finished; /c/c, journalled before the interruption, waits for it and is
    written from the journal at the end."""
    journal, stream = journal_and_stream(tmp_path, ["/c/a", "/c/b", "/c/c"])
    append(journal, stream, "/c/a")
    append(journal, stream, "/c/c")
    assert stream.finish(journal.path)
    assert error_paths(tmp_path) == ["/c/a", "/c/c"]


def test_ctrl_c_while_a_line_is_fed_ends_the_stream_and_stops(tmp_path, monkeypatch):
    journal, stream = journal_and_stream(tmp_path, ["/c/a"])

    def interrupted(self, rec):
        raise KeyboardInterrupt

    monkeypatch.setattr(folder.CsvSink, "add", interrupted)
    with pytest.raises(KeyboardInterrupt):
        append(journal, stream, "/c/a")
    assert not stream.finish(journal.path)
    assert not list(tmp_path.glob(".*.tmp"))


def test_no_stream_without_a_spare_cpu(tmp_path, monkeypatch, streamed):
    monkeypatch.setattr(convert_module, "available_cpus", lambda: 1)
    run(make_inputs(tmp_path, 1), tmp_path / "out")
    assert streamed == []
    assert os.path.exists(tmp_path / "out" / "reports.csv")


def test_a_second_line_of_one_input_ends_the_stream(tmp_path):
    """The journal's dataset keeps the last line of a path; the stream fed the first."""
    journal, stream = journal_and_stream(tmp_path, ["/c/a", "/c/b"])
    append(journal, stream, "/c/a")
    append(journal, stream, "/c/b")
    append(journal, stream, "/c/a", "again")
    assert not stream.finish(journal.path)
    assert not list(tmp_path.glob(".*.tmp"))
