"""The first chart page's code, loaded earlier (sendboard/chart_preload.py), and only the code it needs:

- the pages that load the data grid's code at once are exactly the pages whose code draws a chart when they
  open (its Table tab is a grid); no page draws a plotly chart except through ui (its Interactive tab);
- the provision map opens on a chart for those who see the whole school and on a table for a teacher: a grid
  either way, so it loads the grid's code at once for both;
- in a real browser, with the overview as the first page after sign-in and no time spent on the home page,
  the grid's code is loaded, the page's charts are drawn, and plotly's code is never fetched. (When the
  loading starts against the page's first figures is not asserted: both arrive in one of the browser's
  frames on a busy machine.)
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


def test_the_pages_that_load_the_grid_code_at_once_are_those_that_draw_a_chart():
    drawing = {p.stem for p in (ROOT / "pages").glob("*.py")
               if re.search(r"\bui\.chart(_only)?\(|\.plotly_chart\(", p.read_text(encoding="utf-8"))}
    assert set(chart_preload.CHART_PAGES) == drawing - set(CHARTS_ONLY_WHEN_ASKED)
    assert set(CHARTS_ONLY_WHEN_ASKED) <= drawing


def test_no_page_draws_a_plotly_chart_but_through_ui():
    """A page's own st.plotly_chart would make every visitor's browser load plotly's 4.7 MB script; ui.chart
    and ui.chart_only draw plotly only in an opened Interactive tab."""
    calls = {p.name: n for p in sorted((ROOT / "pages").glob("*.py"))
             if (n := len(re.findall(r"\.plotly_chart\(", p.read_text(encoding="utf-8"))))}
    assert calls == {}, calls


@pytest.mark.browser
def test_the_overview_first_after_sign_in_loads_the_grid_and_never_plotly(
        fixture_path, artifacts):
    from sendboard.app_db import open_database
    from sendboard.bench.browser import DRAWN_CHART
    from sendboard.db import close_all
    from tests.browser import browser, running_app, sign_in, wait_idle
    from tests.fixture_school import PASSWORD
    from tests.leaders_helpers import seed

    seed(open_database(fixture_path))
    close_all()
    (grid,) = chart_preload.chunk_names()
    with running_app(fixture_path, "2026-01-20") as url, browser() as b:
        page = b.new_page(viewport={"width": 1366, "height": 768})
        scripts: list[str] = []
        page.on("request", lambda r: scripts.append(r.url.split("?", 1)[0].rsplit("/", 1)[-1])
                if r.resource_type == "script" else None)
        sign_in(page, url, "head", PASSWORD)
        page.locator('[data-testid="stSidebarNav"] a[href$="/overview"]').click()
        page.locator(f'[data-testid="stMain"] {DRAWN_CHART}').first.wait_for()
        wait_idle(page)
        page.wait_for_function("() => ['loaded', 'failed'].includes(window.__sendboardChartCode)")
        assert page.evaluate("() => window.__sendboardChartCode") == "loaded"
        assert grid in scripts, "the grid's chunk was never asked for on the overview"
        assert page.locator(f'[data-testid="stMain"] {DRAWN_CHART}').count() >= 3  # the overview's charts
        assert page.locator('[data-testid="stMain"] [data-testid="stPlotlyChart"]').count() == 0
        assert not [s for s in scripts if s.startswith("PlotlyChart.")], scripts  # plotly's code: never fetched
        page.screenshot(path=str(artifacts / "speed_charts_overview_first_1366.png"))


def test_the_provision_map_opens_on_a_chart_for_the_whole_school_and_on_a_table_for_a_teacher(demo_path):
    from tests.apptest_helpers import drawn_charts, interactive_charts, signed_in

    for role, whole_school in (("head", True), ("teacher", False)):
        at = signed_in(role, page="pages/provision_map.py", timeout=120)
        assert not at.exception
        assert bool(drawn_charts(at)) == whole_school, role  # what the page draws as it opens
        assert at.dataframe, role  # a grid either way: the chart's Table tab, or the teacher's pupils
        assert not interactive_charts(at), role
    assert chart_preload.opens_on_a_chart("provision_map") and chart_preload.opens_on_a_chart("overview")
    assert not chart_preload.opens_on_a_chart("glossary") and not chart_preload.opens_on_a_chart("home")
