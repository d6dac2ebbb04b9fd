"""reports.db and `report-extract query`: the database opens in sqlite-utils and Datasette,
Chinese full-text search finds words, and every question in docs/queries.md is answered."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from report_extract import extract
from report_extract.cli import main

ROOT = Path(__file__).resolve().parents[1]
TEXT_CORPUS = sorted(str(p) for p in (ROOT / "corpus").iterdir() if p.suffix in (".txt", ".md", ".html"))


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    broken = out.parent / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 truncated")
    result = CliRunner().invoke(main, ["convert", *TEXT_CORPUS, str(broken), "-o", str(out), "-q", "-j", "2"])
    assert result.exit_code == 0, result.output
    return out


def query(out: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(main, ["query", str(out), *args, "--csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def doc_queries() -> dict[str, str]:
    """docs/queries.md: each ## heading → the SQL block under it."""
    text = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    out = {}
    for part in text.split("\n## ")[1:]:
        heading, _, body = part.partition("\n")
        if m := re.search(r"```sql\n(.*?)```", body, re.S):
            out[heading] = m.group(1)
    return out


def test_every_documented_question_is_answered(out):
    questions = doc_queries()
    assert len(questions) >= 6
    for heading, sql in questions.items():
        result = CliRunner().invoke(main, ["query", str(out), sql])
        assert result.exit_code == 0, f"{heading}: {result.output}"


def test_denials_and_failed_arithmetic(out):
    questions = doc_queries()
    with open(out / "reports.csv", encoding="utf-8") as f:
        reports = {r["report_id"]: r for r in csv.DictReader(f)}
    with open(out / "cells.csv", encoding="utf-8") as f:
        cells = list(csv.DictReader(f))
    expected: dict[str, int] = {}  # the same question answered from the CSV files
    for c in cells:
        if (
            reports[c["report_id"]]["year"] == "2023"
            and c["table"] == "requests"
            and c["row"].startswith("denied")
            and c["col"] == "total"
            and c["value"]
        ):
            agency = reports[c["report_id"]]["agency"]
            expected[agency] = expected.get(agency, 0) + int(c["value"])
    denied = query(out, questions["Which agencies denied the most requests in 2023?"])
    assert {r["agency"]: int(r["denied"]) for r in denied} == expected and expected
    failing = query(out, questions["Which reports fail their own arithmetic?"])
    expected_failing = {(r["agency"], r["year"]) for r in reports.values() if int(r["checks_failed"])}
    assert {(r["agency"], r["year"]) for r in failing} == expected_failing and expected_failing


def test_search_segments_chinese(out):
    hits = query(out, "--search", "政府网站", "--limit", "50")
    assert hits and all("政府" in h["passage"] or "网站" in h["passage"] for h in hits)
    assert query(out, "--search", "依申请公开")


def test_query_errors_are_messages(out, tmp_path):
    bad = CliRunner().invoke(main, ["query", str(out), "SELECT nope FROM reports"])
    assert bad.exit_code == 1 and "SQL error" in bad.output
    missing = CliRunner().invoke(main, ["query", str(tmp_path), "SELECT 1"])
    assert missing.exit_code == 1 and "no reports.db" in missing.output
    assert CliRunner().invoke(main, ["query", str(out)]).exit_code == 2  # neither SQL nor --search


def test_sqlite_utils_opens_and_searches(out):
    sqlite_utils = pytest.importorskip("sqlite_utils")
    db = sqlite_utils.Database(out / "reports.db")
    assert {"reports", "cells", "checks", "sections", "errors"} <= set(db.table_names())
    assert db["sections"].detect_fts() == "sections_fts"
    hits = list(db["sections"].search("政府"))
    assert hits and all("政府" in h["title"] + h["text"] for h in hits)
    assert db["errors"].count == 1 and db["reports"].count == len(TEXT_CORPUS)
    assert {fk.other_table for fk in db["cells"].foreign_keys} == {"reports"}


def test_datasette_serves_tables_and_search(out):
    app = pytest.importorskip("datasette.app")

    async def fetch():
        ds = app.Datasette([str(out / "reports.db")])
        tables = await ds.client.get("/reports.json")
        found = await ds.client.get("/reports/sections.json?_search=政府&_shape=array")
        return tables.json(), found.json()

    tables, found = asyncio.run(fetch())
    names = {t["name"] for t in tables["tables"]}
    assert {"reports", "cells", "sections"} <= names
    assert found and all("政府" in r["text"] + r["title"] for r in found)


@pytest.mark.parametrize("words", ["政府网站", "依申请公开", "行政复议", "政府 网站", "主动公开 政府信息"])
def test_search_passage_marks_the_matched_words_in_context(out, words):
    """Each hit's passage is a piece of its section's text around the matches, every
    matched word marked 【…】, the query as typed where it occurs so (【政府网站】)."""
    import sqlite3

    from report_extract.sections.words import words as segment
    from report_extract.views.query import MARK

    hits = query(out, "--search", words, "--limit", "50")
    assert hits
    db = sqlite3.connect(out / "reports.db")
    terms = [w for w in segment(words) if w.strip()]
    for h in hits:
        texts = [
            " ".join(t.split())
            for (t,) in db.execute(
                "SELECT text FROM sections WHERE report_id = ? AND title = ?", (h["report_id"], h["title"])
            )
        ]
        bare = h["passage"].replace(MARK[0], "").replace(MARK[1], "").strip("…")
        assert any(bare in t for t in texts), (h["passage"], words)
        marked = re.findall(f"{MARK[0]}(.+?){MARK[1]}", h["passage"])
        assert marked and all(m in bare for m in marked)
        assert all(any(t in m for t in terms) for m in marked)  # only the query's words are marked
        typed = words.replace(" ", "")
        if typed in bare and " " not in words:
            assert f"{MARK[0]}{typed}{MARK[1]}" in h["passage"], h["passage"]


@pytest.mark.parametrize("typed", ["政府网站", "依申请公开", "政府信息公开", "主动公开"])
def test_tools_that_pass_the_query_as_typed_find_chinese_phrases(out, typed):
    """sqlite-utils and Datasette hand 政府网站 to SQLite as one token: the index holds the
    words printed together joined, so they find every section that prints the phrase, and
    only sections holding all its words."""
    import sqlite3

    sqlite_utils = pytest.importorskip("sqlite_utils")
    app = pytest.importorskip("datasette.app")
    db = sqlite3.connect(out / "reports.db")
    printing = {rid for rid, t, x in db.execute("SELECT id, title, text FROM sections")
                if typed in " ".join((t + x).split()).replace(" ", "")}  # fmt: skip
    assert printing
    utils = {h["id"] for h in sqlite_utils.Database(out / "reports.db")["sections"].search(typed, limit=1000)}

    async def fetch():
        ds = app.Datasette([str(out / "reports.db")])
        got = await ds.client.get(f"/reports/sections.json?_search={typed}&_shape=array&_size=max&_col=id")
        return got.json()

    datasette = {r["id"] for r in asyncio.run(fetch())}
    from report_extract.sections.words import words as segment

    holding_all = {rid for rid, w in db.execute("SELECT id, words FROM sections")
                   if all(t in w.split() for t in segment(typed))}  # fmt: skip
    # a phrase jieba cuts differently in one text (人民政府网站) may be missed; most are found
    assert len(utils & printing) >= 0.8 * len(printing) and utils <= holding_all
    assert datasette == utils


def test_province_totals_count_a_corrected_copy_once(tmp_path):
    """Found by a new user: a corrected copy of pingtan_2024 (a different file, the same
    agency and year) doubled the documented per-province totals; the query now counts the
    primary version only."""
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    original = ROOT / "corpus" / "pingtan_2024.txt"
    (crawl / "pingtan_2024.txt").write_bytes(original.read_bytes())
    (crawl / "pingtan_2024_corrected.txt").write_bytes(original.read_bytes() + " 更正版。\n".encode())
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["convert", str(crawl), "-o", str(out), "-q", "-j", "1"]).exit_code == 0
    with open(out / "reports.csv", encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 2  # both versions stay in the dataset
    sql = doc_queries()["How many requests did each province's reports receive, year by year?"]
    result = CliRunner().invoke(main, ["query", str(out), sql, "--csv"])
    rows = list(csv.DictReader(result.output.splitlines()))
    assert [(r["year"], r["reports"]) for r in rows] == [("2024", "1")]
    alone = extract(original).value("requests", "new_received", "total")
    assert float(rows[0]["new_requests"]) == alone
