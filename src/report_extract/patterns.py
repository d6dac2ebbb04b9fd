"""Where the pattern files (patterns/*.toml, *.csv) are, and reading them.

Looked up in this order, file by file, so a researcher can override one file without
copying the rest: the folder the `patterns` setting names (REPORT_EXTRACT_PATTERNS), the copy inside the
installed package (wheel), the `patterns/` folder of the source tree (editable install).
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from report_extract.settings import current, patterns_dir

T = TypeVar("T")


def _folders() -> list[Path]:
    here = Path(__file__).resolve().parent
    own = patterns_dir()
    return ([own] if own else []) + [here / "patterns", here.parents[1] / "patterns"]


def path(name: str) -> Path:
    for folder in _folders():
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"patterns/{name} not found; set REPORT_EXTRACT_PATTERNS")


def cached(fn: Callable[..., T]) -> Callable[..., T]:
    """`functools.cache` for what is made from pattern files: remembered per patterns
    folder in force (the `patterns` setting), so `extract(..., settings=Settings(patterns=…))`
    after an extract with the shipped patterns reads the other folder's files, not the
    first folder's remembered ones."""

    @functools.cache
    def in_folder(folder: str, *args: Any) -> T:
        return fn(*args)

    @functools.wraps(fn)
    def wrapper(*args: Any) -> T:
        # the setting's text, not patterns_dir()'s Path: the label scorer asks thousands of times a report
        return in_folder(current().patterns, *args)

    wrapper.cache_clear = in_folder.cache_clear  # type: ignore[attr-defined]  # as functools.cache has
    return wrapper


@cached
def load_toml(name: str) -> dict:
    with open(path(name), "rb") as f:
        return tomllib.load(f)


def digest() -> str:
    """SHA-256 of every pattern file in effect (name and bytes, as `path` finds them): a
    changed pattern changes results, so the journal's fingerprint includes it."""
    names = sorted({p.name for folder in _folders() if folder.is_dir() for p in folder.iterdir() if p.is_file()})
    h = hashlib.sha256()
    for name in names:
        h.update(name.encode() + b"\0" + path(name).read_bytes() + b"\0")
    return h.hexdigest()
