"""Tables 2, 3 and 4 of a report → canonical cells.

For each table: find its region by its own labels, observe the rows it printed
(`rows`), align them to the canonical row keys (`align`), fit each row's printed values
to the columns (`fit`), and, where run-together digits split more than one way, keep
the reading that the report's own arithmetic confirms (`checks`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import regex

from report_extract.checks.report import OTHER_SPLIT, column_failures, other_total, unreadable
from report_extract.contract import labels
from report_extract.contract.values import Number, parse
from report_extract.model.document import Document, Origin
from report_extract.model.result import CellValue, as_tables
from report_extract.settings import current
from report_extract.tables.align import align
from report_extract.tables.fit import Fit, Fitted, choose, fit, without_extra_column
from report_extract.tables.rows import ObservedRow, observe
from report_extract.tables.stream import Item, Pos, items, region, search

# Where the kind of a column is not a plain count (spec: cells.csv `unit`).
KINDS = {
    "items_delta": "signed_count",
    "amount_wan_yuan": "wan_yuan",
    "procurement_amount": "money_as_printed",
}
CUMULATIVE = {"in_force", "total_published"}
OTHER_TEMPLATE = {"2019": "2021", "2021": "2019"}


@dataclass
class Tables:
    cells: list[CellValue] = field(default_factory=list)
    template: str | None = None
    found: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # "table.row" of rows whose values were read from free text although the table's
    # region holds a grid: text beside the table (a footer, a note), worth a human look.
    off_grid: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)  # tables whose region was found, read or not


def _off_grid(table: str, rows: list[ObservedRow], used: list[tuple[int, str]]) -> list[str]:
    if not any(r.exact for r in rows):
        return []  # free text throughout (a crawler dump): nothing outside a grid
    return [f"{table}.{key}" for i, key in used if not rows[i].exact]


def _kinds(cols: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(KINDS.get(c, "count") for c in cols)


def _gain_fn(rows: list[ObservedRow], table: str, keys: list[str], fits: dict, cols_of, group: int):
    specs = labels.tables()[table].rows
    scores = [[labels.score(r.label, specs[k]) if r.label and not r.key else 0.0 for k in keys] for r in rows]
    tops = [max(s) if s else 0.0 for s in scores]  # gain is asked for every (row, key) pair
    floor = current().label_floor

    def gain(i: int, j: int) -> float | None:
        row, key = rows[i], keys[j]
        cols = cols_of(key)
        if not cols:
            return None
        cache_key = (i, cols)
        if cache_key not in fits:
            fits[cache_key] = fit(row, _kinds(cols), group if len(cols) == group else 0)
        fitted: Fitted = fits[cache_key]
        if not fitted.fits:
            return None
        penalty = 2.0 if fitted.short else 0.0
        if row.key:
            return 10.0 - penalty if row.key == key else None
        top = tops[i]
        if top >= floor:
            s = scores[i][j]
            return 10.0 * s - penalty if s >= top - 0.12 else -5.0
        if not row.numeric:
            return None  # an unlabelled row of blanks is a header's leftovers
        return 1.0 - penalty

    return gain


def _fit_rows(table: str, rows: list[ObservedRow], keys: list[str], cols_of, group: int = 0):
    fits: dict = {}
    score, pairs = align(len(rows), keys, _gain_fn(rows, table, keys, fits, cols_of, group))
    return score, [(key, fits[(i, cols_of(key))]) for i, key in pairs], pairs


def _cells(
    table: str, key: str, cols: tuple[str, ...], reading: Fit, ambiguous: bool, warnings: list[str]
) -> list[CellValue]:
    out = []
    for col, raw, origin in zip(cols, reading.raws, reading.origins):
        if raw is None:
            warnings.append(f"{table}.{key}.{col}: cell not printed in the source row; left out")
            continue
        kind = KINDS.get(col, "count")
        parsed = parse(raw, kind)
        if not parsed.ok:
            warnings.append(f"{table}.{key}.{col}: cannot read {raw!r} as a number; null")
        o = origin or Origin()
        out.append(
            CellValue(
                table,
                key,
                col,
                parsed.value,
                raw=raw,
                unit=parsed.unit,
                page=o.page,
                line=o.line,
                bbox=o.bbox,
                confidence=o.confidence,
                ambiguous=ambiguous,
            )
        )
        if ambiguous:
            warnings.append(f"{table}.{key}.{col}: run-together digits split more than one way; kept {raw!r}")
    return out


def _headers(region_items: list[Item]) -> str:
    """Table 2's text as its headers are matched: half-width, without spaces."""
    return labels.halfwidth("".join(i.text for i in region_items)).replace(" ", "")


def _template_of(text: str) -> str | None:
    """The template whose column headers table 2 (its `_headers` text) prints more of
    (2021 on a tie): a hybrid that prints the 2019 columns and one of 2021 (本年收费金额
    for 行政事业性收费) is read by the 2019 columns, not its values by position into the
    2021 ones."""
    extra = labels.tables()["proactive"].extra
    found = {t: sum(w in text for w in extra[f"template_{t}"]) for t in ("2021", "2019")}
    best = max(found, key=lambda t: found[t])  # the first of equals: 2021
    return best if found[best] else None


def _by_label(rows: list[ObservedRow], table: str, keys: list[str]) -> list[tuple[int, str]]:
    """Rows whose label names a key, first occurrence of each key, in key order.

    Table 2's rows each carry a distinct label, and PDF-to-Markdown converters move its
    blocks around (the 第（一）项 rows after the others), so order is no help there.
    """
    specs = labels.tables()[table].rows
    found: dict[str, int] = {}
    for i, row in enumerate(rows):
        key = row.key
        if key is None and row.label:
            scored = sorted(((labels.score(row.label, specs[k]), k) for k in keys), reverse=True)
            if scored and scored[0][0] >= current().label_floor and (len(scored) == 1 or scored[0][0] > scored[1][0]):
                key = scored[0][1]
        if key in keys and key not in found:
            found[key] = i
    return sorted(((i, k) for k, i in found.items()), key=lambda p: keys.index(p[1]))


def _by_place(
    rows: list[ObservedRow], table: str, keys: list[str], used: list[tuple[int, str]], cols_of, warnings: list[str]
) -> list[tuple[int, str]]:
    """`used` and the rows taken by their place: a key no label named is the row printed
    right before the row of the key that follows it (or right after the row of the key
    before it), when that row's label names no key and its values fit the key's columns.
    Table 2 prints its rows in blocks (规章 with 行政规范性文件), which converters move as
    wholes; an OCR misreading of a short label (规章 as 规摩) leaves its place."""
    specs = labels.tables()[table].rows
    taken = {i for i, _ in used}
    at = {k: i for i, k in used}
    for n, key in enumerate(keys):
        if key in at:
            continue
        places = []
        if n + 1 < len(keys) and keys[n + 1] in at:
            places.append((at[keys[n + 1]] - 1, f"before {keys[n + 1]}"))
        if n > 0 and keys[n - 1] in at:
            places.append((at[keys[n - 1]] + 1, f"after {keys[n - 1]}"))
        for i, where in places:
            if not 0 <= i < len(rows) or i in taken:
                continue
            row = rows[i]
            if row.key or not row.numeric or not fit(row, _kinds(cols_of(key))).fits:
                continue
            if row.label and max(labels.score(row.label, spec) for spec in specs.values()) >= current().label_floor:
                continue  # it names a row of its own (maybe one this template does not print)
            warnings.append(f"{table}.{key}: label {row.label!r} not recognised; taken as {key} by its place ({where})")
            at[key] = i
            taken.add(i)
            break
    return sorted(((i, k) for k, i in at.items()), key=lambda p: keys.index(p[1]))


def _proactive(region_items: list[Item], headers: str, template: str, out: Tables) -> None:
    spec = labels.tables()["proactive"]
    keys = [k for k, r in spec.rows.items() if r.columns(template)]
    rows = observe(region_items, "proactive")
    by_label = _by_label(rows, "proactive", keys)
    used = _by_place(rows, "proactive", keys, by_label, lambda k: spec.rows[k].columns(template), out.warnings)
    # A row only the other template has, printed anyway (政府集中采购 carried over from a
    # 2019 table into a 2021 one), found by its label alone and read by that template's
    # columns: it was dropped without a word.
    other = OTHER_TEMPLATE[template]
    taken = {i for i, _ in used}
    keys_of_other = [k for k, r in spec.rows.items() if not r.columns(template) and r.columns(other)]
    borrowed = [(i, k) for i, k in _by_label(rows, "proactive", keys_of_other) if i not in taken]
    out.off_grid += _off_grid("proactive", rows, used + borrowed)
    for i, key in used + borrowed:
        cols = spec.rows[key].columns(template) or spec.rows[key].columns(other)
        fitted = fit(rows[i], _kinds(cols), cumulative_last=cols[-1] in CUMULATIVE)
        if not fitted.fits:
            out.warnings.append(f"proactive.{key}: printed values do not fit its {len(cols)} columns")
            continue
        if (i, key) in borrowed:
            out.warnings.append(
                f"proactive.{key}: a row of the {other} template in a {template} table; read by its {other} columns"
            )
        reading = choose(fitted, cumulative_last=cols[-1] in CUMULATIVE)
        out.cells += _cells("proactive", key, cols, reading, fitted.ambiguous, out.warnings)
    _header_units(headers, out)


def _header_units(headers: str, out: Tables) -> None:
    """Units table 2's headers print.  amount_wan_yuan is in 万元 (spec); a fee printed in
    元 (its cell "125000元", or its column headed 本年收费金额（单位：元）) is divided by
    10,000, its unit kept as 元, with a warning: a panel of fees must not mix 万元 with
    amounts 10,000 times larger.  procurement_amount keeps its number, and takes the unit
    of a header 采购总金额（万元） where its cell prints none."""
    extra = labels.tables()["proactive"].extra
    in_yuan = regex.search(extra["fee_in_yuan"], headers) is not None
    procurement = regex.search(extra["procurement_unit"], headers)
    for k, c in enumerate(out.cells):
        if c.key == "proactive.gov_procurement.procurement_amount" and c.unit is None and procurement:
            out.cells[k] = replace(c, unit=procurement.group("unit"))
        if c.key != "proactive.admin_fee.amount_wan_yuan" or c.value is None:
            continue
        if c.unit == "元" or (c.unit is None and in_yuan):
            out.cells[k] = replace(c, value=round(c.value / 10_000, 8), unit="元")
            out.warnings.append(
                f"proactive.admin_fee.amount_wan_yuan: printed in 元 ({c.raw}); {c.value / 10_000:g} 万元"
            )


def _requests(region_items: list[Item], out: Tables) -> bool:
    """Table 3; returns True when （六）其他处理 is split into three rows."""
    cols = labels.tables()["requests"].columns
    rows = without_extra_column(observe(region_items, "requests"), _kinds(cols), len(cols))
    keys = list(labels.tables()["requests"].rows)  # printed order (labels.toml)
    variants = {  # （六） printed as three rows, as one, or as a subtotal over its three rows
        "split": [k for k in keys if k != "other_total"],
        "one": [k for k in keys if k not in OTHER_SPLIT],
        "both": keys,
    }
    results = {name: _fit_rows("requests", rows, keys, lambda k: cols, len(cols)) for name, keys in variants.items()}
    if not _prints_values(dict(results["both"][1]).get("other_total")):
        del variants["both"]  # "（六）其他处理" over its rows as a heading, no subtotal
    layout = max(variants, key=lambda name: results[name][0])  # the first of equals: split, then one
    pairs = results[layout][1]
    out.off_grid += _off_grid("requests", rows, results[layout][2])
    found = {k for k, _ in pairs}
    out.warnings += [
        f"requests.{k}: row not found or its values could not be read" for k in variants[layout] if k not in found
    ]
    readings = _resolve(pairs)
    for (key, fitted), reading in zip(pairs, readings):
        out.cells += _cells(
            "requests", key, cols, reading, _still_ambiguous(key, fitted, pairs, readings), out.warnings
        )
    if layout == "split":  # a printed subtotal ("both") is the report's, and its check compares
        out.cells += _derived_other_total(out.cells)
    return layout != "one"


def _prints_values(fitted: Fitted | None) -> bool:
    """The row was read with a value in some column (a blank heading row is none)."""
    return fitted is not None and any(v is not None for fit in fitted.fits for v in fit.counts)


def _still_ambiguous(key, fitted: Fitted, pairs, readings) -> bool:
    """A row is ambiguous when another of its readings fails no more checks than the chosen one."""
    if not fitted.ambiguous:
        return False
    chosen = dict(zip((k for k, _ in pairs), readings))
    base = column_failures(_as_table(chosen))
    if fitted.many:
        return True
    for alt in fitted.fits:
        if alt != chosen[key] and column_failures(_as_table({**chosen, key: alt})) <= base:
            return True
    return False


def _as_table(readings: dict[str, Fit]) -> dict[str, Sequence[Number | None]]:
    return {key: reading.counts for key, reading in readings.items()}


def _resolve(pairs: list[tuple[str, Fitted]]) -> list[Fit]:
    """Pick one reading per row: the combination that fails the fewest column checks.

    Few combinations are tried one by one; many (long run-together rows whose own sums
    fail) are improved one row at a time from the most plausible readings, so the time
    stays bounded whatever the crawler wrote.
    """
    keys = [k for k, _ in pairs]
    chosen = [choose(f) for _, f in pairs]
    options = [f.fits if len(f.fits) > 1 else [] for _, f in pairs]
    ambiguous = [i for i, o in enumerate(options) if o]
    if not ambiguous:
        return chosen

    def failures(trial: list[Fit]) -> int:
        return column_failures(_as_table(dict(zip(keys, trial))))

    if math.prod(len(options[i]) for i in ambiguous) <= current().tables_exhaustive:
        combos = itertools.product(*(options[i] for i in ambiguous))
        best, best_score = chosen, failures(chosen)
        for combo in combos:
            trial = list(chosen)
            for i, reading in zip(ambiguous, combo):
                trial[i] = reading
            score = failures(trial)
            if score < best_score:
                best, best_score = trial, score
        return best
    best_score, improved = failures(chosen), True
    while improved and best_score:
        improved = False
        for i in ambiguous:
            for alt in options[i]:
                trial = chosen[:i] + [alt] + chosen[i + 1 :]
                score = failures(trial)
                if score < best_score:
                    chosen, best_score, improved = trial, score, True
    return chosen


def _derived_other_total(cells: list[CellValue]) -> list[CellValue]:
    """（六）其他处理 as the sum of its three sub-rows, when all three were read: the sum
    of two would be a wrong total, not a derived one (its check then has nothing to
    compare, as for any row not found)."""
    rows = as_tables([c for c in cells if not unreadable(c)]).get("requests", {})
    if not all(r in rows for r in OTHER_SPLIT):
        return []
    return [  # nor in a column where one of them printed no number ("二")
        CellValue("requests", "other_total", col, value, raw="", derived=True)
        for col, value in other_total(rows).items()
        if all(col in rows[r] for r in OTHER_SPLIT)
    ]


def _review(region_items: list[Item], out: Tables) -> None:
    spec = labels.tables()["review_litigation"]
    cols = spec.columns
    rows = observe(region_items, "review_litigation")
    by_key = {r.key: r for r in rows if r.key}
    if len(by_key) == 3:  # one printed row per group (transposed layout)
        pairs = [(k, fit(by_key[k], _kinds(cols), len(cols))) for k in spec.extra["order"]]
        out.off_grid += _off_grid("review_litigation", rows, [(rows.index(by_key[k]), k) for k in by_key])
    else:
        pairs = _review_single_row(rows, spec.extra["order"], cols)
        if pairs is None:
            out.warnings.append("review_litigation: could not find the 15 values of table 4")
            return
        if any(r.exact for r in rows) and not all(r.exact for r in rows if r.numeric):
            out.off_grid += [f"review_litigation.{k}" for k, _ in pairs]
    for key, fitted in pairs:
        out.cells += _cells("review_litigation", key, cols, choose(fitted), fitted.ambiguous, out.warnings)


def _review_single_row(rows: list[ObservedRow], keys: list[str], cols: tuple[str, ...]):
    n = len(keys) * len(cols)
    merged = ObservedRow(exact=all(r.exact for r in rows))
    for r in rows:
        if r.exact and len(r.tokens) >= n and r.numeric:
            merged = ObservedRow(tokens=r.tokens, exact=True)
            break
        merged.tokens += r.tokens
        if merged.exact and len(merged.tokens) >= n:
            break
    fitted = fit(merged, ("count",) * n, len(cols))
    if not fitted.fits:
        return None
    pairs, w = [], len(cols)
    for g, key in enumerate(keys):
        fits = [Fit(f.raws[g * w : g * w + w], f.origins[g * w : g * w + w]) for f in fitted.fits]
        pairs.append((key, Fitted(list(dict.fromkeys(fits)), fitted.short)))
    return pairs


def _regions(seq: list[Item]) -> dict[str, tuple[Pos, Pos | None]]:
    """Where each table starts and ends: each found after the one before it in the
    templates' order, and one not found so from the start of the document (a report that
    prints table 4 before table 3, or table 3 first); each ends where the next one found
    starts, table 4 also at the next section."""
    specs = labels.tables()
    p = search(seq, specs["proactive"].start)
    r = search(seq, specs["requests"].start, p or (0, 0))
    v = search(seq, specs["review_litigation"].start, r or p or (0, 0))
    starts = {"proactive": p, "requests": r, "review_litigation": v}
    for name, at in starts.items():
        if at is None:
            starts[name] = search(seq, specs[name].start)
    order = sorted((at, name) for name, at in starts.items() if at is not None)
    found: dict[str, tuple[Pos, Pos | None]] = {}
    for k, (at, name) in enumerate(order):
        after = next((b for b, _ in order[k + 1 :] if b > at), None)
        if name == "review_litigation":
            end = search(seq, specs[name].end, at)
            after = min((e for e in (end, after) if e is not None), default=None)
        found[name] = (at, after)
    return found


def extract_tables(doc: Document) -> Tables:
    seq = items(doc)
    out = Tables()
    regions = {name: region(seq, a, b) for name, (a, b) in _regions(seq).items()}
    headers = _headers(regions["proactive"]) if "proactive" in regions else ""
    template = _template_of(headers) if "proactive" in regions else None
    if "requests" in regions:
        split = _requests(regions["requests"], out)
        template = template or ("2021" if split else "2019")
    if "proactive" in regions:
        _proactive(regions["proactive"], headers, template or "2021", out)
    if "review_litigation" in regions:
        _review(regions["review_litigation"], out)
    out.template = template
    out.found = sorted({c.table for c in out.cells})
    out.regions = sorted(regions)
    return out
