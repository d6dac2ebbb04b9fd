"""The agency-year panel of an output folder: one row per body and year, checked across years.

Built from every report the folder holds: its journal (every document converted into it,
run after run, so a researcher adds a year's crawl to last year's output folder and gets
the panel of both), or reports.jsonl where there is no journal.

1. One pass reads each report's id, body (agency.agency_id), year, the size of its tables,
   its failed checks and the few cells the cross-year checks need (`FirstPass`; in a
   conversion, made from the records as its outputs are written, not read again).
2. Reports of one body and year are versions of one report (a PDF and its web page, a
   corrected re-release).  The primary is the one with the most tables, then the fewest
   failed checks, then the latest publication date (then the smallest report id, so the
   choice never depends on order); panel_reports.csv points the others to it.
3. Consecutive years of a body are checked (checks/crossyear.py) and a second pass writes the
   primaries' cells as panel rows: one column per canonical cell any report has, named by
   its key, so new tables' keys (issue 18's legacy statistics) become columns by themselves.

Files: panel.csv, panel_checks.csv, panel_reports.csv, panel.dta (Stata, with Chinese
variable labels) and panel_stata_names.csv, panel.parquet (with pyarrow), and the tables
panel, panel_checks and panel_reports in reports.db where it exists.  All are written under
temporary names and renamed into place together.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from report_extract import patterns
from report_extract.checks.crossyear import KEYS, PanelCheck, YearReport, cross_year_checks
from report_extract.metadata.agency import agency_id
from report_extract.outputs.folder import discard, publish
from report_extract.outputs.journal import NAME as JOURNAL
from report_extract.outputs.journal import current
from report_extract.outputs.printed import cell_labels
from report_extract.outputs.records import AtomicFile, Record, Rename, checks_failed, fmt, seal, temporary
from report_extract.outputs.stata import Variable, write_dta

IN_PANEL = {"ok", "partial", "no_tables"}  # a blank form or another kind of document is no year of a body
META = ["agency_id", "year", "report_id", "duplicates", "agency", "agency_full", "title", "province", "city",
        "county", "adcode", "level", "kind", "template", "status", "published", "source_path", "checks_failed",
        "panel_checks_failed"]  # fmt: skip
CHECK_COLUMNS = ["agency_id", "year", "check", "scope", "left", "right", "ok", "severity", "report_id",
                 "prev_report_id", "note"]  # fmt: skip
REPORT_COLUMNS = ["report_id", "agency_id", "year", "role", "primary_id", "same_cells", "source_path"]
PANEL_INTEGERS = {"year", "checks_failed", "panel_checks_failed"}
# Stata's reserved words ([U] 11.3), which no variable may be named
STATA_RESERVED = {"aggregate", "array", "boolean", "break", "byte", "case", "catch", "class", "colvector", "complex",
                  "const", "continue", "default", "delegate", "delete", "do", "double", "else", "eltypedef", "end",
                  "enum", "explicit", "export", "external", "float", "for", "friend", "function", "global", "goto",
                  "if", "inline", "int", "local", "long", "NULL", "pragma", "protected", "quad", "rowvector", "short",
                  "typedef", "typename", "virtual", "_all", "_N", "_skip", "_b", "_pi", "str#", "in", "_pred", "strL",
                  "_coef", "_rc", "using", "_cons", "_se", "with", "_n"}  # fmt: skip
STATA_NAME = 32  # Stata: names of 1–32 letters, digits and _
DTA_TIME_STAMP = datetime(2000, 1, 1)  # see write_panel
STATA_LABEL = 80  # Stata 14+ (format 118): variable labels of at most 80 characters
STATA_DATA_LABEL = "政府信息公开工作年度报告 机关-年度面板"


class PanelError(Exception):
    """The folder holds nothing to build a panel from."""


@dataclass
class Entry:
    """What the first pass keeps of one report."""

    report_id: str
    agency_id: str | None
    year: int | None
    status: str
    template: str | None
    published: str | None
    source_path: str | None
    tables: int
    failed: int
    digest: str
    offset: int
    cells: dict[str, Any] = field(default_factory=dict)  # crossyear.KEYS only

    def rank(self) -> tuple:
        """Sorts the primary first: most tables, fewest failed checks, latest published."""
        return -self.tables, self.failed, _descending(self.published or ""), self.report_id

    def year_report(self) -> YearReport:
        assert self.year is not None
        return YearReport(self.report_id, self.year, self.template, self.cells)


def _descending(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text) + (0,)


def source(outdir: Path) -> Path:
    for name in (JOURNAL, "reports.jsonl"):
        if (outdir / name).is_file():
            return outdir / name
    raise PanelError(f"{outdir}: no {JOURNAL} or reports.jsonl (run report-extract convert into it first)")


def _results(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(offset, report object) of every report the folder holds: in a journal, the lines
    its outputs are written from (journal.current); in reports.jsonl, the last line of a
    report id."""
    if path.name == JOURNAL:
        with open(path, "rb") as f:
            for here in current(path):
                f.seek(here)
                rec = json.loads(f.readline())
                if "result" in rec:
                    yield here, rec["result"]
        return
    latest: dict[str, int] = {}
    with open(path, "rb") as f:
        offset = 0
        for line in f:
            if not line.endswith(b"\n"):
                break
            here, offset = offset, offset + len(line)
            try:
                rec = json.loads(line)
            except ValueError:
                break
            if "report_id" in rec:
                latest[rec["report_id"]] = here
        for here in latest.values():
            f.seek(here)
            yield here, json.loads(f.readline())


def _read_line(path: Path, f: BinaryIO, offset: int) -> dict[str, Any]:
    f.seek(offset)
    rec = json.loads(f.readline())
    return rec.get("result", rec) if path.name == JOURNAL else rec


def cell_values(obj: dict[str, Any]) -> dict[str, Any]:
    return {f"{c['table']}.{c['row']}.{c['col']}": c.get("value") for c in obj.get("cells", ())}


def _entry(offset: int, obj: dict[str, Any]) -> Entry:
    meta = obj.get("meta") or {}
    values = cell_values(obj)
    digest = hashlib.sha256(json.dumps(sorted(values.items())).encode()).hexdigest()
    return Entry(obj["report_id"], agency_id(meta), meta.get("year"), obj.get("status", "ok"), meta.get("template"),
                 meta.get("published"), (obj.get("source") or {}).get("path"),
                 len({c["table"] for c in obj.get("cells", ()) if not c.get("derived")}), checks_failed(obj),
                 digest, offset, {k: values[k] for k in KEYS if k in values})  # fmt: skip


@dataclass
class Panel:
    path: Path  # the journal or reports.jsonl it was read from
    groups: dict[tuple[str, int], list[Entry]]  # (agency_id, year) → versions, the primary first
    excluded: list[Entry]
    columns: list[str]  # canonical keys, contract order first
    checks: list[tuple[str, int, PanelCheck]]  # (agency_id, year, check)

    def summary(self) -> str:
        """One line for the terminal."""
        bodies = len({aid for aid, _ in self.groups})
        duplicates = sum(len(v) - 1 for v in self.groups.values())
        failed = [c for _, _, c in self.checks if c.ok is False]
        hard = sum(c.severity == "hard" for c in failed)
        return (
            f"panel: {len(self.groups)} agency-years of {bodies} bodies ({duplicates} duplicate versions, "
            f"{len(self.excluded)} reports left out); cross-year checks: {len(self.checks) - len(failed)} "
            f"passed or n/a, {len(failed)} failed ({hard} hard)"
        )


def _key_order() -> dict[str, int]:
    """Canonical keys in the order `show` prints them (the contract's order)."""
    return {k: i for i, k in enumerate(cell_labels())}


@dataclass
class FirstPass:
    """The first pass over a folder's reports (the module's step 1).  Also a sink of
    outputs/folder.py: fed the records as a conversion writes its outputs from the journal
    (each with its offset), it spares the panel a second reading of every report."""

    groups: dict[tuple[str, int], list[Entry]] = field(default_factory=dict)
    excluded: list[Entry] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)

    def report(self, offset: int, obj: dict[str, Any]) -> None:
        e = _entry(offset, obj)
        if e.status in IN_PANEL and e.agency_id and e.year is not None:
            self.groups.setdefault((e.agency_id, e.year), []).append(e)
            self.keys.update(cell_values(obj))
        else:
            self.excluded.append(e)

    def add(self, rec: Record) -> None:
        if rec.obj is not None:
            assert rec.offset is not None  # records from the journal carry their offset
            self.report(rec.offset, rec.obj)

    def finish(self) -> list[Rename]:  # a sink that writes no file
        return []

    def abort(self) -> None:
        pass


def build(outdir: Path, first: FirstPass | None = None) -> Panel:
    """The folder's panel; `first`: its first pass, made while the outputs were written
    from the journal (every report the journal's dataset holds, in its order)."""
    path = source(outdir)
    if first is None:
        first = FirstPass()
        for offset, obj in _results(path):
            first.report(offset, obj)
    groups, excluded, keys = first.groups, first.excluded, first.keys
    for versions in groups.values():
        versions.sort(key=Entry.rank)
    order = _key_order()
    columns = sorted(keys, key=lambda k: (order.get(k, len(order)), k))
    checks = []
    for (aid, year), versions in sorted(groups.items()):
        prev = groups.get((aid, year - 1))
        if prev:
            checks += [(aid, year, c) for c in cross_year_checks(prev[0].year_report(), versions[0].year_report())]
    return Panel(path, groups, excluded, columns, checks)


def _failed_by_report(panel: Panel) -> dict[str, int]:
    out: dict[str, int] = {}
    for _, _, c in panel.checks:
        out[c.report_id] = out.get(c.report_id, 0) + (c.ok is False)
    return out


def rows(panel: Panel) -> Iterator[list[Any]]:
    """Panel rows in META + columns order, read from the source one primary at a time."""
    failed = _failed_by_report(panel)
    with open(panel.path, "rb") as f:
        for (aid, year), versions in sorted(panel.groups.items()):
            yield _row(panel, aid, year, versions, _read_line(panel.path, f, versions[0].offset), failed)


def _row(
    panel: Panel, aid: str, year: int, versions: list[Entry], obj: dict[str, Any], failed: dict[str, int]
) -> list[Any]:
    e = versions[0]
    meta, region = obj.get("meta") or {}, (obj.get("meta") or {}).get("region") or {}
    own = {"agency_id": aid, "year": year, "report_id": e.report_id,
           "duplicates": " ".join(v.report_id for v in versions[1:]), "status": e.status,
           "source_path": e.source_path, "checks_failed": e.failed, "panel_checks_failed": failed.get(e.report_id, 0)}  # fmt: skip
    values = cell_values(obj)
    return ([own[k] if k in own else region[k] if k in region else meta.get(k) for k in META]
            + [values.get(k) for k in panel.columns])  # fmt: skip


def check_rows(panel: Panel) -> list[list[Any]]:
    """Failed checks first (hard before soft), then by body and year."""

    def order(item: tuple[str, int, PanelCheck]) -> tuple:
        aid, year, c = item
        return c.ok is not False, c.severity != "hard", aid, year

    return [[aid, year, c.check, c.scope, c.left, c.right, c.ok, c.severity, c.report_id, c.prev_report_id, c.note]
            for aid, year, c in sorted(panel.checks, key=order)]  # fmt: skip


def report_rows(panel: Panel) -> list[list[Any]]:
    out = []
    for (aid, year), versions in sorted(panel.groups.items()):
        first = versions[0]
        for i, e in enumerate(versions):
            out.append([e.report_id, aid, year, "primary" if i == 0 else "duplicate", first.report_id,
                        e.digest == first.digest, e.source_path])  # fmt: skip
    for e in sorted(panel.excluded, key=lambda e: e.report_id):
        out.append([e.report_id, e.agency_id, e.year, f"excluded: {_why(e)}", None, None, e.source_path])
    return out


def _why(e: Entry) -> str:
    if e.status not in IN_PANEL:
        return f"status {e.status}"
    return "no agency" if not e.agency_id else "no year"


# --- Stata -------------------------------------------------------------------------------


def stata_names(columns: list[str]) -> dict[str, str]:
    """Panel column → Stata variable name (patterns/panel.toml [stata.words])."""
    words = patterns.load_toml("panel.toml")["stata"]["words"]
    out: dict[str, str] = {}
    taken: set[str] = set()
    for col in columns:
        parts = [words.get(p, p) for p in col.split(".")]
        name = re.sub(r"[^A-Za-z0-9_]", "_", "_".join(parts))
        while len(name) > STATA_NAME:
            pieces = name.split("_")
            longest = max(range(len(pieces)), key=lambda i: len(pieces[i]))
            pieces[longest] = pieces[longest][:-1]
            name = "_".join(p for p in pieces if p)
        if name[0].isdigit() or name in STATA_RESERVED:
            name = ("_" + name)[:STATA_NAME]
        base, n = name, 1
        while name in taken:
            n += 1
            name = f"{base[: STATA_NAME - len(str(n)) - 1]}_{n}"
        taken.add(name)
        out[col] = name
    return out


def stata_labels(columns: list[str]) -> dict[str, str]:
    own = patterns.load_toml("panel.toml")["stata"]["labels"]
    cells = cell_labels()
    out = {}
    for col in columns:
        label = own.get(col) or cells.get(col) or col
        out[col] = label if len(label) <= STATA_LABEL else label[: STATA_LABEL - 1] + "…"
    return out


def _write_stata(panel: Panel, dta: Path, names_csv: Path, bom: bool) -> list[Rename]:
    columns = META + panel.columns
    names, labels = stata_names(columns), stata_labels(columns)
    variables = [Variable(names[c], "int" if c in PANEL_INTEGERS else "double" if c in panel.columns else "str",
                          labels[c]) for c in columns]  # fmt: skip
    fd, tmp = temporary(dta)
    with open(fd, "wb") as f:
        # A fixed time stamp: Stata's header otherwise holds the minute of writing, and the same
        # journal must give the same bytes (a rerun, a resumed run, a colleague's run).
        write_dta(f, variables, list(rows(panel)), data_label=STATA_DATA_LABEL, time_stamp=DTA_TIME_STAMP)
    mapping = AtomicFile(names_csv, encoding="utf-8-sig" if bom else "utf-8")
    writer = csv.writer(mapping.file, lineterminator="\n")
    writer.writerow(["stata_name", "column", "label"])
    writer.writerows([names[c], c, labels[c]] for c in columns)
    return [seal(tmp, dta), mapping.finish()]


# --- Parquet -----------------------------------------------------------------------------


def _write_parquet(panel: Panel, path: Path) -> Rename:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = META + panel.columns
    schema = pa.schema([pa.field(c, pa.int64() if c in PANEL_INTEGERS else pa.float64() if c in panel.columns
                                 else pa.string()) for c in columns])  # fmt: skip
    data = list(zip(*rows(panel))) or [() for _ in columns]
    table = pa.table({c: [None if v is None else float(v) if c in panel.columns else v if c in PANEL_INTEGERS
                          else str(v) for v in vals] for c, vals in zip(columns, data)}, schema=schema)  # fmt: skip
    fd, tmp = temporary(path)
    with open(fd, "wb") as f:
        pq.write_table(table, f, compression="zstd")
    return seal(tmp, path)


# --- CSV and SQLite ----------------------------------------------------------------------


def _write_csv(path: Path, header: list[str], body, bom: bool) -> Rename:
    out = AtomicFile(path, encoding="utf-8-sig" if bom else "utf-8")
    try:
        writer = csv.writer(out.file, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([fmt(v) for v in row] for row in body)
    except BaseException:
        out.abort()
        raise
    return out.finish()


def _sqlite_type(col: str, cells: list[str]) -> str:
    return (
        "INTEGER"
        if col in PANEL_INTEGERS or col == "same_cells" or col == "ok"
        else "NUMERIC"
        if col in cells or col in ("left", "right")
        else "TEXT"
    )


def write_sqlite(panel: Panel, db_path: Path) -> None:
    """Replace the panel tables of reports.db in one transaction (readers see the old ones
    or the new ones).  Column names are the canonical keys: quote them, "requests.new_received.total"."""
    tables = {"panel": (META + panel.columns, rows(panel)),
              "panel_checks": (CHECK_COLUMNS, check_rows(panel)),
              "panel_reports": (REPORT_COLUMNS, report_rows(panel))}  # fmt: skip
    db = sqlite3.connect(db_path)
    try:
        with db:
            for name, (cols, body) in tables.items():
                db.execute(f"DROP TABLE IF EXISTS [{name}]")
                db.execute(
                    f"CREATE TABLE [{name}] ({', '.join(f'[{c}] {_sqlite_type(c, panel.columns)}' for c in cols)})"
                )
                db.executemany(f"INSERT INTO [{name}] VALUES ({', '.join('?' * len(cols))})", body)
            db.execute("CREATE INDEX panel_agency ON panel(agency_id, year)")
            db.execute("CREATE INDEX panel_checks_agency ON panel_checks(agency_id, year)")
    finally:
        db.close()


def write_panel(
    outdir: Path, *, bom: bool = False, parquet: bool | None = None, sqlite: bool = True, first: FirstPass | None = None
) -> Panel:
    """Write the panel files of OUTDIR from its journal (or reports.jsonl).  `parquet`:
    None writes panel.parquet when pyarrow is installed.  `first`: see `build`."""
    panel = build(outdir, first)
    renames: list[Rename] = []
    try:
        renames.append(_write_csv(outdir / "panel.csv", META + panel.columns, rows(panel), bom))
        renames.append(_write_csv(outdir / "panel_checks.csv", CHECK_COLUMNS, check_rows(panel), bom))
        renames.append(_write_csv(outdir / "panel_reports.csv", REPORT_COLUMNS, report_rows(panel), bom))
        renames += _write_stata(panel, outdir / "panel.dta", outdir / "panel_stata_names.csv", bom)
        if parquet or (parquet is None and _has_pyarrow()):
            renames.append(_write_parquet(panel, outdir / "panel.parquet"))
    except BaseException:
        discard(renames)
        raise
    publish(renames)
    if sqlite and (outdir / "reports.db").is_file():
        write_sqlite(panel, outdir / "reports.db")
    return panel


def _has_pyarrow() -> bool:
    import importlib.util

    return importlib.util.find_spec("pyarrow") is not None
