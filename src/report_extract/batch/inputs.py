"""Which files a command works on: files, folders (recursively), globs and list files.

Every input named on the command line or in a list file ends in exactly one output row, so
a researcher can match a crawl list to the outputs: what cannot be converted (a name that
matches nothing, a dangling symlink, a symlink loop, a folder that cannot be read, a FIFO
or device, a symlink leading out of the folder being walked) is not dropped but passed on
with the reason, and becomes a row in errors.csv.

Not every file is a report: data files (.csv, .json …), images and archives, and a
folder's own documentation (README.md, SOURCES.csv) whose first lines name no report, are
not read but become `skipped` rows with the reason; the rules are data, in
patterns/inputs.toml.  Inside folders only files with a report ending (or none) are read.

Symlinks: one named explicitly is followed (the user chose it).  Met while walking a
folder, a symlink is followed only when its target lies inside that folder; one leading
outside (to another crawl, to /etc/passwd) is refused with `not_followed`, and symlinked
folders are never descended (a loop would never end; their files are reached under their
real path when they are inside the folder).
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from report_extract.metadata.kind import file_refusal

# The errors.csv kinds of refused inputs.
UNREADABLE = "unreadable"
NOT_FOLLOWED = "not_followed"


@dataclass
class Inputs:
    """The files to convert in a stable order, and the inputs refused: path -> (kind, message)."""

    paths: list[Path] = field(default_factory=list)
    refused: dict[Path, tuple[str, str]] = field(default_factory=dict)
    _seen: set[Path] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.paths or self.refused)

    def add(self, path: Path, refusal: tuple[str, str] | None = None, in_folder: bool = False) -> None:
        # one file named twice (crawl/a.txt and /home/x/crawl/a.txt) is one input, not its own duplicate
        seen = Path(os.path.abspath(path))
        if seen in self._seen:
            return
        self._seen.add(seen)
        if refusal is None:  # stat first: only a regular file is opened by the name rules
            refusal = unusable(path) or file_refusal(path, in_folder)
        if refusal is None:
            self.paths.append(path)
        else:
            self.refused[path] = refusal


def unusable(path: Path) -> tuple[str, str] | None:
    """Why `path` cannot be converted, or None for a regular file (followed if a symlink).
    Only stat() is used: opening a FIFO would block until a writer comes."""
    try:
        st = os.stat(path)
    except OSError as e:
        if os.path.islink(path):
            cause = "symlink loop" if e.errno == 40 else "dangling symlink"  # ELOOP
            return UNREADABLE, f"{cause}: {os.readlink(path)}"
        return UNREADABLE, f"cannot open file: {e.strerror or e}"
    if stat.S_ISDIR(st.st_mode):
        return UNREADABLE, "folder holds no readable report files"
    if not stat.S_ISREG(st.st_mode):
        kind = "FIFO" if stat.S_ISFIFO(st.st_mode) else "socket" if stat.S_ISSOCK(st.st_mode) else "device"
        return UNREADABLE, f"not a regular file ({kind}): not read"
    return None


def _walk(folder: Path, exclude: Path | None = None) -> Iterator[tuple[Path, tuple[str, str] | None]]:
    """Candidate files under `folder`, sorted, each with its refusal (None: convert it);
    `exclude`: a folder left out (the output folder inside the crawl: its own files are
    no inputs)."""
    root = folder.resolve()
    errors: list[OSError] = []
    found: list[tuple[Path, tuple[str, str] | None]] = []
    for top, dirs, files in os.walk(folder, onerror=errors.append):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and (exclude is None or Path(top, d).resolve() != exclude)
        )
        for name in [*files, *(d for d in dirs if os.path.islink(os.path.join(top, d)))]:
            if name.startswith("."):
                continue  # hidden: .git, editors' files, our own temporaries
            p = Path(top, name)
            if p.is_symlink():
                target = Path(os.path.realpath(p))
                if target.is_dir():
                    found.append((p, (NOT_FOLLOWED, "symlink to a folder: not followed")))
                    continue
                if not target.is_relative_to(root):
                    found.append((p, (NOT_FOLLOWED, f"symlink to {target}, outside {folder}: not followed")))
                    continue
            found.append((p, None))
    for e in errors:
        found.append((Path(e.filename), (UNREADABLE, f"cannot read folder: {e.strerror or e}")))
    return iter(sorted(found, key=lambda item: item[0]))


def expand(inputs: Iterable[str], list_files: Iterable[str] = (), exclude: Path | None = None) -> Inputs:
    """Every input file once, in a stable order, and every named input that gives none;
    `exclude`: a folder whose files walking a folder leaves out (convert's output folder)."""
    exclude = exclude.resolve() if exclude is not None else None
    names = list(inputs)
    for lf in list_files:
        # surrogateescape: a listed name that is not UTF-8 is kept as the bytes that name the file;
        # utf-8-sig: a list saved by Notepad or Excel starts with a BOM, no part of the first name
        names += [
            line.strip()
            for line in Path(lf).read_text(encoding="utf-8-sig", errors="surrogateescape").splitlines()
            if line.strip() and not line.startswith("#")
        ]
    out = Inputs()
    for name in names:
        p = Path(name)
        if p.is_dir():
            for f, refusal in _walk(p, exclude):
                out.add(f, refusal, in_folder=True)
        elif os.path.lexists(p) or not glob.has_magic(name):
            out.add(p)
        else:
            matches = [Path(g) for g in sorted(glob.glob(name, recursive=True)) if Path(g).is_file()]
            if not matches:
                out.add(p, (UNREADABLE, "no file matches this pattern"))
            for f in matches:
                out.add(f)
    return out
