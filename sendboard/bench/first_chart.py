"""Where the first chart page's browser time goes: ``python -m sendboard.bench.first_chart``.

The app is started afresh on the school bench database, a fresh browser context signs the head in (the
same way as ``sendboard bench --browser``), waits ``--think`` seconds on the home page, then clicks the
Overview link while Chromium records a trace (Chrome's own timeline events, through Playwright's
``browser.start_tracing``). From the trace, for the page's renderer main thread, between the click and
the page drawn:

- **plotly's script**, if it is loaded at all: fetched (request start to last byte), compiled
  (``v8.compile``/``v8.compileModule`` events naming its address) and evaluated (``v8.evaluateModule`` of its
  module graph). Charts are drawn on the server now (ui.chart) and plotly's script is loaded only when a person
  opens a chart's Interactive tab, so on the overview it is normally not loaded: the output says so, and
  counts the charts drawn on the server (SVG images, ``browser.DRAWN_CHART``) and in plotly;
- **time by kind**: each main-thread event's own time (its duration less the events inside it), summed by
  the event's name: script running (``FunctionCall``, ``RunMicrotasks``, ``v8.evaluateModule``...),
  compiling, style and layout, painting, garbage collection, and idle (no event);
- the CPU seconds of the Chromium processes (``/proc``), as the browser bench reads them.

It measures; it changes nothing. ``--app-root DIR`` starts another copy of sendboard (an earlier commit
unpacked there), so the same trace can be taken before and after a change.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

from .browser import _DRAWN, DRAWN_CHART, TIMEOUT_MS, _click_link, _sign_in, _title
from .server import CHROMIUM, CHROMIUM_ARGS, TODAY, cpu_split, running_app

CATEGORIES = ("devtools.timeline,v8,v8.execute,disabled-by-default-devtools.timeline,"
              "disabled-by-default-v8.compile,blink.user_timing,loading")

# Main-thread event names grouped into what a person would call them.
KINDS = {
    "compile": ("v8.compile", "v8.compileModule", "V8.CompileCode", "v8.produceCache", "v8.produceModuleCache",
                "v8.deserializeOnBackground", "v8.parseOnBackground", "CompileScript", "CompileCode"),
    "evaluate a module": ("v8.evaluateModule",),
    "script": ("FunctionCall", "RunMicrotasks", "EventDispatch", "TimerFire", "FireAnimationFrame", "v8.run",
               "EvaluateScript", "v8.callFunction", "V8.Execute", "FireIdleCallback", "RunTask"),
    "style and layout": ("UpdateLayoutTree", "Layout", "RecalculateStyles", "InvalidateLayout",
                         "ScheduleStyleRecalculation", "ParseAuthorStyleSheet", "UpdateLayerTree"),
    "paint": ("Paint", "PrePaint", "Layerize", "Commit", "PaintImage", "RasterTask", "CompositeLayers",
              "UpdateLayer", "Decode Image"),
    "garbage collection": ("MajorGC", "MinorGC", "V8.GCCompactor", "V8.GCScavenger", "BlinkGC.AtomicPhase",
                           "V8.GC_MC_BACKGROUND_MARKING", "V8.GCFinalizeMC", "V8.GCIncrementalMarking"),
    "network and parsing": ("ResourceReceivedData", "ResourceFinish", "ResourceSendRequest",
                            "ResourceReceiveResponse", "ParseHTML", "ResourceChangePriority"),
}
_KIND_OF = {name: kind for kind, names in KINDS.items() for name in names}


def _main_thread(events: list[dict]) -> tuple[int, int] | None:
    """(pid, tid) of the renderer's main thread that ran the most (the app's page)."""
    mains = {(e["pid"], e["tid"]) for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    busy = defaultdict(float)
    for e in events:
        if (e.get("pid"), e.get("tid")) in mains and e.get("ph") == "X":
            busy[(e["pid"], e["tid"])] += e.get("dur", 0)
    return max(busy, key=busy.get) if busy else None


def _complete_events(events: list[dict], thread) -> list[dict]:
    """The thread's events with a duration (X, and B/E pairs joined), sorted by start, in microseconds."""
    out, stack = [], defaultdict(list)
    for e in events:
        if (e.get("pid"), e.get("tid")) != thread:
            continue
        if e.get("ph") == "X" and "dur" in e:
            out.append({"name": e["name"], "ts": e["ts"], "dur": e["dur"], "args": e.get("args", {})})
        elif e.get("ph") == "B":
            stack[e["name"]].append(e)
        elif e.get("ph") == "E" and stack[e.get("name")]:
            b = stack[e["name"]].pop()
            out.append({"name": b["name"], "ts": b["ts"], "dur": e["ts"] - b["ts"], "args": b.get("args", {})})
    return sorted(out, key=lambda e: (e["ts"], -e["dur"]))


def self_times(complete: list[dict], start: float, end: float) -> dict[str, float]:
    """Each event's own time (its duration less its children's), summed by name, within [start, end]."""
    own: dict[str, float] = defaultdict(float)
    open_: list[dict] = []  # the events enclosing the current one
    for e in complete:
        if e["ts"] + e["dur"] < start or e["ts"] > end:
            continue
        while open_ and open_[-1]["ts"] + open_[-1]["dur"] <= e["ts"]:
            open_.pop()
        if open_:
            own[open_[-1]["name"]] -= e["dur"]
        own[e["name"]] += e["dur"]
        open_.append(e)
    return dict(own)


def _url(e: dict) -> str:
    data = e["args"].get("data") or {}
    return str(data.get("url") or e["args"].get("fileName") or e["args"].get("url") or "")


def analyse(trace: dict, click_ts: float | None = None) -> dict:
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    thread = _main_thread(events)
    complete = _complete_events(events, thread)
    marks = {e["name"]: e["ts"] for e in events if e.get("cat", "").startswith("blink.user_timing")
             and e["name"].startswith("sendboard-")}
    start = marks.get("sendboard-click", complete[0]["ts"] if complete else 0)
    end = max(e["ts"] + e["dur"] for e in complete) if complete else start
    own = self_times(complete, start, end)
    kinds: dict[str, float] = defaultdict(float)
    for name, us in own.items():
        kinds[_KIND_OF.get(name, "other")] += us
    wall = end - start
    kinds["idle (no event)"] = max(0.0, wall - sum(e["dur"] for e in _top_level(complete, start, end)))
    plotly = [e for e in complete if "PlotlyChart" in _url(e) and start <= e["ts"] <= end]
    compile_ms = sum(e["dur"] for e in plotly if "ompile" in e["name"]) / 1000
    evaluate = [e for e in complete if e["name"] == "v8.evaluateModule" and start <= e["ts"] <= end]
    first_svg = marks.get("sendboard-first-svg")
    requested = [e["ts"] for e in events if e.get("name") == "ResourceSendRequest"
                 and "PlotlyChart" in str(((e.get("args") or {}).get("data") or {}).get("url", "")) and e["ts"] >= start]
    # plotly's module, if it was loaded in the window: the longest module evaluation there (its top-level run,
    # with the parsing of every function it calls the first time), and what it spent parsing. Without plotly
    # the longest evaluation is some other module's, not to be reported as plotly's.
    plotly_loaded = bool(requested or plotly)
    longest = max(evaluate, key=lambda e: e["dur"], default=None) if plotly_loaded else None
    parse_ms = None
    if longest is not None:
        inside = self_times([c for c in complete if longest["ts"] <= c["ts"] <= longest["ts"] + longest["dur"]],
                            longest["ts"], longest["ts"] + longest["dur"])
        parse_ms = round(sum(v for k, v in inside.items() if "Parse" in k) / 1000, 1)
    return {
        "plotly_loaded": plotly_loaded,
        "plotly_requested_after_click_ms": round((min(requested) - start) / 1000, 1) if requested else None,
        "plotly_evaluated_from_ms": round((longest["ts"] - start) / 1000, 1) if longest else None,
        "plotly_evaluation_ms": round(longest["dur"] / 1000, 1) if longest else None,
        "of_which_parsing_ms": parse_ms,
        "window_ms": round(wall / 1000, 1),
        "main_thread_ms_by_kind": {k: round(v / 1000, 1) for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])},
        "top_events_own_ms": {k: round(v / 1000, 1) for k, v in sorted(own.items(), key=lambda kv: -kv[1])[:15]},
        "plotly_compile_ms_on_main": round(compile_ms, 1),
        "evaluate_module_ms": [round(e["dur"] / 1000, 1) for e in evaluate],
        "first_svg_after_click_ms": round((first_svg - start) / 1000, 1) if first_svg else None,
    }


def _top_level(complete, start, end):
    out, last_end = [], -1.0
    for e in complete:
        if e["ts"] + e["dur"] < start or e["ts"] > end:
            continue
        if e["ts"] >= last_end:
            out.append(e)
            last_end = e["ts"] + e["dur"]
    return out


# Marks the first chart's SVG in the trace (a user-timing mark), so the split before/after it is known: a
# chart drawn on the server, or a plotly chart's.
_WATCH_SVG = """() => { performance.mark('sendboard-click');
  const seen = () => [...document.querySelectorAll('[data-testid="stMain"] DRAWN_CHART')].some(i => i.complete && i.naturalWidth > 0)
    || document.querySelector('[data-testid="stMain"] .main-svg');
  const poll = () => { if (seen()) performance.mark('sendboard-first-svg'); else requestAnimationFrame(poll); };
  poll(); }""".replace("DRAWN_CHART", DRAWN_CHART)


def one(db_path: Path, think_s: float, app_root: Path | None, folder: Path, trace: bool = True) -> dict:
    from playwright.sync_api import sync_playwright

    where = {"root": Path(app_root).resolve()} if app_root else {}
    with running_app(Path(db_path).resolve(), TODAY, **where) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context, page, _meter, signed = _sign_in(browser, url, "head")
            fetched: dict = {}

            def finished(request):
                if "PlotlyChart" in request.url or "DataFrame" in request.url:
                    t = request.timing
                    fetched[request.url.rsplit("/", 1)[-1]] = {
                        "started_s": round(time.perf_counter() - clicked[0], 3) if clicked else None,
                        "fetch_ms": round(t["responseEnd"] - t["requestStart"], 1) if t["responseEnd"] > 0 else None}

            clicked: list[float] = []
            page.on("requestfinished", finished)
            if think_s:
                page.wait_for_timeout(think_s * 1000)
            preloaded = page.evaluate("() => window.__sendboardChartCode || null")
            if trace:
                browser.start_tracing(page=page, categories=CATEGORIES.split(","))
            cpu_before = cpu_split()
            page.evaluate(_WATCH_SVG)
            clicked.append(time.perf_counter())
            _click_link(page, "overview")()
            page.wait_for_function(_DRAWN, arg=[_title("overview"), None], timeout=TIMEOUT_MS, polling="raf")
            ms = (time.perf_counter() - clicked[0]) * 1000
            cpu_after = cpu_split()
            drawn = page.evaluate(_CHARTS)
            if trace:
                trace = json.loads(browser.stop_tracing())
                (folder / f"overview-first-{int(time.time())}.json").write_text(json.dumps(trace))
            context.close()
        finally:
            browser.close()
    out = analyse(trace) if trace else {}
    out.update({"ms": round(ms, 1), "sign_in_ms": signed["ms"], "preloader_at_click": preloaded,
                "cpu_browser_s": round(cpu_after["browser"] - cpu_before["browser"], 3),
                "cpu_app_s": round(cpu_after["app"] - cpu_before["app"], 3), "chunks_fetched": fetched,
                "plotly_fetched": any(name.startswith("PlotlyChart.") for name in fetched), **drawn})
    return out


# The overview's charts once drawn: drawn on the server (SVG), and in plotly (an open Interactive tab).
_CHARTS = """() => ({server_charts: document.querySelectorAll('[data-testid="stMain"] DRAWN_CHART').length,
  plotly_charts: document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]').length})""".replace(
    "DRAWN_CHART", DRAWN_CHART)


def plotly_line(runs: list[dict]) -> str:
    """One line on plotly's script over the runs: how many fetched it, or that none did and why."""
    fetched = sum(bool(r.get("plotly_fetched")) for r in runs)
    charts = sorted({r.get("server_charts", 0) for r in runs})
    drawn = (f"the overview's {'/'.join(map(str, charts))} charts are drawn on the server" if 0 not in charts
             else f"and NO chart drawn on the server reached the page in {sum(not r.get('server_charts') for r in runs)} runs")
    if not fetched:
        return (f"plotly's script: not fetched in any of {len(runs)} runs ({drawn}; plotly is loaded only when a "
                "chart's Interactive tab is opened)")
    return f"plotly's script: fetched in {fetched} of {len(runs)} runs; {drawn}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--think", type=float, default=0.0, help="seconds on the home page before the click")
    parser.add_argument("--app-root", type=Path, default=None)
    parser.add_argument("--scale", default="school")
    parser.add_argument("--no-trace", action="store_true", help="time and CPU only (a trace costs the browser too)")
    parser.add_argument("--out", type=Path, default=Path("test-artifacts/first_chart"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    db_path = Path("data/bench") / f"{args.scale}.duckdb"  # built by `sendboard bench` (not rebuilt here)
    if not db_path.exists():
        raise SystemExit(f"{db_path} is missing: run `sendboard bench --browser --scales {args.scale}` once first")
    runs = [one(db_path, args.think, args.app_root, args.out, not args.no_trace) for _ in range(args.runs)]
    for r in runs:
        print(json.dumps(r))
    keys = ("ms", "cpu_browser_s", "cpu_app_s", "sign_in_ms", "server_charts", "plotly_charts")
    if not args.no_trace:
        keys += ("first_svg_after_click_ms", "plotly_requested_after_click_ms", "plotly_evaluated_from_ms",
                 "plotly_evaluation_ms", "of_which_parsing_ms")
    # a figure no run has (plotly's, when no run loaded it) is left out, not given as nan
    print("medians:", {k: statistics.median(r[k] for r in runs if r.get(k) is not None) for k in keys
                       if any(r.get(k) is not None for r in runs)})
    print(plotly_line(runs))
    if args.no_trace:
        return
    kinds = {k for r in runs for k in r["main_thread_ms_by_kind"]}
    print("main thread, median ms by kind:",
          {k: statistics.median(r["main_thread_ms_by_kind"].get(k, 0) for r in runs) for k in sorted(kinds)})


if __name__ == "__main__":
    main()
