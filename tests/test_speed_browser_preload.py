"""The browser loads the data grid's code while a person reads the home page (sendboard/chart_preload.py),
and not plotly's: charts are drawn on the server, plotly only in a chart's opened Interactive tab.

- the preloader names the very chunk Streamlit's own script imports for a data grid (an upgraded Streamlit
  with another chunk fails here, not silently in every browser), and not plotly's;
- in a real browser, signed in on the home page (no chart, no table), the grid's chunk is fetched and run once
  the page is drawn; the overview then draws its charts and tables without fetching it again, and plotly's
  code is fetched on neither page, until a chart's Interactive tab is opened; the preloader takes no room;
- it is on the home page only: a page left at once gives up the loading (the page gone to is not slowed by it) and
  a later home page starts it again;
- in the same browser, the provision map draws only its open tab, and a click on another tab draws that one.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit

from sendboard import chart_preload
from sendboard.bench.browser import DRAWN_CHART
from tests.browser import browser, running_app, sign_in, wait_idle
from tests.fixture_school import PASSWORD

STATIC_JS = Path(streamlit.__file__).resolve().parent / "static" / "static" / "js"


def test_the_preloaded_chunk_is_the_one_streamlit_imports_for_a_table_and_plotly_is_not_preloaded():
    names = chart_preload.chunk_names()
    assert [n.split(".")[0] for n in names] == ["DataFrame"]
    source = "".join(index.read_text(errors="replace") for index in STATIC_JS.glob("index.*.js"))
    for name in names:  # Streamlit's own lazy import of each, by the same relative address
        assert f"import(`./{name}`)" in source, name
    plotly = [p.name for p in STATIC_JS.glob("PlotlyChart.*.js")]
    assert len(plotly) == 1 and f"import(`./{plotly[0]}`)" in source  # it exists; it is just not preloaded


@pytest.mark.browser
def test_home_page_loads_the_grid_code_and_the_first_chart_page_does_not_fetch_it_again_nor_plotly(
        fixture_path, artifacts):
    (grid,) = chart_preload.chunk_names()
    with running_app(fixture_path, "2026-01-20") as url, browser() as b:
        page = b.new_page(viewport={"width": 1366, "height": 768})
        fetched: list[str] = []  # the grid's script and plotly's, as asked for (their style sheets come apart)
        page.on("request", lambda r: fetched.append(name) if (name := r.url.split("?", 1)[0].rsplit("/", 1)[-1])
                .startswith(("DataFrame.", "PlotlyChart.")) and name.endswith(".js") else None)
        sign_in(page, url, "head", PASSWORD)
        wait_idle(page)
        preloader = page.locator('[data-testid="stSidebar"] [data-testid^="stBidiComponent"]')
        assert preloader.count() == 1
        # left at once: on another page there is no preloader, and one that had not begun gives up
        page.locator('[data-testid="stSidebarNav"] a[href$="/glossary"]').click()
        page.get_by_role("heading", name="Glossary").first.wait_for()
        wait_idle(page)
        assert preloader.count() == 0
        left = page.evaluate("() => window.__sendboardChartCode")
        assert left in ("cancelled", "loading", "loaded"), left  # not still waiting, with its page gone
        if left == "cancelled":
            assert fetched == [], fetched
        page.locator('[data-testid="stSidebarNav"] a').first.click()  # Home, the default page
        page.get_by_role("heading", name="Welcome", exact=False).first.wait_for()
        wait_idle(page)
        main = page.locator('[data-testid="stMain"]')
        assert main.locator(f'{DRAWN_CHART}, [data-testid="stPlotlyChart"], [data-testid="stDataFrame"]').count() == 0
        page.wait_for_function("() => ['loaded', 'failed'].includes(window.__sendboardChartCode)")
        assert page.evaluate("() => window.__sendboardChartCode") == "loaded"
        assert fetched == [grid], fetched  # the grid's code, once; not plotly's
        # the preloader is an empty element: nothing a person sees, no room taken
        boxes = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stSidebar"] [data-testid^="stBidiComponent"]')]
            .map(e => e.closest('[data-testid="stElementContainer"]').getBoundingClientRect().height)""")
        assert len(boxes) == 1 and boxes[0] < 1, boxes
        page.screenshot(path=str(artifacts / "speed_preload_home_1366.png"))

        page.locator('[data-testid="stSidebarNav"] a[href$="/overview"]').click()
        page.get_by_role("heading", name="Overview").first.wait_for()
        wait_idle(page)
        page.locator(f'[data-testid="stMain"] {DRAWN_CHART}').first.wait_for()
        assert page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').count() > 0  # its Table tabs
        assert page.locator('[data-testid="stMain"] [data-testid="stPlotlyChart"]').count() == 0
        assert fetched == [grid], f"the chart page fetched the grid again, or plotly's code: {fetched}"
        # a person who asks for plotly gets it: one chart's Interactive tab loads plotly's code and draws that chart
        page.get_by_role("tab", name="Interactive", exact=True).first.click()
        page.locator('[data-testid="stMain"] [data-testid="stPlotlyChart"] .main-svg').first.wait_for()
        wait_idle(page)
        assert page.locator('[data-testid="stMain"] [data-testid="stPlotlyChart"]').count() == 1
        assert fetched[0] == grid and [n.split(".")[0] for n in fetched[1:]] == ["PlotlyChart"], fetched

        # the provision map draws only its open tab: a click on another draws that one, in the real browser
        page.locator('[data-testid="stSidebarNav"] a[href$="/provision_map"]').click()
        page.get_by_role("heading", name="Provision map").first.wait_for()
        wait_idle(page)
        main = page.locator('[data-testid="stMain"]')
        assert main.get_by_text("Add an intervention", exact=True).count() == 0
        page.get_by_role("tab", name="Catalogue", exact=True).click()
        main.get_by_text("Add an intervention", exact=True).wait_for()
        wait_idle(page)
        assert page.get_by_role("tab", name="Catalogue", exact=True).get_attribute("aria-selected") == "true"
        page.screenshot(path=str(artifacts / "speed_provision_map_catalogue_1366.png"))
        page.set_viewport_size({"width": 1024, "height": 768})
        page.screenshot(path=str(artifacts / "speed_provision_map_catalogue_1024.png"))
