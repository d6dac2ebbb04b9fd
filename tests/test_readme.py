"""The README's CLI reference is generated from --help: it must not drift."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_cli_reference_is_current():
    run = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "README.md"], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, "README's CLI reference is stale: run `cog -r README.md`\n" + run.stdout + run.stderr


def test_readme_commands_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for script in ("scripts/demo.sh", "scripts/test.sh"):
        assert script in text and (ROOT / script).exists()
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_legacy_keys_table_is_current():
    """docs/spec-extensions.md prints the legacy keys from the cells list (cog)."""
    run = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "docs/spec-extensions.md"], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, (
        "docs/spec-extensions.md is stale: run `cog -r docs/spec-extensions.md`\n" + run.stdout + run.stderr
    )


def test_architecture_names_every_module_with_its_docstring():
    """docs/architecture.md lists every module from its docstring (cog): a new module
    without a docstring, or one added since, fails here."""
    run = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "docs/architecture.md"], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, "docs/architecture.md is stale: run `cog -r docs/architecture.md`\n" + run.stdout
    listed = [
        line
        for line in (ROOT / "docs/architecture.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("- `")
    ]
    undocumented = [line for line in listed if line.rstrip().endswith(":")]
    assert len(listed) == len(list((ROOT / "src/report_extract").rglob("*.py"))) and undocumented == []
