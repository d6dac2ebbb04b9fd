"""Run-together digits from crawler dumps, split by column count and arithmetic."""

from report_extract.tables.split import best, splits

SEVEN = ["count"] * 7


def test_row_total_settles_a_row():
    # pingtan_2021 予以公开 "270020130": 27/0/0/2/0/1/30 and 2/7/0/0/20/1/30 both add up;
    # the row sum alone leaves two, the column checks choose (tables._resolve).
    assert splits(["270020130"], SEVEN, group=7) == [
        ["2", "7", "0", "0", "20", "1", "30"],
        ["27", "0", "0", "2", "0", "1", "30"],
    ]


def test_surviving_spaces_are_cell_boundaries():
    # pingtan_2020 新收 "200 000121" → 20 | 0 0 0 0 1 21
    assert splits(["200", "000121"], SEVEN, group=7) == [["20", "0", "0", "0", "0", "1", "21"]]


def test_table4_groups_of_five():
    # pingtan_2024 table 4: exactly one split satisfies the three group totals
    assert splits(["21317000001324019"], ["count"] * 15, group=5) == [
        ["2", "1", "3", "1", "7", "0", "0", "0", "0", "0", "13", "2", "4", "0", "19"]
    ]


def test_no_leading_zeros_and_signs_and_decimals():
    assert splits(["007"], ["count"] * 3) == [["0", "0", "7"]]
    assert ["2648", "-18", "538"] in splits(["2648-18538"], ["count", "signed_count", "count"])
    assert ["395", "73802895.90元"] in splits(["39573802895.90元"], ["count", "money_as_printed"])


def test_most_plausible_of_an_unconstrained_run():
    # 行政规范性文件 "6233440" (pingtan_2024, confirmed in the page's HTML): 62/33/440
    assert best(splits(["6233440"], ["count"] * 3), cumulative_last=True) == ["62", "33", "440"]
    assert best(splits(["8855698"], ["count"] * 3), cumulative_last=True) == ["88", "55", "698"]


def test_impossible_run_gives_nothing():
    assert splits(["12"], SEVEN, group=7) == []
