"""report_extract: Chinese 政府信息公开工作年度报告 → checked, canonical research data.

    >>> import report_extract
    >>> r = report_extract.extract("corpus/000_a01111d04fa25f8f.txt")
    >>> r.meta["agency"], r.value("requests", "new_received", "total")
    ('牧野区科技和工业信息化局', 0)
    >>> r.frame("requests")          # a pandas DataFrame, canonical rows × columns
"""
from .frames import read_table
from .pipeline import extract
from .readers import ReaderError
from .result import CellValue, CheckResult, Result, Section

__all__ = ["extract", "read_table", "ReaderError", "Result", "CellValue", "CheckResult", "Section"]
__version__ = "0.1.0"
