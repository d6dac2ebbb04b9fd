"""Table geometry shared by the PDF engines: ruling lines to cells, cells to a grid.

A table is first a list of cell boxes (from pdfplumber's table finder or from
`ruled_tables` below).  `to_grid` turns the boxes of one table, possibly continued over
several pages, into rows of `Cell`s on one column grid, repeating merged cells, so every
row has the same number of cells in the same column order.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from report_extract.model.document import Cell, Origin
from report_extract.settings import current

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom (points, top-left origin)
Seg = tuple[float, float, float]  # (position, start, end): y, x0, x1 or x, top, bottom


@dataclass
class RawTable:
    """One table fragment on one page: its cell boxes and, once read, their texts."""

    page: int
    cells: list[BBox]
    texts: list[str] = field(default_factory=list)

    @property
    def bbox(self) -> BBox:
        return (
            min(c[0] for c in self.cells),
            min(c[1] for c in self.cells),
            max(c[2] for c in self.cells),
            max(c[3] for c in self.cells),
        )


def cluster(values: Sequence[float], tol: float | None = None) -> list[float]:
    """Sorted representatives of `values`, one per run of values within `tol` (default: the
    `pdf_snap` setting)."""
    tol = current().pdf_snap if tol is None else tol
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def nearest(reps: Sequence[float], v: float) -> int:
    i = bisect_right(reps, v)
    if i == 0:
        return 0
    if i == len(reps) or v - reps[i - 1] <= reps[i] - v:
        return i - 1
    return i


class CellIndex:
    """Finds the cell a point falls in, by bisecting the table's edge coordinates."""

    def __init__(self, cells: Sequence[BBox]):
        self.xs = cluster([v for c in cells for v in (c[0], c[2])])
        self.ys = cluster([v for c in cells for v in (c[1], c[3])])
        self.slots: dict[tuple[int, int], int] = {}
        for k, (x0, top, x1, bottom) in enumerate(cells):
            for i in range(nearest(self.ys, top), nearest(self.ys, bottom)):
                for j in range(nearest(self.xs, x0), nearest(self.xs, x1)):
                    self.slots[(i, j)] = k

    def find(self, x: float, y: float) -> int | None:
        if not (self.xs[0] < x < self.xs[-1] and self.ys[0] < y < self.ys[-1]):
            return None
        return self.slots.get((bisect_right(self.ys, y) - 1, bisect_right(self.xs, x) - 1))


# --- ruling lines to cells (the fast engine; pdfplumber has its own finder) -------------


def merge_segments(segs: Sequence[Seg]) -> dict[float, list[tuple[float, float]]]:
    """Collinear segments snapped to one position and joined where they touch."""
    lines: dict[float, list[tuple[float, float]]] = {}
    reps = cluster([s[0] for s in segs])
    for pos, a, b in sorted(segs, key=lambda s: (s[0], s[1])):
        spans = lines.setdefault(reps[nearest(reps, pos)], [])
        spans.append((min(a, b), max(a, b)))
    for pos, spans in lines.items():
        spans.sort()
        joined = [spans[0]]
        for a, b in spans[1:]:
            if a <= joined[-1][1] + current().pdf_join:
                joined[-1] = (joined[-1][0], max(joined[-1][1], b))
            else:
                joined.append((a, b))
        lines[pos] = joined
    return lines


def _covers(spans: Sequence[tuple[float, float]], a: float, b: float, snap: float) -> bool:
    """Whether one of a rule's joined spans runs from `a` to `b` (within `snap`)."""
    # A loop, not any(genexpr): this runs twice for every slot of every ruled table.
    a, b = a + snap, b - snap
    for lo, hi in spans:
        if lo <= a and hi >= b:
            return True
    return False


class _Union:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


def _groups(horizontal: Sequence[Seg], vertical: Sequence[Seg]) -> list[tuple[list[Seg], list[Seg]]]:
    """Rules grouped into tables: connected sets of crossing horizontal and vertical rules."""
    if not horizontal or not vertical:
        return []
    hl = [(y, a, b) for y, spans in merge_segments(horizontal).items() for a, b in spans]
    vl = [(x, a, b) for x, spans in merge_segments(vertical).items() for a, b in spans]
    u = _Union(len(hl) + len(vl))
    snap = current().pdf_snap
    for i, (y, x0, x1) in enumerate(hl):
        for j, (x, y0, y1) in enumerate(vl):
            if x0 - snap <= x <= x1 + snap and y0 - snap <= y <= y1 + snap:
                u.join(i, len(hl) + j)
    groups: dict[int, tuple[list[Seg], list[Seg]]] = {}
    for i, s in enumerate(hl):
        groups.setdefault(u.find(i), ([], []))[0].append(s)
    for j, s in enumerate(vl):
        groups.setdefault(u.find(len(hl) + j), ([], []))[1].append(s)
    return [(h, v) for h, v in groups.values() if len(h) >= 1 and len(v) >= 2]


def closing_rules(horizontal: Sequence[Seg], vertical: Sequence[Seg]) -> list[Seg]:
    """Rules that close each table at the top and bottom of its vertical rules.

    Word does not draw the border where a table breaks across pages: the last row on a
    page and the first row on the next are open, and their cells would be lost.
    """
    return [rule for _, v in _groups(horizontal, vertical) for rule in _closing(v)]


def _closing(v: Sequence[Seg]) -> list[Seg]:
    """The rules at the top and bottom of one table's vertical rules."""
    x0, x1 = min(s[0] for s in v), max(s[0] for s in v)
    return [(min(s[1] for s in v), x0, x1), (max(s[2] for s in v), x0, x1)]


def ruled_tables(horizontal: Sequence[Seg], vertical: Sequence[Seg]) -> list[list[BBox]]:
    """Cell boxes of every ruled table on a page."""
    # A group is connected already: its closing rules need no second grouping.
    tables = [_cells(h + _closing(v), v) for h, v in _groups(horizontal, vertical)]
    return [t for t in tables if t]


def _cells(horizontal: list[Seg], vertical: list[Seg]) -> list[BBox]:
    hmap = merge_segments(horizontal)
    vmap = merge_segments(vertical)
    ys, xs = sorted(hmap), sorted(vmap)
    rows, cols = len(ys) - 1, len(xs) - 1
    snap = current().pdf_snap
    u = _Union(rows * cols)
    for i in range(rows):
        for j in range(cols):
            if j + 1 < cols and not _covers(vmap[xs[j + 1]], ys[i], ys[i + 1], snap):
                u.join(i * cols + j, i * cols + j + 1)
            if i + 1 < rows and not _covers(hmap[ys[i + 1]], xs[j], xs[j + 1], snap):
                u.join(i * cols + j, (i + 1) * cols + j)
    spans: dict[int, list[int]] = {}
    for k in range(rows * cols):
        r = u.find(k)
        span = spans.setdefault(r, [k // cols, k % cols, k // cols, k % cols])
        span[0], span[1] = min(span[0], k // cols), min(span[1], k % cols)
        span[2], span[3] = max(span[2], k // cols), max(span[3], k % cols)
    cells = []
    for i0, j0, i1, j1 in spans.values():
        x0, top, x1, bottom = xs[j0], ys[i0], xs[j1 + 1], ys[i1 + 1]
        # A region not closed by rules on all four sides is outside the table.
        if (
            _covers(hmap[top], x0, x1, snap)
            and _covers(hmap[bottom], x0, x1, snap)
            and _covers(vmap[x0], top, bottom, snap)
            and _covers(vmap[x1], top, bottom, snap)
        ):
            cells.append((x0, top, x1, bottom))
    return cells


# --- cells to a grid ---------------------------------------------------------------------


def to_grid(fragments: Sequence[RawTable]) -> list[list[Cell]]:
    """Rows of cells on one column grid for a table printed as one or more fragments."""
    xs = cluster([v for f in fragments for c in f.cells for v in (c[0], c[2])])
    rows: list[list[Cell]] = []
    widths = [b - a for a, b in zip(xs, xs[1:])]
    for n, frag in enumerate(fragments):
        part, heights = _fragment_rows(frag, xs)
        if n:  # header rows repeated on the new page (Word's "repeat header rows")
            k = 0
            while k < min(len(part), len(rows)) and any(_texts(part[k])) and _texts(part[k]) == _texts(rows[k]):
                k += 1
            part, heights = part[k:], heights[k:]
            if part and rows and _continues(rows[-1], part[0]):
                # A row broken across the page (Word's "allow row to break across pages"):
                # its values and the start of its label above the break, the rest of
                # its label below it.  One row, its cells' texts joined.
                rows[-1] = [
                    Cell(a.text + b.text, a.origin, a.merged) if b.text and not b.merged else a
                    for a, b in zip(rows[-1], part[0])
                ]
                part, heights = part[1:], heights[1:]
        rows.extend(r for r, h in zip(part, heights) if h >= current().pdf_min_blank_extent or any(_texts(r)))
    keep = [j for j, w in enumerate(widths) if w >= current().pdf_min_blank_extent or any(r[j].text for r in rows)]
    return [[r[j] for j in keep] for r in rows]


_VALUE = re.compile(r"^\s*[-+]?\d[\d,.]*\s*$")
# A label that starts a row of its own: 一、 （一） (1) 1. 1、
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*、|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[.、．])")


def _continues(last: Sequence[Cell], first: Sequence[Cell]) -> bool:
    """Whether a fragment's first row is the rest of the previous fragment's last row:
    that row printed values; this one prints text only where that row has its label, a
    cell of its own (empty, no heading spanning them) where that row has its values, and
    none of its texts starts a row of its own (a numbered label)."""
    values = [j for j, c in enumerate(last) if _VALUE.match(c.text)]
    if not values or len(first) != len(last):
        return False
    label_cols = range(min(values))
    texts = [c.text for j, c in enumerate(first) if j in label_cols and c.text.strip() and not c.merged]
    return (
        bool(texts)
        and all(not first[j].text.strip() and not first[j].merged for j in range(min(values), len(first)))
        and not any(_NUMBERED.match(t) for t in texts)
    )


def rounded(b: BBox) -> BBox:
    """A box as the document model keeps it: hundredths of a point."""
    return (round(b[0], 2), round(b[1], 2), round(b[2], 2), round(b[3], 2))


def _fragment_rows(frag: RawTable, xs: Sequence[float]) -> tuple[list[list[Cell]], list[float]]:
    ys = cluster([v for c in frag.cells for v in (c[1], c[3])])
    grid: list[list[Cell | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for box, text in zip(frag.cells, frag.texts):
        origin = Origin(page=frag.page, bbox=rounded(box))
        i0, i1 = nearest(ys, box[1]), nearest(ys, box[3])
        j0, j1 = nearest(xs, box[0]), nearest(xs, box[2])
        for i in range(i0, i1):
            for j in range(j0, j1):
                grid[i][j] = Cell(text, origin, merged=(i, j) != (i0, j0))
    rows = []
    for i, row in enumerate(grid):
        rows.append(
            [
                c
                if c is not None
                else Cell("", Origin(page=frag.page, bbox=rounded((xs[j], ys[i], xs[j + 1], ys[i + 1]))))
                for j, c in enumerate(row)
            ]
        )
    return rows, [b - a for a, b in zip(ys, ys[1:])]


def _texts(row: Sequence[Cell]) -> list[str]:
    return [c.text for c in row]
