"""A document as one ordered stream of items, and regions of it.

Tables are found by their own labels, not by the sections around them: some reports put
the tables under renumbered headings, some crawler dumps hold the whole report on one
line.  So a region may begin or end in the middle of a text item; positions are
(item index, character offset).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import regex

from report_extract.contract.labels import halfwidth
from report_extract.model.document import Cell, Document, Origin, TableBlock, TextBlock


@dataclass
class TextItem:
    text: str
    origin: Origin
    offset: int = 0  # where `text` starts in the block it came from


@dataclass
class RowItem:
    cells: list[Cell]

    @property
    def text(self) -> str:
        return "\t".join(c.text for c in self.cells if not c.merged)


Item = TextItem | RowItem
Pos = tuple[int, int]


def items(doc: Document) -> list[Item]:
    out: list[Item] = []
    for block in doc.blocks:
        if isinstance(block, TableBlock):
            out.extend(RowItem(row) for row in block.rows if row)
        elif isinstance(block, TextBlock) and block.text.strip():
            out.append(TextItem(block.text, block.origin))
    return out


def search(seq: list[Item], patterns: Iterable[str], start: Pos = (0, 0), stop: Pos | None = None) -> Pos | None:
    """Position of the earliest match of any pattern at or after `start` (before `stop`)."""
    compiled = [regex.compile(p, regex.M) for p in patterns]
    i0, off0 = start
    end = stop if stop is not None else (len(seq), 0)
    for i in range(i0, min(end[0] + 1, len(seq))):
        text = halfwidth(seq[i].text)
        lo = off0 if i == i0 else 0
        hi = end[1] if i == end[0] else len(text)
        hits = [m.start() for p in compiled if (m := p.search(text, lo, hi))]
        if hits:
            return (i, min(hits))
    return None


def region(seq: list[Item], start: Pos, stop: Pos | None) -> list[Item]:
    """The items between two positions, text items cut at the boundaries."""
    end = stop if stop is not None else (len(seq), 0)
    out: list[Item] = []
    for i in range(start[0], min(end[0] + 1, len(seq))):
        item = seq[i]
        lo = start[1] if i == start[0] else 0
        hi = end[1] if i == end[0] else None
        if isinstance(item, TextItem):
            text = item.text[lo:hi]
            if text.strip():
                out.append(TextItem(text, item.origin, item.offset + lo))
        elif hi != 0 or i != end[0]:
            out.append(item)
    return out
