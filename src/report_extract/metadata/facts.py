"""Facts of free-form (pre-2019) reports: the numbers their prose states and the rows of
their statistics table (政府信息公开情况统计表 / 附表), each with unit, period and source.

Prose patterns are in patterns/facts.toml, the table's in patterns/legacy.toml (tables/legacy.py
reads the table).  A value is the number the report printed; a table cell run together
with its neighbours ("条206912106") gives a fact only where the row sums or the prose
settle the split (the legacy cell keeps the most plausible split, marked ambiguous).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from report_extract.contract.labels import halfwidth
from report_extract.contract.values import Number, chinese_count
from report_extract.model.document import Document
from report_extract.patterns import load_toml
from report_extract.tables import legacy

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


def _prose_facts(text: str, p: dict, year: int | None = None) -> list[tuple[int, Fact]]:
    """(position, fact) for every prose pattern hit outside part-of clauses and clauses
    about another period than `year` (the report's, when known)."""
    out: list[tuple[int, Fact]] = []
    offset = 0
    for printed in _sentences(text):
        offset = text.find(printed, offset)
        sentence = _digits(printed, p["units"])  # matched as digits, kept as printed
        for key, pattern in p["prose"].items():
            for m in re.finditer(pattern.replace("{N}", NUMBER), sentence):
                before = sentence[: m.start()]
                if re.search(p["part_of"], before) and key not in p["breakdown_keys"]:
                    continue
                clause = _clause(sentence, m.start(), m.end())
                # 累计 / 自2008年以来 said in the number's own clause: "自2008年以来累计受理申请
                # 120件，2014年受理申请9件" states one cumulative figure and one of the year
                period = CUMULATIVE if re.search(p["cumulative"], clause) else THIS_YEAR
                if period == THIS_YEAR and _other_period(clause, p, year):
                    continue
                fact = Fact(key, _number(m["value"]), m["unit"], period, printed, "prose")
                out.append((offset + m.start(), fact))
        out.extend((offset + pos, f) for pos, f in _zero_facts(printed, p["zero"]))
    return out


def _digits(sentence: str, units: list[str]) -> str:
    """A count in Chinese numerals before its unit (三件, 五十六件) in digits, and a full-width
    comma between thousands (2，345条) made ASCII, so the {N} patterns read them."""
    unit = "|".join(units)

    def count(m: re.Match[str]) -> str:
        n = chinese_count(m[1])
        return m[0] if n is None else f"{n}{m[2]}"

    # not an ordinal (第一件) nor the end of a longer run of numerals
    sentence = re.sub(
        rf"(?<![第零〇一二两三四五六七八九十百千])([零〇一二两三四五六七八九十百千]{{1,8}})({unit})", count, sentence
    )
    return re.sub(r"(?<=\d)，(?=\d{3}(?!\d))", ",", sentence)


def _clause(sentence: str, start: int, end: int) -> str:
    """The clause of `sentence` holding [start, end): between the separators around it."""
    left = max(sentence.rfind(c, 0, start) for c in "，,；;") + 1
    rights = [i for i in (sentence.find(c, end) for c in "，,；;。") if i >= 0]
    return sentence[left : min(rights) if rights else len(sentence)]


def _other_period(clause: str, p: dict, year: int | None) -> bool:
    if re.search(p["other_period"], clause):
        return True
    named = {int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", clause)}
    return year is not None and bool(named) and year not in named


def _zero_facts(sentence: str, z: dict) -> list[tuple[int, Fact]]:
    """0 for each subject a 未收到 / 未发生 / 无 clause names."""
    out: list[tuple[int, Fact]] = []
    for m in re.finditer(z["trigger"], sentence):
        clause = re.split(r"[，。；,;]", sentence[m.end() :], maxsplit=1)[0]
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


# ---- statistics table (tables/legacy.py reads it; its settled rows are facts too) -------------


def stated_figures(prose: list[Fact]) -> dict[tuple[str, str], tuple[Number, str]]:
    """The prose's first statement of each legacy row key and period: (value, sentence)."""
    rename = legacy.patterns()["prose_keys"]
    out: dict[tuple[str, str], tuple[Number, str]] = {}
    for f in prose:
        out.setdefault((rename.get(f.key, f.key), f.period), (f.value, f.sentence))
    return out


def _table_facts(table: legacy.Table) -> list[Fact]:
    """One fact per value of a row read with certainty (cells apart, or one split left)."""
    out: list[Fact] = []
    for row in table.rows:
        if row.ambiguous or len(row.options) != 1:
            continue
        out.extend(
            Fact(row.key, v, row.unit, col, row.printed, "table", row.label)
            for col, v in zip(table.cols, row.options[0])
            if v is not None
        )
    return out


def facts_and_table(
    doc: Document, warnings: list[str] | None = None, year: int | None = None
) -> tuple[list[Fact], legacy.Table | None]:
    """Prose facts (first statement of each key and period; `year`: the report's, whose
    figures they are), the statistics table's facts, and the table itself (its cells:
    legacy.Table.cells).  Rows that cannot be read with certainty give no fact and are
    named in `warnings` (doc.warnings when not given)."""
    p = _patterns()
    text = doc.text()
    start = _table_start(halfwidth(text), legacy.patterns())
    prose = _first_per_key(_prose_facts(text[:start] if start is not None else text, p, year))
    if start is None:
        return prose, None
    stated = {k: {v} for k, (v, _) in stated_figures(prose).items()}
    table = legacy.read_table(doc, stated)
    if table is None:
        return prose, None
    (doc.warnings if warnings is None else warnings).extend(table.warnings)
    return prose + _table_facts(table), table


def _table_start(text: str, t: dict) -> int | None:
    for pattern in t["start"]:
        hits = list(re.finditer(pattern, text))
        if hits:
            return hits[-1].start()
    return None


def extract_facts(doc: Document, warnings: list[str] | None = None, year: int | None = None) -> list[Fact]:
    """Prose facts followed by the statistics table's facts (see facts_and_table)."""
    return facts_and_table(doc, warnings, year)[0]
