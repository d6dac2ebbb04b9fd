"""Sections: 一、总体情况 … 六、其他需要报告的事项, and the free headings of older reports.

Headings are found with the patterns of patterns/sections.toml: on their own line, or
inside a crawler dump's single line when the title is a known one.  A heading whose
title no pattern names is classified by its jieba words; jieba is loaded only then.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from report_extract.contract.labels import TABLES, anchor_regex, halfwidth
from report_extract.model.document import Document
from report_extract.model.result import Section
from report_extract.patterns import cached, load_toml


@dataclass(frozen=True)
class _Rules:
    number: str
    max_title: int
    keys: dict[str, list[regex.Pattern]]
    words: dict[str, list[str]]


@cached
def rules() -> _Rules:
    data = load_toml("sections.toml")
    keys = {k: [regex.compile(p) for p in ps] for k, ps in data["keys"].items()}
    return _Rules(data["number"], data["max_title"], keys, data["words"])


def key_of(title: str) -> str | None:
    t = halfwidth(title).replace(" ", "")
    for key, patterns in rules().keys.items():
        if any(p.search(t) for p in patterns):
            return key
    return None


def key_by_words(title: str) -> str | None:
    """Classify a free heading by its words (jieba, loaded lazily on first use)."""
    from report_extract.sections.words import words

    tokens = set(words(title))
    best, hits = None, 0
    for key, vocab in rules().words.items():
        n = sum(1 for w in vocab if w in tokens)
        if n > hits:
            best, hits = key, n
    return best


@dataclass
class _Heading:
    line: int
    start: int  # offset of the heading in the line
    body: int  # offset where the section text starts
    number: str
    title: str
    key: str | None


@cached
def _contents() -> regex.Pattern:
    """A table of contents' line: a numbered title, then dot leaders (and its page number;
    the next page's running header may be glued on)."""
    return regex.compile(r"\s*" + rules().number + r"[^.．·…‥\n]{1,40}?(?:[.．·‥]{4,}|…{2,})")


def _line_heading(i: int, line: str) -> _Heading | None:
    r = rules()
    m = regex.match(r"\s*" + r.number + rf"(?P<title>[^\n]{{1,{r.max_title}}})$", line)
    if not m:
        return None
    title = m.group("title").strip().rstrip("。:：")
    if regex.search(r"[。；;]", title):
        return None  # a numbered sentence, not a heading
    key = key_of(title)
    if key is None and _row_label(m.group(0)):
        return None  # a table's row label on a line of its own (一、本年新收…, 四、结转下年度…)
    return _Heading(i, 0, len(line), m.group("number"), title, key or key_by_words(title))


def _row_label(heading: str) -> bool:
    """Whether a numbered heading, as printed, names a row of one of the tables
    (labels.toml anchors and groups: 三、本年度办理结果 is table 3's)."""
    squeezed = halfwidth(heading).replace(" ", "")
    return any(anchor_regex(table).search(squeezed) for table in TABLES)


def _inline_headings(i: int, line: str) -> list[_Heading]:
    r = rules()
    out = []
    # Any position: in a crawler dump a heading follows a table's last value or unit.
    for m in regex.finditer(r.number, line):
        rest = halfwidth(line[m.end() : m.end() + r.max_title]).replace(" ", "")
        rest = regex.split(r"[。；;，,：:]", rest)[0]
        for key, patterns in r.keys.items():
            # The key words open the title or follow a few words of it (因…申请行政复议).
            hit = next((h for p in patterns if (h := p.search(rest)) and h.start() <= 12), None)
            if hit:
                title = _title_span(line, m.end(), hit.end())
                out.append(_Heading(i, m.start(), m.end() + len(title), m.group("number"), title.strip(), key))
                break
    return out


def _title_span(line: str, start: int, squeezed_len: int) -> str:
    """The printed title covering `squeezed_len` non-space characters, extended to the end
    of a title word run (情况/事项) when the pattern stopped short."""
    n, j = 0, start
    while j < len(line) and n < squeezed_len:
        if not line[j].isspace():
            n += 1
        j += 1
    m = regex.match(r"[^。，,；;\d\s]{0,12}?(?:情况|事项|措施)", line[j:])
    return line[start : j + (m.end() if m else 0)]


_ORDINALS = "一二三四五六七八九十"


def _follows(heads: list[_Heading], h: _Heading) -> bool:
    """An unnamed heading counts only where its ordinal continues the sequence (or
    starts one): a stray "三、本法提供" from a garbled conversion is not a section."""
    if h.number == "一":
        return True
    if not heads or len(h.number) > 1 or len(heads[-1].number) > 1:
        return False
    return _ORDINALS.index(h.number) == _ORDINALS.index(heads[-1].number) + 1


def find_sections(doc: Document) -> list[Section]:
    lines = doc.lines(copies=False)  # a section's text, as printed: merged cells once
    heads: list[_Heading] = []
    for i, line in enumerate(lines):
        if sum(1 for cell in line.split("\t") if cell.strip()) > 1:
            continue  # a table row (a heading alone in a grid row, "三、收到和处理…\t", is one)
        if _contents().match(line):
            continue  # 目录: "二、主动公开政府信息情况……1" names a section, opens none
        found = _line_heading(i, line)
        for h in [found] if found else _inline_headings(i, line):
            if h.key or _follows(heads, h):
                heads.append(h)
    sections = []
    for n, h in enumerate(heads):
        nxt = heads[n + 1] if n + 1 < len(heads) else None
        parts = []
        for i in range(h.line, (nxt.line if nxt else len(lines) - 1) + 1):
            lo = h.body if i == h.line else 0
            hi = nxt.start if nxt and i == nxt.line else None
            parts.append(lines[i][lo:hi])
        text = "\n".join(p.strip() for p in parts if p.strip())
        sections.append(Section(h.number, h.key, h.title, text))
    return sections
