"""Tables printed without rules: rows and columns from character positions.

Both PDF engines run this on the characters left outside ruled tables, so a report whose
tables have no borders still reaches the table code as `TableBlock`s.  A table shows
itself by its value lines: lines ending in numbers set apart by wide gaps.  Columns are
the clusters of those numbers' centres; everything left of the first value column is
the label column.  Each value line is one row; label-only lines (a label wrapped over
several lines) join the nearest value line or stay rows of their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

from report_extract.reading.pdf.grid import BBox
from report_extract.reading.pdf.text import Char, split_words
from report_extract.settings import current

# A number in a value cell (with thousands separators, a sign, decimals).
_NUMBER = re.compile(r"^[-+－]?\d[\d,，]*(\.\d+)?$")
# A section heading ends a table: "三、收到和处理…" without numbers after it.
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass
class _Line:
    chars: list[Char]
    values: int = 0  # trailing numeric words
    top: float = 0.0
    bottom: float = 0.0
    members: list[_Line] = field(default_factory=list)
    _words: list[tuple[str, float, float]] | None = None

    @property
    def words(self) -> list[tuple[str, float, float]]:
        """(text, x0, x1) per word; split on demand: most lines are prose, never looked at."""
        if self._words is None:
            self._words = split_words(self.chars)
        return self._words

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Borderless:
    """The tables found, and where each of their characters counts as printed: the centre
    of its word, so a column title wider than its column stays in one cell."""

    tables: list[list[BBox]]
    word_x: dict[Char, float]


def borderless_tables(lines_chars: Sequence[list[Char]], right_margin: float) -> Borderless:
    """Cell boxes (one grid per table) of the rule-less tables among the printed lines."""
    lines = [_line(cs) for cs in lines_chars]
    found = Borderless([], {})
    if not lines:
        return found
    height = median(li.bottom - li.top for li in lines)
    for region in _regions(lines, height, right_margin):
        found.tables.append(_grid(region, height))
        for li in region:
            for _, x0, x1 in li.words:
                for c in li.chars:
                    if x0 <= c.x0 and c.x1 <= x1:
                        found.word_x[c] = (x0 + x1) / 2
    return found


def _line(chars: list[Char]) -> _Line:
    line = _Line(chars, 0, min(c.top for c in chars), max(c.bottom for c in chars))
    if chars[-1].text.isdigit():  # a value line ends in a number
        for text, _, _ in reversed(line.words):
            if not _NUMBER.match(text):
                break
            line.values += 1
    return line


def _is_stop(line: _Line, right_margin: float, height: float) -> bool:
    """A section heading or a line of running text: no table row."""
    if line.values:
        return False
    text = "".join(c.text for c in line.chars)
    # "三、" alone is the top of a label printed one character per line, not a heading.
    return bool(_SECTION.match(text) and len(text) > 3) or (
        len(line.words) == 1 and line.words[0][2] > right_margin - 2 * height
    )


def _regions(lines: list[_Line], height: float, right_margin: float) -> list[list[_Line]]:
    """Runs of lines from a value line to the last value line before a stop or a gap.

    Header lines above the first value line stay text: with no rules their cells' spans
    are unknown, and a header row of mostly blank cells reads worse than the header text.
    """
    max_gap = current().borderless_max_row_gap
    regions: list[tuple[list[_Line], list[_Line]]] = []  # (header, rows)
    run: list[_Line] = []
    for k, line in enumerate(lines):
        stop = bool(line.values or run) and _is_stop(line, right_margin, height)
        if run and (stop or line.top - run[-1].bottom > max_gap * height):
            run = []
        if stop or not (line.values or run):
            continue
        if not run:
            regions.append((_header(lines, k, height, right_margin), run))
        run.append(line)
    out = []
    for header, region in regions:
        while region and not region[-1].values:
            region.pop()  # trailing label-only lines belong to the text after the table
        value_lines = [li for li in region if li.values]
        headed = any(len(li.words) > 1 for li in header)
        if (
            len(value_lines) >= current().borderless_min_value_lines
            or headed
            or any(li.values >= current().borderless_min_wide_row for li in value_lines)
        ):
            out.append(region)
    return out


def _header(lines: list[_Line], k: int, height: float, right_margin: float) -> list[_Line]:
    """The header lines printed right above a table's first value line."""
    start = k
    while start > 0 and k - start < current().borderless_max_header_lines:
        above = lines[start - 1]
        if (
            _is_stop(above, right_margin, height)
            or lines[start].top - above.bottom > current().borderless_max_header_gap * height
        ):
            break
        start -= 1
    return lines[start:k]


def _grid(region: list[_Line], height: float) -> list[BBox]:
    value_words = [w for li in region if li.values for w in li.words[-li.values :]]
    anchors = _centres(sorted((x0 + x1) / 2 for _, x0, x1 in value_words), height)
    # `<=`: with degenerate glyph boxes the line height is 0, and the first column's
    # own words must still count (found by fuzzing: min() of an empty sequence).
    first = min(x0 for _, x0, x1 in value_words if (x0 + x1) / 2 <= anchors[0] + height)
    left = min(c.x0 for li in region for c in li.chars) - 1
    # Edges derive from the column centres only, so the fragments of a table continued on
    # the next page get the same columns.
    half = (anchors[-1] - anchors[-2]) / 2 if len(anchors) > 1 else height
    xs = [left, min(first - 1, anchors[0] - height / 2)]
    xs += [(a + b) / 2 for a, b in zip(anchors, anchors[1:])] + [anchors[-1] + max(half, height)]
    rows = _rows(region, height, xs[1])
    ys = [rows[0].top - 1] + [(a.bottom + b.top) / 2 for a, b in zip(rows, rows[1:])] + [rows[-1].bottom + 1]
    return [(xs[j], ys[i], xs[j + 1], ys[i + 1]) for i in range(len(rows)) for j in range(len(xs) - 1)]


def _centres(values: list[float], tol: float) -> list[float]:
    """Means of the runs of sorted `values` whose neighbours are within `tol`."""
    runs: list[list[float]] = []
    for v in values:
        if runs and v - runs[-1][-1] <= tol:
            runs[-1].append(v)
        else:
            runs.append([v])
    return [sum(r) / len(r) for r in runs]


def _rows(region: list[_Line], height: float, label_right: float) -> list[_Line]:
    """Lines grouped into rows: a label-only line joins the nearest value line when it is
    close enough and printed in the label column, else it is a row of its own (a header
    over the value columns, such as table 2's centred 第二十条第（五）项, is no label)."""
    rows = [li for li in region if li.values]
    for li in rows:
        li.members = [li]
    for li in region:
        if li.values:
            continue
        near = min(rows, key=lambda v: abs(v.cy - li.cy))
        if abs(near.cy - li.cy) <= current().borderless_attach * height and all(
            x1 <= label_right + height for _, _, x1 in li.words
        ):
            near.members.append(li)
        else:
            li.members = [li]
            rows.append(li)
    for row in rows:
        row.top = min(m.top for m in row.members)
        row.bottom = max(m.bottom for m in row.members)
    return sorted(rows, key=lambda r: r.top)
