"""DOCX reader: paragraphs, headings, numbered paragraphs, tables and text boxes.

python-docx opens the package (its XML parser runs with resolve_entities=False, and lxml
never fetches over the network); the body is then walked as WordprocessingML directly,
because python-docx's own API hides text boxes, content controls and merge markers.

DOCX has no source lines: a TextBlock's `Origin.line` is its paragraph's ordinal in the
document (1-based, every w:p counted), a Cell's is its row number within its table.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from lxml import etree

from report_extract.model.document import Block, BlockKind, Cell, Document, Origin, TableBlock, TextBlock
from report_extract.reading.errors import ReaderError
from report_extract.reading.markup import check_grid, clean, pad_grid
from report_extract.reading.numbering import Numbering, q
from report_extract.reading.ocr import image as ocrimage
from report_extract.settings import current

MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Text-free or not-printed parts of a run: deleted revisions, field codes, properties, and
# the VML copy of a text box that Word stores beside the DrawingML one.
_SKIP = {q("del"), q("delText"), q("instrText"), q("pPr"), q("rPr"), q("tcPr"), MC_FALLBACK}
_BREAKS = {q("tab"), q("br"), q("cr"), q("ptab")}
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)


def read(path: Path, data: bytes, ocr: str | None = None) -> Document:
    """`ocr`: auto|always|never; not never: embedded pictures are OCR'd (reading/ocr/image.py)."""
    _check_package(data)
    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises KeyError, ValueError, lxml errors … on broken packages
        raise ReaderError(f"cannot open DOCX: {type(e).__name__}: {e}") from e
    if word.element.tag != q("document"):  # python-docx loads any root element without complaint
        raise ReaderError(f"word/document.xml is not a Word document (root {word.element.tag})")
    pictures = ocrimage.mark_docx(word) if ocrimage.wanted(ocr) else ocrimage.Pictures()
    walker = _Walker(_heading_levels(word), _numbering(word), _style_numbering(word))
    walker.container(word.element.body)
    doc = Document(path=str(path), format="docx", blocks=walker.blocks)
    doc.title_hint = clean(word.core_properties.title or "") or None
    ocrimage.splice(doc, pictures)
    if not doc.blocks:
        raise ReaderError("DOCX has no text")
    return doc


def _check_package(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = z.getinfo("word/document.xml")
    except zipfile.BadZipFile as e:
        raise ReaderError(f"not a valid zip/DOCX package: {e}") from e
    except KeyError:
        raise ReaderError("zip file is not a Word document (no word/document.xml)") from None
    if info.file_size > current().max_docx_xml_bytes:
        raise ReaderError(f"word/document.xml too large ({info.file_size} bytes uncompressed)")


def _heading_levels(word: docx.document.Document) -> dict[str, int]:
    """style id -> heading level, from the style name (Heading n, 标题 n, Title) or an
    outline level, following basedOn chains."""
    levels: dict[str, int] = {}
    for style in word.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        s, level = style, None
        for _ in range(10):
            if s is None or level is not None:
                break
            m = _HEADING_STYLE.match(s.name or "")
            level = int(m.group(1)) if m else (1 if (s.name or "").lower() == "title" else _outline(s.element))
            s = s.base_style
        if level:
            levels[style.style_id] = level
    return levels


def _outline(el: etree._Element) -> int | None:
    """Word outline level 0-8 is heading 1-9; 9 means body text."""
    lvl = el.find(f"{q('pPr')}/{q('outlineLvl')}")
    if lvl is None:
        return None
    val = lvl.get(q("val"), "")
    return int(val) + 1 if val.isdigit() and int(val) < 9 else None


def _numbering(word: docx.document.Document) -> Numbering:
    try:
        part = word.part.numbering_part
    except (KeyError, NotImplementedError):
        return Numbering()
    return Numbering.parse(part.element)


def _style_numbering(word: docx.document.Document) -> dict[str, tuple[str, int]]:
    """style id -> (numId, ilvl) for styles that number their paragraphs (heading styles
    linked to a multilevel list)."""
    out = {}
    for style in word.styles:
        num = style.element.find(f"{q('pPr')}/{q('numPr')}")
        if num is not None:
            out[style.style_id] = _num_ref(num, 0)
    return {k: v for k, v in out.items() if v[0]}


def _num_ref(num_pr: etree._Element, default_lvl: int) -> tuple[str, int]:
    num_id = num_pr.find(q("numId"))
    ilvl = num_pr.find(q("ilvl"))
    lvl_val = ilvl.get(q("val"), "") if ilvl is not None else ""
    return (num_id.get(q("val"), "") if num_id is not None else "", int(lvl_val) if lvl_val.isdigit() else default_lvl)


class _Walker:
    """Walks WordprocessingML block containers (body, cells, text boxes) into blocks."""

    def __init__(self, levels: dict[str, int], numbering: Numbering, style_nums: dict[str, tuple[str, int]]) -> None:
        self.levels = levels
        self.numbering = numbering
        self.style_nums = style_nums
        self.blocks: list[Block] = []
        self.paragraphs = 0

    def container(self, el: etree._Element) -> None:
        for child in el:
            if child.tag == q("p"):
                self._paragraph(child)
            elif child.tag == q("tbl"):
                self._table(child)
            elif child.tag == q("sdt"):
                content = child.find(q("sdtContent"))
                if content is not None:
                    self.container(content)
            elif child.tag == q("customXml"):
                self.container(child)

    def _paragraph(self, p: etree._Element) -> None:
        text, boxes = self.paragraph_text(p)
        style = _style_id(p)
        level = _outline(p) or self.levels.get(style or "")
        if text:
            kind: BlockKind = "heading" if level else "paragraph"
            self.blocks.append(TextBlock(kind, text, Origin(line=self.paragraphs), level))
        for box in boxes:
            self.container(box)

    def paragraph_text(self, p: etree._Element) -> tuple[str, list[etree._Element]]:
        """The printed text of a paragraph (numbering label included) and its text boxes."""
        self.paragraphs += 1
        parts: list[str] = []
        boxes: list[etree._Element] = []
        _collect(p, parts, boxes)
        text = clean("".join(parts))
        label = self._label(p) if text else ""
        return clean(label + text), boxes

    def _label(self, p: etree._Element) -> str:
        num_pr = p.find(f"{q('pPr')}/{q('numPr')}")
        style_ref = self.style_nums.get(_style_id(p) or "")
        if num_pr is not None:
            num_id, ilvl = _num_ref(num_pr, style_ref[1] if style_ref else 0)
            if not num_id and style_ref:
                num_id = style_ref[0]
        elif style_ref:
            num_id, ilvl = style_ref
        else:
            return ""
        return self.numbering.label(num_id, ilvl)

    def _table(self, tbl: etree._Element) -> None:
        if tbl.find(f".//{q('tc')}//{q('tbl')}") is not None:
            # A layout table: its cells are containers; only the inner tables hold data.
            for tc in tbl.iter(q("tc")):
                if _owner_table(tc) is tbl:
                    self.container(tc)
            return
        origin = Origin(line=self.paragraphs + 1)
        grid = self._grid(tbl)
        if grid:
            self.blocks.append(TableBlock(grid, origin))

    def _grid(self, tbl: etree._Element) -> list[list[Cell]]:
        grid: list[list[Cell]] = []
        stated = positions = 0
        for r, tr in enumerate(_children(tbl, "tr"), start=1):
            row: list[Cell] = [Cell("") for _ in range(_pr_int(tr.find(q("trPr")), "gridBefore", 0))]
            above = grid[-1] if grid else []
            for tc in _children(tr, "tc"):
                pr = tc.find(q("tcPr"))
                span = max(1, _pr_int(pr, "gridSpan", 1))
                c = len(row)
                if _continues(pr, "vMerge") and c < len(above):
                    first = Cell(above[c].text, above[c].origin, merged=True)
                elif _continues(pr, "hMerge") and row:
                    first = Cell(row[-1].text, row[-1].origin, merged=True)
                else:
                    first = Cell(self._cell_text(tc), Origin(line=r))
                row.append(first)
                stated, positions = stated + 1, positions + span
                check_grid(stated, positions)  # before the span is laid out: gridSpan bombs
                row.extend(Cell(first.text, first.origin, merged=True) for _ in range(span - 1))
            grid.append(row)
        return pad_grid(grid)

    def _cell_text(self, tc: etree._Element) -> str:
        """All paragraphs of a cell (and of text boxes in it), joined by a space that
        `clean` drops again between Chinese characters."""
        texts: list[str] = []

        def walk(container: etree._Element) -> None:
            for p in _children(container, "p"):
                text, boxes = self.paragraph_text(p)
                texts.append(text)
                for box in boxes:
                    walk(box)

        walk(tc)
        return clean(" ".join(texts))


def _collect(el: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
    for child in el:
        tag = child.tag
        if tag == q("t"):
            parts.append(child.text or "")
        elif tag in _BREAKS:
            parts.append(" ")
        elif tag == q("noBreakHyphen"):
            parts.append("-")
        elif tag == q("txbxContent"):
            boxes.append(child)
        elif tag not in _SKIP and isinstance(tag, str):
            _collect(child, parts, boxes)


def _style_id(p: etree._Element) -> str | None:
    style = p.find(f"{q('pPr')}/{q('pStyle')}")
    return None if style is None else style.get(q("val"))


def _children(el: etree._Element, tag: str) -> list[etree._Element]:
    """Rows of a table / cells of a row, looking through content controls and custom XML."""
    out = []
    for child in el:
        if child.tag == q(tag):
            out.append(child)
        elif child.tag in (q("sdt"), q("customXml")):
            inner = child.find(q("sdtContent")) if child.tag == q("sdt") else child
            if inner is not None:
                out.extend(_children(inner, tag))
    return out


def _owner_table(tc: etree._Element) -> etree._Element | None:
    return next(tc.iterancestors(q("tbl")), None)


def _continues(pr: etree._Element | None, tag: str) -> bool:
    """True for a vMerge/hMerge continuation (a merge marker without val="restart")."""
    el = pr.find(q(tag)) if pr is not None else None
    return el is not None and el.get(q("val"), "continue") == "continue"


def _pr_int(pr: etree._Element | None, tag: str, default: int) -> int:
    el = pr.find(q(tag)) if pr is not None else None
    val = el.get(q("val"), "") if el is not None else ""
    return min(int(val), 1000) if val.isdigit() else default
