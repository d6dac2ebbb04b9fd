"""`report-extract diff A B`: two reports of one body side by side, cell by cell.

A and B are report files (extracted here) or report ids (or unique prefixes of them) of an
output folder.  Every canonical cell either report has is listed in the contract's order
with both values and the change B − A; when the two are consecutive years, the
cross-year checks (checks/crossyear.py) run between them, failed ones first.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from report_extract.checks.crossyear import PanelCheck, YearReport, cross_year_checks
from report_extract.contract.values import Number
from report_extract.metadata.agency import agency_id
from report_extract.outputs.panel import PanelError, _results, cell_values, source
from report_extract.outputs.printed import cell_labels
from report_extract.outputs.records import fmt

MIN_PREFIX = 4  # characters of a report id that may stand for it


class DiffError(Exception):
    """A or B names no file and no report of the output folder."""


@dataclass
class Side:
    report_id: str
    agency_id: str | None
    year: int | None
    template: str | None
    source: str | None
    agency: str | None
    cells: dict[str, Number | None]


@dataclass
class CellChange:
    key: str
    label: str
    a: Number | None
    b: Number | None
    in_a: bool
    in_b: bool

    @property
    def change(self) -> Number | None:
        if self.a is None or self.b is None:
            return None
        return round(self.b - self.a, 6)  # 万元 amounts: no float noise (7545 − 7730.28)

    @property
    def changed(self) -> bool:
        return (self.in_a, self.a) != (self.in_b, self.b)


@dataclass
class Diff:
    a: Side
    b: Side
    cells: list[CellChange]
    checks: list[PanelCheck] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def side(s: Any) -> dict[str, Any]:
            return {k: v for k, v in asdict(s).items() if k != "cells"}

        return {
            "a": side(self.a), "b": side(self.b),
            "same_agency": self.a.agency_id == self.b.agency_id,
            "checks": [asdict(c) for c in self.checks],
            "cells": [{"key": c.key, "label": c.label, "a": c.a, "b": c.b, "in_a": c.in_a, "in_b": c.in_b,
                       "change": c.change, "changed": c.changed} for c in self.cells],
        }  # fmt: skip

    def write_csv(self, out: TextIO) -> None:
        """One table: the cross-year checks first (kind "check"), then every cell."""
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["kind", "key", "label", "a", "b", "change", "changed", "ok", "severity"])
        for check in self.checks:
            # a check's a and b are its left side (the later year) and right side
            w.writerow(["check", f"{check.check}.{check.scope}", check.note, fmt(check.left), fmt(check.right),
                        "", "", fmt(check.ok), check.severity])  # fmt: skip
        for c in self.cells:
            w.writerow(["cell", c.key, c.label, fmt(c.a), fmt(c.b), fmt(c.change), fmt(c.changed), "", ""])


def side_of(obj: dict[str, Any]) -> Side:
    meta = obj.get("meta") or {}
    return Side(obj["report_id"], agency_id(meta), meta.get("year"), meta.get("template"),
                (obj.get("source") or {}).get("path"), meta.get("agency_full") or meta.get("agency"),
                cell_values(obj))  # fmt: skip


def load(arg: str, outdir: Path | None, engine: str = "auto") -> dict[str, Any]:
    """A report's JSON object: the file `arg`, or the report of OUTDIR whose id starts with it."""
    if Path(arg).is_file():
        from report_extract.pipeline.stages import extract

        return extract(arg, engine=engine).to_dict()
    if outdir is None:
        raise DiffError(f"{arg}: no such file (give --out OUTDIR to look it up as a report id)")
    if len(arg) < MIN_PREFIX:
        raise DiffError(f"{arg}: no such file, and too short for a report id (at least {MIN_PREFIX} characters)")
    try:
        path = source(outdir)
    except PanelError as e:
        raise DiffError(str(e)) from None
    found = [obj for _, obj in _results(path) if obj["report_id"].startswith(arg)]
    if len(found) != 1:
        why = "no report" if not found else f"{len(found)} reports"
        raise DiffError(f"{arg}: no such file, and {why} in {outdir} with that id")
    return found[0]


def compare(a_obj: dict[str, Any], b_obj: dict[str, Any]) -> Diff:
    a, b = side_of(a_obj), side_of(b_obj)
    order = {k: i for i, k in enumerate(cell_labels())}
    labels = cell_labels()
    keys = sorted(set(a.cells) | set(b.cells), key=lambda k: (order.get(k, len(order)), k))
    cells = [CellChange(k, labels.get(k, ""), a.cells.get(k), b.cells.get(k), k in a.cells, k in b.cells)
             for k in keys]  # fmt: skip
    checks: list[PanelCheck] = []
    if a.year is not None and b.year is not None:
        ya, yb = (
            YearReport(a.report_id, a.year, a.template, a.cells),
            YearReport(b.report_id, b.year, b.template, b.cells),
        )
        checks = cross_year_checks(*sorted((ya, yb), key=lambda r: r.year))
    checks.sort(key=lambda c: (c.ok is not False, c.severity != "hard"))
    return Diff(a, b, cells, checks)
