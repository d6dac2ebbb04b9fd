"""The files a conversion writes hold together (issue 8): every cell row belongs to a
report row, report ids are stable across runs, and the CSVs read back exactly — with
Python's csv module and with pandas — when text holds commas, quotes and newlines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import CORPUS, rows

from report_extract.batch.convert import Options, convert_paths
from report_extract.pipeline import stages as pipeline

TRICKY = "一、总体情况，\"重点\"，含,逗号与'引号'"
TRICKY_TEXT = '第一段，"公开, 透明"。\n第二段：他说""好""，\r\n第三段；结束,'
TITLE = '示例区2023年政府信息公开工作年度报告,"附件"版'


def tricky_report(folder: Path) -> Path:
    """pingtan_2022 with a title, a section heading and section text full of CSV syntax."""
    text = (CORPUS / "pingtan_2022.txt").read_text(encoding="utf-8")
    text = text.replace("标题: 平潭综合实验区2022年度政府信息公开工作年度报告", f"标题: {TITLE}", 1)
    text = text.replace(" 一、总体情况 ", f"\n{TRICKY}\n{TRICKY_TEXT}\n", 1)
    path = folder / 'tricky, "quoted" name.txt'
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[list[Path], Path]:
    """A tricky report, three real ones and a failing file, converted once."""
    src = tmp_path_factory.mktemp("in")
    paths = [tricky_report(src), src / "broken.pdf"]
    paths[1].write_bytes(b"%PDF-1.4\nbroken")
    for name in ("pingtan_2018.txt", "kiro_03.md", "shuyang_01.html"):
        shutil.copy(CORPUS / name, src / name)
        paths.append(src / name)
    out = tmp_path_factory.mktemp("out")
    convert_paths(paths, out, Options(jobs=2, sqlite=False))
    return paths, out


def test_every_cell_section_and_check_belongs_to_a_report(batch) -> None:
    _, out = batch
    ids = {r["report_id"] for r in rows(out / "reports.csv")}
    assert len(ids) == len(rows(out / "reports.csv")) == 4  # one row each, ids unique
    for name in ("cells.csv", "checks.csv", "sections.csv", "facts.csv"):
        assert {r["report_id"] for r in rows(out / name)} <= ids, name
    assert {Path(r["source_path"]).name for r in rows(out / "errors.csv")} == {"broken.pdf"}


def test_csv_module_reads_back_the_exact_text(batch) -> None:
    paths, out = batch
    result = pipeline.extract(paths[0])
    want = {(s.number, s.title, s.text) for s in result.sections}
    got = {
        (r["number"], r["title"], r["text"]) for r in rows(out / "sections.csv") if r["report_id"] == result.report_id
    }
    assert got == want
    assert any("\n" in text and '"' in text and "," in text for _, _, text in got)
    assert any('"' in title and "," in title for _, title, _ in got)
    report = next(r for r in rows(out / "reports.csv") if r["report_id"] == result.report_id)
    assert report["source_path"] == str(paths[0]) and report["title"] == (result.meta.get("title") or "")


@pytest.mark.parametrize("name", ["reports.csv", "cells.csv", "checks.csv", "sections.csv", "errors.csv", "facts.csv"])
def test_pandas_reads_what_the_csv_module_reads(batch, name: str) -> None:
    _, out = batch
    expected = rows(out / name)
    frame = pd.read_csv(out / name, dtype=str, keep_default_na=False, encoding="utf-8")
    assert len(frame) == len(expected)
    assert frame.to_dict("records") == expected


def test_report_ids_are_stable_across_runs_and_worker_counts(batch, tmp_path: Path) -> None:
    paths, first = batch
    again = tmp_path / "again"
    convert_paths(list(reversed(paths)), again, Options(jobs=1, sqlite=False, fresh=True))
    for name in ("reports.csv", "cells.csv", "sections.csv", "checks.csv"):
        assert (again / name).read_bytes() == (first / name).read_bytes(), name
    # the id is the content's, not the path's: a copy elsewhere keeps it
    copy = tmp_path / "elsewhere.txt"
    shutil.copy(paths[0], copy)
    assert pipeline.extract(copy).report_id == pipeline.extract(paths[0]).report_id
