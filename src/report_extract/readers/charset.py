"""Decode a web page whose encoding may be undeclared or declared wrongly.

Chinese government pages are UTF-8, GBK or GB2312, and a page's `<meta charset>` is not
to be trusted: CMS templates declare UTF-8 over GBK bodies and the reverse.  A declared
encoding is only used when the bytes decode cleanly with it.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

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
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(enc, errors="replace"), enc)
    declared = _declared(data)
    # Valid UTF-8 with non-ASCII bytes is practically never GBK by accident, while
    # UTF-8 bytes often decode "cleanly" as GB18030 into mojibake: test UTF-8 first.
    for enc in ("utf-8", declared, "gb18030"):
        if enc and (text := _strict(data, enc)) is not None:
            warning = None
            if declared and enc != declared and not data.isascii():
                warning = f"page declares charset {declared} but is {enc}"
            return Decoded(text, enc, warning)
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return Decoded(str(best), best.encoding, f"encoding guessed as {best.encoding}")
    return Decoded(data.decode("gb18030", errors="replace"), "gb18030", "undecodable bytes replaced")


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
