"""One settings object (issue 13): every limit and threshold validated in one place, set
from the environment, `--set` or the API, and reaching the stages that use it."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS

import report_extract
from report_extract import extract
from report_extract.batch.convert import Options, convert_paths, fingerprint
from report_extract.cli import main
from report_extract.reading.errors import ReaderError
from report_extract.settings import Settings, current, pinned, use

KIRO = CORPUS / "kiro_01.pdf"
TEXT = CORPUS / "000_a01111d04fa25f8f.txt"


def test_unknown_setting_is_an_error_naming_the_nearest() -> None:
    with pytest.raises(TypeError, match=r"unknown setting 'max_page' \(did you mean max_pages"):
        Settings().replace(max_page=3)
    with pytest.raises(TypeError):
        Settings(max_page=3)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"max_pages": "3"}, "max_pages must be int, not str"),
        ({"max_pages": True}, "max_pages must be int, not bool"),
        ({"max_pages": 0}, "max_pages must be at least 1"),  # a PDF has a page at least
        ({"pdf_engine": "fastest"}, "pdf_engine must be one of fast, pdfplumber, auto"),
        ({"ocr_dpi": 10}, "ocr_dpi must be at least 50"),
    ],
)
def test_values_are_validated(changes, message) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        Settings().replace(**changes)


def test_environment_variables_set_any_setting_and_typos_are_told(monkeypatch) -> None:
    monkeypatch.setenv("REPORT_EXTRACT_MAX_PAGES", "7")
    monkeypatch.setenv("REPORT_EXTRACT_PDF_SNAP", "1.5")
    s = current()
    assert (s.max_pages, s.pdf_snap) == (7, 1.5)
    assert s.changed() == {"max_pages": 7, "pdf_snap": 1.5}
    monkeypatch.setenv("REPORT_EXTRACT_MAX_PAEGS", "7")
    with pytest.raises(ValueError, match="environment variable REPORT_EXTRACT_MAX_PAEGS='7': unknown setting"):
        current()


def test_use_wins_over_the_environment_and_pinned_keeps_it(monkeypatch) -> None:
    monkeypatch.setenv("REPORT_EXTRACT_MAX_PAGES", "7")
    with use(Settings(max_pages=9)):
        assert current().max_pages == 9
        with pinned() as s:
            assert s.max_pages == 9
    with pinned() as s:
        monkeypatch.setenv("REPORT_EXTRACT_MAX_PAGES", "8")
        assert current().max_pages == 7  # the document started under 7 finishes under 7
    assert current().max_pages == 8


def test_extract_takes_settings_down_to_the_reader() -> None:
    # kiro_01 has 5 pages: a limit of 3 refuses it, the default reads it
    with pytest.raises(ReaderError, match=r"PDF has \d+ pages \(limit 3\)"):
        extract(KIRO, settings=Settings(max_pages=3))
    assert extract(KIRO).value("requests", "new_received", "total") is not None


def test_a_threshold_reaches_the_table_code() -> None:
    # A label floor above any score: no printed label says which row it is, so the tables
    # of the seed report come out otherwise than with the default floor.
    default = extract(TEXT)
    strict = extract(TEXT, settings=Settings(label_floor=1.01))
    assert [c.value for c in strict.cells] != [c.value for c in default.cells]


def test_cli_set_reaches_the_one_file_commands_and_convert(tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(main, ["extract", str(KIRO), "--set", "max_pages=3"])
    assert r.exit_code == 1 and "limit 3" in r.output and "Traceback" not in r.output
    r = runner.invoke(main, ["extract", str(KIRO), "--set", "max_page=3"])
    assert r.exit_code == 2 and "did you mean max_pages" in r.output
    r = runner.invoke(main, ["convert", str(KIRO), "-o", str(tmp_path / "out"), "--set", "max_pages=3", "-q"])
    assert r.exit_code == 0, r.output
    errors = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8")
    assert "limit 3" in errors


def test_settings_command_lists_what_is_in_force(monkeypatch) -> None:
    monkeypatch.setenv("REPORT_EXTRACT_MAX_PAGES", "500")
    out = CliRunner().invoke(main, ["settings", "--set", "ocr_dpi=200"]).output
    assert "max_pages = 500  (default 300)" in out
    assert "ocr_dpi = 200  (default 150)" in out
    assert len(out.splitlines()) == len(Settings.names())


def test_changed_settings_change_the_fingerprint_so_convert_runs_again(tmp_path: Path) -> None:
    assert fingerprint(Options()) == fingerprint(Options(settings=Settings()))
    assert fingerprint(Options()) != fingerprint(Options(settings=Settings(max_pages=3)))
    out = tmp_path / "out"
    first = convert_paths([TEXT], out, Options(jobs=1, sqlite=False))
    again = convert_paths([TEXT], out, Options(jobs=1, sqlite=False))
    other = convert_paths([TEXT], out, Options(jobs=1, sqlite=False, settings=Settings(label_floor=0.5)))
    assert (first.converted, again.skipped, other.converted) == (1, 1, 1)


def test_a_limit_or_an_output_setting_converts_nothing_again(tmp_path: Path) -> None:
    """--timeout, --memory-limit and the Parquet row group decide whether a document
    finishes or how a file is cut, not its result (newcomer's trial: a longer --timeout to
    retry the timeouts converted the whole crawl again; errors of a limit are retried on
    resume anyway, journal.RETRIED_ERRORS)."""
    base = fingerprint(Options())
    for changed in (Settings(timeout_s=600.0), Settings(memory_mb=8192), Settings(parquet_row_group=100),
                    Settings(stream_pending_mb=0)):  # fmt: skip
        assert fingerprint(Options(settings=changed)) == base, changed.changed()
    out = tmp_path / "out"
    convert_paths([TEXT], out, Options(jobs=1, sqlite=False))
    again = convert_paths([TEXT], out, Options(jobs=1, sqlite=False, settings=Settings(timeout_s=600.0)))
    assert again.skipped == 1  # resumed from the journal, not converted again


def test_every_setting_is_documented_and_read_somewhere() -> None:
    package = Path(report_extract.__file__).parent
    code = "\n".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py") if p.name != "settings.py")
    for f in dataclasses.fields(Settings):
        assert f.metadata["doc"].strip(), f.name
        # read as current().NAME, settings.NAME, or a settings object's attribute
        assert re.search(rf"\.{f.name}\b", code), f"setting {f.name} is read nowhere"


def test_no_module_keeps_a_numeric_limit_of_its_own() -> None:
    # The settings are the one place: a module-level NAME = <number> outside settings.py is
    # a constant of a file format or a drawing, listed here with the reason.
    allowed = {
        "outputs/panel.py": {"STATA_NAME", "STATA_LABEL"},  # Stata's own limits
        "outputs/xlsx.py": {"VALUE_WIDTH"},  # column width of the workbook's drawing
        "reading/guard.py": {"_INFLATE_CHUNK", "_DEFLATE_MAX_RATIO"},  # read size; deflate's own expansion limit
        "reading/pdf/reader.py": {"_EOF_WINDOW"},  # the PDF format's: %%EOF in a file's last 1024 bytes
        "batch/isolate.py": {"_CHUNK"},  # pipe read size, not a limit
        "outputs/journal.py": {"_HEAD_BYTES"},  # read size: a line's identity and a path of PATH_MAX
        "outputs/stata.py": {"LABEL_CHARS", "STRL", "STR_MAX"},  # Stata format 118's own limits and codes
        "reading/ocr/sample.py": {"NOISE_SIGMA", "SPECKS"},  # the test scans' degradation
        "views/audit.py": {"ZOOM", "RENDER_SCALE", "HEADER_PX", "CAPTION_PX", "GAP_PX", "JPEG_QUALITY"},  # drawing
        "views/diff.py": {"MIN_PREFIX"},  # a report id's shortest abbreviation
        "views/show.py": {"PLAIN_WIDTH", "NARROW"},  # a pipe's width; the terminal width below which checks are a list
    }
    package = Path(report_extract.__file__).parent
    found: dict[str, set[str]] = {}
    for p in package.rglob("*.py"):
        rel = p.relative_to(package).as_posix()
        if rel == "settings.py":
            continue
        for node in ast.parse(p.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and _numeric(node.value):
                names = [t.id for t in node.targets if isinstance(t, ast.Name) and t.id.lstrip("_").isupper()]
                found.setdefault(rel, set()).update(names)
    extra = {rel: names - allowed.get(rel, set()) for rel, names in found.items()}
    assert {rel: sorted(n) for rel, n in extra.items() if n} == {}


def _numeric(value: ast.expr) -> bool:
    """A number, or arithmetic of numbers only (256 * 1024 * 1024)."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, (int, float)) and not isinstance(value.value, bool)
    if isinstance(value, ast.BinOp):
        return _numeric(value.left) and _numeric(value.right)
    return isinstance(value, ast.UnaryOp) and _numeric(value.operand)


def test_settings_travel_to_worker_processes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    convert_paths([KIRO], out, Options(jobs=2, sqlite=False, settings=Settings(max_pages=3)))
    line = json.loads((out / "journal.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert "limit 3" in json.dumps(line, ensure_ascii=False)


def test_extract_takes_settings_as_an_object_or_a_mapping() -> None:
    # Found by a new user: settings={"max_pages": 3} failed with an AttributeError.
    with pytest.raises(ReaderError, match=r"limit 3"):
        extract(KIRO, settings={"max_pages": 3})
    with pytest.raises(TypeError, match="unknown setting 'max_page'"):
        extract(KIRO, settings={"max_page": 3})


def test_a_patterns_folder_given_after_a_first_extract_is_read(tmp_path: Path) -> None:
    """Pattern files and what is made from them (the division list, the label tables) were
    remembered per process, whatever folder was in force: an extract with
    Settings(patterns=…) after one with the shipped patterns used the shipped ones."""
    shipped = report_extract.patterns.path("meta.toml").read_text(encoding="utf-8")
    own = tmp_path / "patterns"
    own.mkdir()
    # this folder's region list leaves out the seed report's district, 牧野区
    (own / "meta.toml").write_text(shipped.replace('ignore = ["', 'ignore = ["牧野区", "', 1), encoding="utf-8")
    assert extract(TEXT).meta["region"]["county"] == "牧野区"
    assert extract(TEXT, settings=Settings(patterns=str(own))).meta["region"]["county"] is None
    assert extract(TEXT).meta["region"]["county"] == "牧野区"  # and back
