"""`report-extract show FILE`: one report at a glance in the terminal.

Metadata, the three tables with the labels the templates print (rich measures CJK text at
double width, so the columns stay aligned), every check with both sides of its equation,
and the warnings.  Every mark has a plain-text character too (! ~ ? …), so the view says
the same in a pipe, where rich writes no colours.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from report_extract.contract.labels import TABLES
from report_extract.metadata.facts import CUMULATIVE, THIS_YEAR
from report_extract.model.result import CellValue, CheckResult, Result
from report_extract.outputs.printed import (
    Grid,
    GridCell,
    cell_marks,
    check_sides,
    grids,
    number_text,
    value_text,
)
from report_extract.settings import current

PLAIN_WIDTH = 120  # a pipe has no width; wide enough for table 3 without folding labels
# Ways to lay out a table, widest first: (characters per header line, cell padding, label
# column width).  The first that fits the terminal is used, so in 80 columns table 3 keeps
# every column (总计 last) with its headers wrapped at two characters instead of losing some.
LAYOUTS = [(4, 1, 16), (2, 1, 12), (2, 0, 10), (1, 0, 8)]
NO_TABLES = "(none of the three statistical tables: a free-form report; the numbers it states follow)"
NARROW = 110  # below this many columns the checks are a list, not a table of four columns
CHECKS_OF = {
    "proactive": (),
    "requests": ("requests.", "text."),
    "review_litigation": ("review_litigation.",),
}


@dataclass(frozen=True)
class Mark:
    char: str
    style: str
    meaning: str


FAILED = Mark("!", "bold red", "in a failed check")
SOFT = Mark("*", "yellow", "in a failed soft check (the text states another number)")
AMBIGUOUS = Mark("~", "yellow", "run-together digits that split more than one way")
UNSURE = Mark("?", "magenta", "OCR confidence below {low_confidence:g}")  # the setting, when shown
MISSING = Mark("·", "dim", "not found in the report")


def console_for_output() -> Console:
    console = Console(highlight=False)
    if not console.is_terminal and not os.environ.get("COLUMNS", "").strip():
        console.width = PLAIN_WIDTH
    return console


def render(result: Result, only: str | None = None, console: Console | None = None) -> list[RenderableType]:
    """Everything `show` prints, in order; `only` limits the tables and checks to one table.
    `console`: the one it is printed on, whose width the tables are fitted to."""
    console = console or console_for_output()
    names = [only] if only else list(TABLES)
    prefixes = tuple(p for n in names for p in CHECKS_OF[n])
    checks = [c for c in result.checks if c.check.startswith(prefixes)]
    out: list[RenderableType] = [meta_view(result)]
    table_grids = grids(result.cells, result.meta.get("template"), turned=True)
    found = result.tables()
    if not any(name in found for name in TABLES) and result.facts:
        out.append(facts_view(result))  # a free-form report: its stated numbers instead of three empty tables
    else:
        for name in names:
            out.append(table_view(table_grids[name], result, name in found, console))
    out.append(checks_view(checks, console.width))
    if result.warnings:
        out.append(warnings_view(result.warnings))
    return out


def meta_view(r: Result) -> Table:
    meta, region = r.meta, r.meta.get("region") or {}
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column()
    # a municipality is both province and city (上海市 上海市): name it once
    place = " ".join(dict.fromkeys(v for v in (region.get("province"), region.get("city"), region.get("county")) if v))
    rows = [
        ("title", meta.get("title")),
        ("agency", meta.get("agency")),  # as reports.csv names it; the full name below when it differs
        ("agency_full", meta.get("agency_full") if meta.get("agency_full") != meta.get("agency") else None),
        ("year", meta.get("year")),
        ("template", meta.get("template")),
        ("region", f"{place} ({region['adcode']})" if region.get("adcode") else place),
        (
            "source",
            f"{r.source.get('path')} · {r.source.get('format')}"
            + (f" · {r.source['pages']} pages" if r.source.get("pages") else ""),
        ),
        ("status", r.status),
        # the tool's own doubt (pipeline/review.py), beside the report's: a failed check in a
        # report flagged here may be a misreading, to be looked at before it is believed
        ("review", "needed: " + "; ".join(r.review) if r.review else None),
        ("report_id", r.report_id),
    ]
    for key, value in rows:
        if value not in (None, ""):
            t.add_row(key, str(value))
    return t


def table_view(grid: Grid, r: Result, found: bool, console: Console | None = None) -> RenderableType:
    if not found:
        return Text(f"\n{grid.title}\n  (not found in this report)", style="dim")
    width = (console or console_for_output()).width
    for layout in LAYOUTS:  # the widest that fits; the last one however narrow the terminal
        t, used, label = _table(grid, r, width, *layout)
        if label >= layout[2]:
            break
    low = current().low_confidence
    legend = [
        Text(f"{m.char} {m.meaning.format(low_confidence=low)}", style=m.style)
        for m in (FAILED, SOFT, AMBIGUOUS, UNSURE, MISSING)
        if m in used
    ]
    return Group(Text(""), t, *legend)


def _table(grid: Grid, r: Result, width: int, wrap: int, pad: int, label_min: int) -> tuple[Table, set[Mark], int]:
    """The table laid out for `width` columns; returns the width left for its labels."""
    by_key = {c.key: c for c in r.cells}
    failed = cell_marks(r.checks, r.cells)  # key → failed | soft
    n = grid.width - grid.labels
    wrap = wrap if n > 4 else 0
    used: set[Mark] = set()
    rows = _rows(grid)
    head = _header(grid, rows[: grid.head_rows], wrap) if grid.head_rows else []
    body = [_split_row(grid, cells, wrap, by_key, failed, used) for _, cells in rows[grid.head_rows :]]
    # a value column is as wide as its widest number and its header's wrapped lines
    widths = [max([2 * wrap if wrap else 0] + [v[i].cell_len for _, v in body]
                  + [max((len(x) * 2 for x in head[i + 1].plain.split("\n")), default=0) if head and not wrap else 0])
              for i in range(n)]  # fmt: skip
    label = min(38, width - (n + 2) - 2 * pad * (n + 1) - sum(widths))
    t = Table(
        title=grid.title, title_justify="left", title_style="bold", box=box.SQUARE, show_header=False, padding=(0, pad)
    )
    t.add_column(overflow="fold", width=max(label, label_min))
    for w in widths:
        t.add_column(justify="right", vertical="bottom", overflow="fold", width=w)
    if head:
        t.add_row(*head, end_section=True)
    for lab, values in body:
        t.add_row(lab, *values)
    return t, used, label


def facts_view(r: Result) -> RenderableType:
    """A free-form (pre-2019) report prints none of the three tables: the numbers it
    states instead, its own statistics table (统计表, this year and cumulative) and the
    figures its text gives, each with its sentence."""
    table: dict[str, dict[str, str]] = {}
    for f in r.facts:
        if f.source == "table":
            row = table.setdefault(f.label or f.key, {"unit": f.unit})
            row[f.period] = number_text(f.value)
    out: list[RenderableType] = [Text(f"\n{NO_TABLES}", style="dim")]
    if table:
        t = Table(
            title="统计表 (the report's statistics table)",
            title_justify="left",
            title_style="bold",
            box=box.SQUARE,
            padding=(0, 1),
        )
        t.add_column("指标", overflow="fold")
        for name in ("本年", "累计", "单位"):
            t.add_column(name, justify="right", no_wrap=True)
        for label, row in table.items():
            t.add_row(label, row.get(THIS_YEAR, ""), row.get(CUMULATIVE, ""), row["unit"])
        out += [Text(""), t]
    stated = [f for f in r.facts if f.source != "table"]
    if stated:
        g = Table.grid(padding=(0, 1))
        g.add_column(no_wrap=True)
        g.add_column(justify="right", no_wrap=True)
        g.add_column(overflow="fold", style="dim")
        for f in stated:
            period = " 累计" if f.period == CUMULATIVE else ""
            g.add_row(f.key, f"{number_text(f.value)} {f.unit}{period}", Text(f.sentence))
        out += [Text("\nstated in the text", style="bold"), g]
    return Group(*out)


def _rows(grid: Grid) -> list[tuple[int, list[tuple[int, GridCell]]]]:
    rows: dict[int, list[tuple[int, GridCell]]] = defaultdict(list)
    for r, c, cell in grid.expanded():
        rows[r].append((c, cell))
    return sorted(rows.items())


def _header(grid: Grid, rows: list[tuple[int, list[tuple[int, GridCell]]]], wrap: int) -> list[Text]:
    """The header rows folded into one: a merged header's text stands at the top of its
    first column, the labels under it below, all bottom-aligned."""
    texts: list[list[str]] = [[] for _ in range(grid.width - grid.labels + 1)]
    for _, cells in rows:
        for col, cell in cells:
            at = max(col - grid.labels + 1, 0)
            texts[at].append(cell.text if cell.colspan > 1 else _wrapped(cell.text, wrap))
    return [Text("\n".join(t for t in lines if t), style="bold") for lines in texts]


def _split_row(
    grid: Grid,
    cells: list[tuple[int, GridCell]],
    wrap: int,
    by_key: dict[str, CellValue],
    failed: dict[str, str],
    used: set[Mark],
) -> tuple[Text, list[Text]]:
    """One grid row → the terminal's single label column (merged labels one per line,
    indented by their level) and its value columns (a span's text in its first column)."""
    lines: list[Text] = []
    values = [Text("") for _ in range(grid.width - grid.labels)]
    for col, cell in cells:
        if col < grid.labels or cell.kind == "title":
            style = "bold" if cell.kind in ("title", "head") else ""
            lines.append(Text("  " * col + cell.text, style=style))
        elif cell.key:
            values[col - grid.labels] = _value(cell.key, by_key, failed, used)
        else:
            values[col - grid.labels] = Text(_wrapped(cell.text, wrap), style="bold")
    return Text("\n").join(lines), values


def _wrapped(text: str, width: int) -> str:
    """Column headers of table 3 in lines of `width` characters, as narrow printed
    columns wrap them (社会公益 / 组织)."""
    if not width or len(text) <= width + 1:
        return text
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def _value(key: str, by_key: dict[str, CellValue], failed: dict[str, str], used: set[Mark]) -> Text:
    cell = by_key.get(key)
    if cell is None:
        used.add(MISSING)
        return Text(MISSING.char, style=MISSING.style)
    marks = [
        m
        for m, on in (
            (FAILED, failed.get(key) == "failed"),
            (SOFT, failed.get(key) == "soft"),
            (AMBIGUOUS, cell.ambiguous),
            (UNSURE, cell.confidence is not None and cell.confidence < current().low_confidence),
        )
        if on
    ]
    used.update(marks)
    text = Text(value_text(cell), style="dim" if cell.value is None else "")
    if cell.confidence is not None and cell.confidence < current().low_confidence:
        text.append(f" {cell.confidence:.2f}")
    for m in marks:
        text.stylize(m.style)
        text.append(m.char, style=m.style)
    return text


def checks_view(checks: list[CheckResult], width: int = PLAIN_WIDTH) -> RenderableType:
    hard = sum(1 for c in checks if c.ok is False and c.severity == "hard")
    summary = Text(f"\nchecks: {checks_summary(checks)}", style="bold red" if hard else "bold")
    if not checks:
        return summary
    if width < NARROW:  # one check a line, wrapped under its verdict: the numbers stay in view
        g = Table.grid(padding=(0, 1))
        g.add_column(no_wrap=True, width=6)
        g.add_column(overflow="fold")
        for c in checks:
            status, check, scope, equation, note = check_row(c)
            line = Text(f"{check} ({scope}) {equation}" + (f" — {note}" if note else ""))  # Text: no markup
            g.add_row(status, line, style=_check_style(c))
        return Group(summary, g)
    t = Table(box=box.SIMPLE, show_header=True, header_style="bold", padding=(0, 1))
    for name in ("", "check", "scope", "equation"):
        t.add_column(name, no_wrap=True)
    t.add_column("note", overflow="fold")
    for c in checks:
        t.add_row(*check_row(c), style=_check_style(c))
    return Group(summary, t)


def checks_summary(checks: list[CheckResult]) -> str:
    """ "40 passed, 0 failed, 1 soft failed, 0 not assessable": failed counts hard checks
    (as reports.csv's checks_failed), soft ones beside it when there are any."""
    hard = sum(1 for c in checks if c.ok is False and c.severity == "hard")
    soft = sum(1 for c in checks if c.ok is False and c.severity != "hard")
    unknown = sum(1 for c in checks if c.ok is None)
    return (
        f"{len(checks) - hard - soft - unknown} passed, {hard} failed"
        + (f", {soft} soft failed (text ≠ table)" if soft else "")
        + f", {unknown} not assessable"
    )


def check_row(c: CheckResult) -> tuple[str, str, str, str, str]:
    left_name, right_name = check_sides(c)
    # a failed soft check (prose against table) is worth a look, not an arithmetic error
    failed = "✗ FAIL" if c.severity == "hard" else "△ soft"
    status = {True: "✓ ok", False: failed, None: "– n/a"}[c.ok]
    relation = {True: "=", False: "≠", None: "?"}[c.ok]
    equation = f"{left_name} {_num(c.left)} {relation} {right_name} {_num(c.right)}"
    return status, c.check, c.scope, equation, c.note


def _num(v) -> str:
    return "null" if v is None else number_text(v)


def _check_style(c: CheckResult) -> str:
    return {True: "", False: "bold red", None: "dim"}[c.ok]


def warnings_view(warnings: list[str]) -> RenderableType:
    lines = [Text(f"warnings ({len(warnings)}):", style="bold yellow")]
    lines += [Text(f"  ⚠ {w}", style="yellow") for w in warnings]
    return Group(Text(""), *lines)


def show(result: Result, only: str | None = None, console: Console | None = None) -> None:
    console = console or console_for_output()
    for part in render(result, only, console):
        console.print(part)
