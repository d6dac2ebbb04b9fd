"""Full-text search that works for Chinese.

SQLite's tokenizers cannot split Chinese: unicode61 takes a whole run of Han characters
as one token, and trigram cannot find two-character words such as 政府.  So sections
get a column of jieba words separated by spaces, indexed by FTS5 (unicode61 then splits on
the spaces), and a query is segmented the same way.  The index uses jieba's search mode,
which adds the dictionary words inside longer ones (人民政府 → 人民, 政府, 人民政府), so a
query for 政府 finds a text that jieba segmented as 人民政府.

Tools that pass the query to SQLite as typed (Datasette's search box, `sqlite-utils
search`) send 政府网站 as one token, which no jieba segmentation holds.  So runs of two and
three words printed together are indexed joined too (政府网站, 依申请公开, 政府信息公开):
a query typed without spaces finds the text that prints those words in a row.
"""

from __future__ import annotations

import re

from report_extract.sections.words import tokenizer, words
from report_extract.settings import current

_HAN = re.compile("[\u4e00-\u9fff]+").fullmatch  # a word of CJK unified ideographs only
_HAN_WORDS: dict[str, bool] = {}  # word → _HAN matches it (a report repeats its words many times)


def index_words(text: str) -> str:
    """`text` as space-separated search-mode words (punctuation dropped), then the runs of
    2…`fts_compound_words` (a setting) Chinese words printed together, joined."""
    cutter = tokenizer()
    cut = list(cutter.cut(text))
    tokens = [w for w in cutter.search_mode(cut) if w.strip() and _wordlike(w)]
    return " ".join(tokens + _compounds(cut))


def section_words(sections: list[dict]) -> list[str]:
    """The search words of a result's sections (Result.to_dict), one string per section."""
    return [index_words(f"{s['title']}\n{s['text']}") for s in sections]


def _compounds(cut) -> list[str]:
    """Joined runs of consecutive Chinese words; anything else (punctuation, a number, a
    space) ends a run."""
    longest = current().fts_compound_words
    out: list[str] = []
    run: list[str] = []
    han = _HAN_WORDS
    for w in cut:
        is_han = han.get(w)
        if is_han is None:
            is_han = han[w] = _HAN(w) is not None
        if not is_han:
            run = []
            continue
        run.append(w)
        m = len(run)
        for k in range(2, (m if m < longest else longest) + 1):
            out.append("".join(run[m - k :]))
    return out


def _wordlike(w: str) -> bool:
    return w.isalnum() or any(ch.isalnum() for ch in w)  # the first test settles nearly every word


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression for a user's query: every segmented word must occur.
    Words are quoted, so FTS5 operators typed by a user are taken as text."""
    terms = [w for w in words(query) if _wordlike(w)]
    return " ".join('"' + w.replace('"', '""') + '"' for w in terms)
