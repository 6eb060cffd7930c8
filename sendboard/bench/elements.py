"""What a chart's pieces cost the browser: ``python -m sendboard.bench.elements [--runs 5]``.

A small Streamlit app (no database, no sign-in), started as the browser bench starts the real app, draws
five plotly charts, one variant at a time, in one browser session (as a person moving
between pages): a blank page first, then the variant; the browser's CPU is read from the click to the
page drawn and one second on (what it finishes after drawing counts too). Variants:

- ``charts``: five plotly charts alone;
- ``charts+tables``: each with a Chart and a Table tab, the table a data grid (st.dataframe) and two
  download buttons, as ``ui.chart`` draws them (the grid is mounted in its hidden tab);
- ``charts+lazy``: the same, the Table tab drawn only when opened (``st.tabs(key=, on_change="rerun")``);
- ``charts+html-table``: the Table tab holds st.table (an HTML table) instead of the grid;
- ``tables``: the tabs, grids and buttons without the charts.

Then the first chart page of a fresh browser, with and without ``sendboard.chart_preload`` on the page
before (the blank page, left for ``--think`` seconds first, as a person reads it): browser CPU from the
click to the charts drawn, and one second on. Medians over ``--runs``.

It measured what plotly charts cost when sendboard drew its charts in plotly; they are now drawn on the
server as SVG images (``sendboard.svgchart``) and plotly only in a chart's opened Interactive tab, where these
costs still apply. The preloader now loads the data grid's code only, so "with" preloads the grid alone.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from .server import CHROMIUM, CHROMIUM_ARGS, TODAY, cpu_split, running_app

VARIANTS = ("charts", "charts+tables", "charts+lazy", "charts+html-table", "tables")

APP = '''
import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

from sendboard.chart_preload import preload_chart_code

variant = st.sidebar.radio("variant", ["blank", *VARIANTS], key="variant")
st.title("Elements")
if variant == "blank":
    if st.query_params.get("preload") == "1":
        preload_chart_code()
    st.stop()
for i in range(5):
    frame = pd.DataFrame({"group": [f"Group {j}" for j in range(12)], "pupils": np.arange(12) * (i + 1),
                          "share": np.arange(12) / 7})
    if variant == "charts":
        st.plotly_chart(px.bar(frame, x="group", y="pupils"), key=f"chart-{i}")
        continue
    lazy = variant == "charts+lazy"
    chart_tab, table_tab = st.tabs(["Chart", "Table"], key=f"tabs-{i}", on_change="rerun") if lazy else st.tabs(["Chart", "Table"])
    with chart_tab:
        if variant != "tables":
            st.plotly_chart(px.bar(frame, x="group", y="pupils"), key=f"chart-{i}")
    with table_tab:
        if variant == "charts+html-table":
            st.table(frame)
        elif not lazy or table_tab.open:
            st.dataframe(frame, hide_index=True)
        row = st.container(horizontal=True)
        row.download_button("Download CSV", "x", "x.csv", key=f"csv-{i}", on_click="ignore")
        row.download_button("Download Excel", "x", "x.xlsx", key=f"xlsx-{i}", on_click="ignore")
'''.replace("VARIANTS", repr(list(VARIANTS)))

_DRAWN = """(variant) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testScriptState !== 'notRunning' || document.querySelector('[data-stale="true"]')) return false;
  const picked = document.querySelector('[data-testid="stSidebar"] input[type="radio"]:checked');
  if (!picked || picked.closest('label').innerText.trim() !== variant) return false;
  const charts = document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]');
  const want = variant === 'blank' || variant === 'tables' ? 0 : 5;
  return charts.length === want && [...charts].every(c => c.querySelector('.main-svg'));
}"""


def _pick(page, variant: str) -> dict:
    before = cpu_split()["browser"]
    started = time.perf_counter()
    page.locator('[data-testid="stSidebar"]').get_by_text(variant, exact=True).click()
    page.wait_for_function(_DRAWN, arg=variant, timeout=120_000, polling="raf")
    drawn = cpu_split()["browser"]
    seconds = time.perf_counter() - started
    page.wait_for_timeout(1000)  # what the browser finishes after drawing is its cost too
    return {"ms": round(seconds * 1000), "cpu_drawn_s": round(drawn - before, 3),
            "cpu_s": round(cpu_split()["browser"] - before, 3)}


def measure(runs: int, think: float) -> dict:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="sendboard-elements-"))
    (folder / "elements_app.py").write_text(APP)
    out: dict = {"load_average_at_start": [round(x, 2) for x in os.getloadavg()], "runs": runs, "think_s": think,
                 "variants": {v: [] for v in VARIANTS}, "first_chart_page": {"without": [], "with": []}}
    with running_app(folder / "none.duckdb", TODAY, script=folder / "elements_app.py") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                for preload in ("without", "with"):  # a fresh browser context: no code loaded yet
                    context = browser.new_context(viewport={"width": 1366, "height": 900})
                    page = context.new_page()
                    page.goto(f"{url}/?preload={1 if preload == 'with' else 0}")
                    page.wait_for_function(_DRAWN, arg="blank", timeout=120_000)
                    page.wait_for_timeout(think * 1000)  # a person reading the page before
                    out["first_chart_page"][preload].append(_pick(page, "charts"))
                    context.close()
                context = browser.new_context(viewport={"width": 1366, "height": 900})
                page = context.new_page()
                page.goto(url)
                page.wait_for_function(_DRAWN, arg="blank", timeout=120_000)
                _pick(page, "charts+tables")  # every chunk loaded once, unmeasured
                for variant in VARIANTS:
                    _pick(page, "blank")
                    out["variants"][variant].append(_pick(page, variant))
                context.close()
        finally:
            browser.close()
    out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    med = lambda rows, k: statistics.median(r[k] for r in rows)  # noqa: E731
    out["median"] = {
        "variants": {v: {k: med(rows, k) for k in ("ms", "cpu_drawn_s", "cpu_s")} for v, rows in out["variants"].items()},
        "first_chart_page": {w: {k: med(rows, k) for k in ("ms", "cpu_drawn_s", "cpu_s")}
                             for w, rows in out["first_chart_page"].items()}}
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--think", type=float, default=3.0, help="seconds on the page before the first chart page")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    result = measure(args.runs, args.think)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1))
    m = result["median"]
    print(f"load average {result['load_average_at_start']} -> {result['load_average_at_end']}; median of {args.runs}")
    print("five charts, browser CPU s (to drawn / +1 s), ms:")
    for v, r in m["variants"].items():
        print(f"  {v:<20}{r['cpu_drawn_s']:6.2f} /{r['cpu_s']:5.2f}  {r['ms']:6.0f}")
    print(f"first chart page of a fresh browser, after {args.think:g} s on a page without charts:")
    for w, r in m["first_chart_page"].items():
        print(f"  {w + ' preloading':<20}{r['cpu_drawn_s']:6.2f} /{r['cpu_s']:5.2f}  {r['ms']:6.0f}")


if __name__ == "__main__":
    main()
