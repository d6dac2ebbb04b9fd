"""The runtime that runs the text detector: OpenVINO where it is installed.

PP-OCRv6's detector is a convolution network over the whole printed area.  On one thread
onnxruntime 1.32 spends ~0.64 CPU s on a 736×960 input, most of it in two 1×1
convolutions of 768 channels; OpenVINO 2026.4 spends ~0.18 s on the same input with the
same f32 arithmetic (outputs within 1e-6; measured in docs/ocr.md).  The recogniser stays
on onnxruntime: on text lines (1×3×48×W) OpenVINO gains nothing at f32 and compiles anew
for each line width it has not seen.

OpenVINO computes in bfloat16 by default on CPUs that have AMX or AVX512-BF16 (3× faster
on the recogniser, but the scores and now and then a character change with the CPU): the
precision is fixed at f32 so that a report reads the same on every machine.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@functools.cache  # asked at every page and cell recognised; a failed import searches sys.path
def openvino_installed() -> bool:
    try:
        import openvino  # noqa: F401
    except ImportError:
        return False
    return True


def detector_runtime(choice: str) -> str:
    """The runtime the `ocr_detector` setting names; `auto` is OpenVINO when installed."""
    if choice == "auto":
        return "openvino" if openvino_installed() else "onnxruntime"
    return choice


class OpenVinoModel:
    """An ONNX model compiled by OpenVINO for the CPU, called as RapidOCR calls its
    sessions: one input array in, the first output out."""

    def __init__(self, path: Path, threads: int) -> None:
        import openvino

        core = openvino.Core()
        # Not pinned to a core: OpenVINO pins its inference thread by default, and the
        # workers of `convert --jobs N` would be pinned each without regard to the others.
        config: dict[str, object] = {"INFERENCE_PRECISION_HINT": "f32", "ENABLE_CPU_PINNING": False}
        if threads > 0:
            config["INFERENCE_NUM_THREADS"] = threads
        core.set_property("CPU", config)
        self._request = core.compile_model(core.read_model(str(path)), "CPU").create_infer_request()

    def __call__(self, x: np.ndarray) -> np.ndarray:
        self._request.infer([x])
        # A copy: the request's output buffer is overwritten by its next call.
        return self._request.get_output_tensor().data.copy()
