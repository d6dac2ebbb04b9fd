"""Converting a batch: every document isolated, errors recorded, outputs written whole."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .export import error_row, write_all
from .meta import load_overrides
from .pipeline import extract
from .readers import ReaderError
from .result import Result


@dataclass
class Summary:
    converted: int = 0
    partial: int = 0
    failed: int = 0
    checks_failed: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        other = ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items()) if k not in ("ok", "partial"))
        return (f"converted {self.converted}, partial {self.partial}, failed {self.failed}"
                + (f", {other}" if other else "")
                + f"; reports failing checks {self.checks_failed}; {self.seconds:.1f} s")


def convert_one(path: Path, overrides: Optional[dict], engine: str) -> tuple[Optional[Result], Optional[dict]]:
    """(result, None) or (None, error row): one bad file never stops a batch."""
    try:
        return extract(path, overrides=overrides, engine=engine), None
    except ReaderError as e:
        return None, error_row(str(path), "unreadable", str(e))
    except Exception as e:  # a bug on one document must not lose the batch
        return None, error_row(str(path), type(e).__name__, str(e).splitlines()[0] if str(e) else repr(e))


def convert_paths(paths: list[Path], outdir: Path, engine: str = "auto", meta_csv: Optional[str] = None,
                  bom: bool = False) -> Summary:
    start = time.perf_counter()
    overrides = load_overrides(meta_csv) if meta_csv else None
    results, errors = [], []
    summary = Summary()
    for path in paths:
        result, error = convert_one(path, overrides, engine)
        if error:
            errors.append(error)
            summary.failed += 1
            continue
        results.append(result)
        summary.statuses[result.status] = summary.statuses.get(result.status, 0) + 1
        summary.converted += result.status == "ok"
        summary.partial += result.status == "partial"
        summary.checks_failed += result.checks_failed > 0
    write_all(outdir, results, errors, bom)
    summary.seconds = time.perf_counter() - start
    return summary
