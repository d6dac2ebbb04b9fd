"""Tables in space-aligned text (pdftotext -layout and the like): lines back to grid rows.

Such text prints every cell at the character column of its x position, so a blank cell is
only spaces and a row with blank cells prints fewer numbers than the table has columns:
read as free text, the numbers cannot tell which columns they belong to.  The columns are
where the numbers of a block of such lines line up (and, for a table with one value row,
where its header's cells stand); each line's numbers are placed in the nearest column,
the others left blank, and the line becomes a grid row.  A line inside the table that
prints only a label is a row of blank cells when it starts at the row labels' margin,
else a one-cell row holding a label fragment (a wrapped label's first or last line),
which rows.join_wrapped joins to the next row or drops.  A line whose numbers do not
line up with the columns stays text, and so does every block without that evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from report_extract.settings import current

# A value: a number or a null marker, set apart by two spaces (or the line's end).
_VALUE = regex.compile(r"(?:(?<=\S)\s{2,}|^\s*)(?P<v>[-+]?\d[\d,]*(?:\.\d+)?|[—－–-]{1,2}|/|无)(?=\s{2,}|\s*$)")
_CHUNK = regex.compile(r"\S+(?:\s\S+)*")  # a header cell: words set apart by two spaces


@dataclass
class Line:
    text: str
    label: str
    values: list[tuple[float, str]]  # (centre column, text)


# Numbers printed one space apart ("数量         3001 53    0", "文件  0   231 1"): columns too
# narrow for their numbers.  Before the first value they are still values, not the label's.
_CLOSE = regex.compile(r"(?<=\p{Han}[\p{Pe}\p{Pf}]*\s+)(?:[-+]?\d[\d,]*(?:\.\d+)?\s)+[-+]?\d[\d,]*(?:\.\d+)?\s*$")
_TOKEN = regex.compile(r"\S+")
_CELL = regex.compile(r"[-+]?\d[\d,]*(?:\.\d+)?|[—－–-]{1,2}|/|无")


def parse_line(text: str) -> Line:
    hits = list(_VALUE.finditer(text))
    # a label's own numbering ("1.属于") is no value: values start after the label
    label_end = hits[0].start("v") if hits else len(text)
    values = [((m.start("v") + m.end("v") - 1) / 2, m["v"]) for m in hits]
    if hits:
        close = _CLOSE.search(text[:label_end])
        start = close.start() if close else label_end
        tokens = list(_TOKEN.finditer(text, start))
        if all(_CELL.fullmatch(m[0]) for m in tokens):  # the rest of the line is values, however close
            values = [((m.start() + m.end() - 1) / 2, m[0]) for m in tokens]
            label_end = start
    return Line(text, text[:label_end].strip(), values)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _clusters(centres: list[float]) -> list[float]:
    """Column centres: values that stand within two characters of each other."""
    groups: list[list[float]] = []
    for c in sorted(centres):
        if groups and c - groups[-1][-1] <= 2:
            groups[-1].append(c)
        else:
            groups.append([c])
    return [sum(g) / len(g) for g in groups if len(g) >= 2]


def _place(line: Line, columns: list[float]) -> list[str] | None:
    """The line's cells in the columns, or None when its values do not line up."""
    gap = min((b - a for a, b in zip(columns, columns[1:])), default=8.0)
    cells = [""] * len(columns)
    for centre, value in line.values:
        j = min(range(len(columns)), key=lambda k: abs(columns[k] - centre))
        if abs(columns[j] - centre) > current().aligned_slack * gap or cells[j]:
            return None
        cells[j] = value
    return cells


def _header_columns(lines: list[Line], first: int) -> list[float]:
    """Centres of the header cells printed above line `first`: every cell of the nearest
    header line, then the cells of the lines above it that stand outside what the lines
    below already cover (a merged header cell over several columns is no column)."""
    heads: list[Line] = []
    i = first - 1
    while i >= 0 and len(heads) < current().aligned_head_lines and not lines[i].values:
        if lines[i].text.strip():
            heads.append(lines[i])
        i -= 1
    centres: list[float] = []
    covered: list[tuple[int, int]] = []
    for head in heads:
        chunks = [(m.start(), m.end()) for m in _CHUNK.finditer(head.text)]
        new = [(a, b) for a, b in chunks if not any(a < hi and lo < b for lo, hi in covered)]
        centres += [(a + b - 1) / 2 for a, b in new]
        if new:
            covered.append((min(a for a, _ in new), max(b for _, b in new)))
    return sorted(centres)


def _columns(lines: list[Line], block: list[int]) -> list[float]:
    """The block's columns: its header's cells over the values, where they give a column
    to every value of the widest line; else where the values of three lines or more
    line up."""
    wide = [k for k in block if len(lines[k].values) >= 2]
    if not wide:
        return []
    leftmost = min(c for k in wide for c, _ in lines[k].values)
    head = [c for c in _header_columns(lines, block[0]) if c >= leftmost - 3]
    if len(head) >= max(len(lines[k].values) for k in wide):
        return head
    return _clusters([c for k in wide for c, _ in lines[k].values]) if len(wide) >= current().aligned_min_rows else []


def grid_rows(texts: list[str]) -> dict[int, list[str]]:
    """{line index: cells} for the lines of `texts` that are rows of an aligned table.

    Columns are counted in characters (pdftotext), or, where that lines up fewer of the
    table's values, in display columns, a Chinese character two wide (text aligned for
    the eye in an editor or a terminal)."""
    by_chars = _grid_rows(texts)
    if not any(_WIDE.search(t) for t in texts):
        return by_chars
    by_display = {
        k: [c.replace(_FILLER, "") for c in cells] for k, cells in _grid_rows([_widen(t) for t in texts]).items()
    }
    return by_display if _values(by_display) > _values(by_chars) else by_chars


# East Asian wide and full-width characters; a display column is added after each.
_WIDE = regex.compile(r"[\p{Han}\p{InCJK_Symbols_and_Punctuation}\p{InHalfwidth_and_Fullwidth_Forms}]")
_FILLER = "\x00"  # no space, no word character: neither splits nor joins a cell


def _widen(text: str) -> str:
    return _WIDE.sub(lambda m: m.group() + _FILLER, text)


def _values(rows: dict[int, list[str]]) -> int:
    return sum(1 for cells in rows.values() for c in cells[1:] if c)


def _grid_rows(texts: list[str]) -> dict[int, list[str]]:
    lines = [parse_line(t) for t in texts]
    out: dict[int, list[str]] = {}
    i = 0
    while i < len(lines):
        if not lines[i].values:
            i += 1
            continue
        block, gap, j = [i], 0, i + 1
        while j < len(lines) and gap <= current().aligned_max_gap:
            if lines[j].values:
                block.append(j)
                gap = 0
            elif lines[j].text.strip():
                gap += 1
            j += 1
        i = block[-1] + 1
        columns = _columns(lines, block)
        if len(columns) < 2:
            continue
        margin = (
            min(_indent(lines[k].text) for k in block if lines[k].label) if any(lines[k].label for k in block) else 0
        )
        start = block[0]
        above = lines[start - 1] if start else None
        if above and not above.values and _indent(above.text) == margin and len(_CHUNK.findall(above.text)) == 1:
            start -= 1  # the first line of the first row's wrapped label (a header has several cells)
        end = block[-1] + 1
        while (
            end < len(lines)
            and end - block[-1] <= current().aligned_max_gap
            and not lines[end].values
            and (not lines[end].text.strip() or _indent(lines[end].text) == margin and _row_label(lines[end].label))
        ):
            end += 1  # blank rows after the last printed value (行政事业性收费 left blank)
        placed = {k: cells for k in block if (cells := _place(lines[k], columns)) is not None}
        for k in block:
            if k not in placed and (own := _under_own_header(lines, k)) is not None:
                placed[k] = own
        for k in range(start, end):
            if lines[k].values:
                if k in placed:
                    out[k] = [lines[k].label, *placed[k]]
                continue
            if not lines[k].label or not _beside_placed(k, block, placed):
                # A label alone is a row (or a fragment of one) of the grid only beside
                # lines the grid holds: between lines left as text it would be a row of
                # blanks that the text never printed.
                continue
            if _indent(lines[k].text) == margin:
                out[k] = [lines[k].label, *([""] * len(columns))]
            elif k < block[-1]:
                out[k] = [lines[k].label]  # a label fragment: rows.join_wrapped decides
    return out


# What ends a table printed as text: a sentence, or the report's next section heading
# ("五、存在的主要问题及改进情况" at the row labels' margin is no row left blank).
_NOT_A_ROW = regex.compile(r"[。；;]|^[一二三四五六七八九十]{1,2}\s*[、.．]")


def _under_own_header(lines: list[Line], k: int) -> list[str] | None:
    """The values of line k, which the block's columns do not take, in order, when the
    line right above it is a header of as many cells over them: a row under a header of
    its own (政府集中采购 below 采购项目数量 and a 采购总金额 merged over two columns, in a
    table 2 whose other rows have three columns).  A header cell's text starts at its
    cell's left while a value is centred in the cell, so a wide cell's value stands off
    its header; one value for each header cell is still unambiguous."""
    if k == 0 or lines[k - 1].values or len(lines[k].values) < 2:
        return None
    leftmost = min(c for c, _ in lines[k].values)
    head = [c for c in _header_columns(lines, k) if c >= leftmost - 3]
    return [v for _, v in lines[k].values] if len(head) == len(lines[k].values) else None


def _row_label(label: str) -> bool:
    return not _NOT_A_ROW.search(label.replace(_FILLER, ""))  # as printed, also in display columns


def _beside_placed(k: int, block: list[int], placed: dict[int, list[str]]) -> bool:
    """Whether the value lines nearest to line k, before and after it, are grid rows."""
    before = [b for b in block if b < k]
    after = [b for b in block if b > k]
    return (not before or before[-1] in placed) and (not after or after[0] in placed) and bool(before or after)
