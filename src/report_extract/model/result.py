"""The typed result of extracting one report, and its JSON shape (the spec's object)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from report_extract.contract.values import Number


@dataclass
class CellValue:
    """One canonical cell: the value as printed, where it was printed, and how sure we are."""

    table: str
    row: str
    col: str
    value: Number | None
    raw: str = ""
    derived: bool = False  # computed by the spec's rule (other_total), not printed
    unit: str | None = None  # 元 / 万元 where the report prints one
    page: int | None = None
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None  # OCR confidence, when read from an image
    ambiguous: bool = False  # run-together digits that split more than one way

    @property
    def key(self) -> str:
        return f"{self.table}.{self.row}.{self.col}"


def as_tables(cells: list[CellValue]) -> dict[str, dict[str, dict[str, Number | None]]]:
    """Cells as {table: {row: {col: value}}}, in the order given."""
    out: dict[str, dict[str, dict[str, Number | None]]] = {}
    for c in cells:
        out.setdefault(c.table, {}).setdefault(c.row, {})[c.col] = c.value
    return out


# Soft checks compare the prose with the tables (a sentence may count one office where the
# table counts the district), or arithmetic whose terms provinces define differently (the
# old statistics table's breakdowns: tables/legacy.py sets each one's severity), so a failure is
# worth a look, not an arithmetic error.
SOFT_CHECKS = frozenset({"text.requests", "text.legacy", "legacy.replies_requests", "legacy.proactive"})


def severity_of(check: str) -> str:
    return "soft" if check in SOFT_CHECKS else "hard"


@dataclass
class CheckResult:
    check: str
    scope: str
    left: Number | None
    right: Number | None
    ok: bool | None  # None: not assessable
    note: str = ""
    severity: str = ""  # hard | soft; set from the check id

    def __post_init__(self) -> None:
        self.severity = self.severity or severity_of(self.check)


@dataclass
class Section:
    number: str | None
    key: str | None
    title: str
    text: str


@dataclass
class Result:
    report_id: str
    source: dict[str, Any]
    meta: dict[str, Any]
    status: str = "ok"
    sections: list[Section] = field(default_factory=list)
    cells: list[CellValue] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    facts: list[Any] = field(default_factory=list)  # facts.Fact, free-form reports (docs/spec-extensions.md)
    review: list[str] = field(default_factory=list)  # why a human should look (pipeline/review.py); empty: no need

    @property
    def checks_failed(self) -> int:
        """Failed hard checks: the tables' own arithmetic is wrong."""
        return sum(1 for c in self.checks if c.ok is False and c.severity == "hard")

    @property
    def checks_soft_failed(self) -> int:
        """Failed soft checks: the prose states another number than the table."""
        return sum(1 for c in self.checks if c.ok is False and c.severity == "soft")

    def value(self, table: str, row: str, col: str) -> Number | None:
        """The cell's value: a number, or None where the report printed the cell blank.  A
        KeyError when this report has no such cell (the message says whether the key is
        one of the contract's, and if not, the nearest ones)."""
        for c in self.cells:
            if (c.table, c.row, c.col) == (table, row, col):
                return c.value
        import difflib

        from report_extract.contract.codebook import codebook

        key = f"{table}.{row}.{col}"
        keys = [c["key"] for c in codebook()]
        if key in keys:
            raise KeyError(f"{key}: not found in this report (a cell printed blank is None)")
        near = difflib.get_close_matches(key, keys, n=3)
        raise KeyError(f"{key}: no such cell in the contract" + (f" (did you mean {', '.join(near)}?)" if near else ""))

    def tables(self) -> dict[str, dict[str, dict[str, Number | None]]]:
        return as_tables(self.cells)

    def frame(self, table: str | None = None):
        """One table as a pandas DataFrame, canonical rows × columns in printed order; with
        no table, every cell in long form (table, row, col, value, raw, unit, …).  Values
        are numbers: Int64 where every one is whole, else Float64, nulls as <NA>, so
        `df.sum(numeric_only=True)` adds them up.  An unknown table name is a ValueError
        listing the names (a table this report lacks gives an empty frame)."""
        import pandas as pd

        if table is None:
            long = pd.DataFrame([_fields(c) for c in self.cells], columns=[f.name for f in fields(CellValue)])
            return long.assign(value=_numeric(long["value"])).astype(
                {"page": "Int64", "line": "Int64", "confidence": "Float64"}
            )
        if table not in TABLE_NAMES:
            raise ValueError(f"unknown table {table!r}: the tables are {', '.join(TABLE_NAMES)}")
        wide = pd.DataFrame.from_dict(self.tables().get(table, {}), orient="index")
        return wide.apply(_numeric) if len(wide.columns) else wide

    def to_dict(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id,
            "source": self.source,
            "meta": self.meta,
            "status": self.status,
            "sections": [_fields(s) for s in self.sections],
            "tables": self.tables(),
            "cells": [
                {k: v for k, v in _fields(c).items() if v not in (None, False, "") or k in ("value", "raw")}
                for c in self.cells
            ],
            "checks": [_fields(c) for c in self.checks],
            "facts": [asdict(f) for f in self.facts],
            "warnings": self.warnings,
            "review": bool(self.review),
            "review_reasons": self.review,
        }


# Tables a result's cells belong to: the contract's three, and the statistics table of
# a pre-2019 report (tables/legacy.py).
TABLE_NAMES = ("proactive", "requests", "review_litigation", "legacy")


def _numeric(values):
    """A column of numbers and None as Int64 when every number is whole, else Float64."""
    import pandas as pd

    numbers = pd.to_numeric(values.astype(object), errors="coerce").astype("Float64")
    whole = numbers.dropna()
    return numbers.astype("Int64") if bool((whole == whole.round()).all()) else numbers


def _fields(obj: Any) -> dict[str, Any]:
    """A flat dataclass as a dict: what `asdict` gives for one whose fields hold no
    dataclasses, without its deep copy of every value (a crawl writes millions of cells)."""
    names = _FIELD_NAMES.get(type(obj))
    if names is None:  # dataclasses.fields() rebuilds its tuple on every call
        names = _FIELD_NAMES[type(obj)] = tuple(f.name for f in fields(obj))
    return {name: getattr(obj, name) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
