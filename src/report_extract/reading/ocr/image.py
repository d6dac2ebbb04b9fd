"""Pictures of tables inside HTML pages and DOCX files, read by OCR.

A reader calls `mark_html` / `mark_docx` before it walks the markup: each usable picture
(an HTML `<img>` whose file lies beside the page, or a `data:` URI; an image embedded in
the DOCX) is replaced by a marker text, so the walk keeps its place in reading order.
`splice` then OCRs the pictures and puts their blocks where the markers landed, and the
OCR'd cells get confidences as in a scanned PDF (`ocrpdf.Scans.mark`), and the
pipeline's `ocrfix` stage checks them.

Pictures carry no scale: they are taken at 96 dpi (a screen's), the size web pages and
Word show them at, and enlarged for the recogniser when smaller than a 150 dpi page.
Cells keep a box in those nominal points and no page.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

from report_extract.model.document import Block, Document, TableBlock, TextBlock
from report_extract.settings import current

# The HTML reader finds the article by its share of Chinese text, and a picture of a
# table stands for a lot of text: the marker weighs as much as a paragraph.
MARK = "⟦OCR-IMAGE-{}:" + "图" * 100 + "⟧"
_MARK = re.compile(r"⟦OCR-IMAGE-(\d+):图*⟧")
_DOCX_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "v": "urn:schemas-microsoft-com:vml",
}

_HOLDERS = etree.XPath(".//w:drawing | .//w:pict", namespaces=_DOCX_NS)
_IMAGE_IDS = etree.XPath(".//a:blip/@r:embed | .//v:imagedata/@r:id", namespaces=_DOCX_NS)


@dataclass
class Pictures:
    """The pictures a reader marked, by marker number."""

    images: list[bytes] = field(default_factory=list)

    def mark(self, data: bytes) -> str:
        self.images.append(data)
        return MARK.format(len(self.images) - 1)


def wanted(mode: str | None) -> bool:
    """Whether to look for pictures at all (`--ocr never`, or no OCR engine: no)."""
    from report_extract.reading.ocr import engine as ocr

    return ocr.ocr_mode(mode) != "never" and ocr.available()


def mark_html(root, path: Path) -> Pictures:
    """Replace the `<img>` elements whose picture can be read by markers."""
    pictures = Pictures()
    for img in list(root.iter("img")):
        data = _html_image(img.get("src") or "", path)
        if data is None:
            continue
        span = img.makeelement("span", {})
        span.text = pictures.mark(data)
        span.tail = img.tail
        img.getparent().replace(img, span)
    return pictures


def _html_image(src: str, page: Path) -> bytes | None:
    if src.startswith("data:image/") and ";base64," in src:
        try:
            return base64.b64decode(src.split(",", 1)[1], validate=False)
        except ValueError:
            return None
    url = urlparse(src)
    if url.scheme or url.netloc or not url.path:
        return None  # remote pictures are not fetched: offline, and not the report's file
    folder = page.resolve().parent
    file = (folder / unquote(url.path)).resolve()
    # Only pictures saved with the page (its folder and below): a page must not make us
    # read arbitrary files of the machine.
    if folder not in file.parents or not file.is_file():
        return None
    return file.read_bytes()


def mark_docx(word) -> Pictures:
    """Replace the drawings (and VML pictures) of the body's runs by marker text runs."""
    pictures = Pictures()
    body = word.element.body
    related = word.part.related_parts
    w = _DOCX_NS["w"]
    for holder in _HOLDERS(body):
        ids = _IMAGE_IDS(holder)
        part = related.get(ids[0]) if ids else None
        if part is None or not getattr(part, "blob", None):
            continue
        text = holder.makeelement(f"{{{w}}}t", {})
        text.text = pictures.mark(part.blob)
        holder.getparent().replace(holder, text)
    return pictures


def splice(doc: Document, pictures: Pictures) -> None:
    """OCR the marked pictures and put their blocks where their markers are."""
    if not pictures.images:
        return
    from report_extract.reading.ocr.pages import Scans

    scans = Scans()
    out: list[Block] = []
    for block in doc.blocks:
        numbers = _markers(block)
        if not numbers:
            out.append(block)
            continue
        kept = _without_markers(block)
        if kept is not None:
            out.append(kept)
        for n in numbers:
            out.extend(_read_picture(pictures.images[n], n + 1, scans, doc))
    doc.blocks = out
    scans.mark(doc)
    for block in doc.blocks:  # the picture numbers stood in for pages while marking
        _drop_page(block, scans)


def _read_picture(data: bytes, number: int, scans, doc: Document) -> list[Block]:
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    from report_extract.reading.ocr.grid import scan
    from report_extract.reading.pdf.layout import build_blocks

    try:
        with Image.open(io.BytesIO(data)) as im:
            # A picture larger than the PDF reader allows is a decompression bomb (Pillow
            # itself raises DecompressionBombError only past twice its own limit).
            if im.size[0] * im.size[1] > current().max_image_pixels:
                doc.warnings.append(f"picture {number}: {im.size[0]} x {im.size[1]} pixels, too large to OCR")
                return []
            gray = im.convert("L")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return []
    if min(gray.size) < current().image_min_side or gray.size[0] * gray.size[1] < current().image_min_area:
        return []
    factor = min(current().image_max_enlarge, max(1.0, current().image_target_width / gray.size[0]))
    if factor > 1.0:
        gray = gray.resize((round(gray.size[0] * factor), round(gray.size[1] * factor)), Image.Resampling.BICUBIC)
    scale = factor * current().image_nominal_dpi / 72
    width, height = gray.size[0] / scale, gray.size[1] / scale
    scanned = scan(np.asarray(gray), number, width, height, scale)
    scans.pages[number] = [((0.0, 0.0, width, height), scanned)]
    scans.whole.add(number)
    blocks = build_blocks([scanned.content])
    if not blocks:
        doc.warnings.append(f"picture {number}: OCR read no text in it")
    return blocks


def _markers(block: Block) -> list[int]:
    if isinstance(block, TextBlock):
        return [int(m) for m in _MARK.findall(block.text)]
    return sorted({int(m) for row in block.rows for c in row for m in _MARK.findall(c.text)})


def _without_markers(block: Block) -> Block | None:
    if isinstance(block, TextBlock):
        text = _MARK.sub("", block.text).strip()
        return replace(block, text=text) if text else None
    for row in block.rows:
        for c in row:
            c.text = _MARK.sub("", c.text).strip()
    return block


def _drop_page(block: Block, scans) -> None:
    if isinstance(block, TableBlock):
        for row in block.rows:
            for c in row:
                if c.origin.page in scans.pages:
                    c.origin = replace(c.origin, page=None)
    if block.origin.page in scans.pages:
        block.origin = replace(block.origin, page=None)
