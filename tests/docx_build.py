"""Build test DOCX files with python-docx: tables laid out from HTML-like span specs
(merged cells made with python-docx's own merge, i.e. gridSpan and vMerge)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import lxml.html

from report_extract.reading.markup import clean

# (text, rowspan, colspan)
Span = tuple[str, int, int]
Spec = tuple[str, str] | tuple[str, str, int] | tuple[str, list[list[Span]]]


def build(spec: list[Spec]) -> bytes:
    """`spec` items: ("title", text), ("heading", text, level), ("p", text), ("table", rows)."""
    d = docx.Document()
    for item in spec:
        if item[0] == "title":
            d.add_heading(item[1], level=0)
        elif item[0] == "heading":
            d.add_heading(item[1], level=item[2])
        elif item[0] == "p":
            d.add_paragraph(item[1])
        else:
            _table(d, item[1])
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _table(d: docx.document.Document, rows: list[list[Span]]) -> None:
    placed = place_spans(rows)
    width = max(c + cs for (_, c, _, cs, _) in placed)
    table = d.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, c, rs, cs, text in placed:
        cell = table.cell(r, c)
        if rs > 1 or cs > 1:
            cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
        cell.text = text


def place_spans(rows: list[list[Span]]) -> list[tuple[int, int, int, int, str]]:
    """(row, column, rowspan, colspan, text) of every span cell, placed the browser way
    (next free column); tests/gen_reports.py lays out its HTML and text tables by it too."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows):
        c = 0
        for text, rs, cs in row:
            while (r, c) in taken:
                c += 1
            rs = min(rs, len(rows) - r)
            taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
            placed.append((r, c, rs, cs, text))
            c += cs
    return placed


def html_tables(path: Path) -> list[list[list[Span]]]:
    """The span structure of every table in a page, read straight from the markup."""
    root = lxml.html.document_fromstring(path.read_text(encoding="utf-8"))
    out = []
    for table in root.iter("table"):
        rows = []
        for tr in table.xpath("./tr | ./tbody/tr"):
            rows.append(
                [
                    (clean("".join(td.itertext())), _int(td.get("rowspan")), _int(td.get("colspan")))
                    for td in tr.xpath("./td | ./th")
                ]
            )
        out.append(rows)
    return out


def _int(value: str | None) -> int:
    m = re.match(r"\d+", value or "")
    return int(m.group()) if m else 1
