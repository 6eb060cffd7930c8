"""Load the browser's charting code while a person reads a page without charts.

The first page with a chart in a browser session costs its browser about 1.5-2 CPU-seconds more than any
later chart page: Streamlit loads plotly's code (one 4.7 MB script, PlotlyChart.<hash>.js) only when the
first chart arrives, and the browser then fetches, compiles and runs it before it can draw. A person
spends seconds reading the page they are on (the home page, after signing in) while the browser does
nothing; this moves the loading into that time. It is the same script Streamlit would load (the same
address, so the browser's module map hands Streamlit the module already run): nothing is drawn and no data
is sent, so nothing about the page changes.

What it does not do: the work is moved, not removed (the browser still spends it, while idle), and a
person who opens a chart page straight away, or whose first page has charts, still waits for it.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

# Runs in the app's own page (a components v2 element is not in a frame). Once per browser page: after
# Streamlit has finished drawing (its script state on the app's root is "notRunning") and the browser has
# been idle, import plotly's chunk from the address Streamlit's own script would use (resolved against
# that script's address, so a base URL path still works). An error (an offline browser, an upgraded
# Streamlit whose chunk has gone) costs nothing: Streamlit loads the chart code itself as before.
_JS = """
export default function (component) {
  const chunk = component.data;
  if (!chunk || window.__sendboardChartCode) return;
  const own = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (!own) return;
  window.__sendboardChartCode = 'waiting';
  const idle = (fn) => (window.requestIdleCallback ? window.requestIdleCallback(fn, {timeout: 10000}) : setTimeout(fn, 1000));
  const load = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (app && app.dataset.testScriptState !== 'notRunning') { setTimeout(() => idle(load), 500); return; }
    window.__sendboardChartCode = 'loading';
    import(new URL(chunk, own.src).href)
      .then(() => { window.__sendboardChartCode = 'loaded'; })
      .catch(() => { window.__sendboardChartCode = 'failed'; });
  };
  setTimeout(() => idle(load), 300);
}
"""

_component = st.components.v2.component("sendboard_chart_preload", js=_JS)


@cache
def plotly_chunk_name() -> str | None:
    """The file name of the installed Streamlit's plotly chunk, or None if it cannot be found (one file is
    expected; with none or several, loading the wrong one would cost the browser for nothing)."""
    folder = Path(st.__file__).resolve().parent / "static" / "static" / "js"
    found = sorted(p.name for p in folder.glob("PlotlyChart.*.js"))
    return found[0] if len(found) == 1 else None


def preload_chart_code() -> None:
    """Mount the preloader (an empty element, no height) in the current container; it acts once per
    browser page."""
    chunk = plotly_chunk_name()
    if chunk is not None:
        _component(data=chunk, key="sendboard_chart_preload", height="content")
