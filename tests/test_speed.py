"""Speed tooling and the speed fixes: the run log, the remembered data version, the warm-up, and smoke
runs of `sendboard bench --browser` and `--meeting` on the tiny fixture school. No timing is asserted:
the figures come from the bench, not from tests."""
from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from sendboard import warmup
from tests.apptest_helpers import signed_in
from tests.fixture_school import PASSWORD, TODAY


def test_run_log_writes_one_line_per_run(fixture_path, tmp_path, monkeypatch):
    log = tmp_path / "runs.jsonl"
    monkeypatch.setenv("SENDBOARD_RUN_LOG", str(log))
    at = signed_in("head")  # the frame runs (home), as it does for a person signing in
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    # AppTest runs the frame once (home) and then only the page script, which the frame's hook does not see
    assert [line["page"] for line in lines] == ["home"]
    first = lines[0]
    assert first["outcome"] == "ok"
    assert first["end"] >= first["start"] and first["seconds"] == pytest.approx(first["end"] - first["start"], abs=1e-3)
    assert first["cpu_seconds"] >= 0


def test_run_log_is_off_by_default(monkeypatch):
    from sendboard import runlog

    monkeypatch.delenv("SENDBOARD_RUN_LOG", raising=False)
    monkeypatch.delenv("SENDBOARD_RUN_PROFILE", raising=False)
    with runlog.timed_run() as run:
        assert run is None  # nothing timed, nothing written, no profiler


def test_run_profile_writes_statistics_per_run(tmp_path, monkeypatch):
    import pstats

    from sendboard import runlog

    monkeypatch.delenv("SENDBOARD_RUN_LOG", raising=False)
    monkeypatch.setenv("SENDBOARD_RUN_PROFILE", str(tmp_path))
    with runlog.timed_run() as run:
        run["page"] = "overview"
        sum(range(1000))
    (written,) = tmp_path.glob("overview-*.prof")
    assert pstats.Stats(str(written)).total_calls > 0


def test_run_log_records_a_stop_without_swallowing_it(fixture_path, tmp_path, monkeypatch):
    """The sign-in page ends its run with st.stop: the log says so, and the app still stops there."""
    from tests.apptest_helpers import app

    log = tmp_path / "runs.jsonl"
    monkeypatch.setenv("SENDBOARD_RUN_LOG", str(log))
    at = app()
    at.run()
    assert not at.exception
    assert [json.loads(line)["outcome"] for line in log.read_text().splitlines()] == ["stopped"]
    assert any(b.label == "Sign in" for b in at.button)


def test_data_version_is_remembered_and_bumped_by_a_write(fixture_db):
    calls = []
    real_cursor = fixture_db.cursor

    class Counting:
        def __init__(self, cur):
            self.cur = cur

        def execute(self, sql, *a, **k):
            if "data_version" in sql:
                calls.append(sql)
            return self.cur.execute(sql, *a, **k)

        def __getattr__(self, name):
            return getattr(self.cur, name)

    before = fixture_db.data_version()
    fixture_db.cursor = lambda: Counting(real_cursor())
    try:
        assert [fixture_db.data_version() for _ in range(5)] == [before] * 5
        assert calls == []  # remembered: no query
        fixture_db.write(lambda w: None)
        assert fixture_db.data_version() == before + 1  # the write is seen at once
    finally:
        del fixture_db.cursor


def test_data_version_read_during_a_write_is_not_kept_stale(fixture_db):
    """A reader that started before a commit must not remember the old version after it."""
    before = fixture_db.data_version()
    fixture_db._forget_version()
    in_commit = threading.Event()
    release = threading.Event()
    original = fixture_db._forget_version

    def slow_forget():
        original()
        if not in_commit.is_set():  # the first forget, just before COMMIT: let a reader in here
            in_commit.set()
            release.wait(10)

    fixture_db._forget_version = slow_forget
    seen = []
    writer = threading.Thread(target=lambda: fixture_db.write(lambda w: None))
    writer.start()
    assert in_commit.wait(10)
    seen.append(fixture_db.data_version())  # read while the write is not yet committed
    release.set()
    writer.join(10)
    fixture_db._forget_version = original
    assert seen == [before]
    assert fixture_db.data_version() == before + 1


def test_warmup_imports_what_the_pages_import_and_opens_the_database(fixture_path, monkeypatch):
    modules = warmup.page_modules()
    assert {"sendboard.ui", "sendboard.classroom.profile", "streamlit"} <= set(modules)
    from sendboard import db as dbmod

    dbmod.close_all()
    warmup.warm()
    assert str(fixture_path.resolve()) in dbmod._OPEN


def test_warmup_never_creates_a_missing_database(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere.duckdb"
    monkeypatch.setenv("SENDBOARD_DB", str(missing))
    warmup.warm()
    assert not missing.exists()


@pytest.mark.browser
def test_bench_browser_and_meeting_write_valid_json(fixture_path, tmp_path):
    """One run of `sendboard bench --browser` (the teacher's pages, the floor) and a meeting of the
    fixture's two teachers, on the fixture school; the JSON has a figure for every page the teacher has."""
    out = tmp_path / "browser.json"
    done = subprocess.run(
        [sys.executable, "-m", "sendboard", "bench", "--browser", "--runs", "1", "--scales", "school",
         "--browser-db", str(fixture_path), "--roles", "teacher", "--meeting", "2",
         "--today", TODAY.isoformat(), "--password", PASSWORD, "--out", str(out)],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(out.read_text())
    school = report["browser"]["scales"]["school"]
    assert report["browser"]["load_average_at_start"] and report["machine"]["load_average_at_start"]
    pages = {p["page"] for p in school["median"]["pages"]}
    assert {"class_profile", "passport", "glossary"} <= pages
    for row in school["median"]["pages"]:
        for visit in ("first", "revisit"):
            assert row[visit]["ms"] > 0 and row[visit]["exceptions"] == 0
            assert row[visit]["cpu_app_s"] >= 0 and row[visit]["cpu_browser_s"] >= 0
    assert school["median"]["sign_in"]["teacher"]["ms"] > 0
    assert report["browser"]["floor"]["first"]["ms"] > 0
    changes = {t["page"] for t in school["median"]["term_change"]}
    assert "class_profile" in changes and all(t["ms"] > 0 for t in school["median"]["term_change"])
    assert school["median"]["errors"] == []
    meeting = report["meeting"]
    assert meeting["rendered"] == 2 and meeting["errors"] == []
    assert meeting["server_runs"] >= 2  # each session ran its page; a session may rerun once more (its watcher)
    assert meeting["server_run_p95_s"] > 0
