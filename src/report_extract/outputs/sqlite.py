"""reports.db: the outputs as one SQLite database, ready for Datasette and sqlite-utils.

Tables reports, cells, checks, sections, errors and facts (free-form reports), and
`codebook` (every cell key with its Chinese labels, to join on cells), with indexes for
the usual joins and filters, and `sections_fts`: an FTS5 index
over `sections.words`, the jieba-segmented title and text (outputs/fts.py says why).  The table is
declared the way sqlite-utils declares one (`content=[sections]`), so Datasette's search
box and `sqlite-utils search` find it without configuration.  Beside it, `metadata.json`
describes every table and column for Datasette (`datasette reports.db -m metadata.json`).

The database is built in a temporary file with journaling off (nobody else can see it)
and renamed into place when complete.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from report_extract.contract.codebook import CODEBOOK_COLUMNS, codebook, metadata_json
from report_extract.outputs.fts import section_words
from report_extract.outputs.records import (
    BOOLEANS,
    INTEGERS,
    NUMBERS,
    TABLES,
    AtomicFile,
    Record,
    Rename,
    seal,
    temporary,
)

NAME = "reports.db"
SCHEMA = {**TABLES, "sections": TABLES["sections"] + ["words"]}  # words: the full-text index's column
INDEXES = [
    "CREATE INDEX cells_report ON cells(report_id)",
    "CREATE INDEX cells_key ON cells([table], [row], col)",
    "CREATE INDEX checks_report ON checks(report_id)",
    "CREATE INDEX checks_failed ON checks([check], ok)",
    "CREATE INDEX sections_report ON sections(report_id)",
    "CREATE INDEX facts_report ON facts(report_id)",
    "CREATE INDEX facts_key ON facts([key], period)",
    "CREATE INDEX reports_where ON reports(province, city, year)",
    "CREATE INDEX reports_agency ON reports(agency, year)",
    "CREATE INDEX reports_agency_id ON reports(agency_id, year)",
]


def _type(col: str) -> str:
    return "INTEGER" if col in INTEGERS | BOOLEANS else "NUMERIC" if col in NUMBERS else "TEXT"


def _create(table: str, cols: list[str]) -> str:
    key = {"reports": "report_id TEXT PRIMARY KEY", "sections": "id INTEGER PRIMARY KEY"}.get(table)
    defs = [key] if key else []
    defs += [
        f"[{c}] {_type(c)}" + (" REFERENCES reports(report_id)" if c == "report_id" and table != "reports" else "")
        for c in cols
        if not (table == "reports" and c == "report_id")
    ]
    return f"CREATE TABLE [{table}] ({', '.join(defs)})"


class SqliteSink:
    def __init__(self, outdir: Path) -> None:
        self.path = outdir / NAME
        fd, self.tmp = temporary(self.path)
        os.close(fd)
        self.db = sqlite3.connect(self.tmp)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
        self.tables = SCHEMA
        for table, cols in self.tables.items():
            self.db.execute(_create(table, cols))
        self.db.execute(f"CREATE TABLE codebook ({', '.join(f'[{c}] TEXT' for c in CODEBOOK_COLUMNS)})")
        self.db.execute("BEGIN")
        self.db.executemany(
            f"INSERT INTO codebook VALUES ({', '.join('?' * len(CODEBOOK_COLUMNS))})",
            [[row[c] for c in CODEBOOK_COLUMNS] for row in codebook()],
        )
        self.metadata = AtomicFile(outdir / "metadata.json")
        self.metadata.file.write(metadata_json())

    def _insert(self, table: str, rows: Iterable[list[Any]]) -> None:
        """Rows in the table's column order (export.table_rows); sqlite3 stores booleans as 0/1."""
        cols = self.tables[table]
        sql = f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({', '.join('?' * len(cols))})"
        self.db.executemany(sql, rows)

    def add(self, rec: Record) -> None:
        for table, rows in rec.tables.items():
            if table == "sections":
                rows = [[*row, w] for row, w in zip(rows, _words(rec))]
            self._insert(table, rows)

    def finish(self) -> list[Rename]:
        for sql in INDEXES:
            self.db.execute(sql)
        self.db.execute("CREATE VIRTUAL TABLE [sections_fts] USING FTS5 ([words], content=[sections])")
        self.db.execute("INSERT INTO sections_fts(sections_fts) VALUES ('rebuild')")
        self.db.commit()
        self.db.execute("ANALYZE")
        self.db.close()
        return [seal(self.tmp, self.path), self.metadata.finish()]

    def abort(self) -> None:
        self.metadata.abort()
        self.db.close()
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


def _words(rec: Record) -> list[str]:
    """The sections' search words: segmented by the worker, or here for a journal written
    without --sqlite."""
    sections = rec.obj.get("sections", []) if rec.obj is not None else []  # an error has none
    if rec.words is not None and len(rec.words) == len(sections):
        return rec.words
    return section_words(sections)
