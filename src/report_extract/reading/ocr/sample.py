"""Scanned-looking, image-only PDFs made from text PDFs: the OCR tests' and bench's input.

Each page is rendered at `dpi`, turned a little (alternating ±0.5–1°, as a sheet lies on a
scanner), given grey noise and specks, and saved as a JPEG page image with no text layer.
`pasted_region_pdf` replaces one region of a text page by such a picture instead (a
table pasted into a report as an image).  Made on the fly from the corpus PDFs, so no
binary fixture is committed, and the labelled values of the originals are the truth
for the copies.
"""

from __future__ import annotations

import io

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

ANGLES = (0.6, -0.9, 1.0, -0.5)  # degrees, page by page
NOISE_SIGMA = 10.0  # grey-level noise on 0..255
SPECKS = 0.0005  # share of pixels turned black


def scanned_pdf(data: bytes, dpi: int, seed: int = 0) -> bytes:
    """An image-only PDF of the same page size as `data`, one grey image per page."""
    rng = np.random.default_rng(seed)
    pdf = pdfium.PdfDocument(data)
    try:
        images = [_scan(pdf[i], dpi, ANGLES[i % len(ANGLES)], rng) for i in range(len(pdf))]
    finally:
        pdf.close()
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return buf.getvalue()


def pasted_region_pdf(
    data: bytes, page_index: int, region: tuple[float, float, float, float], dpi: int, seed: int = 0
) -> bytes:
    """The PDF with `region` (x0, top, x1, bottom in points) of one page replaced by a
    noisy picture of itself: a table pasted into a text report as an image."""
    pdf = pdfium.PdfDocument(data)
    page = pdf[page_index]
    height = page.get_height()
    x0, top, x1, bottom = region[0] - 4, region[1] - 4, region[2] + 4, region[3] + 4  # with its border
    crop = (x0, height - bottom, page.get_width() - x1, top)
    picture = _scan(page, dpi, 0.0, np.random.default_rng(seed), crop=crop, close=False)
    for obj in list(page.get_objects(max_depth=1)):
        left, low, right, high = obj.get_bounds()
        if (
            obj.type in (pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH)
            and left >= x0 - 1
            and right <= x1 + 1
            and height - high >= top - 1
            and height - low <= bottom + 1
        ):
            page.remove_obj(obj)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(picture))
    image.set_matrix(pdfium.PdfMatrix().scale(x1 - x0, bottom - top).translate(x0, height - bottom))
    page.insert_obj(image)
    page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def _scan(
    page: pdfium.PdfPage,
    dpi: int,
    angle: float,
    rng: np.random.Generator,
    crop: tuple[float, float, float, float] = (0, 0, 0, 0),
    close: bool = True,
) -> Image.Image:
    try:
        gray = page.render(scale=dpi / 72, crop=crop).to_pil().convert("L")
    finally:
        if close:
            page.close()
    turned = gray.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    pixels = np.asarray(turned, dtype=np.float32)
    noisy = pixels + rng.normal(0.0, NOISE_SIGMA, pixels.shape)  # float64, as the noise
    noisy[rng.random(noisy.shape) < SPECKS] = 0
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "L")
