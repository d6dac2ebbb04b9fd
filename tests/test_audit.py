"""`report-extract audit`: the boxes of kiro_01.pdf sit on the printed numbers (checked in
the PDF's own text layer, then in a headless-Chromium screenshot of the page), and the
source view of the other formats links every canonical cell to its source cell.

UPDATE_DOCS=1 also refreshes docs/audit-kiro_01.png, the README's picture.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from pdf_build import fast_engine_loses_digits
from pdf_build import turned as rotated
from PIL import Image

from report_extract import extract
from report_extract.cli import main
from report_extract.outputs.printed import failed_keys
from report_extract.reading import read
from report_extract.views.audit import CAPTION_PX, HEADER_PX, boxes, page_tops, table_pages

ROOT = Path(__file__).resolve().parents[1]
KIRO_01 = ROOT / "corpus" / "kiro_01.pdf"
DOCS_PNG = ROOT / "docs" / "audit-kiro_01.png"
BLUE, RED = (0, 102, 255), (230, 0, 0)  # box borders: extracted / in a failed check (audit.CSS)
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--force-device-scale-factor=1"]  # fmt: skip


def audit(path: Path, out: Path) -> str:
    result = CliRunner().invoke(main, ["audit", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def kiro_01(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit") / "kiro_01.html"
    return extract(KIRO_01), out, audit(KIRO_01, out)


def _pages(result) -> list[int]:
    return table_pages(result, read(KIRO_01))


def test_page_is_self_contained(kiro_01):
    _, _, html = kiro_01
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # no network
    assert html.count('src="data:image/jpeg;base64,') == 3  # pages 2-4 hold the tables


def test_every_cell_with_a_position_has_one_box(kiro_01):
    result, _, html = kiro_01
    placed = [c for c in result.cells if c.bbox]
    assert len(placed) == len(result.cells) == 186
    assert html.count('<a class="box') == len(placed)
    ids = re.findall(r'<a class="box[^"]*" id="b-([\w.]+)"', html)
    assert sorted(ids) == sorted(c.key for c in placed)


def test_failed_check_cells_are_red(kiro_01):
    result, _, html = kiro_01
    red = set(re.findall(r'<a class="box failed[^"]*" id="b-([\w.]+)"', html))
    assert red == failed_keys(result.checks, result.cells)
    assert "review_litigation.admin_review.total" in red and len(red) == 10  # two groups of table 4


@pytest.mark.parametrize("path", sorted((ROOT / "corpus").glob("*.pdf")), ids=lambda p: p.name)
def test_boxes_cover_the_printed_numbers_in_the_pdf(path):
    """Independent of the extractor's own text: PDFium's text layer inside each box is the raw value."""
    result = extract(path)
    assert result.cells and all(c.bbox and c.page for c in result.cells if not c.derived)
    pdf = pdfium.PdfDocument(str(path))
    try:
        for c in (c for c in result.cells if not c.derived):
            page = pdf[c.page - 1]
            height = page.get_size()[1]
            x0, top, x1, bottom = c.bbox
            inside = page.get_textpage().get_text_bounded(x0, height - bottom, x1, height - top)
            assert re.sub(r"\s", "", inside) == c.raw, c.key
    finally:
        pdf.close()


@pytest.fixture(scope="module")
def screenshot(kiro_01, tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("headless Chromium not installed (Debian package chromium; scripts/setup.sh --test)")
    result, html_path, _ = kiro_01
    sizes = _page_sizes(result)
    height = int(page_tops(sizes)[-1] + sizes[-1][1] + 40)
    png = tmp_path_factory.mktemp("shot") / "kiro_01.png"
    profile = tmp_path_factory.mktemp("chromium-profile")
    subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size=1600,{height}",
            f"--screenshot={png}",
            html_path.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return Image.open(png).convert("RGB")


def _page_sizes(result) -> list[tuple[float, float]]:
    """CSS sizes of the rendered pages, as audit.render_pages computes them."""
    from report_extract.views.audit import ZOOM

    pdf = pdfium.PdfDocument(str(KIRO_01))
    try:
        return [tuple(v * ZOOM for v in pdf[n - 1].get_size()) for n in _pages(result)]
    finally:
        pdf.close()


def test_screenshot_shows_every_box_on_ink(kiro_01, screenshot):
    """In Chromium's rendering, each box's border is drawn where the cell is, and the page
    image under it has dark printed pixels (the number)."""
    result, _, _ = kiro_01
    failed = failed_keys(result.checks, result.cells)
    tops = dict(zip(_pages(result), page_tops(_page_sizes(result))))
    for b in boxes(result):
        x, y = b.left, tops[b.page] + b.top
        colour = RED if b.key in failed else BLUE
        border = screenshot.getpixel((int(x + 1), int(y + b.height / 2)))
        assert _near(border, colour), (b.key, border)
        inner = screenshot.crop((int(x + 3), int(y + 3), int(x + b.width - 3), int(y + b.height - 3)))
        assert inner.convert("L").getextrema()[0] < 110, f"{b.key}: no printed ink inside its box"
    assert HEADER_PX + CAPTION_PX == min(tops.values())


def test_screenshot_for_the_readme(kiro_01, screenshot, tmp_path):
    """A crop of page 4: the end of table 3 and table 4 with its two failed groups in red."""
    result, _, _ = kiro_01
    tops = dict(zip(_pages(result), page_tops(_page_sizes(result))))
    on_page = [b for b in boxes(result) if b.page == 4]
    left = int(min(b.left for b in on_page) - 160)
    top = int(tops[4] + min(b.top for b in on_page) - 20)
    right = int(max(b.left + b.width for b in on_page) + 20)
    bottom = int(tops[4] + max(b.top + b.height for b in on_page) + 20)
    crop = screenshot.crop((max(left, 0), top, right, bottom)).quantize(colors=64)
    target = DOCS_PNG if os.environ.get("UPDATE_DOCS") else tmp_path / DOCS_PNG.name
    crop.save(target, optimize=True)
    assert target.stat().st_size < 300_000


def _near(pixel, colour, tolerance: int = 60) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


@pytest.mark.parametrize("name", ["shgovjs_01.html", "shuyang_01.html", "kiro_03.md", "000_a01111d04fa25f8f.txt"])
def test_source_tables_link_every_cell(name, tmp_path):
    path = ROOT / "corpus" / name
    result = extract(path)
    html = audit(path, tmp_path / "a.html")
    read = set(re.findall(r'<td class="read[^"]*" id="b-([\w.]+)"', html))
    chips = set(re.findall(r'<a class="chip[^"]*" id="b-([\w.]+)"', html))
    assert read | chips == {c.key for c in result.cells if not c.derived}
    assert set(re.findall(r'<td class="v[^"]*" id="v-([\w.]+)"', html)) >= {
        c.key for c in result.cells if not c.derived
    }


def test_failed_cells_highlighted_in_a_text_source(tmp_path):
    path = ROOT / "corpus" / "pingtan_2020.txt"
    result = extract(path)
    html = audit(path, tmp_path / "a.html")
    red = set(re.findall(r'<td class="v failed[^"]*" id="v-([\w.]+)"', html))
    assert red == failed_keys(result.checks, result.cells) and "requests.result_total.total" in red
    assert "✗ FAIL" in html


def test_docx_source_tables_link_every_cell(tmp_path):
    """A DOCX copy of shuyang_01 (tests/docx_build.py): its Word tables stand on the left."""
    from docx_build import build, html_tables

    from report_extract.model.document import TableBlock

    page = ROOT / "corpus" / "shuyang_01.html"
    spans = html_tables(page)[1:]  # [0] is the CMS info table
    spec = [("table", spans.pop(0)) if isinstance(b, TableBlock) else ("p", b.text) for b in read(page).blocks]
    path = tmp_path / "shuyang_01.docx"
    path.write_bytes(build(spec))
    result = extract(path)
    assert result.source["format"] == "docx"
    html = audit(path, tmp_path / "a.html")
    read_cells = set(re.findall(r'<td class="read[^"]*" id="b-([\w.]+)"', html))
    assert read_cells == {c.key for c in result.cells if not c.derived} and len(read_cells) == 200


def test_ocr_cells_show_their_confidence(tmp_path):
    """No reader runs OCR yet; a cell that carries a confidence is boxed dashed with it."""
    from report_extract.pipeline.stages import from_document
    from report_extract.views.audit import audit_html

    doc = read(KIRO_01)
    result = from_document(doc)
    result.cells[0].confidence = 0.62
    html = audit_html(doc, result)
    key = result.cells[0].key
    assert re.search(rf'<a class="box ocr low" id="b-{re.escape(key)}"[^>]*title="[^"]*OCR 0\.62', html)


def test_rotated_pages_get_the_same_boxes(tmp_path, kiro_01):
    """A landscape page turned upright by /Rotate 90 is rendered as displayed, and its
    boxes are where they are on the plain copy."""
    _, _, plain = kiro_01
    turned = tmp_path / "kiro_01-rotated.pdf"
    turned.write_bytes(rotated(KIRO_01))  # content drawn sideways on landscape media, /Rotate 90
    html = audit(turned, tmp_path / "a.html")
    box = re.compile(r'<a class="box[^>]*>')
    assert box.findall(html) == box.findall(plain)
    assert re.findall(r'class="page" style="[^"]*"', html) == re.findall(r'class="page" style="[^"]*"', plain)


def test_audit_shows_the_reading_extract_keeps(tmp_path, monkeypatch):
    """Where the fast engine's tables fail (simulated: it loses every digit), extract
    re-reads with pdfplumber; the audit page draws that same reading, not the failed one."""
    fast_engine_loses_digits(monkeypatch)
    path = ROOT / "corpus" / "govnianbao_01.pdf"
    html = audit(path, tmp_path / "a.html")
    assert "read again with pdfplumber, whose tables hold better: every table cell is blank" in html
    assert 'title="requests.new_received.total = 3119"' in html
