"""Checks across two consecutive years of one body: what no single report can check.

- `panel.carried_over` (hard, one per column of table 3): the requests carried over into
  year Y (二、上年结转) are those carried forward out of Y−1 (四、结转下年度继续办理).  Both
  templates define both rows the same way, so it is checked across the 2020→2021 change.
- `panel.in_force` (one per row of table 2), each template in its own terms, never across
  the template change (the 2019 template counts documents published, the 2021 one
  documents in force: no column means the same in both):
  - 2021 template: 现行有效件数(Y) = 现行有效件数(Y−1) + 本年制发件数(Y) − 本年废止件数(Y).
    Hard for 规章; soft for 行政规范性文件, which also lapse when their validity period
    (有效期) ends, and lapsed documents are in no column of the table.
  - 2019 template: 对外公开总数量(Y) = 对外公开总数量(Y−1) + 本年新公开数量(Y) for 规章 and
    规范性文件, soft: the total is a cumulative count without a column for repeals, which
    bodies read as all-time, still valid or this year's documents; and for the items rows
    (行政许可 …) 上年项目数量(Y) = 上年项目数量(Y−1) + 本年增/减(Y−1), soft: 本年增/减 is one
    column for additions and removals, and a decrease printed without its minus sign
    adds instead.
- `panel.legacy_cumulative` (soft, one per row of the old statistics table, reports
  before 2019): 历年累计(Y) = 历年累计(Y−1) + 本年度(Y).  Soft: bodies restart or
  re-base the cumulative count (a merger, a new system), and some print it for the
  period since the 条例 took effect, others since the body's own start.

A printed blank counts as 0 when the other side is printed (as in checks/report.py); a check
whose sides are both blank is not assessable (ok = None); a cell that either report lacks
gives no check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from report_extract.checks.report import REQ_COLS
from report_extract.contract.codebook import codebook
from report_extract.contract.values import Number

Cells = dict[str, Number | None]  # canonical key "table.row.col" → value (None: printed blank)

HARD, SOFT = "hard", "soft"
# The old statistics table's rows, from the contract (checks sit below the table code).
LEGACY_ROWS = tuple(dict.fromkeys(c["row"] for c in codebook() if c["table"] == "legacy"))
THIS_YEAR, CUMULATIVE = "this_year", "cumulative"  # its two columns (spec/cells.csv)
ITEM_ROWS = ("admin_license", "other_admin_service", "admin_penalty", "admin_coercion", "admin_fee")
DOC_ROWS = ("regulation", "normative_doc")
# The keys these checks read, so a panel keeps only these of every report in memory.
KEYS = (
    [f"requests.{row}.{col}" for row in ("carried_over", "carried_forward") for col in REQ_COLS]
    + [f"proactive.{row}.{col}" for row in DOC_ROWS
       for col in ("issued", "repealed", "in_force", "new_published", "total_published")]
    + [f"proactive.{row}.{col}" for row in ITEM_ROWS for col in ("prev_year_items", "items_delta")]
    + [f"legacy.{row}.{col}" for row in LEGACY_ROWS for col in (THIS_YEAR, CUMULATIVE)]
)  # fmt: skip


@dataclass
class YearReport:
    """One report as the cross-year checks see it."""

    report_id: str
    year: int
    template: str | None
    cells: Cells = field(default_factory=dict)


@dataclass
class PanelCheck:
    check: str
    scope: str
    left: Number | None
    right: Number | None
    ok: bool | None
    severity: str
    report_id: str  # year Y: the left side
    prev_report_id: str  # year Y−1: the right side is computed from it
    note: str = ""


def _ok(left: Number | None, right: Number | None) -> bool | None:
    return abs(left - right) < 1e-6 if left is not None and right is not None else None


def _sum(*terms: tuple[int, Number | None]) -> Number | None:
    """Signed sum with blanks as 0; None when every term is blank."""
    if all(v is None for _, v in terms):
        return None
    return sum(sign * (v or 0) for sign, v in terms)


def carried_over(prev: YearReport, cur: YearReport) -> list[PanelCheck]:
    out = []
    for col in REQ_COLS:
        left_key, right_key = f"requests.carried_over.{col}", f"requests.carried_forward.{col}"
        if left_key not in cur.cells or right_key not in prev.cells:
            continue
        left, right = cur.cells[left_key], prev.cells[right_key]
        if (left is None) != (right is None):
            left, right = left or 0, right or 0
        out.append(PanelCheck("panel.carried_over", col, left, right, _ok(left, right), HARD,
                              cur.report_id, prev.report_id,
                              f"上年结转({cur.year}) = 结转下年度继续办理({prev.year})"))  # fmt: skip
    return out


def in_force(prev: YearReport, cur: YearReport) -> list[PanelCheck]:
    if prev.template != cur.template or cur.template not in ("2019", "2021"):
        return []  # across the template change no column of table 2 means the same
    out = []
    p, c = prev.cells, cur.cells

    def check(scope: str, left_key: str, terms: list[tuple[int, Cells, str]], severity: str, note: str) -> None:
        stock_key = terms[0][2]
        if left_key not in c or stock_key not in terms[0][1]:
            return
        left = c[left_key]
        stock = terms[0][1][stock_key]
        right = _sum(*[(sign, cells.get(key)) for sign, cells, key in terms]) if stock is not None else None
        out.append(PanelCheck("panel.in_force", scope, left, right, _ok(left, right), severity,
                              cur.report_id, prev.report_id, note))  # fmt: skip

    y, y0 = cur.year, prev.year
    if cur.template == "2021":
        for row in DOC_ROWS:
            k = f"proactive.{row}."
            check(
                row,
                k + "in_force",
                [(1, p, k + "in_force"), (1, c, k + "issued"), (-1, c, k + "repealed")],
                HARD if row == "regulation" else SOFT,
                f"现行有效件数({y}) = 现行有效件数({y0}) + 本年制发件数({y}) − 本年废止件数({y})",
            )
    else:
        for row in DOC_ROWS:
            k = f"proactive.{row}."
            check(
                row,
                k + "total_published",
                [(1, p, k + "total_published"), (1, c, k + "new_published")],
                SOFT,
                f"对外公开总数量({y}) = 对外公开总数量({y0}) + 本年新公开数量({y})",
            )
        for row in ITEM_ROWS:
            k = f"proactive.{row}."
            check(
                row,
                k + "prev_year_items",
                [(1, p, k + "prev_year_items"), (1, p, k + "items_delta")],
                SOFT,
                f"上年项目数量({y}) = 上年项目数量({y0}) + 本年增/减({y0})",
            )
    return out


def legacy_cumulative(prev: YearReport, cur: YearReport) -> list[PanelCheck]:
    """历年累计(Y) = 历年累计(Y−1) + 本年度(Y), for each row both statistics tables print."""
    out = []
    for row in LEGACY_ROWS:
        cum, this = f"legacy.{row}.{CUMULATIVE}", f"legacy.{row}.{THIS_YEAR}"
        if cum not in cur.cells or cum not in prev.cells or this not in cur.cells:
            continue
        left = cur.cells[cum]
        right = _sum((1, prev.cells[cum]), (1, cur.cells[this])) if prev.cells[cum] is not None else None
        out.append(PanelCheck("panel.legacy_cumulative", row, left, right, _ok(left, right), SOFT,
                              cur.report_id, prev.report_id,
                              f"历年累计({cur.year}) = 历年累计({prev.year}) + 本年度({cur.year})"))  # fmt: skip
    return out


def cross_year_checks(prev: YearReport, cur: YearReport) -> list[PanelCheck]:
    """The checks between the reports of years Y−1 (`prev`) and Y (`cur`) of one body."""
    if cur.year != prev.year + 1:
        return []
    return carried_over(prev, cur) + in_force(prev, cur) + legacy_cumulative(prev, cur)
