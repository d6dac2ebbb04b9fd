"""The output contract shipped with the package, and the codebook made from it.

`spec/` (the contract's README.md, cells.csv, and columns.csv describing every output
column) is inside the wheel as report_extract/spec and at the top of the source tree.
Every output folder gets `codebook.csv` (one row per canonical cell key: its Chinese row
and column labels, unit, templates and what a null means) and, beside reports.db,
Datasette's `metadata.json` (table and column descriptions from columns.csv), so a folder
can be read without this repository.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE_LABELS = {
    "proactive": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "legacy": "政府信息公开情况统计表（2019年以前）",
}
UNITS = {  # cells.csv's unit codes, as a reader of the codebook needs them
    "count": "件/条 (a count)",
    "signed_count": "本年增/减: a signed count",
    "wan_yuan": "万元",
    "money_as_printed": "元 or 万元 as printed (cells.unit says which)",
}
NULL_MEANS = "blank, -, —, / or 无 as printed: not stated (never 0; raw keeps the print); checks read it as 0"
NULL_MEANS_DERIVED = ("2021 format: the sum of its three sub-rows (derived = true), null when all three are "
                      "null; 2019 format: " + NULL_MEANS)  # fmt: skip
NULL_MEANS_TOTAL = NULL_MEANS + "; a blank 总计 makes the checks on it not assessable (ok empty)"
CODEBOOK_COLUMNS = ["key", "table", "row", "col", "table_label", "row_label", "col_label", "unit",
                    "templates", "null_means"]  # fmt: skip


def spec_dir() -> Path:
    """The contract's folder: inside the installed package, else the source tree's."""
    here = Path(__file__).resolve().parents[1]
    for folder in (here / "spec", here.parents[1] / "spec"):
        if (folder / "cells.csv").is_file():
            return folder
    raise FileNotFoundError("spec/cells.csv is missing from the installation")


def _read(name: str) -> list[dict[str, str]]:
    with open(spec_dir() / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def codebook() -> list[dict[str, str]]:
    """One row per canonical cell of the contract (spec/cells.csv), in its order."""
    out = []
    for c in _read("cells.csv"):
        null = (NULL_MEANS_DERIVED if c["row"] == "other_total" else
                NULL_MEANS_TOTAL if c["col"] == "total" else NULL_MEANS)  # fmt: skip
        out.append(
            {
                "key": f"{c['table']}.{c['row']}.{c['col']}",
                "table": c["table"],
                "row": c["row"],
                "col": c["col"],
                "table_label": TABLE_LABELS[c["table"]],
                "row_label": c["row_label"].split(" — ")[0],
                "col_label": c["col_label"],
                "unit": UNITS.get(c["unit"], c["unit"]),
                "templates": c["templates"],
                "null_means": null,
            }
        )
    return out


@dataclass(frozen=True)
class Column:
    table: str
    column: str
    type: str  # text | integer | number | boolean
    description: str


@cache
def columns() -> dict[str, list[Column]]:
    """Every output table's documented columns (spec/columns.csv), by table."""
    out: dict[str, list[Column]] = {}
    for r in _read("columns.csv"):
        out.setdefault(r["table"], []).append(Column(r["table"], r["column"], r["type"], r["description"]))
    return out


def legacy_keys_markdown() -> str:
    """The old statistics table's keys as a Markdown table (README and
    docs/spec-extensions.md print it with cog): key, Chinese label and the variants
    provinces print, unit, from the cells list (spec/cells.csv, template `legacy`)."""
    lines = ["| key | 指标名称 (label as printed; variants) | unit |", "|---|---|---|"]
    seen: set[str] = set()
    for c in _read("cells.csv"):
        if c["table"] != "legacy" or c["row"] in seen:
            continue
        seen.add(c["row"])
        label, _, note = c["row_label"].partition(" — ")
        lines.append(f"| `{c['row']}` | {label}{f' ({note})' if note else ''} | {UNITS.get(c['unit'], c['unit'])} |")
    return "\n".join(lines)


def labels() -> dict[str, tuple[str, str]]:
    """{key: (Chinese row label, Chinese column label)}, for headers (xlsx)."""
    return {c["key"]: (c["row_label"], c["col_label"]) for c in codebook()}


TABLE_DESCRIPTIONS = {
    "reports": "one row per document: metadata, status and check counts",
    "cells": "one row per canonical cell found; codebook gives each key's Chinese labels",
    "checks": "the reports' own arithmetic (勾稽关系): hard and soft checks",
    "sections": "the report's sections 一 … 六 (full-text search: jieba-segmented words, see README)",
    "errors": "documents that could not be converted",
    "facts": "numbers stated by free-form reports before 2019",
    "codebook": "every canonical cell key with its Chinese row and column labels, unit and templates",
}


def datasette_metadata(database: str = "reports") -> dict:
    """Datasette's metadata.json: table and column descriptions of reports.db."""
    tables: dict[str, dict[str, object]] = {
        t: {"description": TABLE_DESCRIPTIONS.get(t, ""), "columns": {c.column: c.description for c in cols}}
        for t, cols in columns().items()
    }
    tables["codebook"] = {
        "description": TABLE_DESCRIPTIONS["codebook"],
        "columns": {"key": "table.row.col, as in cells", "null_means": "what an empty value means"},
    }
    tables["sections_fts"] = {"hidden": True}
    return {"title": "政府信息公开工作年度报告 (report_extract)",
            "description": "Tables of 政府信息公开工作年度报告 extracted by report_extract. Full-text search on "
                           "sections needs Chinese words separated by spaces (政府 网站), as the index is "
                           "segmented with jieba; `report-extract query OUTDIR --search` does that for you.",
            "databases": {database: {"tables": tables}}}  # fmt: skip


def metadata_json() -> str:
    return json.dumps(datasette_metadata(), ensure_ascii=False, indent=2) + "\n"
