"""Build hostile test inputs in memory: hand-written PDFs (bombs, actions), DOCX packages
with external entities or a zip bomb, and pages that are not annual reports.  Nothing big
is committed: every file is made by the test that needs it."""

from __future__ import annotations

import binascii
import io
import zipfile
import zlib

from docx_build import build as build_docx


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF with `objects` as objects 1..n (bodies without `obj`/`endobj`) and a
    correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_pdf(text: bytes = b"Hello", media_box: bytes = b"[0 0 595 842]", page_extra: bytes = b"") -> bytes:
    """One page printing `text` in Helvetica."""
    content = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox "
            + media_box
            + b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R "
            + page_extra
            + b">>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            _stream(content),
        ]
    )


def many_pages_pdf(pages: int) -> bytes:
    """`pages` pages, every one drawing the same content stream."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        _stream(b"BT /F1 12 Tf 72 720 Td (page) Tj ET"),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages
    return raw_pdf(objects)


def deep_array_pdf(depth: int) -> bytes:
    """A page whose dictionary holds an array nested `depth` levels deep."""
    nested = b"[" * depth + b"1" + b"]" * depth
    return text_pdf(page_extra=b"/Nested " + nested + b" ")


def deep_page_tree_pdf(depth: int) -> bytes:
    """A page tree `depth` Pages nodes deep above its one page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for i in range(depth):
        n = 2 + i
        parent = b"/Parent %d 0 R " % (n - 1) if i else b""
        objects.append(b"<< /Type /Pages " + parent + b"/Kids [%d 0 R] /Count 1 >>" % (n + 1))
    leaf = 2 + depth
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>" % (leaf - 1, leaf + 1))
    objects.append(_stream(b"BT /F1 12 Tf 72 720 Td (deep) Tj ET"))
    return raw_pdf(objects)


def huge_image_pdf(width: int, height: int) -> bytes:
    """A page drawing an image that declares `width` x `height` pixels (its data is tiny:
    decoding it is what would cost the memory)."""
    pixels = zlib.compress(b"\x00" * 1024)
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            b" /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
            _stream(
                pixels,
                b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
                b" /BitsPerComponent 8 /Filter /FlateDecode" % (width, height),
            ),
            _stream(b"q 500 0 0 700 50 50 cm /Im1 Do Q"),
        ]
    )


def docx_with_entity(docx: bytes, system_id: str) -> bytes:
    """`docx` with an external entity declared in word/document.xml and used in its text."""

    def patch(xml: bytes) -> bytes:
        head, _, rest = xml.partition(b"?>")
        doctype = b'<!DOCTYPE w:document [<!ENTITY ext SYSTEM "' + system_id.encode() + b'">]>'
        body = rest.replace(b"<w:t>", b"<w:t>&ext;", 1)
        return head + b"?>" + doctype + body

    return rezip(docx, {"word/document.xml": patch})


def rezip(docx: bytes, patches: dict, extra: dict[str, bytes] | None = None) -> bytes:
    """Copy a zip package, passing members named in `patches` through their function
    and adding the members of `extra`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, patches.get(info.filename, lambda b: b)(data))
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def simple_docx(title: str = "示例区2023年政府信息公开工作年度报告") -> bytes:
    return build_docx([("title", title), ("p", "一、总体情况"), ("p", "本年度工作平稳推进。")])


NEWS = """区政府召开全区安全生产工作会议

11月20日下午，区政府召开全区安全生产工作会议，传达学习上级会议精神，部署今冬明春安全生产工作。
会议强调，要压紧压实安全生产责任，深入开展隐患排查整治，确保全区安全形势持续稳定。
区直有关部门、各镇街负责人参加会议。
"""

WORK_REPORT = """2024年政府工作报告

——2024年1月10日在示例市第十七届人民代表大会第三次会议上
示例市市长  张三

各位代表：
现在，我代表市人民政府，向大会报告工作，请予审议，并请市政协委员提出意见。
一、2023年工作回顾
过去一年，全市地区生产总值增长5.5%，一般公共预算收入增长6.1%。我们坚持依法行政，
深入推进政务公开，政府信息公开工作扎实开展。
二、2024年工作安排
"""

FINAL_ACCOUNTS = """<html><head><meta charset="utf-8"><title>示例区财政局2023年度部门决算公开</title></head>
<body><h1>示例区财政局2023年度部门决算公开</h1>
<p>根据《中华人民共和国预算法》和《中华人民共和国政府信息公开条例》有关规定，现将本部门2023年度决算公开如下。</p>
<h2>第一部分 部门概况</h2><p>一、主要职能 二、机构设置</p>
<h2>第二部分 2023年度部门决算表</h2>
<table><tr><td>项目</td><td>决算数</td></tr><tr><td>一般公共预算财政拨款收入</td><td>1,234.56</td></tr>
<tr><td>支出合计</td><td>1,200.00</td></tr></table>
</body></html>
"""


def flate_zeros(megabytes: int, byte: bytes = b" ") -> bytes:
    """A valid zlib stream inflating to `megabytes` MB of `byte`, made in well under a
    second: one compressed megabyte after a full flush (which resets the dictionary) is
    repeated, then an empty final block and the checksum follow."""
    chunk = byte * (1 << 20)
    c = zlib.compressobj(9)
    first = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(megabytes):
        adler = zlib.adler32(chunk, adler)
    return first + block * (megabytes - 1) + b"\x03\x00" + adler.to_bytes(4, "big")


def flate_bomb_pdf(megabytes: int) -> bytes:
    """A page whose content stream inflates to `megabytes` MB of spaces."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            _stream(flate_zeros(megabytes), b"/Filter /FlateDecode"),
        ]
    )


def chained_flate_bomb_pdf(megabytes: int, hex_layer: bool = False) -> bytes:
    """A page whose content stream inflates twice (`[/FlateDecode /FlateDecode]`) to
    `megabytes` MB of spaces: a few kB of file.  `hex_layer`: ASCIIHex-encoded on top
    (`[/ASCIIHexDecode /FlateDecode /FlateDecode]`)."""
    data = zlib.compress(flate_zeros(megabytes), 9)
    filters = b"/FlateDecode /FlateDecode"
    if hex_layer:
        data, filters = data.hex().encode() + b">", b"/ASCIIHexDecode " + filters
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            _stream(data, b"/Filter [" + filters + b"]"),
        ]
    )


# Encoders for the PDF filters a stream may be chained through, by filter name.
_ENCODE = {
    "FlateDecode": lambda b: zlib.compress(b, 9),
    "ASCIIHexDecode": lambda b: binascii.hexlify(b) + b">",
}


def encode_filters(data: bytes, filters: list[str]) -> bytes:
    """`data` encoded so that decoding it through `filters` in order (as a PDF reader
    does with `/Filter [...]`) gives `data` back: the last filter is applied first."""
    for name in reversed(filters):
        data = _ENCODE[name](data)
    return data


def chained_filter_pdf(text: bytes = b"Hello", filters: tuple[str, ...] = ("FlateDecode", "FlateDecode")) -> bytes:
    """One page printing `text`, its content stream encoded through `filters`: a small,
    honest two-layer stream (not a bomb)."""
    content = encode_filters(b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET", list(filters))
    names = b" ".join(b"/" + f.encode() for f in filters)
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            _stream(content, b"/Filter [" + names + b"]"),
        ]
    )


def damaged_utf8(text: str, every: int = 7) -> bytes:
    """UTF-8 with 4 invalid bytes on every `every`th line (a download corrupted in places):
    on lines i with i % every == 3."""
    return b"\n".join(
        line.encode() + (b"\xff\xfe\x80\x81" if i % every == 3 else b"") for i, line in enumerate(text.splitlines())
    )


def mixed_gbk(text: str) -> bytes:
    """Every other line in GBK, the rest UTF-8 (a crawler concatenating two pages)."""
    return b"\n".join(line.encode("gb18030" if i % 2 else "utf-8") for i, line in enumerate(text.splitlines()))
