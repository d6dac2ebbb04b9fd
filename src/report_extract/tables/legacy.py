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
    separate: bool  # the cells are known (whitespace, tabs, a table grid): never split
    options: list[tuple[Number | None, ...]] = field(default_factory=list)
    ambiguous: bool = False
    parent: int | None = None  # index of the row this one is a 其中 row of (_nest)
    alone: bool = False  # a part named alone (其中：主动公开规范性文件数) before a breakdown of its total


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
    return re.sub(p["label_prefix"], "", re.sub(p["glued_heading"], "", name)).strip()


def row_keys(p: dict | None = None) -> list[str]:
    """Every row key the table's patterns give, in their order."""
    p = p or patterns()
    under = [key for keys in p["keys_under"].values() for key in keys.values()]
    return list(dict.fromkeys([*p["keys"].values(), *under]))


def key_of(label: str, p: dict | None = None) -> str:
    p = p or patterns()
    return next((key for pattern, key in p["keys"].items() if re.search(pattern, label)), "")


# ---- finding the table and its rows ---------------------------------------------------


@dataclass
class _Piece:
    text: str
    origin: Origin
    start: int  # offset in the stream


def _lines(doc: Document) -> list[tuple[str, Origin]]:
    """The document's text as lines with where each was printed: a text block each, and a
    grid's rows, cells set apart by spaces.  A table printed as text may come as both:
    a reader took the lines whose columns happened to align for a grid (a statistics
    table separated by runs of spaces), and the rows between them for paragraphs."""
    out: list[tuple[str, Origin]] = []
    for b in doc.blocks:
        if isinstance(b, TextBlock):
            out.append((b.text, b.origin))
        else:
            out.extend(("   ".join(c.text for c in row), row[0].origin if row else b.origin) for row in b.rows)
    return out


def _stream(doc: Document, p: dict) -> tuple[str, list[_Piece]]:
    """The document's lines (_lines) from the table's start on, one line each (a line
    break is a cell boundary), with where each was printed."""
    lines = _lines(doc)
    texts = [halfwidth(text) for text, _ in lines]
    for pattern in p["start"]:
        hits = [(i, m.start()) for i, t in enumerate(texts) for m in re.finditer(pattern, t)]
        if hits:
            first, at = hits[-1]
            break
    else:
        return "", []
    pieces: list[_Piece] = []
    pos = 0
    for i in range(first, len(lines)):
        text = texts[i][at:] if i == first else texts[i]
        pieces.append(_Piece(text, lines[i][1], pos))
        pos += len(text) + 1
    return "\n".join(pc.text for pc in pieces), pieces


def _origin_at(pieces: list[_Piece], offset: int) -> Origin:
    return next((pc.origin for pc in reversed(pieces) if pc.start <= offset), Origin())


def _row_regex(p: dict, bare: bool = False) -> re.Pattern[str]:
    """A row: its name, its unit, its values.  `bare`: a table printing no 计量单位 —
    the values follow the name directly ("主动公开信息数 425 1516")."""
    units = "|".join(p["units"])
    # A unit counts only where a value, a blank or the line's end follows it
    # ("主动公开文件数条…": the 件 of 文件 is no unit).
    unit = "(?P<unit>)" if bare else rf"(?P<unit>{units})(?=[\s\d]|$)"
    values = r"(?:[ \t\n]*\d+(?:\.\d+)?)" + ("+" if bare else "*")
    # A bracketed note inside the name may hold digits and a unit of its own: the 2015
    # form's "主动公开政府信息数（不同渠道和方式公开相同信息计1条）" is one name.
    return re.compile(
        r"(?P<name>(?:其中\s*[：:]?\s*)?(?:[(（][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}\s*、|\d{1,2}\s*[.、．])?"
        r"\s*[\u4e00-\u9fff](?:[\u4e00-\u9fff、，,“”《》/]|[(（][^()（）\n]{0,60}?[)）])*?)\s*"
        rf"{unit}(?P<values>{values})"
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


def _text_table(stream: str, pieces: list[_Piece], p: dict) -> tuple[list[str], list[Row]]:
    """Rows of the text after the header, with a unit or without (the reading giving more
    known indicators; a table with units read as bare leaves its rows nameless)."""
    with_units = _text_rows(stream, pieces, p, bare=False)
    bare = _text_rows(stream, pieces, p, bare=True)
    keyed = [sum(1 for row in rows if row.key) for _, rows in (with_units, bare)]
    return bare if keyed[1] > keyed[0] else with_units


def _text_rows(stream: str, pieces: list[_Piece], p: dict, bare: bool) -> tuple[list[str], list[Row]]:
    """Rows of the text after the header; the columns named by the header."""
    rx = _row_regex(p, bare)
    first = rx.search(stream, _header_end(stream, rx, p))
    if not first:
        return [], []
    cols = _columns(stream[: first.start()], p)
    rows: list[Row] = []
    pos = first.start()
    item = 0
    spaced: list[bool] = []
    while (m := rx.search(stream, pos)) is not None:
        gap = stream[pos : m.start()]
        if gap.strip() and rows and not _headings(gap):
            # a sentence (a signature, a note) ends the table; a heading (一、主动公开情况) does not
            if re.search(r"[。；]|[\u4e00-\u9fff]{16,}", gap):
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
                len(chunks) > 1,
            )
        )
        pos = end
    if any(row.separate for row in rows):
        for row, lead in zip(rows, spaced):
            row.separate = row.separate or lead
    if bare:
        # without units any name before digits is a row: the signature and date after
        # the table ("…办公室 2013年1月16日") are rows no indicator names
        while rows and not rows[-1].key:
            rows.pop()
    return cols, rows


_HEADING = re.compile(r"\s*(?:[（(][一二三四五六七八九十]{1,2}[)）]|[一二三四五六七八九十]{1,2}\s*、)[^。；\n]*")


def _headings(gap: str) -> bool:
    """The text between two rows is numbered headings only, each on its line: the 2015
    form's long ones included ("（二）通过不同渠道和方式公开政府信息的情况")."""
    lines = [line for line in gap.splitlines() if line.strip()]
    return bool(lines) and all(_HEADING.fullmatch(line) for line in lines)


def _header_end(stream: str, rx: re.Pattern[str], p: dict) -> int:
    """Where the header ends: after the last column word ("2013年度", "历年累计") before
    the first row naming a known indicator (a bare header's "指标名称 2013" reads as a row),
    or after the run of header words the table opens with ("指 标 名 称单位数量主动…":
    the first row's name starts after 数量)."""
    columns = f"{p['header_this_year']}|{p['header_cumulative']}"
    first_known = next((m for m in rx.finditer(stream) if key_of(_label(re.sub(r"\s+", "", m["name"]), p), p)), None)
    limit = first_known.start() if first_known else len(stream)
    ends = [m.end() for m in re.finditer(columns, stream[:limit])]
    words = re.compile(rf"\s*(?:{p['header_words']}|{columns})")
    run, at = words.match(stream), 0
    while run and run.end() <= limit:
        at = run.end()
        run = words.match(stream, at)
    return max(ends + [at])


def _grid_rows(block: TableBlock, p: dict) -> tuple[list[str], list[Row]]:
    """Rows of a table grid (HTML, DOCX, PDF, tab-separated text): label cells, a unit
    cell (or none: the grid prints no 计量单位), value cells; a blank value cell is a
    printed blank (null)."""
    units = set(p["units"])
    header = p["header_cumulative"] + "|" + p["header_this_year"]
    cols: list[str] = []
    rows: list[Row] = []
    for grid_row in block.rows:
        texts = [halfwidth(c.text).strip() for c in grid_row]
        # the label (and unit) cells end with the last cell that is no number or blank
        last = max((i for i, t in enumerate(texts) if t and not _NUMBER.fullmatch(t.replace(",", ""))), default=None)
        values = texts[last + 1 :] if last is not None else []
        if last is None or not any(values):
            if not cols and any(re.search(header, t) for t in texts):
                cols = _columns("\t".join(texts), p)
            continue
        unit = texts[last] if last and texts[last] in units else ""
        if not unit and not cols:
            continue  # without a unit cell, only a grid whose header names its columns
        labels = list(dict.fromkeys(t for t in texts[: last if unit else last + 1] if t))
        name = re.sub(r"\s+", "", "".join(labels))
        label = _label(name, p)
        o = next((c.origin for c in grid_row[last + 1 :] if c.text.strip()), grid_row[0].origin)
        rows.append(Row(name, label, key_of(label, p), unit, values, "\t".join(texts), o, True))
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


def _nest(rows: list[Row], p: dict) -> None:
    """Which row each 其中 row breaks down, and the keys that depend on it.

    "其中" opens a level under the row before; a numbered row continues the level whose
    last item is one less (其中：1.在办 2.办结 其中：1.同意提供 2.拒绝提供 其中：1.信息不存在 …),
    or opens one under a total printed without 其中; a row neither numbered nor 其中 is a
    total again.  A label that means different things under different totals ("其他")
    takes its key from patterns/legacy.toml's [keys_under.PARENT]."""
    levels: list[list] = [[None, 0]]  # [parent index, last item number], top level first
    total: int | None = None  # the last total whose label variants ([keys_under]) may follow it
    for i, row in enumerate(rows):
        m = re.match(p["item_number"], row.name)
        number = int(m[1] or m[2]) if m and (m[1] or m[2]) else None
        if row.name.startswith("其中") and i:
            before = rows[i - 1]
            if _lone_part(before, p) and len(levels) > 1:
                # 其中：主动公开规范性文件数 / 其中：1.网站公开…: a second breakdown of the same total
                before.alone = True
                levels[-1] = [levels[-1][0], number or 0]
            else:
                levels.append([i - 1, number or 0])
        elif number is not None and i:
            if len(levels) == 1:
                levels.append([i - 1, number])
            elif number == 1 and levels[-1][1] == 0 and _lone_part(rows[i - 1], p):
                rows[i - 1].alone = True  # 其中：主动公开规范性文件数 / 1.网站公开 …
            while len(levels) > 2 and levels[-1][1] != number - 1:
                levels.pop()
            levels[-1][1] = number
        elif (at := _continues(row, rows, [levels[-1][0], total], p)) is not None:
            # unnumbered, yet a label of the breakdown open before it: 其中：涉及国家秘密 /
            # 涉及商业秘密 / … under 不同意公开; （一）维持… /（二）被依法纠错数 after 四、行政复议数量
            if levels[-1][0] != at:
                levels = [[None, 0], [at, 0]]
        else:
            levels = [[None, 0]]
            total = i if row.key in p["keys_under"] else None
        row.parent = levels[-1][0]
        if row.parent is not None:
            under = p["keys_under"].get(rows[row.parent].key, {})
            row.key = next((key for pattern, key in under.items() if re.search(pattern, row.label)), row.key)


def _lone_part(row: Row, p: dict) -> bool:
    """An unnumbered 其中 row: one part of its total, or the first of a breakdown."""
    return row.name.startswith("其中") and not re.match(p["item_number"], row.name)


def _continues(row: Row, rows: list[Row], parents: list[int | None], p: dict) -> int | None:
    """The first of `parents` whose [keys_under] table names `row`'s label, or None."""
    for at in parents:
        under = p["keys_under"].get(rows[at].key) if at is not None else None
        if under and any(re.search(pattern, row.label) for pattern in under):
            return at
    return None


def _groups(rows: list[Row]) -> list[list[Row]]:
    """Each row with 其中 rows, followed by them: the sums to check."""
    children: dict[int, list[Row]] = {}
    for row in rows:
        if row.parent is not None and not row.alone:
            children.setdefault(row.parent, []).append(row)
    return [[rows[i], *kids] for i, kids in children.items()]


def _narrow_by_sums(group: list[Row], n: int) -> None:
    """Keep the splits under which most columns of the parent equal its 其中 rows' sum.

    A depth-first search over the rows' splits that drops a branch once the parts exceed
    the total in a column it must match (values are never negative), so long groups of
    long runs (seven channels of five-digit counts) are settled too; past the `legacy_max_steps` setting the
    group says too little and is left to plausibility."""
    if len(group) < 2 or all(len(r.options) <= 1 for r in group) or any(not r.options for r in group):
        return
    parents, children = group[0].options, [r.options for r in group[1:]]
    for size in range(n, 0, -1):  # every column matching first, then fewer
        kept: list[set] = [set() for _ in group]
        for cols in itertools.combinations(range(n), size):
            found = _sum_combos(parents, children, cols)
            if found is None:
                return  # too many to search: the sums decide nothing here
            for combo in found:
                for i, option in enumerate(combo):
                    kept[i].add(option)
        if kept[0]:
            for row, options in zip(group, kept):
                row.options = [o for o in row.options if o in options]
            return


def _sum_combos(parents: list[tuple], children: list[list[tuple]], cols: tuple[int, ...]) -> list[tuple] | None:
    """Every choice of one split per row (parent first) whose children sum to the parent
    in `cols`; None past `legacy_max_steps` branches."""
    found: list[tuple] = []
    steps = 0

    def part(option: tuple, c: int) -> Number:
        return (option[c] or 0) if len(option) > c else 0

    def walk(parent: tuple, i: int, acc: list[Number], chosen: list[tuple]) -> bool:
        nonlocal steps
        steps += 1
        if steps > current().legacy_max_steps:
            return False
        if i == len(children):
            if all(abs(a - parent[c]) < 1e-6 for a, c in zip(acc, cols)):
                found.append((parent, *chosen))
            return True
        for option in children[i]:
            nxt = [a + part(option, c) for a, c in zip(acc, cols)]
            if any(v > parent[c] + 1e-6 for v, c in zip(nxt, cols)):
                continue  # the parts already exceed the total
            if not walk(parent, i + 1, nxt, chosen + [option]):
                return False
        return True

    for parent in parents:
        if all(len(parent) > c and parent[c] is not None for c in cols):
            if not walk(parent, 0, [0] * len(cols), []):
                return None
    return found


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
            cols, rows = _text_table(stream, pieces, p)
    _nest(rows, p)
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
    checks of patterns/legacy.toml): hard when the table prints the row completing the
    breakdown, soft otherwise; legacy.cumulative (hard): 历年累计 ≥ this year, which
    holds by definition; legacy.replies_requests (soft): replies ≤ requests received, but a
    reply may answer last year's request; text.legacy (soft): a figure the prose states
    for a row against the table, which may count another scope.
    """
    values = {(c.row, c.col): c.value for c in cells if c.table == TABLE}
    cols = sorted({col for _, col in values}, key=[THIS_YEAR, CUMULATIVE].index)
    out: list[CheckResult] = []
    printed = {row for row, _ in values}
    for rule in patterns()["checks"]:
        if rule.get("only_with") and not printed & set(rule["only_with"]):
            continue  # the check of another form than the one printed
        complete = any(key in printed for key in rule["complete_with"])
        for col in cols:
            total = values.get((rule["total"], col))
            parts = [values[(k, col)] for k in rule["parts"] if (k, col) in values]
            if total is None or not parts or all(v is None for v in parts):
                continue
            right = sum(v or 0 for v in parts)
            note = "" if complete else "soft: the 其中 rows need not cover the total (no catch-all 其它 row)"
            out.append(
                CheckResult(
                    rule["name"],
                    col,
                    total,
                    right,
                    abs(total - right) < 1e-6,
                    note,
                    severity="hard" if complete else "soft",
                )
            )
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
