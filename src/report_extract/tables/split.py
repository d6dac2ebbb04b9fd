"""Splitting printed values that a crawler ran together ("6000006" → 6 0 0 0 0 0 6).

The known column count fixes how many numbers a run holds; whitespace that survived is a
certain cell boundary; no number has a leading zero; and where the table prints a total
(table 3's 总计 column, table 4's 总计 per group), the total must equal the sum — the
report's own arithmetic.  What is left over is returned for `tables` to choose from with
the column checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from report_extract.settings import current

if TYPE_CHECKING:
    from decimal import Decimal

PART = {
    "count": regex.compile(r"0|[1-9]\d*"),
    "signed_count": regex.compile(r"[-+]?(?:0|[1-9]\d*)"),
    "wan_yuan": regex.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?"),
    "money_as_printed": regex.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?"),
}
_UNIT = regex.compile(r"(万元|元)$")
BLANK_MARKS = {"-", "—", "——", "–", "/"}  # a cell printed blank (tables/rows._MARK finds them)
_GROUPED = regex.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")


def _number(part: str) -> int | Decimal:
    """A part's number without the unit its chunk ended in ("3940元"); amounts have
    decimals (both found by fuzzing and hypothesis); a blank cell's mark counts 0."""
    if part in BLANK_MARKS:
        return 0
    body = part[:-2] if part.endswith("万元") else part[:-1] if part.endswith("元") else part
    body = body.replace(",", "")
    if "." not in body:
        return int(body)
    from decimal import Decimal  # amounts only: a report of counts never imports decimal

    return Decimal(body)


def _group_ok(parts: list[str], group: int) -> bool:
    """Every complete group of `group` parts ends with the sum of the others."""
    k = len(parts)
    if group <= 1 or k % group:
        return True
    g = [_number(p) for p in parts[k - group : k]]
    return sum(g[:-1]) == g[-1]


def splits(
    chunks: list[str],
    kinds: list[str],
    group: int = 0,
    limit: int | None = None,
    max_steps: int | None = None,
) -> list[list[str]]:
    """Every way to cut `chunks` into len(kinds) valid numbers, chunk boundaries kept.

    `group`: table rows whose every `group`-th number is the total of the ones before it.
    `limit`, `max_steps`: the `split_max_candidates` and `split_max_steps` settings by default.
    """
    settings = current()
    limit = settings.split_max_candidates if limit is None else limit
    max_steps = settings.split_max_steps if max_steps is None else max_steps
    n = len(kinds)
    units: list[str] = []
    bodies: list[str] = []
    for c in chunks:
        m = _UNIT.search(c)
        units.append(m.group(1) if m else "")
        bodies.append(c[: m.start()] if m else c)
    out: list[list[str]] = []
    steps = [0]
    rest = [sum(len(b) for b in bodies[i:]) for i in range(len(bodies) + 1)]  # chars from chunk i on

    def walk(ci: int, pos: int, parts: list[str]) -> None:
        steps[0] += 1
        if len(out) >= limit or steps[0] > max_steps:
            return
        if ci == len(bodies):
            if len(parts) == n:
                out.append(list(parts))
            return
        body = bodies[ci]
        left_chunks = len(bodies) - ci - 1
        if body in BLANK_MARKS or _GROUPED.fullmatch(body):
            # A blank cell's mark, or a number with thousands separators ("3,001": the commas
            # group its digits, so it is one number): one cell, as printed.
            k = len(parts)
            if (
                k < n
                and n - k - 1 >= left_chunks
                and (body in BLANK_MARKS or PART[kinds[k]].fullmatch(body.replace(",", "")))
            ):
                parts.append(body + units[ci])
                if not group or _group_ok(parts, group):
                    walk(ci + 1, 0, parts)
                parts.pop()
            return
        if rest[ci] - pos > (n - len(parts)) * current().split_max_part_chars:
            return
        for end in range(pos + 1, min(len(body), pos + current().split_max_part_chars) + 1):
            k = len(parts)
            if k >= n or n - k - 1 < left_chunks:
                return
            piece = body[pos:end]
            if not PART[kinds[k]].fullmatch(piece):
                continue
            if end == len(body):
                piece += units[ci]
            parts.append(piece)
            if group and not _group_ok(parts, group):
                parts.pop()
                continue
            if end == len(body):
                walk(ci + 1, 0, parts)
            else:
                walk(ci, end, parts)
            parts.pop()

    walk(0, 0, [])
    return out


def plausibility(parts: list[str], cumulative_last: bool = False) -> tuple:
    """A sort key for splits that no arithmetic can tell apart (lower is more plausible).

    Cells of one row tend to have similar widths; a cumulative figure printed last
    (现行有效件数, 对外公开总数量) is rarely smaller than the year's own figures; and when
    two splits still tie, the one whose earlier cells are wider is taken.
    """
    widths = [len(p.lstrip("+-").split(".")[0]) for p in parts]
    mean = sum(widths) / len(widths)
    spread = sum((w - mean) ** 2 for w in widths)
    numbers = [0.0 if p in BLANK_MARKS else float(p.rstrip("元万").replace("+", "").replace(",", "")) for p in parts]
    last_small = cumulative_last and numbers[-1] < max(numbers[:-1], default=0)
    return (last_small, round(spread, 6), [-w for w in widths])


def best(candidates: list[list[str]], cumulative_last: bool = False) -> list[str]:
    return min(candidates, key=lambda c: plausibility(c, cumulative_last))
