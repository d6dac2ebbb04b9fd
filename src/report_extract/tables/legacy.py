"""The statistics table of reports before 2019 (政府信息公开情况统计表 / 附表) as a table:
one row per indicator, with its unit and the columns `this_year` and `cumulative` (历年累计),
emitted as cells of table `legacy` with the line or page they were printed on.

Rows are read as printed: values separated by whitespace, tabs, lines or table cells are
separate cells, never cut inside a number.  Only digits a crawler ran together
("主动公开信息数条4251516") are split, with the column count, cumulative ≥ this year, the
sums of the 其中 rows and the prose's statement of the same figure; a row left with more
than one split keeps the most plausible one (split.plausibility) and is marked ambiguous.
Labels, units and header words are data in patterns/legacy.toml.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from report_extract.contract.labels import halfwidth
from report_extract.contract.values import Number
from report_extract.model.document import Document, Origin, TableBlock, TextBlock
from report_extract.model.result import CellValue, CheckResult
from report_extract.patterns import load_toml
from report_extract.settings import current
from report_extract.tables.split import plausibility, splits

TABLE = "legacy"
THIS_YEAR, CUMULATIVE = "this_year", "cumulative"
MONEY_UNITS = ("元", "万元")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def patterns() -> dict:
    return load_toml("legacy.toml")


@dataclass
class Row:
    """One printed row: label (without numbering), unit, value chunks as printed."""

    name: str  # as printed, numbering included
    label: str
    key: str
    unit: str
    chunks: list[str]  # whitespace-separated runs, or table cells ("" = blank cell)
    printed: str
    origin: Origin
    child: bool
    separate: bool  # the cells are known (whitespace, tabs, a table grid): never split
    options: list[tuple[Number | None, ...]] = field(default_factory=list)
    ambiguous: bool = False


@dataclass
class Table:
    cols: list[str]
    rows: list[Row]
    warnings: list[str] = field(default_factory=list)

    def cells(self) -> list[CellValue]:
        out: list[CellValue] = []
        seen: set[tuple[str, str]] = set()
        for row in self.rows:
            if not row.key or not row.options:
                continue
            values = row.options[0]
            raws = _raws(row, values)
            for col, value, raw in zip(self.cols, values, raws):
                if (row.key, col) in seen or raw is None:
                    continue  # a key printed twice: the first row wins
                seen.add((row.key, col))
                o = row.origin
                out.append(
                    CellValue(
                        TABLE,
                        row.key,
                        col,
                        value,
                        raw=raw,
                        unit=row.unit,
                        page=o.page,
                        line=o.line,
                        bbox=o.bbox,
                        confidence=o.confidence,
                        ambiguous=row.ambiguous,
                    )
                )
        return out


def _raws(row: Row, values: tuple[Number | None, ...]) -> list[str | None]:
    """The printed text of each value: its own chunk, or the number's digits for a run
    split apart; None for a column the row did not print at all."""
    if row.separate:
        raws: list[str | None] = list(row.chunks)
        return raws + [None] * (len(values) - len(raws))
    return ["" if v is None else _text(v) for v in values]


def _text(v: Number) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _number(text: str) -> Number:
    return float(text) if "." in text else int(text)


def _columns(header: str, p: dict) -> list[str]:
    found = [(m.start(), THIS_YEAR) for m in re.finditer(p["header_this_year"], header)]
    found += [(m.start(), CUMULATIVE) for m in re.finditer(p["header_cumulative"], header)]
    cols = list(dict.fromkeys(c for _, c in sorted(found)))
    return cols or [THIS_YEAR]


def _label(name: str, p: dict) -> str:
    return re.sub(p["label_prefix"], "", name).strip()


def key_of(label: str, p: dict | None = None) -> str:
    p = p or patterns()
    return next((key for pattern, key in p["keys"].items() if re.search(pattern, label)), "")


# ---- finding the table and its rows ---------------------------------------------------


@dataclass
class _Piece:
    text: str
    origin: Origin
    start: int  # offset in the stream


def _stream(doc: Document, p: dict) -> tuple[str, list[_Piece]]:
    """The text blocks from the table's start on, one line each (a line break is a cell
    boundary), with where each was printed."""
    blocks = [b for b in doc.blocks if isinstance(b, TextBlock)]
    texts = [halfwidth(b.text) for b in blocks]
    for pattern in p["start"]:
        hits = [(i, m.start()) for i, t in enumerate(texts) for m in re.finditer(pattern, t)]
        if hits:
            first, at = hits[-1]
            break
    else:
        return "", []
    pieces: list[_Piece] = []
    pos = 0
    for i in range(first, len(blocks)):
        text = texts[i][at:] if i == first else texts[i]
        pieces.append(_Piece(text, blocks[i].origin, pos))
        pos += len(text) + 1
    return "\n".join(pc.text for pc in pieces), pieces


def _origin_at(pieces: list[_Piece], offset: int) -> Origin:
    return next((pc.origin for pc in reversed(pieces) if pc.start <= offset), Origin())


def _row_regex(p: dict) -> re.Pattern[str]:
    units = "|".join(p["units"])
    # A unit counts only where a value, a blank or the line's end follows it
    # ("主动公开文件数条…": the 件 of 文件 is no unit).
    return re.compile(
        r"(?P<name>(?:其中\s*[：:]?\s*)?(?:[(（][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}\s*、|\d{1,2}\s*[.、．])?"
        r"\s*[\u4e00-\u9fff][\u4e00-\u9fff、，,（）()“”/]*?)\s*"
        rf"(?P<unit>{units})(?=[\s\d]|$)"
        r"(?P<values>(?:[ \t\n]*\d+(?:\.\d+)?)*)"
    )


_NEXT_NUMBERING = re.compile(r"\s*[.、．]\s*[\u4e00-\u9fff]")


def _strip_numbering(values: str, after: str, expected: list[int]) -> str:
    """Drop the next row's item number from the end of the values ("…121062.政府公报"):
    a separate token, or the expected number (the last item's + 1, or 1) run on."""
    if not _NEXT_NUMBERING.match(after):
        return values
    tokens = values.split()
    if len(tokens) > 1 and re.search(r"\s\d{1,2}$", values):
        return values[: values.rstrip().rfind(tokens[-1])].rstrip()
    for n in expected:
        if values.endswith(str(n)) and len(values) > len(str(n)):
            return values[: -len(str(n))]
    return values


def _text_rows(stream: str, pieces: list[_Piece], p: dict) -> tuple[list[str], list[Row]]:
    """Rows of the text after the header; the columns named by the header."""
    rx = _row_regex(p)
    first = rx.search(stream, _header_end(stream, p))
    if not first:
        return [], []
    cols = _columns(stream[: first.start()], p)
    rows: list[Row] = []
    pos = first.start()
    item = 0
    spaced: list[bool] = []
    while (m := rx.search(stream, pos)) is not None:
        if stream[pos : m.start()].strip() and rows:
            # a sentence (a signature, a note) ends the table; a heading (一、主动公开情况) does not
            if re.search(r"[。；]|[\u4e00-\u9fff]{16,}", stream[pos : m.start()]):
                break
        name = re.sub(r"\s+", "", m["name"])
        number = re.match(r"(?:其中[：:]?)?(\d{1,2})[.、．]", name)
        item = int(number[1]) if number else 0
        values = _strip_numbering(m["values"], stream[m.end() :], [item + 1, 1])
        end = m.start("values") + len(values)
        chunks = values.split()
        # whitespace before the values marks a cell boundary only in a table whose rows
        # print their cells apart; in a crawler dump it is the collapsed line break
        spaced.append(bool(re.match(r"\s", values)))
        label = _label(name, p)
        rows.append(
            Row(
                name,
                label,
                key_of(label, p),
                m["unit"],
                chunks,
                re.sub(r"\s+", " ", stream[m.start() : end]).strip(),
                _origin_at(pieces, m.start()),
                bool(re.search(p["child"], name)),
                len(chunks) > 1,
            )
        )
        pos = end
    if any(row.separate for row in rows):
        for row, lead in zip(rows, spaced):
            row.separate = row.separate or lead
    return cols, rows


def _header_end(stream: str, p: dict) -> int:
    words = f"{p['header_this_year']}|{p['header_cumulative']}"
    first_unit_row = _row_regex(p).search(stream)
    limit = first_unit_row.start("values") if first_unit_row else len(stream)
    ends = [m.end() for m in re.finditer(words, stream[:limit])]
    return max(ends, default=0)


def _grid_rows(block: TableBlock, p: dict) -> tuple[list[str], list[Row]]:
    """Rows of a table grid (HTML, DOCX, PDF, tab-separated text): label cells, a unit
    cell, value cells; a blank value cell is a printed blank (null)."""
    units = set(p["units"])
    cols: list[str] = []
    rows: list[Row] = []
    for grid_row in block.rows:
        texts = [halfwidth(c.text).strip() for c in grid_row]
        u = next((i for i, t in enumerate(texts) if i and t in units), None)
        if u is None:
            if not cols and any(re.search(p["header_cumulative"] + "|" + p["header_this_year"], t) for t in texts):
                cols = _columns("\t".join(texts), p)
            continue
        labels = list(dict.fromkeys(t for t in texts[:u] if t))
        name = re.sub(r"\s+", "", "".join(labels))
        values = [t for t in texts[u + 1 :]]
        if not any(values):
            continue
        label = _label(name, p)
        o = next((c.origin for c in grid_row[u + 1 :] if c.text.strip()), grid_row[0].origin)
        rows.append(
            Row(
                name,
                label,
                key_of(label, p),
                texts[u],
                values,
                "\t".join(texts),
                o,
                bool(re.search(p["child"], name)),
                True,
            )
        )
    return cols, rows


# ---- values ----------------------------------------------------------------------------


def _options(row: Row, cols: list[str]) -> list[tuple[Number | None, ...]]:
    """Every reading of the row's values: one for separate cells, every split of a run."""
    n = len(cols)
    if row.separate or len(row.chunks) != 1 or n == 1:
        vals: list[Number | None] = []
        for chunk in row.chunks[:n]:
            m = _NUMBER.fullmatch(chunk.replace(",", ""))
            vals.append(_number(m.group(0)) if m else None)
        return [tuple(vals)]
    kind = "wan_yuan" if row.unit in MONEY_UNITS else "count"
    found: list[tuple[Number | None, ...]] = [
        tuple(_number(x) for x in parts) for parts in splits(row.chunks, [kind] * n)
    ]
    ordered = [o for o in found if _cumulative_ok(o, cols)]
    return ordered or found


def _cumulative_ok(values: tuple[Number | None, ...], cols: list[str]) -> bool:
    by = dict(zip(cols, values))
    this, cum = by.get(THIS_YEAR), by.get(CUMULATIVE)
    return this is None or cum is None or cum >= this


def _groups(rows: list[Row]) -> list[list[Row]]:
    groups: list[list[Row]] = []
    for row in rows:
        if row.child and groups:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def _narrow_by_sums(group: list[Row], n: int) -> None:
    """Keep the splits under which most columns of the parent equal its 其中 rows' sum."""
    if len(group) < 2 or all(len(r.options) <= 1 for r in group):
        return
    sizes = [len(r.options) for r in group]
    total = 1
    for s in sizes:
        total *= s
    if total > current().legacy_max_combinations or 0 in sizes:
        return

    def score(combo: tuple) -> int:
        parent, *children = combo
        return sum(
            1
            for i in range(min(n, len(parent)))
            if parent[i] is not None and parent[i] == sum((c[i] or 0) for c in children if len(c) > i)
        )

    combos = list(itertools.product(*(r.options for r in group)))
    best = max(score(c) for c in combos)
    if best == 0:
        return
    kept = [c for c in combos if score(c) == best]
    for i, row in enumerate(group):
        row.options = list(dict.fromkeys(c[i] for c in kept))


def _narrow_by_prose(row: Row, cols: list[str], stated: dict[tuple[str, str], set[Number]]) -> None:
    if len(row.options) < 2:
        return
    hits = [
        o for o in row.options if any(v is not None and v in stated.get((row.key, c), set()) for c, v in zip(cols, o))
    ]
    row.options = hits or row.options


def _settle(rows: list[Row], cols: list[str], stated: dict[tuple[str, str], set[Number]], warnings: list[str]) -> None:
    for row in rows:
        row.options = _options(row, cols)
    # the prose first (a printed figure beats a coincidental sum: 1 = 1 + 0), then the sums
    for row in rows:
        _narrow_by_prose(row, cols, stated)
    for group in _groups(rows):
        _narrow_by_sums(group, len(cols))
    cumulative_last = cols[-1] == CUMULATIVE
    for row in rows:
        if not row.options:
            warnings.append(f"legacy: cannot read the values of {row.printed!r}; left out")
        elif len(row.options) > 1:
            row.ambiguous = True
            row.options.sort(key=lambda o: plausibility([_text(v) for v in o if v is not None], cumulative_last))
            warnings.append(
                f"legacy: run-together cells of {row.printed!r} split more than one way; "
                f"kept {' / '.join(_text(v) for v in row.options[0] if v is not None)}"
            )
        elif row.separate and row.key and 0 < len(row.chunks) < len(cols):
            row.ambiguous = True  # which column a lone value belongs to, the row does not say
            warnings.append(
                f"legacy: {row.printed!r} prints {len(row.chunks)} of {len(cols)} values; read in printed order"
            )
        if not row.key:
            warnings.append(f"legacy: no key for the indicator {row.label!r} ({row.unit})")


def read_table(doc: Document, stated: dict[tuple[str, str], set[Number]] | None = None) -> Table | None:
    """The document's legacy statistics table, or None when it prints none.

    `stated`: figures the prose states, {(key, col): {values}}, to settle run-together digits.
    """
    p = patterns()
    stated = stated or {}
    cols: list[str] = []
    rows: list[Row] = []
    # A grid broken by lines without cells (tab-separated text with its headings
    # "一、主动公开情况" on lines of their own) is one table in several blocks.
    for block in doc.blocks:
        if isinstance(block, TableBlock):
            c, r = _grid_rows(block, p)
            if c and not cols:
                cols = c
            if any(row.key for row in r):
                rows += r
    cols = cols or [THIS_YEAR]
    if not rows:
        stream, pieces = _stream(doc, p)
        if stream:
            cols, rows = _text_rows(stream, pieces, p)
    if not any(row.key for row in rows):
        return None
    table = Table(cols, rows)
    _settle(rows, cols, stated, table.warnings)
    return table


# ---- checks ------------------------------------------------------------------------------


def checks(
    cells: Iterable[CellValue], stated: dict[tuple[str, str], tuple[Number, str]] | None = None
) -> list[CheckResult]:
    """The table's own arithmetic and its agreement with the prose.

    legacy.proactive / .channels / .replies: a total against the sum of its parts (the
    checks of patterns/legacy.toml; `soft` ones say so in their note); legacy.replies_requests:
    replies ≤ requests received (soft: a reply may answer last year's request);
    legacy.cumulative: 历年累计 ≥ this year; text.legacy: a figure the prose states for a
    row against the table.
    """
    values = {(c.row, c.col): c.value for c in cells if c.table == TABLE}
    cols = sorted({col for _, col in values}, key=[THIS_YEAR, CUMULATIVE].index)
    out: list[CheckResult] = []
    for rule in patterns()["checks"]:
        for col in cols:
            total = values.get((rule["total"], col))
            parts = [values[(k, col)] for k in rule["parts"] if (k, col) in values]
            if total is None or not parts or all(v is None for v in parts):
                continue
            right = sum(v or 0 for v in parts)
            note = "soft: provinces break this total down differently" if rule["soft"] else ""
            out.append(CheckResult(rule["name"], col, total, right, abs(total - right) < 1e-6, note))
    for col in cols:
        replies, received = values.get(("replies_total", col)), values.get(("requests_received", col))
        if replies is not None and received is not None:
            out.append(
                CheckResult(
                    "legacy.replies_requests",
                    col,
                    replies,
                    received,
                    replies <= received,
                    "soft: a reply may answer a request of an earlier year",
                )
            )
    for (row, col), value in values.items():
        cum = values.get((row, CUMULATIVE))
        if col == THIS_YEAR and value is not None and cum is not None:
            out.append(CheckResult("legacy.cumulative", row, value, cum, cum >= value))
    for (row, col), (stated_value, sentence) in (stated or {}).items():
        value = values.get((row, col))
        if value is not None:
            out.append(
                CheckResult(
                    "text.legacy", f"{row}.{col}", stated_value, value, abs(stated_value - value) < 1e-6, note=sentence
                )
            )
    return out
