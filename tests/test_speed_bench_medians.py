"""`sendboard bench --browser` and `--meeting` report medians over runs: checked here on made-up runs with
the medians worked out by hand, and one warm-profile run of the browser bench on the fixture school."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sendboard.bench import browser, meeting


def _visit(ms, app=0.1, browser_cpu=0.5, server_charts=4):
    return {"ms": ms, "cpu_app_s": app, "cpu_browser_s": browser_cpu, "ws_kb": 10, "exception": False,
            "elements": 20, "server_charts": server_charts, "server_chart_kb": 20 * server_charts, "charts": 1,
            "tables": 1, "svg_nodes": 100, "dom_nodes": 900}


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


def test_charts_drawn_on_the_server_are_counted_apart_from_plotly_charts():
    runs = [_run(900), _run(1000), _run(1100)]
    for run, drawn in zip(runs, (4, 2, 3)):  # the overview's server charts in each run: median 3
        run["pages"][0]["first"].update(server_charts=drawn, server_chart_kb=20 * drawn, charts=0)
    overview = next(p for p in browser.summarise(runs)["pages"] if p["page"] == "overview")
    assert overview["first"]["server_charts"] == 3 and overview["first"]["server_chart_kb"] == 60
    assert overview["first"]["charts"] == 0
    assert browser._charts_cell(overview["first"]) == "3"
    assert browser._charts_cell({"server_charts": 3, "charts": 1}) == "3+1p"  # one Interactive tab open


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


def _trace(with_plotly: bool) -> list[dict]:
    """A made-up Chromium trace of the first chart page: the renderer's main thread, the click mark at 0, a
    grid module evaluated for 40 ms at 100 ms and, with plotly, plotly's chunk asked for at 10 ms, compiled for
    200 ms at 20 ms and evaluated for 300 ms at 250 ms (times in microseconds)."""
    main = {"pid": 1, "tid": 2}
    events = [{**main, "ph": "M", "name": "thread_name", "args": {"name": "CrRendererMain"}},
              {**main, "ph": "R", "cat": "blink.user_timing", "name": "sendboard-click", "ts": 0},
              {**main, "ph": "X", "name": "v8.evaluateModule", "ts": 100_000, "dur": 40_000, "args": {}}]
    if with_plotly:
        url = {"data": {"url": "http://x/static/js/PlotlyChart.abc.js"}}
        events += [{**main, "ph": "X", "name": "ResourceSendRequest", "ts": 10_000, "dur": 1, "args": url},
                   {**main, "ph": "X", "name": "v8.compileModule", "ts": 20_000, "dur": 200_000,
                    "args": {"fileName": "http://x/static/js/PlotlyChart.abc.js"}},
                   {**main, "ph": "X", "name": "v8.evaluateModule", "ts": 250_000, "dur": 300_000, "args": {}}]
    return events


def test_first_chart_says_plotly_was_not_loaded_rather_than_naming_another_module_plotly():
    from sendboard.bench import first_chart

    none = first_chart.analyse(_trace(False))
    assert none["plotly_loaded"] is False
    assert none["plotly_evaluation_ms"] is None and none["plotly_requested_after_click_ms"] is None  # not the grid's 40
    loaded = first_chart.analyse(_trace(True))
    assert loaded["plotly_loaded"] is True
    assert loaded["plotly_requested_after_click_ms"] == 10.0 and loaded["plotly_evaluation_ms"] == 300.0
    assert loaded["plotly_compile_ms_on_main"] == 200.0
    runs = [{"plotly_fetched": False, "server_charts": 4}] * 3
    assert first_chart.plotly_line(runs).startswith("plotly's script: not fetched in any of 3 runs (the overview's 4 charts")
    assert first_chart.plotly_line([{"plotly_fetched": True, "server_charts": 4}, *runs[:2]]).startswith(
        "plotly's script: fetched in 1 of 3 runs")
    assert "NO chart drawn on the server reached the page in 1 runs" in first_chart.plotly_line(
        [{"plotly_fetched": False, "server_charts": 0}, *runs[:2]])  # an empty page is not a fast chart page


def test_the_meeting_starts_the_copy_in_app_root(tmp_path, monkeypatch):
    """`sendboard bench --meeting N --app-root DIR` meets on the copy in DIR (a before-and-after comparison),
    not on this one: the option was once read by --browser only, and both sides of a comparison ran this copy."""
    import argparse

    from sendboard.bench import command, meeting

    seen = {}
    monkeypatch.setattr(meeting, "run_meetings", lambda *a, **k: seen.update(k, db=a[0]) or {"passes": True})
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    copy = tmp_path / "before"
    copy.mkdir()
    args = parser.parse_args(["--meeting", "2", "--runs", "1", "--browser-db", str(tmp_path / "x.duckdb"),
                              "--app-root", str(copy), "--out", str(tmp_path / "m.json")])
    monkeypatch.chdir(tmp_path)
    args.browser_db = args.browser_db.relative_to(tmp_path)  # a database named relative to this copy's folder
    assert command.run(args) == 0
    assert seen["root"] == copy.resolve()
    assert seen["db"] == (tmp_path / "x.duckdb").resolve()  # absolute: the copy starts in its own folder
