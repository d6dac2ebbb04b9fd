"""Characters to text: the part of PDF reading both engines share below the table level.

Both engines (pdfplumber, pypdfium2) hand over characters as `Char` boxes in PDF points with
a top-left origin.  Grouping them into lines, joining wrapped lines and normalising spaces
happens here, once, so the two engines give the same text for the same boxes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

from report_extract.settings import current

_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f\u2018-\u201f\u2026]")
_ASCII_WORD = re.compile(r"[0-9A-Za-z]")


class Char(NamedTuple):
    """One printed character (a NamedTuple: pages have thousands, built in a hot loop)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    # The PDF prints a space character right before this one.  It separates words even
    # where the gap is narrow (Latin text), except between two Chinese characters, where
    # it is justification filler.
    space_before: bool = False

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Line:
    """One printed line of text outside tables."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    page: int
    size: float  # median character height: digits' boxes are taller than Chinese ones


def dedupe(chars: Iterable[Char]) -> list[Char]:
    """Drop the overprinted copies fake-bold text leaves (same glyph, ~same position).

    Chars are bucketed on a grid of twice the tolerance, so a copy lies in the char's own
    bucket or in the neighbour on the side where the char is near the bucket's edge.
    """
    size = 2 * current().pdf_dedupe_tolerance
    seen: set[tuple[str, int, int]] = set()
    out: list[Char] = []
    for c in chars:
        fx, fy = c.x0 / size, c.top / size
        kx, ky = int(fx), int(fy)
        nx = kx - 1 if fx - kx < 0.5 else kx + 1
        ny = ky - 1 if fy - ky < 0.5 else ky + 1
        t = c.text
        if (t, kx, ky) in seen or (t, nx, ky) in seen or (t, kx, ny) in seen or (t, nx, ny) in seen:
            continue
        seen.add((t, kx, ky))
        out.append(c)
    return out


def group_lines(chars: Sequence[Char]) -> list[list[Char]]:
    """Chars grouped into printed lines, top to bottom, each line left to right."""
    # (centres and heights computed once per char: this runs on every char of every page)
    cys = [(c.top + c.bottom) / 2 for c in chars]
    overlap = current().pdf_line_overlap
    lines: list[list[Char]] = []
    centre = 0.0
    height = 0.0
    for k in sorted(range(len(chars)), key=cys.__getitem__):  # stable, as sorting by cy
        c, cy = chars[k], cys[k]
        h = c.bottom - c.top
        hh = h or height
        if lines and abs(cy - centre) < overlap * (hh if hh < height else height):  # min(height, hh)
            lines[-1].append(c)
            continue
        lines.append([c])
        centre, height = cy, h
    return [sorted(line, key=_X0) for line in lines]


_X0 = attrgetter("x0")
_CJK_TEXT: dict[str, bool] = {}  # char text → starts with a CJK character (few distinct texts)


def is_cjk(text: str) -> bool:
    known = _CJK_TEXT.get(text)
    if known is None:
        known = _CJK_TEXT[text] = _CJK.match(text) is not None
    return known


def split_words(chars: Sequence[Char]) -> list[tuple[str, float, float]]:
    """A line's words (text, x0, x1): runs of characters without a space-wide gap."""
    words: list[list[Char]] = []
    prev: Char | None = None
    prev_cjk = False
    known = _CJK_TEXT
    settings = current()
    gap, cjk_gap = settings.pdf_space_gap, settings.pdf_cjk_space_gap
    for c in chars:
        cjk = known.get(c.text)
        if cjk is None:
            cjk = is_cjk(c.text)
        printed_space = c.space_before and not (cjk and prev is not None and prev_cjk)
        if prev is not None and not printed_space:
            h, hp = c.bottom - c.top, prev.bottom - prev.top
            # a space-wide gap: wider than the pdf_space_gap (pdf_cjk_space_gap) setting × min(h, hp)
            spaced = c.x0 - prev.x1 > (cjk_gap if cjk or prev_cjk else gap) * (hp if hp < h else h)
        else:
            spaced = True
        if not spaced:
            words[-1].append(c)
        else:
            words.append([c])
        prev, prev_cjk = c, cjk
    return [("".join([c.text for c in w]), w[0].x0, w[-1].x1) for w in words]


def line_text(chars: Sequence[Char]) -> str:
    return " ".join(w[0] for w in split_words(chars))


def join_lines(texts: Iterable[str]) -> str:
    """Join wrapped lines: no separator in Chinese text (also for headers printed one
    character per line), a space between two Latin words or numbers."""
    out = ""
    for t in texts:
        if not t:
            continue
        if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(t[0]):
            out += " "
        out += t
    return out


def block_text(chars: Sequence[Char]) -> str:
    """The text of a cell: its lines joined."""
    if len(chars) == 1:  # most cells of the tables hold one digit: one line of one word
        return chars[0].text
    return join_lines(line_text(line) for line in group_lines(chars))


def make_lines(lines: Sequence[Sequence[Char]], page: int) -> list[Line]:
    """`Line`s of the char groups `group_lines` made."""
    out = []
    for line in lines:
        text = line_text(line)
        if text:
            heights = sorted([c.bottom - c.top for c in line])
            out.append(
                Line(
                    text,
                    min(c.x0 for c in line),
                    min(c.top for c in line),
                    max(c.x1 for c in line),
                    max(c.bottom for c in line),
                    page,
                    heights[len(heights) // 2],
                )
            )
    return out
