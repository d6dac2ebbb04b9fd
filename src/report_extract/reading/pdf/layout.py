"""Pages to blocks: the layout steps both PDF engines share.

An engine delivers, per page, its characters and the cell boxes of the tables it found
(`PageContent`).  From there on everything is common: characters are assigned to cells,
the rest become lines; page headers, footers and page numbers are dropped; a table that
runs on over a page break becomes one table; lines become paragraphs and headings.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

from report_extract.model.document import Block, Origin, TableBlock, TextBlock
from report_extract.reading.pdf.borderless import borderless_tables
from report_extract.reading.pdf.grid import BBox, CellIndex, RawTable, rounded, to_grid
from report_extract.reading.pdf.text import Char, Line, block_text, group_lines, join_lines, line_text, make_lines
from report_extract.settings import current

_PAGE_NUMBER = re.compile(
    r"^[-—–－_\s]*(第\s*)?[0-9０-９]+\s*(页)?(\s*[/／]\s*[0-9]+|\s*共\s*[0-9]+\s*页)?[-—–－_\s]*$"
    r"|^第\s*[0-9]+\s*页\s*[，,]?\s*共\s*[0-9]+\s*页$|^[Pp]age\s*[0-9]+(\s*of\s*[0-9]+)?$"
)
_NUMBERED = re.compile(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\))")
_DIGITS = re.compile(r"[0-9０-９]+")


@dataclass
class PageContent:
    """What an engine read from one page."""

    number: int  # 1-based
    width: float
    height: float
    chars: list[Char]
    tables: list[list[BBox]] = field(default_factory=list)  # cell boxes per table
    # Boxes of the images on the page (top-left origin): every engine collects them, so
    # deciding what to OCR needs no second pass over the page.
    images: list[BBox] = field(default_factory=list)


Item = Line | RawTable


def build_blocks(pages: Sequence[PageContent]) -> list[Block]:
    ruled = [_ruled(p) for p in pages]
    _drop_chrome([lines for _, lines in ruled], pages)
    flows = [_read_page(p, tables, lines) for p, (tables, lines) in zip(pages, ruled)]
    items = _merge_continued_tables(flows)
    return _to_blocks(items)


def _ruled(page: PageContent) -> tuple[list[RawTable], list[list[Char]]]:
    """The page's ruled tables, cells filled with their text, and its other chars as lines."""
    tables = [RawTable(page.number, cells) for cells in page.tables if len(cells) > 1]
    return tables, group_lines(_fill(tables, page.chars))


def _read_page(page: PageContent, tables: list[RawTable], lines: list[list[Char]]) -> list[Item]:
    """Tables (ruled and rule-less) and text lines of a page, top to bottom."""
    free = [c for line in lines for c in line]
    found = borderless_tables(lines, max((c.x1 for c in free), default=0.0))
    if found.tables:
        rule_less = [RawTable(page.number, cells) for cells in found.tables]
        lines = group_lines(_fill(rule_less, free, found.word_x))
        tables = tables + rule_less
    items: list[Item] = [*make_lines(lines, page.number), *tables]
    return sorted(items, key=lambda it: it.top if isinstance(it, Line) else it.bbox[1])


def _fill(tables: list[RawTable], chars: Sequence[Char], word_x: dict[Char, float] | None = None) -> list[Char]:
    """Give each table's cells the text of the characters inside them; return the rest.
    `word_x` places a character at another x (its word's centre) for the lookup."""
    indexes = [CellIndex(t.cells) for t in tables]
    in_cell: list[list[list[Char]]] = [[[] for _ in t.cells] for t in tables]
    free: list[Char] = []
    for c in chars:
        cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2  # Char.cx, Char.cy
        for t, index in enumerate(indexes):
            k = index.find(word_x.get(c, cx) if word_x else cx, cy)
            if k is not None:
                in_cell[t][k].append(c)
                break
        else:
            free.append(c)
    for table, cell_chars in zip(tables, in_cell):
        table.texts = [block_text(cs) for cs in cell_chars]
    return free


def _chrome_key(text: str) -> str:
    return _DIGITS.sub("#", text.replace(" ", ""))


def _drop_chrome(pages_lines: list[list[list[Char]]], pages: Sequence[PageContent]) -> None:
    """Remove running headers/footers and page numbers before tables are looked for: lines
    in the top or bottom margin that are a page number or repeat (digits aside) on other
    pages."""

    def in_margin(line: list[Char], page: PageContent) -> bool:
        zone = current().pdf_margin_zone * page.height
        return max(c.bottom for c in line) < zone or min(c.top for c in line) > page.height - zone

    margin = [
        [(k, line_text(line)) for k, line in enumerate(lines) if in_margin(line, p)]
        for lines, p in zip(pages_lines, pages)
    ]
    counts = Counter(key for found in margin for key in {_chrome_key(text) for _, text in found})
    repeat = 2 if len(pages) > 1 else 10**9
    for lines, found in zip(pages_lines, margin):
        drop = {k for k, text in found if _PAGE_NUMBER.match(text) or counts[_chrome_key(text)] >= repeat}
        lines[:] = [line for k, line in enumerate(lines) if k not in drop]


def _merge_continued_tables(flows: list[list[Item]]) -> list[Line | list[RawTable]]:
    """Flatten the pages; a table that ends its page and one that starts the next page
    (overlapping horizontally) are one table printed in two fragments."""
    out: list[Line | list[RawTable]] = []
    for n, flow in enumerate(flows):
        for k, it in enumerate(flow):
            if isinstance(it, Line):
                out.append(it)
                continue
            prev = out[-1] if out else None
            if (
                k == 0
                and n > 0
                and isinstance(prev, list)
                and prev[-1].page == it.page - 1
                and _overlap_x(prev[-1].bbox, it.bbox)
            ):
                prev.append(it)
            else:
                out.append([it])
    return out


def _overlap_x(a: BBox, b: BBox) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 * min(a[2] - a[0], b[2] - b[0])


def _to_blocks(items: Sequence[Line | list[RawTable]]) -> list[Block]:
    lines = [it for it in items if isinstance(it, Line)]
    body = _body_metrics(lines)
    blocks: list[Block] = []
    para: list[Line] = []
    for it in items:
        if isinstance(it, Line):
            if para and _starts_paragraph(para[-1], it, body):
                blocks.append(_text_block(para, body))
                para = []
            para.append(it)
            continue
        if para:
            blocks.append(_text_block(para, body))
            para = []
        first = it[0]
        blocks.append(TableBlock(to_grid(it), Origin(page=first.page, bbox=rounded(first.bbox))))
    if para:
        blocks.append(_text_block(para, body))
    return blocks


@dataclass(frozen=True)
class _Body:
    left: float
    right: float
    size: float


def _body_metrics(lines: Sequence[Line]) -> _Body:
    if not lines:
        return _Body(0.0, 0.0, 0.0)
    left = Counter(round(li.x0) for li in lines).most_common(1)[0][0]
    rights = sorted(li.x1 for li in lines)
    return _Body(left, rights[int(0.9 * (len(rights) - 1))], median(li.size for li in lines))


def _starts_paragraph(prev: Line, line: Line, body: _Body) -> bool:
    h = body.size or line.size
    if body.size and min(prev.size, line.size) > 1.15 * body.size:
        # A title printed large over several lines is one heading.
        return abs(line.size - prev.size) > 0.2 * h or line.top - prev.bottom > current().pdf_paragraph_gap * h
    if line.page != prev.page:
        # A paragraph runs on over the page break when the last line was full width and
        # the next one is not indented.
        return prev.x1 < body.right - current().pdf_short_line * h or line.x0 > body.left + current().pdf_indent * h
    return (
        line.x0 > body.left + current().pdf_indent * h
        or prev.x1 < body.right - current().pdf_short_line * h
        or line.top - prev.bottom > current().pdf_paragraph_gap * h
    )


def _text_block(lines: Sequence[Line], body: _Body) -> TextBlock:
    text = join_lines(li.text for li in lines)
    on_page = [li for li in lines if li.page == lines[0].page]
    bbox = (
        min(li.x0 for li in on_page),
        min(li.top for li in on_page),
        max(li.x1 for li in on_page),
        max(li.bottom for li in on_page),
    )
    large = body.size and all(li.size > 1.15 * body.size for li in lines)
    heading = len(text) <= current().pdf_heading_max_chars and (large or (len(lines) == 1 and _NUMBERED.match(text)))
    return TextBlock("heading" if heading else "paragraph", text, Origin(page=lines[0].page, bbox=rounded(bbox)))
