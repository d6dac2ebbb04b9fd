#!/usr/bin/env bash
# Fresh machine → the whole test suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
# Every extra and system tool a test needs must be here: a test that skips for want of one
# would pass CI without running (OCR, Parquet, Dask, Datasette, LibreOffice).
.venv/bin/python -c "import rapidocr, onnxruntime, cv2, pyarrow, distributed, datasette, sqlite_utils, duckdb, PIL"
command -v soffice >/dev/null || { echo "test.sh: LibreOffice (soffice) is missing" >&2; exit 1; }
# The gates: lint and format, types, spelling.
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
.venv/bin/mypy
.venv/bin/codespell src tests docs README.md bench scripts patterns
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" -rs "$@"
