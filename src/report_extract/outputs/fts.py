"""Full-text search that works for Chinese.

SQLite's tokenizers cannot split Chinese: unicode61 takes a whole run of Han characters
as one token, and trigram cannot find two-character words such as 政府.  So sections
get a column of jieba words separated by spaces, indexed by FTS5 (unicode61 then splits on
the spaces), and a query is segmented the same way.  The index uses jieba's search mode,
which adds the dictionary words inside longer ones (人民政府 → 人民, 政府, 人民政府), so a
query for 政府 finds a text that jieba segmented as 人民政府.
"""

from __future__ import annotations

from report_extract.sections.words import words


def index_words(text: str) -> str:
    """`text` as space-separated search-mode words (punctuation dropped)."""
    import jieba

    words("")  # loads jieba's dictionary once per process, quietly (sections/words.py)
    return " ".join(w for w in jieba.cut_for_search(text) if w.strip() and _wordlike(w))


def _wordlike(w: str) -> bool:
    return any(ch.isalnum() for ch in w)


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression for a user's query: every segmented word must occur.
    Words are quoted, so FTS5 operators typed by a user are taken as text."""
    terms = [w for w in words(query) if _wordlike(w)]
    return " ".join('"' + w.replace('"', '""') + '"' for w in terms)
