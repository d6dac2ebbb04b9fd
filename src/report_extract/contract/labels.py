"""Label patterns (loaded from patterns/labels.toml) and the tolerant label matcher.

Two ways of recognising a row label, from the same data:
- `score(text, key)`: how well a printed label (a grid cell, a line) matches a row key,
  as a Dice coefficient of character bigrams after normalisation.  Typos and wrapped or
  truncated labels still score high against their own key and low against the others.
- `anchor_regex(table)`: one regex that finds every row's anchor in a run-together
  crawler dump, where there are no cells to compare.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from report_extract import patterns
from report_extract.patterns import load_toml

# The three statistical tables of the 2019 and 2021 templates, in printed order.
TABLES = ("proactive", "requests", "review_litigation")

# Full-width ASCII (U+FF01-FF5E) and the ideographic space map one-to-one onto ASCII,
# so offsets into the translated text are offsets into the printed text.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20
_WIDTH[0x00A0] = 0x20


def halfwidth(text: str) -> str:
    return text.translate(_WIDTH)


_NUMBERING = regex.compile(
    r"[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）]"  # （一）
    r"|^\s*[一二三四五六七八九十]{1,3}\s*[、.]"  # 一、
    r"|(?<![\p{Han}])\d{1,2}\s*[.、．](?!\d)"  # 1. 1、 but not 3.5
    r"|[(（]\s*\d{1,2}\s*[)）]"  # (1)
)
_NOISE = regex.compile(r"[\s\p{P}\p{S}]+")


def normalise(text: str) -> str:
    """A label reduced to its words: half-width, no numbering, no punctuation or spaces."""
    text = halfwidth(text)
    text = _NUMBERING.sub("", text)
    return _NOISE.sub("", text)


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)] or ([text] if text else [])


@lru_cache(maxsize=65536)
def _gram_counts(text: str) -> tuple[dict[str, int], int]:
    """The character bigrams of a normalised string as a multiset, and their number
    (remembered: the labels of the contract are compared with every printed label)."""
    counts: dict[str, int] = {}
    grams = _bigrams(text)
    for g in grams:
        counts[g] = counts.get(g, 0) + 1
    return counts, len(grams)


def dice(a: str, b: str) -> float:
    """Dice coefficient of the character bigrams of two normalised strings (as multisets)."""
    (ca, na), (cb, nb) = _gram_counts(a), _gram_counts(b)
    if not na or not nb:
        return 0.0
    if len(ca) > len(cb):
        ca, cb = cb, ca
    get = cb.get
    common = sum(n if n <= (m := get(g, 0)) else m for g, n in ca.items())
    return 2 * common / (na + nb)


@dataclass(frozen=True)
class RowSpec:
    table: str
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    anchor: str = ""
    number: str = ""
    anchor_needs_number: bool = False
    cols_2021: tuple[str, ...] = ()
    cols_2019: tuple[str, ...] = ()
    forms: tuple[str, ...] = field(default=(), compare=False)  # normalised label variants
    # the table's group labels, normalised (score strips them off a printed label)
    group_forms: tuple[str, ...] = field(default=(), compare=False)

    def columns(self, template: str) -> tuple[str, ...]:
        return self.cols_2019 if template == "2019" else self.cols_2021


@dataclass(frozen=True)
class TableSpec:
    name: str
    rows: dict[str, RowSpec]
    columns: tuple[str, ...]
    start: tuple[str, ...]
    end: tuple[str, ...]
    groups: tuple[str, ...]
    extra: dict


def _forms(label: str, aliases: tuple[str, ...], groups: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for text in (label, *aliases):
        out.append(normalise(text))
        leaf = text
        for g in groups:
            leaf = leaf.replace(g, "")
        out.append(normalise(leaf))
    return tuple(dict.fromkeys(f for f in out if f))


@patterns.cached
def tables() -> dict[str, TableSpec]:
    data = load_toml("labels.toml")
    out: dict[str, TableSpec] = {}
    for name, t in data.items():
        groups = tuple(t.get("groups", ()))
        group_forms = tuple(g for g in (normalise(g) for g in groups) if g)
        rows = {}
        for key, r in t.get("rows", {}).items():
            if not isinstance(r, dict):
                continue
            aliases = tuple(r.get("aliases", ()))
            rows[key] = RowSpec(
                table=name,
                key=key,
                label=r["label"],
                aliases=aliases,
                anchor=r.get("anchor", ""),
                number=r.get("number", ""),
                anchor_needs_number=r.get("anchor_needs_number", False),
                cols_2021=tuple(r.get("cols_2021", ())),
                cols_2019=tuple(r.get("cols_2019", ())),
                forms=_forms(r["label"], aliases, groups),
                group_forms=group_forms,
            )
        extra = {k: v for k, v in t.items() if k not in ("rows", "columns", "start", "end", "groups")}
        out[name] = TableSpec(
            name=name,
            rows=rows,
            columns=tuple(t.get("columns", ())),
            start=tuple(t.get("start", ())),
            end=tuple(t.get("end", ())),
            groups=groups,
            extra=extra,
        )
    return out


def score(text: str, spec: RowSpec) -> float:
    """How well printed label `text` matches row `spec` (0..1)."""
    return _score(text, spec.forms, spec.group_forms)


def _leaf(norm: str, groups: tuple[str, ...]) -> str:
    """A normalised label without the group labels it starts with: a row label that a
    flat converter joined to its merged group cells ("三、本年度办理结果（七）总计")."""
    stripped = True
    while stripped:
        stripped = False
        for g in groups:
            if norm.startswith(g) and len(norm) > len(g):
                norm, stripped = norm[len(g) :], True
    return norm


# Every report of a template prints the same labels, so a crawl asks the same questions
# again and again: remembered, a label is scored against a row once per process.
@lru_cache(maxsize=65536)
def _score(text: str, forms: tuple[str, ...], groups: tuple[str, ...] = ()) -> float:
    norm = normalise(text)
    if not norm:
        return 0.0
    best = 0.0
    for printed in dict.fromkeys((norm, _leaf(norm, groups))):
        for form in forms:
            if printed == form:
                return 1.0
            best = max(best, dice(printed, form))
    return best


def _number_pattern(number: str) -> str:
    """Printed numbering → a tolerant regex: 1. matches 1、 1． 1 ; （一） matches (一)."""
    n = halfwidth(number).strip()
    m = regex.fullmatch(r"\(?([一二三四五六七八九十]+|\d+)\)?\s*[、.]?", n)
    if not m:
        return regex.escape(n)
    core = m.group(1)
    if n.startswith("("):
        return rf"\(\s*{core}\s*\)"
    return rf"{core}\s*[、.．]?" if core.isdigit() else rf"{core}\s*[、.]"


@patterns.cached
def anchor_regex(table: str) -> regex.Pattern:
    """Find row anchors (with their numbering) in half-width text with spaces removed."""
    parts = []
    spec = tables()[table]
    for key, row in spec.rows.items():
        if not row.anchor:
            continue
        number = _number_pattern(row.number) if row.number else ""
        anchor = "".join(regex.escape(ch) for ch in halfwidth(row.anchor))
        if row.anchor_needs_number:
            body = rf"{number}{anchor}"
        else:
            body = rf"(?:{number})?{anchor}" if number else anchor
        parts.append(rf"(?P<{key}>{body})")
    for i, g in enumerate(spec.groups):
        parts.append(rf"(?P<group{i}>{regex.escape(halfwidth(g).replace(' ', ''))})")
    return regex.compile("|".join(parts))
