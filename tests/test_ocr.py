"""OCR of scanned / image-only reports (issue 5).

The scanned PDFs are made here from the real corpus PDFs (`ocrsample.scanned_pdf`:
rasterised, turned 0.5-1°, noisy, no text layer), so their labels are the originals'.
The default run OCRs one document at 150 dpi (about half a minute on two cores); the
full matrix, every labelled PDF at 150 and 200 dpi, runs with TEST_OCR_FULL=1.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("rapidocr")
pytest.importorskip("cv2")

from conftest import CORPUS, truth  # noqa: E402

from report_extract import reading as readers  # noqa: E402
from report_extract.checks.report import cells_read, table_checks  # noqa: E402
from report_extract.model.document import TableBlock  # noqa: E402
from report_extract.pipeline.settle import settle  # noqa: E402
from report_extract.pipeline.stages import extract, from_document  # noqa: E402
from report_extract.reading.ocr import engine as ocr
from report_extract.reading.ocr import runtime  # noqa: E402
from report_extract.reading.ocr.grid import ScannedPage  # noqa: E402
from report_extract.reading.ocr.pages import Scans  # noqa: E402
from report_extract.reading.ocr.sample import scanned_pdf  # noqa: E402
from report_extract.reading.pdf.layout import PageContent  # noqa: E402
from report_extract.settings import current, use  # noqa: E402
from report_extract.tables.extract import extract_tables  # noqa: E402

FULL = os.environ.get("TEST_OCR_FULL") == "1"
MATRIX = [(n, d) for n in ("kiro_01", "kiro_02", "govnianbao_01") for d in (150, 200)] if FULL else [("kiro_02", 150)]
MIN_EXACT = 0.98


@pytest.fixture(scope="module")
def scans(tmp_path_factory) -> dict[tuple[str, int], Path]:
    folder = tmp_path_factory.mktemp("scans")
    out = {}
    for name, dpi in MATRIX:
        path = folder / f"{name}_{dpi}dpi.pdf"
        path.write_bytes(scanned_pdf((CORPUS / f"{name}.pdf").read_bytes(), dpi))
        out[(name, dpi)] = path
    return out


@pytest.fixture(scope="module")
def results(scans):
    return {key: extract(path) for key, path in scans.items()}


def _labelled(name: str):
    return [
        (t, r, c, v) for t, rows in truth(name)["tables"].items() for r, cols in rows.items() for c, v in cols.items()
    ]


@pytest.mark.parametrize("name,dpi", MATRIX)
def test_scans_have_no_text_layer(scans, name, dpi):
    with pytest.raises(readers.ReaderError, match=rf"^{re.escape(str(scans[(name, dpi)]))}: no text layer") as e:
        readers.read(scans[(name, dpi)], ocr="never")
    assert e.value.cause.startswith("no text layer: OCR needed")  # the file's name, then the cause


@pytest.mark.parametrize("name,dpi", MATRIX)
def test_labelled_cells_read_exactly(results, name, dpi):
    result = results[(name, dpi)]
    got = {(c.table, c.row, c.col): c.value for c in result.cells}
    labelled = _labelled(name)
    wrong = [(t, r, c, v, got.get((t, r, c), "absent")) for t, r, c, v in labelled if got.get((t, r, c), "absent") != v]
    assert 1 - len(wrong) / len(labelled) >= MIN_EXACT, wrong
    # A misread cell is never silent: it carries a warning.
    unwarned = [w for w in wrong if not any(f"{w[0]}.{w[1]}.{w[2]}" in x for x in result.warnings)]
    assert not unwarned


@pytest.mark.parametrize("name,dpi", MATRIX)
def test_every_unconfirmed_cell_warned(results, name, dpi):
    result = results[(name, dpi)]
    printed = [c for c in result.cells if not c.derived]
    assert printed and all(c.confidence is not None and c.page and c.bbox for c in printed)
    confirmed = {k for check in result.checks if check.ok for k in cells_read(check, result.cells)}
    for c in printed:
        if c.key not in confirmed:
            assert any(w.startswith(f"OCR: {c.key}") for w in result.warnings), c.key


@pytest.mark.parametrize("name,dpi", MATRIX)
def test_metadata_and_sections_from_scan(results, name, dpi):
    result = results[(name, dpi)]
    assert result.meta["year"] == truth(name)["meta"]["year"]
    assert result.status == "ok"
    assert any(s.key == "requests" for s in result.sections)


def test_models_load_from_the_wheel_without_network(monkeypatch):
    """Nothing is fetched at run time: with sockets refused, the engine still reads."""

    def refuse(*args, **kwargs):
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    import numpy as np
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(scanned_pdf((CORPUS / "kiro_01.pdf").read_bytes(), 150))
    page = pdf[2]
    # The top of the table page: table 2's 行政处罚 row (4119).
    image = np.asarray(
        page.render(scale=200 / 72, grayscale=True, crop=(0, page.get_height() - 200, 0, 40)).to_pil().convert("L")
    )
    text = "".join(c.text for c in ocr.recognise(image))
    assert "4119" in text and "行政处罚" in text
    assert Path(ocr.model_dir()).parent.name == "rapidocr"


def _table_page_image(scale: float):
    import numpy as np
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(scanned_pdf((CORPUS / "kiro_02.pdf").read_bytes(), 150))
    return np.asarray(pdf[2].render(scale=scale, grayscale=True).to_pil().convert("L"))


@pytest.mark.skipif(not runtime.openvino_installed(), reason="openvino not installed")
def test_detector_runtimes_read_a_page_alike():
    """OpenVINO runs the detector at f32 (not the bfloat16 it picks on AMX CPUs): a whole
    scanned table page of kiro_02 reads to the same characters, boxes and scores as with
    onnxruntime, and each setting has its own engine."""
    image = _table_page_image(150 / 72)
    read = {}
    for name in ("onnxruntime", "openvino"):
        with use(replace(current(), ocr_detector=name)):
            read[name] = ocr.recognise(image)
            session = ocr._engine().text_det.session
        assert isinstance(session, runtime.OpenVinoModel) == (name == "openvino")
    assert len(read["openvino"]) > 300  # the table page's digits and labels
    assert [(c.text, round(c.x0), round(c.top)) for c in read["openvino"]] == [
        (c.text, round(c.x0), round(c.top)) for c in read["onnxruntime"]
    ]
    assert [c.confidence for c in read["openvino"]] == pytest.approx(
        [c.confidence for c in read["onnxruntime"]], abs=1e-3
    )


def test_a_detector_runtime_not_installed_is_named(monkeypatch):
    monkeypatch.setattr(runtime, "openvino_installed", lambda: False)
    monkeypatch.setattr(ocr, "_ENGINES", {})  # none loaded yet
    assert runtime.detector_runtime("auto") == "onnxruntime"
    with use(replace(current(), ocr_detector="openvino")):
        with pytest.raises(ocr.OcrUnavailable, match="ocr_detector is openvino, which is not installed"):
            ocr.recognise(_table_page_image(50 / 72))


# --- the report's arithmetic settles an uncertain digit (no OCR run needed) -------------


def _doc_with_misreads(misreads: dict[tuple[str, str, str], tuple[str, float, int]]):
    """kiro_02 read from its text layer, cells replaced by OCR misreadings (key → text,
    the score of its character at `index`, the others sure), marked as the OCR reader
    marks them."""
    doc = readers.read(CORPUS / "kiro_02.pdf", engine="fast")
    values = {(v.table, v.row, v.col): v for v in extract_tables(doc).cells}
    chars: dict[int, list] = {}
    for key, (wrong, confidence, index) in misreads.items():
        value = values[key]
        cell = next(
            c
            for b in doc.blocks
            if isinstance(b, TableBlock)
            for row in b.rows
            for c in row
            if c.origin.page == value.page and c.origin.bbox == value.bbox and not c.merged
        )
        cell.text = wrong
        x0, top, x1, bottom = value.bbox
        step = (x1 - x0) / (2 * max(1, len(wrong)))
        chars.setdefault(value.page, []).extend(
            ocr.OcrChar(
                ch,
                x0 + (2 * i) * step,
                top,
                x0 + (2 * i + 1) * step,
                bottom,
                confidence if i == index % len(wrong) else 0.999,
            )
            for i, ch in enumerate(wrong)
        )
    scans = Scans(
        pages={p: [((0, 0, 595, 842), ScannedPage(PageContent(p, 595, 842, []), found))] for p, found in chars.items()}
    )
    return doc, scans, values


def _doc_with_misread(key: tuple[str, str, str], wrong: str, confidence: float):
    """One cell misread, its last character scored `confidence`."""
    doc, scans, values = _doc_with_misreads({key: (wrong, confidence, -1)})
    return doc, scans, values[key]


def test_checks_choose_between_ocr_alternatives():
    key = ("requests", "new_received", "natural_person")
    doc, scans, value = _doc_with_misread(key, "96", 0.61)  # the printed value is 95
    assert value.value == 95
    scans.mark(doc)
    assert extract_tables(doc).cells and not any("kept" in w for w in doc.warnings)  # the reader settles nothing
    settle(doc)
    fixed = {(c.table, c.row, c.col): c for c in extract_tables(doc).cells}[key]
    assert fixed.value == 95 and fixed.confidence == 0.61
    assert any("requests.new_received.natural_person read '96'" in w and "kept '95'" in w for w in doc.warnings)
    assert not [c for c in table_checks(extract_tables(doc).cells) if c.ok is False]


def test_ocr_settling_is_a_pipeline_stage():
    """issue 13: the PDF reader returns the digits as read; `from_document` settles them,
    and warns once however often it runs on the document."""
    key = ("requests", "new_received", "natural_person")
    doc, scans, _ = _doc_with_misread(key, "96", 0.61)
    scans.mark(doc)
    result = from_document(doc)
    assert {(c.table, c.row, c.col): c.value for c in result.cells}[key] == 95
    warnings = list(doc.warnings)
    from_document(doc)
    assert doc.warnings == warnings


@pytest.mark.parametrize("letter", ["a", "O", "l", "ó", "о"])
@pytest.mark.parametrize(
    "key",
    [("requests", "not_processed_duplicate", "legal_service_org"), ("requests", "partially_granted", "natural_person")],
)
def test_letter_read_for_a_digit_is_settled_by_the_checks(key, letter):
    """issue 15: a 0 read as "a" on a 120 dpi scan.  The cell stays in its column (null),
    and the one digit that makes the checks pass (0, 9) is taken, with a warning."""
    doc, scans, value = _doc_with_misread(key, letter, 0.83)
    scans.mark(doc)
    assert {(c.table, c.row, c.col): c.value for c in extract_tables(doc).cells}[key] is None
    settle(doc)
    fixed = {(c.table, c.row, c.col): c for c in extract_tables(doc).cells}[key]
    assert fixed.value == value.value
    assert any(f"{key[1]}.{key[2]} read {letter!r}" in w for w in doc.warnings)


@pytest.mark.parametrize("speck", [".", ",", "·"])
def test_speck_inside_a_count_is_settled_by_the_checks(speck):
    """A speck read inside "95" ("9.5"): a count has no point, the checks pass without it."""
    key = ("requests", "new_received", "natural_person")
    doc, scans, value = _doc_with_misread(key, f"9{speck}5", 0.52)
    scans.mark(doc)
    settle(doc)
    fixed = {(c.table, c.row, c.col): c for c in extract_tables(doc).cells}[key]
    assert value.value == 95 and fixed.value == 95
    assert any(f"new_received.natural_person read '9{speck}5'" in w and "kept '95'" in w for w in doc.warnings)


def test_specks_read_as_1_in_several_columns_are_settled_together():
    """A speck read as an uncertain "1" before the 0 of four columns of one row (seen on a
    150 dpi scan): each column's check passes with its own cell's "1" dropped, none of the
    four alone makes the row's total right, and together they do."""
    cols = ("commercial_enterprise", "research_institution", "public_welfare_org", "legal_service_org")
    keys = [("requests", "new_received", col) for col in cols]
    doc, scans, values = _doc_with_misreads({key: ("10", 0.41, 0) for key in keys})
    assert all(values[key].value == 0 for key in keys)
    scans.mark(doc)
    settle(doc)
    fixed = {(c.table, c.row, c.col): c.value for c in extract_tables(doc).cells}
    assert [fixed[key] for key in keys] == [0, 0, 0, 0]
    assert sum("read '10'" in w and "kept '0'" in w for w in doc.warnings) == 4
    assert not [c for c in table_checks(extract_tables(doc).cells) if c.ok is False]


def test_sure_digits_are_not_changed():
    key = ("requests", "new_received", "natural_person")
    doc, scans, _ = _doc_with_misread(key, "96", 0.999)
    scans.mark(doc)
    settle(doc)
    kept = {(c.table, c.row, c.col): c for c in extract_tables(doc).cells}[key]
    assert kept.value == 96  # printed as read; the failed checks report it
    assert any(w.startswith("OCR: requests.new_received.natural_person = '96'") for w in doc.warnings)


def test_unreadable_cell_is_null_with_warning():
    key = ("requests", "granted", "natural_person")
    doc, scans, value = _doc_with_misread(key, "", 0.0)
    scans.pages[value.page][0][1].unreadable.append(value.bbox)
    scans.mark(doc)
    settle(doc)
    cell = {(c.table, c.row, c.col): c for c in extract_tables(doc).cells}[key]
    assert cell.value is None and cell.confidence == 0.0
    assert any(
        "requests.granted.natural_person: the cell holds print the OCR could not read" in w for w in doc.warnings
    )


def test_cli_ocr_never_reports_the_scan(scans, tmp_path):
    from click.testing import CliRunner

    from report_extract.cli import main

    path = next(iter(scans.values()))
    out = CliRunner().invoke(main, ["extract", str(path), "--ocr", "never"])
    assert out.exit_code == 1 and "no text layer: OCR needed" in out.output


def test_table_pasted_as_image_into_a_text_pdf(tmp_path):
    """auto OCRs only the picture: the text pages and the text around it stay as they are."""
    from report_extract.reading.ocr.sample import pasted_region_pdf

    doc = readers.read(CORPUS / "kiro_01.pdf", engine="fast")
    table = next(b for b in doc.blocks if isinstance(b, TableBlock) and "本年新收" in "".join(b.texts()[3]))
    path = tmp_path / "pasted.pdf"
    path.write_bytes(
        pasted_region_pdf((CORPUS / "kiro_01.pdf").read_bytes(), table.origin.page - 1, table.origin.bbox, 150)
    )
    assert extract(path, ocr="never").status == "partial"
    result = extract(path)
    got = {(c.table, c.row, c.col): c.value for c in result.cells}
    assert all(got.get((t, r, c)) == v for t, r, c, v in _labelled("kiro_01"))
    ocred = {c.page for c in result.cells if c.confidence is not None}
    assert ocred == {table.origin.page}
    assert any(c.confidence is None for c in result.cells)  # the rest came from the text layer


# --- pictures in HTML pages and DOCX files ------------------------------------------------


def _page_picture(index: int, dpi: int = 96):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(CORPUS / "kiro_01.pdf")
    return pdf[index].render(scale=dpi / 72).to_pil().convert("L")


def test_html_page_of_table_screenshots(tmp_path):
    """Tables 2-4 of kiro_01 as screenshots (96 dpi) beside a saved HTML page."""
    for i in (1, 2, 3):
        _page_picture(i).save(tmp_path / f"p{i}.png")
    pictures = "".join(f'<p><img src="p{i}.png"></p>' for i in (1, 2, 3))
    (tmp_path / "report.html").write_text(
        "<html><head><title>洪泽区人民政府2023年政府信息公开工作年度报告</title></head><body>"
        f"<div class='article'><h1>洪泽区人民政府2023年政府信息公开工作年度报告</h1>{pictures}"
        '<p><img src="https://example.invalid/remote.png"><img src="../outside.png"></p></div></body></html>',
        encoding="utf-8",
    )
    assert extract(tmp_path / "report.html", ocr="never").status == "no_tables"
    result = extract(tmp_path / "report.html")
    got = {(c.table, c.row, c.col): c for c in result.cells}
    assert all(got[(t, r, c)].value == v for t, r, c, v in _labelled("kiro_01"))
    assert all(c.confidence is not None and c.page is None for c in result.cells if not c.derived)


def test_docx_with_an_embedded_table_picture(tmp_path):
    import io

    import docx

    word = docx.Document()
    word.add_paragraph("洪泽区人民政府2023年政府信息公开工作年度报告")
    for i in (1, 2):  # table 2 starts on page 2 and goes on on page 3
        buf = io.BytesIO()
        _page_picture(i).save(buf, "PNG")
        word.add_picture(io.BytesIO(buf.getvalue()))
    word.save(tmp_path / "report.docx")
    doc = readers.read(tmp_path / "report.docx")
    values = {(c.table, c.row, c.col): c for c in extract_tables(doc).cells}
    penalty = values[("proactive", "admin_penalty", "decisions")]
    assert penalty.value == 4119 and penalty.confidence is not None
    assert values[("requests", "new_received", "total")].value == 21


@pytest.mark.skipif(not FULL, reason="OCRs a whole text PDF: TEST_OCR_FULL=1")
def test_ocr_always_reads_a_text_pdf_from_its_pixels():
    result = extract(CORPUS / "kiro_01.pdf", ocr="always")
    got = {(c.table, c.row, c.col): c for c in result.cells}
    labelled = _labelled("kiro_01")
    exact = sum(1 for t, r, c, v in labelled if (t, r, c) in got and got[(t, r, c)].value == v)
    assert exact / len(labelled) >= MIN_EXACT
    assert all(c.confidence is not None for c in result.cells if not c.derived)


def test_pages_needing_ocr():
    """auto: scans, and text layers of unmapped glyphs (private-use code points); never a
    page with a usable text layer."""
    from report_extract.reading.ocr.pages import _needs_ocr
    from report_extract.reading.pdf.text import Char

    width, height = 595.0, 842.0
    text = PageContent(1, width, height, [Char("政", 0, 0, 10, 10)] * 50)
    garbage = PageContent(1, width, height, [Char("\ue01a", 0, 0, 10, 10)] * 50)
    scan = PageContent(1, width, height, [], images=[(0.0, 0.0, width, height)])
    pasted = PageContent(1, width, height, [Char("政", 0, 0, 10, 10)] * 50, images=[(50.0, 400.0, 550.0, 800.0)])
    whole = [(0.0, 0.0, width, height)]
    assert _needs_ocr(text, "auto") == []
    assert _needs_ocr(garbage, "auto") == whole
    assert _needs_ocr(scan, "auto") == whole
    assert _needs_ocr(pasted, "auto") == [(50.0, 400.0, 550.0, 800.0)]  # a table pasted as a picture
    assert _needs_ocr(text, "always") == whole


@pytest.mark.parametrize("name", ["kiro_01.pdf", "shuyang_01.html"])
def test_unknown_ocr_mode_is_an_error_for_every_format(name, monkeypatch):
    """A mistyped mode (here from the environment) is refused for pictures in a web page
    as for PDF pages, not taken as auto."""
    monkeypatch.setenv("REPORT_EXTRACT_OCR", "sometimes")
    with pytest.raises(
        ValueError, match="REPORT_EXTRACT_OCR='sometimes': setting ocr must be one of auto, always, never"
    ):
        readers.read(CORPUS / name)
