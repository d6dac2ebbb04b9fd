"""DOCX reader: python-docx-built copies of the seed report and of shuyang_01, the blank
2021 template, numbering, text boxes, bad packages, .doc/.wps routing."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx_build import Span, build, html_tables
from reader_grids import (
    CORPUS,
    ROOT,
    assert_matches_label,
    expected_cells,
    extracted,
    flat_label,
    grid_cells,
    label,
    result_cells,
    result_checks,
    statistical_tables,
    tables,
)

from report_extract.model.document import Document, TableBlock, TextBlock
from report_extract.reading import read, sniff
from report_extract.reading.errors import ReaderError
from report_extract.reading.numbering import format_number

SEED = "000_a01111d04fa25f8f"
TEMPLATE = ROOT / "tests" / "fixtures" / "govnianbao_template_2021_blank.docx"
_NUMBER = re.compile(r"^[-+－]?\d+(?:\.\d+)?$")


def _one(text: str) -> list[Span]:
    return [(text, 1, 1)]


def _template_2021(t2: list[list[str]], t3: list[list[str]], t4: list[str]) -> list[tuple[str, list[list[Span]]]]:
    """The three tables of the 2021 template (国办公开办函〔2021〕30号) with the merges of the
    published template; `t2`, `t3`, `t4` are the value rows in printed order."""
    v = iter(t2)

    def block(item: str) -> list[Span]:
        return [(f"第二十条第（{item}）项", 1, 4)]

    def one_col(name: str) -> list[Span]:
        return [(name, 1, 1), (next(v)[0], 1, 3)]

    proactive = [
        block("一"),
        [("信息内容", 1, 1), ("本年制发件数", 1, 1), ("本年废止件数", 1, 1), ("现行有效件数", 1, 1)],
        [("规章", 1, 1)] + [(x, 1, 1) for x in next(v)],
        [("行政规范性文件", 1, 1)] + [(x, 1, 1) for x in next(v)],
        block("五"),
        [("信息内容", 1, 1), ("本年处理决定数量", 1, 3)],
        one_col("行政许可"),
        block("六"),
        [("信息内容", 1, 1), ("本年处理决定数量", 1, 3)],
        one_col("行政处罚"),
        one_col("行政强制"),
        block("八"),
        [("信息内容", 1, 1), ("本年收费金额（单位：万元）", 1, 3)],
        one_col("行政事业性收费"),
    ]
    labels: list[list[Span]] = [
        [("一、本年新收政府信息公开申请数量", 1, 3)],
        [("二、上年结转政府信息公开申请数量", 1, 3)],
        [("三、本年度办理结果", 22, 1), ("（一）予以公开", 1, 2)],
        [("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2)],
    ]
    groups = {
        "（三）不予公开": [
            "属于国家秘密",
            "其他法律行政法规禁止公开",
            "危及“三安全一稳定”",
            "保护第三方合法权益",
            "属于三类内部事务信息",
            "属于四类过程性信息",
            "属于行政执法案卷",
            "属于行政查询事项",
        ],
        "（四）无法提供": ["本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"],
        "（五）不予处理": [
            "信访举报投诉类申请",
            "重复申请",
            "要求提供公开出版物",
            "无正当理由大量反复申请",
            "要求行政机关确认或重新出具已获取信息",
        ],
        "（六）其他处理": [
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "其他",
        ],
    }
    for group, items in groups.items():
        labels.append([(group, len(items), 1), (f"1.{items[0]}", 1, 1)])
        labels.extend(_one(f"{i}.{item}") for i, item in enumerate(items[1:], start=2))
    labels += [[("（七）总计", 1, 2)], [("四、结转下年度继续办理", 1, 3)]]
    requests = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 1, 7)],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [(x, 1, 1) for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ] + [lab + [(x, 1, 1) for x in values] for lab, values in zip(labels, t3, strict=True)]
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    review = [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [(h, 2, 1) for h in heads] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(h, 1, 1) for h in heads * 2],
        [(x, 1, 1) for x in t4],
    ]
    return [("table", proactive), ("table", requests), ("table", review)]


def _seed_spec() -> list:
    """The seed text as a DOCX: its prose lines as title/headings/paragraphs and the
    numbers of its tab-separated tables poured into the real template's merged layout,
    each table right after its section heading (二、三、四), as in the text."""
    lines = (CORPUS / f"{SEED}.txt").read_text(encoding="utf-8").splitlines()
    prose: list = []
    numbers: dict[str, list[list[str]]] = {}
    section = ""
    for line in lines:
        if "\t" in line:
            values = [c.strip() for c in line.split("\t") if _NUMBER.match(c.strip())]
            if values:
                numbers.setdefault(section, []).append(values)
            continue
        text = line.strip().lstrip("- ")
        if not text:
            continue
        if not prose:
            prose.append(("title", text))
        elif re.match(r"^[一二三四五六]、", text):
            section = text[0]
            prose.append(("heading", text, 1))
        elif re.match(r"^（[一二三四五六]）", text):
            prose.append(("heading", text, 2))
        else:
            prose.append(("p", text))
    t2, t3, t4 = _template_2021(numbers["二"], numbers["三"], numbers["四"][0])
    after = {"二": t2, "三": t3, "四": t4}
    spec: list = []
    for item in prose:
        spec.append(item)
        if item[0] == "heading" and item[1][0] in after and item[2] == 1:
            spec.append(after[item[1][0]])
    return spec


def _seed_doc(tmp_path: Path):
    path = tmp_path / f"{SEED}.docx"
    path.write_bytes(build(_seed_spec()))
    return read(path)


def test_seed_docx_gives_every_labelled_cell(tmp_path: Path) -> None:
    doc = _seed_doc(tmp_path)
    assert doc.format == "docx"
    assert grid_cells(doc, label(SEED)) == expected_cells(label(SEED))
    headings = [b.text for b in doc.blocks if isinstance(b, TextBlock) and b.kind == "heading"]
    assert headings[0] == "牧野区科技和工业信息化局 2023 年政府信息公开工作年度报告"  # CJK gap dropped
    assert "三、收到和处理政府信息公开申请情况" in headings and "（二）依申请公开" in headings


def test_seed_docx_merged_header_cells(tmp_path: Path) -> None:
    proactive, requests, review = statistical_tables(_seed_doc(tmp_path))
    assert [c.merged for c in proactive.rows[0]] == [False, True, True, True]
    corner = requests.rows[0][0].text
    assert [c.text for c in requests.rows[2][:3]] == [corner] * 3 and requests.rows[2][0].merged
    outcome = [r for r in requests.rows if r[0].text == "三、本年度办理结果"]
    assert len(outcome) == 22 and all(r[0].merged for r in outcome[1:])
    assert [c.text for c in requests.rows[10][:3]] == ["三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益"]
    assert [c.text for c in review.rows[2][:2]] == ["结果维持", "结果纠正"] and review.rows[2][0].merged


def _shuyang_spec() -> list:
    html = read(CORPUS / "shuyang_01.html")
    spans = html_tables(CORPUS / "shuyang_01.html")[1:]  # [0] is the CMS info table
    spec: list = []
    for block in html.blocks:
        if isinstance(block, TableBlock):
            spec.append(("table", spans.pop(0)))
        elif block.kind == "heading":
            spec.append(("title", block.text))
        else:
            spec.append(("p", block.text))
    return spec


def _grid_with_merges(doc: Document) -> list[list[tuple[str, bool]]]:
    return [[(c.text, c.merged) for c in row] for t in tables(doc) for row in t.rows]


def test_shuyang_docx_gives_the_html_grids(tmp_path: Path) -> None:
    path = tmp_path / "shuyang_01.docx"
    path.write_bytes(build(_shuyang_spec()))
    doc = read(path)
    html = read(CORPUS / "shuyang_01.html")
    assert _grid_with_merges(doc) == _grid_with_merges(html)
    assert grid_cells(doc, label("shuyang_01")) == expected_cells(label("shuyang_01"))
    texts = [b.text for b in doc.blocks if isinstance(b, TextBlock)]
    assert texts == [b.text for b in html.blocks if isinstance(b, TextBlock)]


def test_blank_template_has_empty_tables() -> None:
    doc = read(TEMPLATE)
    assert doc.blocks[0].text == "政府信息公开工作年度报告格式模板"
    proactive, requests, review = statistical_tables(doc)
    assert len(requests.rows) == 28 and len(requests.rows[0]) == 10
    assert len(review.rows) == 4 and len(review.rows[0]) == 15
    values = [c.text for r in requests.rows[3:] for c in r[3:]] + [c.text for c in review.rows[3]]
    values += [c.text for r in proactive.rows if r[0].text in ("规章", "行政规范性文件", "行政许可") for c in r[1:]]
    assert values and set(values) == {""}  # blank, never "0"


def _numbered_doc(tmp_path: Path) -> Path:
    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            '<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
            "</w:abstractNum>"
        ),
    )
    numbering.append(
        parse_xml(
            '<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="90">'
            '<w:abstractNumId w:val="90"/></w:num>'
        )
    )
    for text, ilvl in [("总体情况", 0), ("主动公开", 1), ("依申请公开", 1), ("主动公开政府信息情况", 0)]:
        p = d.add_paragraph(text)
        p._p.get_or_add_pPr().append(
            parse_xml(
                '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f'<w:ilvl w:val="{ilvl}"/><w:numId w:val="90"/></w:numPr>'
            )
        )
    path = tmp_path / "numbered.docx"
    d.save(path)
    return path


def test_automatic_numbering_is_rendered(tmp_path: Path) -> None:
    texts = [b.text for b in read(_numbered_doc(tmp_path)).blocks]
    assert texts == ["一、总体情况", "（一）主动公开", "（二）依申请公开", "二、主动公开政府信息情况"]
    assert [format_number(n, "chineseCounting") for n in (10, 11, 20, 23)] == ["十", "十一", "二十", "二十三"]


def test_text_box_is_read_once(tmp_path: Path) -> None:
    """Word stores a text box twice (DrawingML choice + VML fallback); read it once."""
    d = docx.Document()
    p = d.add_paragraph("正文")
    box = "<w:txbxContent><w:p><w:r><w:t>文本框里的说明</w:t></w:r></w:p></w:txbxContent>"
    p._p.append(
        parse_xml(
            '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
            f'<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>{box}</w:drawing></mc:Choice>'
            f"<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        )
    )
    path = tmp_path / "box.docx"
    d.save(path)
    assert [b.text for b in read(path).blocks] == ["正文", "文本框里的说明"]


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    path = tmp_path / "book.docx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(ReaderError, match="no word/document.xml"):
        read(path)


def test_doc_and_wps_route_to_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    assert sniff(ole, ".wps") == "doc" and sniff(ole, ".doc") == "doc" and sniff(b"not ole", ".wps") == "doc"
    # an OpenDocument text whatever its name; any other zip is a DOCX (told apart by content)
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    assert sniff(odt.getvalue(), ".docx") == "odt" and sniff(build(_seed_spec()), ".odt") == "docx"
    monkeypatch.setattr("shutil.which", lambda name: None)
    path = tmp_path / "report.wps"
    path.write_bytes(ole)
    with pytest.raises(ReaderError, match="needs LibreOffice"):
        read(path)


# End to end through report_extract.extract.


def test_extract_on_the_docx_copies(tmp_path: Path) -> None:
    seed, shuyang = tmp_path / f"{SEED}.docx", tmp_path / "shuyang_01.docx"
    seed.write_bytes(build(_seed_spec()))
    shuyang.write_bytes(build(_shuyang_spec()))
    for path, stem in ((seed, SEED), (shuyang, "shuyang_01")):
        result = extracted(path)
        assert result.status == "ok" and result.source["format"] == "docx"
        assert_matches_label(result, stem)
    html = extracted(CORPUS / "shuyang_01.html")
    assert result_cells(extracted(shuyang)) == result_cells(html)


def test_blank_template_is_a_template_not_a_report_of_zeros() -> None:
    result = extracted(TEMPLATE)
    assert result.status == "template"
    cells = result_cells(result)
    assert len(cells) == len(flat_label(label(SEED)))  # every 2021 cell is found …
    assert set(cells.values()) == {None}  # … and every one is blank, never 0
    assert result_checks(result)[0] == set()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_odt_saved_by_libreoffice_gives_the_same_cells(tmp_path: Path) -> None:
    """The seed DOCX saved as OpenDocument text by LibreOffice (newcomer's trial: .odt was
    read as a broken DOCX)."""
    source = tmp_path / "seed.docx"
    source.write_bytes(build(_seed_spec()))
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "odt", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    result = extracted(tmp_path / "seed.odt")
    assert result.source["format"] == "odt"
    assert "converted from .odt to DOCX by LibreOffice" in result.warnings
    assert_matches_label(result, SEED)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_wps_converted_by_libreoffice_gives_the_same_cells(tmp_path: Path) -> None:
    """The seed DOCX saved as a binary Word 97 file (as .wps) by LibreOffice itself."""
    source = tmp_path / "seed.docx"
    source.write_bytes(build(_seed_spec()))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    wps = tmp_path / "seed.wps"
    (tmp_path / "seed.doc").rename(wps)
    doc = read(wps)
    assert doc.format == "doc"
    assert [b.text for b in doc.blocks if isinstance(b, TextBlock)] == [
        b.text for b in read(source).blocks if isinstance(b, TextBlock)
    ]
    assert_matches_label(extracted(wps), SEED)
