"""A synthetic crawl for batch tests and bench/bench_batch.py: copies of the shipped corpus
with varied numbers (so every copy has its own content hash and its own values), in
nested folders, plus broken files."""

from __future__ import annotations

import re
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
TEXT = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md"))
HTML = sorted(CORPUS.glob("*.html"))
PDF = sorted(CORPUS.glob("*.pdf"))


def vary_numbers(text: str, i: int) -> str:
    """Copy `i` of a text report: every count stated with its unit (…件, …条) gets `i`
    added, and a last line names the copy, so each copy has its own content hash.
    Table digits are left alone: a varied run-together row ("640020470") no longer adds
    up and its cells cannot be recovered (see `pathological`)."""
    varied = re.sub(r"\d+(?=[件条个次期项人家篇])", lambda m: str(int(m.group(0)) + i), text)
    return varied + f"\n（副本 {i}）\n"


def pathological(dest: Path) -> Path:
    """pingtan_2021 with every number but the years changed: its run-together table rows
    then add up in no split at all, and split in very many ways without the sums (a real
    hazard of crawled text; it once took minutes to resolve)."""
    text = (CORPUS / "pingtan_2021.txt").read_text(encoding="utf-8")
    bump = lambda m: m.group(0) if re.fullmatch(r"(19|20)\d\d", m.group(0)) else str(int(m.group(0)) + 26)  # noqa: E731
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(re.sub(r"\d+(?![\d.、．])", bump, text), encoding="utf-8")
    return dest


def write_copy(src: Path, dest: Path, i: int) -> None:
    """Text formats get varied numbers; HTML and PDF keep their content and get a unique
    trailing comment (their readers ignore it), so they still count as new documents."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if src.suffix in (".txt", ".md"):
        dest.write_text(vary_numbers(src.read_text(encoding="utf-8"), i), encoding="utf-8")
    elif src.suffix == ".html":
        dest.write_bytes(src.read_bytes() + f"\n<!-- copy {i} -->\n".encode())
    else:
        dest.write_bytes(src.read_bytes() + f"\n% copy {i}\n".encode())


def broken_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "truncated.pdf": PDF[0].read_bytes()[:3000],
        "empty.txt": b"",
        "garbage.pdf": bytes(range(256)) * 8,
        "not_a_docx.docx": b"PK\x03\x04" + b"\x00" * 200,
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / n for n in files]


def make_crawl(root: Path, n: int, pdfs: int = 0, html: int = 0, broken: bool = True) -> Path:
    """`n` text/Markdown copies (+ `html` HTML and `pdfs` PDF copies) in 10 nested folders."""
    for i in range(n):
        src = TEXT[i % len(TEXT)]
        write_copy(src, root / f"site{i % 10}" / "y" / f"{i:05d}_{src.stem}{src.suffix}", i)
    for i in range(html):
        write_copy(HTML[i % len(HTML)], root / "html" / f"{i:05d}.html", i)
    for i in range(pdfs):
        write_copy(PDF[i % len(PDF)], root / "pdf" / f"{i:05d}.pdf", i)
    if broken:
        broken_files(root / "broken")
    return root
