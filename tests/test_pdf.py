"""PDF reader: both engines on the three real PDFs, and bad input.

Values are asserted against tests/labels/*.truth.json (the printed numbers, checked by
eye against renders).  Bad-input fixtures are built here, in memory.
"""

from __future__ import annotations

import csv
import ctypes
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from conftest import SPEC_CELLS, truth
from pdf_build import fast_engine_loses_digits, save, turned
from reader_grids import tables

from report_extract import extract
from report_extract.checks.report import table_checks
from report_extract.model.document import Document, TableBlock, TextBlock
from report_extract.reading import read as read_any
from report_extract.reading.errors import ReaderError
from report_extract.reading.pdf import reader as pdf_reader
from report_extract.tables.extract import extract_tables

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
PDFS = ["kiro_01", "kiro_02", "govnianbao_01"]
ENGINES = ["fast", "pdfplumber"]
REVIEW_ROWS = ["admin_review", "litigation_direct", "litigation_after_review"]
REVIEW_COLS = ["upheld", "corrected", "other", "pending", "total"]
REQUEST_COLS = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
]
# Table-3 row keys in printed order (the order of the contract's cells.csv).
REQUEST_ROWS = [
    "new_received",
    "carried_over",
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_law_prohibited",
    "denied_security_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_admin_query",
    "unable_not_held",
    "unable_needs_creation",
    "unable_unclear",
    "not_processed_petition",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirm_reissue",
    "other_total",
    "other_no_correction",
    "other_fee_unpaid",
    "other_misc",
    "result_total",
    "carried_forward",
]
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

_cache: dict[tuple[str, str], Document] = {}


def read_pdf(name: str, engine: str) -> Document:
    if (name, engine) not in _cache:
        path = CORPUS / f"{name}.pdf"
        _cache[(name, engine)] = pdf_reader.read(path, path.read_bytes(), engine=engine)
    return _cache[(name, engine)]


def table_with(doc: Document, label: str) -> TableBlock:
    found = [t for t in tables(doc) if any(label in c.text for row in t.rows for c in row)]
    assert len(found) == 1, f"{len(found)} tables hold {label}"
    return found[0]


def value_rows(table: TableBlock, width: int) -> list[list[str]]:
    """Rows whose last `width` cells are all numbers, as those cells' texts."""
    out = []
    for row in table.rows:
        tail = [c.text for c in row[-width:]]
        if len(row) >= width and all(NUMBER.match(t) for t in tail):
            out.append(tail)
    return out


def fmt(v) -> str:
    return "" if v is None else str(v)


def test_spec_row_order_matches_contract():
    with SPEC_CELLS.open(encoding="utf-8") as f:
        keys = list(dict.fromkeys(r["row"] for r in csv.DictReader(f) if r["table"] == "requests"))
    assert keys == REQUEST_ROWS


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", PDFS)
class TestRealPdf:
    def test_document_shape(self, name: str, engine: str) -> None:
        doc = read_pdf(name, engine)
        assert doc.format == "pdf" and doc.pages == truth_pages(name)
        assert len(tables(doc)) == 3  # table 2, table 3 (over a page break), table 4
        grid = [len(r) for t in tables(doc) for r in t.rows]
        assert all(n == len(t.rows[0]) for t in tables(doc) for n in [len(r) for r in t.rows]), grid

    def test_requests_rows_in_order(self, name, engine):
        labelled = truth(name)["tables"]["requests"]
        expected = [[fmt(labelled[k][c]) for c in REQUEST_COLS] for k in REQUEST_ROWS if k in labelled]
        table = table_with(read_pdf(name, engine), "本年新收政府信息公开申请数量")
        assert value_rows(table, 7) == expected

    def test_review_row_has_15_cells(self, name, engine):
        labelled = truth(name)["tables"]["review_litigation"]
        expected = [fmt(labelled[r][c]) for r in REVIEW_ROWS for c in REVIEW_COLS]
        table = table_with(read_pdf(name, engine), "未经复议直接起诉")
        assert value_rows(table, 15) == [expected]
        assert len(table.rows[-1]) == 15

    def test_proactive_values(self, name, engine):
        labelled = truth(name)["tables"]["proactive"]
        rows = {r[0].text: [c.text for c in r[1:]] for r in table_with(read_pdf(name, engine), "本年制发件数").rows}
        reg = labelled["regulation"]
        assert rows["规章"] == [fmt(reg["issued"]), fmt(reg["repealed"]), fmt(reg["in_force"])]
        assert rows["行政许可"][0] == fmt(labelled["admin_license"]["decisions"])
        assert float(rows["行政事业性收费"][0]) == labelled["admin_fee"]["amount_wan_yuan"]

    def test_cells_carry_page_and_bbox(self, name, engine):
        doc = read_pdf(name, engine)
        for t in tables(doc):
            for row in t.rows:
                for c in row:
                    assert c.origin.page is not None and 1 <= c.origin.page <= doc.pages
                    x0, top, x1, bottom = c.origin.bbox
                    assert 0 <= x0 < x1 <= 600 and 0 <= top < bottom <= 850
        review = table_with(doc, "未经复议直接起诉")
        assert review.rows[-1][0].origin.page == {"govnianbao_01": 5}.get(name, 4)

    def test_table_split_by_page_break_is_one_table(self, name, engine):
        table = table_with(read_pdf(name, engine), "本年新收政府信息公开申请数量")
        pages = {c.origin.page for row in table.rows for c in row}
        assert len(pages) == 2
        assert any("结转下年度继续办理" in row[0].text for row in table.rows)

    def test_page_chrome_removed(self, name, engine):
        doc = read_pdf(name, engine)
        texts = [b.text for b in doc.blocks if isinstance(b, TextBlock)]
        assert not [t for t in texts if re.fullmatch(r"[-\s\d]+", t)]
        assert not re.search(r"-\s*\d\s*-", doc.text())

    def test_paragraphs_and_headings(self, name, engine):
        doc = read_pdf(name, engine)
        headings = [b.text for b in doc.blocks if isinstance(b, TextBlock) and b.kind == "heading"]
        assert headings[0].endswith("政府信息公开工作年度报告")
        for number in "一二三四五六":
            assert any(h.startswith(f"{number}、") for h in headings), number
        # Justified CJK spacing is not text; a wrapped line continues its paragraph.
        assert "号 ，" not in doc.text() and "邮 编" not in doc.text()


def truth_pages(name: str) -> int:
    return {"govnianbao_01": 6}.get(name, 5)


def test_vertical_and_wrapped_labels_read_as_words():
    doc = read_pdf("govnianbao_01", "fast")
    texts = {c.text for t in tables(doc) for row in t.rows for c in row}
    assert "三、本年度办理结果" in texts
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in texts
    assert "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" in texts
    assert {"结果维持", "尚未审结", "社会公益组织"} <= texts


def test_paragraph_continues_over_page_break():
    doc = read_pdf("kiro_01", "fast")
    assert any("严格执行“分级审核、先审后发”程序" in b.text for b in doc.blocks if isinstance(b, TextBlock))


@pytest.mark.parametrize("name", PDFS)
def test_engines_agree(name):
    fast, ref = read_pdf(name, "fast"), read_pdf(name, "pdfplumber")
    assert [t.texts() for t in tables(fast)] == [t.texts() for t in tables(ref)]
    assert [(b.kind, b.text) for b in fast.blocks if isinstance(b, TextBlock)] == [
        (b.kind, b.text) for b in ref.blocks if isinstance(b, TextBlock)
    ]


def test_registry_reads_pdf_with_auto_engine():
    path = CORPUS / "kiro_02.pdf"
    doc = read_any(path)
    assert doc.format == "pdf" and doc.sha256 and not doc.warnings
    assert [t.texts() for t in tables(doc)] == [t.texts() for t in tables(read_pdf("kiro_02", "fast"))]


def test_unknown_engine_rejected():
    with pytest.raises(ValueError, match="unknown PDF engine"):
        pdf_reader.read(Path("x.pdf"), b"%PDF-1.4", engine="nope")


# --- table geometry --------------------------------------------------------------------


def test_ruled_grid_with_a_merged_title_row():
    from report_extract.reading.pdf.grid import ruled_tables

    horizontal = [(0, 0, 300), (20, 0, 300), (40, 0, 300), (60, 0, 300)]
    vertical = [(0, 0, 60), (300, 0, 60), (100, 20, 60), (200, 20, 60)]  # no inner rules in row 1
    (cells,) = ruled_tables(horizontal, vertical)
    assert sorted(cells) == sorted(
        [(0, 0, 300, 20)] + [(x, y, x + 100, y + 20) for x in (0, 100, 200) for y in (20, 40)]
    )


def test_ruled_table_left_open_by_a_page_break_is_closed():
    from report_extract.reading.pdf.grid import ruled_tables

    # Word draws no bottom border where the table breaks to the next page.
    (cells,) = ruled_tables([(0, 0, 200), (20, 0, 200)], [(0, 0, 40), (100, 0, 40), (200, 0, 40)])
    assert (0, 20, 100, 40) in cells and (100, 20, 200, 40) in cells


def test_fragments_on_one_grid_and_repeated_header_dropped():
    from report_extract.reading.pdf.grid import RawTable, to_grid

    first = RawTable(
        1,
        [
            (0, 0, 100, 20),
            (100, 0, 300, 20),
            (0, 20, 100, 40),
            (100, 20, 200, 40),
            (200, 20, 300, 40),
            (0, 40, 100, 60),
            (100, 40, 200, 60),
            (200, 40, 300, 60),
        ],
        ["项目", "数量", "", "甲", "乙", "一、新收", "1", "2"],
    )
    second = RawTable(
        2,
        [
            (0, 0, 100, 20),
            (100, 0, 300, 20),
            (0, 20, 100, 40),
            (100, 20, 200, 40),
            (200, 20, 300, 40),
            (0, 40, 100, 60),
            (100, 40, 300, 60),
        ],
        ["项目", "数量", "", "甲", "乙", "二、结转", "3"],
    )
    rows = to_grid([first, second])
    assert [[c.text for c in r] for r in rows] == [
        ["项目", "数量", "数量"],
        ["", "甲", "乙"],
        ["一、新收", "1", "2"],
        ["二、结转", "3", "3"],
    ]
    assert [c.merged for c in rows[3]] == [False, False, True]
    assert rows[3][0].origin.page == 2 and rows[3][2].origin.bbox == (100, 40, 300, 60)


def _two_pages(second_row: list[str], spanning: bool = False):
    """Table 3's group, leaf and two value columns; page 1 ends with a row's values and the
    start of its label; page 2 starts with `second_row` (one cell across the values when
    `spanning`)."""
    from report_extract.reading.pdf.grid import RawTable, to_grid

    grid = [(0, 0, 50, 20), (50, 0, 150, 20), (150, 0, 200, 20), (200, 0, 250, 20)]
    first = RawTable(
        1, grid + [(x0, 20, x1, 40) for x0, _, x1, _ in grid], ["", "项目", "甲", "乙", "（四", "1.本", "12", "12"]
    )
    cells = [(0, 0, 50, 20), (50, 0, 250, 20)] if spanning else grid
    second = RawTable(2, cells, second_row)
    return [[c.text for c in r] for r in to_grid([first, second])]


def test_a_row_broken_across_pages_is_one_row():
    """Word lets a row break across the page: its values and the start of its label above
    the break, the rest of its label below (newcomer's trial: the row was read blank and
    its column totals failed as the report's errors)."""
    assert _two_pages(["）无法提供", "机关不掌握相关政府信息", "", ""])[-1] == [
        "（四）无法提供",
        "1.本机关不掌握相关政府信息",
        "12",
        "12",
    ]


@pytest.mark.parametrize(
    "second_row, spanning",
    [
        (["（五）不予处理", "1.信访举报投诉类申请", "", ""], False),  # a numbered row of its own, printed blank
        (["", "第二十条第（六）项"], True),  # a heading across the values (kiro_02's table 2)
    ],
)
def test_a_row_of_its_own_after_a_page_break_stays_one(second_row, spanning):
    rows = _two_pages(second_row, spanning)
    assert rows[-2] == ["（四", "1.本", "12", "12"] and len(rows) == 3


# --- end to end through the table code -------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", PDFS)
def test_every_labelled_cell(name, engine):
    assert not wrong_cells(extract_tables(read_pdf(name, engine)).cells, name)


@pytest.mark.parametrize("engine", ENGINES + ["auto"])
@pytest.mark.parametrize("name", PDFS)
def test_extract_end_to_end(name, engine):
    """report_extract.extract per engine: every labelled cell, and exactly the labelled
    failed checks (kiro_01: its printed table-4 totals; kiro_02: a prose figure)."""
    result = extract(CORPUS / f"{name}.pdf", engine=engine)
    labels = truth(name)
    assert not wrong_cells(result.cells, name)
    failed = {(c.check, c.scope) for c in result.checks if c.ok is False}
    assert failed == {(f["check"], f["scope"]) for f in labels["checks_failed"]}
    assert all(c.page for c in result.cells if not c.derived)


def test_auto_falls_back_to_pdfplumber_when_fast_tables_fail(monkeypatch):
    """The pipeline re-reads with the reference engine when the fast one's tables are
    unusable (simulated: the fast engine loses every digit)."""
    fast_engine_loses_digits(monkeypatch)
    result = extract(CORPUS / "govnianbao_01.pdf", engine="auto")
    assert any("pdfplumber" in w for w in result.warnings)
    assert result.value("requests", "new_received", "total") == 3119
    fast = extract(CORPUS / "govnianbao_01.pdf", engine="fast")
    assert fast.value("requests", "new_received", "total") is None


def without_rules(name: str) -> bytes:
    """The real PDF with every path object (all table rules) removed: a rule-less table."""
    doc = pdfium.PdfDocument(CORPUS / f"{name}.pdf")
    for i in range(len(doc)):
        page = doc[i]
        for obj in [o for o in page.get_objects(max_depth=1) if o.type == pdfium_c.FPDF_PAGEOBJ_PATH]:
            page.remove_obj(obj)
        page.gen_content()
    return save(doc)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", PDFS)
def test_borderless_tables(name, engine):
    doc = pdf_reader.read(Path(f"{name}-borderless.pdf"), without_rules(name), engine=engine)
    labelled = truth(name)["tables"]["requests"]
    expected = [[fmt(labelled[k][c]) for c in REQUEST_COLS] for k in REQUEST_ROWS if k in labelled]
    assert value_rows(table_with(doc, "本年新收政府信息公开申请数量"), 7) == expected
    assert not wrong_cells(extract_tables(doc).cells, name)


def with_running_header(name: str) -> bytes:
    """The real PDF with a running header and a "Page i of n" footer on every page."""
    doc = pdfium.PdfDocument(CORPUS / f"{name}.pdf")
    for i in range(len(doc)):
        page = doc[i]
        width, height = page.get_size()
        for text, x, y in [
            ("Annual Report 2024", 72, height - 30),
            (f"Page {i + 1} of {len(doc)}", width / 2 - 30, 20),
        ]:
            _insert_text(doc, page, text, x, y)
        page.gen_content()
    return save(doc)


def _insert_text(doc: pdfium.PdfDocument, page: pdfium.PdfPage, text: str, x: float, y: float) -> None:
    obj = pdfium_c.FPDFPageObj_NewTextObj(doc.raw, b"Helvetica", ctypes.c_float(9))
    wide = (text + "\0").encode("utf-16-le")
    pdfium_c.FPDFText_SetText(obj, ctypes.cast(ctypes.c_char_p(wide), ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
    pdfium_c.FPDFPage_InsertObject(page.raw, obj)


@pytest.mark.parametrize("engine", ENGINES)
def test_fake_bold_printed_twice_read_once(engine):
    doc = pdfium.PdfDocument(CORPUS / "kiro_01.pdf")
    page = doc[4]
    for dx, dy in [(0, 0), (0.35, 0), (0, 0.3)]:  # how WPS/Word fake a bold face
        _insert_text(doc, page, "Heavy 2024", 100 + dx, 300 + dy)
    page.gen_content()
    text = pdf_reader.read(Path("bold.pdf"), save(doc), engine=engine).text()
    assert "Heavy 2024" in text and "HHeeaavvyy" not in text and "Heavy2024" not in text


def wrong_cells(cells, name: str) -> list[tuple]:
    """Labelled cells of `name` that `cells` lack or read differently: (table, row, col,
    label, got)."""
    got = {(c.table, c.row, c.col): c.value for c in cells}
    return [
        (t, r, c, v, got.get((t, r, c), "absent"))
        for t, rows in truth(name)["tables"].items()
        for r, cols in rows.items()
        for c, v in cols.items()
        if got.get((t, r, c), "absent") != v
    ]


def assert_reads_like(doc, plain) -> None:
    """The same tables and paragraphs as the plain copy of the PDF."""
    assert [t.texts() for t in tables(doc)] == [t.texts() for t in tables(plain)]
    assert [b.text for b in doc.blocks if isinstance(b, TextBlock)] == [
        b.text for b in plain.blocks if isinstance(b, TextBlock)
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_running_header_and_footer_removed(engine):
    doc = pdf_reader.read(Path("kiro_01-header.pdf"), with_running_header("kiro_01"), engine=engine)
    assert "Annual Report" not in doc.text() and "Page " not in doc.text()
    assert_reads_like(doc, read_pdf("kiro_01", engine))


@pytest.mark.parametrize("engine", ENGINES)
def test_rotated_pages_read_as_displayed(engine):
    doc = pdf_reader.read(Path("kiro_01-rotated.pdf"), turned(CORPUS / "kiro_01.pdf"), engine=engine)
    assert_reads_like(doc, read_pdf("kiro_01", engine))


@pytest.mark.parametrize("engine", ENGINES)
def test_kiro_01_review_totals_fail_their_check(engine):
    results = table_checks(extract_tables(read_pdf("kiro_01", engine)).cells)
    failed = {(r.check, r.scope) for r in results if r.ok is False}
    assert failed == {
        ("review_litigation.total", "admin_review"),
        ("review_litigation.total", "litigation_after_review"),
    }


# --- bad input ---------------------------------------------------------------------------


def _rc4(key: bytes, data: bytes) -> bytes:
    s, j = list(range(256)), 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes = b"secret") -> bytes:
    """A one-page PDF under the standard security handler (RC4 40-bit, revision 2)."""
    pad = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
    padded = (user_password + pad)[:32]
    owner = _rc4(hashlib.md5(padded).digest()[:5], padded)
    ident = hashlib.md5(b"fixture").digest()
    perms = (-4).to_bytes(4, "little", signed=True)
    key = hashlib.md5(padded + owner + perms + ident).digest()[:5]
    user = _rc4(key, pad)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /P -4 /O <" + owner.hex().encode() + b"> /U <" + user.hex().encode() + b"> >>",
    ]
    return write_pdf(objects, b"/Encrypt 4 0 R /ID [<%s> <%s>]" % (ident.hex().encode(), ident.hex().encode()))


def write_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file of the given objects (1 is the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def image_only_pdf() -> bytes:
    from PIL import Image

    doc = pdfium.PdfDocument.new()
    page = doc.new_page(595, 842)
    image = pdfium.PdfImage.new(doc)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("RGB", (60, 80), "white")))
    image.set_matrix(pdfium.PdfMatrix().scale(595, 842))
    page.insert_obj(image)
    page.gen_content()
    return save(doc)


def blank_pdf(pages: int) -> bytes:
    doc = pdfium.PdfDocument.new()
    for _ in range(pages):
        doc.new_page(595, 842)
    return save(doc)


BAD = {
    "encrypted": (encrypted_pdf, r"^encrypted PDF: a password is needed"),
    "corrupt": (lambda: b"%PDF-1.7\n" + b"\x00\xffnot a pdf " * 50, r"^corrupt PDF: "),
    "truncated": (lambda: (CORPUS / "kiro_01.pdf").read_bytes()[:900], r"^(corrupt|empty) PDF"),
    "no pages": (
        lambda: write_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
        r"^empty PDF: it has no pages$",
    ),
    "blank pages": (lambda: blank_pdf(2), r"^empty PDF: no text and no images"),
    "image only": (image_only_pdf, r"^no text layer: OCR needed \(1 pages, 1 images"),
}


@pytest.mark.parametrize("engine", ENGINES + ["auto"])
@pytest.mark.parametrize("case", list(BAD))
def test_bad_pdf_raises_one_line(case, engine):
    make, message = BAD[case]
    with pytest.raises(ReaderError, match=message) as err:
        pdf_reader.read(Path(f"{case}.pdf"), make(), engine=engine)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("engine", ENGINES)
def test_owner_password_only_pdf_opens(engine):
    """Encrypted with an empty user password (copy/print restrictions only): readable."""
    with pytest.raises(ReaderError, match=r"^empty PDF: no text"):
        pdf_reader.read(Path("restricted.pdf"), encrypted_pdf(b""), engine=engine)


def test_encrypted_fixture_is_really_encrypted():
    data = encrypted_pdf()
    assert len(pdfium.PdfDocument(data, password="secret")) == 1
    with pytest.raises(pdfium.PdfiumError, match="password"):
        pdfium.PdfDocument(data)


# --- DOCX → PDF (LibreOffice) ------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory) -> Path:
    """The seed report as a DOCX (the template's merged layout, built by the DOCX tests'
    builder) printed to PDF by LibreOffice, as most published reports are made."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed: cannot convert DOCX to PDF")
    from docx_build import build
    from test_docx import _seed_spec as seed_spec  # the DOCX tests' builder of the seed report

    out = tmp_path_factory.mktemp("seed")
    docx = out / "000_a01111d04fa25f8f.docx"
    docx.write_bytes(build(seed_spec()))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{out}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out / "000_a01111d04fa25f8f.pdf"


@pytest.mark.parametrize("engine", ENGINES)
def test_seed_docx_printed_to_pdf(seed_pdf, engine):
    result = extract(seed_pdf, engine=engine)
    assert not wrong_cells(result.cells, "000_a01111d04fa25f8f")
    doc = pdf_reader.read(seed_pdf, seed_pdf.read_bytes(), engine=engine)
    assert value_rows(table_with(doc, "未经复议直接起诉"), 15) == [["0"] * 15]


def count_pdfplumber_reads(monkeypatch) -> list[int]:
    """Count the reference engine's readings of a PDF."""
    from report_extract.reading.pdf import plumb as pdfplumb

    calls: list[int] = []
    real = pdfplumb.read_pages

    def counted(data):
        calls.append(len(data))
        return real(data)

    monkeypatch.setattr(pdfplumb, "read_pages", counted)
    return calls


@pytest.mark.parametrize("name", PDFS)
def test_issue20_pdf_read_once_when_fast_reading_holds(name, monkeypatch):
    """Issue 20: a PDF is read once under the default engine unless its fast reading gives
    a reason to doubt it.  govnianbao_01 passes every check; kiro_01 fails its printed
    table-4 totals and kiro_02 a soft prose check, each on cleanly read cells: the report's
    own arithmetic, which a second reading would only confirm."""
    calls = count_pdfplumber_reads(monkeypatch)
    result = extract(CORPUS / f"{name}.pdf")
    assert calls == []
    assert not any("read again" in w for w in result.warnings)
    assert not wrong_cells(result.cells, name)


def test_issue20_doubt_names_its_reason(monkeypatch):
    """The fast engine losing digits leaves blank cells: the reason is given, the
    reference engine reads again once, and its reading is kept."""
    fast_engine_loses_digits(monkeypatch)
    calls = count_pdfplumber_reads(monkeypatch)
    result = extract(CORPUS / "govnianbao_01.pdf")
    assert len(calls) == 1
    assert [w for w in result.warnings if w.startswith("read again with pdfplumber, whose tables hold better")]


@pytest.mark.parametrize("damage", ["cut tail", "wrong startxref"])
def test_issue16_damaged_pdf_keeps_the_fast_reading(damage, monkeypatch, tmp_path):
    """Issue 16: PDFium repairs a PDF whose last 20 bytes are cut or whose startxref is
    wrong, pdfminer does not ("No /Root object!").  The good first reading stands: read once
    when it holds; and when it is doubted (the fast engine made to lose digits), the failed
    second reading is a warning, not the document's error."""
    data = (CORPUS / "govnianbao_01.pdf").read_bytes()
    if damage == "cut tail":
        data = data[:-20]
    else:
        start = data.rindex(b"startxref")
        data = data[:start] + b"startxref\n999999\n%%EOF\n"
    path = tmp_path / "damaged.pdf"
    path.write_bytes(data)
    with pytest.raises(ReaderError, match="No /Root object"):
        read_any(path, engine="pdfplumber")
    result = extract(path)
    assert not wrong_cells(result.cells, "govnianbao_01")
    fast_engine_loses_digits(monkeypatch)
    doubted = extract(path)
    assert any(w.startswith("second reading with pdfplumber failed") for w in doubted.warnings)


def test_extract_refuses_unknown_options():
    """Issue 13/17: a typo is an error that names the valid options, not a silent default;
    an unknown engine is refused for every format, not only PDFs."""
    with pytest.raises(TypeError, match="engin"):
        extract(CORPUS / "kiro_01.pdf", engin="fast")
    with pytest.raises(TypeError, match="engine, ocr"):
        read_any(CORPUS / "kiro_01.pdf", dpi=300)
    with pytest.raises(ValueError, match="unknown PDF engine 'fats'"):
        extract(CORPUS / "000_a01111d04fa25f8f.txt", engine="fats")
