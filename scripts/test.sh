#!/usr/bin/env bash
# Set up (once) and run the whole test suite, browser tests included (they use Debian's chromium at
# /usr/bin/chromium; on Debian: sudo apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv >/dev/null 2>&1 || { echo "Needs Python 3.11+ with venv (Debian: apt-get install python3-venv)"; exit 1; }
if [ ! -f .venv/.installed-test ] || [ pyproject.toml -nt .venv/.installed-test ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]"
  touch .venv/.installed-test
fi
# Lint first (rules and the reason for each exception in pyproject.toml's [tool.ruff]): seconds, and it stops
# a run on an unused import or a likely bug before the tests spend minutes.
.venv/bin/ruff check .
# Two workers, one a core. Tests are shared out one at a time (loadgroup), except those that use a set-up
# their module makes once (an app and a browser, a built database): tests/conftest.py keeps those on one
# worker. SENDBOARD_TEST_WORKERS=0 runs everything in this one process. (Three workers were tried: on two
# cores the suite then spent 883 CPU seconds instead of 615, browsers and apps waiting on each other, and
# took 12.1 minutes instead of 9.4.)
exec .venv/bin/python -m pytest -n "${SENDBOARD_TEST_WORKERS:-2}" --dist loadgroup "$@"
