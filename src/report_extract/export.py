"""The files a conversion writes (spec: "Files a conversion writes").

Every file is written to a temporary name in the output folder and renamed into place,
so a reader never sees a half-written file and an interrupted run leaves the previous
complete files untouched.  Writers are sinks fed one document at a time, so writing a
crawl of a million documents needs the memory of one document (SQLite and Parquet sinks
in sqlite.py and parquet.py work the same way).
"""
from __future__ import annotations

import csv
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Protocol

from .journal import result_from_dict
from .result import Result

REPORT_COLUMNS = [
    "report_id", "source_path", "format", "status", "title", "agency", "agency_full", "year",
    "published", "template", "province", "city", "county", "adcode", "level", "kind", "pages",
    "checks_failed", "warnings",
]  # fmt: skip
CELL_COLUMNS = ["report_id", "table", "row", "col", "value", "raw", "derived", "unit", "page",
                "line", "bbox", "confidence", "ambiguous"]  # fmt: skip
CHECK_COLUMNS = ["report_id", "check", "scope", "left", "right", "ok", "note"]
SECTION_COLUMNS = ["report_id", "number", "key", "title", "text"]
ERROR_COLUMNS = ["source_path", "error", "message"]
FACT_COLUMNS = ["report_id", "key", "value", "unit", "period", "source", "label", "sentence"]

FILES = {
    "reports.csv": REPORT_COLUMNS,
    "cells.csv": CELL_COLUMNS,
    "checks.csv": CHECK_COLUMNS,
    "sections.csv": SECTION_COLUMNS,
    "errors.csv": ERROR_COLUMNS,
    "facts.csv": FACT_COLUMNS,
}


def fmt(value: Any) -> str:
    """CSV text of a value: null → empty, booleans → true/false, bbox → x0 top x1 bottom."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return " ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
    return str(value)


def report_row(r: Result) -> dict[str, Any]:
    meta = dict(r.meta)
    region = meta.pop("region", None) or {}
    row = {**meta, **region}
    row.update(
        report_id=r.report_id,
        source_path=r.source.get("path"),
        format=r.source.get("format"),
        status=r.status,
        pages=r.source.get("pages"),
        checks_failed=r.checks_failed,
        warnings=len(r.warnings),
    )
    return row


def cell_rows(r: Result) -> Iterator[dict[str, Any]]:
    for c in r.cells:
        yield {"report_id": r.report_id, "table": c.table, "row": c.row, "col": c.col, "value": c.value,
               "raw": c.raw, "derived": c.derived, "unit": c.unit, "page": c.page, "line": c.line,
               "bbox": c.bbox, "confidence": c.confidence, "ambiguous": c.ambiguous}


def check_rows(r: Result) -> Iterator[dict[str, Any]]:
    for c in r.checks:
        yield {"report_id": r.report_id, "check": c.check, "scope": c.scope, "left": c.left,
               "right": c.right, "ok": c.ok, "note": c.note}


def section_rows(r: Result) -> Iterator[dict[str, Any]]:
    for s in r.sections:
        yield {"report_id": r.report_id, "number": s.number, "key": s.key, "title": s.title, "text": s.text}


def fact_rows(r: Result) -> Iterator[dict[str, Any]]:
    for f in r.facts:
        yield {"report_id": r.report_id, "key": f.key, "value": f.value, "unit": f.unit, "period": f.period,
               "source": f.source, "label": f.label, "sentence": f.sentence}


def error_row(source_path: str, error: str, message: str) -> dict[str, Any]:
    return {"source_path": source_path, "error": error, "message": message}


@dataclass
class Record:
    """One finished document as the writers see it: a result (with its JSON object and
    the sections' search words) or an error row."""

    obj: Optional[dict[str, Any]] = None
    result: Optional[Result] = None
    error: Optional[dict[str, Any]] = None
    words: Optional[list[str]] = None

    @classmethod
    def from_journal(cls, rec: dict[str, Any]) -> "Record":
        if "result" in rec:
            return cls(obj=rec["result"], result=result_from_dict(rec["result"]), words=rec.get("words"))
        return cls(error=rec["error"])

    @classmethod
    def of(cls, result: Result) -> "Record":
        return cls(obj=result.to_dict(), result=result)


def publish(tmp: str, path: Path) -> None:
    """Make a complete temporary file durable and readable like any new file, then move it
    over `path` in one step (mkstemp creates files only the owner can read)."""
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)


class AtomicFile:
    """A temporary file beside `path`, renamed over it by `commit`, deleted by `abort`."""

    def __init__(self, path: Path, binary: bool = False, encoding: str = "utf-8") -> None:
        self.path = path
        fd, self.tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        self.file = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", newline="", encoding=encoding)

    def commit(self) -> None:
        self.file.close()
        publish(self.tmp, self.path)

    def abort(self) -> None:
        self.file.close()
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


class CsvSink:
    """The contract's five CSV files and reports.jsonl."""

    ROWS = {"reports.csv": lambda r: [report_row(r)], "cells.csv": cell_rows,
            "checks.csv": check_rows, "sections.csv": section_rows, "facts.csv": fact_rows}  # fmt: skip

    def __init__(self, outdir: Path, bom: bool = False) -> None:
        enc = "utf-8-sig" if bom else "utf-8"
        self.files = {name: AtomicFile(outdir / name, encoding=enc) for name in FILES}
        self.files["reports.jsonl"] = AtomicFile(outdir / "reports.jsonl")
        # Plain writers with lists: the parent writes every row of a crawl, and
        # DictWriter's per-row dict handling was a third of its CPU.
        self.writers = {name: csv.writer(self.files[name].file, lineterminator="\n") for name in FILES}
        for name, cols in FILES.items():
            self.writers[name].writerow(cols)

    def _write(self, name: str, rows: Iterable[dict[str, Any]]) -> None:
        cols = FILES[name]
        self.writers[name].writerows([fmt(row.get(k)) for k in cols] for row in rows)

    def add(self, rec: Record) -> None:
        if rec.result is None:
            self._write("errors.csv", [rec.error or {}])
            return
        for name, rows in self.ROWS.items():
            self._write(name, rows(rec.result))
        self.files["reports.jsonl"].file.write(json.dumps(rec.obj, ensure_ascii=False) + "\n")

    def commit(self) -> None:
        for f in self.files.values():
            f.commit()

    def abort(self) -> None:
        for f in self.files.values():
            f.abort()


class Sink(Protocol):
    def add(self, rec: Record) -> None: ...
    def commit(self) -> None: ...
    def abort(self) -> None: ...


def write_records(sinks: list[Sink], records: Iterable[Record]) -> int:
    """Stream `records` into every sink; all files appear together at the end, or none
    changes (an exception aborts every sink).  Returns the number of records."""
    n = 0
    try:
        for rec in records:
            for sink in sinks:
                sink.add(rec)
            n += 1
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    for sink in sinks:
        sink.commit()
    return n
