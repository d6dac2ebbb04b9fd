"""Facts of free-form (pre-2019) reports: the numbers their prose states and the rows of
their statistics table (政府信息公开情况统计表 / 附表), each with unit, period and source.

Every pattern is in patterns/facts.toml.  A value is the number the report printed; a
table cell run together with its neighbours ("条206912106") is split only where the
row sums or the prose settle the split, never guessed.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Optional

from .model import Document
from .patterns import load_toml
from .split import splits
from .values import Number

NUMBER = r"\d{1,3}(?:,\d{3})+|\d+"
THIS_YEAR, CUMULATIVE = "this_year", "cumulative"


@dataclass
class Fact:
    key: str  # stable panel key; "" for a table indicator with no known key (see label)
    value: Number
    unit: str  # 条 / 件 / 人次 / 元 / 万元 …
    period: str  # this_year | cumulative
    sentence: str  # the sentence, or the table row as printed
    source: str  # prose | zero (a 未收到/未发生/无 phrase) | table
    label: str = ""  # the indicator as printed (table rows)


def _patterns() -> dict:
    return load_toml("facts.toml")


def _number(text: str) -> Number:
    text = text.replace(",", "")
    return float(text) if "." in text else int(text)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[。！？!?\n])", text) if s.strip()]


# ---- prose -------------------------------------------------------------------------

def _prose_facts(text: str, p: dict) -> list[tuple[int, Fact]]:
    """(position, fact) for every prose pattern hit outside part-of clauses."""
    out: list[tuple[int, Fact]] = []
    offset = 0
    for sentence in _sentences(text):
        offset = text.find(sentence, offset)
        for key, pattern in p["prose"].items():
            for m in re.finditer(pattern.replace("{N}", NUMBER), sentence):
                before = sentence[: m.start()]
                if re.search(p["part_of"], before):
                    continue
                period = CUMULATIVE if re.search(p["cumulative"], before + m.group(0)) else THIS_YEAR
                fact = Fact(key, _number(m["value"]), m["unit"], period, sentence, "prose")
                out.append((offset + m.start(), fact))
        out.extend((offset + pos, f) for pos, f in _zero_facts(sentence, p["zero"]))
    return out


def _zero_facts(sentence: str, z: dict) -> list[tuple[int, Fact]]:
    """0 for each subject a 未收到 / 未发生 / 无 clause names."""
    out: list[tuple[int, Fact]] = []
    for m in re.finditer(z["trigger"], sentence):
        clause = re.split(r"[，。；,;]", sentence[m.end():], maxsplit=1)[0]
        for key, (subject, unless, unit) in z["subjects"].items():
            if re.search(subject, clause) and not (unless and re.search(unless, clause)):
                out.append((m.start(), Fact(key, 0, unit, THIS_YEAR, sentence, "zero")))
    return out


def _first_per_key(found: list[tuple[int, Fact]]) -> list[Fact]:
    """The first statement of each (key, period) in reading order: later ones restate or
    break it down (各乡镇主动公开…477条)."""
    seen: set[tuple[str, str]] = set()
    out: list[Fact] = []
    for _, fact in sorted(found, key=lambda pf: pf[0]):
        if (fact.key, fact.period) not in seen:
            seen.add((fact.key, fact.period))
            out.append(fact)
    return out


# ---- statistics table ----------------------------------------------------------------

@dataclass
class Row:
    name: str
    unit: str
    raw: str  # the values as printed
    printed: str  # the whole row as printed
    child: bool  # an 其中 sub-row of the last parent row
    options: list[tuple[Number, ...]]


def _table_start(text: str, t: dict) -> Optional[int]:
    for pattern in t["start"]:
        hits = list(re.finditer(pattern, text))
        if hits:
            return hits[-1].start()
    return None


def _columns(header: str, t: dict) -> list[str]:
    """Value columns in printed order: this_year and/or cumulative."""
    found = [(m.start(), THIS_YEAR) for m in re.finditer(t["header_this_year"], header)]
    found += [(m.start(), CUMULATIVE) for m in re.finditer(t["header_cumulative"], header)]
    cols = [c for _, c in sorted(found)]
    return list(dict.fromkeys(cols)) or [THIS_YEAR]


def _header_end(table: str, t: dict) -> int:
    """End of the column header: the last header word before the first row's values
    (the header runs into the first row in crawler text: "…2018年度历年累计主动公开…")."""
    first = re.search(t["row"], table)
    limit = first.start("values") if first else len(table)
    words = f'{t["header_this_year"]}|{t["header_cumulative"]}'
    ends = [m.end() for m in re.finditer(words, table[:limit])]
    return max(ends, default=first.start() if first else 0)


def _splits(digits: str, cols: list[str], unit: str) -> list[tuple[Number, ...]]:
    """Every way to cut a run of digits into one number per column (split.splits: no
    leading zeros, decimals only in amounts); a cumulative value is never below this year's."""
    kind = "wan_yuan" if unit in ("元", "万元") else "count"
    out = []
    for parts in splits([digits], [kind] * len(cols)):
        values = tuple(_number(x) for x in parts)
        by_col = dict(zip(cols, values))
        if by_col.get(CUMULATIVE, 1e18) >= by_col.get(THIS_YEAR, 0):
            out.append(values)
    return out


def _cell_row(line: str, t: dict, units: list[str]) -> Optional[Row]:
    """A row whose cells are separate (a table block, a tab-separated attachment):
    indicator cells, a unit cell, value cells."""
    cells = [c.strip() for c in line.split("\t")]
    u = next((i for i, c in enumerate(cells) if i and c in units), None)
    values = [c for c in cells[u + 1:] if re.fullmatch(NUMBER + r"(?:\.\d+)?", c)] if u else []
    if not values:
        return None
    name = "".join(cells[:u])
    return Row(name, cells[u], " ".join(values), line.strip(),
               bool(re.match(t["child"], name)), [tuple(_number(v) for v in values)])


def _run_rows(line: str, t: dict, cols: list[str]) -> list[Row]:
    """Rows of crawler text, cells run together: "主动公开文件数条206912106"."""
    rows = []
    for m in re.finditer(t["row"], line):
        raw = m["values"]
        tokens = raw.split()
        if len(tokens) > 1 or len(cols) == 1:
            options = [tuple(_number(x) for x in tokens)]
        else:
            options = _splits(raw, cols, m["unit"])
        rows.append(Row(m["name"], m["unit"], raw, m.group(0).strip(),
                        bool(re.match(t["child"], m.group(0).strip())), options))
    return rows


def _rows(table: str, t: dict, cols: list[str], units: list[str]) -> list[Row]:
    rows: list[Row] = []
    for line in table.splitlines():
        if "\t" in line:
            row = _cell_row(line, t, units)
            rows.extend([row] if row else [])
        else:
            rows.extend(_run_rows(line, t, cols))
    return rows


def _groups(rows: list[Row]) -> list[tuple[Row, list[Row]]]:
    groups: list[tuple[Row, list[Row]]] = []
    for row in rows:
        if row.child and groups:
            groups[-1][1].append(row)
        else:
            groups.append((row, []))
    return groups


def _narrow_by_sums(parent: Row, children: list[Row]) -> None:
    """Keep the splits for which the parent equals the sum of its 其中 rows."""
    if not children or len(children) > 8:
        return
    combos = [c for c in itertools.product(parent.options, *(r.options for r in children))
              if all(c[0][i] == sum(v[i] for v in c[1:]) for i in range(len(c[0])))]
    if not combos:
        return
    for i, row in enumerate([parent, *children]):
        row.options = list(dict.fromkeys(c[i] for c in combos))


def _narrow_by_prose(row: Row, key: str, cols: list[str], prose: list[Fact]) -> None:
    """Prefer the split whose this-year value the prose states for the same key."""
    stated = {f.value for f in prose if f.key == key and f.period == THIS_YEAR}
    if len(row.options) > 1 and THIS_YEAR in cols:
        i = cols.index(THIS_YEAR)
        hits = [o for o in row.options if o[i] in stated]
        row.options = hits or row.options


def _label(name: str, t: dict) -> str:
    return re.sub(t["label_prefix"], "", name)


def _table_key(name: str, t: dict) -> str:
    label = _label(name, t)
    return next((key for pattern, key in t["keys"].items() if re.search(pattern, label)), "")


def _table_facts(table: str, p: dict, prose: list[Fact]) -> tuple[list[Fact], list[str]]:
    t = p["table"]
    header = table[: _header_end(table, t)]
    cols = _columns(header, t)
    rows = _rows(table[len(header):], t, cols, p["units"])
    for _ in range(2):  # sums, then prose, then sums again to carry a settled parent down
        for parent, children in _groups(rows):
            _narrow_by_sums(parent, children)
            for row in (parent, *children):
                _narrow_by_prose(row, _table_key(row.name, t), cols, prose)
    facts, warnings = [], []
    for row in rows:
        if len(row.options) != 1:
            warnings.append(f"facts: cannot split the run-together cells of {row.printed!r}")
            continue
        key = _table_key(row.name, t)
        facts.extend(Fact(key, v, row.unit, col, row.printed, "table", _label(row.name, t))
                     for col, v in zip(cols, row.options[0]))
    return facts, warnings


def extract_facts(doc: Document, warnings: Optional[list[str]] = None) -> list[Fact]:
    """Prose facts (first statement of each key and period) followed by the statistics
    table's facts.  Rows that cannot be read with certainty are left out and named in
    `warnings` (doc.warnings when not given)."""
    p = _patterns()
    text = doc.text()
    start = _table_start(text, p["table"])
    prose = _first_per_key(_prose_facts(text[:start] if start is not None else text, p))
    if start is None:
        return prose
    table, notes = _table_facts(text[start:], p, prose)
    (doc.warnings if warnings is None else warnings).extend(notes)
    return prose + table
