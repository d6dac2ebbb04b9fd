"""A page image → the PDF engines' `PageContent`: OCR characters and ruled table cells.

The image is straightened first (scans are a degree or so askew, and a tilted rule is
no rule to a morphological filter), its ruling lines are found with OpenCV, and the
OCR characters and the rules are handed over in PDF points.  From there the shared PDF
layout code (`readers.pdflayout`) builds tables and paragraphs exactly as it does for a
text layer, so an OCR'd table meets the same label matching as every other format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from report_extract.reading.ocr.engine import OcrChar, clean_line, recognise, recognise_line
from report_extract.reading.pdf.grid import BBox, Seg, ruled_tables
from report_extract.reading.pdf.layout import PageContent
from report_extract.reading.pdf.text import Char
from report_extract.settings import current

SKEW_STEPS = (0.25, 0.05)


@dataclass
class ScannedPage:
    """One OCR'd page (or region) in PDF points: what the layout code needs, plus the
    recogniser's characters (with scores) and the cells that hold unreadable ink."""

    content: PageContent
    chars: list[OcrChar] = field(default_factory=list)  # in points
    unreadable: list[BBox] = field(default_factory=list)  # cell boxes with ink but no text


def scan(
    image: np.ndarray, number: int, width: float, height: float, scale: float, offset: tuple[float, float] = (0.0, 0.0)
) -> ScannedPage:
    """OCR one page image.  `scale` is pixels per point; `offset` the image's top-left
    corner on the page in points (a cropped region); `width`/`height` the page's size."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    gray = deskew(gray)
    ink = _binary(gray)
    horizontal, vertical = rules(ink, scale)
    found = recognise(gray, _row_pitch(horizontal, gray.shape[1]))
    horizontal, vertical = _not_text(horizontal, vertical, _lines(found), found, ink)
    chars = [_to_points(c, scale, offset) for c in found]
    h_pt = [(y / scale + offset[1], a / scale + offset[0], b / scale + offset[0]) for y, a, b in horizontal]
    v_pt = [(x / scale + offset[0], a / scale + offset[1], b / scale + offset[1]) for x, a, b in vertical]
    tables = ruled_tables(h_pt, v_pt)
    content = PageContent(number, width, height, [Char(c.text, c.x0, c.top, c.x1, c.bottom) for c in chars], tables)
    unreadable = []
    for box in (b for t in tables for b in t if not _holds_chars(b, chars)):
        patch = _ink_box(ink, box, scale, offset)
        if patch is None:
            continue
        found = _reread(gray, patch, scale, offset)
        chars += found
        content.chars.extend(Char(c.text, c.x0, c.top, c.x1, c.bottom) for c in found)
        if not found:
            unreadable.append(box)
    return ScannedPage(content, chars, unreadable)


def deskew(gray: np.ndarray) -> np.ndarray:
    """The page rotated so its text lines and rules are level (projection profile:
    rows of a level page are either full of ink or empty, so row sums vary most)."""
    small_scale = min(1.0, current().ocr_skew_width / gray.shape[1])
    small = cv2.resize(gray, None, fx=small_scale, fy=small_scale, interpolation=cv2.INTER_AREA)
    dark = (small < 160).astype(np.float32)
    best, lo, hi = 0.0, -current().ocr_max_skew, current().ocr_max_skew
    for step in SKEW_STEPS:
        angles = np.arange(lo, hi + step / 2, step)
        scores = [_profile_score(dark, a) for a in angles]
        best = float(angles[int(np.argmax(scores))])
        lo, hi = best - step, best + step
    if abs(best) < 0.02:
        return gray
    return _rotate(gray, best)


def _profile_score(dark: np.ndarray, angle: float) -> float:
    rows = _rotate(dark, angle, border=0).sum(axis=1)
    return float(np.square(np.diff(rows)).sum())


def _rotate(img: np.ndarray, angle: float, border: float = 255) -> np.ndarray:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def _binary(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0.  Otsu copes with scanner grey and speckle noise alike."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


def rules(ink: np.ndarray, scale: float) -> tuple[list[Seg], list[Seg]]:
    """Horizontal and vertical ruling lines as (position, start, end) in pixels."""
    n = max(8, int(current().ocr_min_rule_pt * scale))
    # Close one-pixel breaks (noise, anti-aliasing on a faint rule) before filtering.
    h_mask = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 1)))
    h_mask = cv2.morphologyEx(h_mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1)))
    # Not vertically: a column of labels or zeros would be bridged to the rules between
    # the rows of a thin table (the layout code joins broken rules anyway: pdfgrid.JOIN).
    v_mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, n)))
    thick = max(3.0, current().ocr_max_rule_width_pt * scale)
    return _segments(h_mask, True, thick), _segments(v_mask, False, thick)


def _segments(mask: np.ndarray, horizontal: bool, thick: float) -> list[Seg]:
    if not horizontal:
        return [(x, a, b) for x, a, b in _segments(mask.T, True, thick)]
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out: list[Seg] = []
    for k in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[k])
        if w <= 3 * h:
            continue
        # Thickness as area over length: a long rule left a pixel or two askew by the
        # deskew, or blurred on a low-resolution scan, has a taller box than its stroke.
        # A box taller still holds more than the rule (print joined to it): its middle is
        # not the rule's.
        if area <= thick * w and h <= thick + 2:
            out.append((y + h / 2, float(x), float(x + w)))
            continue
        # Thicker: a rule with strokes of the characters that touch it (thin rows on a
        # blurred scan), or no rule at all (a bold title's stroke, a shaded band).
        rows = (labels[y : y + h, x : x + w] == k).sum(axis=1)
        out.extend((y + centre, float(x), float(x + w)) for centre in _rule_bands(rows, w, thick))
    return out


def _rule_bands(rows: np.ndarray, length: int, thick: float) -> list[float]:
    """The centres (rows from the top) of the rules in one component thicker than a rule,
    given its ink per row: bands no thicker than a rule that run (almost) its whole
    `length`.  A component may hold several: on thin rows the text between two rules,
    speckled and touching both, joins them into one component.  The first is the fullest
    band; each further one must run along ocr_rule_fill of the length in one row and stand
    out from the rows either side of its band, so that neither the inside of a solid block
    (a dark band, a title's stroke) nor a line of dense print is taken for a rule."""
    fill, half = current().ocr_rule_fill * length, int(thick // 2)
    left = rows.astype(float)
    centres: list[float] = []
    while True:
        best = int(np.argmax(left))
        peak = left[best]
        # The band: of the rule-thick windows holding the fullest row, the one holding the
        # most ink (a blurred rule's fullest row need not be its middle one).
        lo = max(range(max(0, best - 2 * half), best + 1), key=lambda a: left[a : a + 2 * half + 1].sum())
        hi = min(len(rows), lo + 2 * half + 1)
        band = left[lo:hi]
        if band.sum() < fill or peak < fill / len(band) or (centres and peak < fill):
            return centres
        if not centres or all(rows[i] < peak / 2 for i in (lo - 1, hi) if 0 <= i < len(rows)):
            centres.append(lo + float((band * np.arange(len(band))).sum() / band.sum()) + 0.5)
        left[lo:hi] = 0


def _row_pitch(horizontal: list[Seg], width: int) -> float | None:
    """The height (pixels) of the thinnest table rows: the closest pair of consecutive
    long rules (ocr_pitch_rule of the page's width: strokes of text lined up are shorter)
    that overlap; None without a table."""
    long = sorted(s for s in horizontal if s[2] - s[1] >= current().ocr_pitch_rule * width)
    gaps = [
        b[0] - a[0]
        for a, b in zip(long, long[1:])
        if b[0] - a[0] > current().ocr_min_row_px and min(a[2], b[2]) - max(a[1], b[1]) > 0
    ]
    return float(np.percentile(gaps, current().ocr_pitch_percentile)) if gaps else None


def _lines(chars: list[OcrChar]) -> list[BBox]:
    """The boxes of the recogniser's text lines (its characters come line by line, each
    with the line's top and bottom)."""
    out: list[list[float]] = []
    last: OcrChar | None = None
    for c in chars:
        if (
            last is not None
            and (c.top, c.bottom) == (last.top, last.bottom)
            and last.x0 <= c.x0 <= last.x1 + (c.bottom - c.top) * 2
        ):
            out[-1][2] = max(out[-1][2], c.x1)
        else:
            out.append([c.x0, c.top, c.x1, c.bottom])
        last = c
    return [(a, b, c, d) for a, b, c, d in out]


def _not_text(
    horizontal: list[Seg], vertical: list[Seg], lines: list[BBox], chars: list[OcrChar], ink: np.ndarray
) -> tuple[list[Seg], list[Seg]]:
    """The rules without the runs that are mostly print of text lines (ocr_text_share)."""
    # Character cores: ocr_glyph_core of a glyph's size either side of its box's centre (a
    # glyph is at most as wide as its line is high; boxes are widened to touch the next
    # character, across the rule between two narrow cells the detector read as one line).
    cores = [
        (
            c.cx - current().ocr_glyph_core * min(c.x1 - c.x0, c.bottom - c.top),
            c.top,
            c.cx + current().ocr_glyph_core * min(c.x1 - c.x0, c.bottom - c.top),
            c.bottom,
        )
        for c in chars
    ]

    def text_h(seg: Seg) -> bool:
        y, a, b = seg
        # Only the middle of a line counts: a box drawn generously reaches its cell's rules.
        inside = sum(
            max(0.0, min(b, x1) - max(a, x0))
            for x0, t, x1, btm in lines
            if t + current().ocr_text_core * (btm - t) <= y <= btm - current().ocr_text_core * (btm - t)
        )
        return inside >= current().ocr_text_share * (b - a)

    def text_v(seg: Seg) -> bool:
        # Within one line (a glyph's stroke), not by share of lines: the detector draws
        # one box over the narrow header cells of a row (结果维持 结果纠正 …), and the
        # rules between them cross it.  The recogniser's character boxes are narrower
        # than the glyphs ("0": 6 of 10 pixels).
        x, a, b = seg
        return any(
            x0 - current().ocr_glyph_reach * (btm - t) < x < x1 + current().ocr_glyph_reach * (btm - t)
            and a >= t - current().ocr_glyph_reach * (btm - t)
            and b <= btm + current().ocr_glyph_reach * (btm - t)
            for x0, t, x1, btm in lines
        )

    def glyph_v(seg: Seg) -> bool:
        # Across lines: a run through the characters of stacked labels (信息内容 over
        # 规章) and the thin rules between them lies mostly in the characters' cores.
        # A stroke has the rest of its glyph beside it; a rule has its cells' white
        # padding (the detector's one box over narrow header cells puts the rules
        # between them inside its estimated characters).
        x, a, b = seg
        inside = sum(
            max(0.0, min(b, btm) - max(a, t))
            for x0, t, x1, btm in cores
            if x0 < x < x1 and _flanked(ink, x, max(a, t), min(b, btm))
        )
        return inside >= current().ocr_text_share * (b - a)

    kept = [s for s in horizontal if not text_h(s)]
    # Judged row by row: a column rule continued by the stroke of a glyph touching it
    # (a merged heading's character sitting on the rule) loses the stroke, not itself.
    return kept, [piece for s in vertical if not text_v(s) for piece in _rows_of(s, kept) if not glyph_v(piece)]


def _rows_of(seg: Seg, horizontal: list[Seg], tol: float = 3.0) -> list[Seg]:
    """A vertical run cut where horizontal rules cross it."""
    x, a, b = seg
    cuts = sorted(y for y, h0, h1 in horizontal if a + tol < y < b - tol and h0 - tol <= x <= h1 + tol)
    ends = [a, *cuts, b]
    return [(x, lo, hi) for lo, hi in zip(ends, ends[1:])]


def _flanked(ink: np.ndarray, x: float, top: float, bottom: float) -> bool:
    """Whether the vertical run at `x` has ink right beside it (ocr_flank_px pixels off, either
    side) along at least a third of `top`..`bottom`: the rest of a glyph."""
    t, b = max(0, int(top)), min(ink.shape[0], int(bottom) + 1)
    left, right = int(x) - current().ocr_flank_px, int(x) + current().ocr_flank_px
    if b <= t or left < 0 or right >= ink.shape[1]:
        return False
    beside = (ink[t:b, left] > 0) | (ink[t:b, right] > 0)
    return bool(beside.mean() >= 1 / 3)


def _to_points(c: OcrChar, scale: float, offset: tuple[float, float]) -> OcrChar:
    dx, dy = offset
    return OcrChar(
        c.text, c.x0 / scale + dx, c.top / scale + dy, c.x1 / scale + dx, c.bottom / scale + dy, c.confidence
    )


def _holds_chars(box: BBox, chars: list[OcrChar]) -> bool:
    return any(box[0] < c.cx < box[2] and box[1] < c.cy < box[3] for c in chars)


def _ink_box(ink: np.ndarray, box: BBox, scale: float, offset: tuple[float, float]) -> tuple[int, int, int, int] | None:
    """The pixel box of the print inside a cell, away from its rules (an inset of
    ocr_cell_inset_pt, or a quarter of the cell's height, or width, where that is less: a
    thin row's 8 pt cell keeps its digit), or None when the cell is blank."""
    dx = min(current().ocr_cell_inset_pt, (box[2] - box[0]) / 4)
    dy = min(current().ocr_cell_inset_pt, (box[3] - box[1]) / 4)
    x0, top = int((box[0] - offset[0] + dx) * scale), int((box[1] - offset[1] + dy) * scale)
    x1, bottom = int((box[2] - offset[0] - dx) * scale), int((box[3] - offset[1] - dy) * scale)
    if x1 <= x0 or bottom <= top:
        return None
    patch = ink[top:bottom, x0:x1]
    if patch.size == 0:
        return None
    # Speckle noise is specks of a few pixels; print is strokes.  Blobs are kept by size,
    # not by a morphological opening, which would also erase the one-pixel stem of a "1".
    count, _, stats, _ = cv2.connectedComponentsWithStats(patch, connectivity=8)
    blobs = [s for s in stats[1:count] if s[4] >= current().ocr_min_blob_pt2 * scale * scale]
    if sum(int(s[4]) for s in blobs) < current().ocr_min_ink_pt2 * scale * scale:
        return None
    left, upper = min(int(s[0]) for s in blobs), min(int(s[1]) for s in blobs)
    right, lower = max(int(s[0] + s[2]) for s in blobs), max(int(s[1] + s[3]) for s in blobs)
    return x0 + left, top + upper, x0 + right, top + lower


def _reread(
    gray: np.ndarray, box: tuple[int, int, int, int], scale: float, offset: tuple[float, float]
) -> list[OcrChar]:
    """Recognise the print of one cell cropped tight (the detector missed it); the
    characters share its box evenly."""
    x0, top, x1, bottom = box
    crop = np.pad(
        gray[
            max(0, top - current().ocr_cell_pad) : bottom + current().ocr_cell_pad,
            max(0, x0 - current().ocr_cell_pad) : x1 + current().ocr_cell_pad,
        ],
        current().ocr_cell_pad,
        constant_values=255,
    )
    text, score = recognise_line(crop)
    text = text.replace(" ", "")
    if not text or score < current().ocr_text_score_floor:
        return []
    step = (x1 - x0) / len(text)
    chars = clean_line(
        [OcrChar(ch, x0 + i * step, top, x0 + (i + 1) * step, bottom, score) for i, ch in enumerate(text)]
    )
    return [_to_points(c, scale, offset) for c in chars]
