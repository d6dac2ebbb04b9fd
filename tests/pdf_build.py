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
    from report_extract.reading.pdf import fast as pdffast

    real = pdffast.read_pages

    def digitless(pdf):
        pages = real(pdf)
        for page in pages:
            page.chars = [c for c in page.chars if not c.text.isdigit()]
        return pages

    monkeypatch.setattr(pdffast, "read_pages", digitless)


def with_glyphs_replaced(path: Path, page: int, boxes: list[tuple[float, float, float, float]], digit: str) -> bytes:
    """The PDF with every single-glyph number inside `boxes` (x0, top, x1, bottom, PDF
    points from the top, as cells.csv gives them) on page `page` (0-based) replaced by
    `digit`, drawn with that font's own glyph for it: a real report whose printed number
    was changed.  The glyphs are matched in content-stream order, which is pdfplumber's
    order of a page's characters (2-byte CIDs: the Identity-H fonts of kiro_01/02)."""
    import pdfplumber
    import pikepdf

    with pdfplumber.open(path) as doc:
        chars = doc.pages[page].chars
    inside = lambda c, b: b[0] <= c["x0"] and c["x1"] <= b[2] and b[1] <= c["top"] and c["bottom"] <= b[3]  # noqa: E731
    targets = [i for i, c in enumerate(chars) if any(inside(c, b) for b in boxes)]
    assert len(targets) == len(boxes), "one glyph per box"
    pdf = pikepdf.open(path)
    ops = [(list(operands), op) for operands, op in pikepdf.parse_content_stream(pdf.pages[page])]
    where: list[tuple[int, int | None, int]] = []  # per glyph: (operation, TJ array index, byte offset)
    for k, (operands, op) in enumerate(ops):
        if str(op) == "Tj":
            where += [(k, None, j) for j in range(0, len(bytes(operands[0])), 2)]
        elif str(op) == "TJ":
            for m, item in enumerate(operands[0]):
                if isinstance(item, pikepdf.String):
                    where += [(k, m, j) for j in range(0, len(bytes(item)), 2)]
    assert len(where) == len(chars), "content-stream glyphs and pdfplumber characters differ"

    def glyph(i: int) -> tuple[list, int]:
        k, m, j = where[i]
        operands = ops[k][0]
        return (operands, 0) if m is None else (operands[0], m), j  # type: ignore[return-value]

    def get(i: int) -> bytes:
        (holder, idx), j = glyph(i)
        return bytes(holder[idx])[j : j + 2]

    for t in targets:
        donor = next(i for i, c in enumerate(chars) if c["text"] == digit and c["fontname"] == chars[t]["fontname"])
        (holder, idx), j = glyph(t)
        b = bytes(holder[idx])
        holder[idx] = pikepdf.String(b[:j] + get(donor) + b[j + 2 :])
    pdf.pages[page].Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))  # type: ignore[arg-type]
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()
