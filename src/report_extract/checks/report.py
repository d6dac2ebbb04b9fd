"""The spec's checks (勾稽关系), run on the printed values.

A null addend counts as 0; a check whose printed total is null, or all of whose addends
are null, is not assessable (ok = None): neither a pass nor a failure.  A check that
reads a cell that was not found at all (its row lost, or a value the row did not
print), or one printed with something that is no number ("二", "共10件", print the OCR
could not read), is not assessable either, with a note naming those cells: a check fails
only on what was printed and read, so a misread never reads as the report's arithmetic
error.
A report whose own arithmetic is wrong is reported, never repaired.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import regex

from report_extract.contract.labels import halfwidth
from report_extract.contract.values import is_null_text
from report_extract.model.result import CellValue, CheckResult, Number, as_tables
from report_extract.patterns import load_toml
from report_extract.settings import current

REQ_COLS = ["natural_person", "commercial_enterprise", "research_institution",
            "public_welfare_org", "legal_service_org", "other_org", "total"]  # fmt: skip
OUTCOMES_SINGLE = [
    "granted", "partially_granted", "denied_state_secret", "denied_law_prohibited",
    "denied_security_stability", "denied_third_party", "denied_internal_affairs",
    "denied_process_info", "denied_enforcement_file", "denied_admin_query",
    "unable_not_held", "unable_needs_creation", "unable_unclear",
    "not_processed_petition", "not_processed_duplicate", "not_processed_publication",
    "not_processed_excessive", "not_processed_confirm_reissue", "other_total",
]  # fmt: skip
REVIEW_COLS = ["upheld", "corrected", "other", "pending"]
OTHER_SPLIT = ("other_no_correction", "other_fee_unpaid", "other_misc")


class _Table:
    """{row: {col: value}} of one table, telling a blank cell (None) from one not found."""

    def __init__(
        self, name: str, rows: dict[str, dict[str, Number | None]], absent_as_zero: bool, unread: frozenset[str]
    ) -> None:
        self.name, self.rows, self.absent_as_zero, self.unread = name, rows, absent_as_zero, unread
        self.missing: list[str] = []

    def get(self, row: str, col: str) -> Number | None:
        cols = self.rows.get(row, {})
        if col not in cols and not self.absent_as_zero:
            self.missing.append(f"{self.name}.{row}.{col}")
        return cols.get(col)

    def take_missing(self) -> list[str]:
        out, self.missing = self.missing, []
        return out


def _sum(values: Iterable[Number | None]) -> tuple[Number, bool]:
    """Sum with nulls as 0, and whether every addend was null."""
    vals = list(values)
    return sum(v or 0 for v in vals), all(v is None for v in vals)


def _not_found(check: str, scope: str, missing: list[str], unread: frozenset[str]) -> CheckResult:
    parts = [
        f"{_named(keys)} {why}"
        for keys, why in (
            ([k for k in missing if k not in unread], "not found"),
            ([k for k in missing if k in unread], "not read as a number"),
        )
        if keys
    ]
    return CheckResult(check, scope, None, None, None, note=f"not assessable: {'; '.join(parts)}")


def _named(keys: list[str]) -> str:
    n = current().named_cells
    return ", ".join(keys[:n]) + (f" and {len(keys) - n} more" if len(keys) > n else "")


def _equation(t: _Table, check: str, scope: str, total: Number | None, addends: Sequence[Number | None]) -> CheckResult:
    """`total` and `addends` were read through `t`, which noted the cells not found."""
    missing = t.take_missing()
    if missing:
        return _not_found(check, scope, missing, t.unread)
    right, all_null = _sum(addends)
    if total is None or all_null:
        return CheckResult(check, scope, total, right, None)
    return CheckResult(check, scope, total, right, abs(total - right) < 1e-6)


def requests_checks(
    rows: dict[str, dict[str, Number | None]], absent_as_zero: bool = False, unread: frozenset[str] = frozenset()
) -> list[CheckResult]:
    """Checks of table 3, from {row: {col: value}} (other_total present, derived or printed).
    `absent_as_zero`: a cell not found counts as a blank one (comparing readings of the
    rows that were found, where an absent row weighs the same on every reading).
    `unread`: keys of the cells left out of `rows` because their print is no number."""
    out: list[CheckResult] = []
    t = _Table("requests", rows, absent_as_zero, unread)
    for col in REQ_COLS:
        if not any(col in rows.get(r, {}) for r in ("new_received", "result_total")):
            continue
        left_vals = [t.get("new_received", col), t.get("carried_over", col)]
        right_vals = [t.get("result_total", col), t.get("carried_forward", col)]
        missing = t.take_missing()
        if missing:
            out.append(_not_found("requests.balance", col, missing, unread))
            continue
        left, lnull = _sum(left_vals)
        right, rnull = _sum(right_vals)
        ok = None if lnull and rnull else left == right
        out.append(CheckResult("requests.balance", col, left, right, ok))
    if "result_total" in rows:
        for col in REQ_COLS:
            total = t.get("result_total", col)
            out.append(_equation(t, "requests.result_total", col, total, [t.get(r, col) for r in OUTCOMES_SINGLE]))
    for row, cols in rows.items():
        if "total" in cols:
            out.append(
                _equation(t, "requests.row_total", row, cols.get("total"), [t.get(row, c) for c in REQ_COLS[:-1]])
            )
    return out


def review_checks(rows: dict[str, dict[str, Number | None]], unread: frozenset[str] = frozenset()) -> list[CheckResult]:
    t = _Table("review_litigation", rows, False, unread)
    return [
        _equation(t, "review_litigation.total", row, t.get(row, "total"), [t.get(row, c) for c in REVIEW_COLS])
        for row in rows
    ]


def other_total(rows: dict[str, dict[str, Number | None]]) -> dict[str, Number | None]:
    """（六）其他处理 per column from its three sub-rows (spec: their sum, marked derived);
    null where every sub-row printed null."""
    subs = [rows[r] for r in OTHER_SPLIT if r in rows]
    out: dict[str, Number | None] = {}
    for col in REQ_COLS:
        vals = [s[col] for s in subs if col in s]
        if vals:
            out[col] = None if all(v is None for v in vals) else sum(v or 0 for v in vals)
    return out


def column_failures(rows: dict[str, Sequence[Number | None]]) -> int:
    """Failed table-3 checks of a candidate reading ({row: [7 values]}), for choosing
    between splits of run-together digits."""
    t = {r: dict(zip(REQ_COLS, v)) for r, v in rows.items()}
    if "other_total" not in t and (derived := other_total(t)):
        t["other_total"] = derived
    return sum(1 for c in requests_checks(t, absent_as_zero=True) if c.ok is False)


def unreadable(cell: CellValue) -> bool:
    """A cell that printed something, but no number: null, yet no blank ("二", "共10件",
    print the OCR could not read, confidence 0)."""
    return cell.value is None and not cell.derived and (cell.confidence == 0.0 or not is_null_text(cell.raw))


def table_checks(cells: list[CellValue]) -> list[CheckResult]:
    unread = frozenset(c.key for c in cells if unreadable(c))
    cells = [c for c in cells if c.key not in unread]  # not found, for the checks
    tables = as_tables(cells)
    req = tables.get("requests", {})
    derived = {c.row for c in cells if c.derived}
    if "other_total" in derived:  # derived from three rows: not found where one of them is not
        req["other_total"] = {
            c: v for c, v in req["other_total"].items() if all(c in req.get(r, {}) for r in OTHER_SPLIT)
        }
    out = requests_checks(req, unread=unread) if req else []
    out = [c for c in out if not (c.check == "requests.row_total" and c.scope in derived)]
    if "other_total" in req and "other_total" not in derived and all(r in req for r in OTHER_SPLIT):
        out += other_split_checks(req, unread)
    return out + review_checks(tables.get("review_litigation", {}), unread)


def other_split_checks(rows: dict[str, dict[str, Number | None]], unread: frozenset[str]) -> list[CheckResult]:
    """（六）其他处理 printed as a subtotal over its three sub-rows: the subtotal = their sum."""
    t = _Table("requests", rows, False, unread)
    return [
        _equation(t, "requests.other_split", col, t.get("other_total", col), [t.get(r, col) for r in OTHER_SPLIT])
        for col in REQ_COLS
        if col in rows["other_total"]
    ]


def prose_checks(text: str, cells: list[CellValue]) -> list[CheckResult]:
    """The soft `text.requests` check: counts the prose states against table 3's 总计 column."""
    values = {(c.row, c.col): c.value for c in cells if c.table == "requests"}
    out = []
    plain = halfwidth(text)
    for rule in load_toml("prose.toml")["text_requests"]:
        table_value = values.get((rule["row"], "total"))
        if table_value is None:
            continue
        m = regex.search(rule["pattern"], plain)
        if not m:
            continue
        stated = int(m.group("n"))
        out.append(
            CheckResult(
                "text.requests",
                f"{rule['row']}.total",
                stated,
                table_value,
                stated == table_value,
                note=m.group(0).strip(),
            )
        )
    return out


def cells_read(check: CheckResult, cells: list[CellValue]) -> set[str]:
    """Keys of the printed cells a table check's equation reads; a derived （六） stands
    for the three rows it adds up."""
    derived = {c.row for c in cells if c.derived}
    scope = check.scope
    if check.check == "requests.balance":
        return {f"requests.{r}.{scope}" for r in ("new_received", "carried_over", "result_total", "carried_forward")}
    if check.check == "requests.result_total":
        rows = [r for r in OUTCOMES_SINGLE if r not in derived]
        rows += OTHER_SPLIT if "other_total" in derived else ()
        return {f"requests.{r}.{scope}" for r in ["result_total", *rows]}
    if check.check == "requests.row_total":
        return {f"requests.{scope}.{c}" for c in REQ_COLS}
    if check.check == "requests.other_split":
        return {f"requests.{r}.{scope}" for r in ("other_total", *OTHER_SPLIT)}
    if check.check == "review_litigation.total":
        return {f"review_litigation.{scope}.{c}" for c in [*REVIEW_COLS, "total"]}
    return set()
