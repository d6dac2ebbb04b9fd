"""OCR of page images: RapidOCR (PP-OCR models in ONNX), offline: the text detector run by
OpenVINO where it is installed (runtime.py: a quarter of the CPU), the recogniser by
onnxruntime.

The models ship inside the `rapidocr` wheel (rapidocr/models/*.onnx) and are loaded from
there; nothing is downloaded at run time (docs/ocr.md: how that was checked, and why this
engine).  It is an optional dependency: `pip install 'report-extract[ocr]'`.

Its settings (settings.py, group "ocr") include `ocr_threads`, the runtimes' threads per
process (default 1; 0: their own choice, all cores): more threads spend more CPU a page
for little gain in wall time, and `convert` already runs a worker per core;
`ocr_detector`, the detector's runtime; and `ocr_dpi`, the render resolution (default 150).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from report_extract.reading.ocr import runtime
from report_extract.settings import current

# numpy loads with the first image: a batch of born-digital PDFs decides that no page
# needs OCR (ocr_mode, pages._needs_ocr) without it.
if TYPE_CHECKING:
    import numpy as np

# Render resolution for OCR.  Measured on the rasterised test reports (docs/ocr.md): 150
# dpi reads every labelled cell of 150 and 200 dpi scans exactly at the least CPU; 200
# dpi reads the same at ~15% more; 300 dpi costs more and misreads more (the recogniser
# works on 48-pixel text lines: larger glyphs only get scaled down again).
MODES = ("auto", "always", "never")
SPECK_MARKS = frozenset(".,·'`:;，。、．")
# Letters a recogniser gives for digits on a noisy scan, and the score such a reading
# keeps (below ocr_char_sure: the cell is uncertain until a check confirms it).
LETTER_DIGITS = {
    "O": "0",
    "o": "0",
    "D": "0",
    "Q": "0",
    "l": "1",
    "I": "1",
    "i": "1",
    "|": "1",
    "Z": "2",
    "z": "2",
    "S": "5",
    "s": "5",
    "B": "8",
    "b": "6",
    "G": "6",
    "g": "9",
    "q": "9",
    "。": "0",
    "○": "0",
    "〇": "0",
}


class OcrUnavailable(RuntimeError):
    """The OCR engine is not installed (the optional `ocr` extra)."""


@dataclass(frozen=True)
class OcrChar:
    """One recognised character: its box in image pixels and the recogniser's score."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


# One engine per process and per setting that shapes it (a `use()` of other settings in
# the same process gets its own).
_ENGINES: dict[tuple, object] = {}
_LOCK = threading.Lock()


def ocr_mode(mode: str | None) -> str:
    """The OCR mode for PDFs and pictures alike: `mode`, else the `ocr` setting
    (REPORT_EXTRACT_OCR); an unknown mode is an error, never a silent auto."""
    mode = mode or current().ocr
    if mode not in MODES:
        raise ValueError(f"unknown OCR mode {mode!r}: choose one of {', '.join(MODES)}")
    return mode


def available() -> bool:
    try:
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


def _engine():
    """One RapidOCR per process and engine settings (~1 CPU s to load: RapidOCR's import
    reads its model tables with OmegaConf, ~0.5 s; the models ~0.35 s, the detector's
    onnxruntime session, which RapidOCR builds before it is given OpenVINO's, 0.1 s)."""
    settings = current()
    key = (
        settings.ocr_text_score_floor,
        settings.ocr_detect_side,
        settings.ocr_rec_min_width,
        settings.ocr_rec_batch,
        settings.ocr_threads,
        runtime.detector_runtime(settings.ocr_detector),
    )
    with _LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = _load(key[-1])
        return _ENGINES[key]


def _load(detector: str):
    try:
        from rapidocr import RapidOCR
    except ImportError as e:
        raise OcrUnavailable("OCR engine not installed: pip install 'report-extract[ocr]'") from e
    if detector == "openvino" and not runtime.openvino_installed():
        raise OcrUnavailable("ocr_detector is openvino, which is not installed: pip install openvino")
    params = {
        "Global.log_level": "warning",
        "Global.text_score": current().ocr_text_score_floor,
        # Scans of these reports are upright; the 180° text classifier only costs time.
        "Global.use_cls": False,
        "Det.limit_type": "max",
        "Det.limit_side_len": current().ocr_detect_side,
        "Rec.rec_img_shape": [3, 48, current().ocr_rec_min_width],
        # One line a call by default: a table page's lines range from a lone "0"
        # to a whole sentence, and a batch pads each to its widest (RapidOCR's
        # batches of 6 cost 15% more CPU a page on one thread, for the same text).
        "Rec.rec_batch_num": current().ocr_rec_batch,
        # onnxruntime's memory arena: buffers reused between calls instead of
        # allocated per text line (a few % of CPU, no measurable RSS).
        "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
    }
    if current().ocr_threads > 0:
        params["EngineConfig.onnxruntime.intra_op_num_threads"] = current().ocr_threads
        params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
    engine = RapidOCR(params=params)
    # Loaded now (RapidOCR loads it at the first call) so that `recognise` can set its
    # size limit for each page's printed area, and so that it can be given its runtime.
    detector_model = engine._load_det_model()
    if detector == "openvino":
        detector_model.session = runtime.OpenVinoModel(_model_path(engine.cfg.Det), current().ocr_threads)
    return engine


def _model_path(cfg) -> Path:
    """The file RapidOCR loads a model of `cfg` (its Det, Cls or Rec section) from: its
    own look-up, inside the wheel."""
    from rapidocr.inference_engine.base import FileInfo, InferSession

    if cfg.model_path:
        return Path(cfg.model_path)
    info = FileInfo(cfg.engine_type, cfg.ocr_version, cfg.task_type, cfg.lang_type, cfg.model_type)
    return Path(cfg.model_root_dir) / Path(InferSession.get_model_url(info)["model_dir"]).name


def model_dir() -> str:
    """Where the models are loaded from (inside the installed wheel)."""
    return str(_engine().cfg.Global.model_root_dir)


def recognise(image: np.ndarray, row_pitch: float | None = None) -> list[OcrChar]:
    """Characters of a grayscale or RGB page image, each with its own box and score.

    Text is detected only inside the printed area (the page margins are a quarter of
    the pixels and the detector's CPU goes by pixels), at the scale ocr_detect_side gives
    the whole image, or larger where table rows `row_pitch` pixels apart would come out
    closer than ocr_min_detect_row (the detector then draws one box over two rows)."""
    import numpy as np

    gray = image if image.ndim == 2 else image.min(axis=2)
    x0, y0, x1, y1 = _printed_area(gray)
    if x1 <= x0 or y1 <= y0:
        return []
    crop = image[y0:y1, x0:x1]
    if crop.ndim == 2:
        crop = np.stack([crop] * 3, axis=-1)
    engine = _engine()
    with _LOCK:
        # The detector's size limit is a plain attribute, read at each call.
        factor = current().ocr_detect_side / max(gray.shape)
        if row_pitch:
            factor = max(factor, current().ocr_min_detect_row / row_pitch)
        engine.text_det.limit_side_len = max(32, round(max(crop.shape[:2]) * min(1.0, factor)))
        # RapidOCR keeps per-call switches for later calls: pass every one, every time.
        result = engine(crop, use_det=True, return_word_box=True, return_single_char_box=True)
    if not result.txts:
        return []
    return [
        _shifted(c, x0, y0)
        for box, text, words in zip(result.boxes, result.txts, result.word_results)
        for c in _chars(text, words, box)
    ]


def _printed_area(gray: np.ndarray) -> tuple[int, int, int, int]:
    """The box (x0, top, x1, bottom, pixels) of the rows and columns holding print,
    with a margin; scanner specks do not count."""
    import numpy as np

    dark = gray < current().ocr_print_level
    rows = np.flatnonzero(dark.sum(axis=1) >= current().ocr_min_print_pixels)
    cols = np.flatnonzero(dark.sum(axis=0) >= current().ocr_min_print_pixels)
    if not len(rows) or not len(cols):
        return 0, 0, 0, 0
    h, w = gray.shape
    return (
        max(0, int(cols[0]) - current().ocr_print_margin),
        max(0, int(rows[0]) - current().ocr_print_margin),
        min(w, int(cols[-1]) + 1 + current().ocr_print_margin),
        min(h, int(rows[-1]) + 1 + current().ocr_print_margin),
    )


def _shifted(c: OcrChar, dx: float, dy: float) -> OcrChar:
    return OcrChar(c.text, c.x0 + dx, c.top + dy, c.x1 + dx, c.bottom + dy, c.confidence) if dx or dy else c


def recognise_line(image: np.ndarray) -> tuple[str, float]:
    """Text of an image that holds one line (no detection step): for cells the detector
    passed over, typically a lone "0" among scanner specks."""
    import numpy as np

    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    result = _engine()(image, use_det=False, return_word_box=False, return_single_char_box=False)
    if not result.txts:
        return "", 0.0
    return str(result.txts[0]).strip(), float(result.scores[0])


def _chars(line: str, words, line_box) -> list[OcrChar]:
    """Per-character boxes; a box only as high as the text line, whatever the glyph.
    `words` has no entries for the spaces of the line's text `line`."""
    ys = [p[1] for p in line_box]
    top, bottom = float(min(ys)), float(max(ys))
    spaces_before = _spaces_before(line)
    out: list[OcrChar] = []
    for k, (text, score, box) in enumerate(words):
        if not text or not text.strip() or box is None:
            continue
        spaced = k < len(spaces_before) and spaces_before[k]
        xs = [p[0] for p in box]
        if out and not spaced:
            # The estimated boxes are narrower than the glyphs ("3119": 6-pixel digits at
            # a 10-pixel pitch); the gaps would read as spaces, which the recogniser did
            # not see.  Characters it read without a space touch.
            out[-1] = replace(out[-1], x1=max(out[-1].x1, float(min(xs))))
        out.append(OcrChar(text, float(min(xs)), top, float(max(xs)), bottom, float(score)))
    return clean_line(out)


def _spaces_before(line: str) -> list[bool]:
    """For each non-space character of `line`: whether a space precedes it."""
    out, space = [], False
    for ch in line:
        if ch.isspace():
            space = True
        else:
            out.append(space)
            space = False
    return out


def clean_line(chars: list[OcrChar]) -> list[OcrChar]:
    """One recognised line with scanner specks trimmed and letters read for digits."""
    return _letters_as_digits(_trim_specks(chars))


def _letters_as_digits(chars: list[OcrChar]) -> list[OcrChar]:
    """ "i" for 1, "O" for 0 in a line that is otherwise a number (or a lone character):
    the digit, with the score capped so the cell is flagged as uncertain."""
    if not chars or not all(c.text.isdigit() or c.text in LETTER_DIGITS for c in chars):
        return chars
    if all(c.text.isdigit() for c in chars):
        return chars
    return [
        c
        if c.text.isdigit()
        else OcrChar(LETTER_DIGITS[c.text], c.x0, c.top, c.x1, c.bottom, min(c.confidence, current().ocr_letter_score))
        for c in chars
    ]


def _trim_specks(chars: list[OcrChar]) -> list[OcrChar]:
    """A number with a stray mark read at its end or start ("3119.", ".0", "-0"): scanner
    specks beside a digit come out as points, even at high scores.  A decimal point is
    never the first or last character of a number, so edge points go; an edge minus goes
    only when scored low (a printed "-8" in 本年增/减 is read with certainty)."""

    def speck(c: OcrChar) -> bool:
        return c.text in SPECK_MARKS or (c.text in "-－" and c.confidence < current().ocr_char_sure)

    while len(chars) > 1 and all(c.text.isdigit() or speck(c) for c in chars):
        if speck(chars[-1]):
            chars = chars[:-1]
        elif speck(chars[0]):
            chars = chars[1:]
        else:
            break
    return chars
