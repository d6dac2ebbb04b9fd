"""Hostile input, round 2 (issue 16): every input accounted for, nothing followed, nothing
written.  Every hostile input is built here, in tmp dirs (tests/hostile_build.py)."""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import CORPUS, rows
from hostile_build import chained_flate_bomb_pdf, damaged_utf8, mixed_gbk

from report_extract import patterns
from report_extract import reading as readers
from report_extract.batch import convert as convert_module
from report_extract.batch import workers
from report_extract.batch.convert import Options, code_digest, convert_paths
from report_extract.batch.inputs import expand
from report_extract.cli import main
from report_extract.outputs import journal as journal_module
from report_extract.outputs import records as export
from report_extract.outputs.folder import OutputError, write_outputs
from report_extract.outputs.journal import Journal
from report_extract.pipeline import stages as pipeline
from report_extract.reading import guard, office
from report_extract.views.query import QueryError, run

REPORT = CORPUS / "pingtan_2022.txt"


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def every_row(out: Path) -> dict[str, str]:
    """source_path -> "report" or the errors.csv kind; fails on a path with two rows."""
    found: dict[str, str] = {}
    for r in rows(out / "reports.csv"):
        assert r["source_path"] not in found
        found[r["source_path"]] = "report"
    for r in rows(out / "errors.csv"):
        assert r["source_path"] not in found, r
        found[r["source_path"]] = r["error"]
    return found


# ---- the decompression bomb past the guard ------------------------------------------


@pytest.mark.parametrize("hex_layer", [False, True], ids=["flate_flate", "hex_flate_flate"])
def test_chained_filter_bomb_is_refused(hex_layer: bool, tmp_path: Path) -> None:
    """2.9 kB (5.4 kB in hex) inflating to 1 GiB through two Flate layers: refused by the
    guard, in convert and in extract, show and audit alike."""
    path = tmp_path / "bomb.pdf"
    path.write_bytes(chained_flate_bomb_pdf(1024, hex_layer=hex_layer))
    assert path.stat().st_size < 10_000
    with pytest.raises(readers.ReaderError, match="flate bomb"):
        readers.read(path)
    for command in (["extract"], ["show"], ["audit", "-o", str(tmp_path / "a.html")]):
        result = cli(command[0], str(path), *command[1:])
        assert result.exit_code == 1, command
        assert result.output.strip() == f"{path}: PDF stream inflates to over 104857600 bytes (limit): flate bomb"
    assert not (tmp_path / "a.html").exists()
    out = tmp_path / "out"
    assert cli("convert", str(path), "-o", str(out), "-j", "1", "--no-sqlite").exit_code == 0
    assert [(r["error"], r["message"]) for r in rows(out / "errors.csv")] == [
        ("unreadable", "PDF stream inflates to over 104857600 bytes (limit): flate bomb")
    ]


@pytest.mark.parametrize("hex_layer", [False, True])
def test_chained_filters_count_the_last_layer(hex_layer: bool, monkeypatch) -> None:
    """A doubly compressed 1 MiB content stream passes the guard, and is counted at its
    fully decoded size: a limit one byte below refuses it."""
    data = chained_flate_bomb_pdf(1, hex_layer=hex_layer)
    guard.check("pdf", data)
    monkeypatch.setenv("REPORT_EXTRACT_MAX_STREAM_BYTES", str((1 << 20) - 1))  # the setting, as a user sets it
    with pytest.raises(readers.ReaderError, match="flate bomb"):
        guard.check("pdf", data)


# ---- extract, show and audit under convert's limits -----------------------------------


def _sleep(*args, **kwargs):
    import time

    time.sleep(60)


def _hog(*args, **kwargs):
    return bytearray(2 << 30)  # 2 GiB


@pytest.mark.parametrize("command", ["extract", "show", "audit"])
@pytest.mark.parametrize("misbehaviour", ["hang", "memory"])
def test_one_file_commands_stop_at_the_limits(command: str, misbehaviour: str, monkeypatch, tmp_path: Path) -> None:
    """The document's work runs in a child process (forked: it sees these patches), killed
    at --timeout or stopped by --memory-limit with convert's one-line message."""
    fn = _sleep if misbehaviour == "hang" else _hog
    monkeypatch.setattr("report_extract.cli.extract_one", fn)
    monkeypatch.setattr("report_extract.views.audit.write_audit", fn)
    extra = ["-o", str(tmp_path / "a.html")] if command == "audit" else []
    result = cli(command, str(REPORT), *extra, "--timeout", "1", "--memory-limit", "600")
    assert result.exit_code == 1
    want = "timeout after 1 s" if misbehaviour == "hang" else "memory limit exceeded (600 MB)"
    assert result.output.strip() == f"{REPORT}: {want}"


def test_one_file_commands_still_give_results(tmp_path: Path) -> None:
    result = cli("extract", str(REPORT), "--indent", "0")
    assert result.exit_code == 0
    assert '"status": "ok"' in result.output
    assert cli("audit", str(REPORT), "-o", str(tmp_path / "a.html")).exit_code == 0
    assert "<html" in (tmp_path / "a.html").read_text(encoding="utf-8").lower()


# ---- silent mojibake ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pingtan_2022.txt", "pingtan_2020.txt", "000_a01111d04fa25f8f.txt", "kiro_04.md"])
@pytest.mark.parametrize(
    "damage,warning",
    [(damaged_utf8, "lines with invalid UTF-8 bytes"), (mixed_gbk, "lines in GB18030 among UTF-8 lines")],
)
def test_mostly_utf8_text_keeps_its_cells_and_says_so(name: str, damage, warning: str) -> None:
    source = CORPUS / name
    want = pipeline.extract(source)
    doc = readers.read(source.name, damage(source.read_text(encoding="utf-8")))
    got = pipeline.from_document(doc)
    assert got.status == want.status
    values = {c.key: c.value for c in got.cells}
    # the damaged lines' own cells may be lost with their bytes; every other cell is kept
    kept = {c.key: c.value for c in want.cells if damage is mixed_gbk or (c.line or 0) % 7 != 4}
    assert {k: values.get(k) for k in kept} == kept
    assert any(w.startswith("mixed encoding: ") and warning in w for w in got.warnings), got.warnings


def test_mostly_utf8_html_is_decoded_line_by_line_too() -> None:
    """A page goes through the same decoding: GBK lines among UTF-8 ones keep every cell;
    damaged bytes (here inside the table's long lines, so rows are lost with them) still
    leave a readable page and a warning, not GB18030 mojibake."""
    source = CORPUS / "shuyang_01.html"
    want = pipeline.extract(source)
    text = source.read_text(encoding="utf-8")
    mixed = pipeline.from_document(readers.read(source.name, mixed_gbk(text)))
    assert {c.key: c.value for c in mixed.cells} == {c.key: c.value for c in want.cells}
    assert any("lines in GB18030 among UTF-8 lines" in w for w in mixed.warnings)
    damaged = pipeline.from_document(readers.read(source.name, damaged_utf8(text)))
    assert damaged.meta["title"] == want.meta["title"] and "政府信息公开" in want.meta["title"]
    assert any("lines with invalid UTF-8 bytes" in w for w in damaged.warnings)


def test_whole_gbk_text_is_still_decoded_whole() -> None:
    data = REPORT.read_text(encoding="utf-8").encode("gb18030")
    doc = readers.read("x.txt", data)
    assert not any("mixed encoding" in w for w in doc.warnings)
    assert pipeline.from_document(doc).status == "ok"


# ---- CSV corruption ----------------------------------------------------------------


def test_file_name_with_a_carriage_return_is_one_row(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    odd = src / "a\rb.txt"
    shutil.copy(REPORT, odd)
    (src / "broken\r.pdf").write_bytes(b"%PDF-1.4 cut")
    out = tmp_path / "out"
    convert_paths([odd, src / "broken\r.pdf"], out, Options(jobs=1, sqlite=False))
    assert [r["source_path"] for r in rows(out / "reports.csv")] == [str(odd)]
    assert [r["source_path"] for r in rows(out / "errors.csv")] == [str(src / "broken\r.pdf")]
    assert len(pd.read_csv(out / "reports.csv")) == 1
    assert len(pd.read_csv(out / "errors.csv")) == 1


def test_query_csv_quotes_carriage_returns() -> None:
    from report_extract.views.query import Answer, write_csv

    buf = io.StringIO()
    write_csv(Answer(["a", "b"], [("x\ry", 1), ("z", 2)]), buf)
    assert list(csv.reader(io.StringIO(buf.getvalue(), newline=""))) == [["a", "b"], ["x\ry", "1"], ["z", "2"]]


# ---- inputs that vanish ----------------------------------------------------------------


def test_every_named_input_ends_in_exactly_one_row(tmp_path: Path) -> None:
    """Missing files, an empty glob, dangling and looping symlinks, a FIFO, a duplicate, a
    symlink leading out of the folder and one inside it: one row each."""
    src, outside = tmp_path / "in", tmp_path / "outside"
    src.mkdir()
    outside.mkdir()
    shutil.copy(REPORT, src / "report.txt")
    shutil.copy(REPORT, src / "copy.txt")  # identical content
    (src / "dangling.txt").symlink_to(src / "nowhere.txt")
    (src / "loop.txt").symlink_to(src / "loop.txt")
    (src / "inside.txt").symlink_to(src / "report.txt")
    shutil.copy(CORPUS / "pingtan_2021.txt", outside / "secret.txt")
    (src / "escape.txt").symlink_to(outside / "secret.txt")
    (src / "etc").symlink_to("/etc")
    os.mkfifo(tmp_path / "fifo.txt")
    named = [str(src), str(tmp_path / "missing.pdf"), str(tmp_path / "none-*.pdf"), str(tmp_path / "fifo.txt")]
    out = tmp_path / "out"
    result = cli("convert", *named, "-o", str(out), "-j", "1", "--no-sqlite")
    assert result.exit_code == 0, result.output
    found = every_row(out)
    assert found == {
        str(src / "copy.txt"): "report",  # first in order stands for the content
        str(src / "dangling.txt"): "unreadable",
        str(src / "escape.txt"): "not_followed",
        str(src / "etc"): "not_followed",
        str(src / "inside.txt"): "duplicate",
        str(src / "loop.txt"): "unreadable",
        str(src / "report.txt"): "duplicate",
        str(tmp_path / "missing.pdf"): "unreadable",
        str(tmp_path / "none-*.pdf"): "unreadable",
        str(tmp_path / "fifo.txt"): "unreadable",
    }
    messages = {Path(r["source_path"]).name: r["message"] for r in rows(out / "errors.csv")}
    assert (
        messages["report.txt"]
        == f"same content as {src / 'copy.txt'} (report_id {rows(out / 'reports.csv')[0]['report_id']})"
    )
    assert messages["dangling.txt"].startswith("dangling symlink")
    assert messages["loop.txt"].startswith("symlink loop")
    assert messages["fifo.txt"] == "not a regular file (FIFO): not read"
    assert "outside" in messages["escape.txt"]
    assert "failed 7;" in result.output and "duplicates 2" in result.output
    # the same command again resumes: the same rows, nothing converted twice
    again = cli("convert", *named, "-o", str(out), "-j", "1", "--no-sqlite")
    assert "resumed 1" in again.output
    assert every_row(out) == found


def test_every_listed_input_ends_in_exactly_one_row(tmp_path: Path) -> None:
    """The same accounting for names in a --from-list file, including a name that is not
    UTF-8 (GBK, as unpacked from a Windows zip): it used to stop the whole batch with
    UnicodeDecodeError (the list) or UnicodeEncodeError (the journal)."""
    src = tmp_path / "in"
    src.mkdir()
    gbk = os.fsdecode(os.fsencode(src) + "/年度报告.txt".encode("gbk"))
    shutil.copy(REPORT, gbk)
    shutil.copy(REPORT, src / "copy.txt")
    (src / "dangling.txt").symlink_to(src / "nowhere.txt")
    os.mkfifo(src / "fifo.txt")
    listing = tmp_path / "list.txt"
    names = [
        gbk,
        str(src / "copy.txt"),
        str(src / "dangling.txt"),
        str(src / "fifo.txt"),
        str(tmp_path / "missing.pdf"),
        "# a comment",
        "",
    ]
    listing.write_bytes(b"\n".join(os.fsencode(n) for n in names))
    out = tmp_path / "out"
    result = cli("convert", "--from-list", str(listing), "-o", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    # the bytes that are not UTF-8 are shown as \xNN (some GBK byte pairs are valid UTF-8)
    shown = os.fsencode(gbk).decode("utf-8", "backslashreplace")
    assert "\\xc4\\xea" in shown
    assert every_row(out) == {
        shown: "report",
        str(src / "copy.txt"): "duplicate",
        str(src / "dangling.txt"): "unreadable",
        str(src / "fifo.txt"): "unreadable",
        str(tmp_path / "missing.pdf"): "unreadable",
    }
    assert run(out, "SELECT source_path FROM reports").rows == [(shown,)]
    # the folder walk meets the same name; a dangling symlink so named is a row too
    os.symlink(src / "gone.txt", gbk.replace(".txt", "-link.txt"))
    walked = tmp_path / "walked"
    assert cli("convert", str(src), "-o", str(walked), "-j", "1", "--no-sqlite").exit_code == 0
    assert shown in every_row(walked) and len(every_row(walked)) == 5


def test_unreadable_subfolder_is_a_row(tmp_path: Path, monkeypatch) -> None:
    """(Tests run as root, for whom chmod 000 changes nothing: the folder's listing fails
    as it would for a user without permission.)"""
    src = tmp_path / "in"
    (src / "locked").mkdir(parents=True)
    shutil.copy(REPORT, src / "report.txt")
    real = os.scandir

    def scandir(path="."):
        if Path(path) == src / "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = expand([str(src)])
    assert found.paths == [src / "report.txt"]
    assert found.refused == {src / "locked": ("unreadable", "cannot read folder: Permission denied")}


def test_a_fifo_swapped_in_after_listing_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "late.txt")
    assert convert_module.file_sha256(tmp_path / "late.txt") is None


def test_explicitly_named_symlink_is_followed(tmp_path: Path) -> None:
    (tmp_path / "link.txt").symlink_to(REPORT)
    assert expand([str(tmp_path / "link.txt")]).paths == [tmp_path / "link.txt"]


# ---- query writes nothing -------------------------------------------------------------


@pytest.fixture(scope="module")
def odd_outdir(tmp_path_factory) -> Path:
    """A conversion in a folder whose name a URI would cut: run#1?x=%41."""
    out = tmp_path_factory.mktemp("q") / "run#1?x=%41"
    convert_paths([REPORT], out, Options(jobs=1))
    return out


def test_query_reads_a_folder_with_uri_characters(odd_outdir: Path) -> None:
    assert run(odd_outdir, "SELECT status FROM reports").rows == [("ok",)]
    assert run(odd_outdir, "PRAGMA table_info(errors)").rows  # schema questions are allowed


@pytest.mark.parametrize(
    "sql",
    [
        "VACUUM INTO '{dir}/copy.db'",
        "ATTACH DATABASE '{dir}/new.db' AS x",
        "CREATE TABLE t (x)",
        "CREATE TEMP TABLE t (x)",
        "DELETE FROM reports",
        "PRAGMA journal_mode = DELETE",
        "SELECT load_extension('{dir}/x.so')",
    ],
)
def test_query_cannot_create_or_change_a_file(odd_outdir: Path, sql: str, tmp_path: Path) -> None:
    before = sorted(odd_outdir.parent.rglob("*"))
    db = odd_outdir / "reports.db"
    mtime = db.stat().st_mtime_ns
    with pytest.raises(QueryError, match="SQL error: (not authorized|authorization denied)"):
        run(odd_outdir, sql.format(dir=tmp_path))
    assert list(tmp_path.iterdir()) == []
    assert sorted(odd_outdir.parent.rglob("*")) == before
    assert db.stat().st_mtime_ns == mtime
    assert not (Path.cwd() / "run").exists()


# ---- stale results ------------------------------------------------------------------


def test_a_pattern_change_reconverts(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    mine = tmp_path / "patterns"
    mine.mkdir()
    shutil.copy(patterns.path("labels.toml"), mine / "labels.toml")
    monkeypatch.setenv("REPORT_EXTRACT_PATTERNS", str(mine))
    first = convert_paths([REPORT], out, Options(jobs=1, sqlite=False))
    assert (first.converted, first.skipped) == (1, 0)
    same = convert_paths([REPORT], out, Options(jobs=1, sqlite=False))
    assert (same.converted, same.skipped) == (1, 1)  # converted counts written reports
    with open(mine / "labels.toml", "a", encoding="utf-8") as f:
        f.write("\n# a researcher's note\n")
    changed = convert_paths([REPORT], out, Options(jobs=1, sqlite=False))
    assert (changed.converted, changed.skipped) == (1, 0)


def test_a_code_change_reconverts(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "pkg"
    shutil.copytree(convert_module.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_digest(package)
    assert code_digest(package) == before
    with open(package / "tables/extract.py", "a", encoding="utf-8") as f:
        f.write("\n# a fix\n")
    assert code_digest(package) != before
    out = tmp_path / "out"
    convert_paths([REPORT], out, Options(jobs=1, sqlite=False))
    monkeypatch.setattr(convert_module, "code_digest", lambda: "changed")
    assert convert_paths([REPORT], out, Options(jobs=1, sqlite=False)).skipped == 0


# ---- leaks: journal, full disk, LibreOffice --------------------------------------------


def test_short_journal_write_leaves_a_whole_line(tmp_path: Path, monkeypatch) -> None:
    real = os.write

    def short(fd: int, data: bytes) -> int:
        return real(fd, data[: max(1, len(data) // 3)])

    monkeypatch.setattr(journal_module.os, "write", short)
    j = Journal.open(tmp_path)
    j.append(("a", "fp"), '{"sha256":"a","fp":"fp","path":"p","error":{}}')
    j.close()
    monkeypatch.undo()
    assert (tmp_path / "journal.jsonl").read_bytes() == b'{"sha256":"a","fp":"fp","path":"p","error":{}}\n'
    assert ("a", "fp") in Journal.open(tmp_path)


def test_failed_journal_write_is_undone(tmp_path: Path, monkeypatch) -> None:
    j = Journal.open(tmp_path)
    j.append(("a", "fp"), '{"sha256":"a","fp":"fp","path":"p","error":{}}')
    real, calls = os.write, []

    def full(fd: int, data: bytes) -> int:
        calls.append(1)
        if len(calls) == 1:
            return real(fd, data[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journal_module.os, "write", full)
    with pytest.raises(OSError):
        j.append(("b", "fp"), '{"sha256":"b","fp":"fp","path":"q","error":{}}')
    monkeypatch.undo()
    j.close()
    assert (tmp_path / "journal.jsonl").read_bytes().count(b"\n") == 1
    assert (tmp_path / "journal.jsonl").read_bytes().endswith(b"}\n")


def test_full_disk_leaves_no_temporary_file_and_names_the_output(tmp_path: Path, monkeypatch) -> None:
    """/dev/full stands for a full disk under cells.csv: the write's flush at close()
    fails, and abort's own close() fails again."""
    src = tmp_path / "run"
    convert_paths([REPORT], src, Options(jobs=1, sqlite=False))
    j = Journal.open(src)
    offsets = list(j.offsets.values())
    j.close()
    real = export.temporary

    def temporary(path: Path):
        fd, name = real(path)
        if path.name == "cells.csv":
            os.close(fd)
            fd = os.open("/dev/full", os.O_WRONLY)
        return fd, name

    monkeypatch.setattr(export, "temporary", temporary)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OutputError, match=r"^csv output: OSError: \[Errno 28\] No space left on device"):
        write_outputs(out, ["csv", "sqlite"], src / "journal.jsonl", offsets, processes=1)
    assert list(out.iterdir()) == []


def test_import_error_is_not_a_final_failure(tmp_path: Path, monkeypatch) -> None:
    """Under a tight --memory-limit a library fails to import; the next run retries it."""

    def broken(*args, **kwargs):
        raise ImportError("libopenblas.so: failed to map segment from shared object")

    monkeypatch.setattr(workers, "extract", broken)
    task = workers.Task(str(REPORT), "sha")
    outcome = workers.convert_task(task, workers.Job(fp="fp"))
    assert outcome.fatal and outcome.status is None
    j = Journal.open(tmp_path)
    j.append(("sha", "fp"), outcome.line)
    j.close()
    assert '"error":"environment"' in outcome.line
    assert ("sha", "fp") not in Journal.open(tmp_path)


def _office_leftovers(pid: int) -> tuple[list[Path], list[int]]:
    dirs = list(Path(tempfile.gettempdir()).glob(f"report-extract-{pid}-*"))
    procs = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                cmd = (p / "cmdline").read_bytes()
            except OSError:
                continue
            if f"report-extract-{pid}-".encode() in cmd:
                procs.append(int(p.name))
    return dirs, procs


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_timeout_kills_it_and_removes_its_folder(monkeypatch) -> None:
    monkeypatch.setenv("REPORT_EXTRACT_OFFICE_TIMEOUT_S", "0.5")
    with pytest.raises(readers.ReaderError, match="LibreOffice did not convert the file within 0.5 s"):
        office._convert(shutil.which("soffice"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(20_000), "doc")
    import time

    time.sleep(0.5)  # let the kernel reap the killed group (no timing is asserted)
    assert _office_leftovers(os.getpid()) == ([], [])


def _office_processes(orphaned: bool = False) -> set[int]:
    """Processes whose command line names one of our LibreOffice temp dirs; `orphaned`:
    only those whose dir belongs to a process that is gone (under pytest -n 2 a test
    beside this one may be running LibreOffice for its own worker)."""
    found = set()
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                owner = re.search(rb"report-extract-(\d+)-", (p / "cmdline").read_bytes())
            except OSError:
                continue
            if owner and not (orphaned and _alive_pid(int(owner[1]))):
                found.add(int(p.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_worker_killed_in_a_conversion_leaves_no_libreoffice(tmp_path: Path) -> None:
    """convert --timeout kills the worker while LibreOffice runs: the pool kills
    LibreOffice's process group and removes the worker's temp dir."""
    doc = tmp_path / "slow.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(20_000))
    dirs_before = set(Path(tempfile.gettempdir()).glob("report-extract-*"))
    procs_before = _office_processes()
    pool = workers.LocalPool(1, workers.Job(fp="fp"), timeout=1.0)
    outcomes = list(pool.map([workers.Task(str(doc), "sha")]))
    assert len(outcomes) == 1 and '"error":"timeout"' in outcomes[0].line
    import time

    time.sleep(1)  # let the kernel reap the killed group (no timing is asserted)
    # a dead process's dirs only: a test beside this one (pytest -n 2) may be converting a .doc now
    new = set(Path(tempfile.gettempdir()).glob("report-extract-*")) - dirs_before
    assert {d for d in new if not _alive_pid(int(d.name.split("-")[2]))} == set()
    assert _office_processes(orphaned=True) - procs_before == set()


def _alive_pid(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
