"""A fee printed in 元 where the template prints 万元 (newcomer's trial): amount_wan_yuan
is in 万元, so the printed amount is divided by 10,000, its unit kept as 元, with a
warning; it was stored as printed, 10,000 times too large."""

from __future__ import annotations

import random

import pytest
from gen_reports import FORMATS_BY_STYLE, Style, make_report

import report_extract

HEADERS = ["本年收费金额（单位：元）", "本年收费金额(单位:元)", "本年收费金额（元）"]


@pytest.mark.parametrize("fmt", sorted(FORMATS_BY_STYLE))
@pytest.mark.parametrize("header", HEADERS)
def test_a_fee_headed_in_yuan_is_converted_to_wan_yuan(tmp_path, fmt, header):
    seed = HEADERS.index(header) * 7 + sorted(FORMATS_BY_STYLE).index(fmt)
    r = make_report(random.Random(seed), seed)
    r.cells["proactive.admin_fee.amount_wan_yuan"] = printed = random.Random(seed).choice([125000, 7730.28, 58])
    suffix, render = FORMATS_BY_STYLE[fmt]
    path = tmp_path / f"fee{suffix}"
    path.write_bytes(render(r, Style(fee=header)))
    result = report_extract.extract(path)
    fee = next(c for c in result.cells if c.key == "proactive.admin_fee.amount_wan_yuan")
    assert (fee.value, fee.unit) == (pytest.approx(printed / 10_000), "元")
    assert any(w.startswith("proactive.admin_fee.amount_wan_yuan: printed in 元") for w in result.warnings)


def test_a_fee_headed_in_wan_yuan_is_kept_and_one_in_yuan_in_its_cell_converted(tmp_path):
    text = (
        "某县人民政府2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\t\t\t\n"
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n行政规范性文件\t1\t0\t5\n"
        "第二十条第（八）项\t\t\t\n信息内容\t本年收费金额（单位：万元）\t\t\n行政事业性收费\t{fee}\t\t\n"
    )
    for fee, want, unit in (("12.5", 12.5, None), ("125000元", 12.5, "元"), ("3.5万元", 3.5, "万元")):
        path = tmp_path / "r.txt"
        path.write_text(text.format(fee=fee), encoding="utf-8")
        cell = next(c for c in report_extract.extract(path).cells if c.row == "admin_fee")
        assert (cell.value, cell.unit) == (want, unit), fee


@pytest.mark.parametrize(
    "header,cell,unit",
    [
        ("采购总金额（万元）", "356.7", "万元"),
        ("采购总金额（单位：元）", "3567000", "元"),
        ("采购总金额(元)", "3567000", "元"),
        ("采购总金额", "356.7", None),
        ("采购总金额（单位：元）", "356.7万元", "万元"),  # the cell's own unit wins
    ],
)
def test_procurement_amount_takes_the_unit_its_header_prints(tmp_path, header, cell, unit):
    """procurement_amount keeps the number as printed and its unit in `unit`: a unit
    printed in the column's header (newcomer's trial) was lost, so 元 and 万元 amounts
    mixed in one column of the panel without a way to tell them apart."""
    text = (
        "某县人民政府2019年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\t\t\t\n"
        "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n规章\t0\t0\t0\n规范性文件\t1\t1\t5\n"
        f"第二十条第（十五）项\t\t\t\n信息内容\t采购项目数量\t{header}\t\n政府集中采购\t4\t{cell}\t\n"
    )
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    result = report_extract.extract(path)
    amount = next(c for c in result.cells if c.key == "proactive.gov_procurement.procurement_amount")
    assert amount.unit == unit and amount.raw == cell
