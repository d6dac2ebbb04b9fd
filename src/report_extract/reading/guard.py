"""Limits on hostile input, checked before a reader runs, and the translation of the
parsing libraries' "malformed file" errors into `ReaderError`.

Crawled corpora hold truncated downloads, PDF and zip bombs and files that are not what
their extension says.  Each must cost one clear error row, bounded in time and memory,
never a crash of the batch.  The limits are generous for real annual reports (5-40
pages, a few MB, scans at most a few tens of megapixels per image) and refuse what only
a broken or malicious file has.  They are module settings, like `pdf_engine`.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable, Iterator

from report_extract.reading.errors import ReaderError
from report_extract.settings import current

_STREAM = re.compile(rb"stream\r?\n")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_INFLATE_CHUNK = 1 << 20
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def check_text(chars: int) -> None:
    """Called on the text a reader found: the pipeline's time grows with it (about 15 s a
    million characters), and annual reports have 5-60 thousand."""
    if chars > current().max_text_chars:
        raise ReaderError(
            f"document has {chars} characters of text (limit {current().max_text_chars}): not an annual report"
        )


def check_size(size: int) -> None:
    """Called before a file is read into memory at all."""
    if size > current().max_file_bytes:
        raise ReaderError(f"file too large: {size} bytes (limit {current().max_file_bytes})")


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
    elif fmt in ("docx", "doc", "odt"):
        import zipfile

        from lxml import etree

        extra = (zipfile.BadZipFile, zipfile.LargeZipFile, etree.XMLSyntaxError)
    return (RecursionError, *extra)


def _check_pdf(data: bytes) -> None:
    """Page count and sizes from PDFium's document (no page is loaded: loading parses the
    page's content, which is what a bomb makes expensive), then streams and images from
    the file's bytes."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return  # the PDF reader explains why it cannot be opened (password, corrupt, …)
    try:
        pages = len(pdf)
        if pages > current().max_pages:
            raise ReaderError(f"PDF has {pages} pages (limit {current().max_pages}): not an annual report")
        for i in range(pages):
            try:
                width, height = pdf.get_page_size(i)
            except pdfium.PdfiumError:  # a page tree too deep or broken to reach the page
                raise ReaderError(f"corrupt PDF: page {i + 1} cannot be found") from None
            if max(width, height) > current().max_page_side:
                raise ReaderError(
                    f"PDF page {i + 1} is {width:.0f} x {height:.0f} pt (limit {current().max_page_side:.0f} pt a side)"
                )
    finally:
        pdf.close()
    _check_images(data)
    _check_streams(data)


def _check_images(data: bytes) -> None:
    """Image XObjects are streams, never inside object streams, so every image's
    dictionary is in the file's bytes as printed; Width/Height may be indirect."""
    for m in _IMAGE.finditer(data):
        head = data[max(0, data.rfind(b"obj", 0, m.start())) : data.find(b"stream", m.start()) + 1 or len(data)]
        w, h = _dimension(data, head, b"Width"), _dimension(data, head, b"Height")
        if w * h > current().max_image_pixels:
            raise ReaderError(f"PDF holds a {w} x {h} pixel image (limit {current().max_image_pixels} pixels)")


def _dimension(data: bytes, head: bytes, key: bytes) -> int:
    m = re.search(rb"/" + key + rb"\s+(\d+)(?:\s+(\d+)\s+R)?", head)
    if not m:
        return 0
    if m.group(2) is None:
        return int(m.group(1))
    ref = re.search(rb"(?<!\d)" + m.group(1) + rb"\s+" + m.group(2) + rb"\s+obj\s*(\d+)", data)
    return int(ref.group(1)) if ref else 0


def _check_streams(data: bytes) -> None:
    """Decode every Flate-compressed non-image stream through its whole filter chain
    (`[/FlateDecode /FlateDecode]` inflates twice: 2.5 kB became 1 GiB), a megabyte at a
    time, and refuse the file once one or all of them pass their limits.  Streams are found
    by their `stream` keyword (no object parsing: what PDFium would decode is what is found).

    A stream of one Flate filter is not inflated while its bound (`_flate_bound`) keeps it
    and the file's running total within the limits: deflate cannot expand its input more
    than 1032 times, so such a stream cannot break them.  Bounds are replaced by the
    decoded sizes before a file is refused for its total."""
    settings = current()
    total = 0
    bounded: list[tuple[int, list[bytes], int]] = []  # (start, chain, bound) of streams not inflated
    for m in _STREAM.finditer(data):
        if data[m.start() - 3 : m.start()] == b"end":
            continue  # "endstream" ends a stream: none starts there
        head = data[max(0, data.rfind(b"obj", 0, m.start())) : m.start()]
        if b"/Image" in head:
            continue
        chain = _filters(head)
        if not _FLATE & set(chain):
            continue
        bound = _flate_bound(data, head, m.end(), chain)
        if bound is not None and bound <= settings.max_stream_bytes and total + bound <= settings.max_streams_bytes:
            bounded.append((m.end(), chain, bound))
            total += bound
            continue
        size = _decoded_size(data, m.end(), chain, settings.max_stream_bytes + 1)
        total += size
        if size > settings.max_stream_bytes:
            raise ReaderError(f"PDF stream inflates to over {settings.max_stream_bytes} bytes (limit): flate bomb")
        if total > settings.max_streams_bytes and bounded:
            # over by the bounds alone, maybe: the streams kept by their bounds, decoded
            total -= sum(b for _, _, b in bounded)
            total += sum(_decoded_size(data, start, c, settings.max_stream_bytes + 1) for start, c, _ in bounded)
            bounded = []
        if total > settings.max_streams_bytes:
            raise ReaderError(f"PDF streams inflate to over {settings.max_streams_bytes} bytes (limit): flate bomb")


# zlib's documented limit: deflate codes at most 258 bytes in (a little over) two bits, so
# an input of n bytes inflates to at most 1032 n bytes (zlib FAQ, "maximum compression").
_DEFLATE_MAX_RATIO = 1032
_LENGTH = re.compile(rb"/Length\s+(\d+)(\s+\d+\s+R)?")


def _flate_bound(data: bytes, head: bytes, start: int, chain: list[bytes]) -> int | None:
    """The most the stream at `start` can decode to, when its only filter is Flate and its
    /Length is printed as a number: a reader takes /Length bytes when "endstream" follows
    them, else the bytes up to the first "endstream", so the longer of the two bounds what
    any reader inflates.  None: decode it to know (a filter chain, an indirect /Length)."""
    if len(chain) != 1:
        return None
    length = _LENGTH.search(head)
    if length is None or length.group(2) is not None:
        return None
    end = data.find(b"endstream", start)
    span = max(int(length.group(1)), (end if end >= 0 else len(data)) - start)
    return _DEFLATE_MAX_RATIO * span


_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_FLATE = {b"FlateDecode", b"Fl"}
_HEX = {b"ASCIIHexDecode", b"AHx"}


def _filters(head: bytes) -> list[bytes]:
    """The stream's filter names, in the order they are applied when decoding."""
    m = _FILTER.search(head)
    return re.findall(rb"/([^\s/\[\]<>()]+)", m.group(1)) if m else []


def _decoded_size(data: bytes, start: int, chain: list[bytes], limit: int) -> int:
    """Bytes that the stream at `start` decodes to through `chain` (Flate and ASCIIHex;
    decoding stops at the first other filter), counting no further than `limit`.  Each
    stage passes on chunks of at most a megabyte, so memory stays small whatever the
    chain's expansion."""
    chunks: Iterator[bytes] = (data[pos : pos + _INFLATE_CHUNK] for pos in range(start, len(data), _INFLATE_CHUNK))
    for name in chain:
        if name in _FLATE:
            chunks = _inflate(chunks)
        elif name in _HEX:
            chunks = _unhex(chunks)
        else:
            break
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size >= limit:
            break
    return size


def _inflate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """zlib-inflate a stream of chunks lazily; a broken stream ends where the error is."""
    d = zlib.decompressobj()
    try:
        for chunk in chunks:
            while chunk and not d.eof:
                out = d.decompress(chunk, _INFLATE_CHUNK)
                chunk = d.unconsumed_tail
                if out:
                    yield out
            if d.eof:
                return
    except zlib.error:
        return  # encrypted or not zlib data: what came out before the error counts


def _unhex(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """ASCIIHexDecode: hex digits and white space up to `>`."""
    odd = b""
    for chunk in chunks:
        end = chunk.find(b">")
        digits = odd + (chunk if end < 0 else chunk[:end]).translate(None, b" \t\r\n\f\0")
        odd, digits = (digits[-1:], digits[:-1]) if len(digits) % 2 else (b"", digits)
        try:
            yield bytes.fromhex(digits.decode("ascii"))
        except (ValueError, UnicodeDecodeError):
            return
        if end >= 0:
            return


def _check_zip(data: bytes) -> None:
    """Refuse a zip bomb from its central directory, before any member is inflated."""
    import zipfile  # DOCX only: a text or PDF input does not pay for zipfile (bz2, lzma)

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = z.infolist()
    # zipfile also raises NotImplementedError (unknown zip version) and ValueError on junk.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError) as e:
        raise ReaderError(f"not a valid zip/DOCX package: {e}") from e
    if len(members) > current().max_zip_members:
        raise ReaderError(f"zip package has {len(members)} members (limit {current().max_zip_members})")
    total = sum(m.file_size for m in members)
    if total > current().max_unzipped_bytes:
        raise ReaderError(f"zip package expands to {total} bytes (limit {current().max_unzipped_bytes}): zip bomb")
    for m in members:
        if m.file_size > current().zip_ratio_floor_bytes and m.file_size > current().max_zip_ratio * max(
            m.compress_size, 1
        ):
            raise ReaderError(
                f"zip member {m.filename} expands {m.file_size // max(m.compress_size, 1)}x "
                f"(limit {current().max_zip_ratio}x): zip bomb"
            )


def _check_text(data: bytes) -> None:
    head = data[: current().binary_probe_bytes]
    if b"\x00" in head and not head.startswith(_UTF16_BOMS):
        raise ReaderError("binary data, not a document: NUL bytes where text should be")


_CHECKS: dict[str, Callable[[bytes], None]] = {
    "pdf": _check_pdf,
    "docx": _check_zip,
    "odt": _check_zip,  # a zip too, checked before LibreOffice unpacks it
    "txt": _check_text,
    "md": _check_text,
    "html": _check_text,
}
