"""Charts drawn on the server (sendboard/svgchart.py): each mark where plotly would put it, worked by hand.

Each test builds a small plotly Figure as a chart function would, draws it, and reads the SVG back: a bar's
length against the axis, series side by side or stacked, a reversed category axis, a log and a date axis,
error bars, a heatmap's shades, the legend, and text from data escaped. Positions are compared as ratios
of the plot's own size, so the tests hold whatever the margins are.
"""
from __future__ import annotations

import base64
import math
import xml.etree.ElementTree as ET
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from sendboard import charts, svgchart

NS = "{http://www.w3.org/2000/svg}"


def draw(fig: go.Figure, **kwargs) -> ET.Element:
    return ET.fromstring(svgchart.svg(fig.to_plotly_json(), **kwargs))


def rects(root: ET.Element, fill: str | None = None) -> list[dict]:
    out = [{k: (float(v) if k in ("x", "y", "width", "height") else v) for k, v in r.attrib.items()}
           for r in root.iter(f"{NS}rect")]
    return [r for r in out if fill is None or r.get("fill") == fill]


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


def text_lines(root: ET.Element) -> list[str]:
    return [s.text or "" for s in root.iter(f"{NS}tspan")]


def tick_x(root: ET.Element, label: str) -> float:
    """The x of the tick label that reads ``label``."""
    for span in root.iter(f"{NS}tspan"):
        if span.text == label:
            return float(span.attrib["x"])
    raise AssertionError(f"no label {label!r} in {text_lines(root)}")


def test_a_bar_is_as_long_as_its_value_on_the_axis():
    # y from 0 to 40: a bar of 10 is a quarter of the plot's height, a bar of 20 half of it
    fig = go.Figure(go.Bar(x=["A", "B"], y=[10, 20], marker_color="#111111", text=["10 pupils", "20 pupils"],
                           textposition="outside"), layout=charts.layout("Pupils by group"))
    fig.update_yaxes(range=[0, 40])
    root = draw(fig)
    a, b = rects(root, "#111111")
    assert b["height"] == pytest.approx(2 * a["height"], abs=0.15)
    assert a["y"] + a["height"] == pytest.approx(b["y"] + b["height"], abs=0.15)  # one baseline
    plot_height = 4 * a["height"]
    zero, forty = b["y"] + b["height"], b["y"] + b["height"] - plot_height
    # the 20 tick sits level with the top of B's bar, the 0 tick with the baseline
    spans = {s.text: float(s.attrib["y"]) for s in root.iter(f"{NS}tspan")}
    assert spans["20"] - svgchart.SIZE * 0.35 == pytest.approx(b["y"], abs=0.15)
    assert spans["0"] - svgchart.SIZE * 0.35 == pytest.approx(zero, abs=0.15)
    assert forty < zero
    assert a["x"] < b["x"]  # categories in the order given
    assert "10 pupils" in text_lines(root) and "20 pupils" in text_lines(root)
    assert "Pupils by group" in text_lines(root)


def test_grouped_series_stand_side_by_side_and_stacked_ones_on_each_other():
    grouped = go.Figure([go.Bar(x=["Y7"], y=[4], name="SEN support", marker_color="#0000AA"),
                         go.Bar(x=["Y7"], y=[2], name="EHC plan", marker_color="#AA0000")],
                        layout={**charts.layout("Grouped"), "barmode": "group"})
    root = draw(grouped)
    first, second = rects(root, "#0000AA")[0], rects(root, "#AA0000")[0]  # the first of each: the bar (the legend comes after)
    assert first["x"] + first["width"] == pytest.approx(second["x"], abs=0.15)  # the first series on the left
    assert first["height"] == pytest.approx(2 * second["height"], abs=0.15)

    stacked = go.Figure(grouped)
    stacked.update_layout(barmode="stack")
    root = draw(stacked)
    bottom, top = rects(root, "#0000AA")[0], rects(root, "#AA0000")[0]
    assert bottom["x"] == pytest.approx(top["x"]) and bottom["width"] == pytest.approx(top["width"])
    assert top["y"] + top["height"] == pytest.approx(bottom["y"], abs=0.15)  # the second starts where the first ends
    assert bottom["height"] == pytest.approx(2 * top["height"], abs=0.15)
    assert {"SEN support", "EHC plan"} <= set(text_lines(root))  # the legend names both


def test_horizontal_bars_on_a_reversed_axis_read_top_down_in_the_given_order():
    fig = go.Figure(go.Bar(y=["First", "Second", "Third"], x=[1, 2, 3], orientation="h", marker_color="#123456"),
                    layout=charts.layout("Top down"))
    fig.update_yaxes(autorange="reversed")
    bars = rects(draw(fig), "#123456")
    assert [b["y"] for b in bars] == sorted(b["y"] for b in bars)  # First highest on the page
    assert bars[2]["width"] == pytest.approx(3 * bars[0]["width"], abs=0.2)
    unreversed = go.Figure(fig)
    unreversed.update_yaxes(autorange=True)
    bars = rects(draw(unreversed), "#123456")
    assert [b["y"] for b in bars] == sorted((b["y"] for b in bars), reverse=True)  # plotly's default: bottom up


def test_a_log_axis_spaces_each_tenfold_step_equally_and_uses_the_tick_texts():
    fig = go.Figure(go.Scatter(x=[1, 10, 100], y=["a", "b", "c"], mode="markers", marker={"color": "#0F0F0F", "size": 10}),
                    layout=charts.layout("Log"))
    fig.update_xaxes(type="log", range=[math.log10(0.5), math.log10(200)], tickvals=[1, 10, 100], ticktext=["1×", "10×", "100×"])
    root = draw(fig)
    xs = [float(c.attrib["cx"]) for c in root.iter(f"{NS}circle")]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.15)
    assert tick_x(root, "10×") == pytest.approx(xs[1], abs=0.15)


def test_error_bars_reach_the_confidence_limits():
    # 0.4 with a 95% CI from 0.1 to 0.9, on an axis from -1 to 1
    fig = go.Figure(go.Scatter(x=[0.4], y=["ELSA"], mode="markers", marker={"color": "#222222"},
                               error_x={"type": "data", "symmetric": False, "array": [0.5], "arrayminus": [0.3]}),
                    layout=charts.layout("CI"))
    fig.update_xaxes(range=[-1, 1])
    root = draw(fig)
    centre = float(next(root.iter(f"{NS}circle")).attrib["cx"])
    path = next(p for p in root.iter(f"{NS}path")).attrib["d"]
    low, high = (float(v) for v in path[1:].split("H")[0].split(",")[:1] + path.split("H")[1].split("M")[:1])
    zero, one = tick_x(root, "0.0"), tick_x(root, "1.0")
    unit = one - zero
    assert low == pytest.approx(zero + 0.1 * unit, abs=0.2)
    assert high == pytest.approx(zero + 0.9 * unit, abs=0.2)
    assert centre == pytest.approx(zero + 0.4 * unit, abs=0.2)


def test_a_date_axis_and_a_reference_line_on_it():
    start, end = date(2026, 11, 1), date(2027, 1, 31)
    fig = go.Figure(go.Scatter(x=pd.to_datetime(pd.Series([date(2026, 12, 1)])), y=["Pupil"], mode="markers",
                               marker={"color": "#333333"}), layout=charts.layout("Dates"))
    fig.add_vline(x=pd.Timestamp(date(2027, 1, 1)).value / 1e6, line={"dash": "dot", "color": "#555555"})
    fig.update_xaxes(range=[pd.Timestamp(start), pd.Timestamp(end)], dtick="M1", tickformat="%b %Y")
    root = draw(fig)
    dec, jan = tick_x(root, "Dec 2026"), tick_x(root, "Jan 2027")
    assert float(next(root.iter(f"{NS}circle")).attrib["cx"]) == pytest.approx(dec, abs=0.15)
    line = [ln for ln in root.iter(f"{NS}line") if ln.attrib.get("stroke-dasharray")]
    assert float(line[0].attrib["x1"]) == pytest.approx(jan, abs=0.15)
    assert jan - dec == pytest.approx((dec - tick_x(root, "Nov 2026")) * 31 / 30, abs=0.2)  # December has 31 days


def test_a_heatmap_shades_each_cell_by_its_value_and_prints_its_text():
    fig = go.Figure(go.Heatmap(z=[[1, 4]], x=["Oct", "Apr"], y=["Factor"], text=[["low", "high"]], texttemplate="%{text}",
                               zmin=1, zmax=4, colorscale=[[0, "#ffffff"], [1, "#000000"]], showscale=False),
                    layout=charts.layout("Ratings"))
    fig.update_xaxes(type="category")
    root = draw(fig)
    cells = [r for r in rects(root) if r.get("fill") in ("#ffffff", "#000000")]
    assert [c["fill"] for c in cells] == ["#ffffff", "#000000"]
    assert {"low", "high"} <= set(text_lines(root))
    assert svgchart._colour_at([[0, "#000000"], [1, "#ffffff"]], 0.5) == "#808080"


def test_text_from_data_is_escaped_and_the_image_is_named():
    hostile = '<script>alert(1)</script> & "quotes"'
    fig = go.Figure(go.Bar(x=[hostile], y=[1], text=[hostile]), layout=charts.layout(f"Chart of {hostile}"))
    drawn = svgchart.cached_svg(fig, chart_id="chart-hostile")
    assert "<script" not in drawn
    root = ET.fromstring(drawn)  # well-formed XML
    assert root.attrib["role"] == "img" and root.attrib["data-chart"] == "chart-hostile"
    assert hostile in root.attrib["aria-label"]
    assert any(hostile in line for line in text_lines(root))
    assert svgchart.cached_svg(fig, chart_id="chart-hostile") is drawn  # drawn once per figure
    assert svgchart.alt_text(fig, figures_in="its Table tab").startswith("Chart: Chart of <script>")


def test_a_narrower_drawing_for_a_column_keeps_its_text_size():
    fig = go.Figure(go.Bar(x=["A"], y=[1]), layout=charts.layout("Narrow"))
    wide, narrow = draw(fig), draw(fig, width=340)
    assert wide.attrib["width"] == str(svgchart.WIDTH) and narrow.attrib["width"] == "340"
    assert {t.attrib["font-size"] for t in narrow.iter(f"{NS}text")} == {t.attrib["font-size"] for t in wide.iter(f"{NS}text")}


def test_typed_arrays_in_plotly_json_are_read():
    # plotly writes numeric columns as base64 typed arrays in its JSON
    value = {"dtype": "f8", "bdata": base64.b64encode(pd.Series([1.5, float("nan")]).to_numpy().tobytes()).decode()}
    assert svgchart._array(value) == [1.5, None]


def test_a_reference_line_is_inside_the_axis_and_whole_numbers_print_without_decimals():
    # the gaps are all below zero; the "no gap" line at 0 must still be on the chart, as plotly's autorange has it
    fig = go.Figure(go.Scatter(x=["Autumn", "Spring"], y=[-14.0, -10.0], mode="lines+markers"), layout=charts.layout("Gap"))
    fig.add_hline(y=0, line_dash="dash", line_color="#555555", annotation_text="no gap")
    root = draw(fig)
    assert "0" in text_lines(root) and "no gap" in text_lines(root)
    # a bar's text given as whole numbers (plotly keeps them as floats)
    root = draw(go.Figure(go.Bar(x=["A", "B"], y=[48, 1234567], text=pd.Series([48, 1234567]).astype(float))))
    assert {"48", "1234567"} <= set(text_lines(root))


@pytest.mark.parametrize(("raw", "step"), [(0.3, 0.5), (2.2, 5), (2.0, 2), (7, 10), (0.011, 0.02), (140, 200)])
def test_gridlines_step_by_one_two_or_five_times_a_power_of_ten(raw, step):
    assert svgchart.nice_step(raw) == pytest.approx(step)
