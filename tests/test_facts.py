"""Facts of free-form (pre-2019) reports: pingtan_2018 (real) and two fixtures written
after the structure of published reports (prose only; prose + statistics attachment)."""

from __future__ import annotations

from pathlib import Path

import pytest

from report_extract.metadata.facts import Fact, extract_facts
from report_extract.model.document import Document, TextBlock
from report_extract.reading import read

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def _index(facts: list[Fact], source: str | None = None) -> dict[tuple[str, str], Fact]:
    return {(f.key, f.period): f for f in facts if source is None or f.source == source}


def _values(facts: list[Fact], source: str) -> dict[tuple[str, str], tuple]:
    return {k: (f.value, f.unit) for k, f in _index(facts, source).items()}


def test_pingtan_2018_statistics_table_and_prose() -> None:
    warnings: list[str] = []
    facts = extract_facts(read(ROOT / "corpus" / "pingtan_2018.txt"), warnings)
    table = _values(facts, "table")
    # "主动公开文件数条206912106": the split 2069 / 12106 is settled by the prose's 2069
    assert table[("proactive_total", "this_year")] == (2069, "条")
    assert table[("proactive_total", "cumulative")] == (12106, "条")
    assert table[("proactive_website", "this_year")] == (2069, "条")
    assert table[("proactive_website", "cumulative")] == (12106, "条")
    for key in ("proactive_gazette", "requests_received", "replies_total", "admin_reviews", "lawsuits"):
        assert table[(key, "this_year")][0] == 0 and table[(key, "cumulative")][0] == 0
    assert table[("admin_reviews", "this_year")] == (0, "件")
    prose = _index(facts, "prose") | _index(facts, "zero")
    assert prose[("proactive_total", "this_year")].value == 2069
    assert "2069条" in prose[("proactive_total", "this_year")].sentence
    for key in ("requests_received", "admin_reviews", "lawsuits"):  # 未收到 … = 0
        assert prose[(key, "this_year")].value == 0 and prose[(key, "this_year")].source == "zero"
    assert "未收到" in prose[("admin_reviews", "this_year")].sentence
    assert warnings == []


def test_prose_only_report() -> None:
    facts = extract_facts(read(FIXTURES / "facts_prose_2015.txt"))
    got = {k: (f.value, f.unit, f.source) for k, f in _index(facts).items()}
    assert got == {
        ("proactive_total", "this_year"): (339, "条", "prose"),  # not the 其中 parts 112/146/81
        ("proactive_total", "cumulative"): (2874, "条", "prose"),  # 累计主动公开…
        ("requests_received", "this_year"): (0, "件", "zero"),  # 未收到政府信息公开申请
        ("fees_collected", "this_year"): (0, "元", "zero"),  # 没有…收取…任何费用
        ("admin_reviews", "this_year"): (0, "件", "zero"),  # 未发生…行政复议、行政诉讼
        ("lawsuits", "this_year"): (0, "件", "zero"),
    }


def test_report_with_statistics_attachment() -> None:
    facts = extract_facts(read(FIXTURES / "facts_attachment_2016.txt"))
    prose = _values(facts, "prose")
    assert prose[("requests_received", "this_year")] == (37, "件")
    # the trap: 依申请公开信息459条 counts documents released, not requests
    assert prose[("request_disclosed_items", "this_year")] == (459, "条")
    assert prose[("admin_reviews", "this_year")] == (2, "件")
    assert prose[("lawsuits", "this_year")] == (1, "件")
    assert prose[("website_visits", "this_year")] == (215346, "人次")
    assert _values(facts, "zero")[("fees_collected", "this_year")] == (0, "元")
    table = _values(facts, "table")
    assert table[("proactive_total", "this_year")] == (4275, "条")
    assert table[("requests_received", "this_year")] == (37, "件")
    assert table[("requests_online", "this_year")] == (29, "件")
    assert table[("replies_refused", "this_year")] == (4, "件")  # 不同意公开, not 同意公开
    assert table[("fees_collected", "this_year")] == (0, "万元")
    assert all(f.period == "this_year" for f in facts if f.source == "table")  # one 统计数 column


def _doc(text: str) -> Document:
    return Document("x.txt", "txt", [TextBlock("paragraph", line) for line in text.splitlines()])


def test_run_together_cells_left_out_when_nothing_settles_them() -> None:
    warnings: list[str] = []
    facts = extract_facts(_doc("六、统计表 指标名称计量单位2017年度历年累计主动公开文件数条206912106"), warnings)
    assert [f for f in facts if f.source == "table"] == []
    assert warnings and "206912106" in warnings[0]


def test_run_together_amount_with_decimals_is_split_like_any_run() -> None:
    """An amount run together with decimals once crashed the splitter (int("2.5")); it is
    cut like every other run (split.splits), each part a number printed in the run."""
    facts = extract_facts(_doc("六、统计表 指标名称 单位 2018年度 历年累计\n收取费用元12.5"))
    table = [f for f in facts if f.source == "table"]
    assert [f.key for f in table] == ["fees_collected", "fees_collected"]
    assert "".join(f"{f.value:g}" for f in table) == "12.5"


@pytest.mark.parametrize(
    "sentence, key, value, unit",
    [
        ("全年收取政府信息公开检索复制费用120.5元。", "fees_collected", 120.5, "元"),
        ("2012年共受理政府信息公开申请1,024件。", "requests_received", 1024, "件"),
        ("本年度无因政府信息公开引起的行政复议和行政诉讼。", "lawsuits", 0, "件"),
    ],
)
def test_prose_patterns(sentence: str, key: str, value: float, unit: str) -> None:
    f = _index(extract_facts(_doc(sentence)))[(key, "this_year")]
    assert (f.value, f.unit, f.sentence) == (value, unit, sentence)


# Newcomer's trial of pre-2019 reports: each sentence gave a wrong figure, silently.
@pytest.mark.parametrize(
    "sentences, year, want",
    [
        # last year's figure in a comparison, or named by another year, is not this year's
        (["与2011年受理申请30件相比，2012年共受理申请45件。"], 2012, {"requests_received": 45}),
        (["较上年受理申请30件有所增加，本年共受理申请45件。"], 2012, {"requests_received": 45}),
        (["2012年受理政府信息公开申请40件，2013年受理政府信息公开申请56件。"], 2013, {"requests_received": 56}),
        (["上年收到申请12件。", "今年收到申请20件。"], 2015, {"requests_received": 20}),
        # 不同意公开 is a refusal, not 同意公开
        (["共受理申请13件，同意公开12件，不同意公开1件。"], 2016, {"requests_received": 13, "requests_granted": 12,
                                                               "requests_refused": 1}),
        # 未收到申请人的投诉 says nothing of requests: the 5 received stand
        (["本年度未收到申请人的投诉。", "全年共受理政府信息公开申请5件。"], 2014, {"requests_received": 5}),
        # a cumulative figure keeps its years
        (["自2008年以来累计受理申请120件，2014年受理申请9件。"], 2014, {"requests_received": 9}),
        # the outcomes and channels are stated in a 其中 clause: they are its parts, not a total's
        (["全年共受理申请81件。其中同意公开60件，同意部分公开9件，不予公开12件。"], 2016,
         {"requests_received": 81, "requests_granted": 60, "requests_partial": 9, "requests_refused": 12}),
        (["共受理申请56件，其中当面申请12件、网络申请30件、信函申请14件；已答复56件。"], 2013,
         {"requests_received": 56, "requests_in_person": 12, "requests_online": 30, "requests_letter": 14,
          "replies_total": 56}),
        # counts in Chinese numerals, thousands set apart by a full-width comma
        (["全年受理申请三件，同意公开两件，不予公开一件。"], 2011,
         {"requests_received": 3, "requests_granted": 2, "requests_refused": 1}),
        (["共受理政府信息公开申请五十六件。", "主动公开政府信息2，345条。"], 2012,
         {"requests_received": 56, "proactive_total": 2345}),
        (["受理申请一百二十件。"], 2012, {"requests_received": 120}),
    ],
)  # fmt: skip
def test_prose_figures_of_the_reports_own_year(sentences: list[str], year: int, want: dict) -> None:
    facts = extract_facts(_doc("\n".join(sentences)), year=year)
    got = {f.key: f.value for f in facts if f.period == "this_year"}
    assert got == want
