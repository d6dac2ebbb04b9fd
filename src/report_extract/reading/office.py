"""Old binary Word (.doc), WPS (.wps) and OpenDocument text (.odt) files: converted to
DOCX by LibreOffice headless in a private temp dir, then read by the DOCX reader.

LibreOffice is a tree of processes (the soffice script, oosplash, soffice.bin) in a
session of its own, so a timeout kills all of it.  When the process converting a document
is itself killed (convert's --timeout, a memory limit), it cannot clean up: its temp dir is
named after its pid and records LibreOffice's process group, and whoever killed it calls
`cleanup(pid)`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from report_extract.model.document import Document
from report_extract.reading import is_odt
from report_extract.reading.errors import ReaderError
from report_extract.settings import current

_PGID_FILE = "soffice.pgid"


def read(path: Path, data: bytes) -> Document:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    kind = "odt" if is_odt(data) else "doc"
    if soffice is None:
        raise ReaderError(
            f"{path.suffix or ('OpenDocument' if kind == 'odt' else 'binary Word')} file needs LibreOffice "
            "(apt-get install libreoffice-writer) to read .doc/.wps/.odt"
        )
    from report_extract.reading import docx as docx_reader  # python-docx costs 60 ms of start-up: only for Word files

    doc = docx_reader.read(path, _convert(soffice, data, kind))
    doc.format = kind
    doc.warnings.append(f"converted from .{'odt' if kind == 'odt' else 'doc/.wps'} to DOCX by LibreOffice")
    return doc


def _prefix(pid: int) -> str:
    return f"report-extract-{pid}-"


def cleanup(pid: int) -> None:
    """Kill the LibreOffice of a killed process `pid` and remove its temp dirs."""
    for work in Path(tempfile.gettempdir()).glob(_prefix(pid) + "*"):
        _kill_group(work / _PGID_FILE)
        shutil.rmtree(work, ignore_errors=True)


def _kill_group(pgid_file: Path) -> None:
    try:
        os.killpg(int(pgid_file.read_text()), signal.SIGKILL)
    except (OSError, ValueError):
        pass  # never started, or already gone


def _convert(soffice: str, data: bytes, kind: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix=_prefix(os.getpid())) as tmp:
        work = Path(tmp)
        src = work / f"input.{kind}"
        src.write_bytes(data)
        # A private profile: a running LibreOffice (or a parallel conversion) would
        # otherwise lock the shared one and the conversion would silently do nothing.
        profile = (work / "profile").as_uri()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(work / "out"),
            str(src),
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        (work / _PGID_FILE).write_text(str(proc.pid))
        try:
            stdout, stderr = proc.communicate(timeout=current().office_timeout_s)
        except subprocess.TimeoutExpired:
            raise ReaderError(f"LibreOffice did not convert the file within {current().office_timeout_s} s") from None
        finally:
            _kill_group(work / _PGID_FILE)  # what LibreOffice left running, if anything
            proc.wait()
        out = work / "out" / "input.docx"
        if not out.exists():
            detail = (stderr or stdout).decode("utf-8", "replace").strip().splitlines()
            raise ReaderError(f"LibreOffice could not convert the file: {detail[-1] if detail else 'no output'}")
        return out.read_bytes()
