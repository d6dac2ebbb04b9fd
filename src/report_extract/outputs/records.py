"""The files a conversion writes (spec: "Files a conversion writes").

Every file is written to a temporary name in the output folder and renamed into place
(outputs/folder.py), so a reader never sees a half-written file and an interrupted run leaves the
previous complete files untouched.  Writers are sinks fed one document at a time, so
writing a crawl of a million documents needs the memory of one document (the SQLite and
Parquet sinks in outputs/sqlite.py and outputs/parquet.py work the same way).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TextIO

from report_extract.contract.codebook import CODEBOOK_COLUMNS, codebook
from report_extract.metadata.agency import agency_id
from report_extract.model.result import severity_of

REPORT_COLUMNS = [
    "report_id", "source_path", "format", "status", "title", "agency", "agency_full", "agency_id", "year",
    "published", "template", "province", "city", "county", "adcode", "level", "kind", "pages",
    "checks_failed", "checks_soft_failed", "warnings", "review", "review_reasons",
]  # fmt: skip
CELL_COLUMNS = ["report_id", "table", "row", "col", "value", "raw", "derived", "unit", "page",
                "line", "bbox", "confidence", "ambiguous"]  # fmt: skip
CHECK_COLUMNS = ["report_id", "check", "scope", "severity", "left", "right", "ok", "note"]
SECTION_COLUMNS = ["report_id", "number", "key", "title", "text"]
ERROR_COLUMNS = ["source_path", "error", "message"]
FACT_COLUMNS = ["report_id", "key", "value", "unit", "period", "source", "label", "sentence"]

# Every output table (a CSV file, a SQLite table, a Parquet file) and its columns; the
# sinks write the rows of `table_rows` by position, so this is the one list of them.
TABLES = {
    "reports": REPORT_COLUMNS,
    "cells": CELL_COLUMNS,
    "checks": CHECK_COLUMNS,
    "sections": SECTION_COLUMNS,
    "errors": ERROR_COLUMNS,
    "facts": FACT_COLUMNS,
}
# Column kinds for the typed outputs (SQLite, Parquet); every other column is text.
INTEGERS = {"year", "pages", "checks_failed", "checks_soft_failed", "warnings", "page", "line"}
NUMBERS = {"value", "left", "right", "confidence"}
BOOLEANS = {"derived", "ambiguous", "ok", "review"}
_TEXT = {True: "true", False: "false", None: ""}


def fmt(value: Any) -> str:
    """CSV text of a value: null → empty, booleans → true/false."""
    return _TEXT[value] if value is None or isinstance(value, bool) else str(value)


def bbox_text(box: Iterable[Any]) -> str:
    return " ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in box)


# The rows of every table, built from a report's JSON object (Result.to_dict, as the
# journal holds it) in column order, once per report for every sink.  Values keep their
# type (None, bool, number, text) with the bbox as its text; each sink writes them its
# way (CSV: true/false; SQLite: 0/1).  The parent process builds these for a whole crawl
# serially, so they are plain lists rather than dicts or dataclasses.
CELL_DEFAULTS = {"raw": "", "derived": False, "ambiguous": False}  # to_dict leaves out None/False/""
_CELL_FIELDS = [(k, CELL_DEFAULTS.get(k)) for k in CELL_COLUMNS[1:]]
_BBOX = CELL_COLUMNS.index("bbox")
_SEVERITY = CHECK_COLUMNS.index("severity")


def report_row(obj: dict[str, Any]) -> list[Any]:
    meta, source = obj["meta"], obj["source"]
    region = meta.get("region") or {}
    own = {"report_id": obj["report_id"], "source_path": source.get("path"), "format": source.get("format"),
           "status": obj.get("status", "ok"), "pages": source.get("pages"), "checks_failed": checks_failed(obj),
           "checks_soft_failed": checks_failed(obj, "soft"), "warnings": len(obj.get("warnings", ())),
           "review": bool(obj.get("review_reasons")), "review_reasons": "; ".join(obj.get("review_reasons", ()))}  # fmt: skip
    return [own[k] if k in own else region[k] if k in region else meta.get(k) for k in REPORT_COLUMNS]


def checks_failed(obj: dict[str, Any], severity: str = "hard") -> int:
    """Failed checks of one severity: hard (the tables' arithmetic) or soft (prose)."""
    return sum(1 for c in obj.get("checks", ()) if c["ok"] is False and check_severity(c) == severity)


def check_severity(check: dict[str, Any]) -> str:
    """A check's severity; journals written before checks carried one get it from the id."""
    return check.get("severity") or severity_of(check["check"])


def cell_rows(obj: dict[str, Any]) -> list[list[Any]]:
    rid, rows = obj["report_id"], []
    for c in obj.get("cells", ()):
        row = [rid, *[c.get(k, default) for k, default in _CELL_FIELDS]]
        if row[_BBOX] is not None:
            row[_BBOX] = bbox_text(row[_BBOX])
        rows.append(row)
    return rows


def _plain_rows(obj: dict[str, Any], part: str, columns: list[str]) -> list[list[Any]]:
    rid = obj["report_id"]
    return [[rid, *[item.get(k) for k in columns[1:]]] for item in obj.get(part, ())]


def check_rows(obj: dict[str, Any]) -> list[list[Any]]:
    rows = _plain_rows(obj, "checks", CHECK_COLUMNS)
    for row, check in zip(rows, obj.get("checks", ())):
        row[_SEVERITY] = check_severity(check)
    return rows


def table_rows(obj: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """Every table's rows of one report, keyed by table name (reports, cells, checks,
    sections, facts)."""
    return {"reports": [report_row(obj)], "cells": cell_rows(obj),
            "checks": check_rows(obj),
            "sections": _plain_rows(obj, "sections", SECTION_COLUMNS),
            "facts": _plain_rows(obj, "facts", FACT_COLUMNS)}  # fmt: skip


def error_row(source_path: str, error: str, message: str) -> dict[str, Any]:
    """A document that could not be converted, as the journal holds it."""
    return {"source_path": source_path, "error": error, "message": message}


@dataclass
class Record:
    """One finished document as the writers see it: a report's JSON object (with the
    sections' search words) or an error."""

    obj: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    words: list[str] | None = None
    offset: int | None = None  # of its journal line (the panel's second pass reads it again)

    @classmethod
    def from_journal(cls, rec: dict[str, Any], offset: int | None = None) -> Record:
        if "result" in rec:
            obj = rec["result"]
            # recomputed, not as journalled: an edited patterns/agency_aliases.csv applies
            obj["meta"]["agency_id"] = agency_id(obj["meta"])
            return cls(obj=obj, words=rec.get("words"), offset=offset)
        return cls(error=rec["error"], offset=offset)

    @cached_property
    def tables(self) -> dict[str, list[list[Any]]]:
        if self.obj is None:
            return {"errors": [[(self.error or {}).get(k) for k in ERROR_COLUMNS]]}
        return table_rows(self.obj)


Rename = tuple[str, Path]  # (a complete temporary file, the output it replaces)


def temporary(path: Path) -> tuple[int, str]:
    """A new temporary file beside `path`, named .NAME.XXXX.tmp: the name by which
    folder.remove_stale_temporaries finds those a killed run left.  (fd, its path)"""
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")


def seal(tmp: str, path: Path) -> Rename:
    """Make a complete temporary file durable and readable like any new file (mkstemp
    creates files only the owner can read); outputs.publish then renames it over `path`."""
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    return tmp, path


class AtomicFile:
    """A temporary text file beside `path`: `finish` seals it for renaming over `path`,
    `abort` deletes it."""

    def __init__(self, path: Path, encoding: str = "utf-8") -> None:
        self.path = path
        fd, self.tmp = temporary(path)
        self.file: TextIO = os.fdopen(fd, "w", newline="", encoding=encoding)

    def finish(self) -> Rename:
        self.file.close()
        return seal(self.tmp, self.path)

    def abort(self) -> None:
        try:  # on a full disk close() raises (its buffer cannot be flushed): unlink all the same
            self.file.close()
        except OSError:
            pass
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)


class CsvWriter:
    """csv.writer with "\\n" line ends that still quotes a field holding a carriage return:
    the csv module quotes only fields holding a character of its line terminator, so a
    file name with "\\r" was written bare and readers split its row in two.  Such (rare)
    rows are written with every field quoted."""

    def __init__(self, file: Any) -> None:
        self._minimal = csv.writer(file, lineterminator="\n")
        self._quoted = csv.writer(file, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row: Iterable[Any]) -> None:
        row = list(row)
        if any(isinstance(v, str) and "\r" in v for v in row):
            self._quoted.writerow(row)
        else:
            self._minimal.writerow(row)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def _flags_as_text(rows: list[list[Any]], flags: list[int]) -> Iterator[list[Any]]:
    """`rows` with the booleans at positions `flags` as the CSV files write them."""
    for row in rows:
        row = row.copy()
        for i in flags:
            row[i] = _TEXT[row[i]]
        yield row


class CsvSink:
    """The contract's CSV files, reports.jsonl and the codebook (codebook.csv)."""

    def __init__(self, outdir: Path, bom: bool = False) -> None:
        enc = "utf-8-sig" if bom else "utf-8"
        self.files = {table: AtomicFile(outdir / f"{table}.csv", encoding=enc) for table in TABLES}
        self.jsonl = AtomicFile(outdir / "reports.jsonl")
        self.writers = {table: CsvWriter(f.file) for table, f in self.files.items()}
        for table, cols in TABLES.items():
            self.writers[table].writerow(cols)
        self.flags = {table: [i for i, c in enumerate(cols) if c in BOOLEANS] for table, cols in TABLES.items()}
        self.codebook = AtomicFile(outdir / "codebook.csv", encoding=enc)
        book = csv.DictWriter(self.codebook.file, CODEBOOK_COLUMNS, lineterminator="\n")
        book.writeheader()
        book.writerows(codebook())

    def add(self, rec: Record) -> None:
        for table, rows in rec.tables.items():
            flags = self.flags[table]
            self.writers[table].writerows(_flags_as_text(rows, flags) if flags else rows)
        if rec.obj is not None:
            self.jsonl.file.write(json.dumps(rec.obj, ensure_ascii=False) + "\n")

    def finish(self) -> list[Rename]:
        return [f.finish() for f in (*self.files.values(), self.jsonl, self.codebook)]

    def abort(self) -> None:
        for f in (*self.files.values(), self.jsonl, self.codebook):
            f.abort()
