"""`sendboard bench --browser` and `--meeting` report medians over runs: checked here on made-up runs with
the medians worked out by hand, and one warm-profile run of the browser bench on the fixture school."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sendboard.bench import browser, meeting


def _visit(ms, app=0.1, browser_cpu=0.5):
    return {"ms": ms, "cpu_app_s": app, "cpu_browser_s": browser_cpu, "ws_kb": 10, "exception": False,
            "elements": 20, "charts": 1, "tables": 1, "svg_nodes": 100, "dom_nodes": 900}


def _run(overview_first, glossary=True, sign_in=1000, term=None):
    pages = [{"page": "overview", "role": "head", "first": _visit(overview_first), "revisit": _visit(overview_first / 2)}]
    if glossary:
        pages.append({"page": "glossary", "role": "head", "first": _visit(300), "revisit": _visit(200)})
    return {"server_start_s": 3.0, "sign_in": {"head": _visit(sign_in)}, "pages": pages,
            "term_change": [] if term is None else [{"page": "overview", "role": "head", "term": "Summer 2026",
                                                     **_visit(term)}],
            "errors": [] if glossary else ["head glossary first: PageNotDrawn"]}


def test_medians_are_over_every_run_of_each_page():
    # overview first visit in five runs: 900, 1500, 700, 1100, 5000 -> sorted 700 900 1100 1500 5000: median 1100
    runs = [_run(900, term=400), _run(1500, term=600), _run(700, term=500), _run(1100, term=900), _run(5000, term=800)]
    summary = browser.summarise(runs)
    overview = next(p for p in summary["pages"] if p["page"] == "overview")
    assert overview["runs"] == 5
    assert overview["first"]["ms"] == 1100
    assert overview["revisit"]["ms"] == 550  # halves of the above: 350 450 550 750 2500
    assert overview["first"]["runs_ms"] == [900, 1500, 700, 1100, 5000]
    assert summary["term_change"][0]["ms"] == 600  # 400 600 500 900 800 -> 400 500 600 800 900
    assert summary["sign_in"]["head"]["ms"] == 1000 and summary["runs"] == 5


def test_a_page_missing_from_the_first_run_is_still_reported():
    """A page not drawn in the first run (an error there) keeps the median of the runs that drew it."""
    runs = [_run(900, glossary=False), _run(1000), _run(1200)]
    summary = browser.summarise(runs)
    glossary = next(p for p in summary["pages"] if p["page"] == "glossary")
    assert glossary["runs"] == 2 and glossary["first"]["ms"] == 300
    assert summary["errors"] == ["head glossary first: PageNotDrawn"]


def test_meetings_report_the_median_p95_and_the_worst_counts(monkeypatch):
    figures = iter([(2.0, 30), (3.5, 30), (2.5, 29)])

    def one(db_path, teachers, today, password):
        p95, rendered = next(figures)
        row = dict.fromkeys(meeting._MEDIANS, 1.0)
        row.update({"via": "websocket", "server_run_p95_s": p95, "rendered": rendered, "with_exception": 0,
                    "server_runs": rendered, "errors": [], "load_average_at_start": [1.0, 1.0, 1.0],
                    "load_average_at_end": [1.0, 1.0, 1.0]})
        return row

    monkeypatch.setattr(meeting, "run_meeting", one)
    out = meeting.run_meetings("unused.duckdb", teachers=30, runs=3)
    assert out["server_run_p95_s"] == 2.5  # median of 2.0, 3.5, 2.5
    assert out["server_run_p95_s_each"] == [2.0, 3.5, 2.5]
    assert out["rendered"] == 29  # the worst meeting: one session not rendered
    assert out["passes"] is False  # so it does not pass, though the median p95 is under 3 s
    assert len(out["runs"]) == 3


@pytest.mark.browser
def test_browser_bench_with_a_warm_profile(fixture_path, tmp_path):
    """`--browser-cache warm`: a profile kept between runs (after an unmeasured visit) on one address."""
    from tests.fixture_school import PASSWORD, TODAY

    out = tmp_path / "warm.json"
    done = subprocess.run(
        [sys.executable, "-m", "sendboard", "bench", "--browser", "--runs", "1", "--scales", "school",
         "--browser-db", str(fixture_path), "--roles", "teacher", "--browser-cache", "warm", "--no-floor",
         "--no-term-change", "--today", TODAY.isoformat(), "--password", PASSWORD, "--out", str(out)],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(out.read_text())["browser"]
    assert report["browser_cache"] == "warm"
    school = report["scales"]["school"]["median"]
    assert school["errors"] == []
    assert {"class_profile", "passport"} <= {p["page"] for p in school["pages"]}
    assert all(p["first"]["ms"] > 0 and p["first"]["exceptions"] == 0 for p in school["pages"])
    assert "filling the browser profile" in done.stderr  # the unmeasured visit came first


def test_locks_bench_appends_one_entry_per_session(fixture_db, viewers):
    """`python -m sendboard.bench.locks`: each session of the burst appends its entry; the chain still holds."""
    from sendboard import audit
    from sendboard.bench import locks

    before = len(audit_rows(fixture_db))
    with_entries = locks.burst(fixture_db, viewers["teacher"], sessions=4, work=0.01, with_audit=True)
    without = locks.burst(fixture_db, viewers["teacher"], sessions=4, work=0.01, with_audit=False)
    assert len(audit_rows(fixture_db)) == before + 4  # four entries, none from the burst without them
    assert with_entries["entry_median_s"] > 0 and "entry_median_s" not in without
    assert audit.verify(fixture_db).broken_at is None


def audit_rows(db):
    return db.cursor().execute("SELECT audit_id FROM audit_log WHERE CAST(detail AS VARCHAR) LIKE '%locks%'").fetchall()
