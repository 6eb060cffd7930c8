#!/usr/bin/env bash
# Set up (once) and run sendboard on the demo school: creates .venv, installs, builds the demo
# database on first run, and starts the app on http://localhost:8501.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv >/dev/null 2>&1 || { echo "Needs Python 3.11+ with venv (Debian: apt-get install python3-venv)"; exit 1; }
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e .
  touch .venv/.installed
fi
# No file watcher: a school runs the app, it does not edit it (watching .venv floods inotify).
# Loopback only unless SENDBOARD_ADDRESS says otherwise: pupil data is served over HTTPS by a reverse
# proxy in front of sendboard (README, "Running it for your school"), never straight to the network.
exec .venv/bin/streamlit run streamlit_app.py --server.headless true --browser.gatherUsageStats false \
  --server.fileWatcherType none --server.address "${SENDBOARD_ADDRESS:-127.0.0.1}" "$@"
