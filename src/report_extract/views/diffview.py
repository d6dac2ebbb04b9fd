"""The terminal view of `report-extract diff A B`, in the style of `show`: the two
reports' metadata, the cross-year checks (failed first, in red), then every canonical cell
with both values and the change; changed cells are marked (`*`, and bold in a terminal)
so the view says the same in a pipe."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from report_extract.outputs.printed import number_text
from report_extract.views.diff import CellChange, Diff, Side
from report_extract.views.show import console_for_output

CHANGED = "*"
ABSENT = "·"  # the report has no such cell


def _value(v, present: bool) -> Text:
    if not present:
        return Text(ABSENT, style="dim")
    return Text("null", style="dim") if v is None else Text(number_text(v))


def sides_view(d: Diff) -> Table:
    t = Table(box=box.SIMPLE, show_header=True, header_style="bold", padding=(0, 1))
    for name in ("", "A", "B"):
        t.add_column(name)
    fields: list[tuple[str, object, object]] = [
        (name, getattr(d.a, name), getattr(d.b, name))
        for name in ("agency", "agency_id", "year", "template", "source", "report_id")
    ]
    for name, a, b in fields:
        t.add_row(
            name,
            "" if a is None else str(a),
            "" if b is None else str(b),
            style="yellow" if name == "agency_id" and a != b else "",
        )
    return t


def checks_view(d: Diff) -> RenderableType:
    if not d.checks:
        why = "" if _consecutive(d.a, d.b) else " (the two reports are not of consecutive years)"
        return Text(f"cross-year checks: none{why}", style="dim")
    # as `show` counts them: a failed soft check is worth a look, not an arithmetic error
    failed = sum(c.ok is False and c.severity == "hard" for c in d.checks)
    soft = sum(c.ok is False and c.severity != "hard" for c in d.checks)
    t = Table(box=box.SIMPLE, show_header=True, header_style="bold", padding=(0, 1))
    for name in ("", "check", "scope", "severity", "left", "right", "equation"):
        t.add_column(name, no_wrap=name != "equation", overflow="fold", min_width=30 if name == "equation" else None)
    for c in d.checks:
        status = {True: "✓ ok", False: "✗ FAIL" if c.severity == "hard" else "△ soft", None: "– n/a"}[c.ok]
        t.add_row(
            status,
            c.check,
            c.scope,
            c.severity,
            _num(c.left),
            _num(c.right),
            c.note,
            style={True: "", False: "bold red" if c.severity == "hard" else "red", None: "dim"}[c.ok],
        )
    title = Text(
        f"cross-year checks: {len(d.checks) - failed - soft} passed, {failed} failed"
        + (f", {soft} soft failed" if soft else ""),
        style="bold red" if failed else "bold",
    )
    return Group(title, t)


def _consecutive(a: Side, b: Side) -> bool:
    return a.year is not None and b.year is not None and abs(a.year - b.year) == 1


def _num(v) -> str:
    return "null" if v is None else number_text(v)


def cells_view(d: Diff, changed_only: bool) -> RenderableType:
    shown = [c for c in d.cells if c.changed or not changed_only]
    n = sum(c.changed for c in d.cells)
    t = Table(box=box.SIMPLE, show_header=True, header_style="bold", padding=(0, 1))
    t.add_column("")
    t.add_column("cell", no_wrap=True)
    t.add_column("label", overflow="fold", max_width=48)
    for name in ("A", "B", "change"):
        t.add_column(name, justify="right", no_wrap=True)
    for c in shown:
        t.add_row(*_cell_row(c), style="bold" if c.changed else "")
    title = Text(
        f"\ncells: {n} of {len(d.cells)} changed ({CHANGED} changed, {ABSENT} not in that report)", style="bold"
    )
    return Group(title, t)


def _cell_row(c: CellChange) -> tuple[Text, ...]:
    change = c.change
    delta = Text("") if change is None else Text(("+" if change > 0 else "") + number_text(change))
    return (
        Text(CHANGED if c.changed else ""),
        Text(c.key),
        Text(c.label),
        _value(c.a, c.in_a),
        _value(c.b, c.in_b),
        delta,
    )


def show_diff(d: Diff, changed_only: bool = False, console: Console | None = None) -> None:
    console = console or console_for_output()
    for part in (sides_view(d), checks_view(d), cells_view(d, changed_only)):
        console.print(part)
