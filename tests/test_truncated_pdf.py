"""A PDF cut short (an interrupted download, the commonest corrupt file of a crawl) is told
as such, with its size, not only as "cannot be parsed" (newcomer's trial); a file of junk
after a PDF header is not called truncated."""

from __future__ import annotations

from pathlib import Path

import pytest

from report_extract.pipeline.stages import extract
from report_extract.reading.errors import ReaderError

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.mark.parametrize("name", ["kiro_01.pdf", "kiro_02.pdf", "govnianbao_01.pdf"])
def test_a_pdf_cut_anywhere_is_told_truncated(tmp_path: Path, name: str) -> None:
    data = (CORPUS / name).read_bytes()
    told = []
    for tenth in range(1, 10):
        cut = data[: len(data) * tenth // 10]
        path = tmp_path / f"{tenth}_{name}"
        path.write_bytes(cut)
        try:
            extract(path)
        except ReaderError as e:
            assert str(e) == (
                f"{path}: corrupt PDF: truncated, it ends without %%EOF after {len(cut):,} bytes"
                " (an incomplete download?)"
            )
            told.append(tenth)
    assert told, "PDFium read every cut: the test tells nothing"


def test_junk_after_a_pdf_header_is_not_called_truncated(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00\xffnot a pdf " * 50)
    with pytest.raises(ReaderError, match=r"corrupt PDF: cannot be parsed"):
        extract(path)
