"""`report-extract show`: every corpus report prints its three tables and its checks, the
labelled failed checks show as failed with both sides, and a pipe gets plain text."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SPEC_CELLS

from report_extract.cli import main
from report_extract.outputs.printed import layout

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
LABELS = Path(__file__).resolve().parent / "labels"
REPORTS = sorted(p for p in CORPUS.iterdir() if p.suffix != ".csv")
TITLES = {name: layout()[name]["title"] for name in ("proactive", "requests", "review_litigation")}


def show(*args: str, width: int = 120) -> str:
    result = CliRunner().invoke(main, ["show", *args], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.output


def failed_in_labels() -> list[tuple[Path, dict]]:
    out = []
    for label in sorted(LABELS.glob("*.truth.json")):
        stem = label.name[: -len(".truth.json")]
        source = next(p for p in REPORTS if p.stem == stem)
        out += [(source, c) for c in json.loads(label.read_text(encoding="utf-8")).get("checks_failed", [])]
    return out


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_show_prints_three_tables_and_checks(path):
    out = show(str(path))
    assert "\x1b[" not in out  # not a terminal: no ANSI codes
    if "status     no_tables" in out:  # a free-form report: its stated numbers instead of the tables
        assert "stated in the text" in out and "not found in this report" not in out
    else:
        for title in TITLES.values():
            assert title in out
    assert re.search(r"checks: \d+ passed, \d+ failed(, \d+ soft failed \(text ≠ table\))?, \d+ not assessable", out)
    if "status     ok" in out:
        assert "not found in this report" not in out
        assert "（七）总计" in out and "规范性文件" in out


@pytest.mark.parametrize(
    "source,check", failed_in_labels(), ids=lambda v: v.name if isinstance(v, Path) else f"{v['check']}[{v['scope']}]"
)
def test_labelled_failed_checks_show_as_failed(source, check):
    out = show(str(source))
    mark = "△ soft" if check["check"] == "text.requests" else "✗ FAIL"  # issue 17: soft checks told apart
    lines = [ln for ln in out.splitlines() if mark in ln and check["check"] in ln and f" {check['scope']} " in ln]
    assert len(lines) == 1, out
    assert re.search(rf"(?<![\d.]){check['left']} ≠ .*(?<![\d.]){check['right']}(?![\d.])", lines[0])


def test_failed_cells_marked_in_the_table():
    out = show(str(CORPUS / "kiro_01.pdf"), "--table", "review_litigation")
    admin_review = next(ln for ln in out.splitlines() if "行政复议" in ln and "│" in ln and "10" in ln)
    assert admin_review.count("!") == 5  # every cell of the failed group
    assert TITLES["requests"] not in out and "requests.balance" not in out


def test_not_assessable_and_ambiguous_are_marked():
    out = show(str(CORPUS / "shgovjs_01.html"))
    assert "– n/a" in out and re.search(r"checks: \d+ passed, 0 failed, [1-9]\d* not assessable", out)
    out = show(str(CORPUS / "pingtan_2019.txt"), "--table", "proactive")
    assert "~ run-together digits" in out and re.search(r"\d+~", out)
    assert "warnings (" in out


def test_free_form_report_shows_its_facts_not_three_missing_tables():
    """A pre-2019 report: its statistics table (this year, cumulative) and the figures its
    text states, with the sentences; not "(not found in this report)" three times."""
    from report_extract import extract

    path = CORPUS / "pingtan_2018.txt"
    out = show(str(path), width=80)
    assert "not found in this report" not in out and "free-form report" in out
    facts = extract(path).facts
    assert len(facts) >= 30
    table = {ln.split("│")[1].strip(): [c.strip() for c in ln.split("│")[2:5]] for ln in out.splitlines()
             if ln.startswith("│") and "指标" not in ln}  # fmt: skip
    for f in facts:
        if f.source == "table":
            col = 0 if f.period == "this_year" else 1
            assert table[f.label][col] == str(f.value) and table[f.label][2] == f.unit, f
    stated = out.split("stated in the text", 1)[1]
    for f in facts:
        if f.source != "table":
            assert re.search(rf"^{f.key} +{f.value} {f.unit}", stated, re.M), f
    assert "正文 2069 = 统计表 2069" in out  # the legacy checks' sides named too


def test_labels_line_up_in_a_120_column_terminal():
    out = show(str(CORPUS / "kiro_01.pdf"), "--table", "requests", width=120)
    rows = [ln for ln in out.splitlines() if ln.startswith("│")]
    widths = {_cells(ln) for ln in rows}
    assert len(widths) == 1  # every row's borders at the same display columns
    assert max(_display_width(ln) for ln in out.splitlines()) <= 120


def _display_width(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(line)


def _cells(line: str) -> tuple[int, ...]:
    """Display columns of the │ borders in a table row."""
    from rich.cells import cell_len

    return tuple(cell_len(line[:i]) for i, ch in enumerate(line) if ch == "│")


def test_display_layout_has_every_canonical_cell_with_its_labels():
    import csv

    from report_extract.outputs.printed import cell_labels

    labels = cell_labels()
    with open(SPEC_CELLS, encoding="utf-8", newline="") as f:
        spec = list(csv.DictReader(f))
    assert set(labels) == {f"{r['table']}.{r['row']}.{r['col']}" for r in spec}
    for r in spec:
        label = labels[f"{r['table']}.{r['row']}.{r['col']}"]
        row_leaf = r["row_label"].split(" — ")[0].split("/")[-1]
        assert row_leaf in label and r["col_label"].split("/")[-1] in label, (r, label)


def test_ocr_confidence_is_marked():
    from rich.console import Console

    from report_extract import extract
    from report_extract.views.show import show as show_result

    result = extract(CORPUS / "kiro_01.pdf")
    cell = next(c for c in result.cells if c.key == "requests.new_received.total")
    cell.confidence = 0.62
    console = Console(record=True, width=120, force_terminal=False)
    show_result(result, "requests", console)
    out = console.export_text()
    assert re.search(r"21 0\.62\?", out) and "? OCR confidence below" in out


@pytest.mark.parametrize("command", ["show", "audit"])
def test_unreadable_file_is_one_line_and_exit_1(command, tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    extra = ["-o", str(tmp_path / "a.html")] if command == "audit" else []
    result = CliRunner().invoke(main, [command, str(bad), *extra])
    assert result.exit_code == 1 and "broken.pdf:" in result.output and "Traceback" not in result.output


def _verdict_blocks(out: str) -> list[str]:
    """The checks of a narrow `show`: each verdict line with the lines wrapped under it."""
    text = out.split("\nchecks: ", 1)[1]
    blocks: list[str] = []
    for ln in text.splitlines()[1:]:
        if re.match(r"^(✓ ok|✗ FAIL|△ soft|– n/a)", ln):
            blocks.append(ln)
        elif blocks and ln.startswith("       "):
            blocks[-1] += " " + ln.strip()
    return blocks


@pytest.mark.parametrize("width", [60, 80, 100])
@pytest.mark.parametrize("name", ["kiro_01.pdf", "govnianbao_01.pdf", "shuyang_01.html"])
def test_narrow_terminal_keeps_every_column_and_number(name, width):
    """In a narrow terminal nothing is cut off: no line is wider than the terminal, table 3
    keeps its 总计 column (its values right of the last border but one), every check keeps
    its verdict, and a failed check both numbers."""
    from rich.cells import cell_len

    from report_extract import extract

    result = extract(CORPUS / name)
    out = show(str(CORPUS / name), width=width)
    assert max(cell_len(ln) for ln in out.splitlines()) <= width
    table3 = out.split(TITLES["requests"], 1)[1].split(TITLES["review_litigation"], 1)[0]
    assert "总计" in table3.replace("\n", "").replace("│", "").replace(" ", "")
    totals = {c.row: c.value for c in result.cells if c.table == "requests" and c.col == "total"}
    last_column = [ln.rsplit("│", 2)[1].strip().rstrip("!~?") for ln in table3.splitlines() if ln.startswith("│")]
    for row in ("new_received", "carried_over", "result_total"):
        assert str(totals[row]) in last_column, (row, totals[row])
    blocks = _verdict_blocks(out)
    assert len(blocks) == len(result.checks)
    for c, block in zip(result.checks, blocks):
        assert c.check in block and f"({c.scope})" in block
        if c.ok is False:
            for v in (c.left, c.right):
                assert re.search(rf"(?<![\d.]){v:g}(?![\d.])", block), (block, v)


def test_ocr_progress_on_a_terminal_only(monkeypatch, capsys):
    """Pages needing OCR are announced one by one on stderr when it is a terminal (the line
    is cleared at the end); nothing otherwise, and nothing in convert's workers."""
    from report_extract.batch import progress
    from report_extract.reading.ocr import engine as ocr
    from report_extract.reading.ocr import pages as ocrpdf
    from report_extract.reading.pdf.layout import PageContent

    class Page:
        def close(self) -> None:
            pass

    scans = [PageContent(n, 595.0, 842.0, [], images=[(0.0, 0.0, 595.0, 842.0)]) for n in (1, 2, 3)]
    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocrpdf, "_scan_region", lambda page, p, region: f"scan of page {p.number}")
    for enabled in (True, False):
        progress.ocr_pages(enabled)
        try:
            todo = [(p, ocrpdf._needs_ocr(p, "auto")) for p in scans]
            got = ocrpdf._scan_pages({i: Page() for i in range(3)}, todo)
        finally:
            progress.ocr_pages(False)
        assert sorted(got.pages) == [1, 2, 3]
        err = capsys.readouterr().err
        if enabled:
            assert [f"page {n} ({n} of 3)" in err for n in (1, 2, 3)] == [True] * 3 and err.endswith("\r\x1b[K")
        else:
            assert err == ""
    # the one-file commands turn it on only when stderr is a terminal (CliRunner's is not)
    res = CliRunner().invoke(main, ["show", str(CORPUS / "kiro_03.md")])
    assert res.exit_code == 0 and "OCR:" not in res.stderr and ocrpdf.on_page is None
    monkeypatch.setattr(progress, "wanted", lambda quiet: True)  # as on a terminal
    try:
        assert CliRunner().invoke(main, ["show", str(CORPUS / "kiro_03.md")]).exit_code == 0
        assert ocrpdf.on_page is progress.ocr_page
    finally:
        progress.ocr_pages(False)


def test_soft_checks_are_told_from_hard_ones_in_show_audit_and_xlsx(tmp_path):
    """kiro_02: its only failure is soft (the text's 17 requests of one office against the
    district's 95), kiro_01's are hard.  show counts them apart and marks the cells
    differently, the audit page classes them apart, the workbook fills them apart."""
    import openpyxl

    from report_extract import extract
    from report_extract.outputs.xlsx import FILLS

    for name, hard, soft in (("kiro_02.pdf", 0, 1), ("kiro_01.pdf", 2, 0)):
        r = extract(CORPUS / name)
        assert (r.checks_failed, r.checks_soft_failed) == (hard, soft)
        out = show(str(CORPUS / name))
        summary = re.search(r"checks: \d+ passed, (\d+) failed(?:, (\d+) soft failed)?", out)
        assert (int(summary[1]), int(summary[2] or 0)) == (hard, soft)
        assert out.count("✗ FAIL") == hard and out.count("△ soft") == soft
        table3 = out.split(TITLES["requests"], 1)[1].split(TITLES["review_litigation"], 1)[0]
        assert ("95*" in table3) == bool(soft) and "95!" not in table3  # the 总计 the text was compared with
        page = tmp_path / f"{name}.html"
        assert CliRunner().invoke(main, ["audit", str(CORPUS / name), "-o", str(page)]).exit_code == 0
        html = page.read_text(encoding="utf-8")
        assert html.count('<tr class="failed">') == hard and html.count('<tr class="soft">') == soft
        assert ('class="v soft"' in html) == bool(soft) and ('class="v failed"' in html) == bool(hard)
        book = tmp_path / f"{name}.xlsx"
        assert CliRunner().invoke(main, ["show", str(CORPUS / name), "--xlsx", str(book)]).exit_code == 0
        ws = openpyxl.load_workbook(book)["三、依申请公开"]
        colours = {c.fill.fgColor.rgb for row in ws.iter_rows() for c in row if c.fill.fill_type == "solid"}
        assert any(x.endswith(FILLS["soft"].fgColor.rgb[-6:]) for x in colours) == bool(soft)


def test_review_flag_is_shown_beside_the_checks(tmp_path):
    """kiro_03 (Markdown from a PDF converter): table 2's blocks were moved out of the grid,
    so the tool flags it for review; show and the audit page say so next to its failed
    check (found by a new user: the flag was only in reports.csv).  kiro_01 needs none."""
    from report_extract import extract

    flagged, clean = extract(CORPUS / "kiro_03.md"), extract(CORPUS / "kiro_01.pdf")
    assert flagged.review and not clean.review
    out = show(str(CORPUS / "kiro_03.md"))
    line = next(x for x in out.splitlines() if x.startswith("review"))
    assert "needed" in line and "cells_off_grid" in line
    assert not any(x.startswith("review ") for x in show(str(CORPUS / "kiro_01.pdf")).splitlines())
    page = tmp_path / "kiro_03.html"
    assert CliRunner().invoke(main, ["audit", str(CORPUS / "kiro_03.md"), "-o", str(page)]).exit_code == 0
    assert '<span class="review">review needed: cells_off_grid' in page.read_text(encoding="utf-8")
