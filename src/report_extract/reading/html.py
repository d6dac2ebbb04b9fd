"""HTML reader: whole CMS article pages, crawler snapshots and bare fragments.

A page is decoded (see `charset`), parsed with lxml's HTML parser (no network, no
external entities: the libxml2 HTML parser reads no DTD), stripped of page chrome, and
the article body is taken as the deepest element holding most of the page's own text.
Block origins are source line numbers (`Origin.line`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import lxml.etree as etree
import lxml.html

from report_extract.model.document import Block, Document, Origin, TableBlock, TextBlock
from report_extract.reading.charset import decode
from report_extract.reading.errors import ReaderError
from report_extract.reading.markup import SpanCell, build_grid, clean, collapse
from report_extract.reading.ocr import image as ocrimage
from report_extract.settings import current

# Never content: code, styling, forms, embedded frames, machine-read metadata.
_DROP_TAGS = {
    "script",
    "style",
    "noscript",
    "iframe",
    "frame",
    "frameset",
    "template",
    "head",
    "title",
    "nav",
    "footer",
    "aside",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "object",
    "embed",
    "svg",
    "canvas",
    "link",
    "meta",
    "map",
    "audio",
    "video",
}
# class/id words that CMS templates give to navigation, headers, footers and toolbars.
_CHROME_WORDS = {
    "nav",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "crumb",
    "crumbs",
    "bread",
    "footer",
    "foot",
    "header",
    "head",
    "sidebar",
    "share",
    "toolbar",
    "copyright",
    "search",
    "position",
    "location",
    "dqwz",
    "logo",
    "banner",
    "topbar",
    "login",
    "print",
    "top",
    "bottom",
    "related",
    "xgwz",
    "bdshare",
    "jiathis",
    "fontsize",
}
# Article containers of the common government CMSes (TRS, ucap, Hanweb, Word exports):
# a strong hint where the body is, used when it holds a fair share of the page's text.
_BODY_MARKERS = {
    "trs_editor",
    "zoom",
    "zoomcon",
    "ucap-content",
    "custom_unionstyle",
    "article-content",
    "article_content",
    "articlecontent",
    "wordsection1",
    "content_text",
    "bt_content",
}
_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "section",
    "article",
    "main",
    "pre",
    "center",
    "address",
    "figure",
    "figcaption",
    "caption",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "tfoot",
    "body",
    "html",
    "hr",
    "fieldset",
    "details",
    "summary",
}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
_WEIGHTED = re.compile(r"[\u4e00-\u9fff0-9]")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_KEY = re.compile(r"^([\u4e00-\u9fffA-Za-z]{1,8})[：:](.*)$")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SITE_SUFFIX = re.compile(r"^(.*\S)\s*[-_|—]+\s*([^-_|—]+)$")


def read(path: Path, data: bytes, ocr: str | None = None) -> Document:
    """`ocr`: auto|always|never; not never: pictures saved with the page are OCR'd (reading/ocr/image.py)."""
    decoded = decode(data)
    root = _parse(decoded.text)
    doc = Document(path=str(path), format="html")
    if decoded.warning:
        doc.warnings.append(decoded.warning)
    # One XPath pass (counting every element's ancestors in Python took a fifth of a read).
    if root.xpath("boolean(.//node()[not(self::text())][count(ancestor::*) >= $n])", n=current().max_html_depth - 1):
        doc.warnings.append(f"markup nested deeper than {current().max_html_depth} levels: the deepest text is lost")
    doc.title_hint = _title(root)
    body = root.find("body")
    if body is None:
        body = root
    pictures = ocrimage.mark_html(body, path) if ocrimage.wanted(ocr) else ocrimage.Pictures()
    chrome = _prune(body)
    weights = _weigh(body)
    main = _main_node(body, weights)
    doc.header = _header(body, main)
    for key, value in chrome:  # after the header above the article: a footer's date, say
        doc.header.setdefault(key, value)
    title = _title_element(main)
    doc.blocks = _Walker().blocks_of(main)
    if title is not None:
        doc.blocks[:0] = _title_block(title, doc.blocks)
    ocrimage.splice(doc, pictures)
    if not doc.blocks:
        raise ReaderError("HTML page has no text in its body")
    return doc


def _parse(text: str) -> etree._Element:
    # lxml refuses str input that carries an XML encoding declaration.
    text = _XML_DECL.sub("", text, count=1)
    # C0 control characters are never content, and lxml refuses to set them as an
    # element's text (ValueError in _remove, found by fuzzing).
    text = _CONTROL.sub(" ", text)
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise ReaderError(f"cannot parse HTML: {e}") from e


def _title(root: etree._Element) -> str | None:
    """The first <title>, minus a trailing "-site name" when the rest names the report."""
    for el in root.iter("title"):
        # Spaces kept: in a <title> a space separates the site name from the report's
        # title ("中华人民共和国商务部 商务部2023年…"), the evidence meta needs to cut it.
        text = collapse(el.text_content())
        if text:
            m = _SITE_SUFFIX.match(text)
            return m.group(1) if m and "报告" in m.group(1) and "报告" not in m.group(2) else text
    return None


def _words(el: etree._Element) -> set[str]:
    attrs = f"{el.get('class', '')} {el.get('id', '')}"
    return {w.lower() for w in _WORD_SPLIT.split(attrs) if w}


def _prune(body: etree._Element) -> list[tuple[str, str]]:
    """Drop non-content tags, hidden elements and chrome containers (by class/id), but
    never a "chrome" element whose own text names the report (a title inside a "head"
    div) or holds much of the page's text (an article wrapped in `<div id="printContent">`).
    Returns the `key：value` pairs the dropped chrome printed (a footer's 发布日期：2023-01-20)."""
    doomed = []
    pairs: list[tuple[str, str]] = []
    total = len(_WEIGHTED.findall(_own_text(body)))
    for el in body.iter():
        if not isinstance(el.tag, str):
            doomed.append(el)
        elif el.tag in _DROP_TAGS or el.get("hidden") is not None or _HIDDEN.search(el.get("style", "")):
            doomed.append(el)
        elif _words(el) & _CHROME_WORDS:
            own = _own_text(el)
            if "报告" not in own and len(_WEIGHTED.findall(own)) < current().html_marker_share * total:
                doomed.append(el)
                pairs += [pair for line in el.itertext() for pair in _pairs(line)]
    for el in doomed:
        _remove(el)
    return pairs


def _own_text(el: etree._Element) -> str:
    """Text of `el` outside links."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag != "a":
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _remove(el: etree._Element) -> None:
    """Remove `el` but keep its tail text, which belongs to the parent."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)


def _weigh(body: etree._Element) -> dict[etree._Element, int]:
    """Count Han characters and digits outside links, per element (children included)."""
    weights: dict[etree._Element, int] = {}

    def visit(el: etree._Element) -> int:
        w = len(_WEIGHTED.findall(el.text or "")) if el.tag != "a" else 0
        for child in el:
            cw = visit(child)
            w += 0 if child.tag == "a" else cw
            w += len(_WEIGHTED.findall(child.tail or ""))
        weights[el] = w
        return w

    visit(body)
    return weights


def _is_marker(el: etree._Element) -> bool:
    names = {c.lower() for c in el.get("class", "").split()} | {el.get("id", "").lower()}
    return el.tag == "ucapcontent" or bool(names & _BODY_MARKERS)


def _main_node(body: etree._Element, weights: dict[etree._Element, int]) -> etree._Element:
    """The deepest CMS article container holding a fair share of the page's text (if
    any), then, inside it, the deepest element that still holds html_body_share of the text."""
    total = weights[body]
    markers = [el for el in body.iter() if _is_marker(el) and weights.get(el, 0) >= current().html_marker_share * total]
    node = markers[-1] if markers else body
    while len(node):
        best = max(node, key=lambda c: weights.get(c, 0))
        if weights.get(best, 0) < current().html_body_share * total or (best.tag == "table" and not _is_layout(best)):
            break
        node = best
    return node


def _header(body: etree._Element, main: etree._Element) -> dict[str, str]:
    """Key/value lines a crawler or CMS printed before the article: `标题：…` lines and
    info tables of label/value cells (索引号, 发布机构, 公开日期 …)."""
    header: dict[str, str] = {}
    for el in body.iter():
        if el is main:
            break
        if el.tag in {"div", "p", "li", "span"} and not any(c.tag in _BLOCK_TAGS for c in el):
            for key, value in _pairs(el.text_content()):
                header.setdefault(key, value)
        elif el.tag == "tr" and el.find(".//table") is None:
            cells = [clean(td.text_content()) for td in el if td.tag in ("td", "th")]
            for key, value in zip(cells[::2], cells[1::2]):
                if value and 0 < len(key) <= 8 and not re.search(r"\d", key):
                    header.setdefault(key.rstrip("：:"), value)
    return header


def _pairs(line: str) -> list[tuple[str, str]]:
    """`key：value` pairs of a line such as "发布时间：2023-01-05 来源：县政府办": a
    whitespace-separated token that starts with a short key opens a pair, other tokens
    continue the current value."""
    pairs: list[list[str]] = []
    for token in line.split():
        m = _KEY.match(token)
        if m:
            pairs.append([m.group(1), m.group(2)])
        elif pairs:
            pairs[-1][1] += " " + token
    out = [(k, clean(v)) for k, v in pairs]
    return [(k, v) for k, v in out if v and len(v) <= 200]


def _title_element(main: etree._Element) -> etree._Element | None:
    """The report title printed just before the article body (an <h1> or *title* element
    in an enclosing container), searched a few levels up."""
    child, parent = main, main.getparent()
    for _ in range(5):
        if parent is None:
            return None
        for el in parent.iter():
            if el is child:
                break
            if (el.tag in _HEADINGS or {"title", "tit"} & _words(el)) and "报告" in el.text_content():
                if len(clean(el.text_content())) <= 80:
                    return el
        child, parent = parent, parent.getparent()
    return None


def _title_block(title: etree._Element, blocks: list[Block]) -> list[Block]:
    text = clean(title.text_content())
    if any(isinstance(b, TextBlock) and b.text == text for b in blocks[:3]):
        return []
    return [TextBlock("heading", text, Origin(line=title.sourceline), level=_HEADINGS.get(title.tag, 1))]


def _is_layout(table: etree._Element) -> bool:
    """A table used for page layout: it holds another table, or is a single cell."""
    return table.find(".//table") is not None or len(table.xpath(".//td | .//th")) <= 1


def _rows(table: etree._Element) -> list[etree._Element]:
    return table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


def _span(el: etree._Element, attr: str) -> int:
    m = re.match(r"\s*(\d+)", el.get(attr, ""))
    return max(1, min(int(m.group(1)), current().max_html_span)) if m else 1


class _Walker:
    """Turns the article element into blocks in reading order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.line: int | None = None

    def blocks_of(self, el: etree._Element) -> list[Block]:
        self._walk(el)
        self._flush()
        return self.blocks

    def _add(self, text: str | None, line: int | None) -> None:
        if text:
            if self.line is None and text.strip():
                self.line = line
            self.buf.append(text)

    def _flush(self) -> None:
        text = clean("".join(self.buf))
        if text:
            self.blocks.append(TextBlock("paragraph", text, Origin(line=self.line)))
        self.buf, self.line = [], None

    def _walk(self, el: etree._Element) -> None:
        self._add(el.text, el.sourceline)
        for child in el:
            self._child(child)
            self._add(child.tail, child.sourceline)

    def _child(self, child: etree._Element) -> None:
        tag = child.tag
        if tag == "table":
            self._flush()
            self._table(child)
        elif tag in _HEADINGS:
            self._flush()
            text = _cell_text(child)
            if text:
                self.blocks.append(TextBlock("heading", text, Origin(line=child.sourceline), _HEADINGS[tag]))
        elif tag == "br":
            self._flush()
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._walk(child)
            self._flush()
        else:
            self._walk(child)

    def _table(self, table: etree._Element) -> None:
        if _is_layout(table):
            for row in _rows(table):
                for cell in row:
                    self._flush()
                    self._walk(cell)
                    self._flush()
            return
        for caption in table.iterchildren("caption"):
            text = _cell_text(caption)
            if text:
                self.blocks.append(TextBlock("paragraph", text, Origin(line=caption.sourceline)))
        spans = [
            [
                SpanCell(_cell_text(td), _span(td, "rowspan"), _span(td, "colspan"), Origin(line=td.sourceline))
                for td in row
                if td.tag in ("td", "th")
            ]
            for row in _rows(table)
        ]
        grid = build_grid(spans)
        if grid:
            self.blocks.append(TableBlock(grid, Origin(line=table.sourceline)))


def _cell_text(el: etree._Element) -> str:
    """All text of a cell or heading; <br> and inner blocks become a space, which `clean`
    drops again between two Chinese characters."""
    return clean("".join(_pieces(el)))


def _pieces(el: etree._Element) -> Iterator[str]:
    yield el.text or ""
    for child in el:
        if child.tag == "br" or child.tag in _BLOCK_TAGS:
            yield " "
        if child.tag != "br":
            yield from _pieces(child)
        if child.tag in _BLOCK_TAGS:
            yield " "
        yield child.tail or ""
