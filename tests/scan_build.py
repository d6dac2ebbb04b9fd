"""Generated scanned reports (issue 15): layouts other than the corpus's, printed,
rasterised and degraded as a scanner does, so OCR accuracy is measured by layout family.

A report (`gen_reports.make_report`: consistent numbers, varied agencies) is written as
HTML in the layout of one *family*, printed to PDF by headless Chromium, rendered page by
page at the scan's dpi (120-300), and degraded: turned up to ±1°, blurred, on grey paper,
with grey noise and black specks, each page a JPEG (quality 40-80) in an image-only PDF
whose image size in points is the page's (so the PDF says the scan's resolution).

Families, one layout trait each over a plain ruled layout (`mixed`: all of them):

- `plain`         generous ruled rows, 18 pt bold title (the corpus's layout)
- `shaded_bands`  table 2 as a stack of sub-tables, each under a shaded grey caption band
- `thin_rows`     rows ~20 px high at 150 dpi, text shrunk to 6.5 pt where a number is wide
- `two_line_head` header cells broken onto two lines
- `table4_alone`  table 4 on a page of its own, its group headings merged across five columns
- `bold_title`    a 22 pt title in the heaviest CJK serif, strokes thickened (方正小标宋-like)

`build(root)` returns `Doc`s (gen_reports') carrying the truth; `gen_reports.score` scores
one result.  The Chromium print of each layout is cached by its HTML (tests re-run fast).
"""

from __future__ import annotations

import hashlib
import io
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from gen_reports import Doc, Report, Span, Style, blocks, make_report, print_to_pdf
from PIL import Image, ImageFilter

FAMILIES = ["plain", "shaded_bands", "thin_rows", "two_line_head", "table4_alone", "bold_title", "mixed"]
TRAITS = {"shaded_bands", "thin_rows", "two_line_head", "table4_alone", "bold_title"}
CACHE = Path(tempfile.gettempdir()) / "report_extract_scan_build"


@dataclass(frozen=True)
class Degrade:
    """How one document is scanned."""

    dpi: int
    angle: float  # degrees, the first page (the others alternate around it)
    blur: float  # Gaussian radius, pixels at the scan's dpi
    paper: int  # grey level of the blank paper
    noise: float  # grey-level noise sigma
    specks: float  # share of pixels turned into black specks
    quality: int  # JPEG quality

    @staticmethod
    def draw(rng: random.Random, dpi: int | None = None) -> Degrade:
        return Degrade(
            dpi=dpi or rng.choice([120, 150, 150, 200, 200, 300]),
            angle=round(rng.uniform(-1.0, 1.0), 2),
            blur=round(rng.uniform(0.3, 1.0), 2),
            paper=rng.randint(200, 235),
            noise=round(rng.uniform(5, 12), 1),
            specks=rng.uniform(0.0004, 0.002),
            quality=rng.randint(40, 80),
        )


# ---- the layouts ---------------------------------------------------------------

BASE_CSS = """
@page { size: A4; margin: 22mm 20mm; }
body { font-family: "Noto Sans CJK SC"; font-size: 12pt; line-height: 1.6; }
h1 { font-size: 18pt; font-weight: bold; text-align: center; margin: 0 0 14pt; }
h3 { font-size: 13pt; font-weight: bold; margin: 12pt 0 6pt; }
p { margin: 0 0 6pt; text-indent: 2em; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 10pt; }
td { border: 0.8pt solid #000; font-size: 9pt; text-align: center; padding: 4pt 2pt; line-height: 1.3; }
"""
TRAIT_CSS = {
    "shaded_bands": """
table.sub { margin: 0 0 3pt; }
td.band { background: #c8c8c8; font-weight: bold; padding: 3pt 2pt; }
""",
    "thin_rows": """
td { padding: 0 1pt; line-height: 1.05; height: 9.6pt; font-size: 7.5pt; }
td.wide { font-size: 6.5pt; }
""",
    "table4_alone": """
.alone { page-break-before: always; page-break-after: always; }
.alone td { padding: 6pt 1pt; }
""",
    "bold_title": """
h1 { font-family: "Noto Serif CJK SC"; font-size: 22pt; font-weight: 900;
     -webkit-text-stroke: 0.5pt #000; letter-spacing: 1pt; line-height: 1.35; }
""",
}
# Where a header label is broken onto two lines (two_line_head): after this many characters.
HEAD_BREAK = 2


def _cell(text: str, rs: int, cs: int, cls: str = "") -> str:
    attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
    return f"<td{attrs}{f' class={cls!r}' if cls else ''}>{text}</td>"


def _is_number(text: str) -> bool:
    return bool(text) and text.replace(".", "").isdigit()


def _head(text: str) -> str:
    """A header label on two lines (long labels of merged headings stay on one)."""
    if len(text) < 4 or len(text) > 8 or _is_number(text):
        return text
    cut = HEAD_BREAK if len(text) <= 5 else len(text) // 2
    return f"{text[:cut]}<br>{text[cut:]}"


def _rows_html(rows: list[list[Span]], traits: set[str], header_rows: int) -> str:
    out = []
    for i, row in enumerate(rows):
        cells = []
        for text, rs, cs in row:
            cls = "wide" if "thin_rows" in traits and _is_number(text) and len(text) >= 3 else ""
            if "two_line_head" in traits and i < header_rows:
                text = _head(text)
            cells.append(_cell(text, rs, cs, cls))
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(out)


def _table_html(n: int, rows: list[list[Span]], traits: set[str]) -> str:
    """Table `n` (1: 主动公开, 2: requests, 3: review) in the family's layout."""
    if n == 1 and "shaded_bands" in traits:
        # One sub-table per 第二十条 item, its caption a shaded band across the table.
        subs: list[list[list[Span]]] = []
        for row in rows:
            if row[0][0].startswith("第二十条"):
                subs.append([])
            subs[-1].append(row)
        parts = []
        for sub in subs:
            band = f"<tr>{_cell(sub[0][0][0], 1, 4, 'band')}</tr>"
            body = [[("<b>" + sub[1][0][0] + "</b>", 1, 1), *sub[1][1:]], *sub[2:]]
            parts.append(f'<table class="sub">{band}{_rows_html(body, traits, 1)}</table>')
        return "".join(parts)
    header_rows = {1: 2, 2: 3, 3: 3}[n]
    return f"<table>{_rows_html(rows, traits, header_rows)}</table>"


def html(r: Report, family: str) -> str:
    traits = TRAITS if family == "mixed" else {family} & TRAITS
    css = BASE_CSS + "".join(TRAIT_CSS.get(t, "") for t in sorted(traits))
    parts: list[str] = []
    n = 0
    pending_heading = ""
    for kind, content in blocks(r, Style()):
        if kind == "title":
            parts.append(f"<h1>{content}</h1>")
        elif kind == "heading":
            pending_heading = f"<h3>{content}</h3>"
            if not str(content).startswith("四、"):
                parts.append(pending_heading)
        elif kind == "p":
            parts.append(f"<p>{content}</p>")
        else:
            n += 1
            table = _table_html(n, content, traits)  # type: ignore[arg-type]
            if n == 3:
                table = pending_heading + table
                if "table4_alone" in traits:
                    table = f'<div class="alone">{table}</div>'
            parts.append(table)
    return f'<html><head><meta charset="utf-8"><style>{css}</style></head><body>{"".join(parts)}</body></html>'


# ---- printing and scanning -------------------------------------------------------


def printed(page: str) -> bytes:
    """Chromium's print of the HTML page, cached by its text."""
    CACHE.mkdir(parents=True, exist_ok=True)
    dest = CACHE / (hashlib.sha256(page.encode()).hexdigest()[:24] + ".pdf")
    if not dest.exists():
        print_to_pdf({dest: (page, False)})  # a scan carries no browser header or footer
    return dest.read_bytes()


def scanned(data: bytes, d: Degrade, seed: int) -> bytes:
    """The PDF scanned: one degraded JPEG per page, image-only, the page's own size."""
    rng = np.random.default_rng(seed)
    src = pdfium.PdfDocument(data)
    out = pdfium.PdfDocument.new()
    try:
        for i in range(len(src)):
            page = src[i]
            width, height = page.get_size()
            gray = page.render(scale=d.dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            jpeg = _degraded(gray, d, d.angle * (1 if i % 2 == 0 else -0.7), rng)
            new = out.new_page(width, height)
            image = pdfium.PdfImage.new(out)
            image.load_jpeg(io.BytesIO(jpeg), inline=False)
            image.set_matrix(pdfium.PdfMatrix().scale(width, height))
            new.insert_obj(image)
            new.gen_content()
            new.close()
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        src.close()
        out.close()


def _degraded(gray: Image.Image, d: Degrade, angle: float, rng: np.random.Generator) -> bytes:
    turned = gray.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    blurred = turned.filter(ImageFilter.GaussianBlur(d.blur))
    pixels = np.asarray(blurred, dtype=np.float32) * (d.paper / 255.0)
    pixels += rng.normal(0.0, d.noise, pixels.shape)
    # Specks: single pixels and 2x2 dots.
    specks = rng.random(pixels.shape) < d.specks
    specks[1:, 1:] |= (rng.random(pixels.shape) < d.specks / 4)[:-1, :-1]
    pixels[specks] = rng.uniform(0, 60, int(specks.sum()))
    img = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=d.quality)
    return buf.getvalue()


@dataclass
class ScanDoc(Doc):
    degrade: Degrade = Degrade(150, 0, 0, 255, 0, 0, 95)


def build(
    root: Path, per_family: int = 2, families: list[str] | None = None, seed: int = 15, dpi: int | None = None
) -> list[ScanDoc]:
    """Scanned reports of each family under `root`, with their truth."""
    docs = []
    for family in families or FAMILIES:
        # One generator per family: a family's documents do not depend on which others are built.
        rng = random.Random(seed * 100 + FAMILIES.index(family))
        for i in range(per_family):
            r = make_report(rng, i + FAMILIES.index(family), error=False, blanks=False)
            d = Degrade.draw(rng, dpi)
            path = root / f"scan_{family}_{i:02d}.pdf"
            path.write_bytes(scanned(printed(html(r, family)), d, seed=rng.randrange(1 << 30)))
            docs.append(ScanDoc(family, path, r, d))
    return docs


if __name__ == "__main__":  # write a set to look at: python tests/scan_build.py OUT [per_family]
    import sys

    for doc in build(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1):
        print(doc.path, doc.degrade)
