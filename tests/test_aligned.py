"""Space-aligned text tables (reading/aligned.py): columns from the header or the values;
wrapped labels joined to their row (rows.join_wrapped)."""

import random

import pytest
from gen_reports import blocks, extract_text, make_report, text_table

from report_extract.model.document import Origin
from report_extract.reading.aligned import grid_rows
from report_extract.tables.rows import ObservedRow, Token, join_wrapped

COLS = [20, 30, 40]  # where the value columns stand (character columns)


def at(*placed: tuple[int, str]) -> str:
    """A line with each text starting at its character column."""
    line = ""
    for pos, text in placed:
        line = line.ljust(pos) + text
    return line


TABLE = [
    at((2, "项目"), (20, "自然人"), (30, "商业企业"), (40, "总计")),
    at((2, "本年新收申请"), (21, "12"), (31, "3"), (41, "15")),
    at((2, "上年结转申请"), (21, "2"), (41, "2")),
    at((2, "予以公开"), (31, "1"), (41, "1")),
    at((2, "要求行政机关确认或重新出")),
    at((2, "不予处理"), (21, "5"), (31, "0"), (41, "5")),
    at((6, "具已获取信息")),
]


def test_numbers_go_to_the_column_they_stand_in_and_blanks_stay_blank():
    rows = grid_rows(TABLE)
    assert rows[1] == ["本年新收申请", "12", "3", "15"]
    assert rows[2] == ["上年结转申请", "2", "", "2"]
    assert rows[3] == ["予以公开", "", "1", "1"]


def test_a_label_line_at_the_margin_is_a_blank_row_a_continuation_is_text():
    rows = grid_rows(TABLE)
    assert rows[4] == ["要求行政机关确认或重新出", "", "", ""]
    assert 6 not in rows and 0 not in rows  # continuation further right; the header


def test_without_header_the_values_of_three_lines_show_the_columns():
    rows = grid_rows(TABLE[1:4] + [at((2, "其他"), (21, "1"), (31, "1"), (41, "2"))])
    assert rows[1] == ["上年结转申请", "2", "", "2"]


def test_values_that_do_not_line_up_stay_text():
    text = [at((2, "甲"), (8, "1"), (20, "2")), at((2, "乙"), (13, "4"), (26, "5")), at((2, "丙"), (5, "7"), (31, "8"))]
    assert grid_rows(text) == {}
    crawler = ["一、本年新收政府信息公开申请数量6000006二、上年结转政府信息公开申请数量0000000"]
    assert grid_rows(crawler) == {}


def test_a_single_value_row_takes_its_columns_from_the_header_cells():
    lines = [
        at((2, "行政复议"), (26, "行政诉讼")),
        at(*((2 + 8 * i, t) for i, t in enumerate(["维持", "纠正", "总计", "维持", "纠正", "总计"]))),
        at((2, "1"), (18, "1"), (26, "2"), (34, "3"), (42, "5")),
    ]
    assert grid_rows(lines) == {2: ["", "1", "", "1", "2", "3", "5"]}


def test_the_next_section_is_no_blank_row_of_the_table_before_it():
    """Table 4 as pdftotext prints it, its values from the margin, then 五、 and prose at the
    same margin (newcomer's trial: both taken for rows of blanks, all 15 cells null)."""
    lines = [
        at((0, "行政复议"), (26, "行政诉讼")),
        at(*((8 * i, t) for i, t in enumerate(["维持", "纠正", "总计", "维持", "纠正", "总计"]))),
        at((0, "1"), (16, "1"), (24, "2"), (32, "3"), (40, "5")),
        "五、存在的主要问题及改进情况",
        "一是公开内容不够全面；二是解读形式较为单一。",
        "六、其他需要报告的事项",
    ]
    assert grid_rows(lines) == {2: ["", "1", "", "1", "2", "3", "5"]}


def _row(label: str, *values: str) -> ObservedRow:
    return ObservedRow(label=label, tokens=[Token(v, Origin()) for v in values], exact=True)


def test_a_wrapped_label_is_joined_to_the_row_that_holds_its_values():
    rows = join_wrapped(
        [
            _row("一、本年新收政府信息", "", "", ""),  # first line, values on the next
            _row("公开申请数量", "61", "1", "62"),
            _row("二、上年结转政府信息", "", "", ""),
            _row("公开申请数量", "5", "0", "5"),
            _row("2.申请人逾期未按收费通知要求缴纳", "0", "", "0"),
            _row("费用、行政机关不再处理其政府信息公开申请", "", "", ""),  # the rest, after a page break
            _row("3.其他", "1", "0", "1"),
        ],
        "requests",
    )
    assert [(r.label, [t.text for t in r.tokens]) for r in rows] == [
        ("一、本年新收政府信息公开申请数量", ["61", "1", "62"]),
        ("二、上年结转政府信息公开申请数量", ["5", "0", "5"]),
        ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", ["0", "", "0"]),
        ("3.其他", ["1", "0", "1"]),
    ]


def test_a_blank_row_that_names_its_row_stays_a_row():
    rows = join_wrapped([_row("行政许可", "54"), _row("行政处罚", ""), _row("行政强制", "0")], "proactive")
    assert [r.label for r in rows] == ["行政许可", "行政处罚", "行政强制"]


def test_narrow_columns_print_numbers_one_space_apart(tmp_path):
    """pdftotext -layout of a table whose number columns are narrower than their numbers
    prints "数量         3001 53    0": the first two are values of two columns, not the
    label's (newcomer's trial: both came out blank and four checks failed)."""
    import random

    from gen_reports import blocks, make_report, text_table

    from report_extract.pipeline.stages import extract

    touching = 0
    for seed in range(6):
        r = make_report(random.Random(seed), seed)
        lines = []
        for kind, content in blocks(r):
            if kind == "table":
                table = text_table(content, value_width=4)
                touching += sum(1 for t in table if _ONE_SPACE.search(t))
                lines += table
            else:
                lines.append("    " + str(content))
        path = tmp_path / f"r{seed}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = extract(path)
        got = {c.key: c.value for c in result.cells if not c.derived}
        assert not [(k, v, got[k]) for k, v in r.cells.items() if k in got and got[k] != v], seed
        assert not [c for c in result.checks if c.ok is False], seed
    assert touching  # the layout did print numbers one space apart


_ONE_SPACE = __import__("re").compile(r"\d \d")


def _typed(r, display: bool) -> str:
    """The report with its tables space-aligned, in characters (pdftotext) or for the eye
    (`display`: a Chinese character two columns wide, as typed in an editor)."""
    lines: list[str] = []
    for kind, content in blocks(r):
        if kind != "table":
            lines.append(str(content))
        elif display:  # typed for the eye, a column is as wide as its header (结果维持: 8 columns)
            lines += text_table(content, value_width=10, display=True)  # type: ignore[arg-type]
        else:
            lines += text_table(content)  # type: ignore[arg-type]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("display", [False, True], ids=["characters", "display columns"])
def test_blank_cells_stay_blank_in_either_alignment(tmp_path, seed, display):
    """Newcomer's trial: a table aligned for the eye (Chinese two columns wide) with its
    zeros printed blank lost 161 of 207 cells, four rows' values read as blanks."""
    r = make_report(random.Random(seed), seed, blanks=True)
    result, got = extract_text(tmp_path, _typed(r, display))
    assert {k: got.get(k) for k in r.cells} == r.cells
    assert not [c for c in result.checks if c.ok is False and not c.check.startswith("text.")]
