"""Test helpers for the markup readers: read the three statistical tables of a reader's
`Document` by position, the way the labels were transcribed, and compare with a label.

This is deliberately naive (order-based, no label matching): it checks that a reader
gives honest grids, not how the pipeline recognises tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import truth

import report_extract
from report_extract.model.document import Document, TableBlock
from report_extract.model.result import Result

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

_REVIEW_ROWS = ("admin_review", "litigation_direct", "litigation_after_review")
_REVIEW_COLS = ("upheld", "corrected", "other", "pending", "total")


label = truth  # the label file of a corpus stem


def tables(doc: Document) -> list[TableBlock]:
    return [b for b in doc.blocks if isinstance(b, TableBlock)]


def statistical_tables(doc: Document) -> tuple[TableBlock, TableBlock, TableBlock]:
    """The proactive, requests and review tables: the tables with those header words."""
    found = {}
    for t in tables(doc):
        text = "".join(c.text for row in t.rows for c in row)
        if "信息内容" in text:
            found.setdefault("proactive", t)
        elif "申请人情况" in text:
            found.setdefault("requests", t)
        elif "行政复议" in text and "行政诉讼" in text:
            found.setdefault("review", t)
    return found["proactive"], found["requests"], found["review"]


def grid_cells(doc: Document, lab: dict[str, Any]) -> dict[str, str]:
    """`table.row.col` -> cell text, mapping value cells to the label's keys by order."""
    proactive, requests, review = statistical_tables(doc)
    out: dict[str, str] = {}
    data_rows = [r for r in proactive.rows if not r[0].text.startswith(("第二十条", "信息内容"))]
    for (row, cols), cells in zip(lab["tables"]["proactive"].items(), data_rows, strict=True):
        values = [c.text for c in cells[1:] if not c.merged]
        for col, text in zip(cols, values, strict=True):
            out[f"proactive.{row}.{col}"] = text
    req_rows = requests.rows[3:]
    for (row, cols), cells in zip(lab["tables"]["requests"].items(), req_rows, strict=True):
        for col, cell in zip(cols, cells[-7:], strict=True):
            out[f"requests.{row}.{col}"] = cell.text
    values = [c.text for c in review.rows[-1]]
    for i, row in enumerate(_REVIEW_ROWS):
        for j, col in enumerate(_REVIEW_COLS):
            out[f"review_litigation.{row}.{col}"] = values[5 * i + j]
    return out


def expected_cells(lab: dict[str, Any]) -> dict[str, str]:
    """The label as printed text: null -> "", numbers as printed, raw text where given."""
    raw = lab.get("raw", {})
    out = {}
    for table, rows in lab["tables"].items():
        for row, cols in rows.items():
            for col, value in cols.items():
                key = f"{table}.{row}.{col}"
                if key in raw:
                    out[key] = raw[key]
                elif value is None:
                    out[key] = ""
                elif isinstance(value, float) and value.is_integer():
                    out[key] = str(int(value))
                else:
                    out[key] = str(value)
    return out


def flat_label(lab: dict[str, Any]) -> dict[str, Any]:
    """`table.row.col` -> labelled value (None for a printed blank)."""
    return {f"{t}.{r}.{c}": v for t, rows in lab["tables"].items() for r, cols in rows.items() for c, v in cols.items()}


def extracted(path: Path) -> Result:
    return report_extract.extract(path)


def result_cells(result: Result) -> dict[str, Any]:
    """`table.row.col` -> value of the cells the report printed (derived other_total is
    left out, as in the labels)."""
    return {c.key: c.value for c in result.cells if not c.derived}


def result_checks(result: Result) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(failed, not assessable) checks of a result, as (check, scope)."""
    failed = {(c.check, c.scope) for c in result.checks if c.ok is False}
    return failed, {(c.check, c.scope) for c in result.checks if c.ok is None}


def assert_matches_label(result: Result, stem: str) -> None:
    """Every labelled cell, the label's failed checks, and its not-assessable checks."""
    lab = label(stem)
    expected = flat_label(lab)
    got = result_cells(result)
    assert {k: got.get(k, "missing") for k in expected} == expected
    failed, not_assessable = result_checks(result)
    want_failed, want_not_assessable = labelled_checks(lab)
    assert failed == want_failed
    assert want_not_assessable <= not_assessable
    assert result.meta["template"] == lab["meta"]["template"]


def labelled_checks(lab: dict[str, Any]) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(failed, not assessable) checks of a label, as (check, scope)."""
    failed = {(c["check"], c["scope"]) for c in lab.get("checks_failed", [])}
    return failed, {(c["check"], c["scope"]) for c in lab.get("checks_not_assessable", [])}
