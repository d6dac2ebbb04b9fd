"""Property-based tests (hypothesis) of the value parser, the label matcher and the digit
splitter: what must hold for every input, not just the printed examples (issue 8)."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from report_extract.contract import labels, values
from report_extract.reading.pdf.text import Char, block_text, group_lines, join_lines, line_text
from report_extract.settings import Settings
from report_extract.tables.split import BLANK_MARKS, PART, splits

MAX_CANDIDATES = Settings().split_max_candidates

settings.register_profile("report_extract", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("report_extract")

FULLWIDTH = str.maketrans("0123456789+-", "０１２３４５６７８９＋－")
KINDS = ("count", "signed_count", "wan_yuan", "money_as_printed")
# Text that looks like the inside of a table cell: digits, signs, separators, units, CJK.
cell_text = st.text(
    alphabet=st.sampled_from(
        list("0123456789０１２３４５６７８９,.，。+-－—/ 　万元件（）()无空其中修订") + ["\n", "\t"]
    ),
    max_size=20,
)
spaces = st.sampled_from([" ", "\u3000", "\u00a0", "  "])


# ---- values.parse / looks_like_value ------------------------------------------------


@given(st.one_of(st.text(max_size=30), cell_text), st.sampled_from(KINDS))
def test_parse_never_raises_and_ok_matches_value(text: str, kind: str) -> None:
    p = values.parse(text, kind)
    if not p.ok:
        assert p.value is None
    assert p.unit in (None, "元", "万元")


@given(st.integers(min_value=0, max_value=10**12), spaces, spaces)
def test_count_round_trip(n: int, before: str, after: str) -> None:
    for printed in (str(n), f"{n:,}", str(n).translate(FULLWIDTH), f"{n}件", f"{n}（其中修订1件）"):
        assert values.parse(before + printed + after).value == n, printed


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_signed_count_keeps_its_sign(n: int) -> None:
    for printed in (str(n), f"{n:+d}", f"{n:+d}".translate(FULLWIDTH)):
        assert values.parse(printed, "signed_count").value == n, printed
    if n < 0:  # a plain count is never negative: such a cell is not a count
        assert values.parse(str(n)) == values.Parsed(None, ok=False)


@given(st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False, allow_infinity=False))
def test_wan_yuan_round_trip(x) -> None:
    assert values.parse(f"{x}", "wan_yuan").value == float(x)
    assert values.parse(f"{x:,}万元", "wan_yuan") == values.Parsed(float(x), "万元")


@given(st.sampled_from(sorted(values._NULLS)), spaces, st.sampled_from(KINDS))
def test_null_markers_are_null_not_zero(marker: str, pad: str, kind: str) -> None:
    assert values.parse(pad + marker + pad, kind) == values.Parsed(None)
    assert values.looks_like_value(pad + marker)


@given(st.one_of(st.text(max_size=30), cell_text))
def test_a_value_looking_cell_parses_as_a_number_or_null(text: str) -> None:
    """looks_like_value is what the table code uses to tell values from labels: whatever
    it accepts, the parser reads (as wan_yuan, the widest kind) or knows to be null."""
    if values.looks_like_value(text):
        p = values.parse(text, "wan_yuan")
        assert p.ok and (p.value is not None or values.is_null_text(text)), text


@given(st.text(alphabet=st.characters(categories=["Lo"]), min_size=1, max_size=10))
def test_labels_are_not_values(label: str) -> None:
    assume(not values.is_null_text(label) and label not in values.ZEROS)  # 〇 and 零 are 0
    assert not values.looks_like_value(label)


# ---- labels.normalise / score ---------------------------------------------------------

ALL_ROWS = [row for t in labels.tables().values() for row in t.rows.values()]
row_specs = st.sampled_from(ALL_ROWS)


def spaced(text: str, data: st.DataObject) -> str:
    """`text` with spaces of any width inserted between characters, as PDFs print them."""
    return "".join(ch + data.draw(st.sampled_from(["", "", " ", "\u3000", "\n"])) for ch in text)


@given(st.text(max_size=40))
def test_normalise_leaves_words_only(text: str) -> None:
    norm = labels.normalise(text)
    assert not any(ch in norm for ch in " \t\n\r\u3000\u00a0")
    assert labels.normalise(norm) == norm  # a normalised label stays as it is


@given(st.text(alphabet=st.characters(categories=["Lo"]), max_size=20), st.data())
def test_normalise_ignores_spacing_and_width(text: str, data) -> None:
    assert labels.normalise(spaced(text, data)) == labels.normalise(text)


@given(row_specs, st.data())
def test_every_label_and_alias_scores_one_however_spaced(row, data) -> None:
    for text in (row.label, *row.aliases):
        assert labels.score(spaced(labels.halfwidth(text), data), row) == 1.0, text


@given(st.text(max_size=40), row_specs)
def test_score_is_a_fraction(text: str, row) -> None:
    assert 0.0 <= labels.score(text, row) <= 1.0


@given(st.text(max_size=20), st.text(max_size=20))
def test_dice_is_symmetric_and_one_on_itself(a: str, b: str) -> None:
    assert labels.dice(a, b) == labels.dice(b, a)
    if a:
        assert labels.dice(a, a) == 1.0


@given(row_specs, st.data())
def test_one_lost_character_still_matches_a_long_label(row, data) -> None:
    """A typo or a character lost at a line wrap: a label of 10+ characters keeps a
    score of at least 0.8 against its own row."""
    norm = labels.normalise(row.label)
    assume(len(norm) >= 10)
    i = data.draw(st.integers(0, len(norm) - 1))
    assert labels.score(norm[:i] + norm[i + 1 :], row) >= 0.8


# ---- split.splits -----------------------------------------------------------------------


def _body(part: str) -> str:
    return part.removesuffix("万元").removesuffix("元")


@given(
    st.lists(st.text(alphabet="0123456789.+-元万", min_size=1, max_size=8), min_size=1, max_size=4),
    st.lists(st.sampled_from(KINDS), min_size=1, max_size=7),
    st.sampled_from([0, 2, 3, 5, 7]),
)
@settings(max_examples=300)
@example(["-元"], ["count"], 0)
def test_splits_never_raise_and_keep_the_digits(chunks: list[str], kinds: list[str], group: int) -> None:
    out = splits(chunks, kinds, group)
    assert len(out) <= MAX_CANDIDATES
    for parts in out:
        assert len(parts) == len(kinds)
        # every part a number of its column's kind, or a blank cell's mark ("-") as printed,
        # a unit after either ("-元": hypothesis found it, a chunk the splitter keeps whole)
        assert all(PART[k].fullmatch(_body(p)) or _body(p) in BLANK_MARKS for p, k in zip(parts, kinds))
        assert "".join(_body(p) for p in parts) == "".join(_body(c) for c in chunks)


@given(st.lists(st.integers(0, 999), min_size=1, max_size=6), st.data())
def test_the_printed_numbers_are_among_the_splits(numbers: list[int], data) -> None:
    """Digits run together (with some spaces surviving) split back into, among others,
    the numbers that were printed."""
    cuts = [data.draw(st.booleans()) for _ in numbers[1:]]
    chunks, current = [], str(numbers[0])
    for n, cut in zip(numbers[1:], cuts):
        if cut:
            chunks.append(current)
            current = str(n)
        else:
            current += str(n)
    chunks.append(current)
    out = splits(chunks, ["count"] * len(numbers))
    if len(out) < MAX_CANDIDATES:
        assert [str(n) for n in numbers] in out


@given(st.lists(st.lists(st.integers(0, 50), min_size=2, max_size=2), min_size=1, max_size=3))
def test_group_totals_hold_in_every_split(groups: list[list[int]]) -> None:
    """Rows whose every third number is the total of the two before it (table 4's 总计)."""
    numbers = [n for a, b in groups for n in (a, b, a + b)]
    chunk = "".join(str(n) for n in numbers)
    out = splits([chunk], ["count"] * len(numbers), group=3)
    assert [str(n) for n in numbers] in out
    for parts in out:
        for i in range(0, len(parts), 3):
            a, b, total = (int(p) for p in parts[i : i + 3])
            assert a + b == total


# ---- reading.pdf.text.block_text ----------------------------------------------------


@given(
    st.text(max_size=3),
    st.floats(-50, 600),
    st.floats(-50, 800),
    st.floats(0, 30),
    st.floats(0, 30),
    st.booleans(),
)
def test_a_cell_of_one_character_reads_as_the_lines_of_any_cell(
    text: str, x0: float, top: float, width: float, height: float, space: bool
) -> None:
    """block_text's shortcut for a one-character cell (most of a table's cells) gives
    what grouping its lines and words gives."""
    c = Char(text, x0, top, x0 + width, top + height, space)
    assert block_text([c]) == join_lines(line_text(line) for line in group_lines([c]))
