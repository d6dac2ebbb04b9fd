"""Order-preserving alignment of observed rows to a table's canonical row keys.

A statistical table prints its rows in a fixed order.  Converters and crawlers lose
labels, detach them from their values, or wrap them onto other lines, but they keep the
order.  So rows are matched to keys like two sequences are aligned: a row whose label
names a key goes there; rows without a usable label fill the keys between their
labelled neighbours in order; junk rows and missing keys are skipped at a small cost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from report_extract.settings import current

Gain = Callable[[int, int], float | None]  # (row index, key index) -> gain, None = impossible


def align(n_rows: int, keys: Sequence[str], gain: Gain) -> tuple[float, list[tuple[int, str]]]:
    """Best monotonic assignment of rows to keys: (total score, [(row index, key)])."""
    m = len(keys)
    neg = float("-inf")
    best = [[neg] * (m + 1) for _ in range(n_rows + 1)]
    step: list[list[str | None]] = [[None] * (m + 1) for _ in range(n_rows + 1)]
    best[0][0] = 0.0
    settings = current()
    skip_row, skip_key = settings.align_skip_row, settings.align_skip_key
    for i in range(n_rows + 1):
        here, above, moves = best[i], best[i - 1] if i else best[0], step[i]
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            # the largest (score, move) of the possible moves, as max() over the tuples
            score, move = neg, None
            if i > 0 and above[j] > neg:
                score, move = above[j] + skip_row, "row"
            if j > 0 and here[j - 1] > neg:
                v = here[j - 1] + skip_key
                if move is None or (v, "key") > (score, move):
                    score, move = v, "key"
            if i > 0 and j > 0 and above[j - 1] > neg:
                g = gain(i - 1, j - 1)
                if g is not None:
                    v = above[j - 1] + g
                    if move is None or (v, "match") > (score, move):
                        score, move = v, "match"
            if move is not None:
                here[j], moves[j] = score, move
    pairs: list[tuple[int, str]] = []
    i, j = n_rows, m
    while i > 0 or j > 0:
        move = step[i][j]
        if move == "match":
            pairs.append((i - 1, keys[j - 1]))
            i, j = i - 1, j - 1
        elif move == "row":
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    return best[n_rows][m], pairs
