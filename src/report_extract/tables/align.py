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
    for i in range(n_rows + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            options: list[tuple[float, str]] = []
            if i > 0 and best[i - 1][j] > neg:
                options.append((best[i - 1][j] + current().align_skip_row, "row"))
            if j > 0 and best[i][j - 1] > neg:
                options.append((best[i][j - 1] + current().align_skip_key, "key"))
            if i > 0 and j > 0 and best[i - 1][j - 1] > neg:
                g = gain(i - 1, j - 1)
                if g is not None:
                    options.append((best[i - 1][j - 1] + g, "match"))
            if options:
                best[i][j], step[i][j] = max(options)
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
