"""Text and grid helpers shared by the markup readers (HTML, DOCX).

Both formats print Chinese text whose source whitespace is an accident of the markup:
a label split over several `<span>`s or Word runs, a `<br>` or a second paragraph inside
a table cell, `&nbsp;` and U+3000 used as blanks.  `clean` turns all of that into the text
a reader of the printed page sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from report_extract.model.document import Cell, Origin
from report_extract.reading.errors import ReaderError
from report_extract.settings import current

# Han characters plus CJK and full-width punctuation: a space between two of these is
# never meaningful in Chinese text (it comes from a line break in the source or a <br>).
_CJK = r"\p{Han}\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2026\u2014"
_CJK_GAP = regex.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
# \s covers U+00A0 and U+3000; zero-width spaces and BOMs are not whitespace to Python.
_SPACE = regex.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def collapse(text: str) -> str:
    """Whitespace (incl. nbsp, ideographic and zero-width spaces) collapsed to one space."""
    return _SPACE.sub(" ", text).strip()


def clean(text: str) -> str:
    """`collapse`, and the spaces left between two Chinese characters dropped."""
    return _CJK_GAP.sub("", collapse(text))


def check_grid(source_cells: int, positions: int) -> None:
    """Refuse a table whose spans would expand `source_cells` into `positions`."""
    if positions > current().grid_floor + current().max_span_growth * source_cells:
        raise ReaderError(
            f"table spans expand {source_cells} cells to {positions} grid positions "
            f"(limit {current().max_span_growth}x + {current().grid_floor})"
        )


@dataclass
class SpanCell:
    """A cell as the markup states it, before the grid is laid out."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    origin: Origin = field(default_factory=Origin)


def build_grid(rows: list[list[SpanCell]]) -> list[list[Cell]]:
    """Lay out row/col spans the way a browser does: each cell takes the next free grid
    column of its row; a span is repeated into every position it covers with merged=True;
    a rowspan past the last row is clipped; short rows are padded with blank cells."""
    cells = sum(len(row) for row in rows)
    check_grid(cells, sum(min(sc.rowspan, len(rows) - r) * sc.colspan for r, row in enumerate(rows) for sc in row))
    taken: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(rows):
        c = 0
        for sc in row:
            while (r, c) in taken:
                c += 1
            for dr in range(min(sc.rowspan, len(rows) - r)):
                for dc in range(sc.colspan):
                    taken[(r + dr, c + dc)] = Cell(sc.text, sc.origin, merged=bool(dr or dc))
            c += sc.colspan
    width = max((c + 1 for (_, c) in taken), default=0)
    check_grid(cells, width * len(rows))  # padding short rows to the widest one
    return [[taken.get((r, c)) or Cell("") for c in range(width)] for r in range(len(rows))]


def pad_grid(grid: list[list[Cell]]) -> list[list[Cell]]:
    """Pad ragged rows with blank cells so every row has the table's width."""
    width = max((len(row) for row in grid), default=0)
    check_grid(sum(len(row) for row in grid), width * len(grid))
    return [row + [Cell("") for _ in range(width - len(row))] for row in grid]
