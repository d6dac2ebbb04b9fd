"""Converting one document in isolation, and a pool of worker processes that does it.

Why a pool of our own rather than `concurrent.futures.ProcessPoolExecutor`: the executor
cannot stop one running task (a PDF that loops forever holds its worker until the batch
ends), and a worker killed by the kernel breaks the whole executor (BrokenProcessPool fails
every pending future).  Here each worker converts one document at a time; the parent kills a
worker whose document passed its deadline, records the document as an error, and starts a
fresh worker, so one pathological file costs one row in errors.csv and nothing else.
Workers also restart after `max_tasks` documents, so a slow leak in a reader cannot grow
memory with the batch.

One worker alone is sent its next document while it converts the one before (it waited
~2.5 ms a document for the parent to take its outcome and send the next, 5% of a PDF); with
several, a document goes to the first worker free, since one queued behind a slow scan
would wait while another worker sat idle.

Workers come from a forkserver that has already imported the pipeline (batch/server.py): a
restart costs a fork, not a Python start-up, and never inherits the parent's threads (the
progress bar).
"""

from __future__ import annotations

import math
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from report_extract.batch.server import start_forkserver
from report_extract.model.result import Result
from report_extract.outputs.journal import record_line
from report_extract.outputs.records import error_row
from report_extract.reading import office
from report_extract.reading.errors import ReaderError
from report_extract.settings import Settings, use


@dataclass(frozen=True)
class Job:
    """What every worker needs to convert a document; `fp` keys the journal."""

    engine: str = "auto"
    overrides: dict | None = None
    fp: str = ""
    segment: bool = True  # segment sections for the SQLite full-text index
    ocr: str = "auto"  # which PDF pages to OCR (reading/ocr/pages.py)
    # The batch's settings travel with every task: environment variables would not reach an
    # already running worker, nor a Dask worker on another machine.
    settings: Settings = field(default_factory=Settings.from_env)


@dataclass(frozen=True)
class Task:
    path: str
    sha256: str


@dataclass(frozen=True)
class Outcome:
    """A finished document: its journal line, and its status for the progress bar (the
    summary counts from the journal, which also holds documents of earlier runs)."""

    task: Task
    line: str
    status: str | None  # None: failed
    fatal: bool = False  # the worker hit its memory limit and must be replaced


def segment_sections(sections: list) -> list[str]:
    from report_extract.outputs.fts import index_words

    return [index_words(f"{s.title}\n{s.text}") for s in sections]


def extract(path: str, **options) -> Result:
    """pipeline.extract, imported on first use: the parent, which only schedules, never
    loads the pipeline; the forkserver preloads it for the workers (LocalPool)."""
    from report_extract.pipeline.stages import extract as run

    return run(path, **options)


def convert_task(task: Task, job: Job) -> Outcome:
    """Convert one document; any exception becomes an error outcome, never a crash."""
    try:
        result = extract(task.path, overrides=job.overrides, engine=job.engine, ocr=job.ocr, settings=job.settings)
    except ReaderError as e:
        return failed(task, job, "unreadable", e.cause)  # source_path names the file
    except MemoryError:
        raise  # the worker must restart: its heap is in an unknown state
    except ImportError as e:
        # A library that cannot load (under a tight --memory-limit, mapping its shared
        # object fails) is the machine's fault, not the document's: retried on resume, and
        # the worker, whose half-imported modules stay broken, is replaced.
        out = failed(task, job, "environment", f"{type(e).__name__}: {_first_line(e)}")
        return Outcome(task, out.line, None, fatal=True)
    except Exception as e:  # a bug on one document must not lose the batch
        return failed(task, job, type(e).__name__, _first_line(e))
    with use(job.settings):  # the batch's fts_compound_words, as for the document itself
        words = segment_sections(result.sections) if job.segment else None
    line = record_line(task.sha256, task.path, job.fp, result=result, words=words)
    return Outcome(task, line, result.status)


def _first_line(e: BaseException) -> str:
    return str(e).splitlines()[0] if str(e).strip() else repr(e)


def failed(task: Task, job: Job, error: str, message: str) -> Outcome:
    line = record_line(task.sha256, task.path, job.fp, error=error_row(task.path, error, message))
    return Outcome(task, line, None)


# ---- worker processes ----------------------------------------------------------------

Work = Callable[[Task, Job], Outcome]


def _worker_main(conn: Connection, job: Job, memory_mb: int, work: Work) -> None:
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while (task := conn.recv()) is not None:
        try:
            outcome = work(task, job)
        except MemoryError:
            out = failed(task, job, "memory", f"memory limit exceeded ({memory_mb} MB)")
            conn.send(Outcome(task, out.line, None, fatal=True))
            return
        conn.send(outcome)


class WorkersDying(RuntimeError):
    pass


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


@dataclass
class _Worker:
    process: Any
    conn: Connection
    task: Task | None = None  # the document it converts
    deadline: float = 0.0
    done: int = 0
    queued: Task | None = None  # sent ahead: the next one (one worker only)


@dataclass
class LocalPool:
    """`jobs` worker processes; `timeout` seconds and `memory_mb` of address space per
    document (0: no limit)."""

    jobs: int
    job: Job
    timeout: float = 120.0
    memory_mb: int = 0
    max_tasks: int = 500
    work: Work = convert_task  # module-level, so workers can import it
    _workers: list[_Worker] = field(default_factory=list)
    _deaths_in_a_row: int = 0  # of workers that died on their first document
    # Tasks sent ahead to a worker that was then replaced: given out again first.
    _returned: deque[Task] = field(default_factory=deque)

    def __post_init__(self) -> None:
        self._ctx = start_forkserver()

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        p = self._ctx.Process(target=_worker_main, args=(child, self.job, self.memory_mb, self.work), daemon=True)
        p.start()
        child.close()
        return _Worker(p, parent)

    def _stop(self, w: _Worker, kill: bool = False) -> None:
        if kill:
            w.process.kill()
            w.process.join(5)
            office.cleanup(w.process.pid)  # the LibreOffice a killed worker started
        else:
            try:
                w.conn.send(None)
            except OSError:
                pass
        w.process.join(5)
        if w.process.is_alive():
            w.process.kill()
            w.process.join()
        w.conn.close()

    def _replace(self, w: _Worker, kill: bool) -> None:
        self._take_back(w)
        self._stop(w, kill)
        i = next(i for i, x in enumerate(self._workers) if x is w)
        self._workers[i] = self._start()

    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        """Outcomes in completion order; every task gives exactly one."""
        pending = iter(tasks)
        self._workers = [self._start() for _ in range(self.jobs)]
        try:
            yield from self._loop(pending)
        finally:
            for w in self._workers:
                self._stop(w, kill=w.task is not None)

    def _feed(self, pending: Iterator[Task]) -> bool:
        """Give every idle worker a task, and one alone its next; False when there were
        none left to give."""
        for w in self._workers:
            while w.task is None or (self.jobs == 1 and w.queued is None and w.done + 1 < self.max_tasks):
                task = self._returned.popleft() if self._returned else next(pending, None)
                if task is None:
                    return False
                w.conn.send(task)
                if w.task is None:
                    w.task, w.deadline = task, self._deadline()
                else:
                    w.queued = task
        return True

    def _deadline(self) -> float:
        # a timeout of 0 is none (the timeout_s setting): the deadline never comes
        return time.monotonic() + (self.timeout or math.inf)

    def _take_back(self, w: _Worker) -> None:
        """The task sent ahead to `w`, which is being replaced, goes to the next worker."""
        if w.queued is not None:
            self._returned.append(w.queued)
            w.queued = None

    def _loop(self, pending: Iterator[Task]) -> Iterator[Outcome]:
        more = self._feed(pending)
        while True:
            busy = [w for w in self._workers if w.task is not None]
            if not busy:
                return
            first = min(w.deadline for w in busy)
            wait_for = None if first == math.inf else max(0.0, first - time.monotonic())
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], wait_for))
            done: list[Outcome] = []
            try:
                for w in busy:
                    outcome = self._collect(w, ready)
                    if outcome is not None:
                        done.append(outcome)
            except WorkersDying:
                yield from done  # what finished is journalled before the run stops
                raise
            # before the caller journals and writes these: the workers go on meanwhile (and
            # a task taken back from a replaced worker is given out even after the last new one)
            if more or self._returned:
                more = self._feed(pending)
            yield from done

    def _count_death(self, w: _Worker, why: str) -> None:
        """Workers that die before finishing anything, again and again, mean a broken
        installation, not bad documents: stop rather than fail every document."""
        self._deaths_in_a_row = self._deaths_in_a_row + 1 if w.done == 0 else 0
        if self._deaths_in_a_row >= 3 * self.jobs + 3:
            raise WorkersDying(f"worker processes keep dying before finishing a document ({why})")

    def _collect(self, w: _Worker, ready: set) -> Outcome | None:
        task = w.task
        assert task is not None
        if w.conn in ready:
            try:
                outcome = w.conn.recv()
            except (EOFError, OSError):
                outcome = None  # died while sending: reported as a crash below
            if outcome is not None:
                w.task, w.done, self._deaths_in_a_row = None, w.done + 1, 0
                if outcome.fatal or w.done >= self.max_tasks:
                    # No task is sent ahead past max_tasks.  After a fatal outcome, one may
                    # have been: the worker, which may be converting it, is killed.
                    self._replace(w, kill=w.queued is not None)
                elif w.queued is not None:  # the worker has begun the one sent ahead
                    w.task, w.queued, w.deadline = w.queued, None, self._deadline()
                return outcome
        if w.process.sentinel in ready or w.conn in ready:
            w.process.join(1)
            why = _exit_reason(w.process.exitcode)
            self._count_death(w, why)
            self._replace(w, kill=True)
            # under an address-space limit a worker that runs out dies as often by a signal
            # (SIGSEGV in a library) as by MemoryError: the limit is named, as `extract` names it
            limit = f"; memory limit {self.memory_mb} MB" if self.memory_mb else ""
            return failed(task, self.job, "crash", f"worker died ({why}){limit}")
        if time.monotonic() >= w.deadline:
            self._replace(w, kill=True)
            return failed(task, self.job, "timeout", f"timeout after {self.timeout:g} s")
        return None
