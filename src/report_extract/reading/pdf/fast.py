"""The fast PDF engine: pypdfium2 character boxes and path objects, no pdfminer.

PDFium parses a page in about a millisecond.  Characters come from the text page with
their loose boxes (advance width × font ascent/descent, the same geometry pdfplumber
uses); table rules come from the page's path objects, and `pdfgrid.ruled_tables` turns
the rules into cells.  Raw ctypes calls are used because the Python wrapper objects cost
more than the parsing on a table page with hundreds of path objects.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable, Iterator
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from report_extract.reading.pdf.grid import BBox, Seg, ruled_tables
from report_extract.reading.pdf.layout import PageContent
from report_extract.reading.pdf.text import Char, dedupe
from report_extract.settings import current

Matrix = tuple[float, float, float, float, float, float]
_new = tuple.__new__
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _plain(fn: Any, restype: Any, *argtypes: Any) -> Any:
    """PDFium's `fn` with pointers passed and returned as plain integers.  pypdfium2's
    bindings make a typed pointer object of every pointer returned and check the type of
    every one passed: on a page's thousands of characters and objects, a third of each
    call's cost.  (A function pointer of the library's own class: its calling convention.)"""
    plain = type(fn)(ctypes.cast(fn, ctypes.c_void_p).value)
    plain.restype, plain.argtypes = restype, argtypes
    return plain


_P, _I = ctypes.c_void_p, ctypes.c_int
_LOOSE_BOX = _plain(pdfium_c.FPDFText_GetLooseCharBox, _I, _P, _I, _P)
_IS_GENERATED = _plain(pdfium_c.FPDFText_IsGenerated, _I, _P, _I)
_COUNT_OBJECTS = _plain(pdfium_c.FPDFPage_CountObjects, _I, _P)
_GET_OBJECT = _plain(pdfium_c.FPDFPage_GetObject, _P, _P, _I)
_FORM_COUNT = _plain(pdfium_c.FPDFFormObj_CountObjects, _I, _P)
_FORM_OBJECT = _plain(pdfium_c.FPDFFormObj_GetObject, _P, _P, ctypes.c_ulong)
_TYPE = _plain(pdfium_c.FPDFPageObj_GetType, _I, _P)
_MATRIX = _plain(pdfium_c.FPDFPageObj_GetMatrix, _I, _P, _P)
_BOUNDS = _plain(pdfium_c.FPDFPageObj_GetBounds, _I, _P, _P, _P, _P, _P)
_DRAW_MODE = _plain(pdfium_c.FPDFPath_GetDrawMode, _I, _P, _P, _P)
_STROKE_COLOR = _plain(pdfium_c.FPDFPageObj_GetStrokeColor, _I, _P, _P, _P, _P, _P)
_FILL_COLOR = _plain(pdfium_c.FPDFPageObj_GetFillColor, _I, _P, _P, _P, _P, _P)
_SEGMENTS = _plain(pdfium_c.FPDFPath_CountSegments, _I, _P)
_SEGMENT = _plain(pdfium_c.FPDFPath_GetPathSegment, _P, _P, _I)
_POINT = _plain(pdfium_c.FPDFPathSegment_GetPoint, _I, _P, _P, _P)
_SEGMENT_TYPE = _plain(pdfium_c.FPDFPathSegment_GetType, _I, _P)
_CLOSES = _plain(pdfium_c.FPDFPathSegment_GetClose, _I, _P)


def _address(pointer: Any) -> int | None:
    """A pypdfium2 handle (a typed pointer) as the plain integer the functions above take."""
    return ctypes.cast(pointer, ctypes.c_void_p).value


def read_pages(pdf: pdfium.PdfDocument) -> list[PageContent]:
    pages = []
    for i in range(len(pdf)):
        page = pdf[i]
        try:
            pages.append(read_page(page, i + 1))
        finally:
            page.close()
    return pages


def read_page(page: pdfium.PdfPage, number: int) -> PageContent:
    width, height = page.get_size()  # as displayed, /Rotate applied
    view = _View(page)
    textpage = page.get_textpage()
    try:
        chars = dedupe(_chars(textpage, view))
    finally:
        textpage.close()
    horizontal: list[Seg] = []
    vertical: list[Seg] = []
    images: list[BBox] = []
    paths = _Paths()
    box = view.box
    for obj, kind, m in _objects(_address(page.raw)):
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images.append(box(*paths.bounds(obj, m)))
            continue
        for rule in paths.rules(obj, m):
            x0, top, x1, bottom = box(*rule)
            if bottom - top <= x1 - x0:
                horizontal.append(((top + bottom) / 2, x0, x1))
            else:
                vertical.append(((x0 + x1) / 2, top, bottom))
    return PageContent(number, width, height, chars, ruled_tables(horizontal, vertical), images)


class _View:
    """PDF user space (y up) to the page as displayed: top-left origin, /Rotate applied
    (landscape tables are often pages turned by /Rotate; pdfplumber turns them too)."""

    def __init__(self, page: pdfium.PdfPage):
        x0, y0, x1, y1 = page.get_mediabox()
        self.upright = page.get_rotation() % 360 == 0
        self.left, self.top = x0, y1
        # X = ax*x + bx*y + cx, Y = ay*x + by*y + cy for each clockwise rotation
        self.m = {
            0: (1, 0, -x0, 0, -1, y1),
            90: (0, 1, -y0, 1, 0, -x0),
            180: (-1, 0, x1, 0, 1, -y0),
            270: (0, -1, y1, -1, 0, x1),
        }[page.get_rotation() % 360]

    def box(self, x0: float, y0: float, x1: float, y1: float) -> BBox:
        ax, bx, cx, ay, by, cy = self.m
        X0, Y0 = ax * x0 + bx * y0 + cx, ay * x0 + by * y0 + cy
        X1, Y1 = ax * x1 + bx * y1 + cx, ay * x1 + by * y1 + cy
        return (min(X0, X1), min(Y0, Y1), max(X0, X1), max(Y0, Y1))


def _chars(textpage: pdfium.PdfTextPage, view: _View) -> list[Char]:
    raw = textpage.raw
    tp = _address(raw)
    box = pdfium_c.FS_RECTF()
    at = ctypes.addressof(box)
    loose_box, generated = _LOOSE_BOX, _IS_GENERATED
    found: list[tuple[int, str, float, float, float, float, bool]] = []
    text = _text(raw)
    space = False
    for i, ch in enumerate(text):
        code = ord(ch)
        if code <= 32 or code in (0xA0, 0x3000, 0xFFFE, 0xFFFF):  # spaces, CR/LF, generated
            # PDFium adds spaces and line breaks of its own; only printed spaces count.
            space = space or (code == 32 and not generated(tp, i))
            continue
        if loose_box(tp, i, at):
            found.append((i, ch, box.left, box.top, box.right, box.bottom, space))
            space = False
    if not found:
        return []
    typical = sorted(f[3] - f[5] for f in found)[len(found) // 2]
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    out = []
    tall = current().pdf_loose_max_ratio * typical
    page_left, page_top, upright = view.left, view.top, view.upright
    for i, text, x0, y1, x1, y0, space in found:
        if y1 - y0 > tall and pdfium_c.FPDFText_GetCharBox(raw, i, left, right, bottom, top):
            # Broken font metrics (seen: 200 pt boxes on 10 pt glyphs): the glyph's own
            # box is the better estimate.
            x0, y1, x1, y0 = left.value, top.value, right.value, bottom.value
        if upright:  # the common case, inlined: a quarter of the page's time otherwise
            # tuple.__new__: Char(...) without the NamedTuple's Python-level __new__
            out.append(_new(Char, (text, x0 - page_left, page_top - y1, x1 - page_left, page_top - y0, space)))
        else:
            out.append(Char(text, *view.box(x0, y0, x1, y1), space))
    return out


def _text(raw: ctypes.c_void_p) -> str:
    """The page's characters, one per char index (one call instead of one per char)."""
    n = pdfium_c.FPDFText_CountChars(raw)
    buf = (ctypes.c_ushort * (n + 1))()
    pdfium_c.FPDFText_GetText(raw, 0, n, buf)
    text = bytes(buf)[: 2 * n].decode("utf-16-le", errors="replace")
    if len(text) == n:
        return text
    # Characters outside the BMP take two UTF-16 units: fall back to one call per char.
    return "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(n))


def _objects(page: int | None) -> Iterator[tuple[int | None, int, Matrix]]:
    """Path and image objects with the matrix of the form XObjects they sit in."""
    # Most of a page's objects are text: the loop over them is kept to two PDFium calls.
    kind_of, wanted = _TYPE, (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE)
    form, max_depth = pdfium_c.FPDF_PAGEOBJ_FORM, current().pdf_max_form_depth
    # (object count, object getter, matrix, form depth): one entry per page or form XObject
    stack: list[tuple[int, Callable[[int], int | None], Matrix, int]] = [
        (_COUNT_OBJECTS(page), functools.partial(_GET_OBJECT, page), _IDENTITY, 0)
    ]
    while stack:
        count, get, matrix, depth = stack.pop()
        for k in range(count):
            obj = get(k)
            kind = kind_of(obj)
            if kind in wanted:
                yield obj, kind, matrix
            elif kind == form and depth < max_depth:
                inner = _concat(_matrix(obj), matrix)
                # bound now, not late
                stack.append((_FORM_COUNT(obj), functools.partial(_FORM_OBJECT, obj), inner, depth + 1))


class _Paths:
    """The rules that a page's path objects draw.  One set of ctypes out-parameters serves
    every object of the page: a table page has hundreds of path objects, and making the
    out-parameters anew for each cost as much as PDFium's answers."""

    def __init__(self) -> None:
        settings = current()
        self.thin, self.tolerance = settings.pdf_thin, settings.pdf_axis_tolerance
        self.fill, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.rgba = tuple(ctypes.c_uint() for _ in range(4))
        self.edges = tuple(ctypes.c_float() for _ in range(4))  # left, bottom, right, top
        self.x, self.y = ctypes.c_float(), ctypes.c_float()
        # their addresses, for the plain-pointer functions
        self._modes = ctypes.addressof(self.fill), ctypes.addressof(self.stroke)
        self._rgba = tuple(ctypes.addressof(v) for v in self.rgba)
        self._edges = tuple(ctypes.addressof(v) for v in self.edges)
        self._xy = ctypes.addressof(self.x), ctypes.addressof(self.y)

    def bounds(self, obj: int | None, outer: Matrix) -> tuple[float, float, float, float]:
        left, bottom, right, top = self.edges
        _BOUNDS(obj, *self._edges)
        return (*_apply(outer, left.value, bottom.value), *_apply(outer, right.value, top.value))

    def rules(self, obj: int | None, outer: Matrix) -> Iterator[tuple[float, float, float, float]]:
        _DRAW_MODE(obj, *self._modes)
        stroked = bool(self.stroke.value) and self._visible(obj, _STROKE_COLOR)
        filled = bool(self.fill.value) and not stroked and self._visible(obj, _FILL_COLOR)
        if not (stroked or filled):
            return
        x0, y0, x1, y1 = self.bounds(obj, outer)
        if min(abs(x1 - x0), abs(y1 - y0)) <= self.thin:
            # A thin path, stroked or filled, is one rule: its bounds are enough (most table
            # borders are drawn this way; reading the segments costs four times as much).
            yield x0, y0, x1, y1
        elif stroked:
            yield from self._segments(obj, _concat(_matrix(obj), outer))

    def _segments(self, obj: int | None, m: Matrix) -> Iterator[tuple[float, float, float, float]]:
        """The axis-parallel straight pieces of a stroked path (page coordinates)."""
        x, y = self.x, self.y
        start = prev = None
        for k in range(_SEGMENTS(obj)):
            seg = _SEGMENT(obj, k)
            _POINT(seg, *self._xy)
            point = _apply(m, x.value, y.value)
            kind = _SEGMENT_TYPE(seg)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = point
            elif kind == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
                yield from self._axis(prev, point)
            if _CLOSES(seg) and start is not None:
                yield from self._axis(point, start)
            prev = point

    def _axis(self, a: tuple[float, float], b: tuple[float, float]) -> Iterator[tuple[float, float, float, float]]:
        if abs(a[1] - b[1]) < self.tolerance or abs(a[0] - b[0]) < self.tolerance:
            yield a[0], a[1], b[0], b[1]

    def _visible(self, obj: int | None, getter: Callable) -> bool:
        r, g, b, a = self.rgba
        if not getter(obj, *self._rgba):
            return True
        return a.value > 0 and min(r.value, g.value, b.value) < 243  # white paints nothing


def _matrix(obj: int | None) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not _MATRIX(obj, ctypes.addressof(m)):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _concat(inner: Matrix, outer: Matrix) -> Matrix:
    """inner followed by outer (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]
