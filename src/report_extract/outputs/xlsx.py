"""Excel workbooks: one report laid out like the official template, or a batch as long
sheets (one row per report) read back from a conversion's CSV files.

openpyxl, because it writes merged cells and reads the workbook back in the tests; the
batch goes through pandas, which uses it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from report_extract.contract.codebook import codebook
from report_extract.model.result import CellValue, Result
from report_extract.outputs.frames import read_table
from report_extract.outputs.printed import (
    Grid,
    cell_labels,
    cell_marks,
    grids,
    layout,
    proactive_grid,
    requests_grid,
    review_grid,
)
from report_extract.outputs.records import CELL_COLUMNS, CHECK_COLUMNS, REPORT_COLUMNS, fmt, table_rows

SHEET_TITLES = {"proactive": "二、主动公开", "requests": "三、依申请公开", "review_litigation": "四、复议诉讼"}
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FILLS = {
    "failed": PatternFill("solid", fgColor="FFC7CE"),  # Excel's own "bad" red
    "ambiguous": PatternFill("solid", fgColor="FFEB9C"),  # Excel's "neutral" yellow
    "soft": PatternFill("solid", fgColor="FCE4D6"),  # light orange: the text disagrees, worth a look
}
LABEL_WIDTHS = {1: [24], 3: [12, 16, 36]}  # label columns, outermost merged label narrowest
VALUE_WIDTH = 11


def write_report(result: Result, path: Path) -> None:
    """One report: its three tables as the template prints them (merged headers,
    Chinese labels), then its metadata, checks and every cell in long form."""
    wb = Workbook()
    wb.remove(wb.active)
    by_key = {c.key: c for c in result.cells}
    marks = _marks(result)
    for name, grid in grids(result.cells, result.meta.get("template")).items():
        _grid_sheet(wb.create_sheet(SHEET_TITLES[name]), grid, by_key, marks)
    rows = table_rows(result.to_dict())
    _rows_sheet(wb.create_sheet("report"), ["field", "value"], zip(REPORT_COLUMNS, rows["reports"][0]))
    _rows_sheet(wb.create_sheet("checks"), CHECK_COLUMNS, rows["checks"])
    _rows_sheet(wb.create_sheet("cells"), CELL_COLUMNS, rows["cells"])
    wb.save(path)


def _marks(result: Result) -> dict[str, str]:
    marks = {c.key: "ambiguous" for c in result.cells if c.ambiguous}
    marks.update(cell_marks(result.checks, result.cells))  # failed (hard) or soft
    return marks


def _grid_sheet(ws: Worksheet, grid: Grid, by_key: dict[str, CellValue], marks: dict[str, str]) -> None:
    ws.append([grid.title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.width)
    ws.cell(1, 1).font = Font(bold=True, size=12)
    top = 2  # the grid starts under the title
    for r, c, cell in grid.expanded():
        target = ws.cell(top + r, c + 1, _cell_value(cell.key, by_key) if cell.key else cell.text)
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(
                start_row=top + r, start_column=c + 1, end_row=top + r + cell.rowspan - 1, end_column=c + cell.colspan
            )
        _style(ws, top + r, c + 1, cell.rowspan, cell.colspan, cell.kind)
        if cell.key in marks:
            target.fill = FILLS[marks[cell.key]]
    widths = LABEL_WIDTHS.get(grid.labels, [])
    for c in range(grid.width):
        ws.column_dimensions[get_column_letter(c + 1)].width = widths[c] if c < len(widths) else VALUE_WIDTH


def _cell_value(key: str, by_key: dict[str, CellValue]) -> Any:
    """The number, or the printed text of a null ("-", "/") so the sheet reads like the report."""
    cell = by_key.get(key)
    if cell is None:
        return None
    return cell.value if cell.value is not None else (cell.raw.strip() or None)


def _style(ws: Worksheet, row: int, col: int, rowspan: int, colspan: int, kind: str) -> None:
    """Borders on every position a merged cell covers (Excel draws a merged cell's border
    from its parts), alignment and weight by kind."""
    align = Alignment(horizontal="left" if kind == "label" else "center", vertical="center", wrap_text=True)
    for r in range(row, row + rowspan):
        for c in range(col, col + colspan):
            ws.cell(r, c).border = BORDER
    first = ws.cell(row, col)
    first.alignment = align
    if kind in ("head", "title"):
        first.font = Font(bold=True)


def _rows_sheet(ws: Worksheet, columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
    """`rows` in the order of `columns`."""
    ws.append(columns)
    for row in rows:
        ws.append([_excel(v) for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"


def _excel(value: Any) -> Any:
    """Numbers and booleans (`ok`) stay what they are, as in `convert --xlsx`; everything
    else as the CSV files write it."""
    if isinstance(value, (int, float)):
        return value
    return fmt(value) or None


# --- a batch ------------------------------------------------------------------------

BATCH_REPORT_COLUMNS = ["report_id", "agency", "year", "template", "province", "city", "county", "adcode"]


def canonical_order() -> dict[str, list[str]]:
    """Every canonical key in the order the templates print it (2021 first, then what
    only 2019 prints), per table: the batch sheets' columns."""
    order: dict[str, list[str]] = {}
    for grid in (
        proactive_grid("2021"),
        proactive_grid("2019"),
        requests_grid(True),
        requests_grid(False),
        review_grid(),
    ):
        keys = order.setdefault(grid.table, [])
        keys += [k for k in grid.keys() if k not in keys]
    return order


BATCH_FROZEN = (2, 2)  # the label and key rows, and report_id and agency, stay in view


def write_batch(outdir: Path, path: Path) -> None:
    """A conversion's CSV files (OUTDIR/reports.csv, cells.csv, checks.csv) as one
    workbook: a sheet per table with one row per report and a column per canonical key,
    under a row of the Chinese labels (row / column, from the codebook), then the reports
    and checks as they are.  Read with the documented types (frames.read_table), so `ok`
    is a boolean and adcode text, as in `show --xlsx`."""
    reports, cells, checks = (read_table(outdir, name) for name in ("reports", "cells", "checks"))
    ids = reports[[c for c in BATCH_REPORT_COLUMNS if c in reports.columns]]
    labels = _batch_labels()
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for table, keys in canonical_order().items():
            wide = _wide(cells[cells["table"] == table], keys)
            sheet = ids.merge(wide, on="report_id", how="left")
            sheet.to_excel(xw, sheet_name=table, index=False, startrow=1, freeze_panes=BATCH_FROZEN)
            ws = xw.sheets[table]
            for j, column in enumerate(sheet.columns, start=1):
                ws.cell(1, j, labels.get(column, "")).alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[1].height = 60
            _label_headers(ws)
        reports.to_excel(xw, sheet_name="reports", index=False, freeze_panes=(1, 1))
        checks.to_excel(xw, sheet_name="checks", index=False, freeze_panes=(1, 1))


def _batch_labels() -> dict[str, str]:
    """Column → its Chinese header: the report columns' (display.toml), each cell key's
    printed row and column label (codebook; a key both templates print: the 2021 one)."""
    out = dict(layout()["batch_columns"])
    for row in codebook():
        out.setdefault(row["key"], f"{row['row_label']} / {row['col_label']}")
    return out


def _label_headers(ws: Worksheet) -> None:
    """Each canonical key's printed labels as a comment on its header cell (hover in Excel)."""
    labels = cell_labels()
    for cell in ws[BATCH_FROZEN[0]]:
        if cell.value in labels:
            cell.comment = Comment(labels[cell.value], "report-extract", width=320, height=60)


def _wide(cells: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Long cells → one row per report; columns are canonical keys (table.row.col)."""
    key = cells["table"] + "." + cells["row"] + "." + cells["col"]
    values = pd.to_numeric(cells["value"], errors="coerce")
    wide = pd.DataFrame({"report_id": cells["report_id"], "key": key, "value": values})
    wide = wide.pivot(index="report_id", columns="key", values="value")
    wide = wide.reindex(columns=[k for k in keys if k in wide.columns])
    wide.columns.name = None
    return wide.reset_index()
