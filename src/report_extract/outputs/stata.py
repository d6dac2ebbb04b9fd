"""A Stata 14+ data file (format 118) written directly, without pandas.

The panel is a few columns of 32-bit integers, doubles and UTF-8 strings; pandas'
`to_stata` writes that in milliseconds but importing pandas costs half a second of
every `convert`.  This writer lays the file out as pandas does (same blocks, widths and
formats; tests/test_stata.py compares the two byte for byte), following the format's
specification (https://www.stata.com/help.cgi?dta):

    <stata_dta><header>…</header><map>…</map><variable_types>…</variable_types>
    <varnames>…</varnames><sortlist>…</sortlist><formats>…</formats>
    <value_label_names>…</value_label_names><variable_labels>…</variable_labels>
    <characteristics></characteristics><data>…</data><strls>…</strls>
    <value_labels></value_labels></stata_dta>

Strings of up to 2045 bytes are fixed-width `strN` columns (N: the longest value);
longer ones are `strL`, stored once each in the strls block.  A missing number is
Stata's `.` (2^1023 for doubles); a string has no missing value and is written "".
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, Literal

Kind = Literal["int", "double", "str"]

STR_MAX = 2045  # longest fixed-width string (format 117 and later)
STRL = 32768
DOUBLE, LONG = 65526, 65528  # variable types of float64 and int32
MISSING_DOUBLE = struct.pack("<d", 2.0**1023)
LONG_RANGE = (-2147483647, 2147483620)  # larger values are missing codes
LABEL_CHARS = 80  # data and variable labels
NAME_BYTES, FORMAT_BYTES, LABEL_BYTES = 129, 57, 321  # fields of format 118, null-padded
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MAP = (
    "stata_data",
    "map",
    "variable_types",
    "varnames",
    "sortlist",
    "formats",
    "value_label_names",
    "variable_labels",
    "characteristics",
    "data",
    "strls",
    "value_labels",
    "stata_data_close",
    "end-of-file",
)


@dataclass(frozen=True)
class Variable:
    name: str  # a valid Stata name (1–32 of A-Z a-z 0-9 _, not a reserved word)
    kind: Kind
    label: str = ""


def _tag(name: str, body: bytes) -> bytes:
    return b"<" + name.encode() + b">" + body + b"</" + name.encode() + b">"


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\0" * (size - len(data))


def _double(value: Any) -> bytes:
    """A number as Stata stores it; anything that is not a finite number is missing."""
    if value is None or isinstance(value, bool):
        return MISSING_DOUBLE if value is None else struct.pack("<d", float(value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        return MISSING_DOUBLE
    return struct.pack("<d", number) if math.isfinite(number) else MISSING_DOUBLE


def _long(value: Any) -> bytes:
    number = int(value)
    if not LONG_RANGE[0] <= number <= LONG_RANGE[1]:
        raise ValueError(f"{number} does not fit a Stata long")
    return struct.pack("<i", number)


def _timestamp(when: datetime) -> bytes:
    return b"\x11" + f"{when:%d} {MONTHS[when.month - 1]} {when:%Y %H:%M}".encode()


def write_dta(
    f: BinaryIO,
    variables: Sequence[Variable],
    rows: Sequence[Sequence[Any]],
    *,
    data_label: str = "",
    time_stamp: datetime | None = None,
) -> None:
    """Write `rows` (one value per variable) to the seekable binary file `f`."""
    strings = [[b"" if row[j] is None else str(row[j]).encode() for row in rows] if v.kind == "str" else []
               for j, v in enumerate(variables)]  # fmt: skip
    widths = [max(map(len, s), default=0) for s in strings]
    types = [DOUBLE if v.kind == "double" else LONG if v.kind == "int" else
             STRL if widths[j] > STR_MAX else max(widths[j], 1) for j, v in enumerate(variables)]  # fmt: skip
    formats = ["%10.0g" if t == DOUBLE else "%12.0g" if t == LONG else "%9s" if t == STRL else f"%{t}s"
               for t in types]  # fmt: skip

    # strL values: each distinct string once, keyed (variable, observation) of its first use
    gso: dict[bytes, tuple[int, int]] = {b"": (0, 0)}
    for o in range(len(rows)):
        for j, t in enumerate(types):
            if t == STRL:
                gso.setdefault(strings[j][o], (j + 1, o + 1))

    places = dict.fromkeys(MAP, 0)
    label = data_label[:LABEL_CHARS].encode()
    header = (_tag("release", b"118") + _tag("byteorder", b"LSF") + _tag("K", struct.pack("<H", len(variables)))
              + _tag("N", struct.pack("<Q", len(rows))) + _tag("label", struct.pack("<H", len(label)) + label)
              + _tag("timestamp", _timestamp(time_stamp or datetime.now())))  # fmt: skip
    f.write(b"<stata_dta>" + _tag("header", header))
    places["map"] = f.tell()
    f.write(_tag("map", bytes(8 * len(MAP))))

    def block(name: str, body: bytes) -> None:
        places[name] = f.tell()
        f.write(_tag(name, body))

    block("variable_types", b"".join(struct.pack("<H", t) for t in types))
    block("varnames", b"".join(_pad(v.name.encode()[:32], NAME_BYTES) for v in variables))
    block("sortlist", bytes(2 * (len(variables) + 1)))
    block("formats", b"".join(_pad(fmt.encode(), FORMAT_BYTES) for fmt in formats))
    block("value_label_names", bytes(NAME_BYTES * len(variables)))
    block("variable_labels", b"".join(_pad(v.label[:LABEL_CHARS].encode(), LABEL_BYTES) for v in variables))
    block("characteristics", b"")
    places["data"] = f.tell()
    f.write(b"<data>")
    for o, row in enumerate(rows):
        cells = []
        for j, t in enumerate(types):
            if t == DOUBLE:
                cells.append(_double(row[j]))
            elif t == LONG:
                cells.append(_long(row[j]))
            elif t == STRL:
                v, obs = gso[strings[j][o]]
                cells.append(struct.pack("<Q", v + (obs << 16)))  # v in 2 bytes, o in 6 (format 118)
            else:
                cells.append(_pad(strings[j][o], t))
        f.write(b"".join(cells))
    f.write(b"</data>")
    block("strls", b"".join(b"GSO" + struct.pack("<IQBI", v, o, 130, len(s) + 1) + s + b"\0"
                            for s, (v, o) in gso.items() if v))  # fmt: skip
    block("value_labels", b"")
    places["stata_data_close"] = f.tell()
    f.write(b"</stata_dta>")
    places["end-of-file"] = f.tell()
    f.seek(places["map"])
    f.write(_tag("map", b"".join(struct.pack("<Q", places[name]) for name in MAP)))
    f.seek(places["end-of-file"])
