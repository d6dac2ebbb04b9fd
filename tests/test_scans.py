"""OCR of generated scans, one layout trait per family (issue 15; tests/scan_build.py).

Each family's scans are printed by Chromium from a report built here, rasterised at
120-300 dpi and degraded (turned, blurred, grey paper, specks, JPEG); the report's own
numbers and agency are the truth.  The bar is the issue's: ≥ 98% of the printed cells
and the agency right (bench/bench_scans.py scores more scans per family).
"""

from __future__ import annotations

import pytest

pytest.importorskip("rapidocr")
pytest.importorskip("cv2")

from gen_reports import chromium  # noqa: E402
from scan_build import build  # noqa: E402

from report_extract.pipeline.stages import extract  # noqa: E402

pytestmark = pytest.mark.skipif(not chromium(), reason="chromium prints the generated layouts")
MIN_EXACT = 0.98


def _score(tmp_path, family: str, dpi: int | None = None):
    (doc,) = build(tmp_path, per_family=1, families=[family], dpi=dpi)
    result = extract(doc.path)
    got = {c.key: c.value for c in result.cells if not c.derived}
    wrong = [(k, v, got.get(k, "absent")) for k, v in doc.report.cells.items() if got.get(k, "absent") != v]
    return doc, result, wrong


@pytest.mark.slow
@pytest.mark.parametrize("family", ["plain", "shaded_bands", "two_line_head", "table4_alone", "bold_title", "mixed"])
def test_family_cells_and_agency(tmp_path, family):
    doc, result, wrong = _score(tmp_path, family)
    assert 1 - len(wrong) / len(doc.report.cells) >= MIN_EXACT, wrong
    assert result.meta["agency"] == doc.report.agency
    assert result.meta["year"] == doc.report.year


@pytest.mark.slow
@pytest.mark.parametrize("dpi", [120, 150, 200])
def test_thin_rows(tmp_path, dpi):
    """Rows ~20 px high at 150 dpi, wide numbers in 6.5 pt: the detector is run at a
    scale that keeps the rows apart, and strokes touching the rules leave them rules."""
    doc, result, wrong = _score(tmp_path, "thin_rows", dpi)
    assert 1 - len(wrong) / len(doc.report.cells) >= MIN_EXACT, wrong
    assert result.meta["agency"] == doc.report.agency


def test_title_strokes_are_no_table():
    """Strokes of a large title lined up are runs as long as a rule; inside a recognised
    text line they are print, not a table (the title came out as 商务2021年…工年度报告)."""
    import numpy as np

    from report_extract.reading.ocr.engine import OcrChar
    from report_extract.reading.ocr.grid import _lines, _not_text

    title = [OcrChar(ch, 100 + 40 * i, 50, 140 + 40 * i, 90, 0.99) for i, ch in enumerate("商务部年度报告")]
    horizontal = [(70.0, 110.0, 180.0), (300.0, 50.0, 600.0)]  # a stroke run, a rule under a table
    vertical = [(175.0, 55.0, 88.0), (50.0, 300.0, 500.0)]
    h, v = _not_text(horizontal, vertical, _lines(title), title, np.zeros((600, 700), np.uint8))
    assert h == [(300.0, 50.0, 600.0)] and v == [(50.0, 300.0, 500.0)]
