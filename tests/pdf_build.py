"""PDF variants of the real reports, built in memory for tests."""
from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium


def save(doc: pdfium.PdfDocument) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def turned(path: Path) -> bytes:
    """The PDF with its content drawn sideways on landscape media and /Rotate 90
    turning it upright again, as landscape table pages are often made."""
    doc = pdfium.PdfDocument(path)
    for i in range(len(doc)):
        page = doc[i]
        width, height = page.get_size()
        for obj in list(page.get_objects(max_depth=1)):
            obj.transform(pdfium.PdfMatrix(0, 1, -1, 0, height, 0))
        page.set_mediabox(0, 0, height, width)
        page.set_rotation(90)
        page.gen_content()
    return save(doc)


def fast_engine_loses_digits(monkeypatch) -> None:
    """Make the fast PDF engine drop every digit it reads: its tables then fail, and the
    auto engine must fall back to pdfplumber."""
    from report_extract.readers import pdffast

    real = pdffast.read_pages

    def digitless(pdf):
        pages = real(pdf)
        for page in pages:
            page.chars = [c for c in page.chars if not c.text.isdigit()]
        return pages

    monkeypatch.setattr(pdffast, "read_pages", digitless)
