"""Converting a batch: parallel, isolated, resumable, and written whole.

1. Plan: hash every input (lazily, alongside the workers); identical content is converted
   once (the first path in input order stands for it); documents the journal already holds
   are skipped.
2. Convert the rest in worker processes (batch/workers.py) or on a Dask cluster (batch/cluster.py);
   each finished document is appended to the journal at once (outputs/journal.py).
3. Write the outputs from the journal, sorted by source path, so they are the same
   whatever the worker count or completion order: the contract's CSVs and reports.jsonl,
   reports.db, and Parquet on request (outputs/folder.py; side by side with --jobs > 1).  This also
   happens every `checkpoint` minutes during a long run, and for the finished part when a
   run is interrupted.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from report_extract import patterns
from report_extract.batch.inputs import UNREADABLE, unusable
from report_extract.batch.progress import Progress
from report_extract.batch.workers import Job, LocalPool, Task, failed
from report_extract.metadata.kind import SKIPPED
from report_extract.outputs.folder import Sink, Stream, remove_stale_temporaries, write_outputs
from report_extract.outputs.fts import section_words
from report_extract.outputs.journal import Journal, Key, current, journalled, with_words
from report_extract.outputs.panel import FirstPass, write_panel
from report_extract.outputs.records import Record, Rename, checks_failed
from report_extract.settings import Settings, use
from report_extract.version import __version__

DUPLICATE = "duplicate"  # errors.csv kind of an input whose content another input has
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass
class Options:
    engine: str = "auto"
    ocr: str = "auto"  # auto | always | never (reading/ocr/pages.py)
    meta_csv: str | None = None
    bom: bool = False
    jobs: int = field(default_factory=lambda: available_cpus())
    timeout: float | None = None  # seconds per document; None: the timeout_s setting
    memory_mb: int | None = None  # address space per worker process, 0: no limit; None: the memory_mb setting
    sqlite: bool = True
    parquet: bool = False
    executor: str = "local"  # local | dask
    scheduler: str | None = None  # Dask scheduler address; None: a LocalCluster
    checkpoint_minutes: float = 10.0  # rewrite the outputs this often in a long run; 0: only at the end
    fresh: bool = False  # forget the journal: convert everything again
    progress: bool = False
    settings: Settings = field(default_factory=Settings.from_env)  # every limit and threshold (settings.py)


@dataclass
class Summary:
    converted: int = 0
    partial: int = 0
    failed: int = 0
    checks_failed: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # finished in an earlier run (journal)
    duplicates: int = 0  # same content as another input
    not_reports: int = 0  # skipped: not a report by its name or ending (batch/inputs.py)

    def line(self) -> str:
        other = ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items()) if k not in ("ok", "partial"))
        # "resumed": of the counts before, those an earlier run had finished (the journal's)
        extra = "".join(f", {label} {n}{note}" for label, n, note in (
                            ("resumed", self.skipped, " (finished in an earlier run)"),
                            ("duplicates", self.duplicates, ""), ("skipped as not reports", self.not_reports, ""))
                        if n)  # fmt: skip
        return (
            f"converted {self.converted}, partial {self.partial}, failed {self.failed}"
            + (f", {other}" if other else "")
            + f"; reports failing checks {self.checks_failed}{extra}; {self.seconds:.1f} s"
        )

    # a sink: counts the documents as they are written
    def add(self, rec: Record) -> None:
        if rec.error is not None and rec.error.get("error") in (DUPLICATE, SKIPPED):
            self.not_reports += rec.error.get("error") == SKIPPED
            return  # duplicates are counted by the plan
        if rec.obj is None:
            self.failed += 1
            return
        status = rec.obj.get("status", "ok")
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.converted += status == "ok"
        self.partial += status == "partial"
        self.checks_failed += checks_failed(rec.obj) > 0

    def finish(self) -> list[Rename]:  # a sink that writes no file
        return []

    def abort(self) -> None:
        pass

    def absorb(self, other: Summary) -> None:
        """Add the document counts of `other` (those `add` makes)."""
        self.converted += other.converted
        self.partial += other.partial
        self.failed += other.failed
        self.checks_failed += other.checks_failed
        self.not_reports += other.not_reports
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n


def available_cpus() -> int:
    """The CPUs this process may run on (a batch system's allocation, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def streams(options: Options, journal: Journal) -> bool:
    """Whether the outputs are written during the run (outputs/folder.Stream): when fewer
    workers than CPUs leave one to the writer, and the folder holds no earlier run's
    documents (whose places among this run's the stream cannot know)."""
    return options.jobs < available_cpus() and options.settings.stream_pending_mb > 0 and journal.empty()


def fingerprint(options: Options) -> str:
    """What decides a document's result besides its bytes: a change converts again.  The
    package's code and the pattern files count too: the version string is not bumped for
    every fix, and a researcher's new label variant must reach the documents already done."""
    meta = hashlib.sha256(Path(options.meta_csv).read_bytes()).hexdigest() if options.meta_csv else ""
    key = json.dumps(
        [__version__, code_digest(), patterns.digest(), options.engine, options.ocr, meta, options.settings.digest()]
    )
    return hashlib.sha256(key.encode()).hexdigest()[:16]


PACKAGE = Path(__file__).resolve().parents[1]


def code_digest(package: Path = PACKAGE) -> str:
    """SHA-256 of the package's Python files (about 100 files, a few milliseconds)."""
    h = hashlib.sha256()
    for f in sorted(package.rglob("*.py")):
        h.update(f.relative_to(package).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def file_sha256(path: Path) -> str | None:
    """The file's SHA-256, or None when it cannot be read as a regular file.  Opened
    non-blocking and checked after opening: a FIFO or device put in place of a file never
    blocks the parent (where no --timeout applies)."""
    h = hashlib.sha256()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            while chunk := f.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def _cannot_open(path: Path) -> str:
    """Why a file that stat() finds cannot be read (no permission, say)."""
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
    except OSError as e:
        return f"cannot open file: {e.strerror or e}"
    return "cannot open file"  # readable again: it changed while it was hashed


def _path_key(kind: str, *parts: str) -> str:
    """A journal key for a row that has no content of its own (a refused input, a
    duplicate): made from its path, so each input keeps one row."""
    # surrogateescape: a file name that is not UTF-8 hashes as its own bytes
    return f"{kind}:" + hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


@dataclass
class Plan:
    """The batch's documents in input order, and what the current run must convert.
    Every input gets one row: a report, an error, or a duplicate (an errors.csv row of kind
    `duplicate` naming the input whose report stands for it)."""

    paths: list[Path]
    journal: Journal
    job: Job
    summary: Summary
    progress: Progress
    refused: dict[Path, tuple[str, str]] = field(default_factory=dict)  # inputs.Inputs.refused
    words_here: bool = False  # segment the search words in this process (see `append`)
    items: list[tuple[str, Key]] = field(default_factory=list)  # (source path, key) per input
    stream: Stream | None = None  # the outputs, written as documents finish (`streams`)
    streamed: Summary = field(default_factory=Summary)  # the stream's counts, this run's if it succeeds
    streamed_panel: FirstPass = field(default_factory=FirstPass)  # the stream's panel pass, if it succeeds
    panel: FirstPass | None = None  # the panel's first pass, made by the last write

    def start_stream(self, outdir: Path, options: Options) -> None:
        limit = options.settings.stream_pending_mb * 1024 * 1024
        expected = [journalled(str(p)) for p in [*self.paths, *self.refused]]
        extra: list[Sink] = [self.streamed, self.streamed_panel]
        self.stream = Stream(outdir, output_names(options), expected, limit, options.bom, extra)

    def append(self, key: Key, line: str) -> None:
        """Journal one finished document, and offer it to the stream.  When the workers
        leave the search words to this process (`Job.segment` off, `--sqlite` on), they
        are segmented here first: the journal holds them either way."""
        rec = None
        if self.words_here:
            rec = json.loads(line)
            if "result" in rec:
                rec["words"] = section_words(rec["result"].get("sections", []))
                line = with_words(line, rec["words"])
        offset = self.journal.append(key, line)
        if self.stream is not None:
            self.stream.offer(offset, line, rec)

    def _row(self, path: Path, sha: str, kind: str, message: str) -> None:
        """An error row of `path`, journalled at once (unless a resumed run already has it)."""
        key = (sha, self.job.fp)
        if key not in self.journal:
            self.append(key, failed(Task(str(path), sha), self.job, kind, message).line)
        else:
            self.journal.reaffirm(key, str(path))
        self.items.append((str(path), key))
        self.progress.advance(failed=kind not in (DUPLICATE, SKIPPED))

    def tasks(self) -> Iterator[Task]:
        for path, (kind, message) in self.refused.items():
            self._row(path, _path_key(kind, str(path)), kind, message)
        first: dict[str, str] = {}  # sha256 -> the path converted for it
        fp = self.job.fp
        for path in self.paths:
            sha = file_sha256(path)
            if sha is None:  # vanished or changed since it was listed
                why = unusable(path) or (UNREADABLE, _cannot_open(path))
                self._row(path, _path_key(why[0], str(path)), *why)
                continue
            if sha == EMPTY_SHA256:
                # Empty files share their content but hold no report: each is an empty
                # file (the reader's word for it), not a duplicate of the first.
                self._row(path, _path_key(UNREADABLE, str(path)), UNREADABLE, "empty file")
                continue
            if sha in first:
                self.summary.duplicates += 1
                self._row(
                    path,
                    _path_key(DUPLICATE, str(path), sha, first[sha]),  # its message names the first
                    DUPLICATE,
                    f"same content as {first[sha]} (report_id {sha[:16]})",
                )
                continue
            first[sha] = str(path)
            self.items.append((str(path), (sha, fp)))
            if (sha, fp) in self.journal:
                self.summary.skipped += 1
                self.progress.advance()
                self.journal.reaffirm((sha, fp), str(path))
                continue
            yield Task(str(path), sha)

    def write(self, outdir: Path, options: Options, summary: Summary | None = None) -> None:
        """Write the outputs of every document the folder holds (journal.current: this
        run's and earlier runs'), sorted by source path; `summary` counts this run's.
        The last write (with `summary`) finishes the stream if there is one."""
        if summary is not None and self.stream is not None:
            stream, self.stream = self.stream, None
            if stream.finish(self.journal.path):
                summary.absorb(self.streamed)
                self.panel = self.streamed_panel
                return
        names = output_names(options)
        offsets = current(self.journal.path)
        extra: list = []
        if summary is not None:
            ours = set(self.journal.locate([key for _, key in self.items]))
            self.panel = FirstPass()
            extra = [ThisRun(summary, [o in ours for o in offsets]), self.panel]
        write_outputs(outdir, names, self.journal.path, offsets, bom=options.bom, processes=options.jobs, extra=extra)


def output_names(options: Options) -> list[str]:
    return ["csv"] + ["sqlite"] * options.sqlite + ["parquet"] * options.parquet


@dataclass
class ThisRun:
    """A sink passing on only this run's documents (`mine`: one flag per record, in the
    order they are written) to the summary: the outputs hold earlier runs' too."""

    summary: Summary
    mine: list[bool]
    _i: int = 0

    def add(self, rec: Record) -> None:
        if self.mine[self._i]:
            self.summary.add(rec)
        self._i += 1

    def finish(self) -> list[Rename]:
        return []

    def abort(self) -> None:
        pass


def make_pool(options: Options, job: Job):
    if options.executor == "dask":
        from report_extract.batch.cluster import DaskPool

        return DaskPool(options.scheduler, job, jobs=options.jobs)
    timeout = options.settings.timeout_s if options.timeout is None else options.timeout
    memory_mb = options.settings.memory_mb if options.memory_mb is None else options.memory_mb
    return LocalPool(options.jobs, job, timeout=timeout, memory_mb=memory_mb)


def convert_paths(
    paths: list[Path],
    outdir: Path,
    options: Options | None = None,
    refused: dict[Path, tuple[str, str]] | None = None,
) -> Summary:
    """Convert `paths` into OUTDIR, resuming from its journal; returns the batch's summary.
    `refused`: inputs that cannot be converted, with (kind, message): error rows."""
    options = options or Options()
    # The batch's settings also rule this process's part: the search words it segments
    # (fts_compound_words), the Parquet row groups, and the environment read once, not
    # at every look-up.
    with use(options.settings):
        return _convert(paths, outdir, options, refused)


def _convert(paths: list[Path], outdir: Path, options: Options, refused: dict[Path, tuple[str, str]] | None) -> Summary:
    start = time.perf_counter()
    outdir.mkdir(parents=True, exist_ok=True)
    # The folder is one dataset: a format an earlier run wrote is kept current, not left
    # holding fewer documents than the CSVs (a --parquet run, then runs without it), nor,
    # after --fresh, the documents of before.
    keep = {"sqlite": (outdir / "reports.db").exists(), "parquet": (outdir / "reports.parquet").exists()}
    if any(keep[k] and not getattr(options, k) for k in keep):
        options = replace(options, sqlite=options.sqlite or keep["sqlite"], parquet=options.parquet or keep["parquet"])
    overrides = None
    if options.meta_csv:
        from report_extract.metadata.meta import load_overrides  # the metadata code is the workers' (imported there)

        overrides = load_overrides(options.meta_csv)
    fp = fingerprint(options)
    summary, journal = Summary(), Journal.open(outdir, fresh=options.fresh)
    remove_stale_temporaries(outdir)
    stream = streams(options, journal)
    # One worker and a writer with a CPU of its own: the writer segments the search words
    # (a seventh of a born-digital PDF's time) while the worker goes on with the next document.
    words_here = stream and options.jobs == 1 and options.sqlite
    job = Job(
        options.engine,
        overrides,
        fp,
        segment=options.sqlite and not words_here,
        ocr=options.ocr,
        settings=options.settings,
    )
    refused = refused or {}
    with Progress(len(paths) + len(refused), enabled=options.progress) as progress:
        plan = Plan(paths, journal, job, summary, progress, refused, words_here)
        if stream:
            plan.start_stream(outdir, options)
        last_write = time.monotonic()
        try:
            for outcome in make_pool(options, job).map(plan.tasks()):
                plan.append((outcome.task.sha256, job.fp), outcome.line)
                progress.advance(failed=outcome.status is None)
                if options.checkpoint_minutes and time.monotonic() - last_write > options.checkpoint_minutes * 60:
                    plan.write(outdir, options)
                    last_write = time.monotonic()
        finally:  # also on Ctrl-C: what finished is written, the panel of the folder too
            journal.close()
            progress.stop()
            plan.write(outdir, options, summary)
            # the panel spans every report the folder holds, this run's and earlier runs' (outputs/panel.py)
            write_panel(outdir, bom=options.bom, parquet=options.parquet, sqlite=options.sqlite, first=plan.panel)
    summary.seconds = time.perf_counter() - start
    return summary
