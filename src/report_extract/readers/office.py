"""Old binary Word (.doc) and WPS (.wps) files: converted to DOCX by LibreOffice
headless in a private temp dir, then read by the DOCX reader."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..model import Document
from . import ReaderError
from . import docx as docx_reader

_TIMEOUT_S = 180


def read(path: Path, data: bytes) -> Document:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ReaderError(f"{path.suffix or 'binary Word'} file needs LibreOffice "
                          "(apt-get install libreoffice-writer) to read .doc/.wps")
    doc = docx_reader.read(path, _convert(soffice, data))
    doc.format = "doc"
    doc.warnings.append("converted from .doc/.wps to DOCX by LibreOffice")
    return doc


def _convert(soffice: str, data: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="report-extract-") as tmp:
        work = Path(tmp)
        src = work / "input.doc"
        src.write_bytes(data)
        # A private profile: a running LibreOffice (or a parallel conversion) would
        # otherwise lock the shared one and the conversion would silently do nothing.
        profile = (work / "profile").as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"), str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise ReaderError(f"LibreOffice did not convert the file within {_TIMEOUT_S} s") from None
        out = work / "out" / "input.docx"
        if not out.exists():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
            raise ReaderError(f"LibreOffice could not convert the file: {detail[-1] if detail else 'no output'}")
        return out.read_bytes()
