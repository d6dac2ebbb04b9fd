"""Plain text: paragraphs, tab-separated tables, and crawler dumps with a header.

Lines holding a tab are table rows; consecutive ones form one table.  A crawler's
"key: value" header before a "==== 正文 ====" line becomes `Document.header`.
"""

from __future__ import annotations

from pathlib import Path

import regex

from report_extract.model.document import Cell, Document, Origin, TableBlock, TextBlock
from report_extract.reading.charset import decode

_BODY_MARK = regex.compile(r"^=+\s*正文\s*=+\s*$")
_HEADER_LINE = regex.compile(r"^(?P<key>[\p{Han}A-Za-z]{1,8})\s*[:：]\s*(?P<value>.*)$")
_BULLET = regex.compile(r"^\s*[-*•·]\s+")


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


def blocks_from_lines(lines: list[str], first_line: int = 1) -> list:
    blocks: list = []
    table: list[list[Cell]] = []
    for n, line in enumerate(lines, start=first_line):
        if "\t" in line:
            table.append([Cell(c.strip(), Origin(line=n)) for c in line.rstrip("\r\n").split("\t")])
            continue
        if table:
            blocks.append(TableBlock(table, Origin(line=table[0][0].origin.line)))
            table = []
        text = _BULLET.sub("", line).strip()
        if text:
            blocks.append(TextBlock("paragraph", text, Origin(line=n)))
    if table:
        blocks.append(TableBlock(table, Origin(line=table[0][0].origin.line)))
    return blocks


def read(path: Path, data: bytes) -> Document:
    decoded = decode(data)
    text = decoded.text
    lines = text.splitlines()
    header, body = split_header(lines)
    doc = Document(path=str(path), format="txt", header=header)
    if decoded.warning:
        doc.warnings.append(decoded.warning)
    doc.title_hint = header.get("标题")
    doc.blocks = blocks_from_lines(lines[body:], first_line=body + 1)
    return doc
