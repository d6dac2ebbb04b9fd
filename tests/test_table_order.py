"""Tables printed out of the templates' order (newcomer's trial): table 4 before table 3,
table 3 before table 2, every permutation, in HTML, Markdown, DOCX and tab-separated
text.  Every printed cell is read and every check fails exactly as the truth says."""

from __future__ import annotations

import itertools
import random

import pytest
from gen_reports import FORMATS_BY_STYLE as FORMATS
from gen_reports import Doc, Style, make_report, score

import report_extract

ORDERS = [o for o in itertools.permutations((1, 2, 3)) if o != (1, 2, 3)]


@pytest.mark.parametrize("order", ORDERS, ids=lambda o: "".join(str(i + 1) for i in o))
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_tables_out_of_order_are_read_in_full(tmp_path, order, fmt):
    seed = ORDERS.index(order) * 10 + sorted(FORMATS).index(fmt)
    r = make_report(random.Random(seed), seed, error=seed % 3 == 0, blanks=seed % 2 == 1)
    suffix, render = FORMATS[fmt]
    path = tmp_path / f"report{suffix}"
    path.write_bytes(render(r, Style(table_order=order)))
    result = report_extract.extract(path)
    right, total, misses = score(Doc(fmt, path, r), result)
    assert not misses, misses
    assert {c.table for c in result.cells} == {"proactive", "requests", "review_litigation"}
    assert right == total
