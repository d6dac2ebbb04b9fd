"""The PDF guard's stream limits when streams are kept by their bound instead of inflated
(issue 20: inflating every stream was a tenth of a born-digital PDF's time).

Deflate expands at most 1032 times, so a one-filter Flate stream whose /Length is printed
needs no inflating while its bound keeps the file within the limits.  Generated here:
streams of every compressibility, lying /Length values, "endstream" inside the data, and
files that the bounds alone would put over the total limit.
"""

from __future__ import annotations

import os
import random
import zlib

import pytest
from hostile_build import _stream, flate_zeros, raw_pdf

from report_extract.reading import guard
from report_extract.reading.errors import ReaderError
from report_extract.settings import Settings, use

MiB = 1 << 20


def _pdf(streams: list[bytes]) -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>", *streams])


def _bound_and_size(obj: bytes) -> tuple[int | None, int]:
    data = _pdf([obj])
    m = next(m for m in guard._STREAM.finditer(data) if data[m.start() - 3 : m.start()] != b"end")
    head = data[data.rfind(b"obj", 0, m.start()) : m.start()]
    chain = guard._filters(head)
    return guard._flate_bound(data, head, m.end(), chain), guard._decoded_size(data, m.end(), chain, 1 << 40)


@pytest.mark.parametrize("seed", range(20))
def test_bound_is_never_below_what_the_stream_decodes_to(seed):
    rng = random.Random(seed)
    raw = rng.choice(
        [
            lambda: os.urandom(rng.randint(1, 50_000)),  # incompressible
            lambda: bytes(rng.randint(0, 3) for _ in range(rng.randint(1, 50_000))),  # some
            lambda: b"0 0 m 10 10 l S\n" * rng.randint(1, 20_000),  # content-like
        ]
    )()
    packed = zlib.compress(raw, rng.choice([1, 6, 9]))
    bound, size = _bound_and_size(_stream(packed, b"/Filter /FlateDecode"))
    assert size == len(raw) and bound is not None and bound >= size


def test_zeros_reach_but_never_pass_the_bound():
    bound, size = _bound_and_size(_stream(flate_zeros(8), b"/Filter /FlateDecode"))
    assert size == 8 * MiB and bound is not None and size <= bound < 2 * size


def test_endstream_inside_the_data_does_not_shorten_the_bound():
    """A stored deflate block may print "endstream" before the real end: /Length, which a
    reader takes when "endstream" follows it, is the longer span and bounds the stream."""
    c = zlib.compressobj(0)  # stored blocks: the bytes appear as they are
    head = c.compress(b"x endstream y ")
    c2 = zlib.compressobj(9)
    packed = head + c.flush(zlib.Z_SYNC_FLUSH) + c2.compress(b" " * (4 * MiB)) + c2.flush()
    obj = _stream(packed, b"/Filter /FlateDecode")
    bound, _ = _bound_and_size(obj)
    assert bound is not None and bound >= guard._DEFLATE_MAX_RATIO * len(packed)


@pytest.mark.parametrize(
    "extra",
    [b"/Filter [/FlateDecode /FlateDecode]", b"/Filter [/ASCIIHexDecode /FlateDecode]"],
)
def test_chains_are_always_inflated(extra):
    assert _bound_and_size(_stream(zlib.compress(zlib.compress(b"a" * 1000)), extra))[0] is None


def test_indirect_length_is_inflated():
    packed = zlib.compress(b"a" * 1000)
    obj = b"<< /Length 9 0 R /Filter /FlateDecode >>\nstream\n" + packed + b"\nendstream"
    assert _bound_and_size(obj)[0] is None


def test_many_small_bombs_are_refused_for_their_total():
    """Fifteen streams of 20 MB each: every one within the per-stream limit, each kept by its
    bound at first, the file over the total limit (256 MiB) once decoded."""
    data = _pdf([_stream(flate_zeros(20), b"/Filter /FlateDecode") for _ in range(15)])
    with pytest.raises(ReaderError, match="PDF streams inflate to over .* flate bomb"):
        guard._check_streams(data)


def test_bounds_alone_over_the_total_do_not_refuse_a_file():
    """Two incompressible 50 kB streams have bounds of 50 MB each; with a 120 MB total
    limit a 30 MB stream after them is over by the bounds, not by what they decode to."""
    streams = [_stream(zlib.compress(os.urandom(50_000)), b"/Filter /FlateDecode") for _ in range(2)]
    streams.append(_stream(flate_zeros(30), b"/Filter /FlateDecode"))
    with use(Settings().replace(max_streams_bytes=120 * MiB)):
        guard._check_streams(_pdf(streams))  # no ReaderError
        with use(Settings().replace(max_streams_bytes=30 * MiB)):
            with pytest.raises(ReaderError, match="flate bomb"):
                guard._check_streams(_pdf(streams))
