"""Charts for the leaders' pages: pure functions, DataFrame in, plotly Figure out. Each title is the
question the chart answers; colours come from the shared colour-blind-safe palette."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from .. import charts
from ..charts import GROUP_COLOURS, PALETTE
from .graduated import BUCKET_ORDER
from .outcomes import MEASURES, SEND

GROUP_COLOURS = {**GROUP_COLOURS, SEND: "#CC79A7"}


def _pct_text(values) -> list[str]:
    return ["" if pd.isna(v) else f"{v:.1f}%" for v in values]


def comparison(frame: pd.DataFrame) -> go.Figure:
    """Shares of roll: this date, the same point in earlier years, national."""
    fig = go.Figure()
    labels = (frame["what"].str.replace(r"^This school, (\d)", r"Chosen date: \1", regex=True)
              .str.replace("This school, ", "", regex=False).str.replace(" (", "<br>(", regex=False))
    # All with SEN is drawn too: the national split by phase is older than the national total, and the
    # total is the fair comparison for the latest year (the year is in each bar's label).
    series = [("sen_support_pct", "SEN support", GROUP_COLOURS["SEN support"]),
              ("ehc_plan_pct", "EHC plan", GROUP_COLOURS["EHC plan"])]
    if "any_sen_pct" in frame.columns:
        series.append(("any_sen_pct", "All with SEN", GROUP_COLOURS[SEND]))
    for col, name, colour in series:
        values = pd.to_numeric(frame[col], errors="coerce")
        fig.add_bar(x=values, y=labels, name=name, orientation="h", marker_color=colour,
                    text=_pct_text(values), textposition="outside", cliponaxis=False)
    fig.update_yaxes(autorange="reversed")
    top = float(pd.concat([pd.to_numeric(frame[c], errors="coerce") for c, _, _ in series]).max() or 0)
    fig.update_xaxes(ticksuffix="%", range=[0, max(5.0, top * 1.18)])
    return charts.style(fig, "How does our register compare with earlier years and with national?",
                        height=140 + 90 * len(frame), x_title="% of pupils on roll")


def trend(frame: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for col, name in (("sen_support_pct", "SEN support"), ("ehc_plan_pct", "EHC plan")):
        fig.add_scatter(x=frame["label"], y=frame[col], name=name, mode="lines+markers+text",
                        line_color=GROUP_COLOURS[name], text=_pct_text(frame[col]), textposition="top center")
    fig.update_yaxes(ticksuffix="%", rangemode="tozero")
    return charts.style(fig, "How has the register changed, term by term (census dates)?", y_title="% of pupils on roll")


def by_year(frame: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    x = "Year " + frame["year_group"].astype(int).astype(str)
    for col, name, n in (("sen_support_pct", "SEN support", "sen_support"), ("ehc_plan_pct", "EHC plan", "ehc_plan")):
        fig.add_bar(x=x, y=frame[col], name=name, marker_color=GROUP_COLOURS[name],
                    text=[f"{v:.1f}% ({c})" for v, c in zip(frame[col], frame[n])], textposition="outside",
                    cliponaxis=False)
    fig.update_layout(barmode="group")
    fig.update_yaxes(ticksuffix="%", rangemode="tozero")
    return charts.style(fig, "Which year groups have the most pupils on the register?", y_title="% of the year group")


def _pct_short(v) -> str:
    return "0%" if v == 0 else (f"{v:.1f}%" if v < 1 else f"{v:.0f}%")


def need_mix(frame: pd.DataFrame, title: str) -> go.Figure:
    """School share beside the national share; rows with no national figure say so on the chart."""
    labels = frame["label"].astype(str)
    fig = go.Figure()
    fig.add_bar(y=labels, x=frame["pct"], name="This school", orientation="h", marker_color=GROUP_COLOURS["School"],
                text=[f"{_pct_short(p)} ({n})" for p, n in zip(frame["pct"].fillna(0), frame["pupils"])],
                textposition="outside", cliponaxis=False)
    nat = frame["national_pct"].astype(float)
    years = sorted({str(n).replace("national ", "") for n in frame["national_note"] if str(n).startswith("national ")})
    fig.add_bar(y=labels, x=nat.fillna(0), name="National" + (f": {'; '.join(years)}" if years else ""),
                orientation="h", marker_color=GROUP_COLOURS["National"],
                marker_pattern_shape="/",
                text=[_pct_short(v) if pd.notna(v) else f"national {note}" for v, note in zip(nat, frame["national_note"])],
                textposition="outside", cliponaxis=False)
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(autorange="reversed")
    top = max(float(frame["pct"].max() if len(frame) else 0), float(nat.max() if nat.notna().any() else 0))
    fig.update_xaxes(ticksuffix="%", range=[0, max(10.0, top * 1.45)])
    return charts.style(fig, title, height=160 + 46 * len(frame), x_title="% of the group's pupils")


def rate_ci(frame: pd.DataFrame, dimension: str) -> go.Figure:
    """Relative likelihood of being on the register, with its 95% CI, against 1 (no difference)."""
    part = frame[frame["dimension"] == dimension]
    plotted = part.dropna(subset=["relative_likelihood"])
    fig = go.Figure()
    fig.add_scatter(
        x=plotted["relative_likelihood"], y=plotted["value"], mode="markers", marker={"size": 11, "color": PALETTE[0]},
        error_x={"type": "data", "symmetric": False, "array": plotted["ci_high"] - plotted["relative_likelihood"],
                 "arrayminus": plotted["relative_likelihood"] - plotted["ci_low"], "color": PALETTE[0]},
        name="Relative likelihood (95% CI)", showlegend=False,
        hovertemplate="%{y}: %{x:.2f} times as likely<extra></extra>")
    fig.add_vline(x=1, line_dash="dash", line_color="#555", annotation_text="same as the rest",
                  annotation_position="top")
    ticks = [0.1, 0.25, 0.5, 1, 2, 4, 10]
    if not plotted.empty:
        low = min(float(plotted["ci_low"].min()), 0.8)
        high = max(float(plotted["ci_high"].max()), 1.25)
        ticks = [t for t in (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 10, 20, 50) if low / 1.5 <= t <= high * 1.5] or ticks
        fig.update_xaxes(range=[math.log10(low / 1.3), math.log10(high * 1.3)])
    fig.update_xaxes(type="log", tickvals=ticks, ticktext=[f"{t:g}×" for t in ticks],
                     title="Times as likely as the rest (log scale)")
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=list(part["value"]))
    fig.update_layout(margin={"t": 90})
    return charts.style(fig, "Is any group more or less likely<br>to be on the register than the rest?",
                        height=190 + 40 * max(len(part), 2))


def rate_bars(frame: pd.DataFrame, dimension: str) -> go.Figure:
    part = frame[frame["dimension"] == dimension]
    fig = go.Figure()
    fig.add_bar(x=part["value"], y=part["rate"], marker_color=PALETTE[0], name="On the register",
                text=[f"{r:.1f}% ({a} of {n})" if pd.notna(r) else "" for r, a, n in
                      zip(part["rate"], part["on_register"], part["pupils"])],
                textposition="outside", cliponaxis=False)
    fig.update_yaxes(ticksuffix="%", rangemode="tozero")
    return charts.style(fig, f"What share of each group<br>({dimension.lower()}) is on the register?",
                        y_title="% on the register", height=340)


def gap_lines(gap_frame: pd.DataFrame, measure: str) -> go.Figure:
    part = gap_frame[gap_frame["measure"] == measure].dropna(subset=["gap"])
    fig = go.Figure()
    for i, (subject, rows) in enumerate(part.groupby("subject", sort=True)):
        fig.add_scatter(x=rows["label"], y=rows["gap"], name=subject, mode="lines+markers",
                        line_color=PALETTE[i % len(PALETTE)], marker_symbol=["circle", "square", "diamond", "x"][i % 4])
    fig.add_hline(y=0, line_dash="dash", line_color="#555", annotation_text="no gap", annotation_position="bottom right")
    fig.update_xaxes(categoryorder="array", categoryarray=list(dict.fromkeys(part.sort_values("term_id")["label"])))
    unit = "percentage points" if measure == "pct_expected" else "points"
    return charts.style(fig, "Is the gap between pupils with SEND and pupils with no SEN closing?",
                        y_title=f"Gap ({unit}; below 0 = pupils with SEND behind)")


def group_lines(frame: pd.DataFrame, measure: str, title: str, y_title: str, *, groups=None) -> go.Figure:
    fig = go.Figure()
    terms = list(dict.fromkeys(frame.sort_values("term_id")["label"]))
    for i, (group, rows) in enumerate(frame.groupby("sen_group", sort=False)):
        if groups and group not in groups:
            continue
        fig.add_scatter(x=rows["label"], y=rows[measure], name=group, mode="lines+markers",
                        line_color=GROUP_COLOURS.get(group, PALETTE[i]),
                        marker_symbol={"EHC plan": "diamond", "SEN support": "square", SEND: "triangle-up"}.get(group, "circle"),
                        line_dash={"No SEN": "dot"}.get(group, "solid"))
    fig.update_xaxes(categoryorder="array", categoryarray=terms)
    values = frame[measure].dropna().astype(float)
    if not values.empty:
        low, high = float(values.min()), float(values.max())
        pad = max((high - low) * 0.15, 1.0)
        fig.update_yaxes(range=[low - pad, high + pad])
    return charts.style(fig, title, y_title=y_title)


def review_bands(bands: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for group in ("SEN support", "EHC plan"):
        rows = bands[bands["SEN status"] == group].set_index("band").reindex(BUCKET_ORDER)
        fig.add_bar(x=BUCKET_ORDER, y=rows["pupils"].fillna(0), name=group, marker_color=GROUP_COLOURS[group],
                    text=rows["pupils"].fillna(0).astype(int), textposition="outside", cliponaxis=False)
    fig.update_layout(barmode="group")
    return charts.style(fig, "How long since each pupil on the register last had a review?", y_title="Pupils")


MEASURE_TITLES = MEASURES
