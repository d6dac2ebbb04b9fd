"""Telling a 政府信息公开工作年度报告 from other documents, for the `not_a_report` status.

Crawls of government sites also bring back news articles, 政府工作报告 and 决算公开
pages.  A document without the statistical tables is a report only when its top names
the report (patterns/report_kind.toml `marker`) and its title names no other kind of
report.  Documents that print the tables are reports whatever their title says.
"""

from __future__ import annotations

import re

from report_extract.metadata.meta import find_title
from report_extract.model.document import Document, TableBlock
from report_extract.patterns import load_toml


def _patterns() -> dict:
    return load_toml("report_kind.toml")


def _title_lines(doc: Document) -> list[str]:
    """The container's title (HTML <title>, crawler header) and the first lines of text."""
    lines = [doc.title_hint or "", doc.header.get("标题", "")]
    for b in doc.blocks:
        if len(lines) >= 2 + _patterns()["title_lines"]:
            break
        if not isinstance(b, TableBlock) and b.text.strip():
            lines.append(b.text.strip())
    return [t for t in lines if t]


def not_a_report(doc: Document) -> str | None:
    """Why `doc` (a document without the tables) is not a 政府信息公开工作年度报告, or
    None when it is one."""
    p = _patterns()
    marker = re.compile(p["marker"])
    lines = _title_lines(doc)
    # The marker in the title area, or a report title anywhere in the first lines
    # (meta.find_title), wins over another kind's name: a breadcrumb above the title
    # ("首页 > 财政预决算 > …") must not make a report "not a report".
    title = find_title(doc)
    if any(marker.search(line) for line in lines) or (title and marker.search(title.text)):
        return None
    for line in lines:
        for kind, pattern in p["other_kinds"].items():
            if re.search(pattern, line):
                return f"not a 政府信息公开工作年度报告: the title names a {kind}"
    if not marker.search(doc.text()[: p["search_chars"]]):
        return "not a 政府信息公开工作年度报告: its title and opening text never name one"
    return None
