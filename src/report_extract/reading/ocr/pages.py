"""OCR inside the PDF reader: which pages (or image regions) to OCR, and the hand-over.

Modes (`ocr=` on `readers.read`, the CLI's `--ocr`, or REPORT_EXTRACT_OCR):

- `auto`   (default) OCR only what has no text layer: pages without characters, and
           large images on text pages that no characters lie on (a table pasted in as a
           picture).  A PDF with a full text layer costs nothing extra.
- `always` OCR every page and drop its text layer (for text layers that are garbage:
           broken font encodings that copy out as the wrong characters).
- `never`  no OCR: an image-only PDF raises "no text layer: OCR needed".

OCR'd characters and rules go back into the page's `PageContent`; after the layout code
has built the blocks, `Scans.mark` gives every OCR'd cell its confidence and the
characters as read.  Settling uncertain digits by the report's arithmetic is a later
stage of the pipeline (`ocrfix`), after the tables: a reader does not run the table code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import TYPE_CHECKING

import pypdfium2 as pdfium

from report_extract.model.document import Document, Origin, TableBlock, TextBlock
from report_extract.reading.ocr import engine as ocr_engine
from report_extract.reading.ocr.engine import OcrChar
from report_extract.reading.pdf.grid import BBox
from report_extract.reading.pdf.layout import PageContent
from report_extract.settings import current

if TYPE_CHECKING:  # OpenCV loads only when a page is OCR'd: OCR is an optional extra
    from report_extract.reading.ocr.grid import ScannedPage


_CACHE: dict[tuple[str, str, int], Scans] = {}


@dataclass
class Scans:
    """The OCR'd pages and regions of one PDF, by page number."""

    pages: dict[int, list[tuple[BBox, ScannedPage]]] = field(default_factory=dict)  # (region, scan)
    whole: set[int] = field(default_factory=set)  # pages whose text layer is replaced
    missing: list[int] = field(default_factory=list)  # pages that needed OCR it could not get
    reason: str = ""  # why OCR was not run on them

    def apply(self, pages: list[PageContent]) -> list[PageContent]:
        """The engine's pages with OCR content put in (engines may re-read a PDF)."""
        out = []
        for p in pages:
            scans = self.pages.get(p.number, [])
            chars = [] if p.number in self.whole else list(p.chars)
            tables = [] if p.number in self.whole else list(p.tables)
            for _, s in scans:
                chars += s.content.chars
                tables += s.content.tables
            out.append(replace(p, chars=chars, tables=tables) if scans else p)
        return out

    def why_not(self) -> str:
        """Added to the "no text layer" error when nothing could be read."""
        if self.reason:
            return f"; {self.reason}"
        return "; OCR read no text on it" if self.pages else ""

    def mark(self, doc: Document) -> None:
        """Confidences on the OCR'd blocks and cells, and each cell's characters as read
        (the pipeline's `ocrfix` stage settles uncertain digits by the checks)."""
        if self.missing:
            doc.warnings.append(f"pages {self.missing} hold images of text that were not read: {self.reason}")
        if not self.pages:
            return
        # A merged cell's copies share its origin: the characters inside are found once.
        marks: dict[Origin, tuple[Origin, tuple[tuple[str, float], ...] | None]] = {}
        for block in doc.blocks:
            if isinstance(block, TableBlock):
                for row in block.rows:
                    for cell in row:
                        if cell.origin not in marks:
                            marks[cell.origin] = self._cell_mark(cell.origin)
                        cell.origin, read = marks[cell.origin]
                        if read is not None:
                            cell.read_chars = read
            elif isinstance(block, TextBlock):
                block.origin = self._marked(block.origin)[0]

    def scanned_at(self, page: int | None, bbox: BBox | None) -> ScannedPage | None:
        if page is None or bbox is None:
            return None
        cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
        for region, s in self.pages.get(page, []):
            if _inside(cx, cy, region):
                return s
        return None

    def _cell_mark(self, origin: Origin) -> tuple[Origin, tuple[tuple[str, float], ...] | None]:
        """A cell's origin with its confidence, and its characters as read (None: not OCR'd)."""
        marked, inside = self._marked(origin)
        if inside is None:
            return marked, None
        return marked, tuple((c.text, c.confidence) for c in sorted(inside, key=lambda c: c.x0))

    def _marked(self, origin: Origin) -> tuple[Origin, list[OcrChar] | None]:
        """The origin with its confidence, and the OCR characters inside its box (None:
        not OCR'd)."""
        s = self.scanned_at(origin.page, origin.bbox)
        if s is None:
            return origin, None
        bbox = origin.bbox
        assert bbox is not None
        if any(_same(bbox, u) for u in s.unreadable):
            return replace(origin, confidence=0.0), []
        inside = [c for c in s.chars if _inside(c.cx, c.cy, bbox)]
        conf = min((c.confidence for c in inside), default=1.0)  # blank and clean: sure
        return replace(origin, confidence=round(conf, 4)), inside


# Told (done, total, next page) as pages are OCR'd: a one-file command on a terminal shows
# progress through it (batch/progress.py); None: nobody is watching.
on_page: Callable[[int, int, int], None] | None = None


def scan_pdf(pdf: pdfium.PdfDocument, data: bytes, pages: list[PageContent], mode: str | None = None) -> Scans:
    """OCR what `mode` asks for.  Without the OCR engine installed, the pages that need
    it are listed in `Scans.missing` instead."""
    mode = ocr_engine.ocr_mode(mode)
    if mode == "never":
        return Scans()
    # the common case: no page needs it, decided from what the engine read, no page loaded
    todo = [(p, regions) for p in pages if (regions := _needs_ocr(p, mode))]
    if not todo:
        return Scans()
    # The pipeline reads a PDF again with the other engine when checks fail; the scan
    # of the same bytes is the same, and OCR is seconds a page: keep the last few.
    key = (hashlib.sha256(data).hexdigest(), mode, current().ocr_dpi)
    if key not in _CACHE:
        _CACHE[key] = _scan_pages(pdf, todo)
        while len(_CACHE) > current().ocr_page_cache:
            _CACHE.pop(next(iter(_CACHE)))
    return _CACHE[key]


def _scan_pages(pdf: pdfium.PdfDocument, todo: list[tuple[PageContent, list[BBox]]]) -> Scans:
    """OCR the regions `todo` names, page by page."""
    scans = Scans()
    for done, (p, regions) in enumerate(todo):
        if not ocr_engine.available():
            scans.missing.append(p.number)
            scans.reason = "OCR engine not installed: pip install 'report-extract[ocr]'"
            continue
        if on_page:
            on_page(done, len(todo), p.number)
        page = pdf[p.number - 1]
        try:
            scans.pages[p.number] = [(r, _scan_region(page, p, r)) for r in regions]
        finally:
            page.close()
        if regions[0] == _whole(p):
            scans.whole.add(p.number)
    if scans.pages and on_page:
        on_page(len(todo), len(todo), 0)
    return scans


def _needs_ocr(p: PageContent, mode: str) -> list[BBox]:
    """The regions of a page to OCR: the whole page, some images on it, or nothing."""
    # Counted only as far as the threshold: every page of every born-digital PDF asks.
    needed = current().ocr_min_page_chars
    usable = sum(1 for _ in islice(filter(_usable, (c.text for c in p.chars)), needed))
    if mode == "always" or (usable < needed and (p.images or len(p.chars) >= needed)):
        return [_whole(p)]
    if len(p.chars) < current().ocr_min_page_chars:
        return []
    return [r for r in _image_regions(p) if _chars_in(p, r) < current().ocr_min_image_chars]


def _usable(text: str) -> bool:
    """Not a character of a font without a Unicode map: PDFium gives those as private-use
    code points or U+FFFD, and such a text layer is no text (the glyphs still print)."""
    code = ord(text[0]) if text else 0xFFFD
    return code != 0xFFFD and not 0xE000 <= code <= 0xF8FF


def _whole(p: PageContent) -> BBox:
    return (0.0, 0.0, p.width, p.height)


def _scan_region(page: pdfium.PdfPage, p: PageContent, region: BBox) -> ScannedPage:
    from report_extract.reading.ocr.grid import scan

    scale = _render_dpi(page, region) / 72
    # A margin round an image region keeps the rules at its edges whole.
    x0, top = max(0.0, region[0] - current().ocr_region_margin), max(0.0, region[1] - current().ocr_region_margin)
    x1, bottom = (
        min(p.width, region[2] + current().ocr_region_margin),
        min(p.height, region[3] + current().ocr_region_margin),
    )
    # pdfium crops by margins in points: left, bottom, right, top
    crop = (x0, p.height - bottom, p.width - x1, top)
    offset = (x0, top)
    bitmap = page.render(scale=scale, grayscale=True, crop=crop)
    import numpy as np  # a page to OCR: numpy is not loaded for the others (engine.py)

    image = np.asarray(bitmap.to_pil().convert("L"))
    return scan(image, p.number, p.width, p.height, scale, offset)


def _render_dpi(page: pdfium.PdfPage, region: BBox) -> float:
    """The resolution to render `region` at: the scan's own (its images' pixels per inch
    on the page), between the ocr_dpi and ocr_max_dpi settings.  A scan resampled to a lower
    resolution loses its hairline rules and the strokes of small print; one of fewer
    pixels than ocr_dpi is enlarged to it (the recogniser works on lines 48 pixels high)."""
    import pypdfium2.raw as pdfium_c

    height = page.get_height()
    best = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        left, low, right, high = obj.get_bounds()
        if right <= region[0] or left >= region[2] or height - low <= region[1] or height - high >= region[3]:
            continue
        try:
            px_w, px_h = obj.get_px_size()
        except Exception:  # an image pdfium cannot decode: the default resolution
            continue
        if right - left > 1 and high - low > 1:
            best = max(best, min(px_w * 72 / (right - left), px_h * 72 / (high - low)))
    s = current()
    return float(min(max(s.ocr_dpi, s.ocr_max_dpi), max(s.ocr_dpi, best)))


def _image_regions(p: PageContent) -> list[BBox]:
    """Images large enough to hold a table, clipped to the page."""
    out = []
    for left, top, right, bottom in p.images:
        box = (max(0.0, left), max(0.0, top), min(p.width, right), min(p.height, bottom))
        if (box[2] - box[0]) * (box[3] - box[1]) >= current().ocr_min_image_area * p.width * p.height:
            out.append(box)
    return out


def _chars_in(p: PageContent, box: BBox) -> int:
    return sum(1 for c in p.chars if _inside(c.cx, c.cy, box))


def _inside(x: float, y: float, box: BBox) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _same(a: BBox, b: BBox, tol: float = 1.0) -> bool:
    return all(abs(u - v) <= tol for u, v in zip(a, b))
