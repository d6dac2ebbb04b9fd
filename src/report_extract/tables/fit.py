"""Fitting an observed row's printed tokens to a known number of columns.

Grid rows give one token per cell: blank cells at either end that a merged label or a
ragged row left behind are trimmed; a row one cell short keeps its last value in the last
(total / cumulative) column.  Free-text rows give chunks that `split` cuts into cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from report_extract.contract.values import Number, parse
from report_extract.model.document import Origin
from report_extract.settings import current
from report_extract.tables.rows import NOT_PRINTED, ObservedRow, Token
from report_extract.tables.split import best, splits


@dataclass(frozen=True)
class Fit:
    """One way to read the row: a raw text per column (None: the row did not print it)."""

    raws: tuple[str | None, ...]
    origins: tuple[Origin | None, ...]

    @cached_property
    def counts(self) -> tuple[Number | None, ...]:
        """The readings as counts, parsed once: the checks try each many times."""
        return tuple(parse(r).value if r is not None else None for r in self.raws)


@dataclass
class Fitted:
    fits: list[Fit]  # every reading the arithmetic allows; one when certain
    short: bool = False  # the row printed fewer cells than the table has
    many: bool = False  # more than fit_max_readings readings: only the most plausible kept

    @property
    def ambiguous(self) -> bool:
        return self.many or len(self.fits) > 1


def _fit_grid(tokens: list[Token], n: int) -> Fitted:
    toks = list(tokens)
    while len(toks) > n and not toks[-1].text:
        toks.pop()
    while len(toks) > n and not toks[0].text:
        toks.pop(0)
    if len(toks) > n and sum(1 for t in toks if not t.text) == len(toks) - n:
        # Empty cells in a column of their own, as many as the row has too many: a
        # borderless table's column edge where only a heading stood (the 本年处理决定数量
        # spanning three columns below 规章's row).  The values keep their order.
        toks = [t for t in toks if t.text]
    if len(toks) > n:
        toks = toks[:n]
    if len(toks) == n:
        printed = tuple(None if t.text == NOT_PRINTED else t.text for t in toks)
        return Fitted([Fit(printed, tuple(t.origin for t in toks))])
    if not toks or n - len(toks) > 1:
        # Two cells or more lost (a borderless table whose blanks left no cell): where
        # they stood no order tells, and a guess would fail the checks as the report's
        # error.  Not read.
        return Fitted([])
    # One cell lost: keep the order, the last printed value is the last column.
    raws: list[str | None] = [t.text for t in toks[:-1]] + [None] * (n - len(toks)) + [toks[-1].text]
    origins: list[Origin | None] = [t.origin for t in toks[:-1]] + [None] * (n - len(toks)) + [toks[-1].origin]
    return Fitted([Fit(tuple(raws), tuple(origins))], short=True)


def _splits(chunks: tuple[str, ...], kinds: tuple[str, ...], group: int) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(c) for c in splits(list(chunks), list(kinds), group))


def _blanks_vanished(chunks: tuple[str, ...], kinds: tuple[str, ...], group: int) -> bool:
    """Whether a row's numbers, fewer than its columns and none splittable to make its total
    right, make it right as printed: its blank cells vanished with the spaces around them
    ("1288 21 50 3 1362" for seven columns).  Where they stood no text tells, so the row
    is not read rather than guessed (a guess would fail its checks as the report's error)."""
    if group != len(kinds) or not 1 < len(chunks) < len(kinds):
        return False
    if not all(c.isdigit() and (c == "0" or c[0] != "0") for c in chunks):
        return False
    return sum(int(c) for c in chunks[:-1]) == int(chunks[-1])


@lru_cache(maxsize=4096)
def _readings(
    chunks: tuple[str, ...], kinds: tuple[str, ...], group: int, cumulative_last: bool
) -> tuple[tuple[tuple[str, ...], ...], bool]:
    """The row's readings, and whether there were too many to keep (then only the best)."""
    found = _splits(chunks, kinds, group)
    if not found and group:
        if _blanks_vanished(chunks, kinds, group):
            return (), False
        # The report's own arithmetic may be wrong: fall back to the plain cut.
        found = _splits(chunks, kinds, 0)
    if len(found) > current().fit_max_readings:
        return (tuple(best([list(f) for f in found], cumulative_last)),), True
    return found, False


def _fit_text(tokens: list[Token], kinds: tuple[str, ...], group: int, cumulative_last: bool) -> Fitted:
    n = len(kinds)
    chunks = tuple(t.text for t in tokens)
    origin = tokens[0].origin if tokens else None
    found: list[tuple[str, ...]] = []
    many = False
    for cells in _cells_among(chunks, kinds, group) if len(chunks) > n else [chunks]:
        readings, too_many = _readings(cells, kinds, group, cumulative_last)
        found += readings
        many = many or too_many
    return Fitted([Fit(f, (origin,) * n) for f in dict.fromkeys(found)], many=many)


def _cells_among(chunks: tuple[str, ...], kinds: tuple[str, ...], group: int) -> list[tuple[str, ...]]:
    """The row's cells among more numbers than it has columns: a page number or a note's
    digits that fell at either end ("- 2 -" between table 4's headings and its values), or
    one column of the report's own inside (a 小计 of 法人或其他组织 before the 总计).  Every
    run of as many numbers as columns, and with one number too many every choice of the
    one to leave out, whose groups add up; when none does, the first numbers, as printed.
    Several that add up are readings of the row for the report's other checks to settle."""
    n = len(kinds)
    options = [chunks[k : k + n] for k in range(len(chunks) - n + 1)]
    if len(chunks) == n + 1:
        options += [chunks[:k] + chunks[k + 1 :] for k in range(1, n)]
    holding = [o for o in dict.fromkeys(options) if _splits(o, kinds, group)] if group else []
    return holding or options[:1]


def without_extra_column(rows: list[ObservedRow], kinds: tuple[str, ...], group: int) -> list[ObservedRow]:
    """The rows of a table printed with one column more than it has, of the report's own
    (a 小计 of 法人或其他组织 before the 总计), that no header told (free text): the one
    position whose number left out makes every such row's groups add up, left out of
    each.  Decided over the rows together, as the column is: a row alone ("0 1 0 0 0 0
    1 1") often adds up more than one way.  Rows as they were when fewer than half of the
    table's rows have one number too many, or no single position does."""
    n = len(kinds)
    wide = [r for r in rows if len(r.tokens) == n + 1 and all(t.text for t in r.tokens)]
    if len(wide) < 2 or 2 * len(wide) < sum(1 for r in rows if r.tokens):
        return rows
    common: set[int] | None = None
    for r in wide:
        chunks = tuple(t.text for t in r.tokens)
        holding = {k for k in range(n + 1) if _splits(chunks[:k] + chunks[k + 1 :], kinds, group)}
        if holding:  # none: the row is the report's own mistake, and says nothing
            common = holding if common is None else common & holding
    if not common:
        return rows
    # positions that leave the same numbers in every row are one choice (equal neighbours)
    readings = {tuple(tuple(t.text for t in r.tokens[:k] + r.tokens[k + 1 :]) for r in wide) for k in common}
    if len(readings) != 1:
        return rows
    k = min(common)
    return [
        ObservedRow(r.label, r.key, r.tokens[:k] + r.tokens[k + 1 :], r.exact) if any(r is w for w in wide) else r
        for r in rows
    ]


def fit(row: ObservedRow, kinds: tuple[str, ...], group: int = 0, cumulative_last: bool = False) -> Fitted:
    """The readings of a row for columns of `kinds`.  `cumulative_last`: the last column
    is a running total (现行有效件数), which makes some readings less plausible."""
    if row.exact:
        return _fit_grid(row.tokens, len(kinds))
    return _fit_text(row.tokens, kinds, group, cumulative_last)


def choose(fitted: Fitted, cumulative_last: bool = False) -> Fit:
    """The most plausible reading of a row no arithmetic could settle."""
    if len(fitted.fits) == 1:
        return fitted.fits[0]
    # Several readings come only from splitting free text, where every cell is printed
    # (no None raws): the filter narrows the type and drops nothing.
    candidates = [[r for r in f.raws if r is not None] for f in fitted.fits]
    return fitted.fits[candidates.index(best(candidates, cumulative_last=cumulative_last))]
