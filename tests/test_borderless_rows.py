"""Grid rows of borderless PDF tables whose column edges the words placed (newcomer's
trial): a value glued to its row's label ("行政规范性文件61" beside an empty first cell) was
read as a blank, and a value row whose blank cells left no cell at all (table 4 with 12
of its 15 cells) was read by position, 7 values wrong and two checks failed as the
report's errors."""

from __future__ import annotations

from report_extract.model.document import Cell
from report_extract.tables.fit import fit
from report_extract.tables.rows import ObservedRow, Token, from_grid
from report_extract.tables.stream import RowItem


def test_a_value_glued_to_the_label_fills_the_empty_cell_beside_it():
    row = from_grid(RowItem([Cell("行政规范性文件61"), Cell(""), Cell("8"), Cell("674")]))
    assert row.label == "行政规范性文件" and [t.text for t in row.tokens] == ["61", "8", "674"]


def test_a_label_ending_in_a_number_beside_a_value_is_left_alone():
    row = from_grid(RowItem([Cell("（一）予以公开 1288"), Cell("3"), Cell("4")]))
    assert row.label == "（一）予以公开" and [t.text for t in row.tokens] == ["1288", "3", "4"]


def _grid_row(values: list[str]) -> ObservedRow:
    return ObservedRow(label="", tokens=[Token(v, None) for v in values], exact=True)  # type: ignore[arg-type]


def test_a_grid_row_missing_two_cells_or_more_is_not_read():
    twelve = "5 2 2 9 5 2 5 12 5 1 3 9".split()
    assert fit(_grid_row(twelve), ("count",) * 15, 5).fits == []


def test_a_grid_row_missing_one_cell_keeps_its_last_value_last():
    fitted = fit(_grid_row(["3", "1", "4"]), ("count",) * 4)
    assert fitted.short and fitted.fits[0].raws == ("3", "1", None, "4")


def test_an_empty_column_of_its_own_is_left_out():
    """A borderless table's column edge where only a heading stood (本年处理决定数量 over
    three columns) gives table 2's rows an empty cell too many (newcomer's trial: 规章's
    values read one column over, 现行有效件数 0 for 35, unflagged: table 2 has no checks)."""
    fitted = fit(_grid_row(["0", "", "0", "35"]), ("count",) * 3)
    assert fitted.fits[0].raws == ("0", "0", "35")
    # a row as wide as its table keeps its blank cell where it stands
    assert fit(_grid_row(["0", "", "35"]), ("count",) * 3).fits[0].raws == ("0", "", "35")
