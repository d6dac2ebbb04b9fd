"""OCR'd tables and the report's arithmetic: settle uncertain digits, flag the rest.

The recogniser scores every character.  Where a digit scored low, the usual confusions
(0/8, 1/7, 3/8, 5/6, 6/8 …) are its alternatives; an alternative is taken only when it
makes the table's checks (勾稽关系) fail less and no other alternative does as well, so
a value is changed only on the report's own evidence, and every change is a warning.
Afterwards every OCR'd cell that no passing check covers gets a warning: nothing read
from an image is silently trusted.

A stage of the pipeline after the reader (`pipeline.from_document`): it works on the
cells' `read_chars`, which the OCR readers set, and does nothing for a document without
OCR'd cells.
"""

from __future__ import annotations

from collections import defaultdict

from report_extract.checks.report import cells_read, table_checks
from report_extract.contract.values import is_null_text
from report_extract.model.document import Cell, Document, TableBlock
from report_extract.model.result import CellValue
from report_extract.reading.ocr.engine import SPECK_MARKS
from report_extract.settings import current
from report_extract.tables.extract import extract_tables

CONFUSIONS: dict[str, str] = {
    "0": "896", "1": "74", "2": "7", "3": "85", "4": "1", "5": "63", "6": "85",
    "7": "12", "8": "0635", "9": "80",
}  # fmt: skip
DIGITS = "0123456789"
SETTLED_TABLES = ("requests", "review_litigation")

CellKey = tuple[int | None, tuple[float, float, float, float] | None]


def settle(doc: Document) -> None:
    """Settle uncertain OCR digits by the checks, and warn of every unconfirmed OCR'd cell."""
    cells = _cell_index(doc)
    if not cells:
        return
    for _ in range(current().ocr_settle_rounds):
        if not _settle_one(doc, cells):
            break
    _warn_unconfirmed(doc)


def _settle_one(doc: Document, cells: dict[CellKey, Cell]) -> bool:
    values = extract_tables(doc).cells
    base = _score(values)
    if base[0] == base[2] == 0:
        return False  # nothing fails, and every OCR'd cell reads as a number
    trials: list[tuple[tuple[int, int, int], Cell, str, CellValue]] = []
    for v in values:
        cell = cells.get((v.page, v.bbox))
        if v.table not in SETTLED_TABLES or cell is None or v.confidence is None:
            continue
        for alt in _alternatives(cell):
            trials.append((_score_with(doc, [(cell, alt)]), cell, alt, v))
    if not trials:
        return False
    best = min(t[0] for t in trials)
    if best >= base:
        return False
    winners = [t for t in trials if t[0] == best]
    if len(winners) > 1:
        winners = _together(doc, winners, best)
    if not winners:
        return False
    for _, cell, alt, v in winners:
        doc.warnings.append(
            f"OCR: {v.key} read {cell.text!r} (confidence {v.confidence:.2f}); "
            f"the table's checks pass with {alt!r}, kept {alt!r}"
        )
        cell.text = alt
    return True


def _together(doc: Document, winners: list, best: tuple[int, int, int]) -> list:
    """Equally good changes of different cells, each with one reading that does best (a
    speck read as "1" beside the 0 of four columns: each column's check passes with its own
    cell changed), taken together when together they do better still; otherwise none (two
    readings of one cell, or changes that only one at a time improve, leave it undecided)."""
    by_cell: dict[int, list] = defaultdict(list)
    for t in winners:
        by_cell[id(t[1])].append(t)
    single = [ts[0] for ts in by_cell.values() if len(ts) == 1]
    if len(single) != len(by_cell) or len(single) < 2:
        return []
    return single if _score_with(doc, [(cell, alt) for _, cell, alt, _ in single]) < best else []


def _score_with(doc: Document, readings: list[tuple[Cell, str]]) -> tuple[int, int, int]:
    """The tables' score (`_score`) with these cells read so, each put back afterwards."""
    printed = [(cell, cell.text) for cell, _ in readings]
    for cell, text in readings:
        cell.text = text
    try:
        return _score(extract_tables(doc).cells)
    finally:
        for cell, text in printed:
            cell.text = text


def _alternatives(cell: Cell) -> list[str]:
    """Readings of the cell with one uncertain character replaced by a look-alike."""
    chars = cell.read_chars or ()
    text = cell.text.replace(" ", "")
    if "".join(c for c, _ in chars) != text:
        return []
    out = []
    for i, (c, score) in enumerate(chars):
        if score >= current().ocr_char_sure and c.isdigit():
            continue
        # A letter in a count ("a", "ó" for 0; not a Han character) is a digit the
        # recogniser misread: any digit.
        alts = CONFUSIONS.get(c, "") or (DIGITS if c.isalpha() and c < "\u2e80" else "")
        readings = [text[:i] + alt + text[i + 1 :] for alt in alts]
        if c in SPECK_MARKS and 0 < i < len(text) - 1:
            readings.append(text[:i] + text[i + 1 :])  # a point inside a count ("20.6"): a speck
        elif len(text) > 1 and i in (0, len(text) - 1):
            readings.append(text[:i] + text[i + 1 :])  # an uncertain first or last one ("10"): a speck
        for reading in readings:
            if not (len(reading) > 1 and reading[0] == "0" and reading.isdigit()):
                out.append(reading)
    return out


def _score(values: list[CellValue]) -> tuple[int, int, int]:
    """Lower is better: checks failed; checks passed, negated (a cell that reads as no
    number may leave out the checks it is in); OCR'd cells that read as no number.
    Between readings that are all numbers, the same checks run, so only the first part
    can differ."""
    checks = table_checks(values)
    unread = sum(1 for v in values if _unread(v))
    return sum(1 for c in checks if c.ok is False), -sum(1 for c in checks if c.ok is True), unread


def _unread(v: CellValue) -> bool:
    """An OCR'd cell of a settled table whose print reads as no number (nor as a blank's
    mark: "—" and "/" are values)."""
    return v.value is None and v.confidence is not None and v.table in SETTLED_TABLES and not is_null_text(v.raw)


def _cell_index(doc: Document) -> dict[CellKey, Cell]:
    """The printed (not merged-copy) OCR'd cells of the document's tables by page and
    box.  Pictures in HTML and DOCX have no page: where two cells share a key, neither
    is settled (a value changed in the wrong cell would be worse than none)."""
    by_key: dict[CellKey, list[Cell]] = defaultdict(list)
    for b in doc.blocks:
        if isinstance(b, TableBlock):
            for row in b.rows:
                for c in row:
                    if not c.merged and c.read_chars is not None:
                        by_key[(c.origin.page, c.origin.bbox)].append(c)
    return {key: found[0] for key, found in by_key.items() if len(found) == 1}


def _warn_unconfirmed(doc: Document) -> None:
    values = extract_tables(doc).cells
    confirmed = {key for check in table_checks(values) if check.ok for key in cells_read(check, values)}
    seen = set(doc.warnings)  # the stage may run twice on one document: warn once
    for v in values:
        if v.confidence is None or v.derived:
            continue
        if v.confidence == 0.0:
            warning = f"OCR: {v.key}: the cell holds print the OCR could not read; null"
        elif v.key not in confirmed:
            warning = f"OCR: {v.key} = {v.raw!r} (confidence {v.confidence:.2f}) is not confirmed by any check"
        else:
            continue
        if warning not in seen:
            doc.warnings.append(warning)
