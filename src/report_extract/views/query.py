"""`report-extract query`: SQL over a conversion's reports.db, for people who ask questions.

The database is opened read-only (a `file:` URI built by pathlib, so a folder named `run#1`
or `50%?` is not cut short), and an authorizer allows only reading: SELECT, reads of
columns, functions and recursive queries, and the pragmas that describe the schema.
Anything else (ATTACH, which `VACUUM INTO` also starts with, CREATE, INSERT, PRAGMA
writes) is refused by SQLite before it runs, whatever the statement's spelling.  Results print as an aligned table (Chinese characters
count two columns) or as CSV.  `search` is full-text search in the sections, with the
query segmented by jieba exactly as the index was (outputs/fts.py).
"""

from __future__ import annotations

import re
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from report_extract.outputs.fts import match_expression
from report_extract.outputs.records import CsvWriter
from report_extract.outputs.sqlite import NAME
from report_extract.sections.words import words


class QueryError(Exception):
    """A question that cannot be answered: no database, or SQL that SQLite rejects."""


@dataclass
class Answer:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def connect(outdir: Path) -> sqlite3.Connection:
    path = outdir / NAME
    if not path.is_file():
        raise QueryError(f"no {NAME} in {outdir}: run `report-extract convert … -o {outdir}` (with --sqlite)")
    db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    db.set_authorizer(_read_only)
    return db


_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE}
# Functions that touch files or load code, should a build of SQLite have them.
_DENIED_FUNCTIONS = {"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"}
_SCHEMA_PRAGMAS = {
    "table_info",
    "table_xinfo",
    "table_list",
    "index_list",
    "index_info",
    "index_xinfo",
    "foreign_key_list",
    "collation_list",
    "function_list",
    "data_version",
}  # FTS5 asks it when it opens its table


def _read_only(action: int, arg1: str | None, arg2: str | None, db_name: str | None, trigger: str | None) -> int:
    if action in _ALLOWED:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master" and trigger is None and db_name == "main":
        # FTS5's constructor declares its virtual table through the schema; the connection
        # is opened read-only (mode=ro), so nothing can be written either way.
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() not in _DENIED_FUNCTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _SCHEMA_PRAGMAS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def run(outdir: Path, sql: str, params: tuple = ()) -> Answer:
    db = connect(outdir)
    try:
        cur = db.execute(sql, params)
        return Answer([d[0] for d in cur.description or []], cur.fetchall())
    except sqlite3.Error as e:
        raise QueryError(f"SQL error: {e}") from e
    finally:
        db.close()


SEARCH_SQL = """
SELECT r.agency, r.year, s.number, s.title, s.text, r.report_id
FROM sections_fts JOIN sections s ON s.id = sections_fts.rowid JOIN reports r ON r.report_id = s.report_id
WHERE sections_fts MATCH ? ORDER BY rank LIMIT ?
"""


def search(outdir: Path, query: str, limit: int = 20) -> Answer:
    """Sections containing every word of `query` (segmented by jieba as the index is, so
    政府网站 finds 政府 … 网站), best first, with the passage where the words stand
    closest, each matched word marked 【thus】."""
    expr = match_expression(query)
    if not expr:
        raise QueryError("nothing to search for")
    found = run(outdir, SEARCH_SQL, (expr, limit))
    terms = [w for w in words(query) if w.strip()]
    rows = [(agency, year, number, title, passage(text, terms, query), rid)
            for agency, year, number, title, text, rid in found.rows]  # fmt: skip
    return Answer(["agency", "year", "number", "title", "passage", "report_id"], rows)


MARK = ("【", "】")  # around a matched word in a passage: CJK brackets, which rich takes as text


def passage(text: str, terms: list[str], query: str = "", width: int = 30) -> str:
    """About `width` characters either side of the query as typed, or else of the place
    where most of its words occur within that reach; on one line, matched words marked."""
    flat = " ".join(text.split())
    terms = sorted({t for t in terms if t.strip()}, key=len, reverse=True)  # longest first: 人民政府 before 政府
    if not terms:
        return flat[: 2 * width]
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    hits = [(m.start(), m.group()) for m in pattern.finditer(flat)]
    at = flat.find(query.strip()) if query.strip() else -1
    if at < 0:
        at = max(hits, key=lambda h: len({t for i, t in hits if abs(i - h[0]) <= width}), default=(0, ""))[0]
    start, end = max(0, at - width), min(len(flat), at + width + len(query))
    marked = pattern.sub(lambda m: MARK[0] + m.group() + MARK[1], flat[start:end])
    marked = marked.replace(MARK[1] + MARK[0], "")  # 【政府】【网站】 → 【政府网站】: the query as typed
    return ("…" if start else "") + marked + ("…" if end < len(flat) else "")


def write_csv(answer: Answer, out: TextIO = sys.stdout) -> None:
    w = CsvWriter(out)
    w.writerow(answer.columns)
    w.writerows(["" if v is None else v for v in row] for row in answer.rows)


def print_table(answer: Answer, terminal: bool) -> None:
    """An aligned table; off a terminal, as wide as it needs (no wrapping in a pipe)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    for col in answer.columns:
        table.add_column(col, overflow="fold")
    for row in answer.rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    width = None if terminal else 10_000
    Console(width=width, no_color=not terminal, highlight=False, soft_wrap=not terminal).print(table)
