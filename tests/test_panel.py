"""Issue 19: the agency-year panel of the real corpus (淮安市洪泽区 2023–2024, 平潭 2018–2025)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from report_extract.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("panel")
    result = CliRunner().invoke(main, ["convert", str(CORPUS), "-o", str(folder), "--jobs", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    return folder


def test_one_row_per_agency_year(out):
    panel = pd.read_csv(out / "panel.csv", dtype=str)
    assert not panel.duplicated(["agency_id", "year"]).any()
    pingtan = panel[panel.agency.str.startswith("平潭综合实验区", na=False)]
    assert pingtan.agency_id.nunique() == 1
    assert sorted(pingtan.year) == ["2018", "2019", "2020", "2021", "2022", "2024", "2025"]
    hongze = panel[panel.agency.str.contains("洪泽区", na=False)]
    assert hongze.agency_id.nunique() == 1 and sorted(hongze.year) == ["2023", "2024"]


def test_carried_over_holds_across_consecutive_years(out):
    checks = pd.read_csv(out / "panel_checks.csv", dtype=str)
    carried = checks[checks.check == "panel.carried_over"]
    years = {(a.split("-", 1)[1], y) for a, y in zip(carried.agency_id, carried.year)}
    assert ("洪泽区人民政府", "2024") in years
    assert {"2020", "2021", "2022", "2025"} <= {y for a, y in years if a.startswith("平潭")}
    assert (carried.ok == "true").all() and (carried.severity == "hard").all()
