"""Readers: one module per file format, each turning bytes into a `Document`.

The format is picked from the content (magic bytes, markup), the extension only breaks
ties, so a PDF saved as .html or an HTML error page saved as .pdf goes to the right reader.
Limits on hostile input (bombs, junk, oversized files) are checked around every reader
by `guard`; a file that breaks one is a `ReaderError`, like any unreadable file.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from report_extract.reading.errors import ReaderError
from report_extract.settings import pinned

# The guard, the document model and hashlib load on the first read: importing
# `reading.errors` (every command's parent process, for ReaderError) runs this module.
if TYPE_CHECKING:
    from report_extract.model.document import Document

# format -> module under report_extract.reading exposing read(path, data) -> Document
READERS: dict[str, str] = {
    "txt": "text",
    "md": "markdown",
    "pdf": "pdf.reader",  # engine fast|pdfplumber|auto: see reading/pdf/reader.py
    "html": "html",
    "docx": "docx",
    "doc": "office",  # .doc/.wps (OLE compound files) via LibreOffice -> docx
    "odt": "office",  # OpenDocument text (a zip whose first entry names its type) likewise
}

_EXT = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md"}
# HTML fragments need not start with <html>/<body> (shgovjs_01.html starts with <p>).
_EXT.update({".html": "html", ".htm": "html", ".shtml": "html", ".doc": "doc", ".wps": "doc", ".docx": "docx"})


def is_odt(data: bytes) -> bool:
    """An OpenDocument text: its zip's first entry is `mimetype`, stored, holding the type
    (the OpenDocument package format puts it there for exactly this test)."""
    return data[30:38] == b"mimetype" and b"application/vnd.oasis.opendocument.text" in data[38:100]


def sniff(data: bytes, suffix: str) -> str:
    """Name the format of `data`: content first, the extension as a tie-breaker."""
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "odt" if is_odt(head) else "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    low = head.lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in low or b"<table" in low:
        return "html"
    return _EXT.get(suffix.lower(), "txt")


# Reading options, each taken by the readers whose `read` names it (`engine`: PDF; `ocr`:
# PDF, HTML, DOCX); a name outside this list is a caller's typo, not a silent default.
OPTIONS = ("engine", "ocr")
ENGINES = ("fast", "pdfplumber", "auto")  # PDF engines: see reading/pdf/reader.py


def read(path: str | Path, data: bytes | None = None, **options: str) -> Document:
    """Read one file.  `options` (OPTIONS) go to the readers that take them (the PDF
    reader's `engine`), and are ignored by the others.  A ReaderError names the file.
    Under the settings in force (settings.py), pinned for the whole file."""
    with pinned():
        try:
            return _read(path, data, **options)
        except ReaderError as e:
            if e.path is None:
                e.path = str(path)
            raise


def _read(path: str | Path, data: bytes | None = None, **options) -> Document:
    import hashlib
    import inspect

    from report_extract.reading import guard

    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise TypeError(f"unknown reading option {unknown[0]!r}: the options are {', '.join(OPTIONS)}")
    if options.get("engine") not in (None, *ENGINES):  # told for every format, not only PDFs
        raise ValueError(f"unknown PDF engine {options['engine']!r}: choose one of {', '.join(ENGINES)}")
    path = Path(path)
    if data is None:
        try:
            guard.check_size(path.stat().st_size)
            data = path.read_bytes()
        except OSError as e:
            raise ReaderError(f"cannot open file: {e.strerror or e}") from e
    if not data.strip():
        raise ReaderError("empty file")
    fmt = sniff(data, path.suffix)
    module = READERS.get(fmt)
    if module is None:
        raise ReaderError(f"no reader for {fmt} files")
    guard.check(fmt, data)
    reader = importlib.import_module(f"{__name__}.{module}")
    accepted = inspect.signature(reader.read).parameters
    try:
        doc: Document = reader.read(path, data, **{k: v for k, v in options.items() if k in accepted})
    except guard.malformed(fmt) as e:
        # The parsing libraries' own "broken file" errors, which a reader did not explain.
        detail = " ".join(str(e).split())[:200] or type(e).__name__
        raise ReaderError(f"corrupt {fmt.upper()} file: {detail}") from e
    guard.check_text(sum(len(t) for t in _texts(doc)))
    doc.sha256 = hashlib.sha256(data).hexdigest()
    return doc


def _texts(doc: Document) -> Iterator[str]:
    """Every text a document holds, paragraphs and table cells (for `guard.check_text`)."""
    from report_extract.model.document import TableBlock

    for b in doc.blocks:
        if isinstance(b, TableBlock):
            yield from (c.text for row in b.rows for c in row)
        else:
            yield b.text
