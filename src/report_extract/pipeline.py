"""One report, end to end: read → sections → tables → checks → metadata → `Result`."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from . import readers
from .checks import prose_checks, table_checks
from .facts import extract_facts
from .meta import extract_meta
from .model import Document, TextBlock
from .ocrfix import settle as settle_ocr
from .report_kind import not_a_report
from .result import Result
from .sections import find_sections
from .tables import Tables, extract_tables

TABLES = ("proactive", "requests", "review_litigation")


def report_id(sha256: str) -> str:
    """Stable across runs and machines: the same bytes give the same id."""
    return sha256[:16]


def status_of(tables: Tables, other_kind: Optional[str] = None) -> str:
    """ok: all three tables; partial: some; template: tables printed but every cell
    blank (a blank form, not a report of zeros); no_tables: none (free-form report);
    not_a_report: no tables, and `other_kind` says why it is some other document."""
    if not tables.cells:
        return "not_a_report" if other_kind else "no_tables"
    if all(c.value is None for c in tables.cells if not c.derived):
        return "template"
    return "ok" if set(tables.found) == set(TABLES) else "partial"


def prose(doc: Document) -> str:
    return "\n".join(b.text for b in doc.blocks if isinstance(b, TextBlock))


def from_document(doc: Document, overrides: Optional[dict] = None) -> Result:
    settle_ocr(doc)  # OCR'd digits settled by the checks before the tables are taken
    tables = extract_tables(doc)
    other_kind = None if tables.cells else not_a_report(doc)
    status = status_of(tables, other_kind)
    template = tables.template or ("free" if status == "no_tables" else None)
    meta = extract_meta(doc, template=template, overrides=overrides)
    checks = table_checks(tables.cells)
    warnings = doc.warnings + meta.warnings + tables.warnings
    if other_kind:
        warnings.append(other_kind)  # why, for the reader of the result
    if status in ("ok", "partial"):
        checks += prose_checks(prose(doc), tables.cells)
    # Reports before 2019 have no fixed tables: their numbers are in the prose.
    facts = extract_facts(doc, warnings) if status == "no_tables" else []
    return Result(
        report_id=report_id(doc.sha256),
        source={"path": doc.path, "format": doc.format, "sha256": doc.sha256, "pages": doc.pages},
        meta=meta.to_dict(),
        status=status,
        sections=find_sections(doc),
        cells=tables.cells,
        checks=checks,
        warnings=warnings,
        facts=facts,
    )


def extract(path: str | Path, *, overrides: Optional[dict] = None, **options) -> Result:
    """Extract one report.  `options` reach the readers (PDF: engine="fast"|"pdfplumber"|"auto")."""
    return extract_document(path, overrides=overrides, **options)[1]


def extract_document(path: str | Path, *, overrides: Optional[dict] = None, **options) -> tuple[Document, Result]:
    """`extract`, with the document the result was read from (audit draws it)."""
    doc = readers.read(path, **options)
    result = from_document(doc, overrides)
    if doc.format == "pdf" and options.get("engine") in (None, "auto") and _doubt(result):
        # auto: the fast PDF engine's tables may be wrong where checks fail or tables are
        # missing; read again with the reference engine and keep the better result.
        again = readers.read(path, **{**options, "engine": "pdfplumber"})
        retry = from_document(again, overrides)
        if _doubt(retry) < _doubt(result):
            retry.warnings.append("PDF re-read with pdfplumber: the fast engine's tables failed checks")
            return again, retry
    return doc, result


def _doubt(result: Result) -> tuple[int, int]:
    """(tables missing, checks failed): zero when nothing suggests a misread table."""
    missing = {"ok": 0, "partial": 1}.get(result.status, len(TABLES))
    return missing, sum(1 for c in result.checks if c.ok is False and not c.check.startswith("text."))
