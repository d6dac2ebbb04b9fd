"""Plain text: paragraphs, tab-separated tables, and crawler dumps with a header.

Lines holding a tab are table rows; consecutive ones form one table.  A crawler's
"key: value" header before a "==== 正文 ====" line becomes `Document.header`.
"""

from __future__ import annotations

from pathlib import Path

import regex

from report_extract.model.document import Cell, Document, Origin, TableBlock, TextBlock
from report_extract.patterns import load_toml
from report_extract.reading.aligned import grid_rows
from report_extract.reading.charset import decode

_BODY_MARK = regex.compile(r"^=+\s*正文\s*=+\s*$")
_HEADER_LINE = regex.compile(r"^(?P<key>[\p{Han}A-Za-z]{1,8})\s*[:：]\s*(?P<value>.*)$")
# A list bullet; not the first mark of a line of values ("- —— 7 - 9": a blank cell's dash).
_BULLET = regex.compile(r"^\s*[-*•·]\s+(?![\d\s.,/—–-]+$)")


def split_header(lines: list[str]) -> tuple[dict[str, str], int]:
    """The crawler header and the index of the first body line (0 when there is none)."""
    for i, line in enumerate(lines[:40]):
        if _BODY_MARK.match(line.strip()):
            header = {}
            for h in lines[:i]:
                m = _HEADER_LINE.match(h.strip())
                if m:
                    header[m.group("key")] = m.group("value").strip()
            return header, i + 1
    return {}, 0


def _table(rows: list[list[Cell]]) -> TableBlock:
    """Consecutive tab rows as one table.  A writer that ends every row with a tab leaves
    an empty last column in every row: no column of the table, so it is dropped (else
    table 4's single value row has 16 cells for 15 columns)."""
    while all(len(r) > 1 and not r[-1].text for r in rows):
        rows = [r[:-1] for r in rows]
    return TableBlock(rows, Origin(line=rows[0][0].origin.line))


def blocks_from_lines(lines: list[str], first_line: int = 1) -> list:
    blocks: list = []
    table: list[list[Cell]] = []
    aligned = grid_rows(lines)  # space-aligned table lines, as grid rows
    for n, line in enumerate(lines, start=first_line):
        if "\t" in line:
            table.append([Cell(c.strip(), Origin(line=n)) for c in line.rstrip("\r\n").split("\t")])
            continue
        if n - first_line in aligned:
            table.append([Cell(c, Origin(line=n)) for c in aligned[n - first_line]])
            continue
        if table:
            blocks.append(_table(table))
            table = []
        text = _BULLET.sub("", line).strip()
        if text:
            blocks.append(TextBlock("paragraph", text, Origin(line=n)))
    if table:
        blocks.append(_table(table))
    return blocks


def _footer() -> regex.Pattern:
    return regex.compile("|".join(f"(?:{p})" for p in load_toml("pages.toml")["footer"]))


def page_lines(text: str) -> list[str]:
    """The text's lines, with each page's footer (the last printed line of a page ended
    by a form feed, when it holds only a page number or a date) blanked: its digits would
    be read as table values.  Blanked, not removed, so line numbers stay those of the file."""
    if "\f" not in text:
        return text.splitlines()
    footer = _footer()
    lines: list[str] = []
    for page in text.split("\f"):
        own = page.splitlines()
        last = next((i for i in range(len(own) - 1, -1, -1) if own[i].strip()), None)
        if last is not None and footer.fullmatch(own[last].strip()):
            own[last] = ""
        lines += own
    return lines


def read(path: Path, data: bytes) -> Document:
    decoded = decode(data)
    text = decoded.text
    lines = page_lines(text)
    header, body = split_header(lines)
    doc = Document(path=str(path), format="txt", header=header)
    if decoded.warning:
        doc.warnings.append(decoded.warning)
    doc.title_hint = header.get("标题")
    doc.blocks = blocks_from_lines(lines[body:], first_line=body + 1)
    return doc
