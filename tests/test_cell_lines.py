"""A dump with every table cell on a line of its own ("规章", "0", "5", "7"): the text of
an HTML page taken with a line break after each element, as crawlers often store it
(newcomer's trial: such a dump gave no tables, 115 of 1,200 generated cells).  A row's
label line is followed by its values one a line; the row ends at the first line that is
not one lone value."""

from __future__ import annotations

import random

import pytest
from gen_reports import Style, extract_text, flat_text, make_report

STYLES = {
    "plain": Style(),
    "fullwidth values": Style(fullwidth_values=True),
    "count notes": Style(count_note="（件）", number_dot="．"),
}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("style", STYLES)
def test_every_cell_on_its_own_line(tmp_path, seed, style):
    r = make_report(random.Random(seed), seed, error=seed % 3 == 0)
    result, got = extract_text(tmp_path, flat_text(r, STYLES[style], cell_lines=True))
    assert result.status == "ok"
    assert {k: got.get(k) for k in r.cells} == r.cells
    # a failed check is the report's own mistake, never a misreading
    assert {(c.check, c.scope) for c in result.checks if c.ok is False and not c.check.startswith("text.")} == r.failed
