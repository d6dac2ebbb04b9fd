"""`report-extract audit FILE -o page.html`: one self-contained page to check an
extraction by eye, the way pdfplumber's debug images let people trust a table finder.

A PDF: every page that holds a table, rendered as an image, with a box on every extracted
cell (hover: its canonical key and value).  Other formats: the source tables beside the
canonical ones.  In both, cells of failed checks are red, ambiguous ones yellow, OCR ones
show their confidence, and the canonical tables and checks stand on the right.

The page needs no network and no script: images are data: URIs, the "show all labels"
switch is a CSS checkbox, boxes and table cells link to each other by #anchors.
"""

from __future__ import annotations

import base64
import copy
import io
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from report_extract.model.document import Cell, Document, Origin, TableBlock, TextBlock
from report_extract.model.result import CellValue, CheckResult, Result
from report_extract.outputs.printed import Grid, cell_marks, grids, value_text
from report_extract.pipeline.stages import extract_document
from report_extract.settings import current
from report_extract.tables.extract import extract_tables
from report_extract.views.show import check_row, checks_summary

ZOOM = 1.5  # CSS pixels per PDF point: an A4 page 893 px wide
RENDER_SCALE = 2.0  # image pixels per PDF point: sharp on high-density screens
HEADER_PX = 64  # fixed, so a page's position on screen follows from the page sizes
CAPTION_PX = 28
GAP_PX = 24
JPEG_QUALITY = 80  # scanned-looking pages at a tenth of PNG's size


@dataclass
class PageBox:
    """Where a cell's box is drawn: page number, and CSS pixels within the page image."""

    key: str
    page: int
    left: float
    top: float
    width: float
    height: float


@dataclass
class RenderedPage:
    number: int
    width_px: float
    height_px: float
    image: str  # data: URI


def write_audit(path: str | Path, out: Path, engine: str = "auto") -> None:
    doc, result = extract_document(path, engine=engine)
    out.write_text(audit_html(doc, result), encoding="utf-8")


def audit_html(doc: Document, result: Result) -> str:
    failed = cell_marks(result.checks, result.cells)  # key → failed | soft
    if doc.format == "pdf":
        left = _pdf_view(Path(doc.path), result, table_pages(result, doc), failed)
    else:
        left = _source_view(doc, result, failed)
    return _page(result, left, _canonical_view(result, failed))


# --- PDF pages ------------------------------------------------------------------------


def boxes(result: Result) -> list[PageBox]:
    """Every cell with a position, as a box in its page image's CSS pixels."""
    out = []
    for c in result.cells:
        if c.bbox and c.page:
            x0, top, x1, bottom = c.bbox
            out.append(PageBox(c.key, c.page, x0 * ZOOM, top * ZOOM, (x1 - x0) * ZOOM, (bottom - top) * ZOOM))
    return out


def table_pages(result: Result, doc: Document) -> list[int]:
    """Pages with an extracted cell, and pages where the reader saw a table: a table the
    extractor missed is worth seeing too."""
    cells = {c.page for c in result.cells if c.page and c.bbox}
    tables = {b.origin.page for b in doc.blocks if isinstance(b, TableBlock) and b.origin.page}
    return sorted(cells | tables)


def page_tops(sizes: list[tuple[float, float]]) -> list[float]:
    """The document y (CSS px) of each rendered page image's top edge, from the fixed
    header, caption and gap heights: what a screenshot test measures against."""
    tops: list[float] = []
    y: float = HEADER_PX
    for _, height in sizes:
        tops.append(y + CAPTION_PX)
        y += CAPTION_PX + height + GAP_PX
    return tops


def render_pages(path: Path, numbers: Iterable[int]) -> list[RenderedPage]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        out = []
        for n in numbers:
            page = pdf[n - 1]
            try:
                width, height = page.get_size()
                image = page.render(scale=RENDER_SCALE).to_pil().convert("RGB")
            finally:
                page.close()
            buf = io.BytesIO()
            image.save(buf, "JPEG", quality=JPEG_QUALITY)
            uri = "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()
            out.append(RenderedPage(n, width * ZOOM, height * ZOOM, uri))
        return out
    finally:
        pdf.close()


def _pdf_view(path: Path, result: Result, pages: list[int], failed: dict[str, str]) -> str:
    by_key = {c.key: c for c in result.cells}
    by_page: dict[int, list[PageBox]] = {}
    for b in boxes(result):
        by_page.setdefault(b.page, []).append(b)
    parts = []
    for page in render_pages(path, pages):
        items = "".join(_box_html(b, by_key[b.key], failed) for b in by_page.get(page.number, []))
        parts.append(
            f'<figure class="pdf" style="width:{page.width_px:.0f}px">'
            f"<figcaption>page {page.number} · {len(by_page.get(page.number, []))} cells</figcaption>"
            f'<div class="page" style="width:{page.width_px:.2f}px;height:{page.height_px:.2f}px">'
            f'<img src="{page.image}" alt="page {page.number}">{items}</div></figure>'
        )
    return "".join(parts) or '<p class="none">No cell of this report has a position on a page.</p>'


def _box_html(b: PageBox, cell: CellValue, failed: dict[str, str]) -> str:
    label = _label(cell)
    return (
        f'<a class="box {_classes(cell, failed)}" id="b-{b.key}" href="#v-{b.key}" title="{escape(label)}" '
        f'data-label="{escape(label)}" style="left:{b.left:.2f}px;top:{b.top:.2f}px;'
        f'width:{b.width:.2f}px;height:{b.height:.2f}px"></a>'
    )


def _label(cell: CellValue) -> str:
    text = f"{cell.key} = {value_text(cell) or 'null'}"
    if cell.raw and cell.raw != value_text(cell):
        text += f" (printed {cell.raw!r})"
    if cell.confidence is not None:
        text += f" · OCR {cell.confidence:.2f}"
    return text


def _classes(cell: CellValue | None, failed: dict[str, str]) -> str:
    if cell is None:
        return "missing"
    names = []
    if cell.key in failed:
        names.append(failed[cell.key])
    if cell.ambiguous:
        names.append("ambiguous")
    if cell.confidence is not None:
        names.append("ocr low" if cell.confidence < current().low_confidence else "ocr")
    if cell.derived:
        names.append("derived")
    return " ".join(names)


# --- HTML, DOCX and text sources ------------------------------------------------------


def source_map(doc: Document) -> dict[str, tuple[int, int, int]]:
    """Canonical key → (block, row, column) of the source cell it was read from (row and
    column -1 for a text block).  The extraction is re-run on a copy whose every cell and
    text block carries a unique tag in `origin.line`, which the table code passes through
    to the cells unchanged."""
    tagged = copy.deepcopy(doc)
    refs: list[tuple[int, int, int]] = []
    for b, block in enumerate(tagged.blocks):
        if isinstance(block, TableBlock):
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row):
                    cell.origin = Origin(line=len(refs))
                    refs.append((b, r, c))
        else:
            block.origin = Origin(line=len(refs))
            refs.append((b, -1, -1))
    cells = extract_tables(tagged).cells
    return {c.key: refs[c.line] for c in cells if c.line is not None and not c.derived}


def _source_view(doc: Document, result: Result, failed: dict[str, str]) -> str:
    by_key = {c.key: c for c in result.cells}
    where = source_map(doc)
    cells_at: dict[tuple[int, int, int], CellValue] = {pos: by_key[k] for k, pos in where.items() if k in by_key}
    blocks = sorted({b for b, _, _ in where.values()})
    parts = [
        '<h2>Source</h2><p class="hint">Cells read into the canonical tables are outlined; '
        "click one to find it on the right.</p>"
    ]
    for b in blocks:
        block = doc.blocks[b]
        if isinstance(block, TableBlock):
            parts.append(_source_table(b, block, cells_at, failed))
        elif isinstance(block, TextBlock):
            parts.append(_source_text(b, block, [c for pos, c in cells_at.items() if pos[0] == b], failed))
    if not blocks:
        parts.append('<p class="none">No canonical cell was read from this source.</p>')
    return "".join(parts)


def _source_table(b: int, block: TableBlock, cells_at: dict, failed: dict[str, str]) -> str:
    rows = []
    for r, row in enumerate(block.rows):
        tds = "".join(_source_td(cell, cells_at.get((b, r, c)), failed) for c, cell in enumerate(row))
        rows.append(f"<tr>{tds}</tr>")
    return f'<table class="source">{_where(block.origin)}{"".join(rows)}</table>'


def _source_td(cell: Cell, value: CellValue | None, failed: dict[str, str]) -> str:
    if value is None and cell.merged:  # a merged cell's copy: blank, as the source shows it
        return f'<td class="merged" title="{escape(cell.text)}"></td>'
    if value is None:
        return f"<td>{escape(cell.text)}</td>"
    label = escape(_label(value))
    return (
        f'<td class="read {_classes(value, failed)}" id="b-{value.key}" title="{label}">'
        f'<a href="#v-{value.key}">{escape(cell.text) or "&nbsp;"}</a></td>'
    )


def _source_text(b: int, block: TextBlock, values: list[CellValue], failed: dict[str, str]) -> str:
    marks = " ".join(
        f'<a class="chip {_classes(v, failed)}" id="b-{v.key}" href="#v-{v.key}" '
        f'title="{escape(_label(v))}">{escape(v.raw) or "∅"}</a>'
        for v in values
    )
    return (
        f'<div class="text">{_where(block.origin, "div")}<pre>{escape(block.text)}</pre>'
        f'<div class="chips">read from this text: {marks}</div></div>'
    )


def _where(origin: Origin, tag: str = "caption") -> str:
    at = f"line {origin.line}" if origin.line is not None else (f"page {origin.page}" if origin.page else "")
    return f'<{tag} class="where">{at}</{tag}>' if at else ""


# --- the canonical side -----------------------------------------------------------------


def _canonical_view(result: Result, failed: dict[str, str]) -> str:
    by_key = {c.key: c for c in result.cells}
    tables = result.tables()
    parts = ["<h2>Canonical tables</h2>"]
    for name, grid in grids(result.cells, result.meta.get("template")).items():
        if name not in tables:
            parts.append(f'<h3>{escape(grid.title)}</h3><p class="none">not found in this report</p>')
            continue
        parts.append(f"<h3>{escape(grid.title)}</h3>{_grid_html(grid, by_key, failed)}")
    parts.append(_checks_html(result.checks))
    if result.warnings:
        parts.append(
            '<h2>Warnings</h2><ul class="warnings">'
            + "".join(f"<li>{escape(w)}</li>" for w in result.warnings)
            + "</ul>"
        )
    return "".join(parts)


def _grid_html(grid: Grid, by_key: dict[str, CellValue], failed: dict[str, str]) -> str:
    rows: dict[int, list[str]] = {}
    for r, _, cell in grid.expanded():
        span = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
            f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
        )
        if cell.key:
            value = by_key.get(cell.key)
            text = escape(value_text(value)) if value else "·"
            title = escape(_label(value)) if value else f"{cell.key}: not found"
            html = (
                f'<td class="v {_classes(value, failed)}" id="v-{cell.key}" title="{title}"{span}>'
                f'<a href="#b-{cell.key}">{text}</a></td>'
            )
        else:
            html = f'<th class="{cell.kind}"{span}>{escape(cell.text)}</th>'
        rows.setdefault(r, []).append(html)
    body = "".join(f"<tr>{''.join(cells)}</tr>" for _, cells in sorted(rows.items()))
    return f'<table class="canonical {grid.table}">{body}</table>'


def _checks_html(checks: list[CheckResult]) -> str:
    head = f"<h2>Checks: {escape(checks_summary(checks))}</h2>"
    rows = "".join(
        f'<tr class="{_check_class(c)}">' + "".join(f"<td>{escape(v)}</td>" for v in check_row(c)) + "</tr>"
        for c in sorted(checks, key=lambda c: ({False: 0, None: 2, True: 1}[c.ok], c.severity != "hard"))
    )
    return head + f'<table class="checks">{rows}</table>'


def _check_class(c: CheckResult) -> str:
    """ok, failed (a hard check: the arithmetic is wrong), soft (the text disagrees with a
    table: worth a look), na."""
    if c.ok is False:
        return "failed" if c.severity == "hard" else "soft"
    return "ok" if c.ok else "na"


def _review(result: Result) -> str:
    """The tool's own doubt (pipeline/review.py): a failed check in a report flagged here
    may be a misreading, to be looked at before it is believed."""
    if not result.review:
        return ""
    return f'<span class="review">review needed: {escape("; ".join(result.review))}</span> · '


def _page(result: Result, left: str, right: str) -> str:
    meta = result.meta
    title = meta.get("title") or result.source.get("path")
    facts = " · ".join(
        str(v)
        for v in (
            meta.get("agency_full") or meta.get("agency"),
            meta.get("year"),
            f"template {meta.get('template')}",
            result.source.get("format"),
            f"{result.checks_failed} failed check{'' if result.checks_failed == 1 else 's'}"
            + (f", {result.checks_soft_failed} soft" if result.checks_soft_failed else ""),
        )
        if v
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>audit · {escape(str(title))}</title>
<style>{CSS}</style></head><body>
<input type="checkbox" id="labels"><header><h1>{escape(str(title))}</h1>
<p>{_review(result)}{escape(facts)} · <label for="labels">show all labels</label> ·
<span class="key box-key">extracted</span> <span class="key failed">in a failed check</span>
<span class="key soft">in a failed soft check (the text states another number)</span>
<span class="key ambiguous">ambiguous</span> <span class="key ocr">OCR</span></p></header>
<main><section class="left">{left}</section><section class="right">{right}</section></main>
</body></html>
"""


CSS = f"""
body{{margin:0;font:13px/1.4 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#222}}
header{{height:{HEADER_PX}px;box-sizing:border-box;overflow:hidden;padding:6px 12px;background:#f4f4f4;
  border-bottom:1px solid #ccc}}
header h1{{font-size:16px;margin:0 0 4px}} header p{{margin:0}}
header label{{text-decoration:underline;cursor:pointer}} .review{{color:#b00;font-weight:bold}}
#labels{{position:absolute;left:-99px}}
main{{display:flex;align-items:flex-start}}
.left{{flex:none}} .right{{flex:1;padding:0 12px;min-width:480px}}
figure.pdf{{margin:0 0 {GAP_PX}px 0}}
figcaption{{height:{CAPTION_PX}px;line-height:{CAPTION_PX}px;padding:0 8px;box-sizing:border-box;
  overflow:hidden;background:#eee;font-weight:bold}}
.page{{position:relative}} .page img{{display:block;width:100%;height:100%}}
.box{{position:absolute;box-sizing:border-box;border:2px solid rgb(0,102,255);background:rgba(0,102,255,.06)}}
.box.failed{{border-color:rgb(230,0,0);background:rgba(230,0,0,.12)}}
.box.soft{{border-color:rgb(230,120,0);border-style:dashed;background:rgba(230,120,0,.08)}}
.box.ambiguous{{border-color:rgb(230,170,0)}}
.box.ocr.low{{border-style:dashed;border-color:rgb(255,120,0)}}
.box:hover::after,#labels:checked~main .box::after{{content:attr(data-label);position:absolute;left:0;top:100%;
  z-index:2;white-space:nowrap;font-size:10px;line-height:1.2;background:rgba(255,255,220,.95);
  border:1px solid #999;padding:0 2px;color:#000}}
#labels:checked~main .box::after{{font-size:8px;opacity:.85}}
.box:hover::after{{z-index:3;font-size:12px}}
:target{{outline:3px solid rgb(255,0,200);outline-offset:1px}}
table{{border-collapse:collapse;margin:4px 0 12px}}
td,th{{border:1px solid #999;padding:1px 4px;vertical-align:middle}}
th{{font-weight:normal;background:#fafafa;text-align:left}} th.head,th.title{{font-weight:bold;text-align:center}}
td.v{{text-align:right;min-width:2.5em}} td a{{color:inherit;text-decoration:none}}
td.failed,.chip.failed{{background:#ffc7ce;color:#9c0006;font-weight:bold}}
td.soft,.chip.soft{{background:#fde2c4;color:#8a4b00}}
td.ambiguous,.chip.ambiguous{{background:#ffeb9c}} td.missing{{color:#aaa}}
td.ocr.low{{background:#ffe0c0}} td.read{{outline:2px solid rgb(0,102,255);outline-offset:-2px}}
td.merged{{background:#f2f2f2}}
table.source{{font-size:12px;max-width:720px}} .where{{caption-side:top;text-align:left;color:#777;font-size:11px}}
.left h2{{margin:8px}} .left table.source,.left .text,.left .hint{{margin:8px}}
pre{{white-space:pre-wrap;max-width:720px;max-height:480px;overflow:auto;background:#fafafa;
  border:1px solid #ddd;padding:4px}}
.chips{{max-width:720px}}
.chip{{display:inline-block;border:1px solid rgb(0,102,255);margin:1px;padding:0 3px;text-decoration:none;color:#000}}
table.checks td{{border:none;border-bottom:1px solid #eee;font-size:12px}}
table.checks tr.failed{{color:#c00;font-weight:bold}} table.checks tr.soft{{color:#a15c00}}
table.checks tr.na{{color:#999}}
.none{{color:#999}} .key{{padding:0 4px;border:2px solid rgb(0,102,255)}}
.key.failed{{border-color:rgb(230,0,0)}} .key.soft{{border-color:rgb(230,120,0);border-style:dashed}} .key.ambiguous{{border-color:rgb(230,170,0)}}
.key.ocr{{border-style:dashed;border-color:rgb(255,120,0)}}
"""
