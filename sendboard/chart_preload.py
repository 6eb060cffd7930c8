"""Load the browser's charting (and data grid) code while a person reads a page without charts.

The first page with a chart in a browser session costs its browser about 1.5-2 CPU-seconds more than any
later chart page: Streamlit loads plotly's code (one 4.7 MB script, PlotlyChart.<hash>.js) only when the
first chart arrives, and the browser then fetches, compiles and runs it before it can draw. The data grid
(DataFrame.<hash>.js, 0.5 MB) is loaded the same way by the first table. A person spends seconds reading
the page they are on (the home page, after signing in) while the browser does nothing; this moves the
loading into that time. They are the same scripts Streamlit would load (the same addresses, so the
browser's module map hands Streamlit the modules already run): nothing is drawn and no data is sent, so
nothing about the page changes.

Waiting for reading time, it is mounted on the home page only, the page a person lands on and reads after
signing in, and it gives up if that page is left before the loading has begun. Mounted on every page, it began
on whichever page was open a second after the home page, and a person clicking on at once (or the browser
bench, which clicks as soon as a page is drawn) paid for it there: a governor's glossary revisit took 1.4 s and
1.7 browser CPU-seconds, all of it plotly's code, for a role whose first chart might be pages away.

On a page that draws charts when it opens (CHART_PAGES) the preloader does not wait: it starts loading as soon
as it arrives, in the sidebar, at the start of the page's run, so the browser fetches and parses plotly's code
while the server is still working out the page, rather than after the first chart has arrived.

What it does not do: the work is moved, not removed (the browser still spends it, while idle or while the
server works), and a person who opens a chart page straight away still waits for most of it: parsing and
running plotly's code takes the browser most of a second, and the charts cannot be drawn before.
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


# Streamlit's chunks for a plotly chart and for st.dataframe, in the order they are loaded.
CHUNK_STEMS = ("PlotlyChart", "DataFrame")

# Pages that draw a chart when they open (a chart inside a closed expander or another tab does not count:
# the trust schools page and the class profile draw theirs only when asked). On these the code is loaded
# as soon as the preloader arrives, at the start of the page's run: the browser parses plotly's code while
# the server is still working out the page, instead of after the first chart has arrived. tests/
# test_speed_charts_preload.py checks the list against the pages' code.
CHART_PAGES = frozenset({"overview", "outcomes", "identification", "impact", "expertise",
                         "self_evaluation", "graduated_approach", "provision_map", "ehc_plans"})
# Of those, the pages that open on a chart only for someone who sees the whole school: the provision map opens
# on its map for them, and on the list of their own pupils for a teacher (whose first chart may be pages away,
# so loading the code there only slowed the page they went to next: a teacher's glossary revisit 0.86 s).
WHOLE_SCHOOL_CHART_PAGES = frozenset({"provision_map"})
# On any other page, how long after the preloader is mounted it starts (then waits for the page to be
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


def opens_on_a_chart(page_key: str | None, sees_whole_school: bool) -> bool:
    """Whether this page draws a chart as it opens, for this person (CHART_PAGES)."""
    return page_key in CHART_PAGES and (sees_whole_school or page_key not in WHOLE_SCHOOL_CHART_PAGES)


def preload_chart_code(now: bool = False) -> None:
    """Mount the preloader (an empty element, no height) in the current container. With `now` (a page that
    opens on a chart) it loads the code at once, while the server works out the page; otherwise (the home
    page) once the page is drawn and the person reads it. It acts once per browser page, and again on a
    later mount if the page it was mounted on was left before it began."""
    chunks = chunk_names()
    if chunks:
        _component(data={"chunks": list(chunks), "now": now, "delay": READING_DELAY_MS},
                     key="sendboard_chart_preload_now" if now else "sendboard_chart_preload", height="content")
