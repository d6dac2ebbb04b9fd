"""The tool's own doubt about one report: whether a human should look, and why.

A report needs review when its extraction met something it could not settle by itself.
Each reason is a code, then how many cells or rows it concerns and the first of them:
- tables_not_found: one or two of the three tables were not found
- rows_not_found: a row of a found table was not read (named as table.row), or a
  value of a found row (named as table.row.col), also one printed but not read ("共13件")
- cells_off_grid: values read from text beside a table's grid (a footer, a note)
- ambiguous_split: run-together digits that split more than one way
- ocr_uncertain: OCR'd cells below low_confidence that no passing check confirms
- checks_not_assessable: checks that read a cell not found (checks/report.py)
- metadata_not_found: the agency, the year or the region (of a body that is not national)
  was not found (the panel has no key for it, or one without a place)
- several_reports: the report's sections start over (a second 一、总体情况 after the
  others): the file holds more than one report, and only the first one's tables are read
A failed check is no reason: it is the report's own arithmetic, reported as such.
A free-form report (before 2019) has no template tables to doubt: its reasons are those of
its statistics table (ambiguous_split) and its metadata.
"""

from __future__ import annotations

from collections.abc import Sequence

from report_extract.checks.report import OTHER_SPLIT, cells_read
from report_extract.contract import labels
from report_extract.contract.labels import TABLES
from report_extract.contract.values import is_null_text
from report_extract.model.result import CellValue, CheckResult, Section
from report_extract.settings import current


def _reason(code: str, items: list[str]) -> list[str]:
    if not items:
        return []
    items = list(dict.fromkeys(items))
    more = f" and {len(items) - current().named_cells} more" if len(items) > current().named_cells else ""
    return [f"{code} ({len(items)}): {', '.join(items[: current().named_cells])}{more}"]


def expected_cells(table: str, template: str | None, split: bool) -> list[str]:
    """The cells a found table of this template prints (labels.toml)."""
    spec = labels.tables()[table]
    out = []
    for key, row in spec.rows.items():
        if table == "requests" and key in (OTHER_SPLIT if not split else ("other_total",)):
            continue
        cols = spec.columns if table != "proactive" else row.columns(template or "2021")
        out += [f"{table}.{key}.{c}" for c in cols]
    return out


def review_reasons(
    status: str,
    template: str | None,
    cells: list[CellValue],
    checks: list[CheckResult],
    off_grid: list[str],
    regions: list[str],
    meta_missing: tuple[str, ...] = (),
    sections: Sequence[Section] = (),
) -> list[str]:
    """Why the report needs a human look (empty: it does not).  `regions`: the tables
    whose region was found; one found but not read is a table of rows not found.
    `meta_missing`: the metadata fields (agency, year) the text did not give."""
    # the reasons of the report as a whole, whatever its tables
    whole = _reason("metadata_not_found", list(meta_missing)) + _reason(
        "several_reports", [f"{s.number}、{s.title}" for s in again(sections)]
    )
    if status == "no_tables" and not regions:
        return _reason("ambiguous_split", [c.key for c in cells if c.ambiguous]) + whole
    if status not in ("ok", "partial") and not regions or status == "template":
        return []  # no tables to doubt (blank form, not a report)
    found = {c.key for c in cells}
    tables = ({c.table for c in cells} | set(regions)) & set(TABLES)
    split = any(c.row == "other_total" and c.derived for c in cells)
    expected = [k for t in TABLES if t in tables for k in expected_cells(t, template, split)]
    rows_found = {k.rsplit(".", 1)[0] for k in found}
    # a row lost whole is named as the row, a value a found row did not print as the cell
    lost = [k if k.rsplit(".", 1)[0] in rows_found else k.rsplit(".", 1)[0] for k in expected if k not in found]
    # a value printed but not read ("共13件", "十三"): null, as if the report left it blank
    lost += [c.key for c in cells if c.value is None and c.raw and not is_null_text(c.raw) and not c.derived]
    confirmed = {k for c in checks if c.ok for k in cells_read(c, cells)}
    unsure = [
        c.key
        for c in cells
        if c.confidence is not None
        and c.confidence < current().low_confidence
        and not c.derived
        and c.key not in confirmed
    ]
    return (
        _reason("tables_not_found", [t for t in TABLES if t not in tables])
        + _reason("rows_not_found", lost)
        + _reason("cells_off_grid", off_grid)
        + _reason("ambiguous_split", [c.key for c in cells if c.ambiguous])
        + _reason("ocr_uncertain", unsure)
        + _reason(
            "checks_not_assessable", [f"{c.check}[{c.scope}]" for c in checks if c.ok is None and "not found" in c.note]
        )
        + whole
    )


def again(sections: Sequence[Section]) -> list[Section]:
    """Sections past the first report's: from a second overview section printed after
    other sections (two reports in one file)."""
    keys = [s.key for s in sections]
    if "overview" not in keys:
        return []
    second = next((i for i in range(keys.index("overview") + 1, len(keys)) if keys[i] == "overview"), None)
    return list(sections[second:]) if second is not None and any(k for k in keys[:second] if k != "overview") else []
