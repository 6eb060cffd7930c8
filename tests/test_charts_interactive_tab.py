"""Charts drawn on the server, plotly only on request (ui.chart, ui.chart_only):

- a page draws each chart as an SVG from the server and no plotly chart when it opens;
- opening one chart's Interactive tab draws exactly that chart in plotly (key "chart-<key>"), the others
  stay SVG only; going back to its Chart tab takes the plotly chart away again;
- the identification page's two 'Compare by' charts (ui.chart_only: their numbers are in the table under them)
  behave the same, with tabs Chart and Interactive only;
- tests/apptest_helpers.drawn_charts finds a chart by its root <svg class="sendboard-chart" data-chart> (in an
  SVG image, as ui.chart sends it), and nothing else; each image's alternative text says where its figures are.
"""
from __future__ import annotations

import base64
import urllib.parse
from types import SimpleNamespace

from sendboard.app_db import open_database
from sendboard.db import close_all
from tests.apptest_helpers import chart_alt_texts, drawn_charts, interactive_charts, on_tab, signed_in
from tests.leaders_helpers import seed


def _tab_key(chart_id: str) -> str:
    """ui.chart keys its tabs "tabs-<key>" and its drawings "chart-<key>"."""
    assert chart_id.startswith("chart-"), chart_id
    return "tabs-" + chart_id.removeprefix("chart-")


def test_the_overview_draws_plotly_only_for_the_chart_whose_interactive_tab_is_open(fixture_path):
    seed(open_database(fixture_path))
    close_all()
    at = signed_in("head", fixture_path, page="pages/overview.py", term_id=20252, timeout=60)
    assert not at.exception and not at.error
    charts = drawn_charts(at)
    assert len(charts) >= 3 and len(set(charts)) == len(charts), charts
    assert interactive_charts(at) == []  # no plotly when the page opens
    assert [t.label for t in at.tabs].count("Interactive") == len(charts)
    alts = chart_alt_texts(at)  # each image named by its question, and pointing to its figures
    assert len(alts) == len(charts) and all(a.startswith("Chart: ") for a in alts), alts
    assert all(a.endswith("Its figures are in the Table tab beside it.") for a in alts), alts

    for opened in (charts[1], charts[0]):  # not only the first: each chart's own tab
        on_tab(at, _tab_key(opened), "Interactive")
        assert not at.exception and not at.error, opened
        assert interactive_charts(at) == [opened], opened  # that chart's plotly, and no other's
        assert drawn_charts(at) == charts  # the SVGs are still drawn, in their Chart tabs
        on_tab(at, _tab_key(opened), "Chart")
        assert interactive_charts(at) == [], opened  # closed again: plotly is no longer drawn


def test_the_identification_charts_draw_plotly_only_when_asked(demo_path):
    at = signed_in("senco", page="pages/identification.py", timeout=120)  # the demo school: enough pupils for both
    assert not at.exception and not at.error
    charts = drawn_charts(at)
    assert charts == ["chart-identification_rate_bars", "chart-identification_rate_ci"]
    assert interactive_charts(at) == []
    # Chart and Interactive only: the numbers are in the table drawn under the two charts
    assert [t.label for t in at.tabs if t.label in ("Chart", "Table", "Interactive")] == ["Chart", "Interactive"] * 2
    assert all(a.endswith("Its figures are in the table under it.") for a in chart_alt_texts(at)), chart_alt_texts(at)
    on_tab(at, "tabs-identification_rate_ci", "Interactive")
    assert not at.exception and not at.error
    assert interactive_charts(at) == ["chart-identification_rate_ci"]
    assert drawn_charts(at) == charts


def _page_with(*svgs: str, urls: tuple = ()):
    """A stand-in for an AppTest holding st.image elements of these SVGs (sent base64-encoded, as st.image
    sends an SVG) and of these addresses."""
    encoded = tuple("data:image/svg+xml;base64," + base64.b64encode(s.encode()).decode() for s in svgs)
    images = [SimpleNamespace(proto=SimpleNamespace(imgs=[SimpleNamespace(url=u, alt="alt")])) for u in encoded + urls]
    return SimpleNamespace(get=lambda kind: images if kind == "image" else [])


def test_drawn_charts_finds_the_server_charts_and_nothing_else():
    page = _page_with(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="sendboard-chart" data-chart="chart-a&amp;b" '
        'aria-label="A"><g><svg class="inner"></svg></g></svg>',
        '<svg role="img" data-chart="chart-no-class"></svg>',  # not a sendboard chart: no class
        '<svg class="sendboard-chart-legend" data-chart="chart-other-class"></svg>',  # another class
        '<svg data-chart="chart-z" class="x sendboard-chart"></svg>',  # attributes in any order, classes among others
        urls=("data:image/svg+xml," + urllib.parse.quote('<svg class="sendboard-chart" data-chart="chart-pct">'),
              "data:image/png;base64," + base64.b64encode(b'<svg class="sendboard-chart" data-chart="png">').decode(),
              "/media/abc.svg"))
    assert drawn_charts(page) == ["chart-a&b", "chart-z", "chart-pct"]  # not the PNG, nor an image by address
    assert drawn_charts(_page_with()) == []
