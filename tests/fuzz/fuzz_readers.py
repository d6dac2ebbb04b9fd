"""Coverage-guided fuzzing of one reader, end to end, with atheris (libFuzzer).

Not collected by pytest (the file name does not start with test_).  Run by hand:

    .venv/bin/pip install atheris pikepdf   # dev tools, not runtime dependencies
    .venv/bin/python tests/fuzz/fuzz_readers.py FORMAT [libFuzzer flags]
    # e.g. 10 minutes of PDF, keeping any crashing input in /tmp/fuzz-pdf/:
    .venv/bin/python tests/fuzz/fuzz_readers.py pdf -max_total_time=600 -timeout=60 \
        -rss_limit_mb=3072 -artifact_prefix=/tmp/fuzz-pdf/

FORMAT is txt, md, html, docx or pdf.  Seeds are the corpus files of that format (and,
for PDF, each of their pages as a one-page PDF, which is faster to mutate and read; for
DOCX, the test fixtures), plus the hostile shapes of issue 16 that the corpus lacks:
for PDF, every one-page PDF again with its content stream chained through two filters
(`[/FlateDecode /FlateDecode]` and `[/ASCIIHexDecode /FlateDecode]`) and small
hand-written pages so chained (tests/hostile_build.py; honest streams, not bombs); for
text, Markdown and HTML, every file again with invalid UTF-8 bytes on every 7th line and
with every other line in GBK (a one-line page is first broken after each `</p>`).  An
input "crashes" when `readers.read` or `pipeline.from_document` raises anything but
`ReaderError`, or runs past -timeout.  For DOCX a custom mutator also mutates
word/document.xml inside the zip, so the XML walker is reached, not just the zip parser.
OCR is off (REPORT_EXTRACT_OCR=never): it would turn every text-less mutant into seconds
of image recognition.

An unexpected exception does not stop the run: the input and its traceback are written
to <artifact_prefix>unexpected-<sha1>.* (one per exception type and place) and the line
"UNEXPECTED <type>@<file>:<line>" is printed; hangs (-timeout) and memory blow-ups
(-rss_limit_mb) stop it with libFuzzer's own crash-/timeout-/oom- files.  Turn such an
input into a regression test that builds its essence (tests/test_hostile.py,
tests/test_issue16_hostile.py): no fuzz artefact is committed.
"""
from __future__ import annotations

import hashlib
import io
import os
import sys
import tempfile
import traceback
import zipfile
from pathlib import Path

os.environ.setdefault("REPORT_EXTRACT_OCR", "never")
import atheris  # noqa: E402

with atheris.instrument_imports(include=["report_extract"]):
    from report_extract.pipeline import stages as pipeline
    from report_extract import reading as readers  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from hostile_build import chained_filter_pdf, damaged_utf8, encode_filters, mixed_gbk  # noqa: E402

SUFFIX = {"txt": ".txt", "md": ".md", "html": ".html", "docx": ".docx", "pdf": ".pdf"}
# Two-layer filter chains (issue 16: a bomb hid in the second layer), outermost first.
CHAINS = {"ff": ("FlateDecode", "FlateDecode"), "hf": ("ASCIIHexDecode", "FlateDecode")}


def seeds(fmt: str, into: Path) -> None:
    """Write the seeds of `fmt` (see the module docstring) into the folder `into`."""
    files = [p for d in (ROOT / "corpus", ROOT / "tests" / "fixtures")
             for p in d.glob(f"*{SUFFIX[fmt]}")]
    for p in files:
        (into / p.name).write_bytes(p.read_bytes())
        if fmt == "pdf":
            _split_pages(p, into)
        elif fmt in ("txt", "md", "html"):
            text = p.read_text(encoding="utf-8")
            if text.count("\n") < 7:  # a one-line page: give it lines to damage
                text = text.replace("</p>", "</p>\n")
            (into / f"{p.stem}-damaged{p.suffix}").write_bytes(damaged_utf8(text))
            (into / f"{p.stem}-gbk{p.suffix}").write_bytes(mixed_gbk(text))
    if fmt == "pdf":
        for tag, chain in CHAINS.items():
            (into / f"hello-{tag}.pdf").write_bytes(chained_filter_pdf(b"Hello", chain))


def _split_pages(pdf: Path, into: Path) -> None:
    """Each page as a one-page PDF, and again with its content chained through CHAINS."""
    import pikepdf

    with pikepdf.open(pdf) as src:
        for i, page in enumerate(src.pages):
            one = pikepdf.new()
            one.pages.append(page)
            one.save(into / f"{pdf.stem}-p{i + 1}.pdf")
            for tag, chain in CHAINS.items():
                page = one.pages[0]
                page.contents_coalesce()  # one content stream, whatever the page had
                raw = page.obj.Contents.read_bytes()
                page.obj.Contents.write(encode_filters(raw, list(chain)),
                                        filter=[pikepdf.Name("/" + f) for f in chain])
                one.save(into / f"{pdf.stem}-p{i + 1}-{tag}.pdf")


def one_input(fmt: str, found: Path):
    """The fuzz target.  An unexpected exception is kept (input and traceback, one per
    distinct exception type and place) and fuzzing goes on, so one run finds them all."""
    path = Path("fuzz" + SUFFIX[fmt])
    seen: set[str] = set()

    def test(data: bytes) -> None:
        try:
            doc = readers.read(path, data)
            pipeline.from_document(doc)
        except readers.ReaderError:
            return
        except Exception as e:  # noqa: BLE001 - this is what the fuzzer looks for
            where = traceback.extract_tb(e.__traceback__)[-1]
            key = f"{type(e).__name__}@{Path(where.filename).name}:{where.lineno}"
            if key not in seen:
                seen.add(key)
                name = f"unexpected-{hashlib.sha1(data).hexdigest()[:12]}"
                (found / f"{name}{SUFFIX[fmt]}").write_bytes(data)
                (found / f"{name}.txt").write_text(key + "\n" + traceback.format_exc())
                print(f"UNEXPECTED {key}", file=sys.stderr, flush=True)

    return test


def docx_mutator(data: bytes, max_size: int, seed: int) -> bytes:
    """Half the time mutate document.xml inside the package, else the raw bytes."""
    if seed % 2:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                parts = {i.filename: z.read(i) for i in z.infolist()}
            xml = parts["word/document.xml"]
        except Exception:  # not a zip (any more): mutate bytes
            return atheris.Mutate(data, max_size)
        parts["word/document.xml"] = atheris.Mutate(xml, len(xml) + 256)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, body in parts.items():
                z.writestr(name, body)
        return out.getvalue()[:max_size] if len(out.getvalue()) > max_size else out.getvalue()
    return atheris.Mutate(data, max_size)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in SUFFIX:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(SUFFIX)}}} [libFuzzer flags]")
    fmt, flags = sys.argv[1], sys.argv[2:]
    seed_dir = Path(tempfile.mkdtemp(prefix=f"fuzz-seeds-{fmt}-"))
    seeds(fmt, seed_dir)
    work_dir = Path(tempfile.mkdtemp(prefix=f"fuzz-corpus-{fmt}-"))
    # libFuzzer keeps new interesting inputs in the first folder and reads all of them.
    argv = [sys.argv[0], *flags, "-print_final_stats=1", str(work_dir), str(seed_dir)]
    found = Path(next((f.split("=", 1)[1] for f in flags if f.startswith("-artifact_prefix=")), "."))
    target = one_input(fmt, found)
    if fmt == "docx":
        atheris.Setup(argv, target, custom_mutator=docx_mutator)
    else:
        atheris.Setup(argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
