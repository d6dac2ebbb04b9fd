"""Plain text and Markdown readers: encodings, crawler headers, tab and pipe tables."""

from pathlib import Path

import pytest

import report_extract
from report_extract.model.document import TableBlock, TextBlock
from report_extract.reading import read, sniff

SEED = Path(__file__).parents[1] / "corpus" / "000_a01111d04fa25f8f.txt"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16", "utf-8-sig"])
def test_seed_in_every_encoding_gives_the_same_cells(tmp_path, encoding):
    text = SEED.read_text(encoding="utf-8")
    copy = tmp_path / "seed.txt"
    copy.write_bytes(text.encode(encoding))  # python's utf-16 writes a BOM
    a = report_extract.extract(SEED)
    b = report_extract.extract(copy)
    assert [(c.key, c.value) for c in a.cells] == [(c.key, c.value) for c in b.cells]
    assert b.meta["agency"] == "牧野区科技和工业信息化局"


def test_tab_lines_become_one_table_with_line_origins():
    doc = read(SEED)
    tables = [b for b in doc.blocks if isinstance(b, TableBlock)]
    requests = next(t for t in tables if "本年新收" in "".join(c.text for c in t.rows[3]))
    assert requests.rows[3][0].text == "一、本年新收政府信息公开申请数量"
    assert requests.rows[3][0].origin.line == 49  # as `grep -n` counts


def test_crawler_header_is_metadata_not_body():
    doc = read(Path(__file__).parents[1] / "corpus" / "pingtan_2021.txt")
    assert doc.header["标题"] == "平潭综合实验区2021年度政府信息公开工作年度报告"
    assert doc.header["发布时间"].startswith("2022-")
    assert not any("原文链接" in b.text for b in doc.blocks if isinstance(b, TextBlock))


def test_markdown_pipe_tables_and_headings(tmp_path):
    md = tmp_path / "r.md"
    md.write_text(
        "## 表三\n| 一、本年新收政府信息公开申请数量 | 3 | 0 |\n|---|---|---|\n| （七）总计 | 3 | 0 |\n正文\n",
        encoding="utf-8",
    )
    doc = read(md)
    assert doc.format == "md"
    assert isinstance(doc.blocks[0], TextBlock) and doc.blocks[0].kind == "heading"
    table = doc.blocks[1]
    assert isinstance(table, TableBlock) and table.texts() == [
        ["一、本年新收政府信息公开申请数量", "3", "0"],
        ["（七）总计", "3", "0"],
    ]


def test_garbled_markdown_rows_are_placed_by_order():
    """kiro_03: rows detached from their labels still land on the right keys."""
    r = report_extract.extract(Path(__file__).parents[1] / "corpus" / "kiro_03.md")
    assert r.value("requests", "denied_internal_affairs", "total") == 1  # a detached row
    assert r.value("requests", "unable_not_held", "total") == 4
    assert r.value("requests", "other_no_correction", "total") == 10


@pytest.mark.parametrize("data,suffix,fmt", [
    (b"%PDF-1.7 ...", ".html", "pdf"),
    (b"<!DOCTYPE html><html>", ".pdf", "html"),
    (b"PK\x03\x04", ".bin", "docx"),
    ("一、总体情况".encode(), ".md", "md"),
    ("一、总体情况".encode(), "", "txt"),
])  # fmt: skip
def test_format_is_picked_by_content(data, suffix, fmt):
    assert sniff(data, suffix) == fmt


def test_empty_file_is_a_clear_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(report_extract.ReaderError, match="empty file"):
        read(empty)
