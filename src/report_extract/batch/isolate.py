"""Running one document's work in a child process under convert's limits, for `extract`,
`show` and `audit`.

A bomb that passes the guards, or a reader that loops, must not hang or exhaust the
machine of someone converting one file either: the work runs in a forked child with the
same address-space limit as a convert worker and is killed at the same timeout, and the
outcome is the same one-line message convert writes in errors.csv.

A plain `os.fork` and a pipe carrying the pickled outcome: `multiprocessing` would cost
a one-file command more to import than the fork and the pipe cost to use.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

from report_extract.reading.errors import ReaderError
from report_extract.settings import current

_CHUNK = 1 << 16  # pipe read size


def _child(fd: int, memory_mb: int, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        outcome = ("ok", fn(*args, **kwargs))
    except ReaderError as e:
        outcome = ("error", e.cause)  # the command names the file
    except MemoryError:
        outcome = ("error", f"memory limit exceeded ({memory_mb} MB)")
    except Exception as e:  # noqa: BLE001  a bug on one document: one line, as convert records it
        first = str(e).splitlines()[0] if str(e).strip() else repr(e)
        outcome = ("error", f"{type(e).__name__}: {first}")
    data = memoryview(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
    while data:
        data = data[os.write(fd, data[:_CHUNK]) :]


def _receive(fd: int, timeout: float) -> bytes | None:
    """Everything the child writes until it closes the pipe; None at the deadline (a
    timeout of 0 is none: the timeout_s setting)."""
    deadline = time.monotonic() + timeout if timeout else None
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    parts: list[bytes] = []
    while True:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0 or not poller.poll(None if left is None else left * 1000):
            return None
        chunk = os.read(fd, _CHUNK)
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)


def _death(status: int, memory_mb: int) -> str:
    how = (
        f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit code {os.waitstatus_to_exitcode(status)}"
    )
    return f"worker died ({how})" + (f"; memory limit {memory_mb} MB" if memory_mb else "")


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
    here, there = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()  # the command line is single-threaded here: fork is safe and instant
    if pid == 0:
        code = 1
        try:
            os.close(here)
            _child(there, memory_mb, fn, args, kwargs)
            code = 0
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)  # never the parent's atexit handlers or buffers
    os.close(there)
    status, data, clean = None, None, False
    try:
        data = _receive(here, timeout)
        if data is None:
            raise ReaderError(f"timeout after {timeout:g} s")
        _, status = os.waitpid(pid, 0)
        if not data:
            raise ReaderError(_death(status, memory_mb))
        outcome, value = pickle.loads(data)
        clean = outcome == "ok"
    finally:
        if status is None:  # timed out, or interrupted: the child may still run
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(here)
        if not clean:
            from report_extract.reading import office  # the LibreOffice a killed or failed child started, if any

            office.cleanup(pid)
    if outcome == "error":
        raise ReaderError(value)
    return value
