"""Batch conversion: a mixed crawl with broken files, worker isolation (timeout, memory,
crash), identical outputs for 1 and 2 workers and on Dask, and resume after SIGKILL."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_corpus import PDF, make_crawl
from click.testing import CliRunner
from conftest import CORPUS, rows

from report_extract.batch.convert import Options, convert_paths
from report_extract.batch.workers import Job, LocalPool, Task, convert_task
from report_extract.cli import main
from report_extract.outputs.journal import NAME as JOURNAL

CONTRACT = ["reports.csv", "cells.csv", "checks.csv", "sections.csv", "errors.csv", "facts.csv", "reports.jsonl"]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Path:
    """60 text/Markdown copies, 3 HTML, 1 PDF and 4 broken files in nested folders."""
    return make_crawl(tmp_path_factory.mktemp("crawl"), 60, pdfs=1, html=3)


def convert(*args: str) -> None:
    result = CliRunner().invoke(main, ["convert", *args, "-q"])
    assert result.exit_code == 0, result.output + repr(result.exception)


def db_dump(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def assert_same_outputs(a: Path, b: Path) -> None:
    for name in CONTRACT:
        left, right = (a / name).read_text(encoding="utf-8"), (b / name).read_text(encoding="utf-8")
        diff = [(x, y) for x, y in zip(left.splitlines(), right.splitlines()) if x != y][:1]
        assert left == right, f"{name}: {len(left.splitlines())} vs {len(right.splitlines())} lines; {diff}"
    if (a / "reports.db").exists() or (b / "reports.db").exists():
        assert db_dump(a / "reports.db") == db_dump(b / "reports.db")


@pytest.fixture(scope="module")
def one_worker(crawl, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("jobs1")
    convert(str(crawl), "-o", str(out), "--jobs", "1", "--parquet")
    return out


def test_mixed_batch_with_broken_files_converts(crawl, one_worker):
    reports = rows(one_worker / "reports.csv")
    assert len(reports) == 64
    assert {r["format"] for r in reports} == {"txt", "md", "html", "pdf"}
    assert [r["source_path"] for r in reports] == sorted(r["source_path"] for r in reports)
    errors = {Path(e["source_path"]).name: e for e in rows(one_worker / "errors.csv")}
    assert {"truncated.pdf", "empty.txt", "garbage.pdf", "not_a_docx.docx"} == set(errors)
    assert all(e["error"] == "unreadable" and e["message"] for e in errors.values())
    assert len((one_worker / "reports.jsonl").read_text(encoding="utf-8").splitlines()) == 64


def test_two_workers_give_identical_outputs(crawl, one_worker, tmp_path):
    convert(str(crawl), "-o", str(tmp_path), "--jobs", "2", "--parquet")
    assert_same_outputs(one_worker, tmp_path)
    pq = pytest.importorskip("pyarrow.parquet")
    for table in ("reports", "cells", "checks", "sections", "errors", "facts"):
        assert pq.read_table(tmp_path / f"{table}.parquet").equals(pq.read_table(one_worker / f"{table}.parquet"))
    assert pq.read_table(tmp_path / "cells.parquet").num_rows == len(rows(tmp_path / "cells.csv"))


def test_rerun_skips_finished_documents(crawl, tmp_path):
    convert(str(crawl / "site1"), "-o", str(tmp_path), "--jobs", "1")
    before = (tmp_path / JOURNAL).read_bytes()
    result = CliRunner().invoke(main, ["convert", str(crawl / "site1"), "-o", str(tmp_path), "--jobs", "1"])
    assert "resumed 6" in result.output
    assert (tmp_path / JOURNAL).read_bytes() == before  # nothing converted twice


def test_dask_local_cluster_gives_identical_outputs(crawl, one_worker, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:  # fmt: skip
        convert(str(crawl), "-o", str(tmp_path), "--executor", "dask", "--scheduler", cluster.scheduler_address)
    assert_same_outputs(one_worker, tmp_path)


# ---- isolation ------------------------------------------------------------------------


def misbehave(task: Task, job: Job):
    """A worker function for the pool tests: a document named for a failure fails so."""
    name = Path(task.path).name
    if name.startswith("hang"):
        time.sleep(600)
    if name.startswith("hungry"):
        hog = bytearray(2 << 30)  # 2 GiB, past the 512 MB limit
        return hog
    if name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGSEGV)
    return convert_task(task, job)


def test_pool_survives_hangs_memory_hogs_and_crashes(tmp_path):
    good = [tmp_path / f"good{i}.txt" for i in range(4)]
    for i, p in enumerate(good):
        p.write_bytes((Path(PDF[0]).parent / "000_a01111d04fa25f8f.txt").read_bytes() + f"\n{i}".encode())
    bad = [tmp_path / n for n in ("hang.txt", "hungry.txt", "crash.txt")]
    for p in bad:
        p.write_text("x", encoding="utf-8")
    tasks = [Task(str(p), f"sha{i}") for i, p in enumerate(good[:2] + bad + good[2:])]
    pool = LocalPool(2, Job(segment=False), timeout=3, memory_mb=512, work=misbehave)
    outcomes = {Path(o.task.path).name: o for o in pool.map(tasks)}
    assert len(outcomes) == 7
    assert all(outcomes[p.name].status == "ok" for p in good)
    errors = {name: json.loads(o.line)["error"] for name, o in outcomes.items() if o.status is None}
    assert errors["hang.txt"]["message"] == "timeout after 3 s"
    assert errors["hungry.txt"]["error"] == "memory" and "memory limit exceeded" in errors["hungry.txt"]["message"]
    # under a memory limit the crash names it (newcomer's trial: --memory-limit 400 read as a bare SIGSEGV)
    assert errors["crash.txt"] == {"source_path": str(tmp_path / "crash.txt"), "error": "crash",
                                   "message": "worker died (signal SIGSEGV); memory limit 512 MB"}  # fmt: skip


@pytest.mark.parametrize("seed", range(4))
def test_one_worker_sent_its_next_task_ahead_loses_none(tmp_path, seed):
    """One worker gets its next document while it converts one: a hang, a memory hog or a
    crash before, beside or after good documents (random orders) costs its own row only,
    the document sent ahead to the dying worker is converted by the next, and the worker
    is replaced after max_tasks with nothing sent ahead past it."""
    rng = random.Random(seed)
    seed_text = (Path(PDF[0]).parent / "000_a01111d04fa25f8f.txt").read_bytes()
    names = [f"good{i}.txt" for i in range(5)] + rng.sample(["hang.txt", "hungry.txt", "crash.txt"], 2)
    rng.shuffle(names)
    for i, name in enumerate(names):
        (tmp_path / name).write_bytes(seed_text + f"\n{i}".encode() if name.startswith("good") else b"x")
    tasks = [Task(str(tmp_path / n), f"sha{i}") for i, n in enumerate(names)]
    pool = LocalPool(1, Job(segment=False), timeout=3, memory_mb=512, max_tasks=2, work=misbehave)
    outcomes, ahead = {}, 0
    for o in pool.map(tasks):
        outcomes[Path(o.task.path).name] = o
        ahead += pool._workers[0].queued is not None
        assert pool._workers[0].done < 2 or pool._workers[0].queued is None  # none past max_tasks
    assert sorted(outcomes) == sorted(names)
    assert all(o.status == "ok" for n, o in outcomes.items() if n.startswith("good"))
    errors = {n: json.loads(o.line)["error"]["error"] for n, o in outcomes.items() if o.status is None}
    assert errors == {n: {"hang.txt": "timeout", "hungry.txt": "memory", "crash.txt": "crash"}[n]
                      for n in names if not n.startswith("good")}  # fmt: skip
    assert ahead  # some outcome arrived while the next document was already with the worker


# ---- resume after SIGKILL ----------------------------------------------------------------


def check_no_half_written_files(out: Path) -> None:
    for name in CONTRACT:
        if (out / name).exists() and name.endswith(".csv"):
            assert (out / name).read_text(encoding="utf-8").startswith(("report_id,", "source_path,")), name
    if (out / "reports.db").exists():
        assert sqlite3.connect(out / "reports.db").execute("SELECT count(*) FROM reports").fetchone()


def test_sigkill_at_random_points_then_resume_gives_identical_outputs(tmp_path):
    crawl = make_crawl(tmp_path / "crawl", 100)
    reference, out = tmp_path / "reference", tmp_path / "out"
    start = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "report_extract", "convert", str(crawl), "-o", str(reference), "-q", "--jobs", "2"],
        check=True,
        timeout=300,
    )
    whole = time.monotonic() - start  # the kills land at fractions of a whole run, however fast the machine
    # --checkpoint 0.01: outputs are rewritten every 0.6 s, so kills also land mid-write
    cmd = [sys.executable, "-m", "report_extract", "convert", str(crawl), "-o", str(out), "-q",
           "--jobs", "2", "--checkpoint", "0.01"]  # fmt: skip
    rng = random.Random(7)
    kills = 0
    for _ in range(5):
        proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rng.uniform(0.15, 0.45) * whole)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, at once
            proc.wait()
            kills += 1
        check_no_half_written_files(out)
    assert kills >= 3
    subprocess.run(cmd, check=True, timeout=300)
    assert_same_outputs(reference, out)
    assert not list(out.glob(".*.tmp"))


def test_torn_journal_line_is_ignored(crawl, one_worker, tmp_path):
    shutil.copytree(one_worker, tmp_path, dirs_exist_ok=True)
    journal = tmp_path / JOURNAL
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:-3]) + lines[-3][: len(lines[-3]) // 2])  # a kill in mid-write
    convert(str(crawl), "-o", str(tmp_path), "--jobs", "2")
    assert_same_outputs(one_worker, tmp_path)


def test_identical_content_is_one_report(tmp_path):
    src = (Path(PDF[0]).parent / "pingtan_2020.txt").read_bytes()
    for name in ("a/copy.txt", "b/copy.txt", "c.txt"):
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_bytes(src)
    result = CliRunner().invoke(main, ["convert", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "1"])
    assert "duplicates 2" in result.output
    assert [Path(r["source_path"]).relative_to(tmp_path / "in").as_posix()
            for r in rows(tmp_path / "out" / "reports.csv")] == ["a/copy.txt"]  # fmt: skip


def test_second_run_on_same_outdir_is_refused_while_first_runs(tmp_path):
    from report_extract.outputs.journal import Journal, JournalBusy

    first = Journal.open(tmp_path)
    try:
        with pytest.raises(JournalBusy):
            Journal.open(tmp_path)
    finally:
        first.close()


def test_fresh_converts_everything_again(crawl, tmp_path):
    convert(str(crawl / "site2"), "-o", str(tmp_path), "-j", "1")
    result = CliRunner().invoke(main, ["convert", str(crawl / "site2"), "-o", str(tmp_path), "-j", "1", "--fresh"])
    assert result.exit_code == 0 and "resumed" not in result.output
    assert len((tmp_path / JOURNAL).read_text(encoding="utf-8").splitlines()) == 6


def test_empty_files_are_each_an_empty_file(tmp_path):
    """Empty files share their (empty) content; each is an error row of its own, not a
    duplicate of the first (newcomer's trial: b.html was 'same content as a.txt')."""
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "b.html", "c.pdf"):
        (tmp_path / "in" / name).write_bytes(b"")
    result = CliRunner().invoke(main, ["convert", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "1"])
    assert "duplicates" not in result.output
    errors = {Path(r["source_path"]).name: (r["error"], r["message"]) for r in rows(tmp_path / "out" / "errors.csv")}
    assert errors == {name: ("unreadable", "empty file") for name in ("a.txt", "b.html", "c.pdf")}


def test_sigterm_writes_the_finished_documents_outputs(tmp_path: Path) -> None:
    """kill, a batch system's walltime or docker stop send SIGTERM: the run ends as Ctrl-C
    ends it, with the outputs of what finished written (newcomer's trial: only the journal
    was left until the next run)."""
    src = (Path(__file__).resolve().parents[1] / "corpus" / "kiro_01.pdf").read_bytes()
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    for i in range(60):
        (crawl / f"r{i:02}.pdf").write_bytes(src + f"%copy {i}\n".encode())
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "report_extract", "convert", str(crawl), "-o", str(out),
                             "--jobs", "1", "-q"], stderr=subprocess.PIPE, text=True)  # fmt: skip
    journal = out / "journal.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (journal.exists() and journal.read_bytes().count(b"\n") >= 3):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err
    finished = journal.read_bytes().count(b"\n")
    rows = (out / "reports.csv").read_text(encoding="utf-8").count("\n") - 1
    assert 3 <= rows == finished < 60
    # and the panel of what finished (newcomer's trial: the panel files and reports.db's
    # panel tables were those of the run before, or missing)
    assert (out / "panel_reports.csv").read_text(encoding="utf-8").count("\n") - 1 == rows
    db = sqlite3.connect(out / "reports.db")
    assert db.execute("SELECT count(*) FROM panel_reports").fetchone() == (rows,)
    db.close()


def test_a_format_an_earlier_run_wrote_is_kept_current(tmp_path: Path) -> None:
    """--parquet once, then runs without it: reports.parquet held fewer documents than the
    CSVs, silently (newcomer's trial); likewise reports.db after a run without SQLite."""
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    out = tmp_path / "out"
    convert_paths([corpus / "pingtan_2018.txt"], out, Options(jobs=1, parquet=True))
    convert_paths([corpus / "pingtan_2019.txt"], out, Options(jobs=1, sqlite=False))
    assert pq.read_table(out / "reports.parquet").num_rows == 2
    assert sqlite3.connect(out / "reports.db").execute("select count(*) from reports").fetchone() == (2,)
    # --fresh starts over in every format: the Parquet files held the two documents of before
    convert_paths([corpus / "pingtan_2020.txt"], out, Options(jobs=1, sqlite=False, fresh=True))
    assert pq.read_table(out / "reports.parquet").column("source_path").to_pylist() == [
        str(corpus / "pingtan_2020.txt")
    ]
    assert pq.read_table(out / "panel.parquet").num_rows == 1
    assert sqlite3.connect(out / "reports.db").execute("select count(*) from reports").fetchone() == (1,)


def test_a_list_file_saved_with_a_bom(tmp_path: Path) -> None:
    """--from-list written by Notepad or Excel (UTF-8 with a BOM): its first path was not
    found, the BOM invisible inside it (newcomer's trial)."""
    from report_extract.batch.inputs import expand

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    listed = tmp_path / "list.txt"
    listed.write_text(f"{corpus / 'pingtan_2018.txt'}\r\n{corpus / 'pingtan_2019.txt'}\r\n", encoding="utf-8-sig")
    found = expand([], [str(listed)])
    assert [p.name for p in found.paths] == ["pingtan_2018.txt", "pingtan_2019.txt"] and not found.refused


def test_a_renamed_input_keeps_its_row_under_its_new_name(tmp_path: Path) -> None:
    """Converted as a.txt, renamed c.txt, converted again into the same folder: the row
    named a.txt, which is gone, and c.txt was in no output (newcomer's trial)."""
    crawl, out = tmp_path / "crawl", tmp_path / "out"
    crawl.mkdir()
    text = (Path(__file__).resolve().parents[1] / "corpus" / "pingtan_2018.txt").read_bytes()
    (crawl / "a.txt").write_bytes(text)
    convert_paths([crawl / "a.txt"], out, Options(jobs=1, sqlite=False))
    (crawl / "a.txt").rename(crawl / "c.txt")
    again = convert_paths([crawl / "c.txt"], out, Options(jobs=1, sqlite=False))
    assert again.skipped == 1  # not converted again
    assert [Path(r["source_path"]).name for r in rows(out / "reports.csv")] == ["c.txt"]
    assert rows(out / "errors.csv") == []


def test_one_file_named_twice_and_the_output_folder_inside_the_crawl(tmp_path: Path, monkeypatch) -> None:
    """`convert . -o out` run twice read its own outputs as inputs (skipped rows in
    errors.csv), and one file named by a relative and an absolute path was a duplicate of
    itself (newcomer's trial)."""
    from report_extract.batch.inputs import expand

    text = (Path(__file__).resolve().parents[1] / "corpus" / "pingtan_2018.txt").read_bytes()
    (tmp_path / "a.txt").write_bytes(text)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "reports.csv").write_text("report_id\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = expand([".", "a.txt", str(tmp_path / "a.txt")], exclude=Path("out"))
    assert [p.name for p in found.paths] == ["a.txt"] and not found.refused


def test_a_file_that_cannot_be_opened_says_why(tmp_path: Path) -> None:
    """A file without read permission: the row said only "cannot open file" (newcomer's
    trial).  The cause is the system's: a file gone since it was listed, and (not as root,
    which reads every file) one without read permission."""
    from report_extract.batch.convert import _cannot_open

    assert _cannot_open(tmp_path / "gone.txt") == "cannot open file: No such file or directory"
    if os.geteuid() == 0:
        return
    locked = tmp_path / "locked.txt"
    locked.write_text("x", encoding="utf-8")
    locked.chmod(0)
    out = tmp_path / "out"
    convert_paths([locked], out, Options(jobs=1, sqlite=False))
    (row,) = rows(out / "errors.csv")
    assert row["message"] == "cannot open file: Permission denied"


@pytest.mark.parametrize("seed", range(3))
def test_a_content_or_setting_that_comes_back_is_what_the_outputs_hold(tmp_path: Path, seed: int) -> None:
    """Newcomer's trial: r.txt converted as A, then as B, then as A again kept B's row (A's
    line was in the journal, so nothing was journalled, and the newest line of the path was
    B's); --set max_pages=1 then the defaults again kept the refusals.  A random walk over
    contents, a name that is a report or an empty file, and settings: after every run the
    folder's rows are those of a fresh conversion of what is there now."""
    rng = random.Random(seed)
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    texts = [CORPUS / "pingtan_2021.txt", CORPUS / "pingtan_2022.txt", CORPUS / "000_a01111d04fa25f8f.txt"]
    for step in range(6):
        shutil.copyfile(rng.choice(texts), crawl / "r.txt")
        shutil.copyfile(rng.choice([*texts, PDF[0]]), crawl / "p.txt")  # a PDF named .txt: told by content
        # one name a report or an error row (an empty file), run by run
        if rng.random() < 0.5:
            shutil.copyfile(texts[step % 2], crawl / "x.txt")
        else:
            (crawl / "x.txt").write_bytes(b"")
        pages = rng.choice([[], ["--set", "max_pages=1"]])
        convert(str(crawl), "-o", str(tmp_path / "grown"), "--jobs", "1", *pages)
        convert(str(crawl), "-o", str(tmp_path / "fresh"), "--jobs", "1", "--fresh", *pages)
        for name in ("reports.csv", "errors.csv", "cells.csv"):
            grown, fresh = (tmp_path / d / name for d in ("grown", "fresh"))
            assert grown.read_bytes() == fresh.read_bytes(), (step, name)
