"""The three tables as printed, for people: a grid of labels and value cells built from
patterns/display.toml, shared by `show` (terminal), `audit` (HTML) and the Excel export,
so the three views of one report always agree on where each canonical cell sits.

A `Grid` is laid out like an HTML table: a cell spanning several positions appears once,
in its top-left position, and the positions it covers are left out of later rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from report_extract import patterns
from report_extract.checks.report import cells_read
from report_extract.contract.codebook import codebook
from report_extract.model.result import CellValue, CheckResult, Number
from report_extract.patterns import load_toml

# Rows of table 3 that are not outcomes: every other row adds up to （七）总计.


@dataclass
class GridCell:
    text: str = ""
    kind: str = "value"  # title | head | label | value
    key: str | None = None  # canonical key table.row.col of a value cell
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Grid:
    table: str
    title: str
    width: int  # columns
    labels: int  # leading label columns
    head_rows: int  # header rows at the top
    rows: list[list[GridCell]] = field(default_factory=list)

    def keys(self) -> list[str]:
        return [c.key for row in self.rows for c in row if c.key]

    def positions(self) -> dict[str, tuple[int, int]]:
        """Canonical key → (row, column) of its value cell in the expanded grid."""
        out: dict[str, tuple[int, int]] = {}
        for r, c, cell in self.expanded():
            if cell.key:
                out[cell.key] = (r, c)
        return out

    def expanded(self) -> Iterable[tuple[int, int, GridCell]]:
        """(row, column, cell) of every cell, columns counted across spans from above."""
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                yield r, c, cell
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, c + dc))
                c += cell.colspan


@patterns.cached
def layout() -> dict:
    return load_toml("display.toml")


def value_text(cell: CellValue) -> str:
    """A value as the report printed it: numbers without float noise, a null as its raw
    text ("-", "/", or blank), a printed unit (元/万元) kept."""
    if cell.value is None:
        return cell.raw.strip()
    return number_text(cell.value) + (cell.unit or "")


def number_text(v: Number) -> str:
    if isinstance(v, float):
        return format(v, "f").rstrip("0").rstrip(".") if v != int(v) else str(int(v))
    return str(v)


def proactive_grid(template: str) -> Grid:
    spec = layout()["proactive"]
    blocks = [b for b in spec["blocks"] if template in b["templates"]]
    values = max(len(b["cols"]) for b in blocks)
    grid = Grid("proactive", spec["title"], values + 1, 1, 0)
    for b in blocks:
        grid.rows.append([GridCell(b["title"], "title", colspan=values + 1)])
        grid.rows.append(
            [GridCell(spec["head"], "head")] + _spread([GridCell(label, "head") for _, label in b["cols"]], values)
        )
        for row, label in b["rows"]:
            cells = [GridCell(kind="value", key=f"proactive.{row}.{col}") for col, _ in b["cols"]]
            grid.rows.append([GridCell(label, "label")] + _spread(cells, values))
    return grid


def _spread(cells: list[GridCell], width: int) -> list[GridCell]:
    """A block with fewer columns than the table lets its last cell span the rest."""
    cells[-1].colspan = width - len(cells) + 1
    return cells


def requests_grid(split: bool) -> Grid:
    """Table 3; `split`: （六）其他处理 printed as three sub-rows (2021) rather than one."""
    spec = layout()["requests"]
    cols = spec["cols"]
    group, first, last = spec["group"]
    keys = [k for k, _ in cols]
    g0, g1 = keys.index(first), keys.index(last)
    grid = Grid("requests", spec["title"], 3 + len(cols), 3, 3)
    grid.rows.append(
        [GridCell(spec["corner"], "head", colspan=3, rowspan=3), GridCell(spec["top"], "head", colspan=len(cols))]
    )
    second = [GridCell(label, "head", rowspan=2) for _, label in cols[:g0]]
    second.append(GridCell(group, "head", colspan=g1 - g0 + 1))
    second += [GridCell(label, "head", rowspan=2) for _, label in cols[g1 + 1 :]]
    grid.rows.append(second)
    grid.rows.append([GridCell(label, "head") for _, label in cols[g0 : g1 + 1]])
    rows = [r for r in spec["rows"] if _printed(r, split)]
    grid.rows += _labelled_rows("requests", rows, keys, 3)
    return grid


def _printed(row: dict, split: bool) -> bool:
    if row["key"] == "other_total":
        return not split
    return split or not row.get("split", False)


def _labelled_rows(table: str, rows: list[dict], cols: list[str], depth: int) -> list[list[GridCell]]:
    """Body rows under merged label columns: each label of a row's path is printed once,
    spanning the consecutive rows that share it."""
    out: list[list[GridCell]] = []
    for i, row in enumerate(rows):
        path = row.get("path", [])
        cells: list[GridCell] = []
        for level, label in enumerate(path):
            if i and rows[i - 1].get("path", [])[: level + 1] == path[: level + 1]:
                continue  # covered by the span above
            span = 1
            while i + span < len(rows) and rows[i + span].get("path", [])[: level + 1] == path[: level + 1]:
                span += 1
            cells.append(GridCell(label, "label", rowspan=span))
        cells.append(GridCell(row["label"], "label", colspan=depth - len(path)))
        cells += [GridCell(kind="value", key=f"{table}.{row['key']}.{c}") for c in cols]
        out.append(cells)
    return out


def review_grid() -> Grid:
    """Table 4 as printed: one row of 15 values under merged group headers."""
    spec = layout()["review_litigation"]
    cols, groups = spec["cols"], spec["groups"]
    n = len(cols)
    grid = Grid("review_litigation", spec["title"], n * len(groups), 0, 3)
    top: list[GridCell] = []
    for g in groups:
        if not g["path"]:
            top.append(GridCell(g["label"], "head", colspan=n, rowspan=2))
        elif not top or top[-1].text != g["path"][0]:
            top.append(GridCell(g["path"][0], "head", colspan=n))
        else:
            top[-1].colspan += n
    grid.rows.append(top)
    grid.rows.append([GridCell(g["label"], "head", colspan=n) for g in groups if g["path"]])
    grid.rows.append([GridCell(label, "head") for g in groups for _, label in cols])
    grid.rows.append([GridCell(kind="value", key=f"review_litigation.{g['key']}.{c}") for g in groups for c, _ in cols])
    return grid


def review_rows_grid() -> Grid:
    """Table 4 turned, one group a row: narrow enough for a terminal."""
    spec = layout()["review_litigation"]
    cols = [k for k, _ in spec["cols"]]
    grid = Grid("review_litigation", spec["title"], 2 + len(cols), 2, 1)
    grid.rows.append([GridCell("", "head", colspan=2)] + [GridCell(label, "head") for _, label in spec["cols"]])
    grid.rows += _labelled_rows("review_litigation", spec["groups"], cols, 2)
    return grid


def is_split(cells: Iterable[CellValue], template: str | None) -> bool:
    """Whether table 3 printed （六）其他处理 as three sub-rows: the cells say so; the
    template decides for a report without table 3."""
    rows = {c.row for c in cells if c.table == "requests"}
    if rows:
        return bool(rows & {"other_no_correction", "other_fee_unpaid", "other_misc"})
    return template != "2019"


def grids(cells: list[CellValue], template: str | None, turned: bool = False) -> dict[str, Grid]:
    """The three tables of one report; `turned`: table 4 one group a row."""
    return {
        "proactive": proactive_grid("2019" if template == "2019" else "2021"),
        "requests": requests_grid(is_split(cells, template)),
        "review_litigation": review_rows_grid() if turned else review_grid(),
    }


def cell_labels() -> dict[str, str]:
    """Canonical key → its printed row and column labels ("规章 / 本年制发件数"), both
    templates: what a key means to someone who knows the printed report."""
    spec = layout()
    out: dict[str, str] = {}
    for b in spec["proactive"]["blocks"]:
        for row, row_label in b["rows"]:
            for col, col_label in b["cols"]:
                out.setdefault(f"proactive.{row}.{col}", f"{row_label} / {col_label}")
    req = spec["requests"]
    group, first, last = req["group"]
    keys = [k for k, _ in req["cols"]]
    for row in req["rows"]:
        for i, (col, col_label) in enumerate(req["cols"]):
            grouped = keys.index(first) <= i <= keys.index(last)
            out[f"requests.{row['key']}.{col}"] = (
                " ".join([*row.get("path", []), row["label"]]) + f" / {group + ' ' if grouped else ''}{col_label}"
            )
    for g in spec["review_litigation"]["groups"]:
        for col, col_label in spec["review_litigation"]["cols"]:
            out[f"review_litigation.{g['key']}.{col}"] = " ".join([*g["path"], g["label"]]) + f" / {col_label}"
    # the old statistics table (pre-2019): labels from the contract's cells list
    out.update((c["key"], f"{c['row_label']} / {c['col_label']}") for c in codebook() if c["table"] == "legacy")
    return out


def check_keys(check: CheckResult, cells: list[CellValue]) -> set[str]:
    """The cells a check adds up (checks.cells_read), and for a prose check the 总计 cell
    the prose count was compared with; only cells the report has."""
    keys = {f"requests.{check.scope}"} if check.check == "text.requests" else cells_read(check, cells)
    return keys & {c.key for c in cells}


def failed_keys(checks: Iterable[CheckResult], cells: list[CellValue], severity: str = "hard") -> set[str]:
    """The cells of the failed checks of `severity`: hard (the tables' own arithmetic) or
    soft (the text states another number than the table: worth a look, not an error)."""
    return {k for ch in checks if ch.ok is False and ch.severity == severity for k in check_keys(ch, cells)}


def cell_marks(checks: Iterable[CheckResult], cells: list[CellValue]) -> dict[str, str]:
    """Key → "failed" (in a failed hard check) or "soft" (only in failed soft ones)."""
    checks = list(checks)
    marks = dict.fromkeys(failed_keys(checks, cells, "soft"), "soft")
    marks.update(dict.fromkeys(failed_keys(checks, cells, "hard"), "failed"))
    return marks


def check_sides(check: CheckResult) -> tuple[str, str]:
    """What the two sides of a check's equation are, as the table labels them."""
    for rule in layout()["checks"].values():
        if rule["id"] == check.check:
            return rule["left"], rule["right"]
    return "left", "right"
