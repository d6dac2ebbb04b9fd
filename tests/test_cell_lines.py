"""A dump with every table cell on a line of its own ("规章", "0", "5", "7"): the text of
an HTML page taken with a line break after each element, as crawlers often store it
(newcomer's trial: such a dump gave no tables, 115 of 1,200 generated cells).  A row's
label line is followed by its values one a line; the row ends at the first line that is
not one lone value."""

from __future__ import annotations

import random

import pytest
from gen_reports import Style, extract_text, flat_text, make_report

STYLES = {
    "plain": Style(),
    "fullwidth values": Style(fullwidth_values=True),
    "count notes": Style(count_note="（件）", number_dot="．"),
}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("style", STYLES)
def test_every_cell_on_its_own_line(tmp_path, seed, style):
    r = make_report(random.Random(seed), seed, error=seed % 3 == 0)
    result, got = extract_text(tmp_path, flat_text(r, STYLES[style], cell_lines=True))
    assert result.status == "ok"
    assert {k: got.get(k) for k in r.cells} == r.cells
    # a failed check is the report's own mistake, never a misreading
    assert {(c.check, c.scope) for c in result.checks if c.ok is False and not c.check.startswith("text.")} == r.failed


def test_row_labels_on_lines_of_their_own_are_no_sections(tmp_path):
    """一、本年新收…, 三、本年度办理结果 and 四、结转下年度继续办理 alone on their lines are table 3's
    rows, not sections (newcomer's trial: they came out as three sections more)."""
    r = make_report(random.Random(2), 2)
    result, _ = extract_text(tmp_path, flat_text(r, cell_lines=True))
    assert [(s.number, s.key) for s in result.sections] == [
        ("一", "overview"), ("二", "proactive"), ("三", "requests"),
        ("四", "review_litigation"), ("五", "problems"), ("六", "other"),
    ]  # fmt: skip


def test_a_heading_alone_in_a_grid_row_is_a_section():
    """A heading an aligned-text or PDF reader took into a grid row of its own (one cell
    and a blank: "三、收到和处理政府信息公开申请情况\t") still opens its section."""
    from report_extract.model.document import Cell, Document, TableBlock, TextBlock
    from report_extract.sections.headings import find_sections

    doc = Document("x.txt", "txt", [
        TextBlock("paragraph", "一、总体情况"), TextBlock("paragraph", "本年度……"),
        TableBlock([[Cell("三、收到和处理政府信息公开申请情况"), Cell("")]]),
        TableBlock([[Cell("自然人"), Cell("总计")], [Cell("一、本年新收政府信息公开申请数量"), Cell("3")]]),
    ])  # fmt: skip
    assert [(s.number, s.key) for s in find_sections(doc)] == [("一", "overview"), ("三", "requests")]


@pytest.mark.parametrize("leader", ["." * 40, "…" * 12, "·" * 20])
def test_a_table_of_contents_opens_no_section(tmp_path, leader):
    """A 目录 before the report, its lines a title, dot leaders and a page number, the last
    one glued to the next page's running header (newcomer's trial: six empty sections
    more, and the report taken for two: several_reports)."""
    r = make_report(random.Random(2), 2)
    heads = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]
    contents = "目 录\n" + "".join(f"{h}{leader}{k + 1}\n" for k, h in enumerate(heads))
    contents = contents.rstrip("\n") + f"{r.agency}{r.year}年政府信息公开工作年度报告\n"
    result, _ = extract_text(tmp_path, contents + flat_text(r))
    assert [s.key for s in result.sections] == [
        "overview", "proactive", "requests", "review_litigation", "problems", "other"
    ]  # fmt: skip
    assert not [x for x in result.review if x.startswith("several_reports")]
