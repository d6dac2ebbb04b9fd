#!/usr/bin/env bash
# Fresh machine → the shipped corpus converted into output/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/report-extract convert corpus/ -o output/
