"""Hostile and broken input: every file ends as one clear error row or a status, within
bounded time, and the batch goes on (issue 8).  Inputs are built here, in memory or in
tmp dirs (tests/hostile_build.py); only tiny regression inputs are committed
(tests/fixtures/fuzz/)."""

from __future__ import annotations

import base64
import io
import random
import shutil
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pikepdf
import pytest
from conftest import CORPUS, rows
from docx_build import build as build_docx
from hostile_build import (
    FINAL_ACCOUNTS,
    NEWS,
    WORK_REPORT,
    chained_flate_bomb_pdf,
    deep_array_pdf,
    deep_page_tree_pdf,
    flate_bomb_pdf,
    huge_image_pdf,
    many_pages_pdf,
    rezip,
    simple_docx,
    text_pdf,
)

from report_extract import reading as readers
from report_extract.batch.convert import Options, convert_paths
from report_extract.pipeline import stages as pipeline
from report_extract.reading.pdf.borderless import borderless_tables
from report_extract.reading.pdf.text import Char
from report_extract.tables.split import splits

KIRO = (CORPUS / "kiro_01.pdf").read_bytes()
SHUYANG = (CORPUS / "shuyang_01.html").read_text(encoding="utf-8")  # declares charset="utf-8"


@dataclass(frozen=True)
class Case:
    name: str
    suffix: str
    data: bytes
    error: str | None = None  # ReaderError message part; None: a Result with `status`
    status: str | None = None


def encrypted(data: bytes, user: str) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user=user, owner="owner-secret"))
    return out.getvalue()


def junk(seed: int, n: int = 50_000) -> bytes:
    """Random bytes; a different seed per case, or convert would skip the copies as duplicates."""
    return random.Random(seed).randbytes(n)


def zip_bomb_docx() -> bytes:
    """A real DOCX with a 20 MB member of zeros (it deflates about 1000x)."""
    return rezip(simple_docx(), {}, extra={"word/media/bomb.bin": b"\0" * (20 * 1024 * 1024)})


@lru_cache(maxsize=1)
def cases() -> tuple[Case, ...]:
    # Built once per test process (the PDFs and the zip bomb take a moment to make).
    return (
        Case("zero_byte", ".pdf", b"", error="empty file"),
        Case("whitespace_only", ".txt", b" \n\t\r\n", error="empty file"),
        Case("truncated_pdf", ".pdf", KIRO[: len(KIRO) // 2], error="corrupt PDF: truncated"),
        Case("corrupt_pdf", ".pdf", b"%PDF-1.4\n" + bytes(range(256)) * 40, error="corrupt PDF"),
        Case(
            "html_error_page_as_pdf", ".pdf", b"<html><body><h1>404 Not Found</h1></body></html>", status="not_a_report"
        ),
        Case("encrypted_with_password", ".pdf", encrypted(KIRO, "secret"), error="encrypted PDF"),
        Case("encrypted_empty_password", ".pdf", encrypted(KIRO, ""), status="ok"),
        Case("pdf_50000_pages", ".pdf", many_pages_pdf(50_000), error="pages (limit"),
        Case("pdf_deep_array", ".pdf", deep_array_pdf(50_000), status="not_a_report"),
        Case("pdf_deep_page_tree", ".pdf", deep_page_tree_pdf(5_000), error="corrupt PDF"),
        Case("pdf_huge_page", ".pdf", text_pdf(media_box=b"[0 0 1000000 1000000]"), error="pt a side"),
        Case("pdf_flate_bomb_2gb", ".pdf", flate_bomb_pdf(2048), error="flate bomb"),
        Case("pdf_flate_flate_bomb_1gb", ".pdf", chained_flate_bomb_pdf(1024), error="flate bomb"),
        Case("pdf_hex_flate_flate_bomb_1gb", ".pdf", chained_flate_bomb_pdf(1024, hex_layer=True), error="flate bomb"),
        Case("pdf_huge_image", ".pdf", huge_image_pdf(200_000, 200_000), error="pixel image"),
        Case("html_gbk_declared_utf8", ".html", SHUYANG.encode("gb18030"), status="ok"),
        Case("html_gbk_no_charset", ".html", SHUYANG.replace('charset="utf-8"', "").encode("gb18030"), status="ok"),
        Case(
            "html_utf8_declared_gbk", ".html", SHUYANG.replace('charset="utf-8"', 'charset="gbk"').encode(), status="ok"
        ),
        Case(
            "html_deeply_nested",
            ".html",
            b"<div>" * 100_000 + "示例区2023年政府信息公开工作年度报告".encode() + b"</div>" * 100_000,
            error="no text",
        ),
        Case("docx_zip_bomb", ".docx", zip_bomb_docx(), error="zip bomb"),
        Case("docx_not_a_zip", ".docx", b"PK\x03\x04" + junk(1, 5000), error="zip"),
        Case("junk_as_pdf", ".pdf", junk(2), error="binary data"),
        Case("junk_as_docx", ".docx", junk(3), error="zip"),
        Case("junk_as_html", ".html", junk(4), error="binary data"),
        Case("junk_as_txt", ".txt", junk(5), error="binary data"),
        Case("news_article", ".txt", NEWS.encode(), status="not_a_report"),
        Case("government_work_report", ".txt", WORK_REPORT.encode("gb18030"), status="not_a_report"),
        Case("final_accounts_page", ".html", FINAL_ACCOUNTS.encode(), status="not_a_report"),
    )


CASE_NAMES = [c.name for c in cases()]


def outcome(path: Path) -> tuple[str, str]:
    """("error", message) or ("status", status) for one file through `pipeline.extract`."""
    try:
        return "status", pipeline.extract(path).status
    except readers.ReaderError as e:
        return "error", str(e)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_each_case_ends_clearly(name: str, tmp_path: Path) -> None:
    case = next(c for c in cases() if c.name == name)
    path = tmp_path / f"{case.name}{case.suffix}"
    path.write_bytes(case.data)
    kind, what = outcome(path)
    if case.error is not None:
        assert kind == "error" and case.error in what, (kind, what)
        assert "\n" not in what and len(what) < 300  # one clear line for errors.csv
    else:
        assert (kind, what) == ("status", case.status)


@pytest.mark.parametrize("engine", ["fast", "pdfplumber"])
def test_empty_password_pdf_reads_with_both_engines(engine: str) -> None:
    doc = readers.read("enc.pdf", encrypted(KIRO, ""), engine=engine)
    assert pipeline.from_document(doc).status == "ok"


@pytest.mark.slow
def test_batch_goes_on_through_every_hostile_file(tmp_path: Path) -> None:
    """All cases and a real report in one convert run: one row each, right file, and
    the real report is unharmed."""
    src = tmp_path / "in"
    src.mkdir()
    paths = []
    for case in cases():
        p = src / f"{case.name}{case.suffix}"
        p.write_bytes(case.data)
        paths.append(p)
    paths.append(CORPUS / "pingtan_2022.txt")
    out = tmp_path / "out"
    summary = convert_paths(paths, out, Options(jobs=2, timeout=30, memory_mb=3072, sqlite=False))
    assert not any(r["error"] in ("timeout", "memory") for r in rows(out / "errors.csv"))  # the guards stopped them
    reports = {Path(r["source_path"]).stem: r for r in rows(out / "reports.csv")}
    errors = {Path(r["source_path"]).stem: r for r in rows(out / "errors.csv")}
    # the zero-byte and whitespace files are the same content as nothing else, but both
    # count: every input is a report row or an error row, never both, never neither
    for case in cases():
        if case.error is not None:
            assert case.name in errors and case.error in errors[case.name]["message"], case.name
            assert errors[case.name]["error"] == "unreadable"
        else:
            assert reports[case.name]["status"] == case.status, case.name
    assert reports["pingtan_2022"]["status"] == "ok"
    assert summary.failed == len(errors)


# ---- limits -------------------------------------------------------------------------


def test_file_size_limit_is_checked_before_reading(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2000)
    monkeypatch.setenv("REPORT_EXTRACT_MAX_FILE_BYTES", str(1000))  # the setting, as a user sets it
    with pytest.raises(readers.ReaderError, match="file too large"):
        readers.read(path)


def test_zip_total_size_limit(monkeypatch) -> None:
    monkeypatch.setenv("REPORT_EXTRACT_MAX_UNZIPPED_BYTES", str(1000))  # the setting, as a user sets it
    with pytest.raises(readers.ReaderError, match="expands to"):
        readers.read("x.docx", simple_docx())


def test_page_limit_is_a_setting(monkeypatch) -> None:
    monkeypatch.setenv("REPORT_EXTRACT_MAX_PAGES", str(3))  # the setting, as a user sets it
    with pytest.raises(readers.ReaderError, match="limit 3"):
        readers.read("x.pdf", KIRO)


def test_utf16_text_is_not_binary() -> None:
    data = "示例区2023年政府信息公开工作年度报告\n".encode("utf-16")
    assert "示例区" in readers.read("x.txt", data).text()


# ---- regressions found by fuzzing -----------------------------------------------------


def test_borderless_table_of_zero_height_lines() -> None:
    """A mutated PDF whose glyph boxes had no height made the median line height 0 and
    the first column's words fall outside `anchors[0] + height` (ValueError: min() of an
    empty sequence).  The values here are the ones the fuzzer's input produced."""
    xs = [521.14, 549.58, 577.78, 605.98]
    rows = [
        [Char(t, x, y, x + 8, y) for t, x in zip("行次", (50.0, 60.0))] + [Char("0", x, y, x, y) for x in xs]
        for y in (100.0, 120.0, 140.0)
    ]
    found = borderless_tables(rows, right_margin=700.0)
    assert found.tables


def test_unknown_zip_version_is_a_reader_error() -> None:
    """zipfile raises NotImplementedError for a central directory claiming a zip version
    it does not know (found by fuzzing the DOCX reader)."""
    data = bytearray(simple_docx())
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 6] = 229  # "version needed to extract": 22.9
    with pytest.raises(readers.ReaderError):
        readers.read("x.docx", bytes(data))


def test_split_group_check_with_a_unit() -> None:
    """A run of digits ending in 元 in a table whose rows end in their total: the group
    check summed "3元" as an int (ValueError, found by fuzzing the PDF reader)."""
    assert splits(["123元"], ["count"] * 3, group=3) == [["1", "2", "3元"]]


def test_docx_with_a_foreign_root_element() -> None:
    """word/document.xml whose root is not w:document (a mutated namespace) reached the
    walker as a bare element without .body (AttributeError, found by fuzzing)."""
    bad = rezip(simple_docx(), {"word/document.xml": lambda x: x.replace(b"/2006/main", b"/1003/main")})
    with pytest.raises(readers.ReaderError, match="not a Word document"):
        readers.read("x.docx", bad)


def test_wrong_charset_gives_the_same_cells_and_says_so(tmp_path: Path) -> None:
    want = {c.key: c.value for c in pipeline.extract(CORPUS / "shuyang_01.html").cells}
    path = tmp_path / "gbk.html"
    path.write_bytes(SHUYANG.encode("gb18030"))
    result = pipeline.extract(path)
    assert {c.key: c.value for c in result.cells} == want
    assert any("declares charset utf-8 but is gb18030" in w for w in result.warnings)


@pytest.mark.parametrize(
    "text,status",
    [
        # a breadcrumb naming 预决算 above a free-form report's title: still a report
        (
            "首页 > 信息公开 > 财政预决算\n当前位置：预决算公开\n部门预算\n示例局2016年政府信息公开工作年度报告\n"
            "一、概述\n本年度共主动公开政府信息100条。",
            "no_tables",
        ),
        ("示例县2015年度政务公开工作报告\n一、概述\n本年度共主动公开政府信息100条。", "no_tables"),
        ("示例区2024年部门预算公开\n一、部门职责\n本部门依据《政府信息公开条例》公开预算。", "not_a_report"),
    ],
)
def test_not_a_report_rule(text: str, status: str, tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    assert pipeline.extract(path).status == status


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_junk_with_an_ole_header_as_doc(tmp_path: Path) -> None:
    """An OLE2 magic number and junk: LibreOffice imports it as text, so it ends as a
    non-report (or an error), within the budget of a real .doc conversion."""
    path = tmp_path / "junk.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk(9, 20_000))
    kind, what = outcome(path)
    assert (kind, what) == ("status", "not_a_report") or kind == "error"


def test_html_span_bomb_is_refused() -> None:
    """200 x 200 cells with colspan=1000 rowspan=1000 (80 kB of markup) would lay out
    four billion grid positions."""
    row = "<tr>" + '<td colspan="1000" rowspan="1000">1</td>' * 200 + "</tr>"
    page = f"<html><body><h1>示例区2023年政府信息公开工作年度报告</h1><table>{row * 200}</table></body></html>"
    with pytest.raises(readers.ReaderError, match="table spans expand"):
        readers.read("x.html", page.encode())


def test_docx_grid_span_bomb_is_refused() -> None:
    table = [[("1", 1, 1)] * 3] * 3  # 9 cells spanning 1000 columns each: 9000 positions
    data = build_docx([("title", "示例区2023年政府信息公开工作年度报告"), ("table", table)])
    bomb = rezip(data, {"word/document.xml": lambda x: x.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="1000"/>')})
    with pytest.raises(readers.ReaderError, match="table spans expand"):
        readers.read("x.docx", bomb)


def test_html_control_characters_next_to_removed_markup() -> None:
    """A control character in the text after a <script> made lxml refuse the text when
    the script was removed and its tail moved (ValueError, found by fuzzing)."""
    body = "本年度共主动公开政府信息一百条，收到申请十件。" * 5
    page = f"<html><body><h1>示例区2023年政府信息公开工作年度报告</h1><div><script>x</script>\x01{body}</div></body></html>"
    assert body[:20] in readers.read("x.html", page.encode()).text()


def test_long_digit_runs_are_searched_within_a_budget() -> None:
    """Row totals that reject every cut made the digit splitter try them all: 26 digits
    for a 7-cell row took 15 s, 60 digits hours.  Now bounded by split.MAX_STEPS."""
    assert splits(["9" * 60], ["count"] * 7, group=7) == []
    assert splits(["9" * 400], ["count"] * 7) == []  # too long for 7 numbers at all
    text = (
        "示例区2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量" + "9" * 60
    )
    doc = readers.read("x.txt", text.encode())
    assert pipeline.from_document(doc).status in ("partial", "no_tables")


def test_text_limit(monkeypatch) -> None:
    """A document with more text than any annual report (10 MB of text took a minute)."""
    monkeypatch.setenv("REPORT_EXTRACT_MAX_TEXT_CHARS", str(1000))  # the setting, as a user sets it
    with pytest.raises(readers.ReaderError, match="characters of text"):
        readers.read("x.txt", ("示例区2023年政府信息公开工作年度报告\n" + "正文。\n" * 1000).encode())


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares `width` x `height` pixels and holds almost no data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b"")
    )


@pytest.mark.filterwarnings("ignore:Image size")  # Pillow's DecompressionBombWarning: expected
@pytest.mark.parametrize("side", [13_000, 20_000])
def test_html_picture_bomb_is_not_decoded(side: int) -> None:
    """A data: URI picture declaring 169 or 400 million pixels: Pillow raised its
    DecompressionBombError out of the reader at 400 million; both are skipped."""
    pytest.importorskip("PIL")
    uri = "data:image/png;base64," + base64.b64encode(_png_header(side, side)).decode()
    page = (
        f'<html><body><h1>示例区2023年政府信息公开工作年度报告</h1><p>一、总体情况</p><img src="{uri}"></body></html>'
    )
    doc = readers.read("x.html", page.encode())
    assert pipeline.from_document(doc).status in ("no_tables", "not_a_report")
