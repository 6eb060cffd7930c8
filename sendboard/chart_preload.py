"""Load the browser's data grid code while a person reads the home page, or while the server works out a
page that opens on charts and tables.

Charts are drawn on the server as SVG (ui.chart), so no page opens on a plotly chart any more: plotly's 4.7 MB
script (PlotlyChart.<hash>.js) is loaded only when someone opens a chart's Interactive tab. Loading it ahead in
every session would cost every browser 1-2 CPU-seconds for a chart most people never open, so it is not
loaded here. What a chart page still needs at once is the data grid (DataFrame.<hash>.js, 0.5 MB), which
Streamlit loads only when the first table arrives: every chart's Table tab holds one, drawn (hidden) when the
page opens, and the browser fetches, compiles and runs that script before it can finish the page.

On the home page, the page a person lands on and reads after signing in, it waits for reading time: it
starts at least a second after it is mounted, once the page is drawn and the browser idle, and gives up if the
page is left before it began (mounted on every page, it began on whichever page was open a second after
the home page, and a person clicking on at once paid for it there). On a page that opens on a chart
(CHART_PAGES) it does not wait: it is in the sidebar, which reaches the browser at the start of the page's
run, so the grid's code is fetched and run while the server is still working out the page, rather than
after the first table has arrived.

It imports the same script Streamlit would (the same address, so the browser's module map hands Streamlit the
module already run): nothing is drawn and no data is sent, so nothing about the page changes. The work is
moved, not removed: the browser still spends it, while idle or while the server works.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

# Runs in the app's own page (a components v2 element is not in a frame). Once per browser page: with "now"
# (a chart page) at once, one chunk after the other; otherwise at least `delay` ms after the preloader is
# mounted, once Streamlit has finished drawing (its script state on the app's root is "notRunning") and the
# browser is idle, each chunk when idle again. Each is imported from the address Streamlit's own script
# would use (resolved against that script's address, so a base URL path still works). An error (an offline
# browser, an upgraded Streamlit whose chunk has gone) costs nothing: Streamlit loads the code itself.
_JS = """
export default function (component) {
  const {chunks, now, delay} = component.data || {};
  if (!chunks || !chunks.length) return;
  const state = window.__sendboardChartCode;
  if (state === 'loading' || state === 'loaded' || (state === 'waiting' && !now)) return;
  const own = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (!own) return;
  const idle = (fn) => (window.requestIdleCallback ? window.requestIdleCallback(fn, {timeout: 10000}) : setTimeout(fn, 1000));
  const importAll = (between) => {
    window.__sendboardChartCode = 'loading';
    chunks.reduce((done, chunk) => done.then(between).then(() => import(new URL(chunk, own.src).href)), Promise.resolve())
      .then(() => { window.__sendboardChartCode = 'loaded'; })
      .catch(() => { window.__sendboardChartCode = 'failed'; });
  };
  if (now) { importAll(() => undefined); return; }  // a chart page: at once, while the server works
  window.__sendboardChartCode = 'waiting';
  let timer = null, idleHandle = null;  // what is pending while waiting, to cancel
  const load = () => {
    idleHandle = null;
    if (window.__sendboardChartCode !== 'waiting') return;  // a chart page started it meanwhile
    const app = document.querySelector('[data-testid="stApp"]');
    if (app && app.dataset.testScriptState !== 'notRunning') { timer = setTimeout(() => { idleHandle = idle(load); }, 500); return; }
    // one after the other, each when the browser is idle again: never two long compiles back to back
    importAll(() => new Promise((ok) => idle(ok)));
  };
  timer = setTimeout(() => { idleHandle = idle(load); }, delay);  // the page's own last drawing first
  // The home page was left before the loading began: give up, so that the page the person went to is not
  // slowed by it, and let the next home page start again. Once begun, the loading runs to its end.
  return () => {
    if (window.__sendboardChartCode !== 'waiting') return;
    clearTimeout(timer);
    if (idleHandle !== null) (window.cancelIdleCallback || clearTimeout)(idleHandle);
    window.__sendboardChartCode = 'cancelled';
  };
}
"""

_component = st.components.v2.component("sendboard_chart_preload", js=_JS)


# Streamlit's chunk for st.dataframe (the grid of every table and of every chart's Table tab). Not plotly's
# (PlotlyChart): only a chart's Interactive tab draws a plotly chart, and only for whoever opens it.
CHUNK_STEMS = ("DataFrame",)

# Pages that draw a chart when they open, and with it (hidden, in its Table tab) a grid (a chart inside a
# closed expander does not count: the trust schools page and the class profile draw theirs only when asked).
# On these the grid's code is loaded as soon as the preloader arrives, at the start of the page's run.
# tests/test_speed_charts_preload.py checks the list against the pages' code.
CHART_PAGES = frozenset({"overview", "outcomes", "identification", "impact", "expertise",
                         "self_evaluation", "graduated_approach", "provision_map", "ehc_plans"})
# On the home page, how long after the preloader is mounted it starts (then waits for the page to be
# drawn and the browser idle): the page's own last drawing first.
READING_DELAY_MS = 1000


@cache
def chunk_names() -> tuple[str, ...]:
    """The file names of the installed Streamlit's chunks named in CHUNK_STEMS. A stem with none or
    several files is left out (loading the wrong one would cost the browser for nothing)."""
    folder = Path(st.__file__).resolve().parent / "static" / "static" / "js"
    names = []
    for stem in CHUNK_STEMS:
        found = sorted(p.name for p in folder.glob(f"{stem}.*.js"))
        if len(found) == 1:
            names.append(found[0])
    return tuple(names)


def opens_on_a_chart(page_key: str | None) -> bool:
    """Whether this page draws a chart (and so a table) as it opens (CHART_PAGES). The provision map counts
    for everyone: it opens on its map for those who see the whole school and on a table of their own pupils
    for a teacher, a grid either way."""
    return page_key in CHART_PAGES


def preload_chart_code(now: bool = False) -> None:
    """Mount the preloader (an empty element, no height) in the current container. With `now` (a page that
    opens on a chart) it loads the grid's code at once, while the server works out the page; otherwise (the
    home page) once the page is drawn and the person reads it. It acts once per browser page, and again on a
    later mount if the page it was mounted on was left before it began."""
    chunks = chunk_names()
    if chunks:
        _component(data={"chunks": list(chunks), "now": now, "delay": READING_DELAY_MS},
                     key="sendboard_chart_preload_now" if now else "sendboard_chart_preload", height="content")
