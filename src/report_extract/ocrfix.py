"""OCR'd tables and the report's arithmetic: settle uncertain digits, flag the rest.

The recogniser scores every character.  Where a digit scored low, the usual confusions
(0/8, 1/7, 3/8, 5/6, 6/8 …) are its alternatives; an alternative is taken only when it
makes the table's checks (勾稽关系) fail less and no other alternative does as well, so
a value is changed only on the report's own evidence, and every change is a warning.
Afterwards every OCR'd cell that no passing check covers gets a warning: nothing read
from an image is silently trusted.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from .checks import cells_read, table_checks
from .model import Cell, Document, TableBlock
from .ocr import CHAR_SURE
from .result import CellValue, CheckResult
from .tables import extract_tables

if TYPE_CHECKING:
    from .ocrpdf import Scans

# Rounds of settling: each takes the one alternative that helps most.
MAX_ROUNDS = 6
CONFUSIONS: dict[str, str] = {
    "0": "896", "1": "74", "2": "7", "3": "85", "4": "1", "5": "63", "6": "85",
    "7": "12", "8": "0635", "9": "80",
}  # fmt: skip
SETTLED_TABLES = ("requests", "review_litigation")


def settle(doc: Document, scans: "Scans") -> None:
    cells = _cell_index(doc)
    for _ in range(MAX_ROUNDS):
        if not _settle_one(doc, scans, cells):
            break
    _warn_unconfirmed(doc, cells)


def _settle_one(doc: Document, scans: "Scans", cells: dict) -> bool:
    values = extract_tables(doc).cells
    base = _failures(table_checks(values))
    if not base:
        return False
    trials: list[tuple[int, Cell, str, CellValue]] = []
    for v in values:
        cell = cells.get((v.page, v.bbox))
        if v.table not in SETTLED_TABLES or cell is None or v.confidence is None:
            continue
        for alt in _alternatives(cell, scans):
            old, cell.text = cell.text, alt
            trials.append((_failures(table_checks(extract_tables(doc).cells)), cell, alt, v))
            cell.text = old
    if not trials:
        return False
    best = min(t[0] for t in trials)
    winners = [t for t in trials if t[0] == best]
    if best >= base or len(winners) != 1:
        return False
    _, cell, alt, v = winners[0]
    doc.warnings.append(f"OCR: {v.key} read {cell.text!r} (confidence {v.confidence:.2f}); "
                        f"the table's checks pass with {alt!r}, kept {alt!r}")
    cell.text = alt
    return True


def _alternatives(cell: Cell, scans: "Scans") -> list[str]:
    """Readings of the cell with one uncertain character replaced by a look-alike."""
    scanned = scans.scanned_at(cell.origin.page, cell.origin.bbox)
    if scanned is None or cell.origin.bbox is None:
        return []
    box = cell.origin.bbox
    chars = sorted((c for c in scanned.chars if box[0] <= c.cx <= box[2] and box[1] <= c.cy <= box[3]),
                   key=lambda c: c.x0)
    text = cell.text.replace(" ", "")
    if "".join(c.text for c in chars) != text:
        return []
    out = []
    for i, c in enumerate(chars):
        if c.confidence >= CHAR_SURE and c.text.isdigit():
            continue
        for alt in CONFUSIONS.get(c.text, ""):
            reading = text[:i] + alt + text[i + 1:]
            if not (len(reading) > 1 and reading[0] == "0" and reading.isdigit()):
                out.append(reading)
    return out


def _failures(checks: list[CheckResult]) -> int:
    return sum(1 for c in checks if c.ok is False)


def _cell_index(doc: Document) -> dict[tuple[Optional[int], Optional[tuple]], Cell]:
    """The printed (not merged-copy) cells of the document's tables by page and box."""
    return {(c.origin.page, c.origin.bbox): c for b in doc.blocks if isinstance(b, TableBlock)
            for row in b.rows for c in row if not c.merged}


def _warn_unconfirmed(doc: Document, cells: dict) -> None:
    values = extract_tables(doc).cells
    confirmed = {key for check in table_checks(values) if check.ok for key in cells_read(check, values)}
    for v in values:
        if v.confidence is None or v.derived:
            continue
        if v.confidence == 0.0:
            doc.warnings.append(f"OCR: {v.key}: the cell holds print the OCR could not read; null")
        elif v.key not in confirmed:
            doc.warnings.append(f"OCR: {v.key} = {v.raw!r} (confidence {v.confidence:.2f}) "
                                "is not confirmed by any check")
