"""report_extract: Chinese 政府信息公开工作年度报告 → checked, canonical research data.

>>> import report_extract
>>> r = report_extract.extract("corpus/000_a01111d04fa25f8f.txt")
>>> r.meta["agency"], r.value("requests", "new_received", "total")
('牧野区科技和工业信息化局', 0)
>>> r.frame("requests")          # a pandas DataFrame, canonical rows × columns
"""

from __future__ import annotations

import importlib
from typing import Any

from report_extract.version import __version__

__all__ = ["__version__", "extract", "read_table", "ReaderError", "Result", "CellValue", "CheckResult", "Section"]

# The API is imported on first use (PEP 562): the command line and the worker processes
# import the package for its submodules, and the pipeline is a tenth of a second to import.
_HOMES = {
    "extract": "report_extract.pipeline.stages",
    "read_table": "report_extract.outputs.frames",
    "ReaderError": "report_extract.reading.errors",
    "Result": "report_extract.model.result",
    "CellValue": "report_extract.model.result",
    "CheckResult": "report_extract.model.result",
    "Section": "report_extract.model.result",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
