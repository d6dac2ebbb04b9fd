"""Writing a conversion's outputs from its journal, all of them together or none.

Every sink (the CSV files and reports.jsonl, reports.db, the Parquet files) is fed the
finished documents in source-path order and finished under temporary names; only when
every sink has finished are the files renamed into place.  An exception in any sink
deletes every temporary file and leaves the previous outputs as they were.

The sinks are independent, so with more than one worker (`--jobs`) they are split over
processes: after the last document converts, the CPUs the workers used are free, and the
CSV files and the SQLite database (each a few milliseconds per report) are written side by
side instead of one after the other.  Each process reads the journal itself, so the
records never cross a pipe.

With fewer workers than CPUs (one worker on two cores) the parent has a CPU to spare while
the workers convert, so the outputs of a folder that holds no earlier run's documents are
written during the run instead (`Stream`): each finished document is fed to the sinks
as soon as every document sorted before it is in, and the end of the run only finishes the
files.  Whatever makes that order unsure (documents far out of order, a sink's error, a
journal that differs from what was fed) falls back to writing everything from the journal.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from report_extract.outputs.journal import current, read_at
from report_extract.outputs.records import CsvSink, Record, Rename
from report_extract.settings import Settings, use
from report_extract.settings import current as settings_in_force


class Sink(Protocol):
    def add(self, rec: Record) -> None: ...
    def finish(self) -> list[Rename]: ...  # complete and durable under temporary names
    def abort(self) -> None: ...  # delete the temporary files


def make_sink(name: str, outdir: Path, bom: bool) -> Sink:
    """A sink by name: csv, sqlite or parquet (imported only when asked for)."""
    if name == "csv":
        return CsvSink(outdir, bom)
    if name == "sqlite":
        from report_extract.outputs.sqlite import SqliteSink

        return SqliteSink(outdir)
    if name == "parquet":
        from report_extract.outputs.parquet import ParquetSink

        return ParquetSink(outdir)
    raise ValueError(f"unknown output: {name}")


def open_sinks(names: list[str], outdir: Path, bom: bool, extra: Sequence[Sink] = ()) -> list[tuple[str, Sink]]:
    """(name, sink) of each output in `names`, then of the `extra` sinks; when one cannot
    be opened (an unwritable folder), those already opened delete their temporary files."""
    sinks: list[tuple[str, Sink]] = []
    try:
        for name in names:
            sinks.append((name, make_sink(name, outdir, bom)))
    except BaseException:
        for _, sink in sinks:
            sink.abort()
        raise
    return sinks + [(type(x).__name__.lower(), x) for x in extra]


def fill(sinks: list[tuple[str, Sink]], records: Iterable[Record]) -> list[Rename]:
    """Feed every record to every (name, sink) and finish them; on an exception abort them
    all and raise OutputError naming the sink that failed (a full disk fails one file, and
    the message must send the user to that one)."""
    at_work = ""  # the sink being fed or finished: the one an exception names
    try:
        for rec in records:
            for name, sink in sinks:
                at_work = name
                sink.add(rec)
        renames = []
        for name, sink in sinks:
            at_work = name
            renames += sink.finish()
        return renames
    except BaseException as e:
        for _, sink in sinks:
            sink.abort()
        if isinstance(e, Exception) and not isinstance(e, OutputError):
            raise OutputError(f"{at_work} output: {type(e).__name__}: {e}") from e
        raise


def publish(renames: list[Rename]) -> None:
    """Rename every finished file into place.  A rename fails only when the output's own
    path is unusable (a folder, no permission): the rest are discarded, not left behind."""
    for i, (tmp, path) in enumerate(renames):
        try:
            os.replace(tmp, path)
        except OSError as e:
            discard(renames[i:])
            raise OutputError(f"cannot replace {path}: {e.strerror}") from e


def discard(renames: list[Rename]) -> None:
    for tmp, _ in renames:
        Path(tmp).unlink(missing_ok=True)


def _records(journal: Path, offsets: list[int]) -> Iterable[Record]:
    return (Record.from_journal(rec, offset) for offset, rec in zip(offsets, read_at(journal, offsets)))


def _write_group(
    conn, names: list[str], outdir: Path, bom: bool, journal: Path, offsets: list[int], settings: Settings
) -> None:
    """In a child process: one group of sinks, under the parent's settings; sends back its
    renames or its error."""
    signal.signal(signal.SIGTERM, _stop)  # stopped by the parent: delete the temporary files first
    try:
        with use(settings):
            renames = fill(open_sinks(names, outdir, bom), _records(journal, offsets))
    except BaseException as e:
        conn.send(("error", str(e) if isinstance(e, OutputError) else _describe(names, e)))
    else:
        conn.send(("ok", renames))
    conn.close()


def _describe(names: list[str], e: BaseException) -> str:
    return f"{', '.join(names)} output: {type(e).__name__}: {e}"


def _stop(signum: int, frame: object) -> None:
    raise SystemExit("stopped")


class OutputError(Exception):
    """An output could not be written; every output is as it was before."""


# The stems of the files a conversion writes, whose temporaries (.NAME.XXXX.tmp) may be left
# by a run killed while writing, or by an output process stopped when another failed.
OUTPUT_STEMS = {
    "reports",
    "cells",
    "checks",
    "sections",
    "errors",
    "facts",
    "panel",
    "panel_checks",
    "panel_reports",
    "panel_stata_names",
    "codebook",
    "metadata",
}


def remove_stale_temporaries(outdir: Path) -> None:
    """Temporary files of a run that was killed while writing its outputs (records.temporary names
    them .NAME.XXXX.tmp); the journal lock guarantees no other run is writing them now."""
    for tmp in outdir.glob(".*.tmp"):
        if tmp.name[1:].split(".")[0] in OUTPUT_STEMS:
            tmp.unlink(missing_ok=True)


def write_outputs(outdir: Path, names: list[str], journal: Path, offsets: list[int], *, bom: bool = False,
                  processes: int = 1, extra: Sequence[Sink] = ()) -> None:  # fmt: skip
    """Write the outputs `names` of the journal records at `offsets` (in that order) into
    OUTDIR, over up to `processes` processes.  `extra`: sinks that must run in this
    process (the batch summary)."""
    n = max(1, min(processes, len(names)))
    groups = [names[i::n] for i in range(n)]
    # forkserver: a child never inherits this process's threads (a Dask client's, the progress bar's)
    ctx = mp.get_context("forkserver")
    children = []
    for group in groups[1:]:
        here, there = ctx.Pipe(duplex=False)
        args = (there, group, outdir, bom, journal, offsets, settings_in_force())
        proc = ctx.Process(target=_write_group, args=args, daemon=True)
        proc.start()
        there.close()
        children.append((proc, here))
    try:
        renames = fill(open_sinks(groups[0], outdir, bom, extra), _records(journal, offsets))
    except BaseException as e:
        for proc, _ in children:
            proc.terminate()
        discard(_collect(children)[0])
        remove_stale_temporaries(outdir)  # a stopped process's half-written files
        if isinstance(e, Exception) and not isinstance(e, OutputError):
            raise OutputError(_describe(groups[0], e)) from e
        raise
    theirs, errors = _collect(children)
    renames += theirs
    if errors:
        discard(renames)
        raise OutputError("; ".join(errors))
    publish(renames)


def _collect(children: list) -> tuple[list[Rename], list[str]]:
    """Wait for the child processes: their renames, and their errors."""
    renames: list[Rename] = []
    errors: list[str] = []
    for proc, conn in children:
        try:
            status, value = conn.recv()
        except EOFError:  # killed: its temporary files go at the next run (remove_stale_temporaries)
            proc.join()
            status, value = "error", f"output process died (exit code {proc.exitcode})"
        proc.join()
        if status == "ok":
            renames += value
        else:
            errors.append(value)
    return renames, errors


@dataclass
class Stream:
    """The outputs written while a run goes on, fed each journal line as it is appended.

    `expected`: the source path of every line the run will journal, as lines hold them
    (journal.journalled), in any order; records are fed in their sorted order, which is
    the order `current` gives a folder whose journal started empty.  Lines that arrive
    before their turn wait, at most `pending_bytes` of them (as characters).  `extra`:
    sinks fed alongside (the batch summary's counts, the panel's first pass), which count
    only if the stream succeeds.  Any doubt ends the stream quietly: `finish` then returns
    False and the caller writes from the journal."""

    outdir: Path
    names: list[str]
    expected: list[str]
    pending_bytes: int
    bom: bool = False
    extra: Sequence[Sink] = ()
    _sinks: list[tuple[str, Sink]] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)  # paths offered
    _waiting: dict[str, tuple[int, str]] = field(default_factory=dict)  # path -> (offset, line)
    _held: int = 0  # characters of the lines waiting
    _fed: list[int] = field(default_factory=list)  # offsets of the lines fed, in order
    _live: bool = False

    def __post_init__(self) -> None:
        self.expected = sorted(self.expected)
        self._wanted = set(self.expected)
        try:
            self._sinks = open_sinks(self.names, self.outdir, self.bom, self.extra)
        except Exception:
            return  # no stream: the outputs are written from the journal, which says why
        self._live = True

    def offer(self, offset: int, line: str, rec: dict[str, Any] | None = None) -> None:
        """The journal line at `offset` (as appended; `rec`: the line parsed, if the caller
        has it); fed now or when its turn comes."""
        if not self._live:
            return
        try:
            rec = json.loads(line) if rec is None else rec
            path = rec["path"]
            if path not in self._wanted or path in self._seen:
                # a line the plan did not foresee, or a second one of an input (the journal's
                # dataset keeps the last): its place in the order is unsure
                self.abort()
                return
            self._seen.add(path)
            if path != self.expected[len(self._fed)]:
                self._waiting[path] = (offset, line)  # as text: a parsed report takes ten times the memory
                self._held += len(line)
                if self._held > self.pending_bytes:
                    self.abort()
                return
            self._feed(offset, Record.from_journal(rec, offset))
            while len(self._fed) < len(self.expected) and self.expected[len(self._fed)] in self._waiting:
                offset, line = self._waiting.pop(self.expected[len(self._fed)])
                self._held -= len(line)
                self._feed(offset, Record.from_journal(json.loads(line), offset))
        except BaseException as e:
            self.abort()
            if not isinstance(e, Exception):
                raise  # Ctrl-C: the run stops, and writes from the journal

    def _feed(self, offset: int, rec: Record) -> None:
        for _, sink in self._sinks:
            sink.add(rec)
        self._fed.append(offset)

    def finish(self, journal: Path) -> bool:
        """Feed the journal's lines not fed yet, finish every sink and rename the files into
        place; False (nothing written) when the journal's dataset does not begin with the
        lines fed, in that order, or a sink failed: write from the journal instead."""
        if not self._live:
            return False
        try:
            final = current(journal)
        except Exception:
            final = None
        done = len(self._fed)
        if final is None or final[:done] != self._fed:
            self.abort()
            return False
        self._live = False
        try:  # fill aborts every sink when one fails, and lets Ctrl-C through
            renames = fill(self._sinks, _records(journal, final[done:]))
        except OutputError:
            return False
        publish(renames)
        return True

    def abort(self) -> None:
        """Delete every temporary file; the stream feeds nothing more."""
        self._live = False
        self._waiting.clear()
        for _, sink in self._sinks:
            sink.abort()
