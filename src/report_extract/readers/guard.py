"""Limits on hostile input, checked before a reader runs, and the translation of the
parsing libraries' "malformed file" errors into `ReaderError`.

Crawled corpora hold truncated downloads, PDF and zip bombs and files that are not what
their extension says.  Each must cost one clear error row, bounded in time and memory,
never a crash of the batch.  The limits are generous for real annual reports (5-40
pages, a few MB, scans at most a few tens of megapixels per image) and refuse what only
a broken or malicious file has.  They are module settings, like `pdf.ENGINE`.
"""
from __future__ import annotations

import io
import zipfile
from typing import Callable

from . import ReaderError

# Any file: larger than this is read no further (a real report, even a scan, is far smaller).
MAX_FILE_BYTES = 256 * 1024 * 1024
# PDF: more pages than this is not an annual report (they have 5-40) but a bomb or a book;
# every page costs parsing time, so the count is refused before any page is read.
MAX_PAGES = 300
# PDF: a page side longer than this (points; 14400 pt = 200 inches, the PDF 1.7 limit) is
# refused: rendering it for OCR would need an absurd bitmap.
MAX_PAGE_SIDE = 14400.0
# PDF: an embedded image with more pixels than this (a 600 dpi A4 scan has 35 million) is
# refused: decoding it for OCR or the checks would take gigabytes.
MAX_IMAGE_PIXELS = 150_000_000
# PDF: image objects inspected per page, looking this deep into form XObjects.
MAX_IMAGE_DEPTH = 4
# DOCX (zip): the sum of the members' uncompressed sizes, as the zip directory declares.
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
# DOCX (zip): a member that expands more than this many times is a zip bomb (Word's XML
# compresses 5-20x); members smaller than RATIO_FLOOR_BYTES uncompressed are exempt.
MAX_ZIP_RATIO = 200
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
# Text formats (txt, md, html): a NUL byte this near the start means binary data (an image,
# an archive, a broken download) under a text or report extension.  UTF-16 text, the one
# encoding with NUL bytes, starts with a BOM and is let through.
BINARY_PROBE_BYTES = 8192
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def check_size(size: int) -> None:
    """Called before a file is read into memory at all."""
    if size > MAX_FILE_BYTES:
        raise ReaderError(f"file too large: {size} bytes (limit {MAX_FILE_BYTES})")


def check(fmt: str, data: bytes) -> None:
    """Raise ReaderError when `data` exceeds a limit for its format `fmt`."""
    check_size(len(data))
    checker = _CHECKS.get(fmt)
    if checker is not None:
        checker(data)


def malformed(fmt: str) -> tuple[type[BaseException], ...]:
    """Exception types by which the parsing libraries of `fmt` say the file is broken.

    RecursionError counts for every format: a structure nested past Python's stack
    (PDF objects, XML) is a hostile file, not a bug to report as a crash."""
    extra: tuple[type[BaseException], ...] = ()
    if fmt == "pdf":
        import pypdfium2 as pdfium
        from pdfminer.psexceptions import PSException
        from pdfplumber.utils.exceptions import PdfminerException

        extra = (pdfium.PdfiumError, PSException, PdfminerException)
    elif fmt in ("docx", "doc"):
        from lxml import etree

        extra = (zipfile.BadZipFile, zipfile.LargeZipFile, etree.XMLSyntaxError)
    return (RecursionError, *extra)


def _check_pdf(data: bytes) -> None:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return  # the PDF reader explains why it cannot be opened (password, corrupt, …)
    try:
        pages = len(pdf)
        if pages > MAX_PAGES:
            raise ReaderError(f"PDF has {pages} pages (limit {MAX_PAGES}): not an annual report")
        for i in range(pages):
            _check_page(pdf, i)
    finally:
        pdf.close()


def _check_page(pdf, i: int) -> None:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        page = pdf[i]
    except pdfium.PdfiumError:
        raise ReaderError(f"corrupt PDF: page {i + 1} cannot be loaded") from None
    try:
        width, height = page.get_size()
        if max(width, height) > MAX_PAGE_SIDE:
            raise ReaderError(f"PDF page {i + 1} is {width:.0f} x {height:.0f} pt "
                              f"(limit {MAX_PAGE_SIDE:.0f} pt a side)")
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=MAX_IMAGE_DEPTH):
            w, h = obj.get_px_size()
            if w * h > MAX_IMAGE_PIXELS:
                raise ReaderError(f"PDF page {i + 1} holds a {w} x {h} pixel image "
                                  f"(limit {MAX_IMAGE_PIXELS} pixels)")
    finally:
        page.close()


def _check_zip(data: bytes) -> None:
    """Refuse a zip bomb from its central directory, before any member is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = z.infolist()
    # zipfile also raises NotImplementedError (unknown zip version) and ValueError on junk.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError) as e:
        raise ReaderError(f"not a valid zip/DOCX package: {e}") from e
    if len(members) > MAX_ZIP_MEMBERS:
        raise ReaderError(f"zip package has {len(members)} members (limit {MAX_ZIP_MEMBERS})")
    total = sum(m.file_size for m in members)
    if total > MAX_UNZIPPED_BYTES:
        raise ReaderError(f"zip package expands to {total} bytes (limit {MAX_UNZIPPED_BYTES}): zip bomb")
    for m in members:
        if m.file_size > RATIO_FLOOR_BYTES and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1):
            raise ReaderError(f"zip member {m.filename} expands {m.file_size // max(m.compress_size, 1)}x "
                              f"(limit {MAX_ZIP_RATIO}x): zip bomb")


def _check_text(data: bytes) -> None:
    head = data[:BINARY_PROBE_BYTES]
    if b"\x00" in head and not head.startswith(_UTF16_BOMS):
        raise ReaderError("binary data, not a document: NUL bytes where text should be")


_CHECKS: dict[str, Callable[[bytes], None]] = {
    "pdf": _check_pdf, "docx": _check_zip, "txt": _check_text, "md": _check_text, "html": _check_text,
}
