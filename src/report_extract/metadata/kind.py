"""Telling a 政府信息公开工作年度报告 from other documents, for the `not_a_report` status.

Crawls of government sites also bring back news articles, 政府工作报告 and 决算公开
pages.  A document without the statistical tables is a report only when its top names
the report (patterns/report_kind.toml `marker`) and its title names no other kind of
report.  Documents that print the tables are reports whatever their title says.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

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


# -- Files that are no report by their name or ending (patterns/inputs.toml) ------------

SKIPPED = "skipped"  # the errors.csv kind of such a file: not read, not a failure


def _rules() -> dict:
    return load_toml("inputs.toml")


def file_refusal(path: Path, in_folder: bool) -> tuple[str, str] | None:
    """The `skipped` refusal of a file that is no report by its name or ending, or None to
    read it.  `in_folder`: met while walking a folder, where only report endings (or none)
    are read; a file named explicitly is read unless its ending or name rules it out."""
    rules = _rules()
    name = path.name.lower()
    suffix = os.path.splitext(name)[1]
    if suffix in rules["not_reports"]:
        return SKIPPED, f"not a report: {rules['not_reports'][suffix]}"
    docs = rules["documentation"]
    if re.match(docs["names"], name) and not _names_the_report(path, docs):
        return SKIPPED, f"not a report: {path.name} is documentation (no report title in its first lines)"
    if in_folder and suffix and suffix not in rules["report_suffixes"]:
        return SKIPPED, f"not a report: no reader for {suffix} files"
    return None


def _names_the_report(path: Path, docs: dict) -> bool:
    """Do the first non-blank lines of `path` name the report (report_kind.toml
    `marker`)?  Only the first `probe_bytes` are read; an unreadable file is left to the
    reader, which names the cause."""
    try:
        with open(path, "rb") as f:
            head = f.read(docs["probe_bytes"])
    except OSError:
        return True
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as e:  # cut in mid-character, or GB18030
        text = head[: e.start].decode("utf-8") if e.start > len(head) - 4 else head.decode("gb18030", "replace")
    lines = [line.strip("#*= \t") for line in text.splitlines() if line.strip("#*= \t")]
    # A title is Chinese: a line of more Latin letters than Han characters that names the
    # report describes it (this project's README: "Turns Chinese government
    # **政府信息公开工作年度报告** (Open Government…") and is no title.
    titles = [line for line in lines[: docs["title_lines"]] if len(_LATIN.findall(line)) <= len(_HAN.findall(line))]
    marker = re.compile(load_toml("report_kind.toml")["marker"])
    return bool(marker.search("".join(titles)))  # a title wraps over lines


_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u3400-\u9fff]")
