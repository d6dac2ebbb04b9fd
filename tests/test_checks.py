"""The spec's checks: passing, failing and not assessable, on real and edited tables."""

import random
from pathlib import Path

import pytest
from gen_reports import make_report, tsv

import report_extract
from report_extract.checks.report import OUTCOMES_SINGLE, cells_read, requests_checks, review_checks, table_checks
from report_extract.model.result import CellValue

COLS = ["natural_person", "commercial_enterprise", "research_institution",
        "public_welfare_org", "legal_service_org", "other_org", "total"]  # fmt: skip


def row(*values):
    return dict(zip(COLS, values))


def by_scope(checks, name):
    return {c.scope: c for c in checks if c.check == name}


def test_balance_passes_and_fails():
    t = {
        "new_received": row(3, 0, 0, 0, 0, 0, 3),
        "carried_over": row(1, 0, 0, 0, 0, 0, 1),
        "granted": row(2, 0, 0, 0, 0, 0, 2),
        "other_total": row(1, 0, 0, 0, 0, 0, 1),
        "result_total": row(3, 0, 0, 0, 0, 0, 3),
        "carried_forward": row(0, 0, 0, 0, 0, 0, 0),
    }
    bal = by_scope(requests_checks(t), "requests.balance")
    assert bal["natural_person"].ok is False and (bal["natural_person"].left, bal["natural_person"].right) == (4, 3)
    t["carried_forward"] = row(1, 0, 0, 0, 0, 0, 1)
    assert by_scope(requests_checks(t), "requests.balance")["total"].ok is True


BLANK = row(None, None, None, None, None, None, None)


def full_table(**printed):
    """Every row of table 3 printed blank, except `printed`."""
    keys = ["new_received", "carried_over", *OUTCOMES_SINGLE, "result_total", "carried_forward"]
    return {k: dict(printed.get(k, BLANK)) for k in keys}


def test_blank_total_is_not_assessable_and_null_addends_count_as_zero():
    t = full_table(
        granted=row(5, None, None, None, None, None, None),
        partially_granted=row(2, None, None, None, None, None, 2),
        result_total=row(7, None, None, None, None, None, 7),
    )
    rt = by_scope(requests_checks(t), "requests.row_total")
    assert rt["granted"].ok is None  # printed total blank
    assert rt["partially_granted"].ok is True  # nulls read as 0
    res = by_scope(requests_checks(t), "requests.result_total")
    assert res["total"].ok is False  # 7 vs 2: granted's blank total counts as 0
    assert res["commercial_enterprise"].ok is None  # every addend blank


def test_review_totals():
    t = {
        "admin_review": {"upheld": 10, "corrected": 1, "other": 0, "pending": 0, "total": 0},
        "litigation_direct": {"upheld": None, "corrected": None, "other": None, "pending": None, "total": None},
    }
    checks = by_scope(review_checks(t), "review_litigation.total")
    assert checks["admin_review"].ok is False and checks["admin_review"].right == 11
    assert checks["litigation_direct"].ok is None


def test_arithmetic_error_is_reported_not_repaired():
    """pingtan_2020 prints （七）总计 20/21 over outcome rows adding to 26/27."""
    r = report_extract.extract(Path(__file__).parents[1] / "corpus" / "pingtan_2020.txt")
    assert r.value("requests", "result_total", "total") == 21
    failed = {(c.check, c.scope) for c in r.checks if c.ok is False}
    assert ("requests.result_total", "total") in failed
    assert r.checks_failed == 2


def test_soft_prose_check():
    r = report_extract.extract(Path(__file__).parents[1] / "corpus" / "pingtan_2022.txt")
    soft = next(c for c in r.checks if c.check == "text.requests")
    assert (soft.left, soft.right, soft.ok) == (75, 74, False)
    assert "75件" in soft.note


def test_the_cells_a_check_reads_are_those_its_equation_adds() -> None:
    """What show/audit/xlsx mark red and what confirms an OCR'd cell (checks.cells_read):
    a printed （六） is read, not the three rows under it; a derived （六） stands for them."""
    from report_extract.checks.report import cells_read
    from report_extract.model.result import CellValue, CheckResult
    from report_extract.outputs.printed import failed_keys

    def cells(derived_other: bool) -> list[CellValue]:
        rows = {"result_total": 10, "granted": 6, "other_total": 4, "other_no_correction": 2,
                "other_fee_unpaid": 1, "other_misc": 2, "new_received": 9}  # fmt: skip
        return [
            CellValue("requests", r, "total", v, derived=derived_other and r == "other_total") for r, v in rows.items()
        ]

    failed = CheckResult("requests.result_total", "total", 10, 11, False)
    printed = failed_keys([failed], cells(derived_other=False))
    assert {"requests.result_total.total", "requests.granted.total", "requests.other_total.total"} <= printed
    assert not printed & {"requests.other_no_correction.total", "requests.new_received.total"}
    derived = cells_read(failed, cells(derived_other=True))
    assert "requests.other_total.total" not in derived and "requests.other_misc.total" in derived


def test_a_check_reading_a_cell_not_found_is_not_assessable_and_names_it():
    """A lost row is no arithmetic error: printed blank counts as 0, not found is unknown."""
    t = full_table(
        granted=row(2, 0, 0, 0, 0, 0, 2), result_total=row(3, 0, 0, 0, 0, 0, 3), new_received=row(3, 0, 0, 0, 0, 0, 3)
    )
    assert by_scope(requests_checks(t), "requests.result_total")["natural_person"].ok is False  # printed: 3 vs 2
    del t["granted"]
    res = by_scope(requests_checks(t), "requests.result_total")["natural_person"]
    assert res.ok is None and "requests.granted.natural_person not found" in res.note
    del t["result_total"]["other_org"]  # the row printed six of its seven values
    bal = by_scope(requests_checks(t), "requests.balance")
    assert bal["other_org"].ok is None and "requests.result_total.other_org" in bal["other_org"].note
    assert bal["natural_person"].ok is True
    rev = by_scope(
        review_checks({"admin_review": {"upheld": 1, "corrected": 1, "other": 0, "total": 5}}),
        "review_litigation.total",
    )["admin_review"]
    assert rev.ok is None and rev.note == "not assessable: review_litigation.admin_review.pending not found"


def test_a_derived_other_total_is_not_found_where_one_of_its_rows_is_not():
    cells = [
        CellValue("requests", k, c, v)
        for k, cols in full_table(
            other_no_correction=row(1, 0, 0, 0, 0, 0, 1), result_total=row(2, 0, 0, 0, 0, 0, 2)
        ).items()
        for c, v in cols.items()
        if k not in ("other_total", "other_fee_unpaid")
    ]
    cells.append(CellValue("requests", "other_total", "natural_person", 1, derived=True))
    res = by_scope(table_checks(cells), "requests.result_total")["natural_person"]
    assert res.ok is None and "requests.other_total.natural_person not found" in res.note


def test_other_total_printed_over_its_three_rows_is_kept_and_checked() -> None:
    """（六）其他处理 printed as a subtotal above its three sub-rows (newcomer's trial: the
    printed 1 replaced by the sub-rows' 0, marked derived, the report's error hidden): the
    printed value stands, and requests.other_split compares it with its rows."""
    from report_extract.checks.report import table_checks
    from report_extract.model.result import CellValue

    def cells(other_total: int) -> list[CellValue]:
        rows = {"other_total": other_total, "other_no_correction": 0, "other_fee_unpaid": 0, "other_misc": 5}
        return [CellValue("requests", r, "total", v, raw=str(v)) for r, v in rows.items()]

    got = {(c.check, c.scope): c.ok for c in table_checks(cells(5))}
    assert got[("requests.other_split", "total")] is True
    bad = [c for c in table_checks(cells(6)) if c.check == "requests.other_split"]
    assert [(c.left, c.right, c.ok, c.severity) for c in bad] == [(6, 5, False, "hard")]


@pytest.mark.parametrize("seed", range(8))
def test_a_cell_printed_as_no_number_leaves_its_checks_not_assessable_never_failed(tmp_path, seed):
    """A table 3 cell printed as something that is no number ("二", "共10件"): null with
    a warning, and every check that reads it is not assessable, naming it; it counted as
    0, and a consistent report failed its balance and row checks (newcomer's trial)."""
    rng = random.Random(seed)
    r = make_report(rng, seed)
    text = tsv(r)
    lines = text.splitlines()
    rows = [
        k for k, line in enumerate(lines) if line.startswith(("一、本年新收", "二、上年结转", "三、本年度办理结果"))
    ]
    # a number printed in one of those rows, not its 总计: (line, field)
    places = [(k, i) for k in rows for i in range(len(lines[k].split("\t")) - 8, len(lines[k].split("\t")) - 2)
              if lines[k].split("\t")[i] not in ("", "0")]  # fmt: skip
    k, i = rng.choice(places)
    fields = lines[k].split("\t")
    printed = fields[i]
    fields[i] = rng.choice(["二", "十三", f"共{printed}件", f"约{printed}"])
    lines[k] = "\t".join(fields)
    path = tmp_path / "spoiled.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = report_extract.extract(path)
    spoiled = next(c for c in result.cells if c.table == "requests" and c.raw == fields[i])
    assert spoiled.value is None and any("cannot read" in w and spoiled.key in w for w in result.warnings)
    assert not [c for c in result.checks if c.ok is False and not c.check.startswith("text.")]
    reading = [c for c in result.checks if spoiled.key in cells_read(c, result.cells)]
    assert reading and all(c.ok is None and f"{spoiled.key} not read as a number" in c.note for c in reading)
    assert any(c.ok for c in result.checks if c.check == "requests.balance")  # the other columns still checked
