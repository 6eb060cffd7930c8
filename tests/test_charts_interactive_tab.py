"""Charts drawn on the server, plotly only on request (ui.chart, ui.chart_only):

- a page draws each chart as an SVG from the server and no plotly chart when it opens;
- opening one chart's Interactive tab draws exactly that chart in plotly (key "chart-<key>"), the others
  stay SVG only; going back to its Chart tab takes the plotly chart away again;
- the identification page's two 'Compare by' charts (ui.chart_only: their numbers are in the table under them)
  behave the same, with tabs Chart and Interactive only;
- tests/apptest_helpers.drawn_charts finds a chart by its root <svg class="sendboard-chart" data-chart> (in an
  SVG image, as ui.chart sends it), and nothing else; chart_only's alternative text points to the table under it.
"""
from __future__ import annotations

import base64
import json
import urllib.parse
from types import SimpleNamespace

from sendboard.app_db import open_database
from sendboard.db import close_all
from tests.apptest_helpers import drawn_charts, interactive_charts, on_tab, signed_in
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
    on_tab(at, "tabs-identification_rate_ci", "Interactive")
    assert not at.exception and not at.error
    assert interactive_charts(at) == ["chart-identification_rate_ci"]
    assert drawn_charts(at) == charts


def _page_with(*bodies: str, component_data: tuple = (), images: tuple = ()):
    """A stand-in for an AppTest holding st.html elements with these bodies, components v2 elements with
    this data, and st.image elements with these addresses."""
    elements = {"html": [SimpleNamespace(proto=SimpleNamespace(body=b)) for b in bodies],
                "image": [SimpleNamespace(proto=SimpleNamespace(imgs=[SimpleNamespace(url=u)])) for u in images],
                "bidi_component": [SimpleNamespace(proto=SimpleNamespace(json=json.dumps(d))) for d in component_data]}
    return SimpleNamespace(get=lambda kind: elements.get(kind, []))


def test_drawn_charts_finds_the_server_charts_and_nothing_else():
    page = _page_with(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="sendboard-chart" data-chart="chart-a&amp;b" '
        'aria-label="A"><g><svg class="inner"></svg></g></svg>',
        '<svg role="img" data-chart="chart-no-class"></svg>',  # not a sendboard chart: no class
        '<svg class="sendboard-chart-legend" data-chart="chart-other-class"></svg>',  # another class
        '<div class="sendboard-chart" data-chart="chart-a-div"></div>',  # not an svg
        '<p>data-chart="chart-in-text"</p>',
        '<svg data-chart="chart-z" class="x sendboard-chart"></svg>',  # attributes in any order, classes among others
    )
    assert drawn_charts(page) == ["chart-a&b", "chart-z"]
    assert drawn_charts(_page_with()) == []
    # an element that writes its data into the page (a components v2 element) counts the same way
    inline = _page_with(component_data=({"svg": '<svg class="sendboard-chart" data-chart="chart-c"></svg>'},
                                        {"other": ["<svg class='sendboard-chart'></svg>", 3]}))
    assert drawn_charts(inline) == ["chart-c"]
    # ui.chart's way: st.image of the SVG, sent as a data: address (base64, or percent-encoded)
    chart = '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="sendboard-chart" data-chart="chart-img">'
    images = _page_with(images=("data:image/svg+xml;base64," + base64.b64encode(chart.encode()).decode(),
                                "data:image/svg+xml," + urllib.parse.quote(chart.replace("chart-img", "chart-pct")),
                                "data:image/png;base64," + base64.b64encode(chart.encode()).decode(),  # not SVG
                                "/media/abc.svg"))
    assert drawn_charts(images) == ["chart-img", "chart-pct"]


def test_chart_only_points_its_alternative_text_to_the_table_under_it():
    from plotly import graph_objects as go

    from sendboard import svgchart, ui

    fig = go.Figure(go.Bar(x=["Boys", "Girls"], y=[24.3, 9.9]), layout={"title": {"text": "Who is on the register?"}})
    assert "Table tab" in svgchart.alt_text(fig)  # ui.chart's: its Table tab
    alt = ui.chart_only_alt_text(fig)
    assert alt == "Chart: Who is on the register? Its figures are in the table under it.", alt
