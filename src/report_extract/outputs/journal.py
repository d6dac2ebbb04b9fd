"""The conversion journal: an append-only file of finished documents in OUTDIR.

Every finished document (a result or an error) is one JSON line, written with a single
`write` on an O_APPEND descriptor, so a run killed with SIGKILL leaves at worst a torn last
line, which `open` cuts off before appending again.  Lines are fsync'd at most once a second
(and on close): a killed *process* loses nothing that `write` returned for, because the
kernel already holds it; fsync only bounds what a power cut can take.

A line is keyed by (content sha256, settings fingerprint): re-running the same command
finds every finished document and converts only the rest; a changed file or other
settings (engine, --meta file, package version, code, patterns) convert again.  Errors that
depend on the machine rather than the document (timeout, memory, crash, environment: a
library that failed to import) are tried again on resume.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from report_extract.model.result import Result

NAME = "journal.jsonl"
# Outcomes that depend on the machine, not the document: converted again on resume.
RETRIED_ERRORS = {"timeout", "memory", "crash", "environment"}
# A file name that is not UTF-8 (GBK names unpacked from a Windows zip) reaches Python with
# its undecodable bytes as lone surrogates U+DC80..U+DCFF (PEP 383), which no UTF-8 output
# can hold: the journal writes them as the text \xNN (any other lone surrogate as \uXXXX).
_SURROGATE = re.compile("[\ud800-\udfff]")


class JournalBusy(Exception):
    pass


Key = tuple[str, str]  # (content sha256, settings fingerprint)


@dataclass
class Journal:
    path: Path
    offsets: dict[Key, int] = field(default_factory=dict)  # key -> byte offset of its line
    # The newest line of each content hash and of each source path: the lines the folder's
    # dataset keeps (`current`) are those newest of both.
    _newest_of: dict[str, int] = field(default_factory=dict)  # content sha256 -> offset
    _newest_at: dict[str, int] = field(default_factory=dict)  # source path (as lines hold it) -> offset
    _fd: int = -1
    _last_sync: float = 0.0

    @classmethod
    def open(cls, outdir: Path, fresh: bool = False) -> Journal:
        """Lock, index the finished lines, cut a torn tail, and open for appending.
        `fresh`: forget every finished document (convert --fresh)."""
        outdir.mkdir(parents=True, exist_ok=True)
        j = cls(outdir / NAME)
        j._fd = os.open(j.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:  # two runs appending to one journal would interleave their outputs' temp files
            fcntl.flock(j._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(j._fd)
            raise JournalBusy(f"another conversion is writing to {outdir}") from None
        end = 0 if fresh else j._index()
        if os.fstat(j._fd).st_size > end:
            os.ftruncate(j._fd, end)
        return j

    def _index(self) -> int:
        """Offsets of complete, parseable lines; returns where the valid part ends."""
        if not self.path.exists():
            return 0
        end = offset = 0
        with open(self.path, "rb") as f:
            for line in f:
                if not line.endswith(b"\n"):
                    break  # torn by a kill in mid-write
                try:
                    rec = json.loads(line)
                except ValueError:
                    break
                key = record_key(rec)
                if (rec.get("error") or {}).get("error") not in RETRIED_ERRORS:
                    self.offsets[key] = offset
                self._newest_of[rec["sha256"]] = self._newest_at[rec["path"]] = offset
                offset += len(line)
                end = offset
        return end

    def empty(self) -> bool:
        """Whether the journal holds no line at all (a new folder, or --fresh)."""
        return os.fstat(self._fd).st_size == 0

    def __contains__(self, key: Key) -> bool:
        return key in self.offsets

    def append(self, key: Key, line: str) -> int:
        """Record one finished document (`line`: its JSON object, from `record_line`);
        returns the offset of its line."""
        data = (line + "\n").encode("utf-8")
        offset = os.lseek(self._fd, 0, os.SEEK_END)
        try:  # os.write may write part of the line (a full disk, a signal): write the rest
            done = 0
            while done < len(data):
                done += os.write(self._fd, data[done:])
        except OSError:
            os.ftruncate(self._fd, offset)  # no torn line for the next run to cut off
            raise
        self.offsets[key] = offset
        head = _HEAD.match(data)  # every line record_line makes starts so
        if head is not None:
            self._newest_of[head[1].decode()] = self._newest_at[json.loads(head[2])] = offset
        if time.monotonic() - self._last_sync > 1.0:
            self.sync()
        return offset

    def reaffirm(self, key: Key, path: str) -> None:
        """The finished document of `key` is this run's input `path`: its line must be one
        the folder's dataset keeps (`current`: the newest of its content and of its path).
        When it is not, it is journalled again under `path`: the file was renamed or moved
        since it was converted (the outputs name the input as it is now, not a path that is
        gone), or the path's earlier content or the content's reading with other settings
        is back (A, then B, then A again: the outputs hold A, not B)."""
        now = journalled(path)
        offset = self.offsets[key]
        if self._newest_of.get(key[0]) == offset and self._newest_at.get(now) == offset:
            return
        with open(self.path, "rb") as f:
            f.seek(offset)
            rec = json.loads(f.readline())
        rec["path"] = now
        if "result" in rec:
            rec["result"]["source"]["path"] = now
        else:
            rec["error"]["source_path"] = now
        self.append(key, json.dumps(rec, ensure_ascii=False, separators=(",", ":")))

    def sync(self) -> None:
        os.fsync(self._fd)
        self._last_sync = time.monotonic()

    def close(self) -> None:
        if self._fd >= 0:
            self.sync()
            os.close(self._fd)
            self._fd = -1

    def locate(self, keys: list[Key]) -> list[int]:
        """Where the lines of `keys` (those finished) start, in the order given."""
        return [self.offsets[key] for key in keys if key in self.offsets]


def read_at(path: Path, offsets: list[int]) -> Iterator[dict[str, Any]]:
    """The journal records at `offsets` (from `Journal.locate`), in that order; any process
    can read them while the run that holds the journal goes on appending."""
    with open(path, "rb") as f:
        for offset in offsets:
            f.seek(offset)
            yield json.loads(f.readline())


# The start of every line record_line writes: the identity and the path, read without
# parsing the whole line (cells and search words make lines of ~100 kB).
_HEAD = re.compile(rb'\{"sha256":"([^"]*)","path":("(?:[^"\\]|\\.)*")')


def current(path: Path) -> list[int]:
    """The folder's dataset: offsets of the journal lines it holds now, sorted by source path.

    An output folder is one growing dataset: every run adds to it, and the outputs hold
    every input ever converted into it (until --fresh), not only the last run's.  Of the
    lines of one content hash (or one refused input) the last wins (converted again by a
    newer version or other settings, or retried after a timeout); of the lines of one source
    path the last wins too, so a file changed in place, or refused once and readable now,
    keeps one row."""
    by_identity: dict[str, tuple[int, str]] = {}
    if not path.exists():
        return []
    with open(path, "rb") as f:
        offset = 0
        for line in f:
            if not line.endswith(b"\n"):
                break  # a kill in mid-write, or a run appending right now
            here, offset = offset, offset + len(line)
            m = _HEAD.match(line)
            try:
                sha, source = (m[1].decode(), json.loads(m[2])) if m else _identity(json.loads(line))
            except ValueError:
                break  # as Journal.open: nothing past a damaged line counts
            by_identity[sha] = (here, source)
    by_path: dict[str, int] = {}
    for here, source in sorted(by_identity.values()):
        by_path[source] = here
    return [here for _, here in sorted(by_path.items())]


def _identity(rec: dict[str, Any]) -> tuple[str, str]:
    return rec["sha256"], rec["path"]


def journalled(path: str) -> str:
    """`path` as a journal line holds it (a lone surrogate as its escaped text)."""
    return json.loads(_SURROGATE.sub(_escaped, json.dumps(path, ensure_ascii=False)))


def record_key(rec: dict[str, Any]) -> Key:
    return rec["sha256"], rec["fp"]


def record_line(
    sha256: str,
    path: str,
    fp: str,
    *,
    result: Result | None = None,
    error: dict[str, Any] | None = None,
    words: list[str] | None = None,
) -> str:
    """The journal line of one document.  `words`: its sections segmented for full-text
    search, computed in the worker so the export does not segment a whole crawl serially."""
    rec: dict[str, Any] = {"sha256": sha256, "path": path, "fp": fp}
    if result is not None:
        rec["result"] = result.to_dict()
        if words is not None:
            rec["words"] = words
    else:
        rec["error"] = error
    line = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
    return _SURROGATE.sub(_escaped, line)


def with_words(line: str, words: list[str]) -> str:
    """A result's line from `record_line` made without `words`, as record_line makes it
    with them (the words go last): the parent segments a document a worker converted."""
    tail = json.dumps(words, ensure_ascii=False, separators=(",", ":"))
    return line[:-1] + ',"words":' + _SURROGATE.sub(_escaped, tail) + "}"


def _escaped(m: re.Match[str]) -> str:
    """A lone surrogate as JSON for its backslashed text (the JSON of `\\xb1` is `\\\\xb1`)."""
    c = ord(m.group())
    return f"\\\\x{c - 0xDC00:02x}" if 0xDC80 <= c <= 0xDCFF else f"\\\\u{c:04x}"
