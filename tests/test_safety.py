"""No document can make the tool fetch a URL, read a local file into its output, run
code, or write outside the output folder (issue 8).

A local HTTP server stands in for the internet: every reference a document makes points
at it, and it must see no request.  A local "secret" file stands in for the machine's
files: external entities point at it, and its text must not reach any output."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_build import docx_with_entity, raw_pdf, rezip, simple_docx, text_pdf

from report_extract import reading as readers
from report_extract.batch.convert import Options, convert_paths
from report_extract.pipeline import stages as pipeline

SECRET = "SECRET-7f3a9c-do-not-leak"
TITLE = "示例区2023年政府信息公开工作年度报告"


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<!ENTITY leak 'FETCHED'>")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """(base URL, list of paths requested so far)."""
    hits: list[str] = []
    handler = type("Handler", (_Recorder,), {"hits": hits})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    p = tmp_path / "secret.txt"
    p.write_text(SECRET)
    return p


def everything(path: Path) -> str:
    """Whatever a document's extraction yields, as one string (or the error message)."""
    try:
        return json.dumps(pipeline.extract(path).to_dict(), ensure_ascii=False)
    except readers.ReaderError as e:
        return str(e)


def html_pages(url: str, secret: Path) -> dict[str, str]:
    body = f"<h1>{TITLE}</h1><p>一、总体情况</p><p>正文 &ext; &leak;</p>"
    return {
        "xhtml_external_entity": (
            f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY ext SYSTEM "{secret.as_uri()}">'
            f'<!ENTITY % remote SYSTEM "{url}/dtd"> %remote;]>'
            f"<html><body>{body}</body></html>"
        ),
        "external_dtd": (
            f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "{url}/strict.dtd">'
            f"<html><body>{body}</body></html>"
        ),
        "subresources": (
            f'<html><head><link rel="stylesheet" href="{url}/style.css">'
            f'<script src="{url}/app.js"></script>'
            f'<meta http-equiv="refresh" content="0;url={url}/refresh"></head>'
            f'<body><img src="{url}/img.png"><iframe src="{url}/frame"></iframe>'
            f'<object data="{url}/obj"></object>{body}'
            f'<script>fetch("{url}/inline")</script></body></html>'
        ),
        "xinclude": (
            f'<?xml version="1.0"?><html xmlns:xi="http://www.w3.org/2001/XInclude"><body>{body}'
            f'<xi:include href="{url}/xinclude" parse="text"/>'
            f'<xi:include href="{secret.as_uri()}" parse="text"/></body></html>'
        ),
    }


def test_html_fetches_nothing_and_reads_no_local_file(tmp_path: Path, server, secret_file: Path) -> None:
    url, hits = server
    for name, page in html_pages(url, secret_file).items():
        path = tmp_path / f"{name}.html"
        path.write_text(page, encoding="utf-8")
        out = everything(path)
        assert SECRET not in out and "FETCHED" not in out, name
    assert hits == []


def test_docx_external_entities_are_not_resolved(tmp_path: Path, server, secret_file: Path) -> None:
    url, hits = server
    for name, system_id in {"file": secret_file.as_uri(), "http": f"{url}/xxe"}.items():
        path = tmp_path / f"xxe_{name}.docx"
        path.write_bytes(docx_with_entity(simple_docx(), system_id))
        out = everything(path)
        assert SECRET not in out and "FETCHED" not in out, name
    assert hits == []


def test_docx_external_relationship_is_not_fetched(tmp_path: Path, server) -> None:
    """An image linked (TargetMode="External") instead of embedded."""
    url, hits = server
    rel = (
        f'<Relationship Id="rIdRemote" TargetMode="External" Target="{url}/remote.png" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>'
    ).encode()
    data = rezip(
        simple_docx(),
        {"word/_rels/document.xml.rels": lambda x: x.replace(b"</Relationships>", rel + b"</Relationships>")},
    )
    path = tmp_path / "linked.docx"
    path.write_bytes(data)
    everything(path)
    assert hits == []


def test_pdf_actions_and_links_do_nothing(tmp_path: Path, server) -> None:
    """A PDF whose open action runs JavaScript that fetches a URL, with a URI link and
    a Launch action that would create a file: the readers render no forms, run no
    JavaScript and follow no action."""
    url, hits = server
    marker = tmp_path / "launched"
    js = f"app.launchURL('{url}/js', true); this.submitForm('{url}/submit');".encode()
    pdf = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R /Names << /JavaScript << /Names [(a) 5 0 R] >> >>"
            b" /AA << /WC 6 0 R >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [7 0 R] >>",
            b"<< /Length 0 >>\nstream\n\nendstream",
            b"<< /S /JavaScript /JS (" + js + b") /Next 6 0 R >>",
            b"<< /S /Launch /F (/bin/touch) /Win << /F (touch) /P (" + str(marker).encode() + b") >> >>",
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A << /S /URI /URI (" + url.encode() + b"/uri) >> >>",
        ]
    )
    for engine in ("fast", "pdfplumber"):
        path = tmp_path / f"actions_{engine}.pdf"
        path.write_bytes(pdf)
        try:
            pipeline.extract(path, engine=engine)
        except readers.ReaderError:
            pass  # no text: an error row, which is fine; what matters is what did not happen
    assert hits == [] and not marker.exists()


def test_output_stays_in_the_output_folder(tmp_path: Path) -> None:
    """Output names are fixed (reports.csv, …); nothing a document says — its title,
    its crawler header, its own file name — becomes a path."""
    src = tmp_path / "in"
    src.mkdir()
    evil_title = "../../escaped/示例区2023年政府信息公开工作年度报告"
    (src / "..evil...txt").write_text(
        f"标题: {evil_title}\n文件: ../../escaped.csv\n==== 正文 ====\n{evil_title}\n一、总体情况\n", encoding="utf-8"
    )
    (src / "title.html").write_text(
        f"<title>/tmp/escaped-{tmp_path.name}</title><h1>{TITLE}</h1><p>一、总体情况</p>", encoding="utf-8"
    )
    (src / "named.pdf").write_bytes(text_pdf(b"../../escaped.pdf"))
    before = set(tmp_path.rglob("*"))
    out = tmp_path / "deep" / "out"
    convert_paths(sorted(src.iterdir()), out, Options(jobs=1, sqlite=True))
    created = set(tmp_path.rglob("*")) - before
    assert created and all(p == out.parent or out in p.parents or p == out for p in created), created
    assert not Path(f"/tmp/escaped-{tmp_path.name}").exists()


def test_the_traps_work(server, secret_file: Path) -> None:
    """Controls: the server records a request, and a parser that does resolve entities
    leaks the secret from the fixture DOCX — so the tests above can fail.  (This lxml's
    libxml2, 2.14, has no HTTP client at all: LIBXML_FEATURES lacks "http"; no_network
    is what keeps an older one from fetching.)"""
    import io
    import urllib.request
    import zipfile

    from lxml import etree

    url, hits = server
    urllib.request.urlopen(f"{url}/probe").read()
    assert hits == ["/probe"]
    data = docx_with_entity(simple_docx(), secret_file.as_uri())
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    unsafe = etree.XMLParser(resolve_entities=True, load_dtd=True)
    assert SECRET in etree.tostring(etree.fromstring(xml, unsafe), encoding="unicode")
