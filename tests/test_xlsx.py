"""Excel: `show --xlsx` lays one report out like the official template; `convert --xlsx`
writes a batch one row per report.  Both open with openpyxl and pandas, and their cells
equal the conversion's cells.csv."""

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from report_extract.cli import main
from report_extract.outputs.xlsx import SHEET_TITLES, canonical_order

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
BATCH = ["kiro_01.pdf", "shgovjs_01.html", "pingtan_2020.txt", "pingtan_2018.txt", "kiro_03.md"]


def run(*args: str) -> None:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch")
    run("convert", *(str(CORPUS / n) for n in BATCH), "-o", str(out / "csv"), "--xlsx", str(out / "all.xlsx"), "-q")
    cells = pd.read_csv(out / "csv" / "cells.csv", dtype={"report_id": str}, keep_default_na=False)
    return out, cells


def _value(text: str):
    return None if text == "" else float(text)


def _same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and abs(float(a) - float(b)) < 1e-9


@pytest.mark.parametrize("name", ["kiro_01.pdf", "shgovjs_01.html", "pingtan_2020.txt"])
def test_one_report_laid_out_like_the_template(name, batch, tmp_path):
    _, cells = batch
    path = tmp_path / "one.xlsx"
    run("show", str(CORPUS / name), "--xlsx", str(path))
    wb = openpyxl.load_workbook(path)
    assert list(SHEET_TITLES.values()) == wb.sheetnames[:3]
    fields = dict(wb["report"].iter_rows(min_row=2, values_only=True))
    mine = cells[cells["report_id"] == fields["report_id"]]
    assert len(mine) > 0
    split = mine["row"].isin(["other_no_correction", "other_fee_unpaid", "other_misc"]).any()
    layout = _grids(fields["template"], split)
    for _, c in mine.iterrows():
        key = f"{c['table']}.{c['row']}.{c['col']}"
        if c["derived"] == "true":
            continue  # a derived sum is not printed in the template
        r, col = layout[c["table"]].positions()[key]
        got = wb[SHEET_TITLES[c["table"]]].cell(2 + r, col + 1).value
        expected = _value(c["value"])
        assert _same(expected, got) if expected is not None else got in (None, c["raw"].strip()), key


def _grids(template: str, split: bool):
    from report_extract.outputs.printed import proactive_grid, requests_grid, review_grid

    return {
        "proactive": proactive_grid(template if template == "2019" else "2021"),
        "requests": requests_grid(split),
        "review_litigation": review_grid(),
    }


def test_template_headers_are_merged(tmp_path):
    path = tmp_path / "one.xlsx"
    run("show", str(CORPUS / "kiro_01.pdf"), "--xlsx", str(path))
    ws = openpyxl.load_workbook(path)[SHEET_TITLES["requests"]]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "E3:I3" in merged and ws["E3"].value == "法人或其他组织"  # over the five organisation columns
    assert ws["A7"].value == "三、本年度办理结果" and "A7:A26" in merged
    ws = openpyxl.load_workbook(path)[SHEET_TITLES["review_litigation"]]
    assert ws["F2"].value == "行政诉讼" and "F2:O2" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[5]] == [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]


def test_one_report_long_cells_sheet_equals_cells_csv(batch, tmp_path):
    _, cells = batch
    path = tmp_path / "one.xlsx"
    run("show", str(CORPUS / "shgovjs_01.html"), "--xlsx", str(path))
    sheet = pd.read_excel(path, sheet_name="cells", dtype={"report_id": str, "raw": str}, keep_default_na=False)
    mine = cells[cells["report_id"] == sheet["report_id"].iloc[0]]
    assert list(sheet["table"] + sheet["row"] + sheet["col"]) == list(mine["table"] + mine["row"] + mine["col"])
    assert all(_same(_value(a), b if b != "" else None) for a, b in zip(mine["value"], sheet["value"]))


def test_batch_sheets_equal_cells_csv(batch):
    out, cells = batch
    book = pd.read_excel(out / "all.xlsx", sheet_name=None, dtype={"report_id": str})
    for table in canonical_order():  # under the row of Chinese labels, the keys
        book[table] = pd.read_excel(out / "all.xlsx", sheet_name=table, header=1, dtype={"report_id": str})
    assert set(book) == {"proactive", "requests", "review_litigation", "reports", "checks"}
    reports = pd.read_csv(out / "csv" / "reports.csv", dtype={"report_id": str})
    checks = pd.read_csv(out / "csv" / "checks.csv")
    assert len(book["reports"]) == len(reports) == len(BATCH)
    assert len(book["checks"]) == len(checks)
    order = canonical_order()
    for table in order:
        sheet = book[table].set_index("report_id")
        assert list(sheet.index) == list(reports["report_id"])  # one row per report, free-form ones too
        keys = [c for c in sheet.columns if c.startswith(table + ".")]
        assert keys == [k for k in order[table] if k in keys]  # printed order
        mine = cells[cells["table"] == table]
        assert len(keys) == len(set(mine["table"] + "." + mine["row"] + "." + mine["col"]))
        for _, c in mine.iterrows():
            key = f"{table}.{c['row']}.{c['col']}"
            assert _same(_value(c["value"]), sheet.at[c["report_id"], key]), (c["report_id"], key)


def test_batch_headers_carry_the_printed_labels(batch):
    out, _ = batch
    ws = openpyxl.load_workbook(out / "all.xlsx")["requests"]
    header = {c.value: c for c in ws[2]}
    comment = header["requests.denied_state_secret.commercial_enterprise"].comment
    assert comment is not None and "1.属于国家秘密" in comment.text and "商业企业" in comment.text
