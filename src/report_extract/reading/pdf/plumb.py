"""The reference PDF engine: pdfplumber (pdfminer.six) characters and its table finder.

Slow (about 50 ms a page) but independent of the fast engine, so it is the fallback when the
fast engine's tables do not cover the report, and the yardstick the fast one is held to.
"""

from __future__ import annotations

import io
from typing import Any

import pdfplumber

from report_extract.reading.pdf.grid import closing_rules
from report_extract.reading.pdf.layout import PageContent
from report_extract.reading.pdf.text import Char
from report_extract.settings import current

# Only printed rules delimit cells: WPS paints a white rectangle behind every line of body
# text, and shaded header cells are filled rectangles; neither is a table border.
TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def read_pages(data: bytes) -> list[PageContent]:
    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            pages.append(_read_page(page, number))
            page.close()  # drops pdfplumber's per-page object cache
    return pages


def page_count(data: bytes) -> int | None:
    """Pages pdfminer finds, None when it cannot parse the file either."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages)
    except Exception:  # pdfminer raises many unrelated types for malformed input
        return None


def _read_page(page: Any, number: int) -> PageContent:
    page = page.dedupe_chars()
    chars = []
    space = False
    for c in page.chars:
        if not c["text"].strip():
            space = space or c["text"] == " "
            continue
        chars.append(Char(c["text"], c["x0"], c["top"], c["x1"], c["bottom"], space))
        space = False
    ruled = page.filter(_is_rule_or_text)
    settings = dict(TABLE_SETTINGS, explicit_horizontal_lines=_closing_lines(ruled.edges))
    tables = [list(t.cells) for t in ruled.find_tables(settings)]
    images = [(i["x0"], i["top"], i["x1"], i["bottom"]) for i in page.images]
    return PageContent(number, float(page.width), float(page.height), chars, tables, images)


def _closing_lines(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same page-break closing rules the fast engine adds (see `closing_rules`)."""
    h = [(e["top"], e["x0"], e["x1"]) for e in edges if e["orientation"] == "h"]
    v = [(e["x0"], e["top"], e["bottom"]) for e in edges if e["orientation"] == "v"]
    return [
        {"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0}
        for y, x0, x1 in closing_rules(h, v)
    ]


def _is_rule_or_text(obj: dict[str, Any]) -> bool:
    kind = obj.get("object_type")
    if kind in ("line", "curve"):
        return bool(obj.get("stroke", True)) and visible(obj.get("stroking_color"))
    if kind == "rect":
        if obj.get("stroke") and visible(obj.get("stroking_color")):
            return True
        thin = min(obj["width"], obj["height"]) <= current().pdf_thin
        return thin and bool(obj.get("fill")) and visible(obj.get("non_stroking_color"))
    return True


def visible(color: Any) -> bool:
    """False for white (gray, RGB or CMYK); pattern or unknown colours count as visible."""
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not all(isinstance(v, (int, float)) for v in color):
        return True
    if len(color) == 4:
        return any(v > 0.05 for v in color)
    return any(v < 0.95 for v in color)
