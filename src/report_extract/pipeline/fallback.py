"""Whether a first reading deserves a second one: the one place that decides it.

A reader may offer a second, slower reading of a file (`Document.second_reading`: a PDF
read by the fast engine offers pdfplumber).  It costs ten times the first, so it is taken
only when the first reading gives a reason to doubt it, judged after the tables and checks:

- a table-only label (本年新收政府信息公开申请数量 …) is printed outside every table found:
  the grid of that table was not recognised;
- a table is missing while others were found (status `partial`), or every cell is blank
  (status `template`): the characters or cells may have been lost;
- a hard check fails on a cell that was not read cleanly: blank, not a plain number as
  printed, or an ambiguous split.  A check failing on cells that were each read as one
  clean number is the report's own arithmetic (both engines share the layout code and
  would read the same digits), so it is reported, not re-read.

Soft `text.*` checks compare prose with tables and never trigger a re-reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from report_extract.checks.report import cells_read
from report_extract.contract.labels import TABLES
from report_extract.model.document import Document, TableBlock, TextBlock
from report_extract.model.result import CellValue, Result

# Row and column labels printed only inside the statistical tables.  When the text
# outside the tables shows one of them, a table was not recognised as one.
TABLE_ONLY_LABELS = (
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "结转下年度继续办理",
    "本年制发件数",
    "本年新制作数量",
    "未经复议直接起诉",
)
_SPACE = re.compile(r"\s+")
_CLEAN_NUMBER = re.compile(r"[0-9０-９][0-9０-９,，]*(?:\.[0-9]+)?")


@dataclass(frozen=True)
class Doubt:
    """Why a reading is doubted (empty: it is not), and how badly, to compare two readings."""

    reasons: tuple[str, ...]
    missing: int  # tables not found
    failed: int  # hard checks failing
    untabled: int  # table-only labels printed outside every table

    def __bool__(self) -> bool:
        return bool(self.reasons)

    def worse_than(self, other: Doubt) -> bool:
        return (self.missing, self.failed, self.untabled) > (other.missing, other.failed, other.untabled)


def doubt(doc: Document, result: Result) -> Doubt:
    """The reasons to doubt the reading `result` was made from."""
    untabled = untabled_labels(doc)
    reasons = [f"the text shows {label} outside every table" for label in untabled[:1]]
    if result.status == "partial":
        found = {c.table for c in result.cells}
        reasons.append("table missing: " + ", ".join(t for t in TABLES if t not in found))
    elif result.status == "template":
        reasons.append("every table cell is blank")
    by_key = {c.key: c for c in result.cells}
    failed = [c for c in result.checks if c.ok is False and not c.check.startswith("text.")]
    for check in failed:
        unclean = sorted(k for k in cells_read(check, result.cells) if k in by_key and not _clean(by_key[k]))
        if unclean:
            reasons.append(f"check {check.check} [{check.scope}] fails on {unclean[0]}, not read cleanly")
            break
    missing = {"ok": 0, "partial": 1}.get(result.status, len(TABLES))
    return Doubt(tuple(reasons), missing, len(failed), len(untabled))


def untabled_labels(doc: Document) -> list[str]:
    """Table-only labels that the document prints outside every table (empty: all found)."""
    text = _SPACE.sub("", "".join(b.text for b in doc.blocks if isinstance(b, TextBlock)))
    tables = _SPACE.sub(
        "", "".join(c.text for b in doc.blocks if isinstance(b, TableBlock) for row in b.rows for c in row)
    )
    return [label for label in TABLE_ONLY_LABELS if label in text and label not in tables]


def _clean(cell: CellValue) -> bool:
    """Read as one plain number as printed (a derived cell stands on its addends)."""
    if cell.derived:
        return True
    return cell.value is not None and not cell.ambiguous and bool(_CLEAN_NUMBER.fullmatch(cell.raw.strip()))
