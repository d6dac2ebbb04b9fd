"""Scanned-looking, image-only PDFs made from text PDFs: the OCR tests' and bench's input.

Each page is rendered at `dpi`, turned a little (alternating ±0.5–1°, as a sheet lies on a
scanner), given grey noise and specks, and saved as a JPEG page image with no text layer.
Made on the fly from the corpus PDFs, so no binary fixture is committed, and the labelled
values of the originals are the truth for the copies.
"""
from __future__ import annotations

import io

import numpy as np
import pypdfium2 as pdfium
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


def _scan(page: pdfium.PdfPage, dpi: int, angle: float, rng: np.random.Generator) -> Image.Image:
    try:
        gray = page.render(scale=dpi / 72).to_pil().convert("L")
    finally:
        page.close()
    turned = gray.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    pixels = np.asarray(turned, dtype=np.float32)
    pixels = pixels + rng.normal(0.0, NOISE_SIGMA, pixels.shape)
    pixels[rng.random(pixels.shape) < SPECKS] = 0
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
