"""The first chart page's code, loaded earlier (sendboard/chart_preload.py):

- the pages that load the code at once are exactly the pages whose code draws a chart when they open; the provision
  map only for those who see the whole school (a teacher's opens on a list of their pupils);
- in a real browser, with the overview as the first page after sign-in and no time spent on the home
  page, plotly's code is already loading when the page's first figures arrive (before any chart), and the page is drawn.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from sendboard import chart_preload

ROOT = Path(__file__).resolve().parent.parent
# Pages whose code draws a chart only inside a closed expander, drawn when it is opened.
CHARTS_ONLY_WHEN_ASKED = {"trust": "the schools' charts are in a closed expander",
                          "class_profile": "the need mix chart is in a closed expander"}


def test_the_pages_that_load_the_chart_code_at_once_are_those_that_draw_a_chart():
    drawing = {p.stem for p in (ROOT / "pages").glob("*.py")
               if re.search(r"\bui\.chart\(|st\.plotly_chart\(", p.read_text(encoding="utf-8"))}
    assert set(chart_preload.CHART_PAGES) == drawing - set(CHARTS_ONLY_WHEN_ASKED)
    assert set(CHARTS_ONLY_WHEN_ASKED) <= drawing


@pytest.mark.browser
def test_the_overview_first_after_sign_in_asks_for_plotly_before_its_figures_arrive(fixture_path, artifacts):
    from sendboard.app_db import open_database
    from sendboard.db import close_all
    from tests.browser import browser, running_app, sign_in, wait_idle
    from tests.fixture_school import PASSWORD
    from tests.leaders_helpers import seed

    seed(open_database(fixture_path))
    close_all()
    plotly = chart_preload.chunk_names()[0]
    with running_app(fixture_path, "2026-01-20") as url, browser() as b:
        page = b.new_page(viewport={"width": 1366, "height": 768})
        sign_in(page, url, "head", PASSWORD)
        # the preloader's state when the overview's first figures appear (its metrics, drawn once the server has
        # worked out the register, while the page is still running and before any chart): already loading
        # plotly's code. (Waiting for the page to be drawn, as on a page without charts, it would be 'waiting'.)
        page.evaluate("""() => { window.__stateAtFigures = null;
            new MutationObserver(() => { if (window.__stateAtFigures === null &&
                document.querySelector('[data-testid="stMain"] [data-testid="stMetric"]') &&
                [...document.querySelectorAll('[data-testid="stMain"] h1')].some(h => h.innerText.startsWith('Overview')))
                window.__stateAtFigures = String(window.__sendboardChartCode); }).observe(document.body, {childList: true, subtree: true}); }""")
        page.locator('[data-testid="stSidebarNav"] a[href$="/overview"]').click()
        page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]')]
            .some(e => e.querySelector('.main-svg'))""")
        wait_idle(page)
        at_figures = page.evaluate("() => window.__stateAtFigures")
        asked = page.evaluate("""(name) => performance.getEntriesByType('resource')
            .filter(e => e.name.endsWith(name)).map(e => e.startTime)""", plotly)
        assert page.evaluate("() => window.__sendboardChartCode") == "loaded"
        assert asked, "plotly's chunk was never asked for on the overview"
        assert at_figures in ("loading", "loaded"), at_figures
        page.screenshot(path=str(artifacts / "speed_charts_overview_first_1366.png"))


def test_the_provision_map_opens_on_a_chart_for_the_whole_school_and_on_a_list_for_a_teacher(demo_path):
    from tests.apptest_helpers import signed_in

    for role, whole_school in (("head", True), ("teacher", False)):
        at = signed_in(role, page="pages/provision_map.py", timeout=120)
        assert not at.exception
        assert bool(at.get("plotly_chart")) == whole_school, role  # what the page draws as it opens
        assert chart_preload.opens_on_a_chart("provision_map", whole_school) == whole_school
    assert chart_preload.opens_on_a_chart("overview", False) and not chart_preload.opens_on_a_chart("glossary", True)
