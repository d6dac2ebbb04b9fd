"""The document model every reader produces.

A reader turns a file into a `Document`: an ordered list of blocks (headings, paragraphs
and tables).  Nothing after the readers looks at the file format, so a table printed in a
PDF, an HTML page or a tab-separated text file reaches the table code in the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph"]


@dataclass(frozen=True)
class Origin:
    """Where a piece of text was printed: a page (PDF) or a line (text formats).

    `bbox` is (x0, top, x1, bottom) in PDF points, top-left origin, when the reader knows it.
    `confidence` is set for text read by OCR (0..1).
    """

    page: int | None = None
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None


@dataclass
class Cell:
    """One grid cell.  A merged cell is repeated in every grid position it covers,
    with `merged=True` on the copies, so rows and columns always line up."""

    text: str
    origin: Origin = field(default_factory=Origin)
    merged: bool = False
    # OCR'd cells: the characters as the recogniser read them, left to right, each with
    # its score (0-1).  The checks stage (ocrfix) tries look-alikes of the uncertain ones.
    read_chars: tuple[tuple[str, float], ...] | None = None


@dataclass
class TextBlock:
    kind: BlockKind
    text: str
    origin: Origin = field(default_factory=Origin)
    level: int | None = None  # heading level when the source says so (h1=1 …)


@dataclass
class TableBlock:
    rows: list[list[Cell]]
    origin: Origin = field(default_factory=Origin)

    @property
    def kind(self) -> str:
        return "table"

    def texts(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


Block = TextBlock | TableBlock


@dataclass
class Document:
    """A report as read from its file.  `format` is the file format (txt, md, html,
    docx, pdf); `pages` is the page count where the format has pages."""

    path: str
    format: str
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    sha256: str = ""
    title_hint: str | None = None  # a title the container states (HTML <title>, crawler header)
    header: dict[str, str] = field(default_factory=dict)  # key/value lines a crawler or CMS put before the body
    warnings: list[str] = field(default_factory=list)
    # Options for a second, slower reading of the same file that the reader offers when its
    # first reading may be doubted (a PDF read by the fast engine: {"engine": "pdfplumber"}).
    # Whether to take it is decided after the tables and checks (report_extract/fallback.py).
    second_reading: dict[str, str] | None = None

    def lines(self, copies: bool = True) -> list[str]:
        """Every text block, and every table row with its cells joined by tabs, in reading
        order.  `copies=False` leaves out a merged cell's copies (text to read, not columns
        to count: a caption merged across nine columns is printed once)."""
        parts: list[str] = []
        for b in self.blocks:
            if isinstance(b, TableBlock):
                parts.extend("\t".join(c.text for c in row if copies or not c.merged) for row in b.rows)
            else:
                parts.append(b.text)
        return parts

    def text(self) -> str:
        """All text in reading order, table cells joined by tabs, one row a line."""
        return "\n".join(self.lines())
