"""Which files a command works on: files, folders (recursively), globs and list files."""
from __future__ import annotations

import glob
from pathlib import Path
from typing import Iterable, Iterator

# Inside folders, files with these extensions (or none: crawls often name files by hash)
# are taken; anything else (.csv, .json, images) is left alone.  Files named explicitly
# are always taken, and every file's format is decided by its content.
REPORT_SUFFIXES = {".pdf", ".html", ".htm", ".shtml", ".xhtml", ".txt", ".text", ".md",
                   ".markdown", ".docx", ".doc", ".wps"}  # fmt: skip


def _walk(folder: Path) -> Iterator[Path]:
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.name.startswith(".") and (p.suffix.lower() in REPORT_SUFFIXES or not p.suffix):
            yield p


def expand(inputs: Iterable[str], list_files: Iterable[str] = ()) -> list[Path]:
    """Every input file once, in a stable order."""
    names = list(inputs)
    for lf in list_files:
        names += [line.strip() for line in Path(lf).read_text(encoding="utf-8").splitlines()
                  if line.strip() and not line.startswith("#")]
    seen: dict[Path, None] = {}
    for name in names:
        p = Path(name)
        if p.is_dir():
            found: Iterable[Path] = _walk(p)
        elif p.exists():
            found = [p]
        else:
            found = [Path(g) for g in sorted(glob.glob(name, recursive=True)) if Path(g).is_file()]
        for f in found:
            seen.setdefault(f, None)
    return list(seen)
