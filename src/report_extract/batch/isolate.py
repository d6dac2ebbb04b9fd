"""Running one document's work in a child process under convert's limits, for `extract`,
`show` and `audit`.

A bomb that passes the guards, or a reader that loops, must not hang or exhaust the
machine of someone converting one file either: the work runs in a forked child with the
same address-space limit as a convert worker and is killed at the same timeout, and the
outcome is the same one-line message convert writes in errors.csv.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from report_extract.reading import office
from report_extract.reading.errors import ReaderError
from report_extract.settings import current


def _child(conn: Connection, memory_mb: int, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        conn.send(("ok", fn(*args, **kwargs)))
    except ReaderError as e:
        conn.send(("error", e.cause))  # the command names the file
    except MemoryError:
        conn.send(("error", f"memory limit exceeded ({memory_mb} MB)"))
    except Exception as e:  # noqa: BLE001  a bug on one document: one line, as convert records it
        first = str(e).splitlines()[0] if str(e).strip() else repr(e)
        conn.send(("error", f"{type(e).__name__}: {first}"))
    finally:
        conn.close()


def run_limited(
    fn: Callable[..., Any], *args: Any, timeout: float | None = None, memory_mb: int | None = None, **kwargs: Any
) -> Any:
    """`fn(*args, **kwargs)` in a child process; its return value (picklable), or
    ReaderError with the one-line cause (the reader's, `timeout after N s`, `memory limit
    exceeded (N MB)`, `worker died (…)`).  Limits: the `timeout_s` and `memory_mb` settings
    by default."""
    settings = current()
    timeout = settings.timeout_s if timeout is None else timeout
    memory_mb = settings.memory_mb if memory_mb is None else memory_mb
    ctx = mp.get_context("fork")  # the command line is single-threaded here: fork is safe and instant
    here, there = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(there, memory_mb, fn, args, kwargs), daemon=True)
    proc.start()
    there.close()
    try:
        if not here.poll(timeout):
            raise ReaderError(f"timeout after {timeout:g} s")
        try:
            status, value = here.recv()
        except EOFError:
            proc.join(5)
            code = proc.exitcode
            raise ReaderError(
                f"worker died ({'signal ' + str(-code) if code and code < 0 else f'exit code {code}'})"
                + (f"; memory limit {memory_mb} MB" if memory_mb else "")
            ) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        if proc.pid is not None:  # always so once start() returned; typed Optional for before
            office.cleanup(proc.pid)  # the LibreOffice a killed child started, if any
        here.close()
    if status == "error":
        raise ReaderError(value)
    return value
