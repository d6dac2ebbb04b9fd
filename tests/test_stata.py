"""outputs/stata.py writes what pandas' `to_stata` writes (format 118), without importing pandas.

Generated panels vary what the writer has to get right: row counts (none, one, many),
missing numbers, integers at the edge of Stata's long, empty and Chinese strings, widths
from 1 to past the 2045-byte limit (strL), labels up to 80 characters.  pandas is the
reference: the same table through `DataFrame.to_stata` gives the same bytes, and
`read_stata` gives the values back.
"""

from __future__ import annotations

import io
import math
import random
from datetime import datetime

import pandas as pd
import pytest

from report_extract.outputs.panel import stata_names
from report_extract.outputs.stata import Variable, write_dta

WHEN = datetime(2026, 3, 1, 9, 5)
WORDS = ["", "a", "洪泽区人民政府", "320813-洪泽区人民政府", "x" * 40, "江苏省淮安市"]


def _table(seed: int, nrows: int, long_strings: bool = False) -> tuple[list[Variable], list[list]]:
    rnd = random.Random(seed)
    kinds = ["int", "double", "str"] + [rnd.choice(["int", "double", "str"]) for _ in range(rnd.randint(0, 8))]
    names = stata_names([f"c{j}.{k}" for j, k in enumerate(kinds)])
    variables = [Variable(names[f"c{j}.{k}"], k, rnd.choice(["", "总计", "一、本年新收政府信息公开申请数量 / 总计" * 3])[:80])
                 for j, k in enumerate(kinds)]  # fmt: skip
    rows = []
    for _ in range(nrows):
        row = []
        for k in kinds:
            if k == "int":
                row.append(rnd.choice([0, 1, -5, 2019, 2147483620, -2147483647]))
            elif k == "double":
                row.append(rnd.choice([None, 0, 3, 95.0, 0.25, -1e300, 1e300]))
            else:
                row.append(rnd.choice(WORDS + (["长" * 3000, "y" * 2100] if long_strings else [])))
        rows.append(row)
    return variables, rows


def _ours(variables: list[Variable], rows: list[list], label: str = "面板") -> bytes:
    f = io.BytesIO()
    write_dta(f, variables, rows, data_label=label, time_stamp=WHEN)
    return f.getvalue()


def _pandas(variables: list[Variable], rows: list[list], label: str = "面板") -> bytes:
    frame = pd.DataFrame(rows, columns=[v.name for v in variables])
    for v in variables:
        if v.kind == "int":
            frame[v.name] = frame[v.name].astype("int32")
        elif v.kind == "double":
            frame[v.name] = pd.to_numeric(frame[v.name]).astype("float64")
        else:
            frame[v.name] = frame[v.name].astype(object)
    f = io.BytesIO()
    frame.to_stata(f, write_index=False, version=118, data_label=label, time_stamp=WHEN,
                   variable_labels={v.name: v.label for v in variables if v.label})  # fmt: skip
    return f.getvalue()


@pytest.mark.parametrize("seed", range(12))
def test_same_bytes_as_pandas(seed):
    variables, rows = _table(seed, nrows=[0, 1, 7, 40][seed % 4])
    assert _ours(variables, rows) == _pandas(variables, rows)


@pytest.mark.parametrize("seed", range(4))
def test_long_strings_become_strl_and_read_back(seed):
    variables, rows = _table(seed, nrows=9, long_strings=True)
    frame = pd.read_stata(io.BytesIO(_ours(variables, rows)), convert_missing=False)
    for j, v in enumerate(variables):
        got = frame[v.name].tolist()
        if v.kind == "str":
            assert got == [r[j] for r in rows]
        elif v.kind == "double":
            assert [None if math.isnan(x) else x for x in got] == [None if r[j] is None else float(r[j]) for r in rows]
        else:
            assert got == [r[j] for r in rows]


def test_variable_labels_and_data_label_read_back():
    variables, rows = _table(3, nrows=2)
    with pd.io.stata.StataReader(
        io.BytesIO(_ours(variables, rows, "政府信息公开工作年度报告 机关-年度面板"))
    ) as reader:
        reader.read()
        assert reader.data_label == "政府信息公开工作年度报告 机关-年度面板"
        assert reader.variable_labels() == {v.name: v.label for v in variables}


def test_a_missing_string_is_empty_and_an_unreadable_number_missing():
    variables = [Variable("s", "str"), Variable("x", "double")]
    frame = pd.read_stata(io.BytesIO(_ours(variables, [[None, "n/a"], ["b", float("inf")], ["c", "12"]])))
    assert frame["s"].tolist() == ["", "b", "c"]
    assert [None if math.isnan(x) else x for x in frame["x"]] == [None, None, 12.0]


def test_an_integer_outside_a_stata_long_is_refused():
    with pytest.raises(ValueError, match="does not fit"):
        _ours([Variable("n", "int")], [[2147483621]])


def test_reserved_words_are_never_variable_names():
    names = stata_names(["end", "local", "year", "_se"])
    assert names == {"end": "_end", "local": "_local", "year": "year", "_se": "__se"}
