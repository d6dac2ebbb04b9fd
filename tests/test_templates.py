"""Template detection (2019, 2021, hybrids) from the tables, not the year."""

from pathlib import Path

import pytest

import report_extract

SEED = Path(__file__).parents[1] / "corpus" / "000_a01111d04fa25f8f.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def _single_row_other(text: str) -> str:
    """The seed with （六）其他处理 printed as one row, as kiro_01 and many 2021-era reports do."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("(六) 其他处理"))
    row = "(六) 其他处理\t\t2\t0\t0\t0\t0\t0\t2\t"
    return "\n".join(lines[:start] + [row] + lines[start + 3 :])


def test_2021_with_split_other(tmp_path):
    r = report_extract.extract(SEED)
    assert r.meta["template"] == "2021"
    other = {c.col: c for c in r.cells if c.row == "other_total"}
    assert other["total"].derived and other["total"].value == 0


def test_hybrid_2021_table2_single_row_other(tmp_path):
    f = tmp_path / "hybrid.txt"
    f.write_text(_single_row_other(SEED_TEXT), encoding="utf-8")
    r = report_extract.extract(f)
    assert r.meta["template"] == "2021"  # table 2's columns decide
    assert r.value("requests", "other_total", "natural_person") == 2
    other = next(c for c in r.cells if c.key == "requests.other_total.total")
    assert not other.derived
    assert not any(c.row == "other_no_correction" for c in r.cells)


@pytest.mark.parametrize(
    "block,items,amount",
    [
        (
            ["第二十条第（十五）项\t\t\t", "信息内容\t采购项目数量\t采购总金额\t", "政府集中采购\t12\t345.6\t"],
            12,
            345.6,
        ),
        (["信息内容\t采购项目数量\t采购总金额\t", "政府集中采购\t0\t251000元\t"], 0, 251000),
        (["政府集中采购\t7\t1200\t"], 7, 1200),
    ],
)
def test_2021_table2_with_the_2019_procurement_row(tmp_path, block, items, amount):
    """A 2021 table 2 that still prints 2019's 政府集中采购 row (header or not): its two
    cells are read by the 2019 columns, with a warning, not dropped without a word."""
    lines = SEED_TEXT.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("行政事业性收费")) + 1
    f = tmp_path / "procurement.txt"
    f.write_text("\n".join(lines[:at] + block + lines[at:]), encoding="utf-8")
    r = report_extract.extract(f)
    assert r.meta["template"] == "2021"
    assert r.value("proactive", "gov_procurement", "procurement_items") == items
    assert r.value("proactive", "gov_procurement", "procurement_amount") == amount
    assert r.value("proactive", "admin_fee", "amount_wan_yuan") == report_extract.extract(SEED).value(
        "proactive", "admin_fee", "amount_wan_yuan"
    )
    assert (
        "proactive.gov_procurement: a row of the 2019 template in a 2021 table; read by its 2019 columns" in r.warnings
    )


def test_real_hybrid_kiro_01():
    r = report_extract.extract(Path(__file__).parents[1] / "corpus" / "kiro_01.pdf")
    assert r.meta["template"] == "2021"
    assert any(c.key == "requests.other_total.total" and not c.derived for c in r.cells)


def test_2019_template_columns():
    r = report_extract.extract(Path(__file__).parents[1] / "corpus" / "shgovjs_01.html")
    assert r.meta["template"] == "2019"
    assert r.value("proactive", "regulation", "total_published") == 524
    assert r.value("proactive", "gov_procurement", "procurement_amount") == 251000
    amount = next(c for c in r.cells if c.key == "proactive.gov_procurement.procurement_amount")
    assert amount.unit == "元" and amount.raw == "251000元"


def test_2019_signed_delta():
    r = report_extract.extract(Path(__file__).parents[1] / "corpus" / "pingtan_2020.txt")
    assert r.value("proactive", "admin_fee", "items_delta") == -15


def test_free_form_report_has_no_tables():
    r = report_extract.extract(Path(__file__).parents[1] / "corpus" / "pingtan_2018.txt")
    assert r.meta["template"] == "free" and r.status == "no_tables"
    # none of the current template's tables; its old statistics table as table `legacy`
    assert {c.table for c in r.cells} == {"legacy"}
    assert r.value("legacy", "proactive_total", "this_year") == 2069
    assert [s.key for s in r.sections][:2] == ["overview", "proactive"]


def test_kiro_01_section_text_prints_a_merged_cell_once():
    """A section's text is read, not counted in columns: table 3's caption merged across
    ten columns and its groups merged down the rows are printed once, not once per
    position (a third of the section was copies, and the full-text index paid for them)."""
    r = report_extract.extract(Path(__file__).parents[1] / "corpus" / "kiro_01.pdf")
    text = next(s.text for s in r.sections if s.key == "requests")
    assert text.count("本列数据的勾稽关系为") == 1
    assert text.count("三、本年度办理结果") == 1
    assert "一、本年新收政府信息公开申请数量\t21\t0\t0\t0\t0\t0\t21" in text.splitlines()
