"""The files a conversion writes (spec: "Files a conversion writes").

Every file is written to a temporary name in the output folder and renamed into place,
so a reader never sees a half-written file and an interrupted run leaves the previous
complete files untouched.
"""
from __future__ import annotations

import csv
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

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

FILES = {
    "reports.csv": REPORT_COLUMNS,
    "cells.csv": CELL_COLUMNS,
    "checks.csv": CHECK_COLUMNS,
    "sections.csv": SECTION_COLUMNS,
    "errors.csv": ERROR_COLUMNS,
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


def error_row(source_path: str, error: str, message: str) -> dict[str, Any]:
    return {"source_path": source_path, "error": error, "message": message}


@contextmanager
def atomic(path: Path, newline: Optional[str] = "", encoding: str = "utf-8") -> Iterator:
    """Open a temporary file beside `path`; rename it over `path` only on success."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline=newline, encoding=encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_csv(path: Path, columns: list[str], rows: Iterable[dict[str, Any]], bom: bool = False) -> None:
    with atomic(path, encoding="utf-8-sig" if bom else "utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({k: fmt(row.get(k)) for k in columns})


def write_jsonl(path: Path, objects: Iterable[dict[str, Any]]) -> None:
    with atomic(path, newline="\n") as f:
        for obj in objects:
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")


def write_all(outdir: Path, results: list[Result], errors: list[dict[str, Any]], bom: bool = False) -> None:
    """Write the contract's six files for a batch."""
    outdir.mkdir(parents=True, exist_ok=True)
    write_csv(outdir / "reports.csv", REPORT_COLUMNS, (report_row(r) for r in results), bom)
    write_csv(outdir / "cells.csv", CELL_COLUMNS, (row for r in results for row in cell_rows(r)), bom)
    write_csv(outdir / "checks.csv", CHECK_COLUMNS, (row for r in results for row in check_rows(r)), bom)
    write_csv(outdir / "sections.csv", SECTION_COLUMNS, (row for r in results for row in section_rows(r)), bom)
    write_csv(outdir / "errors.csv", ERROR_COLUMNS, errors, bom)
    write_jsonl(outdir / "reports.jsonl", (r.to_dict() for r in results))
