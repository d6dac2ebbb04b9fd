"""Decode a web page whose encoding may be undeclared or declared wrongly.

Chinese government pages are UTF-8, GBK or GB2312, and a page's `<meta charset>` is not
to be trusted: CMS templates declare UTF-8 over GBK bodies and the reverse.  A declared
encoding is only used when the bytes decode cleanly with it.

Files are also not always one encoding: crawlers concatenate UTF-8 and GBK pages, and
downloads cut or corrupt a few bytes.  Such a file decodes "cleanly" as GB18030 into
mojibake, so a file that is mostly UTF-8 is decoded line by line instead: a line with a few
bad bytes as UTF-8 with U+FFFD in their place, a line that is GBK as GB18030, and a warning
says how many lines were so.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from report_extract.settings import current

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_DECLARED = re.compile(rb"""(?:<meta[^>]+charset\s*=\s*["']?|<\?xml[^>]+encoding\s*=\s*["'])([\w.:-]+)""", re.I)
# GB2312 and GBK are subsets of GB18030: decoding with the superset never loses a character
# that a page mislabelled as GB2312 actually uses.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "big5": "big5hkscs"}
# Single-byte charsets decode any byte string, so "it decodes cleanly" proves nothing.
_SINGLE_BYTE = {"latin_1", "iso8859-1", "cp1252", "ascii"}


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    warning: str | None = None


def decode(data: bytes) -> Decoded:
    """BOM, then strict UTF-8, then the declared charset, then GB18030, then
    charset-normalizer; the first that decodes the whole input without error wins."""
    for bom, bom_enc in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(bom_enc, errors="replace"), bom_enc)
    declared = _declared(data)
    # Valid UTF-8 with non-ASCII bytes is practically never GBK by accident, while
    # UTF-8 bytes often decode "cleanly" as GB18030 into mojibake: test UTF-8 first.
    if (mixed := _per_line(data)) is not None:
        return mixed
    for enc in ("utf-8", declared, "gb18030"):
        if enc and (text := _strict(data, enc)) is not None:
            warning = None
            if declared and enc != declared and not data.isascii():
                warning = f"page declares charset {declared} but is {enc}"
            return Decoded(text, enc, warning)
    from charset_normalizer import from_bytes  # the last resort: 10 ms of start-up

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return Decoded(str(best), best.encoding, f"encoding guessed as {best.encoding}")
    return Decoded(data.decode("gb18030", errors="replace"), "gb18030", "undecodable bytes replaced")


def _per_line(data: bytes) -> Decoded | None:
    """Line-by-line decoding of a file that is mostly UTF-8 but not wholly; None when it is
    valid UTF-8, or has no UTF-8 lines to speak of (then it is decoded whole)."""
    lines = data.split(b"\n")
    evidence = bad = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
            continue
        evidence += sum(b >= 0x80 for b in line) >= current().utf8_evidence_bytes
    if not bad or not evidence:
        return None
    damaged = gbk = 0
    out = []
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        as_utf8 = line.decode("utf-8", errors="replace")
        high = sum(b >= 0x80 for b in line)
        if as_utf8.count("\ufffd") <= current().utf8_damage_share * high or (text := _strict(line, "gb18030")) is None:
            damaged += 1
            out.append(as_utf8)
        else:
            gbk += 1
            out.append(text)
    parts = [f"{damaged} lines with invalid UTF-8 bytes (replaced by U+FFFD)"] * bool(damaged)
    parts += [f"{gbk} lines in GB18030 among UTF-8 lines"] * bool(gbk)
    return Decoded("\n".join(out), "utf-8", "mixed encoding: " + ", ".join(parts))


def _declared(data: bytes) -> str | None:
    m = _DECLARED.search(data[:8192])
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    name = _SUPERSET.get(name, name)
    return None if name in _SINGLE_BYTE else name


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
