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


@pytest.mark.parametrize("pitch", [14, 18, 24])
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("tail", [False, True])
def test_rules_joined_by_the_print_between_them(pitch, seed, tail):
    """Thin rows on a blurred scan: the print between two rules, speckled and touching
    both, makes one component of them after the morphological filter.  Each rule in it is
    a rule (the second was lost, and two rows of table 3 read as one), also when blur
    leaves a rule a heavy lower edge (`tail`: its fullest row is then not its middle)."""
    import numpy as np

    from report_extract.reading.ocr.grid import rules

    rng = np.random.default_rng(seed)
    tops = [20 + pitch * k for k in range(6)]
    ink = np.zeros((tops[-1] + 40, 800), np.uint8)
    for y in range(tops[0], tops[-1]):  # print: runs 40 px long, under half of each row
        for x in rng.integers(50, 710, size=8):
            ink[y, x : x + 40] = 255
    for y in tops:
        thick = 3 if tail else 2
        ink[y : y + thick, 50:750] = 255  # rules two or three pixels thick
        if tail:
            ink[y + thick, 50:750][rng.random(700) < 0.65] = 255  # two thirds of the next row
    horizontal, _ = rules(ink, 150 / 72)
    found = sorted(y for y, x0, x1 in horizontal if x1 - x0 > 600)
    # each where it is drawn, give or take the print touching it (a quarter of a row)
    assert len(found) == len(tops) and all(abs(y - (top + 1.5)) <= pitch / 4 for y, top in zip(found, tops)), found


def test_solid_block_is_at_most_one_rule():
    """The inside of a dark band is no stack of rules."""
    import numpy as np

    from report_extract.reading.ocr.grid import rules

    ink = np.zeros((120, 800), np.uint8)
    ink[40:70, 50:750] = 255
    horizontal, _ = rules(ink, 150 / 72)
    assert len([s for s in horizontal if 40 <= s[0] <= 70]) <= 1


@pytest.mark.parametrize("height", [7.5, 8.5, 10.0, 20.0])
def test_print_of_a_thin_cell_is_found(height):
    """A lone digit in a thin row's cell (7.5-10 pt high) that the detector passed over:
    the cell's print is looked for inside its rules, not 3 pt inside (which left nothing
    of an 8 pt cell, and its value came out blank)."""
    import numpy as np

    from report_extract.reading.ocr.grid import _ink_box

    scale = 200 / 72
    box = (100.0, 100.0, 130.0, 100.0 + height)
    ink = np.zeros((400, 400), np.uint8)
    cx, cy = int(115 * scale), int((100 + height / 2) * scale)
    ink[cy - int(2.6 * scale) : cy + int(2.6 * scale), cx - 2 : cx + 2] = 255  # a "1", 5 pt high
    assert _ink_box(ink, box, scale, (0.0, 0.0)) is not None
