"""Markdown, including the messy output of PDF-to-Markdown converters.

Pipe-table lines (`| a | b |`) become table rows and consecutive ones one table; the
`|---|` separator lines are dropped wherever they fall (converters repeat them inside
tables); `#` headings become headings; the other lines are read as plain text is
(reading/text.py: paragraphs, and tables of tab-separated or space-aligned lines, which
a report saved as .md from a text file or a converter's output keeps).
"""

from __future__ import annotations

from pathlib import Path

import regex

from report_extract.model.document import Cell, Document, Origin, TableBlock, TextBlock
from report_extract.reading.charset import decode
from report_extract.reading.text import blocks_from_lines

_SEPARATOR = regex.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADING = regex.compile(r"^\s*(#{1,6})\s+(.*?)\s*#*\s*$")


def _cells(line: str, n: int) -> list[Cell]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [Cell(c.strip(), Origin(line=n)) for c in regex.split(r"(?<!\\)\|", body)]


def read(path: Path, data: bytes) -> Document:
    decoded = decode(data)
    text = decoded.text
    doc = Document(path=str(path), format="md")
    if decoded.warning:
        doc.warnings.append(decoded.warning)
    table: list[list[Cell]] = []
    plain: list[str] = []  # the run of plain lines before this one, read as text is
    plain_from = 1
    for n, line in enumerate(text.splitlines(), start=1):
        if _SEPARATOR.match(line):
            continue
        pipe, m = line.lstrip().startswith("|"), _HEADING.match(line)
        if plain and (pipe or m):
            doc.blocks.extend(blocks_from_lines(plain, plain_from))
            plain = []
        if pipe:
            table.append(_cells(line, n))
            continue
        if table:
            doc.blocks.append(TableBlock(table, Origin(line=table[0][0].origin.line)))
            table = []
        if m:
            doc.blocks.append(TextBlock("heading", m.group(2), Origin(line=n), level=len(m.group(1))))
        else:
            if not plain:
                plain_from = n
            plain.append(line)
    if table:
        doc.blocks.append(TableBlock(table, Origin(line=table[0][0].origin.line)))
    doc.blocks.extend(blocks_from_lines(plain, plain_from))
    return doc
