"""（六）其他处理 printed as three sub-rows is summed into other_total (derived) only when all
three were read: with one lost (newcomer's trial: a PDF whose first sub-row was not found),
the sum of the other two was output as the total, 10 for 15, and its check compared it."""

from __future__ import annotations

import random

import pytest
from gen_reports import extract_text, flat_text, make_report


@pytest.mark.parametrize("lost", ["1.申请人无正当理由", "2.申请人逾期未按", "3.其他"])
def test_other_total_is_not_derived_from_two_of_its_rows(tmp_path, lost):
    r = make_report(random.Random(4), 4)
    text = flat_text(r, row=lambda texts: [] if any(t.startswith(lost) for t in texts) else texts)
    result, got = extract_text(tmp_path, text)
    assert not [c for c in result.cells if c.row == "other_total"]
    assert not [c for c in result.checks if c.ok is False]
    # the rows read are still right
    assert {k: got[k] for k in got if k.startswith("requests.")} == {
        k: v for k, v in r.cells.items() if k in got and k.startswith("requests.")
    }


def test_other_total_is_derived_from_all_three(tmp_path):
    r = make_report(random.Random(4), 4)
    result, _ = extract_text(tmp_path, flat_text(r))
    derived = {c.col: c.value for c in result.cells if c.row == "other_total"}
    want = {
        col: sum(
            r.cells[f"requests.{row}.{col}"] or 0 for row in ("other_no_correction", "other_fee_unpaid", "other_misc")
        )
        for col in derived
    }
    assert derived and derived == want
