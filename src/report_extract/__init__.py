"""report_extract: Chinese 政府信息公开工作年度报告 → checked, canonical research data.

>>> import report_extract
>>> r = report_extract.extract("corpus/000_a01111d04fa25f8f.txt")
>>> r.meta["agency"], r.value("requests", "new_received", "total")
('牧野区科技和工业信息化局', 0)
>>> r.frame("requests")          # a pandas DataFrame, canonical rows × columns
"""

from report_extract.model.result import CellValue, CheckResult, Result, Section
from report_extract.outputs.frames import read_table
from report_extract.pipeline.stages import extract
from report_extract.reading.errors import ReaderError
from report_extract.version import __version__

__all__ = ["__version__", "extract", "read_table", "ReaderError", "Result", "CellValue", "CheckResult", "Section"]
