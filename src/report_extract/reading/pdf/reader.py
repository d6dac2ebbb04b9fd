"""PDF reader: text-layer PDFs to a `Document`, with a choice of engine.

Engines (`engine=` per call, which the CLI's `--engine` passes; default `pdf_engine`):

- `fast`       pypdfium2 characters and ruling lines (`fast`), ~5 ms a page;
- `pdfplumber` the reference engine (`plumb`), ~50 ms a page;
- `auto`       (default) fast, offering pdfplumber as a second reading
               (`Document.second_reading`), which the pipeline takes only when the tables
               and checks give a reason to doubt the first (pipeline/fallback.py).

The `pdf_engine` setting (REPORT_EXTRACT_PDF_ENGINE, settings.py) is the default.  Both
engines share the layout code (`layout`, `grid`, `text`), so they differ only in how
characters and table cells are found.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from report_extract.model.document import Document
from report_extract.reading import ENGINES
from report_extract.reading.errors import ReaderError
from report_extract.reading.ocr import pages as ocrpdf
from report_extract.reading.pdf import fast as pdffast
from report_extract.reading.pdf.layout import PageContent, build_blocks
from report_extract.settings import current

_SPACE = re.compile(r"\s+")
_EOF_WINDOW = 1024  # the PDF format's own: %%EOF must sit in a file's last 1024 bytes


def read(path: Path, data: bytes, engine: str | None = None, ocr: str | None = None) -> Document:
    """`ocr`: auto|always|never, which pages to OCR (report_extract/ocrpdf.py)."""
    engine = engine or current().pdf_engine
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}: choose one of {', '.join(ENGINES)}")
    pdf = _open(data)
    try:
        if len(pdf) == 0:
            raise ReaderError("empty PDF: it has no pages")
        pages = _pdfplumb().read_pages(data) if engine == "pdfplumber" else pdffast.read_pages(pdf)
        scans = ocrpdf.scan_pdf(pdf, data, pages, ocr)
        pages = scans.apply(pages)
        if not any(p.chars for p in pages):
            raise ReaderError(_no_text(pdf) + scans.why_not())
        doc = _document(path, pages)
        if engine == "auto":
            doc.second_reading = {"engine": "pdfplumber"}
        scans.mark(doc)
        return doc
    finally:
        pdf.close()


def _pdfplumb() -> ModuleType:
    """pdfplumber (a third of a second to import) only for the PDFs that need it: a second
    reading, `--engine pdfplumber`, a file PDFium refuses."""
    from report_extract.reading.pdf import plumb as pdfplumb

    return pdfplumb


def _document(path: Path, pages: list[PageContent]) -> Document:
    return Document(path=str(path), format="pdf", blocks=build_blocks(pages), pages=len(pages))


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise ReaderError("encrypted PDF: a password is needed to open it") from e
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise ReaderError("encrypted PDF: unsupported security handler") from e
        if _pdfplumb().page_count(data) == 0:  # PDFium refuses page-less files as malformed
            raise ReaderError("empty PDF: it has no pages") from e
        raise ReaderError(f"corrupt PDF: {_why_corrupt(data, e)}") from e


def _why_corrupt(data: bytes, e: Exception) -> str:
    """A crawl's commonest corrupt PDF is a download cut short: say so, with its size, when
    the file holds PDF objects but does not end with the %%EOF marker every complete PDF
    ends with (a file of no objects at all is no PDF cut short)."""
    if b"%%EOF" not in data[-_EOF_WINDOW:] and b"endobj" in data:
        return f"truncated, it ends without %%EOF after {len(data):,} bytes (an incomplete download?)"
    return f"cannot be parsed ({_SPACE.sub(' ', str(e)).strip()})"


def _no_text(pdf: pdfium.PdfDocument) -> str:
    images = 0
    for i in range(len(pdf)):
        page = pdf[i]
        try:
            images += sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4))
        finally:
            page.close()
    if images:
        return f"no text layer: OCR needed ({len(pdf)} pages, {images} images, no text)"
    return f"empty PDF: no text and no images on its {len(pdf)} pages"
