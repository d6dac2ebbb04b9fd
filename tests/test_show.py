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
    for title in TITLES.values():
        assert title in out
    assert re.search(r"checks: \d+ passed, \d+ failed, \d+ not assessable", out)
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


def test_free_form_report_says_no_tables():
    out = show(str(CORPUS / "pingtan_2018.txt"))
    assert out.count("not found in this report") == 3


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
