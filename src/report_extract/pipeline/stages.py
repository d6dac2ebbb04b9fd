"""One report, end to end: read → sections → tables → checks → metadata → `Result`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from report_extract import reading as readers
from report_extract.checks.report import prose_checks, table_checks
from report_extract.contract.labels import TABLES
from report_extract.metadata.agency import agency_id
from report_extract.metadata.kind import file_refusal, not_a_report
from report_extract.metadata.meta import extract_meta
from report_extract.model.document import Document, TextBlock
from report_extract.model.result import Result
from report_extract.pipeline import fallback
from report_extract.pipeline.review import review_reasons
from report_extract.pipeline.settle import settle as settle_ocr
from report_extract.sections.headings import find_sections
from report_extract.settings import Settings, pinned, use
from report_extract.tables.extract import Tables, extract_tables

if TYPE_CHECKING:
    from report_extract.metadata.facts import Fact


def report_id(sha256: str) -> str:
    """Stable across runs and machines: the same bytes give the same id."""
    return sha256[:16]


def status_of(tables: Tables, other_kind: str | None = None) -> str:
    """ok: all three tables; partial: some; template: tables printed but every cell
    blank (a blank form, not a report of zeros); no_tables: none (free-form report);
    not_a_report: no tables, and `other_kind` says why it is some other document."""
    if not tables.cells:
        return "not_a_report" if other_kind else "no_tables"
    if all(c.value is None for c in tables.cells if not c.derived):
        return "template"
    return "ok" if set(tables.found) == set(TABLES) else "partial"


def _by_name(path: str | None) -> str | None:
    refusal = file_refusal(Path(path), in_folder=False) if path else None
    return refusal[1] if refusal else None


def prose(doc: Document) -> str:
    return "\n".join(b.text for b in doc.blocks if isinstance(b, TextBlock))


def from_document(doc: Document, overrides: dict | None = None) -> Result:
    """Every stage after reading, under the settings in force (pinned for the document)."""
    with pinned():
        return _from_document(doc, overrides)


def _from_document(doc: Document, overrides: dict | None = None) -> Result:
    settle_ocr(doc)  # OCR'd digits settled by the checks before the tables are taken
    tables = extract_tables(doc)
    # a CSV, a JSON file or a folder's README named to `extract` or `show` is no free-form
    # report either: the input rules convert applies (batch/inputs.py), then the content's
    by_name = None if tables.cells else _by_name(doc.path)
    other_kind = by_name or (None if tables.cells else not_a_report(doc))
    status = status_of(tables, other_kind)
    template = tables.template or ("free" if status == "no_tables" else None)
    # A data file or a README says nothing about who published what: its lines (a list of
    # sources, say) would give some report's agency and year.  Metadata of nothing, then.
    meta = extract_meta(Document(doc.path, doc.format) if by_name else doc, template=template, overrides=overrides)
    checks = table_checks(tables.cells)
    warnings = doc.warnings + meta.warnings + tables.warnings
    if other_kind:
        warnings.append(other_kind)  # why, for the reader of the result
    if status in ("ok", "partial"):
        checks += prose_checks(prose(doc), tables.cells)
    # Reports before 2019 have no fixed tables: their numbers are in the prose and in
    # their own statistics table (cells of table `legacy`, with its checks).
    facts: list[Fact] = []
    cells = list(tables.cells)
    if status == "no_tables":
        from report_extract.metadata.facts import facts_and_table, stated_figures
        from report_extract.tables import legacy  # free-form reports only: the others never load it

        facts, old_table = facts_and_table(doc, warnings, meta.year)
        if old_table is not None:
            cells += old_table.cells()
            checks += legacy.checks(cells, stated_figures([f for f in facts if f.source != "table"]))
    meta_dict = meta.to_dict()
    meta_dict["agency_id"] = agency_id(meta_dict)
    missing = tuple(f for f in ("agency", "year") if meta_dict.get(f) is None)
    region = meta_dict.get("region") or {}
    if meta_dict.get("agency") and not region.get("adcode") and region.get("level") != "national":
        missing += ("region",)  # the warnings say why (ambiguous, or no place named)
    sections = find_sections(doc)
    review = review_reasons(status, template, cells, checks, tables.off_grid, tables.regions, missing, sections)
    return Result(
        report_id=report_id(doc.sha256),
        source={"path": doc.path, "format": doc.format, "sha256": doc.sha256, "pages": doc.pages},
        meta=meta_dict,
        status=status,
        sections=sections,
        cells=cells,
        checks=checks,
        warnings=warnings,
        facts=facts,
        review=review,
    )


def extract(
    path: str | Path,
    *,
    engine: str | None = None,
    ocr: str | None = None,
    overrides: dict | None = None,
    settings: Settings | Mapping[str, Any] | None = None,
) -> Result:
    """Extract one report.  `engine` (PDF): "auto" (default), "fast" or "pdfplumber";
    `ocr`: "auto" (default), "always" or "never"; `overrides`: metadata that replaces what
    the text gives; `settings`: limits and thresholds (settings.Settings; default: those in
    force, from the environment).  An unknown keyword is a TypeError, never silently a
    default."""
    return extract_document(path, engine=engine, ocr=ocr, overrides=overrides, settings=settings)[1]


def extract_document(
    path: str | Path,
    *,
    engine: str | None = None,
    ocr: str | None = None,
    overrides: dict | None = None,
    settings: Settings | Mapping[str, Any] | None = None,
) -> tuple[Document, Result]:
    """`extract`, with the document the result was read from (audit draws it)."""
    if settings is not None and not isinstance(settings, Settings):
        settings = Settings().replace(**settings)  # a mapping of names to values: validated the same
    with use(settings) if settings is not None else pinned():
        return _extract_document(path, engine=engine, ocr=ocr, overrides=overrides)


def _extract_document(
    path: str | Path, *, engine: str | None, ocr: str | None, overrides: dict | None
) -> tuple[Document, Result]:
    options = {k: v for k, v in (("engine", engine), ("ocr", ocr)) if v is not None}
    # data=None given by name: the file is read from disk, and no option can stand for it
    doc = readers.read(path, data=None, **options)
    result = from_document(doc, overrides)
    if doc.second_reading is None:
        return doc, result
    why = fallback.doubt(doc, result)
    if not why:
        return doc, result
    engine = doc.second_reading.get("engine", "")
    try:
        again = readers.read(path, data=None, **{**options, **doc.second_reading})
    except readers.ReaderError as e:
        # The first reading stands: a reference parser that chokes on a damaged file
        # (a wrong startxref, a cut tail) must not replace a reading that worked.
        result.warnings.append(f"second reading with {engine} failed ({e.cause}); kept the first: {why.reasons[0]}")
        return doc, result
    retry = from_document(again, overrides)
    if why.worse_than(fallback.doubt(again, retry)):
        retry.warnings.append(f"read again with {engine}, whose tables hold better: {why.reasons[0]}")
        return again, retry
    result.warnings.append(f"read again with {engine}, no better; kept the first: {why.reasons[0]}")
    return doc, result
