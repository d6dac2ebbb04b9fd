"""Parquet copies of the tables for pandas, Polars and DuckDB users (`--parquet`).

One file per table (reports.parquet, cells.parquet, checks.parquet, sections.parquet,
errors.parquet, facts.parquet), with fixed column types so files from different runs concatenate:
counts are int64, cell, check and fact values float64 (a count or a 万元 amount; every count a
report prints is exact in float64), flags boolean.  Rows are buffered and written in row
groups of `parquet_row_group` rows, so memory stays flat; each file is renamed into place whole.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from report_extract.outputs.records import BOOLEANS, INTEGERS, NUMBERS, TABLES, Record, Rename, seal, temporary
from report_extract.settings import current


def _field(col: str) -> pa.Field:
    kind = (pa.int64() if col in INTEGERS else pa.float64() if col in NUMBERS else pa.bool_() if col in BOOLEANS
            else pa.string())  # fmt: skip
    return pa.field(col, kind)


def _cell(col: str, v: Any) -> Any:
    if v is None or col in INTEGERS or col in BOOLEANS:
        return v
    if col in NUMBERS:
        return float(v)
    return str(v)


class _Table:
    def __init__(self, path: Path, cols: list[str]) -> None:
        self.path, self.cols = path, cols
        self.schema = pa.schema([_field(c) for c in cols])
        fd, self.tmp = temporary(path)
        os.close(fd)
        self.writer = pq.ParquetWriter(self.tmp, self.schema, compression="zstd")
        self.rows: list[list[Any]] = []  # in column order (export.table_rows)

    def add(self, rows) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= current().parquet_row_group:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            data = {c: [_cell(c, r[i]) for r in self.rows] for i, c in enumerate(self.cols)}
            self.writer.write_table(pa.table(data, schema=self.schema))
            self.rows = []

    def finish(self) -> Rename:
        self.flush()
        self.writer.close()
        return seal(self.tmp, self.path)

    def abort(self) -> None:
        self.writer.close()
        os.unlink(self.tmp)


class ParquetSink:
    def __init__(self, outdir: Path) -> None:
        self.tables = {t: _Table(outdir / f"{t}.parquet", cols) for t, cols in TABLES.items()}

    def add(self, rec: Record) -> None:
        for table, rows in rec.tables.items():
            self.tables[table].add(rows)

    def finish(self) -> list[Rename]:
        return [table.finish() for table in self.tables.values()]

    def abort(self) -> None:
        for table in self.tables.values():
            table.abort()
