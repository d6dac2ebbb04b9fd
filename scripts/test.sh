#!/usr/bin/env bash
# Fresh machine → the whole test suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
