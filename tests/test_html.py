"""HTML reader on the two real pages: grids, chrome removal, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest
from reader_grids import (
    CORPUS,
    assert_matches_label,
    expected_cells,
    extracted,
    grid_cells,
    label,
    statistical_tables,
    tables,
)

import report_extract
from report_extract.model.document import Document, TableBlock, TextBlock
from report_extract.reading import read, sniff
from report_extract.reading.charset import decode
from report_extract.reading.errors import ReaderError
from report_extract.reading.markup import clean

REAL = ("shgovjs_01", "shuyang_01")


def _read(stem: str) -> Document:
    return read(CORPUS / f"{stem}.html")


def _texts(doc: Document) -> list[object]:
    """Blocks without origins: what must not change when only the encoding changes."""
    return [b.texts() if isinstance(b, TableBlock) else (b.kind, b.text) for b in doc.blocks]


@pytest.mark.parametrize("stem", REAL)
def test_every_labelled_cell_is_in_the_grid(stem: str) -> None:
    doc = _read(stem)
    assert doc.format == "html"
    assert grid_cells(doc, label(stem)) == expected_cells(label(stem))


def test_shgovjs_requests_rows_keep_blank_cells() -> None:
    _, requests, review = statistical_tables(_read("shgovjs_01"))
    new_received = requests.rows[3]
    assert new_received[0].text.startswith("一、本年新收政府信息公开申请数量")
    assert [c.merged for c in new_received[:3]] == [False, True, True]
    assert [c.text for c in new_received[3:]] == ["821", "35", "", "", "2", "1", "859"]
    granted = requests.rows[5]
    assert granted[0].text == "三、本年度办理结果" and granted[1].text == "（一）予以公开"
    assert granted[-1].text == ""  # 总计 printed blank, kept blank
    assert all(len(r) == 10 for r in requests.rows)
    assert [c.text for c in review.rows[-1]][:5] == ["5", "", "", "2", "7"]


def test_shgovjs_proactive_header_and_values_do_not_line_up() -> None:
    """The 2019 blocks span 本年增/减 over two columns in the header but the *value* before
    it in the data rows; the grid keeps both as printed, copies marked merged."""
    proactive, _, _ = statistical_tables(_read("shgovjs_01"))
    rows = {r[0].text: r for r in proactive.rows if r[0].text != "信息内容"}
    license_row = rows["行政许可"]
    assert [(c.text, c.merged) for c in license_row] == [
        ("行政许可", False),
        ("0", False),
        ("0", True),
        ("0", False),
        ("0", False),
    ]
    assert [c.text for c in rows["政府集中采购"] if not c.merged] == ["政府集中采购", "6", "251000元"]


def test_shuyang_page_chrome_is_dropped_and_title_kept() -> None:
    doc = _read("shuyang_01")
    text = doc.text()
    for chrome in ("首页", "走进沭阳", "办事服务", "繁體版", "无障碍", "智能问答", "星期", "索引号", "function"):
        assert chrome not in text, chrome
    first = doc.blocks[0]
    assert isinstance(first, TextBlock) and first.kind == "heading"
    assert first.text == "沭阳县发展和改革局2023年政府信息公开年度报告"
    assert len(tables(doc)) == 3
    assert doc.blocks[-1].text == "2024年1月17日"


def test_shuyang_header_and_title_hint() -> None:
    doc = _read("shuyang_01")
    assert doc.title_hint == "沭阳县发展和改革局2023年政府信息公开年度报告"
    assert doc.header["单位"] == "沭阳县发改局"
    assert doc.header["采集时间"] == "2025-12-30T21:37:37+08:00"
    assert doc.header["索引号"] == "014314799/2024-00002"
    assert doc.header["公开日期"] == "2024-01-17"


def test_labels_split_over_spans_are_joined() -> None:
    _, requests, _ = statistical_tables(_read("shuyang_01"))
    assert requests.rows[0][3].text == "申请人情况"
    assert requests.rows[3][0].text == "一、本年新收政府信息公开申请数量"
    headings = [b.text for b in _read("shuyang_01").blocks if isinstance(b, TextBlock)]
    assert "三、收到和处理政府信息公开申请情况" in headings


def test_fragment_without_html_tag_is_sniffed_by_extension() -> None:
    data = (CORPUS / "shgovjs_01.html").read_bytes()
    assert sniff(data, ".html") == "html"


@pytest.mark.parametrize("stem", REAL)
@pytest.mark.parametrize("declared", [None, "utf-8", "gb2312", "iso-8859-1"])
def test_gbk_copy_gives_the_same_blocks(tmp_path: Path, stem: str, declared: str | None) -> None:
    """A GB18030 copy, undeclared or declared as UTF-8 (wrong), GB2312 or Latin-1 (wrong)."""
    original = _read(stem)
    text = (CORPUS / f"{stem}.html").read_text(encoding="utf-8")
    text = text.replace('<meta charset="utf-8" />', "")
    if declared:
        text = f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">' + text
    path = tmp_path / f"{stem}.html"
    path.write_bytes(text.encode("gb18030"))
    copy = read(path)
    assert _texts(copy) == _texts(original)
    assert grid_cells(copy, label(stem)) == expected_cells(label(stem))


def test_decode_prefers_clean_utf8_over_a_gbk_declaration() -> None:
    data = '<meta charset="gbk"><p>政府信息公开</p>'.encode()
    decoded = decode(data)
    assert decoded.encoding == "utf-8" and "政府信息公开" in decoded.text
    assert decoded.warning


def test_nested_layout_tables_keep_only_the_data_table(tmp_path: Path) -> None:
    page = """<html><head><title>x</title></head><body>
    <table><tr><td><ul><li><a href="/">首页</a></li><li><a href="/a">机构</a></li></ul></td></tr>
    <tr><td><table><tr><td>
      <h2>某某局2023年政府信息公开工作年度报告</h2>
      <p>一、总体情况</p><p>本年度，我局认真贯彻落实政府信息公开条例，共主动公开信息一百二十条。</p>
      <table border="1"><tr><td rowspan="2">信息内容</td><td colspan="2">数量</td></tr>
        <tr><td>本年<br>制发</td><td>现行&nbsp;有效</td></tr>
        <tr><td>规章</td><td>&nbsp;</td><td>3</td></tr></table>
    </td></tr></table></td></tr></table>
    <div class="footer">版权所有：某某局 联系电话：0000</div></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    doc = read(path)
    assert len(tables(doc)) == 1
    assert tables(doc)[0].texts() == [
        ["信息内容", "数量", "数量"],
        ["信息内容", "本年制发", "现行有效"],
        ["规章", "", "3"],
    ]
    assert doc.blocks[0] == TextBlock("heading", "某某局2023年政府信息公开工作年度报告", doc.blocks[0].origin, 2)
    assert "首页" not in doc.text() and "版权所有" not in doc.text()


def test_clean_joins_chinese_and_keeps_other_spaces() -> None:
    assert clean(" 结果\n 维持\u00a0\u3000") == "结果维持"
    assert clean("2023 年\t\tABC  def") == "2023 年 ABC def"


def test_page_without_text_is_a_reader_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><body><script>var a = 1;</script></body></html>", encoding="utf-8")
    with pytest.raises(ReaderError):
        read(path)


# End to end through report_extract.extract.


@pytest.mark.parametrize("stem", REAL)
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_extract_gives_every_labelled_cell_and_the_labelled_checks(tmp_path: Path, stem: str, encoding: str) -> None:
    path = tmp_path / f"{stem}.html"
    path.write_bytes((CORPUS / f"{stem}.html").read_text(encoding="utf-8").encode(encoding))
    result = extracted(path)
    assert result.status == "ok"
    assert_matches_label(result, stem)
    assert result.meta["agency"] == label(stem)["meta"]["agency"]
    assert result.meta["year"] == label(stem)["meta"]["year"]


_TRS_PAGE = """<?xml version="1.0" encoding="gbk"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" content="text/html; charset=gbk" />
<title>某县人民政府2022年政府信息公开工作年度报告_某县人民政府</title></head>
<body><div class="top"><div class="wrap">欢迎访问某县人民政府网站 今天是2023年1月5日</div></div>
<div class="dqwz">当前位置：<a href="/">首页</a> &gt; <a>政务公开</a> &gt; <a>年度报告</a></div>
<div class="main"><div class="left"><div class="bt"><h2>某县人民政府2022年政府信息公开工作年度报告</h2></div>
<div class="xx">发布时间：2023-01-05 来源：县政府办 浏览次数：<span>123</span></div>
<div id="zoom" class="TRS_Editor"><p>根据《中华人民共和国政府信息公开条例》规定，现公布本机关2022年度报告。</p>
<p><strong>一、总体情况</strong></p><p>2022年，本县全年主动公开政府信息1234条，受理依申请公开56件。</p>
<div align="center"><table border="1"><tr><td colspan="3" rowspan="0">（本列数据的勾稽关系）</td>
<td colspan="abc">申请人情况</td></tr><tr><td>一、本年新收政府信息公开申请数量</td><td>５６</td></tr></table></div>
<p style="display:none">隐藏的文字</p><p>二、主动公开政府信息情况</p></div>
<div class="fx">分享到：微信 微博</div><div class="dy"><a>打印本页</a> <a>关闭窗口</a></div></div>
<div class="right"><h3>相关文章</h3><ul><li><a>某县人民政府2021年政府信息公开工作年度报告</a></li></ul></div></div>
<div class="bottom">主办单位：某县人民政府办公室 地址：某县某路1号 ICP备案号：某ICP备12345678号</div>
</body></html>"""


def test_cms_page_with_xml_declaration_and_article_container(tmp_path: Path) -> None:
    path = tmp_path / "trs.htm"
    path.write_bytes(_TRS_PAGE.encode("gbk"))
    doc = read(path)
    assert doc.title_hint == "某县人民政府2022年政府信息公开工作年度报告"
    # the info line above the article, then what the dropped footer printed
    assert doc.header == {"发布时间": "2023-01-05", "来源": "县政府办", "浏览次数": "123",
                          "主办单位": "某县人民政府办公室", "地址": "某县某路1号", "ICP备案号": "某ICP备12345678号"}  # fmt: skip
    assert [b.text for b in doc.blocks if isinstance(b, TextBlock)] == [
        "某县人民政府2022年政府信息公开工作年度报告",
        "根据《中华人民共和国政府信息公开条例》规定，现公布本机关2022年度报告。",
        "一、总体情况",
        "2022年，本县全年主动公开政府信息1234条，受理依申请公开56件。",
        "二、主动公开政府信息情况",
    ]
    assert tables(doc)[0].texts() == [
        ["（本列数据的勾稽关系）"] * 3 + ["申请人情况"],
        ["一、本年新收政府信息公开申请数量", "５６", "", ""],
    ]


def test_publication_date_in_the_page_footer(tmp_path: Path) -> None:
    """发布日期 printed in the footer the reader drops (newcomer's trial: published null);
    a date above the article wins over the footer's."""
    body = (
        "<h1>某县人民政府2022年政府信息公开工作年度报告</h1><p>一、总体情况</p>"
        + "<p>2022年，本县主动公开信息12条。</p>" * 20
    )
    for above, want in [("", "2023-01-20"), ('<div class="info">发布时间：2023-01-05</div>', "2023-01-05")]:
        path = tmp_path / "p.html"
        page = (f'<html><body><div class="nav">首页 > 政务公开</div>{above}<div class="article">{body}</div>'
                '<div class="footer">发布日期：2023-01-20\u3000皖ICP备0000000号</div></body></html>')  # fmt: skip
        path.write_text(page, encoding="utf-8")
        assert report_extract.extract(path).meta["published"] == want


def test_word_exported_html(tmp_path: Path) -> None:
    """Word's "save as web page": conditional comments, list numbers in mso-list spans,
    the article in a div whose id says "print" (a chrome word) but holds all the text."""
    page = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
    <meta http-equiv=Content-Type content="text/html; charset=gb2312"><title>x</title>
    <!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>a</o:Author></o:DocumentProperties></xml><![endif]-->
    </head><body lang=ZH-CN><div class=WordSection1 id="printContent">
    <p class=MsoNormal align=center><b><span style='font-size:22.0pt'>某局2022年政府信息公开工作年度报告<o:p></o:p></span></b></p>
    <p class=MsoListParagraph><![if !supportLists]><span style='mso-list:Ignore'>一、<span
    style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]>总体情况</p>
    <p class=MsoNormal>本年度我局认真做好信息公开工作。</p></div></body></html>"""
    path = tmp_path / "word.htm"
    path.write_bytes(page.encode("gb2312"))
    assert [b.text for b in read(path).blocks] == [
        "某局2022年政府信息公开工作年度报告",
        "一、总体情况",
        "本年度我局认真做好信息公开工作。",
    ]


@pytest.mark.parametrize("depth, warned", [(200, False), (251, False), (252, True), (300, True)])
def test_markup_nested_past_the_parser_limit_is_warned(tmp_path: Path, depth: int, warned: bool) -> None:
    """libxml2 keeps 255 levels; text below that is dropped, and the document says so
    (the body and html elements add two levels to the divs)."""
    page = tmp_path / "deep.html"
    body = "<p>示例区2023年政府信息公开工作年度报告</p>" + "<div>" * depth + "<span>深处</span>" + "</div>" * depth
    page.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    doc = read(page)
    assert any("nested deeper than 255 levels" in w for w in doc.warnings) is warned


@pytest.mark.parametrize(
    "markup", ["{a}<br>{b}", "<p>{a}</p><p>{b}</p>", "{a}<br/>\n{b}", "<span>{a}</span><br><span>{b}</span>"]
)
@pytest.mark.parametrize("value", [56, 4119, 120])
def test_a_number_wrapped_inside_its_cell_is_one_value(tmp_path: Path, markup: str, value: int) -> None:
    """<td>41<br>19</td>: a narrow cell wraps its number; within one cell there is one
    value (spec), so it is 4119.  It was taken for part of the row's label, and the cell
    read as blank, without a word (newcomer's trial)."""
    digits = str(value)
    cut = len(digits) // 2
    cell = markup.format(a=digits[:cut], b=digits[cut:])
    page = (
        "<html><body><h1>某县人民政府2023年政府信息公开工作年度报告</h1><h2>二、主动公开政府信息情况</h2><table>"
        "<tr><td>第二十条第（一）项</td><td></td><td></td><td></td></tr>"
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
        "<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>"
        "<tr><td>第二十条第（六）项</td><td></td><td></td><td></td></tr>"
        "<tr><td>信息内容</td><td>本年处理决定数量</td><td></td><td></td></tr>"
        f"<tr><td>行政处罚</td><td>{cell}</td><td></td><td></td></tr>"
        "<tr><td>行政强制</td><td>7</td><td></td><td></td></tr></table></body></html>"
    )
    path = tmp_path / "r.html"
    path.write_text(page, encoding="utf-8")
    result = report_extract.extract(path)
    assert result.value("proactive", "admin_penalty", "decisions") == value
    assert result.value("proactive", "admin_coercion", "decisions") == 7
