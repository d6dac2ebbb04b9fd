"""isolate.run_limited: the one-file commands' child process, its outcome and its limits."""

from __future__ import annotations

import os
import signal
import time

import pytest

from report_extract.batch.isolate import run_limited
from report_extract.reading.errors import ReaderError


def _big(n: int) -> dict:
    return {"cells": [f"{i}:政府信息公开" for i in range(n)]}


@pytest.mark.parametrize("n", [0, 10, 100_000])  # the last is megabytes: many pipe buffers
def test_the_return_value_comes_back_whole(n):
    assert run_limited(_big, n, timeout=60) == _big(n)


def _raise(kind: str):
    if kind == "reader":
        raise ReaderError("corrupt PDF: cannot be parsed")
    raise ValueError("bad value\nsecond line")


@pytest.mark.parametrize(
    "kind, message", [("reader", "corrupt PDF: cannot be parsed"), ("bug", "ValueError: bad value")]
)
def test_an_exception_is_one_line(kind, message):
    with pytest.raises(ReaderError) as e:
        run_limited(_raise, kind, timeout=60)
    assert str(e.value) == message


def _die(sig: int):
    os.kill(os.getpid(), sig)
    time.sleep(10)


@pytest.mark.parametrize("sig", [signal.SIGSEGV, signal.SIGKILL])
def test_a_dying_child_is_reported_with_its_signal(sig):
    with pytest.raises(ReaderError) as e:
        run_limited(_die, sig, timeout=60, memory_mb=900)
    assert str(e.value) == f"worker died (signal {int(sig)}); memory limit 900 MB"


def _exit():
    os._exit(3)


def test_an_exiting_child_is_reported_with_its_code():
    with pytest.raises(ReaderError, match=r"^worker died \(exit code 3\)$"):
        run_limited(_exit, timeout=60, memory_mb=0)


def _hang(pid_file):
    pid_file.write_text(str(os.getpid()))
    time.sleep(600)


def test_the_timeout_kills_the_child(tmp_path):
    pid_file = tmp_path / "pid"
    with pytest.raises(ReaderError, match=r"^timeout after 1 s$"):
        run_limited(_hang, pid_file, timeout=1)
    with pytest.raises(ProcessLookupError):  # killed and reaped, not left running
        os.kill(int(pid_file.read_text()), 0)


def test_a_timeout_of_0_is_no_limit(tmp_path) -> None:
    """timeout_s = 0 means no limit (the setting's documentation): it timed every document
    out at once, in `extract` and in convert's pool (newcomer's trial)."""
    from report_extract.batch import workers
    from report_extract.batch.isolate import run_limited

    assert run_limited(sum, [1, 2], timeout=0) == 3
    doc = tmp_path / "r.txt"
    doc.write_text("某县人民政府2015年政府信息公开工作年度报告\n全年主动公开政府信息120条。\n", encoding="utf-8")
    pool = workers.LocalPool(1, workers.Job(fp="fp"), timeout=0)
    (outcome,) = list(pool.map([workers.Task(str(doc), "sha")]))
    assert outcome.status == "no_tables" and '"error":"timeout"' not in outcome.line
