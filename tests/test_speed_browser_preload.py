"""The browser loads plotly's code while a person reads a page without charts (sendboard/chart_preload.py).

- the preloader names the very chunk Streamlit's own script imports for a plotly chart (an upgraded
  Streamlit with another chunk fails here, not silently in every browser);
- in a real browser, signed in on the home page (no chart), the chunk is fetched and run once the page is
  drawn; the first chart page then draws its charts without fetching it again; the preloader takes no room.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit

from sendboard import chart_preload
from tests.browser import browser, running_app, sign_in, wait_idle
from tests.fixture_school import PASSWORD

STATIC_JS = Path(streamlit.__file__).resolve().parent / "static" / "static" / "js"


def test_the_preloaded_chunk_is_the_one_streamlit_imports_for_a_plotly_chart():
    name = chart_preload.plotly_chunk_name()
    assert name is not None and name.startswith("PlotlyChart.")
    imported = set()
    for index in STATIC_JS.glob("index.*.js"):
        imported |= set(re.findall(r"import\(`\./(PlotlyChart\.[\w-]+\.js)`\)", index.read_text(errors="replace")))
    assert imported == {name}


@pytest.mark.browser
def test_home_page_loads_the_chart_code_and_the_first_chart_page_does_not_fetch_it_again(fixture_path, artifacts):
    chunk = chart_preload.plotly_chunk_name()
    with running_app(fixture_path, "2026-01-20") as url, browser() as b:
        page = b.new_page(viewport={"width": 1366, "height": 768})
        fetched: list[str] = []
        page.on("request", lambda r: fetched.append(r.url) if chunk in r.url else None)
        sign_in(page, url, "head", PASSWORD)
        wait_idle(page)
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 0  # home draws no chart itself
        page.wait_for_function("() => ['loaded', 'failed'].includes(window.__sendboardChartCode)")
        assert page.evaluate("() => window.__sendboardChartCode") == "loaded"
        assert len(fetched) == 1, fetched
        # the preloader is an empty element: nothing a person sees, no room taken
        boxes = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stSidebar"] [data-testid^="stBidiComponent"]')]
            .map(e => e.closest('[data-testid="stElementContainer"]').getBoundingClientRect().height)""")
        assert len(boxes) == 1 and boxes[0] < 1, boxes
        page.screenshot(path=str(artifacts / "speed_preload_home_1366.png"))

        page.locator('[data-testid="stSidebarNav"] a[href$="/overview"]').click()
        page.get_by_role("heading", name="Overview").first.wait_for()
        wait_idle(page)
        page.wait_for_function("""() => { const c = document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]');
            return c.length > 0 && [...c].some(e => e.querySelector('.main-svg')); }""")
        assert len(fetched) == 1, f"the chart page fetched plotly's code again: {fetched}"
