"""Chinese word segmentation with jieba, loaded once per process and only when needed.

jieba's dictionary takes about a second to load; documents whose headings and tables
are all found by the patterns never pay for it.
"""

from __future__ import annotations

import logging
from functools import lru_cache


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def words(text: str) -> list[str]:
    return [w for w in _jieba().lcut(text) if w.strip()]
