"""Printed cell text → value, by the spec's value rules.

A blank, "-", "—", "/" or "无" is null (never an invented 0) and keeps its raw text;
full-width digits, thousands separators and stray spaces are normalised; a signed count
("-8", "－8", "+3", "增加3", "减少8") keeps its sign; 万元/元 units are split off and reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from report_extract.contract.labels import halfwidth

Number = int | float

_NULLS = {"", "-", "--", "—", "——", "/", "无", "–", "_", "空", "×"}
_BLANK_MARKS = _NULLS - {""}
_UNITS = "万元|元|件|条|个|项|人次"  # printed after a number (or a blank mark) in a cell
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "−": "-", "＋": "+", "，": ",", "。": "."})
# A number at the start of a cell: sign, digits with optional thousands separators,
# decimals, then an optional unit.  Annotations after it ("（其中修订16件）") are ignored.
_NUMBER = regex.compile(
    r"^\s*(?P<sign>[-+])?\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?\s*(?P<unit>" + _UNITS + ")?"
)


@dataclass(frozen=True)
class Parsed:
    value: Number | None
    unit: str | None = None
    ok: bool = True  # False: text that is neither a number nor a null marker


_SPACES = regex.compile(r"\s+")
# A blank mark printed with the column's unit ("-元", "— 件"): still no value.
_UNIT_AFTER = regex.compile(r"\s*(?:" + _UNITS + ")$")
_SPACE_IN_NUMBER = regex.compile(r"(?<=[\d.,+-])\s+(?=[\d.,])")
_AFTER_VALUE = regex.compile(r"\s*(?:[(（\[].*)?")


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_POWERS = {"十": 10, "百": 100, "千": 1000}


def chinese_count(numerals: str) -> int | None:
    """A count in Chinese numerals: 三 → 3, 十五 → 15, 五十六 → 56, 一百二十 → 120, 两千零五 →
    2005; None for what is no plain count (三五, 十几).  Prose counts (metadata/facts.py)
    and the months and days of dates (metadata/meta.py) are read with it."""
    total, digit = 0, None
    for ch in numerals:
        if ch in "零〇" and total and digit is None:
            continue  # 两千零五: the 零 holds an empty place
        if ch in _CN_DIGITS:
            if digit is not None:
                return None  # 三五 (three or five): no count
            digit = _CN_DIGITS[ch]
        elif ch in _CN_POWERS:
            total += (1 if digit is None else digit) * _CN_POWERS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


# A report's cells are cleaned again by every stage that looks at them (fitting rows,
# choosing readings, parsing): about 1,400 calls on 85 distinct texts for a 2021 report.
@lru_cache(maxsize=4096)
def clean(text: str) -> str:
    return _WORD_SIGN.sub(_as_sign, _SPACES.sub(" ", halfwidth(text).translate(_DASHES)).strip())


# A change written in words before its number (2019 template's 本年增/减: "增加4", "减少1").
_WORD_SIGN = regex.compile(r"^(增加|增|减少|减)\s*(?=\d)")


def _as_sign(m: regex.Match) -> str:
    return "-" if m.group(1).startswith("减") else "+"


def signed(token: str) -> str:
    """A value token with its change written in words as a number: 增加37 → +37, 减3 → -3,
    持平 (no change) → 0."""
    return "0" if token == "持平" else _WORD_SIGN.sub(_as_sign, token)


# Zero typed as a Chinese numeral (an input method's 〇, the 零 of a written amount), or a
# change written as none (持平, "level", in 本年增/减): a value, 0 — unlike 无 or a dash,
# which print no value.
ZEROS = {"〇", "○", "零", "持平"}


def is_null_text(text: str) -> bool:
    t = clean(text).replace(" ", "")
    return t in _NULLS or _UNIT_AFTER.sub("", t) in _BLANK_MARKS


def looks_like_value(text: str) -> bool:
    """True for a cell that holds a value: a number (maybe with a unit or a bracketed
    annotation such as "22（其中修订16件）") or a null marker — not "1.属于国家秘密"."""
    t = clean(text)
    if is_null_text(t) or t in ZEROS:
        return True
    if " " in t:  # as parse reads it: "5 6" from <td>5<br>6</td> is 56
        t = _SPACE_IN_NUMBER.sub("", t)
    m = _NUMBER.match(t)
    return bool(m) and _AFTER_VALUE.fullmatch(t, m.end()) is not None


def parse(text: str, kind: str = "count") -> Parsed:
    """Parse printed text.  `kind` is the spec unit: count, signed_count, wan_yuan,
    money_as_printed."""
    t = clean(text)
    if is_null_text(t):
        return Parsed(None)
    if t in ZEROS:
        return Parsed(0)
    # Stray spaces inside a number ("1 259" from a PDF's character spacing) are
    # normalised away: within one cell there is one value.
    m = _NUMBER.match(_SPACE_IN_NUMBER.sub("", t))
    if not m:
        return Parsed(None, ok=False)
    digits = m.group("int").replace(",", "")
    sign = -1 if m.group("sign") == "-" else 1
    unit = m.group("unit")
    if kind in ("wan_yuan", "money_as_printed"):
        number: Number = sign * float(digits + (m.group("frac") or ""))
        if kind == "money_as_printed" and float(number).is_integer():
            number = int(number)
        return Parsed(number, unit if unit in ("元", "万元") else None)
    if m.group("frac") and set(m.group("frac")[1:]) != {"0"}:
        return Parsed(None, ok=False)  # a count cannot have decimals
    if kind == "count" and sign < 0:
        return Parsed(None, ok=False)
    return Parsed(sign * int(digits))
