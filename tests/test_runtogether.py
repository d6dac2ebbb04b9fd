"""Edge cases beyond the corpus: the seed's layout filled with kiro_04's real (large)
numbers, printed with tabs, with spaces, and with every separator removed as crawlers do.
The report's own arithmetic must recover every cell in all three forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CORPUS, truth

import report_extract

COLS = ["natural_person", "commercial_enterprise", "research_institution", "public_welfare_org",
        "legal_service_org", "other_org", "total"]  # fmt: skip
ORDER = ["new_received", "carried_over", "granted", "partially_granted", "denied_state_secret",
         "denied_law_prohibited", "denied_security_stability", "denied_third_party",
         "denied_internal_affairs", "denied_process_info", "denied_enforcement_file",
         "denied_admin_query", "unable_not_held", "unable_needs_creation", "unable_unclear",
         "not_processed_petition", "not_processed_duplicate", "not_processed_publication",
         "not_processed_excessive", "not_processed_confirm_reissue", "other_no_correction",
         "other_fee_unpaid", "other_misc", "result_total", "carried_forward"]  # fmt: skip
GROUPS = ["admin_review", "litigation_direct", "litigation_after_review"]
REVIEW_COLS = ["upheld", "corrected", "other", "pending", "total"]
TABLES = truth("kiro_04")["tables"]


def seed_with_numbers() -> str:
    rows = iter(ORDER)
    out, in_table3 = [], False
    for line in (CORPUS / "000_a01111d04fa25f8f.txt").read_text(encoding="utf-8").split("\n"):
        in_table3 = (in_table3 or line.startswith("三、收到和处理")) and not line.startswith("四、政府信息公开行政复议")
        if in_table3 and re.search(r"(\t0){7}", line):
            key = next(rows)
            values = iter([str(TABLES["requests"][key][c]) for c in COLS])
            line = re.sub(r"(?<=\t)0(?=\t|$)", lambda _, v=values: next(v), line, count=7)
        elif re.fullmatch(r"0(\t0){14}\t?", line):
            line = "\t".join(str(TABLES["review_litigation"][g][c]) for g in GROUPS for c in REVIEW_COLS)
        out.append(line)
    return "\n".join(out)


FORMS = {
    "tabs": lambda s: s,
    "spaces": lambda s: s.replace("\t", " "),
    "run_together": lambda s: re.sub(r"[ \t]+", "", s).replace("\n", ""),
}


@pytest.mark.parametrize("form", FORMS)
def test_every_cell_recovered(tmp_path: Path, form: str) -> None:
    f = tmp_path / f"{form}.txt"
    f.write_text(FORMS[form](seed_with_numbers()), encoding="utf-8")
    r = report_extract.extract(f)
    got = {c.key: c.value for c in r.cells}
    for table in ("requests", "review_litigation"):
        for row, cols in TABLES[table].items():
            for col, want in cols.items():
                assert got[f"{table}.{row}.{col}"] == want, f"{table}.{row}.{col}"
    assert not any(c.ambiguous for c in r.cells if c.table != "proactive")


def test_rows_that_add_up_no_way_are_read_and_reported(tmp_path: Path) -> None:
    """A run-together dump whose rows fit no sum (every number bumped): each row still gets
    its most plausible reading, marked ambiguous, or is named in a warning when no reading
    fits; the failed checks say so."""
    from batch_corpus import pathological

    r = report_extract.extract(pathological(tmp_path / "bumped.txt"))
    requests = [c for c in r.cells if c.table == "requests" and not c.derived]
    rows = {c.row for c in requests}
    missing = [w for w in r.warnings if w.startswith("requests.") and "row not found" in w]
    assert len(rows) + len(missing) == 25 and len(rows) >= 20
    assert any(c.ambiguous for c in requests)
    assert r.checks_failed > 0
