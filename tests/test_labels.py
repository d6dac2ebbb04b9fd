"""The tolerant label matcher: variants a report prints still name their row."""

import pytest

from report_extract.contract.labels import anchor_regex, normalise, score, tables

ROWS = tables()["requests"].rows


def best(text: str) -> str:
    return max(ROWS, key=lambda k: score(text, ROWS[k]))


@pytest.mark.parametrize("printed,key", [
    ("（二）部分公开（区分处理的，只计这一情况，不计其他情况）", "partially_granted"),  # 情况 for 情形
    ("5.属于三类内容事务信息", "denied_internal_affairs"),                       # 内容 for 内部
    ("2.其他法律行政止公开", "denied_law_prohibited"),                          # kiro_01's typo
    ("(三) 不予公开 1.属于国家秘密", "denied_state_secret"),                      # half-width numbering
    ("1、属于国家秘密", "denied_state_secret"),                                # 1、
    ("（1）属于国家秘密", "denied_state_secret"),                              # (1)
    ("三、本年度办 理结果 （一）予以公开", "granted"),                           # spaces inside labels
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("（七）总计", "result_total"),
    ("四、结转下年度继续办理", "carried_forward"),
    ("缴纳费用、行政机关不再处理其政", "other_fee_unpaid"),                     # a wrapped fragment
    ("3.其他", "other_misc"),
    ("１．属于国家秘密", "denied_state_secret"),                                # full-width
])  # fmt: skip
def test_variants_name_their_row(printed, key):
    assert best(printed) == key


def test_normalise_drops_numbering_space_and_punctuation():
    assert normalise("（三） 不予公开 1.属于国家秘密") == "不予公开属于国家秘密"
    assert normalise("3.危及“三安全一稳定”") == "危及三安全一稳定"


def test_anchor_search_takes_the_numbering_with_it():
    """In '…00000002.其他法律…' the 2 numbers the next row: it is not a value."""
    text = "1.属于国家秘密00000002.其他法律行政法规禁止公开0000000"
    hits = [(m.lastgroup, m.group()) for m in anchor_regex("requests").finditer(text)]
    assert hits == [("denied_state_secret", "1.属于国家秘密"), ("denied_law_prohibited", "2.其他法律行政")]


def test_every_spec_row_has_a_pattern():
    import csv
    from pathlib import Path

    spec = Path(__file__).resolve().parents[1] / "spec" / "cells.csv"  # the contract, shipped in the package
    from report_extract.tables import legacy

    keys = {(r["table"], r["row"]) for r in csv.DictReader(spec.open(encoding="utf-8"))}
    have = {(t, k) for t, s in tables().items() for k in s.rows}
    # the old statistics table's rows have their patterns in patterns/legacy.toml
    have |= {(legacy.TABLE, k) for k in legacy.row_keys()}
    assert keys <= have


def _dice_by_pool(a: str, b: str) -> float:
    """The Dice coefficient as first written: bigrams of b taken from a pool one by one."""
    ga = [a[i : i + 2] for i in range(len(a) - 1)] or ([a] if a else [])
    pool = [b[i : i + 2] for i in range(len(b) - 1)] or ([b] if b else [])
    if not ga or not pool:
        return 0.0
    n, common = len(ga) + len(pool), 0
    for g in ga:
        if g in pool:
            pool.remove(g)
            common += 1
    return 2 * common / n


def test_dice_counts_repeated_bigrams_as_the_pool_did():
    """dice compares multisets of bigrams ("公开公开" holds 公开 twice), remembered per string."""
    import random

    from report_extract.contract.labels import dice

    rng = random.Random(5)
    alphabet = "公开政府信息申请处理"
    for _ in range(3000):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9)))
        b = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9)))
        assert dice(a, b) == _dice_by_pool(a, b), (a, b)
