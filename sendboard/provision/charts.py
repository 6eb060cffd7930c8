"""Provision charts: pure functions, DataFrame in, plotly Figure out (title = the question answered)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import charts

VERDICT_COLOURS = {"Good value": "#009E73", "Review it": "#D55E00", "Not enough data yet": "#999999"}
VERDICT_SYMBOLS = {"Good value": "circle", "Review it": "diamond", "Not enough data yet": "circle-open"}


def cost_effectiveness(impact: pd.DataFrame) -> go.Figure:
    """x: cost per pupil, y: effect size, bubble size: pupils with both scores, labelled; colour and
    marker shape both carry the verdict. Interventions without an effect size are not plotted."""
    fig = go.Figure()
    plotted = impact.dropna(subset=["cost_per_pupil", "effect_size"]).sort_values("effect_size").copy()
    # alternate labels above and below the bubbles so neighbours do not print over each other
    plotted["textpos"] = ["top center" if i % 2 else "bottom center" for i in range(len(plotted))]
    biggest = max(float(plotted["with_both_scores"].max()), 1.0) if not plotted.empty else 1.0
    for verdict, colour in VERDICT_COLOURS.items():
        part = plotted[plotted["verdict"] == verdict]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["cost_per_pupil"], y=part["effect_size"], mode="markers+text", name=verdict,
            text=part["intervention"], textposition=part["textpos"].tolist(), cliponaxis=False,
            marker={"size": part["with_both_scores"].astype(float), "sizemode": "area",
                    "sizeref": 2.0 * biggest / (34 ** 2), "sizemin": 7, "color": colour, "opacity": 0.8,
                    "symbol": VERDICT_SYMBOLS[verdict], "line": {"width": 1, "color": "#333333"}},
            customdata=part[["with_both_scores", "mean_gain"]],
            hovertemplate="%{text}<br>£%{x:,.0f} a pupil<br>effect size %{y:.2f}"
                          "<br>%{customdata[0]} pupils with both scores<extra></extra>",
        ))
    fig.add_hline(y=0.2, line_dash="dot", line_color="#666666",
                  annotation_text="effect size 0.2", annotation_position="bottom right")
    fig.add_hline(y=0, line_color="#999999", line_width=1)
    charts.style(fig, "Which interventions buy the most progress for the money?", height=460,
                 x_title="Cost per pupil (£, whole programme)", y_title="Effect size (Hedges' g)")
    top = float(plotted["cost_per_pupil"].max()) if not plotted.empty else 100.0
    low_cost = float(plotted["cost_per_pupil"][plotted["cost_per_pupil"] > 0].min()) if (plotted["cost_per_pupil"] > 0).any() else 0.0
    if low_cost > 0 and top / low_cost > 8:
        # costs spread over more than an order of magnitude: a log scale keeps the cheap ones apart
        fig.update_xaxes(type="log", tickprefix="£", tickformat=",.0f",
                         range=[np.log10(low_cost / 1.4), np.log10(top * 1.4)])
        fig.update_layout(xaxis_title="Cost per pupil (£, whole programme; log scale)")
    else:
        fig.update_xaxes(tickprefix="£", tickformat=",.0f", range=[0, top * 1.2])
    if not plotted.empty:
        low, high = float(plotted["effect_size"].min()), float(plotted["effect_size"].max())
        pad = max(0.3, 0.15 * (high - min(low, 0)))
        fig.update_yaxes(range=[min(low, 0) - pad, max(high, 0.2) + pad])
    return fig


def effect_ci(impact: pd.DataFrame) -> go.Figure:
    """Effect size with its 95% confidence interval per intervention, on one common scale (each measure's
    population SD), so interventions measured in months and in points compare."""
    part = impact.dropna(subset=["effect_size", "es_ci_low", "es_ci_high"]).copy()
    part["es_low"], part["es_high"] = part["es_ci_low"], part["es_ci_high"]
    part = part.sort_values("effect_size")
    fig = go.Figure(go.Scatter(
        x=part["effect_size"], y=part["intervention"], mode="markers",
        marker={"size": 11, "color": [VERDICT_COLOURS.get(v, "#999999") for v in part["verdict"]],
                "symbol": [VERDICT_SYMBOLS.get(v, "circle") for v in part["verdict"]]},
        error_x={"type": "data", "symmetric": False, "array": part["es_high"] - part["effect_size"],
                 "arrayminus": part["effect_size"] - part["es_low"], "color": "#555555"},
        hovertemplate="%{y}: effect size %{x:.2f}<extra></extra>",
    ))
    fig.add_vline(x=0, line_color="#999999")
    fig.add_vline(x=0.2, line_dash="dot", line_color="#666666")
    return charts.style(fig, "How big was each intervention's effect, and how sure are we?",
                        height=max(300, 90 + 40 * len(part)),
                        x_title="Effect size (Hedges' g) with its 95% confidence interval (dotted line: 0.2)")


def spend_chart(summary: pd.DataFrame, by: str, title: str) -> go.Figure:
    """Projected spend this year by year group, area or wave, with spend to date shown inside it."""
    labels = summary[by].astype(str) if by != "year_group" else "Year " + summary[by].astype("Int64").astype(str)
    layout = charts.layout(title, y_title="£ this academic year")
    layout["yaxis"].update(tickprefix="£", tickformat=",.0f")
    layout.update(barmode="stack", legend={**layout["legend"], "traceorder": "normal"})
    return go.Figure(data=[
        go.Bar(x=labels, y=summary["year_cost_to_date"], name="Spent to date", marker_color=charts.PALETTE[0]),
        go.Bar(x=labels, y=(summary["year_cost"] - summary["year_cost_to_date"]).clip(lower=0),
               name="Still to spend (projected)", marker_color=charts.PALETTE[4])], layout=layout)


def hours_chart(summary: pd.DataFrame, by: str, title: str) -> go.Figure:
    """Pupils and weekly pupil hours now, for viewers without costs."""
    labels = summary[by].astype(str) if by != "year_group" else "Year " + summary[by].astype("Int64").astype(str)
    return go.Figure(go.Bar(x=labels, y=summary["pupil_hours_week"], marker_color=charts.PALETTE[0],
                            name="Pupil hours a week"),
                     layout=charts.layout(title, y_title="Pupil hours a week in interventions (now)"))


def hours_gap_chart(hours: pd.DataFrame) -> go.Figure:
    """Plan hours against scheduled hours for each EHC pupil."""
    names = hours["first_name"].astype(str) + " " + hours["last_name"].astype(str)
    fig = go.Figure()
    fig.add_trace(go.Bar(y=names, x=hours["plan_hours"], name="Hours in the EHC plan", orientation="h",
                         marker_color=charts.PALETTE[1]))
    fig.add_trace(go.Bar(y=names, x=hours["scheduled_hours"], name="Hours scheduled now", orientation="h",
                         marker_color=charts.PALETTE[0]))
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed")
    return charts.style(fig, "Does each EHC plan get the hours it sets out?", height=max(320, 70 + 34 * len(hours)),
                        x_title="Hours a week")
