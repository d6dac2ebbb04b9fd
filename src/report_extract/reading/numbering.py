"""Automatic paragraph numbering of a DOCX ("一、", "（二）", "3.").

Word stores only a list reference on a numbered paragraph; the number the reader sees is
generated.  Section numbers like 一、总体情况 are what the pipeline finds sections by,
so the reader renders them.  Supported: the common formats, counters shared by every list
that uses the same abstract numbering (Word's default), restarts via startOverride.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass(frozen=True)
class Level:
    fmt: str
    text: str
    start: int


@dataclass
class Numbering:
    levels: dict[tuple[str, int], Level] = field(default_factory=dict)  # (abstractNumId, ilvl)
    abstract_of: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    overrides: dict[tuple[str, int], int] = field(default_factory=dict)  # (numId, ilvl) -> start
    counters: dict[str, list[int]] = field(default_factory=dict)  # abstractNumId -> count per level
    seen: set[str] = field(default_factory=set)

    @classmethod
    def parse(cls, root: etree._Element | None) -> Numbering:
        n = cls()
        if root is None:
            return n
        for absnum in root.iterchildren(q("abstractNum")):
            aid = absnum.get(q("abstractNumId"), "")
            for lvl in absnum.iterchildren(q("lvl")):
                n.levels[(aid, _int(lvl.get(q("ilvl")), 0))] = Level(
                    _val(lvl, "numFmt") or "decimal", _val(lvl, "lvlText") or "", _int(_val(lvl, "start"), 1)
                )
        for num in root.iterchildren(q("num")):
            nid = num.get(q("numId"), "")
            n.abstract_of[nid] = _val(num, "abstractNumId") or ""
            for ov in num.iterchildren(q("lvlOverride")):
                start = _val(ov, "startOverride")
                if start is not None:
                    n.overrides[(nid, _int(ov.get(q("ilvl")), 0))] = _int(start, 1)
        return n

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the list `num_id` at level `ilvl` and return the printed number."""
        aid = self.abstract_of.get(num_id)
        if num_id == "0" or aid is None or (aid, ilvl) not in self.levels:
            return ""
        counts = self.counters.setdefault(aid, [0] * 9)
        if num_id not in self.seen:
            self.seen.add(num_id)
            for (nid, lvl), start in self.overrides.items():
                if nid == num_id and lvl < 9:
                    counts[lvl] = start - 1
        if ilvl >= 9:
            return ""
        start = self.levels[(aid, ilvl)].start
        counts[ilvl] = max(counts[ilvl], start - 1) + 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        return self._render(aid, ilvl, counts)

    def _render(self, aid: str, ilvl: int, counts: list[int]) -> str:
        level = self.levels[(aid, ilvl)]
        if level.fmt in ("bullet", "none"):
            return ""

        def number(m: re.Match[str]) -> str:
            i = int(m.group(1)) - 1
            lv = self.levels.get((aid, i))
            value = counts[i] if counts[i] else (lv.start if lv else 1)
            return format_number(value, lv.fmt if lv else "decimal")

        return re.sub(r"%([1-9])", number, level.text)


_DIGITS = "零一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def format_number(n: int, fmt: str) -> str:
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "chineseLegalSimplified",
        "japaneseCounting",
        "taiwaneseCounting",
        "ideographDigital",
    ):
        return _chinese(n)
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _STEMS[n - 1]
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt in ("lowerLetter", "upperLetter") and n >= 1:
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s if fmt == "lowerLetter" else s.upper()
    if fmt in ("lowerRoman", "upperRoman") and n >= 1:
        s = _roman(n)
        return s if fmt == "lowerRoman" else s.upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _chinese(n: int) -> str:
    """一 … 九十九 the way Chinese documents count sections; larger numbers as digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def _roman(n: int) -> str:
    out = []
    for value, sym in _ROMAN:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _val(el: etree._Element, tag: str) -> str | None:
    child = el.find(q(tag))
    return None if child is None else child.get(q("val"))


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
