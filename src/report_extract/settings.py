"""Every limit, threshold and environment variable of report_extract, in one object.

In the style of pdfplumber's `TableSettings`: one frozen dataclass whose fields carry their
default, unit and meaning, validated when made (an unknown name or a value of the wrong
type or range is an error, never a silent default).  The README's settings table is
generated from it (`python -m report_extract.settings`).

Where a value comes from, later wins:
1. the default below;
2. the environment: `REPORT_EXTRACT_<NAME>` for any field (`REPORT_EXTRACT_MAX_PAGES=500`);
   an unknown `REPORT_EXTRACT_*` variable is an error, so a typo is told, not ignored;
3. the caller: `extract(path, settings=Settings(max_pages=500))`, or the CLI's
   `--set max_pages=500` (every command that reads documents).

The stages read the settings in force with `current()`.  `use(settings)` puts them in
force for a block; an entry point that may be called on its own (`reading.read`,
`pipeline.stages.extract_document`) pins the environment's settings with `pinned()`, so
the settings cannot change half-way through a document.  Worker processes get the
batch's settings with each task.

Constants of a file format (Stata's 32-letter names) or of a page's drawing (the audit
page's zoom) are not settings: changing them would break the file, not tune the tool.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

ENV_PREFIX = "REPORT_EXTRACT_"
MiB = 1024 * 1024


def setting(
    default: Any, group: str, doc: str, *, minimum: float | None = 0, choices: tuple = (), result: bool = True
) -> Any:
    """A field with its documentation: `group` orders the README table, `doc` is its text.
    `result`: whether a document's result can depend on it (the journal's fingerprint holds
    those that can; a time or memory limit decides only whether a document finishes, and
    such errors are tried again on resume anyway)."""
    meta = {"group": group, "doc": doc, "minimum": minimum, "choices": choices, "result": result}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Settings:
    # -- Reading: which engine, which pages are OCR'd, where the patterns are -------------
    pdf_engine: str = setting(
        "auto", "reading", "PDF engine: `fast` (pypdfium2), `pdfplumber`, or `auto` (fast, then "
        "pdfplumber when the fast reading gives a reason to doubt it).",
        choices=("fast", "pdfplumber", "auto"),
    )  # fmt: skip
    ocr: str = setting(
        "auto", "reading", "Which PDF pages and pictures are OCR'd: `auto` (pages without a usable "
        "text layer, pictures of text), `always`, `never`.", choices=("auto", "always", "never"),
    )  # fmt: skip
    meta_column_match: float = setting(
        0.7, "reading", "`convert --meta`: a column this alike (difflib ratio) to a metadata field it is not, and "
        "of about its length, is a typo of it (yaer for year), an error; other columns are the CSV's own.", result=False,
    )  # fmt: skip
    patterns: str = setting(
        "", "reading", "A folder of pattern files that replaces the shipped `patterns/` (empty: the "
        "shipped ones).", minimum=None,
    )  # fmt: skip
    # -- Limits on one document: hostile input stops here --------------------------------
    timeout_s: float = setting(
        120.0, "limits", "Seconds one document may take (`convert --timeout`); 0: no limit.", result=False
    )
    memory_mb: int = setting(
        4096, "limits", "Address space of the process reading one document, in MB (`convert --memory-limit`); 0: no limit.",
        result=False,
    )  # fmt: skip
    max_file_bytes: int = setting(
        256 * MiB, "limits", "Larger files are not read (a real report, even a scan, is far smaller)."
    )
    max_text_chars: int = setting(
        500_000, "limits", "More text than this (characters, tables included) is not an annual report (the longest have about 60 000)."
    )  # fmt: skip
    max_pages: int = setting(
        300, "limits", "PDFs with more pages are refused before any page is read (reports have 5-40).", minimum=1
    )
    max_page_side: float = setting(
        14400.0, "limits", "A PDF page side longer than this (points; the PDF 1.7 limit) is refused: rendering it needs an absurd bitmap."
    )  # fmt: skip
    max_image_pixels: int = setting(
        150_000_000, "limits", "An embedded image with more pixels is refused (a 600 dpi A4 scan has 35 million)."
    )  # fmt: skip
    max_stream_bytes: int = setting(
        100 * MiB, "limits", "A PDF stream inflating to more than this is a bomb (real reports' largest are CJK fonts of 10-30 MB)."
    )  # fmt: skip
    max_streams_bytes: int = setting(256 * MiB, "limits", "All inflated PDF streams of one file together.")
    max_unzipped_bytes: int = setting(
        300 * MiB, "limits", "DOCX: the members' uncompressed sizes together, as the zip declares."
    )
    max_zip_ratio: int = setting(
        200, "limits", "DOCX: a member expanding more times than this is a zip bomb (Word's XML compresses 5-20×)."
    )  # fmt: skip
    zip_ratio_floor_bytes: int = setting(
        MiB, "limits", "DOCX members smaller than this uncompressed are exempt from `max_zip_ratio`."
    )
    max_zip_members: int = setting(10_000, "limits", "DOCX: a zip with more members is refused.")
    max_docx_xml_bytes: int = setting(200 * MiB, "limits", "DOCX: a larger uncompressed document.xml is a bomb.")
    binary_probe_bytes: int = setting(
        8192, "limits", "Text formats: a NUL byte this near the start means binary data (UTF-16 with a BOM is let through)."
    )  # fmt: skip
    max_html_depth: int = setting(255, "limits", "HTML: libxml2 builds no tree below this depth (huge_tree stays off).")
    max_html_span: int = setting(1000, "limits", "HTML: a rowspan or colspan above this is taken as 1.")
    max_span_growth: int = setting(
        20, "limits", "HTML/DOCX: table grid positions per printed cell (merged cells repeat); real tables have fewer than 3."
    )  # fmt: skip
    grid_floor: int = setting(2000, "limits", "HTML/DOCX: grid positions allowed on top of `max_span_growth`.")
    office_timeout_s: float = setting(
        180.0, "limits", "Seconds LibreOffice may take to turn a .doc/.wps/.odt into DOCX."
    )
    # -- Search limits of the table code: past them the most plausible reading is kept ----
    split_max_candidates: int = setting(
        5000, "search", "A run-together row with more candidate splits says too little to be resolved."
    )  # fmt: skip
    split_max_steps: int = setting(
        20_000, "search", "Cut positions tried at most when splitting a run of digits (real rows need at most 1000)."
    )  # fmt: skip
    split_max_part_chars: int = setting(
        20, "search", "No printed number is longer: a run too long for its cells at this width has no split."
    )
    fit_max_readings: int = setting(
        200, "search", "A row that splits more ways than this keeps only its most plausible reading (marked ambiguous)."
    )  # fmt: skip
    tables_exhaustive: int = setting(
        2000, "search", "Combinations of ambiguous rows tried one by one against the column checks."
    )
    legacy_max_steps: int = setting(
        200_000, "search", "Pre-2019 tables: branches searched when a group's 其中 sums choose between its rows' splits."
    )  # fmt: skip
    label_floor: float = setting(
        0.45, "search", "Below this match score a printed label says nothing about which row it is."
    )
    turned_head_rows: int = setting(
        3, "search", "A table printed turned (its rows as columns) has its header among its first this many grid rows."
    )
    align_skip_row: float = setting(
        -0.5, "search", "Cost of dropping a printed row when aligning rows to keys (page numbers, stray figures).", minimum=None
    )  # fmt: skip
    align_skip_key: float = setting(
        -1.0, "search", "Cost of a key the report did not print (or that could not be seen).", minimum=None
    )  # fmt: skip
    # -- Text decoding and HTML --------------------------------------------------------------
    utf8_evidence_bytes: int = setting(
        6, "text", "A line is UTF-8 evidence when it holds at least this many non-ASCII bytes that decode as UTF-8."
    )  # fmt: skip
    utf8_damage_share: float = setting(
        0.25, "text", "A line that is not valid UTF-8 is damaged UTF-8 (not GBK) when at most this share of its non-ASCII bytes is invalid."
    )  # fmt: skip
    aligned_min_rows: int = setting(
        3, "text", "Space-aligned text tables: value lines (of two values or more) that show a block's columns without a header."
    )  # fmt: skip
    aligned_max_gap: int = setting(
        3, "text", "Space-aligned text tables: lines without values a block spans (wrapped labels, sub-headers)."
    )  # fmt: skip
    aligned_head_lines: int = setting(
        3, "text", "Space-aligned text tables: header lines above a block that name its columns."
    )
    aligned_slack: float = setting(
        0.4, "text", "Space-aligned text tables: a value's centre may miss its column's by this share of the column gap."
    )  # fmt: skip
    html_marker_share: float = setting(
        0.3,
        "text",
        "HTML: an article container (class names in reading/html.py) counts when it holds this share of the page's text.",
    )
    html_body_share: float = setting(
        0.8, "text", "HTML: the article body holds at least this share of the page's own (non-link) text."
    )
    # -- PDF layout (points, or multiples of a character's height) --------------------------
    pdf_space_gap: float = setting(
        0.25, "pdf", "A gap between characters wider than this (× character height) is a space."
    )
    pdf_cjk_space_gap: float = setting(
        1.0, "pdf", "Next to a Chinese character a gap is a space only this wide (× height): justified lines widen gaps."
    )  # fmt: skip
    pdf_line_overlap: float = setting(
        0.5, "pdf", "Characters are on one line when their centres differ by less than this × height."
    )
    pdf_dedupe_tolerance: float = setting(
        1.0, "pdf", "Fake bold: the same glyph printed again shifted by less than this (points)."
    )
    pdf_snap: float = setting(
        2.5, "pdf", "Table edges closer than this (points) are one edge (Word draws a border per cell)."
    )
    pdf_join: float = setting(
        3.0, "pdf", "A ruling gap up to this long (points) is still one line (dashed, per-cell borders)."
    )
    pdf_thin: float = setting(3.0, "pdf", "A path or filled rectangle at most this thick (points) is a rule.")
    pdf_min_blank_extent: float = setting(
        5.0, "pdf", "A blank row or column narrower than this (points) is an artefact of double rules."
    )  # fmt: skip
    pdf_axis_tolerance: float = setting(
        1.0, "pdf", "A path segment whose ends differ by less than this across its direction is straight."
    )  # fmt: skip
    pdf_loose_max_ratio: float = setting(
        3.0, "pdf", "A character box taller than this × the page's median comes from broken font metrics."
    )  # fmt: skip
    pdf_max_form_depth: int = setting(4, "pdf", "Form XObjects nested deeper than this are not read for tables.")
    pdf_margin_zone: float = setting(
        0.09, "pdf", "Lines within this share of the page height from the top or bottom may be page chrome."
    )  # fmt: skip
    pdf_indent: float = setting(
        0.9, "pdf", "A line starting this many character heights right of the margin starts a paragraph."
    )
    pdf_short_line: float = setting(
        1.5, "pdf", "A line ending this many character heights left of the margin ends its paragraph."
    )
    pdf_paragraph_gap: float = setting(
        1.2, "pdf", "A vertical gap larger than this × line height separates paragraphs."
    )
    pdf_heading_max_chars: int = setting(
        40, "pdf", "Single-line paragraphs up to this long that are numbered or printed larger are headings."
    )  # fmt: skip
    borderless_max_row_gap: float = setting(
        3.0, "pdf", "Tables without rules: lines further apart (× line height) are not one table."
    )
    borderless_max_header_gap: float = setting(
        4.5, "pdf", "Tables without rules: header rows may stand this far above the first value line."
    )
    borderless_attach: float = setting(
        1.6, "pdf", "Tables without rules: a label-only line this close (× line height) to a value line is part of its label."
    )  # fmt: skip
    borderless_max_header_lines: int = setting(
        8, "pdf", "Tables without rules: header lines taken above the first value line."
    )
    borderless_min_value_lines: int = setting(
        2, "pdf", "Tables without rules: value lines a table needs (or one wide row)."
    )
    borderless_min_wide_row: int = setting(
        3, "pdf", "Tables without rules: numbers on one line that make it a table by itself."
    )
    # -- OCR ----------------------------------------------------------------------------------
    ocr_dpi: int = setting(150, "ocr", "Resolution PDF pages are rendered at for OCR.", minimum=50)
    ocr_max_dpi: int = setting(
        300, "ocr", "A scan of more pixels per inch than ocr_dpi is rendered at its own resolution, up to this.", minimum=50
    )  # fmt: skip
    ocr_threads: int = setting(
        1, "ocr", "Threads of the OCR runtimes (onnxruntime, OpenVINO) per process; 0: all cores."
    )
    ocr_detector: str = setting(
        "auto", "ocr", "Runtime of the text detector: `openvino` (a quarter of onnxruntime's CPU, the same f32 "
        "results), `onnxruntime`, or `auto` (openvino when installed).", choices=("auto", "openvino", "onnxruntime"),
    )  # fmt: skip
    ocr_detect_side: int = setting(
        1024, "ocr", "Text is found on the page scaled to at most this many pixels (lines are read at full size)."
    )  # fmt: skip
    ocr_min_detect_row: int = setting(
        24, "ocr", "Table rows closer than this (pixels at the detection scale) run together: such pages are detected larger."
    )  # fmt: skip
    ocr_rec_min_width: int = setting(
        160, "ocr", "Text lines are padded to at least this width (pixels) for recognition."
    )
    ocr_rec_batch: int = setting(
        1, "ocr", "Text lines recognised in one call of the model; each is padded to the widest of its call.", minimum=1
    )  # fmt: skip
    ocr_print_level: int = setting(
        128, "ocr", "Pixels darker than this grey level are print (the printed area is detected only)."
    )
    ocr_min_print_pixels: int = setting(8, "ocr", "A pixel row or column with fewer dark pixels is not print (specks).")
    ocr_print_margin: int = setting(24, "ocr", "Pixels added around the printed area.")
    ocr_text_score_floor: float = setting(
        0.2, "ocr", "Text boxes scored below this are dropped (weaker ones are kept as uncertain readings)."
    )  # fmt: skip
    ocr_char_sure: float = setting(
        0.95, "ocr", "A character scored below this is uncertain (clean print scores above 0.99)."
    )
    ocr_letter_score: float = setting(
        0.5,
        "ocr",
        "A letter read where a digit belongs (O for 0) keeps at most this confidence, as an uncertain digit.",
    )
    ocr_settle_rounds: int = setting(6, "ocr", "Rounds of settling uncertain digits by the report's arithmetic.")
    ocr_max_skew: float = setting(3.0, "ocr", "Skew searched, ± degrees.")
    ocr_skew_width: int = setting(800, "ocr", "Deskew is judged on the page scaled to this width (pixels).")
    ocr_min_rule_pt: float = setting(
        16.0, "ocr", "A rule in an image is a straight dark run at least this long (points)."
    )
    ocr_max_rule_width_pt: float = setting(
        2.0, "ocr", "A thicker straight run is a stroke of a large character, not a rule (points)."
    )
    ocr_rule_fill: float = setting(
        0.85, "ocr", "A run thicker than a rule is a rule still when a rule-thick band runs along this share of it."
    )  # fmt: skip
    ocr_pitch_rule: float = setting(
        0.3, "ocr", "Row pitch is measured between rules at least this share of the page's width long."
    )
    ocr_min_row_px: int = setting(
        6, "ocr", "Rules closer than this (pixels) are one rule drawn twice, for the row pitch."
    )
    ocr_pitch_percentile: float = setting(
        10.0, "ocr", "The row pitch is this percentile of the gaps between long rules (thin rows count, a few tall ones do not)."
    )  # fmt: skip
    ocr_text_share: float = setting(
        0.5, "ocr", "A straight run lying this share of its length inside recognised text lines is strokes, not a rule."
    )  # fmt: skip
    ocr_text_core: float = setting(
        0.25, "ocr", "A horizontal run is inside a text line only this share of the line's height off its top and bottom."
    )  # fmt: skip
    ocr_glyph_reach: float = setting(
        0.15, "ocr", "A vertical run is within a character when inside its box widened by this share of the line height."
    )  # fmt: skip
    ocr_glyph_core: float = setting(
        0.3, "ocr", "A character's core: this share of its size either side of its box's centre."
    )  # fmt: skip
    ocr_flank_px: int = setting(3, "ocr", "Pixels beside a vertical run where glyph ink marks it as print.")
    ocr_min_ink_pt2: float = setting(
        4.0, "ocr", "A cell whose blank area holds this much print (square points) has print OCR could not read."
    )  # fmt: skip
    ocr_min_blob_pt2: float = setting(2.0, "ocr", "A dark blob smaller than this (square points) is a speck.")
    ocr_cell_inset_pt: float = setting(
        3.0, "ocr", "A cell's print is looked for this far (points; at most a quarter of the cell) inside its rules."
    )  # fmt: skip
    ocr_cell_pad: int = setting(
        4, "ocr", "White margin (pixels) around a cell's print when it is recognised on its own."
    )
    ocr_min_page_chars: int = setting(20, "ocr", "A PDF page with fewer usable characters has no usable text layer.")
    ocr_min_image_area: float = setting(
        0.08, "ocr", "An image covering this share of a text page, with few characters on it, is a picture of text."
    )  # fmt: skip
    ocr_min_image_chars: int = setting(5, "ocr", "Characters on such an image below which it is a picture of text.")
    ocr_region_margin: float = setting(6.0, "ocr", "Points added around a picture of text before it is OCR'd.")
    ocr_page_cache: int = setting(2, "ocr", "OCR'd documents kept in memory (a second reading reuses them).")
    image_min_side: int = setting(
        120, "ocr", "HTML/DOCX pictures smaller than this (pixels) are icons and are not read."
    )
    image_min_area: int = setting(60_000, "ocr", "HTML/DOCX pictures with fewer pixels are not read.")
    image_nominal_dpi: int = setting(96, "ocr", "HTML/DOCX pictures are taken at this resolution.", minimum=1)
    image_target_width: int = setting(1240, "ocr", "Pictures are enlarged towards this width (an A4 page at 150 dpi).")
    image_max_enlarge: float = setting(3.0, "ocr", "Pictures are enlarged at most this many times.")
    # -- Outputs and views ---------------------------------------------------------------------
    fts_compound_words: int = setting(
        3, "outputs", "Search index: runs of up to this many adjacent Chinese words are also one token (政府网站).", minimum=1
    )  # fmt: skip
    stream_pending_mb: int = setting(
        64, "outputs", "With a CPU to spare (`convert --jobs` below the CPU count) and a new folder (or "
        "`--fresh`), the outputs are written during the run; a finished document waits in memory for those "
        "sorted before it, up to this many MB of them in all (beyond, the outputs are written at the end).  "
        "0: always at the end.", result=False,
    )  # fmt: skip
    parquet_row_group: int = setting(
        5000, "outputs", "Rows per Parquet row group (memory stays flat).", minimum=1, result=False
    )
    named_cells: int = setting(
        3, "outputs", "Cells named in a check's note or a review reason; the rest are counted.", minimum=1
    )  # fmt: skip
    low_confidence: float = setting(
        0.9,
        "outputs",
        "OCR confidence below which a value is worth a second look (`show` marks it; `review` counts it unless a check confirms it).",
    )

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            _validate(f, getattr(self, f.name))

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The defaults with the environment's `REPORT_EXTRACT_<NAME>` variables applied."""
        environ = os.environ if environ is None else environ
        settings = cls()
        for variable, value in sorted(environ.items()):
            if variable.startswith(ENV_PREFIX):
                try:
                    settings = settings.replace_text({variable[len(ENV_PREFIX) :].lower(): value})
                except (TypeError, ValueError) as e:
                    raise ValueError(f"environment variable {variable}={value!r}: {e}") from None
        return settings

    def replace(self, **changes: Any) -> Settings:
        """These settings with `changes`; an unknown name is a TypeError listing the nearest."""
        _known(changes)
        return dataclasses.replace(self, **changes)

    def replace_text(self, pairs: Mapping[str, str]) -> Settings:
        """`replace` from text values (the environment, `--set name=value`), converted to
        each field's type."""
        _known(pairs)
        types = {f.name: type(f.default) for f in dataclasses.fields(self)}
        return self.replace(**{k: _parse(k, v, types[k]) for k, v in pairs.items()})

    def changed(self) -> dict[str, Any]:
        """The settings that differ from the defaults (the journal's fingerprint holds them)."""
        default = Settings()
        return {n: getattr(self, n) for n in self.names() if getattr(self, n) != getattr(default, n)}

    def digest(self) -> str:
        """Of the changed settings a document's result can depend on (`setting(result=…)`):
        a longer --timeout converts nothing again that finished."""
        fields = {f.name: f for f in dataclasses.fields(self)}
        changed = {n: v for n, v in self.changed().items() if fields[n].metadata["result"]}
        return hashlib.sha256(json.dumps(changed, sort_keys=True).encode()).hexdigest()[:16]


def _known(names: Mapping[str, Any]) -> None:
    unknown = sorted(set(names) - set(Settings.names()))
    if unknown:
        import difflib

        near = difflib.get_close_matches(unknown[0], Settings.names(), n=3)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise TypeError(f"unknown setting {unknown[0]!r}{hint}; `report-extract settings` lists them all")


def _parse(name: str, text: str, kind: type) -> Any:
    try:
        return kind(text) if kind is not bool else text.lower() in ("1", "true", "yes")
    except ValueError:
        raise ValueError(
            f"setting {name}: {text!r} is not {'a number' if kind in (int, float) else kind.__name__}"
        ) from None


def _validate(f: dataclasses.Field, value: Any) -> None:
    kind = type(f.default)
    ok_type = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        ok_type = True
    if not ok_type:
        raise TypeError(f"setting {f.name} must be {kind.__name__}, not {type(value).__name__} ({value!r})")
    meta = f.metadata
    if meta["choices"] and value not in meta["choices"]:
        raise ValueError(f"setting {f.name} must be one of {', '.join(meta['choices'])}, not {value!r}")
    if meta["minimum"] is not None and kind in (int, float) and value < meta["minimum"]:
        raise ValueError(f"setting {f.name} must be at least {meta['minimum']:g}, not {value!r}")


_CURRENT: ContextVar[Settings | None] = ContextVar("report_extract_settings", default=None)


def current() -> Settings:
    """The settings in force: those of the innermost `use`, else the environment's."""
    return _CURRENT.get() or _from_env(tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(ENV_PREFIX))))


@lru_cache(maxsize=8)
def _from_env(variables: tuple[tuple[str, str], ...]) -> Settings:
    # Keyed on the variables themselves: a test or a caller that changes one is seen at once.
    return Settings.from_env(dict(variables))


@contextmanager
def use(settings: Settings) -> Iterator[Settings]:
    token = _CURRENT.set(settings)
    try:
        yield settings
    finally:
        _CURRENT.reset(token)


@contextmanager
def pinned() -> Iterator[Settings]:
    """The settings in force for the whole block: those already in force, or the
    environment's read once (so a stage reading them many times pays once)."""
    active = _CURRENT.get()
    if active is not None:
        yield active
        return
    with use(Settings.from_env()) as s:
        yield s


def patterns_dir() -> Path | None:
    folder = current().patterns
    return Path(folder) if folder else None


def table() -> str:
    """The README's settings table (Markdown), from the fields themselves."""
    env = ENV_PREFIX
    lines = ["| setting | default | meaning |", "|---|---|---|"]
    group = None
    for f in dataclasses.fields(Settings):
        if f.metadata["group"] != group:
            group = f.metadata["group"]
            lines.append(f"| **{group}** | | |")
        default = f.default
        shown = f"`{default!r}`" if not isinstance(default, int) or default < 10_000 else f"`{default:_}`"
        lines.append(f"| `{f.name}` (`{env}{f.name.upper()}`) | {shown} | {f.metadata['doc']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
