"""The 2019 template's 本年增/减 printed in words (增加37, 增3, 减少2, 减4, 持平), in every form
a publisher or a crawler leaves it: an HTML table, a tab-separated text, a one-line crawler
dump, a dump with every cell on a line of its own.  Newcomer's trial: in the dumps a row's
numbers were cut into single digits (其他对外管理服务事项 128 增加37 212 read 1 / 2 / 8),
silently, or the row was lost; 持平 lost the row in HTML."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import report_extract

# (label, key, the cells of its section's columns)
SECTIONS = [
    ("第二十条第（一）项", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
     [("规章", "regulation", ["new_made", "new_published", "total_published"]),
      ("规范性文件", "normative_doc", ["new_made", "new_published", "total_published"])]),
    ("第二十条第（五）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
     [("行政许可", "admin_license", ["prev_year_items", "items_delta", "decisions"]),
      ("其他对外管理服务事项", "other_admin_service", ["prev_year_items", "items_delta", "decisions"])]),
    ("第二十条第（六）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
     [("行政处罚", "admin_penalty", ["prev_year_items", "items_delta", "decisions"]),
      ("行政强制", "admin_coercion", ["prev_year_items", "items_delta", "decisions"])]),
    ("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减"],
     [("行政事业性收费", "admin_fee", ["prev_year_items", "items_delta"])]),
]  # fmt: skip
WORDS = [("增加{n}", 1), ("增{n}", 1), ("减少{n}", -1), ("减{n}", -1), ("+{n}", 1), ("-{n}", -1)]
FORMS = ["html", "tabs", "one_line", "cell_per_line"]


def _case(rng: random.Random) -> tuple[list[tuple[str, list[str]]], dict[str, int]]:
    """Printed rows (label, cells) per section header, and the truth by cell key."""
    printed: list[tuple[str, list[str]]] = []
    truth: dict[str, int] = {}
    for head, columns, rows in SECTIONS:
        printed += [(head, []), (columns[0], columns[1:])]
        for label, key, cols in rows:
            cells = []
            for col in cols:
                if col == "items_delta":
                    if rng.random() < 0.15:
                        word, value = "持平", 0
                    else:
                        form, sign = rng.choice(WORDS)
                        n = rng.randint(1, 60)
                        word, value = form.format(n=n), sign * n
                else:
                    value = rng.randint(0, 3000)
                    word = str(value)
                cells.append(word)
                truth[f"proactive.{key}.{col}"] = value
            printed.append((label, cells))
    return printed, truth


def _render(printed: list[tuple[str, list[str]]], form: str) -> tuple[str, str]:
    title = "某区司法局2020年度政府信息公开工作年度报告"
    intro = [title, "一、总体情况", "2020年，本局认真贯彻落实《条例》。", "二、主动公开政府信息情况"]
    tail = ["三、收到和处理政府信息公开申请情况", "本年度未收到政府信息公开申请。"]
    if form == "html":
        trs = "".join(
            "<tr>" + (f'<td colspan="4">{label}</td>' if not cells else
                      "".join(f"<td>{c}</td>" for c in [label, *cells])) + "</tr>"
            for label, cells in printed
        )  # fmt: skip
        body = "".join(f"<p>{t}</p>" for t in intro) + f"<table>{trs}</table>" + "".join(f"<p>{t}</p>" for t in tail)
        return ".html", f"<html><body>{body}</body></html>"
    if form == "tabs":
        lines = ["\t".join([label, *cells]) for label, cells in printed]
    elif form == "one_line":
        lines = [" ".join([*intro, *(" ".join([label, *cells]) for label, cells in printed), *tail])]
        return ".txt", "\n".join(lines) + "\n"
    else:  # every cell on a line of its own
        lines = [x for label, cells in printed for x in [label, *cells]]
    return ".txt", "\n".join([*intro, *lines, *tail]) + "\n"


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("seed", range(5))
def test_changes_in_words_read_with_their_sign(tmp_path: Path, seed: int, form: str) -> None:
    printed, truth = _case(random.Random(seed))
    _assert_read_as_2019(tmp_path, printed, truth, form)


def _assert_read_as_2019(
    tmp_path: Path, printed: list[tuple[str, list[str]]], truth: dict[str, int], form: str
) -> None:
    suffix, text = _render(printed, form)
    f = tmp_path / f"r{suffix}"
    f.write_text(text, encoding="utf-8")
    r = report_extract.extract(f)
    got = {c.key: c.value for c in r.cells if c.table == "proactive"}
    assert r.meta["template"] == "2019"
    assert {k: got.get(k) for k in truth} == truth


@pytest.mark.parametrize("form", FORMS)
def test_a_2019_table_with_the_2021_fee_column_is_read_as_2019(tmp_path: Path, form: str) -> None:
    """A hybrid: the 2019 columns, and 行政事业性收费 with a third column 本年收费金额（单位：
    万元） of the 2021 template.  One 2021 header decided the template: the 2019 values were
    read by position into the 2021 columns (admin_license.decisions took 上一年项目数量),
    silently (newcomer's trial).  The 2019 headers are the more: 2019."""
    printed, truth = _case(random.Random(7))
    fee = next(i for i, (label, _) in enumerate(printed) if label == "行政事业性收费")
    printed[fee - 1] = ("信息内容", ["上一年项目数量", "本年增/减", "本年收费金额（单位：万元）"])
    printed[fee] = ("行政事业性收费", [*printed[fee][1], "472.53"])
    _assert_read_as_2019(tmp_path, printed, truth, form)
