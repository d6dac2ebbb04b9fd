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
    chars = [_to_points(c, scale, offset) for c in recognise(gray)]
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
    v_mask = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 5)))
    v_mask = cv2.morphologyEx(v_mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, n)))
    thick = max(3.0, current().ocr_max_rule_width_pt * scale)
    return _segments(h_mask, True, thick), _segments(v_mask, False, thick)


def _segments(mask: np.ndarray, horizontal: bool, thick: float) -> list[Seg]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out: list[Seg] = []
    for x, y, w, h, _area in stats[1:count]:
        if horizontal and w > 3 * h and h <= thick:
            out.append((float(y + h / 2), float(x), float(x + w)))
        elif not horizontal and h > 3 * w and w <= thick:
            out.append((float(x + w / 2), float(y), float(y + h)))
    return out


def _to_points(c: OcrChar, scale: float, offset: tuple[float, float]) -> OcrChar:
    dx, dy = offset
    return OcrChar(
        c.text, c.x0 / scale + dx, c.top / scale + dy, c.x1 / scale + dx, c.bottom / scale + dy, c.confidence
    )


def _holds_chars(box: BBox, chars: list[OcrChar]) -> bool:
    return any(box[0] < c.cx < box[2] and box[1] < c.cy < box[3] for c in chars)


def _ink_box(ink: np.ndarray, box: BBox, scale: float, offset: tuple[float, float]) -> tuple[int, int, int, int] | None:
    """The pixel box of the print inside a cell, away from its rules (3 pt inset), or
    None when the cell is blank."""
    x0, top = int((box[0] - offset[0] + 3) * scale), int((box[1] - offset[1] + 3) * scale)
    x1, bottom = int((box[2] - offset[0] - 3) * scale), int((box[3] - offset[1] - 3) * scale)
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
