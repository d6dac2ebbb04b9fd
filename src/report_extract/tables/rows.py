"""Observed rows: what a table region printed, as (label, values) in reading order.

A grid row gives its label cells and value cells directly.  Free text (a crawler dump, a
PDF-to-Markdown paragraph) gives row anchors found by `labels.anchor_regex` and runs of
digits between them; a run may hold several cells written together ("6000006"), which
`split` resolves later with the report's own arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from report_extract import patterns
from report_extract.contract.labels import anchor_regex, halfwidth, normalise, score, tables
from report_extract.contract.values import is_null_text, looks_like_value, signed
from report_extract.model.document import Cell, Origin
from report_extract.patterns import load_toml
from report_extract.settings import current
from report_extract.tables.stream import Item, RowItem, TextItem


@dataclass
class Token:
    text: str
    origin: Origin
    col: int = -1  # a grid row's: the cell's column in the grid (-1: free text)


# The text of a cell the row does not print at all (its table has no such column), as
# opposed to "", a cell printed blank: fit reads it as not printed, never as a null value.
NOT_PRINTED = "\x00"


@dataclass
class ObservedRow:
    label: str = ""
    key: str | None = None  # row key named by an anchor in free text
    tokens: list[Token] = field(default_factory=list)
    # Grid rows: one token per cell, final.  Free text: whitespace-separated chunks,
    # any of which may hold several cells run together.
    exact: bool = True

    @property
    def numeric(self) -> int:
        return sum(1 for t in self.tokens if t.text != NOT_PRINTED and not is_null_text(t.text))


# A run of printed values: digits with separators, signs, decimals, spaces, and a money
# unit.  Runs end at any other character (Han text, brackets).
# A blank cell's mark standing alone among the values ("1 — 11", "0 / 3"): a dash, a slash
# (a hyphen only where no digit follows it: "-8" is a number).
_MARK = r"(?:——?|–|/|-(?![\d-]))"  # the marks of split.BLANK_MARKS
# A change written in words (2019 template's 本年增/减: "128 增加37 212", "128 持平 212")
# continues a run after a value: values.signed reads 增加37 as +37, 持平 as 0.
_WORD_SIGN = r"(?<=\d\s{1,3})(?:(?:增加|减少|增|减)(?=\d)|持平(?=\s|$))"
_RUN = regex.compile(
    rf"(?:[-+]?\d|{_MARK}(?=\s+(?:[-+]?\d|{_MARK}))|(?<=\s){_MARK}(?=\s*$))"
    rf"(?:[\d.,+\-]|\s(?=\s*(?:[-+\d]|{_MARK}|{_WORD_SIGN}))|{_WORD_SIGN}|(?<=\s){_MARK}(?=\s|$))*(?:\s*万元|\s*元)?"
)
# "…00000002.其他法律…": the last digit and its dot number the next row.
_TRAILING_NUMBERING = regex.compile(r"(?<=\d|\s|^)\d\s*[.、．]\s*$")
_NUMBERING_MARKS = ("、", "．")  # after a row's number, never after a value


# A value misread by OCR ("a" or "ó" for 0, "l" for 1): a few characters, none of them
# Han, with a letter or digit among them, that is not a row's numbering ("1.", "（三）").
_MISREAD = regex.compile(r"(?=.*[\p{L}\p{N}])[^\p{Han}（）()]{1,3}")
_NUMBERING = regex.compile(r"\d+\s*[.、．]")
# A label cell that ends in a space and a number: a tab lost between a label and its value.
_LABEL_THEN_VALUE = regex.compile(r"(.*\p{Han}[\p{Pe}\p{Pf}]*)\s+([-+]?\d[\d,]*(?:\.\d+)?)")
_LABEL_GLUED_VALUE = regex.compile(r"(.*\p{Han}[\p{Pe}\p{Pf}]*)\s*([-+]?\d[\d,]*(?:\.\d+)?)")


def _misread_value(cells: list[Cell], i: int) -> bool:
    """Whether cell i, which holds no value, is one misread: it looks like one (_MISREAD)
    and sits among the values, after the row's label or a value and before a value, or
    last after a value.  An unreadable cell must stay in its column, not move the row's
    values into the label."""
    text = cells[i].text.strip()
    if not _MISREAD.fullmatch(text) or _NUMBERING.fullmatch(text):
        return False
    before = next((c.text for c in reversed(cells[:i]) if c.text.strip()), None)
    after = next((c.text for c in cells[i + 1 :] if c.text.strip()), None)
    if after is None:
        return before is not None and looks_like_value(before)
    return before is not None and looks_like_value(after)


_CN_NUMERAL = regex.compile(r"[〇○零一二三四五六七八九十百千两]{1,6}")


def _unread_value(text: str) -> bool:
    """A cell that holds a value the parser cannot read ("0件次", "共13件", "十三", "〇"):
    it stands in its column and is read as null with a warning, never taken for the end
    of the row's label (which slid the row's values one column over, and failed its
    checks as the report's errors).  A label's numbering ("1.属于…") is no value."""
    t = text.strip()
    if _CN_NUMERAL.fullmatch(t):
        return True
    if len(regex.findall(r"\d+", t)) != 1 or _NUMBERING.match(t):
        return False  # no number, a numbering, or several numbers (a collapsed row's cell)
    return len(t) <= 12 and len(regex.findall(r"\p{Han}", t)) <= 4


def from_grid(item: RowItem) -> ObservedRow:
    where = [j for j, c in enumerate(item.cells) if not c.merged]
    cells = [item.cells[j] for j in where]
    last_label = -1
    for i, c in enumerate(cells):
        if c.text.strip() and not looks_like_value(c.text) and not _misread_value(cells, i):
            if i and _unread_value(c.text) and last_label >= 0:
                continue  # a value past the label, unreadable: not the label's end
            last_label = i
    # Converters that repeat a merged label in every cell it covers (Markdown has no
    # spans) print it twice in the row: one label, once.
    label = "".join(dict.fromkeys(c.text for c in cells[: last_label + 1]))
    tokens = [Token(c.text.strip(), c.origin, j) for j, c in zip(where[last_label + 1 :], cells[last_label + 1 :])]
    joined = _LABEL_THEN_VALUE.fullmatch(label.strip()) if last_label >= 0 else None
    glued = _LABEL_GLUED_VALUE.fullmatch(label.strip()) if last_label >= 0 and tokens and not tokens[0].text else None
    if glued:
        # "行政规范性文件61" beside an empty first cell: a borderless table's column edge
        # fell right of the value, which belongs in that cell
        label = glued.group(1)
        tokens[0] = Token(glued.group(2), cells[last_label].origin, tokens[0].col)
    elif joined:  # "（一）予以公开 1288", then a tab: the label's cell holds the first value too
        label = joined.group(1)
        tokens.insert(0, Token(joined.group(2), cells[last_label].origin))
    return ObservedRow(label=label, tokens=tokens, exact=True)


def _squeeze(text: str) -> tuple[str, list[int]]:
    idx = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in idx), idx


def _anchors(text: str, table: str) -> list[tuple[int, int, str | None]]:
    squeezed, idx = _squeeze(text)
    out = []
    for m in anchor_regex(table).finditer(squeezed):
        key = m.lastgroup
        out.append((idx[m.start()], idx[m.end() - 1] + 1, None if key.startswith("group") else key))
    return out


def _runs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _RUN.finditer(text)]


def _blank_row(marks: str, before: str, after: str) -> bool:
    """Whether a run of blank marks alone is a row printed blank: two or more marks
    ("— — —"), or one that ends the line right after a label ("行政许可 —")."""
    if len(marks.split()) >= 2:
        return True
    return not after.strip() and bool(regex.search(r"\p{Han}\s*$", before))


@dataclass
class _Cursor:
    """Which row free text is filling: an anchor's row until it has values, or, where
    every cell is a line of its own, the labelled row until a line is no lone value."""

    row: ObservedRow | None = None
    stacked: bool = False  # the row's values so far came one a line, after its label's line

    def open(self, label: str, key: str | None) -> ObservedRow:
        self.row, self.stacked = ObservedRow(label=label, key=key, exact=False), False
        return self.row


def _lone_value(text: str) -> str | None:
    """The line's text when it is one value or blank mark and nothing else ("0", "559.30",
    "—"): a cell printed on a line of its own."""
    t = text.strip()
    return signed(t) if t and not any(ch.isspace() for ch in t) and looks_like_value(t) else None


@patterns.cached
def _page_furniture() -> regex.Pattern | None:
    # .get: a researcher's own pages.toml, copied before this key existed, has none
    found = load_toml("pages.toml").get("inline", [])
    return regex.compile("|".join(f"(?:{p})" for p in found)) if found else None


def _without_page_furniture(text: str) -> str:
    """`text` with its page footers ("第 3 页") blanked, not cut: positions stay, and
    the page number is no value of the row it fell in."""
    furniture = _page_furniture()
    return furniture.sub(lambda m: " " * len(m.group()), text) if furniture else text


def from_text(item: TextItem, table: str, cursor: _Cursor, out: list[ObservedRow]) -> None:
    text = _without_page_furniture(halfwidth(item.text))
    lone = _lone_value(text)
    if lone is not None and cursor.stacked and cursor.row is not None:
        # A dump with every cell on a line of its own ("规章", "0", "5", "7"): the row's
        # next cell.  A line holding anything else ends the row.
        cursor.row.tokens.append(Token(lone, item.origin))
        return
    anchors = _anchors(text, table)
    events = [(s, 0, e, k) for s, e, k in anchors] + [(s, 1, e, None) for s, e in _runs(text)]
    events.sort()
    prev_end = 0
    for start, kind, end, key in events:
        if start < prev_end:  # a run inside an anchor's numbering, already consumed
            continue
        if kind == 0:
            out.append(cursor.open(text[start:end], key))
            prev_end = end
            continue
        # a run: cut it where an anchor (its numbering) begins, drop trailing numbering
        nxt = min((s for s, _, _ in anchors if start < s < end), default=end)
        chunk = _TRAILING_NUMBERING.sub("", text[start:nxt]).strip()
        if text[nxt : nxt + 1] in _NUMBERING_MARKS and chunk[-1:].isdigit():
            chunk = chunk[:-1].rstrip()  # "…0 712、申请人…": the 2 of "2、" numbers the next row
        gap = text[prev_end:start]
        prev_end = nxt
        if not regex.search(r"\d", chunk) and not _blank_row(chunk, text[:start], text[nxt:]):
            continue
        row = cursor.row
        if row is None or (row.tokens and regex.search(r"\p{Han}", gap)) or row.exact:
            row = cursor.open(gap.strip(), None)
            out.append(row)
        elif not row.tokens:
            row.label += gap
        row.tokens.extend(Token(signed(t), item.origin) for t in chunk.split())
    # A row that got its values is complete and the next line starts afresh, unless the
    # values came as one lone value under the row's label: the next lone values go on it.
    row = cursor.row
    if row is not None and row.tokens:
        if lone is not None and len(row.tokens) == 1 and (row.key or row.label.strip()):
            cursor.stacked = True
        else:
            cursor.row, cursor.stacked = None, False


def _best_label(label: str, table: str) -> float:
    return max((score(label, spec) for spec in tables()[table].rows.values()), default=0.0)


def _joins(prev: ObservedRow, row: ObservedRow, table: str) -> bool:
    """Whether two grid rows' labels joined name a canonical row better than either alone."""
    if not (prev.exact and row.exact and prev.label and row.label):
        return False
    joined = _best_label(prev.label + row.label, table)
    return joined > max(_best_label(prev.label, table), _best_label(row.label, table))


def join_wrapped(rows: list[ObservedRow], table: str) -> list[ObservedRow]:
    """Rows that print one wrapped label, joined: a grid row with a label and no values
    (only blanks, or no cells: a label fragment) beside a labelled row with values, when
    the two labels joined name a canonical row better than either alone.  First with the
    row after it: the label's first line ("一、本年新收政府信息" / "公开申请数量  61 …":
    space-aligned text puts a tall cell's values on its middle line); then, for what is
    left, with the row before it: the label's rest, carried to the next page when a page
    break cut the cell.  A blank row of its own ("行政处罚", then "行政强制") names its
    row fully and stays."""
    out: list[ObservedRow] = []
    for row in rows:
        prev = out[-1] if out else None
        if prev is not None and not prev.numeric and row.numeric and _joins(prev, row, table):
            out[-1] = ObservedRow(label=prev.label + row.label, key=row.key, tokens=row.tokens, exact=True)
        else:
            out.append(row)
    rows, out = out, []
    for row in rows:
        prev = out[-1] if out else None
        if prev is not None and prev.numeric and not row.numeric and _joins(prev, row, table):
            out[-1] = ObservedRow(label=prev.label + row.label, key=prev.key, tokens=prev.tokens, exact=True)
        else:
            out.append(row)
    return out


@patterns.cached
def _column_forms(table: str) -> dict[str, list[str]]:
    """The table's column labels (labels.toml `column_labels`), normalised: {column: forms}."""
    labels = tables()[table].extra.get("column_labels", {})
    return {col: [normalise(x) for x in texts] for col, texts in labels.items()}


def _has_value(item: RowItem) -> bool:
    return any(c.text.strip() and looks_like_value(c.text) for c in item.cells)


@dataclass(frozen=True)
class ColumnMap:
    """Grid column → the table's column, from the header; `headed`: every grid column
    the header names, the table's or not (a 小计)."""

    columns: dict[int, str]
    headed: frozenset[int]


def column_map(region: list[Item], table: str) -> ColumnMap | None:
    """The header rows' column map, above the region's first row of values, when the
    table's `column_labels` (labels.toml) name each of its columns in exactly one header
    column and the header prints them otherwise than in the table's order, or beside
    columns of its own (a 小计 of 法人或其他组织).  None: the values go by their order, as
    printed.

    A column is named by its lowest header text (the headers above it name its group:
    其他 is under 法人或其他组织); a text names a column when it starts with one of its
    labels ("总计（件）")."""
    names = _column_forms(table)
    if not names:
        return None
    header: list[RowItem] = []
    first: RowItem | None = None
    for item in region:
        if isinstance(item, RowItem):
            if _has_value(item):
                first = item
                break
            header.append(item)
    if first is None or not header:
        return None
    found: dict[int, str] = {}
    extra = set()  # columns of the report's own: headed, and holding the first row's value
    for token in from_grid(first).tokens:
        j = token.col
        lowest = next((r.cells[j].text for r in reversed(header) if j < len(r.cells) and r.cells[j].text.strip()), "")
        named = [col for col, forms in names.items() if lowest and any(normalise(lowest).startswith(f) for f in forms)]
        if len(named) == 1:
            found[j] = named[0]
        elif lowest and token.text:
            extra.add(j)
    columns = tables()[table].columns
    named = list(found.values())
    missing = set(columns) - set(named)
    if len(set(named)) != len(named) or len(missing) > 1 or missing and extra:
        # a column named twice, or unnamed ones beside columns of its own: not understood
        # (a table without one of its columns is, when every column it prints is named)
        return None
    if named == list(columns) and not extra:
        return None  # printed as the table has them: positions say the same
    return ColumnMap(found, frozenset(found) | frozenset(extra))


def _by_header(row: ObservedRow, header: ColumnMap, columns: tuple[str, ...]) -> ObservedRow:
    """A grid row's values in the table's column order, by the header's column map; a
    column the table does not have (a 小计) is left out, one the header lacks is not printed.  A
    row with a value where the header names no column (a ragged line of tab-separated
    text, shifted by a missing tab) does not stand under the header: kept as printed."""
    if not row.exact or any(t.text and t.col not in header.headed for t in row.tokens):
        return row
    at = {header.columns[t.col]: t for t in row.tokens if t.col in header.columns}
    tokens = [at.get(col) or Token(NOT_PRINTED, Origin()) for col in columns]
    return ObservedRow(label=row.label, key=row.key, tokens=tokens, exact=True)


def _column_named(text: str, forms: dict[str, list[str]]) -> str | None:
    """The table's column a label names ("总计（件）", "法人或其他组织-商业企业"): by its
    start or its end, when exactly one column does."""
    norm = normalise(text)
    named = [col for col, fs in forms.items() if norm and any(norm.startswith(f) or norm.endswith(f) for f in fs)]
    return named[0] if len(named) == 1 else None


def untransposed(region: list[Item], table: str) -> list[Item]:
    """A table printed turned, its rows as columns (the applicant types down the side,
    the outcomes across the top), turned back: a grid row whose cells name three or more
    of the table's rows, over grid rows each named by one of the table's columns (every
    column once).  Else the region as it is."""
    spec = tables()[table]
    forms = _column_forms(table)
    if not forms:
        return region
    # the header of a turned table is among its first grid rows (a title row, a unit row)
    heads = [(h, item) for h, item in enumerate(region) if isinstance(item, RowItem)][: current().turned_head_rows]
    for h, head in heads:
        named = sum(
            1 for c in head.cells[1:] if not c.merged and any(k for _, _, k in _anchors(halfwidth(c.text), table))
        )
        if named < 3:
            continue
        body: list[RowItem] = []
        for item in region[h + 1 :]:
            if not isinstance(item, RowItem) or not item.cells:
                break
            body.append(item)
        cols = [_column_named(r.cells[0].text, forms) for r in body]
        if None in cols or sorted(c for c in cols if c) != sorted(spec.columns):
            return region
        order = [body[cols.index(col)] for col in spec.columns]
        turned: list[Item] = [
            RowItem([head.cells[j], *(r.cells[j] if j < len(r.cells) else Cell("", Origin()) for r in order)])
            for j in range(1, len(head.cells))
            if not head.cells[j].merged
        ]
        return [*region[:h], *turned, *region[h + 1 + len(body) :]]
    return region


def observe(region: list[Item], table: str) -> list[ObservedRow]:
    """Every row the region printed, labelled or not, in order; rows without values
    (headers, label fragments) are dropped.  Grid rows under a header that prints the
    table's columns in another order, or beside others, are put in the table's order; a
    table printed turned is turned back first."""
    region = untransposed(region, table)
    header = column_map(region, table)
    if header is not None:
        columns = tables()[table].columns
        return [_by_header(r, header, columns) for r in _observe(region, table)]
    return _observe(region, table)


def _observe(region: list[Item], table: str) -> list[ObservedRow]:
    rows: list[ObservedRow] = []
    cursor = _Cursor()
    for item in region:
        if isinstance(item, RowItem):
            cursor.row = None
            rows.append(from_grid(item))
        else:
            from_text(item, table, cursor, rows)
    # (a free-text row of blank marks only is kept where a label or an anchor names it:
    # "3.要求提供公开出版物 — — —", "行政许可 —")
    return [r for r in join_wrapped(rows, table) if r.tokens and (r.numeric or r.exact or r.key or r.label.strip())]
