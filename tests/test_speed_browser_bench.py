"""`sendboard bench --browser --app-root DIR --think SECONDS`: another copy of sendboard is started (a
before-and-after on one machine), and the reading time is recorded with the figures."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.browser


def test_browser_bench_starts_the_copy_in_app_root_and_records_the_reading_time(fixture_path, tmp_path):
    from tests.fixture_school import PASSWORD, TODAY

    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("sendboard", "pages"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "streamlit_app.py", copy / "streamlit_app.py")
    mark = tmp_path / "started-from-the-copy"
    # the copy, and only the copy, leaves a mark when its server imports it
    with open(copy / "streamlit_app.py", "a") as script:
        script.write(f"\nif __name__ != '__main__':\n    __import__('pathlib').Path({str(mark)!r}).write_text('yes')\n")

    out = tmp_path / "copy.json"
    done = subprocess.run(
        [sys.executable, "-m", "sendboard", "bench", "--browser", "--runs", "1", "--scales", "school",
         "--browser-db", str(fixture_path), "--roles", "teacher", "--no-floor", "--no-term-change",
         "--think", "0.2", "--app-root", str(copy), "--today", TODAY.isoformat(), "--password", PASSWORD,
         "--out", str(out)],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert mark.read_text() == "yes"
    report = json.loads(out.read_text())["browser"]
    assert report["think_s"] == 0.2 and report["app_root"] == str(copy)
    school = report["scales"]["school"]["median"]
    assert school["errors"] == []
    assert {"class_profile", "passport"} <= {p["page"] for p in school["pages"]}
