#!/usr/bin/env bash
# Set up report_extract on a fresh machine: system packages, then a virtualenv in .venv
# with the package and its extras.  Safe to run again; it only adds what is missing.
#
#   scripts/setup.sh            # what `convert` needs
#   scripts/setup.sh --test     # plus what the tests need (system tools of tests/apt.txt)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_install() {  # install Debian packages named in a file, skipping those present
  local list="$1" missing=()
  [ -f "$list" ] || return 0
  while read -r pkg _; do
    [ -z "$pkg" ] || [[ "$pkg" == \#* ]] && continue
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done < "$list"
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    echo "setup: please install these Debian packages: ${missing[*]}" >&2; return 0
  fi
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: apt-get install ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

apt_install scripts/apt.txt
[ $want_test -eq 1 ] && apt_install scripts/apt-test.txt

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
extras="all"
[ $want_test -eq 1 ] && extras="all,dev"
.venv/bin/python -m pip install -q -e ".[$extras]"
