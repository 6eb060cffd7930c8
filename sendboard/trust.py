"""The trust view: a trust's schools side by side on SEND. Aggregates only (no pupil rows)."""
from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from . import charts
from .db import Database
from .domain import academic_year_of
from .leaders import national
from .scope import Scope


def _scoped(db: Database, name: str, scope: Scope, as_at: date) -> pd.DataFrame:
    scope.viewer.require_role({"trust", "head", "senco"})
    return db.query(name, scope=scope, as_at=as_at)


def register_by_school(db: Database, scope: Scope, as_at: date) -> pd.DataFrame:
    """On roll, SEN support and EHC plans per school, with shares of roll and the national share for
    each school's phase beside them (chosen by the overview's rule, once per phase)."""
    frame = _scoped(db, "trust_register", scope, as_at)
    year = academic_year_of(as_at)
    for phase in frame["phase"].unique():
        figures = national.national_frame(db, phase)
        for measure, column in (("sen_support_pct", "national_sen_support_pct"), ("ehc_plan_pct", "national_ehc_pct")):
            figure = national.pick(figures, measure, phase, year)
            frame.loc[frame["phase"] == phase, column] = None if figure is None else figure.value
        # Every national figure with its year: the phase total is often newer than its split.
        basis = national.basis(figures, phase, year)
        frame.loc[frame["phase"] == phase, "national_any_sen_pct"] = None if basis.total is None else basis.total.value
        frame.loc[frame["phase"] == phase, "national_years"] = "; ".join(
            part for part in (None if basis.total is None else f"all with SEN {national.year_label(basis.total.academic_year)}",
                              None if basis.split_year is None else f"split {national.year_label(basis.split_year)}")
            if part) or "none held"
    return frame


def need_mix_by_school(db: Database, scope: Scope, as_at: date) -> pd.DataFrame:
    return _scoped(db, "trust_need_mix", scope, as_at)


def outcome_gaps_by_school(db: Database, scope: Scope, as_at: date) -> pd.DataFrame:
    return _scoped(db, "trust_outcome_gaps", scope, as_at)


def review_compliance_by_school(db: Database, scope: Scope, as_at: date) -> pd.DataFrame:
    return _scoped(db, "trust_review_compliance", scope, as_at)


# --------------------------------------------------------------------------- charts


def _legend_below(fig: go.Figure, rows: int = 1) -> go.Figure:
    """The legend in a band of its own between the title and the plot: the title pinned to the top of the
    figure, the top margin grown by a line per legend row, so a legend that wraps (a tablet, 1024 px) never
    covers the title. (Under the plot it would collide with the schools' slanted names.)"""
    fig.update_layout(title={"yref": "container", "y": 0.985, "yanchor": "top"},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
                      margin={"t": 52 + 26 * rows, "b": 10})
    return fig


def register_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The register chart's numbers with labels in words (its Table tab)."""
    out = frame[["school", "phase", "on_roll", "sen_support", "sen_support_pct", "national_sen_support_pct", "ehc_plans",
                 "ehc_pct", "national_ehc_pct", "national_years"]].copy()
    for col in ("sen_support_pct", "national_sen_support_pct", "ehc_pct", "national_ehc_pct"):
        out[col] = pd.to_numeric(out[col], errors="coerce").round(1)
    return out.rename(columns={"school": "School", "phase": "Phase", "on_roll": "Pupils on roll",
                               "sen_support": "SEN support", "sen_support_pct": "SEN support (% of roll)",
                               "national_sen_support_pct": "National SEN support (%)", "ehc_plans": "EHC plans",
                               "ehc_pct": "EHC plans (% of roll)", "national_ehc_pct": "National EHC plans (%)",
                               "national_years": "National figures from"})


def need_mix_table(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.assign(pct_of_send=frame["pct_of_send"].round(1))
    return out.rename(columns={"school": "School", "area": "Broad area of primary need", "pupils": "Pupils with SEND",
                               "pct_of_send": "% of the school's pupils with SEND"})


def gap_table(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.round(1).rename(columns={
        "school": "School", "send_score": "Mean score, SEND", "no_sen_score": "Mean score, no SEN",
        "score_gap": "Attainment gap (score points)", "send_attendance_pct": "Attendance %, SEND",
        "no_sen_attendance_pct": "Attendance %, no SEN", "attendance_gap": "Attendance gap (percentage points)"})


def register_chart(frame: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(name="SEN support", x=frame["school"], y=frame["sen_support_pct"], marker_color=charts.GROUP_COLOURS["SEN support"])
    fig.add_bar(name="EHC plan", x=frame["school"], y=frame["ehc_pct"], marker_color=charts.GROUP_COLOURS["EHC plan"])
    fig.add_scatter(name="National, SEN support", x=frame["school"], y=frame["national_sen_support_pct"], mode="markers",
                    marker={"symbol": "line-ew-open", "size": 28, "color": "#000000", "line": {"width": 3}})
    fig.add_scatter(name="National, EHC plan", x=frame["school"], y=frame["national_ehc_pct"], mode="markers",
                    marker={"symbol": "line-ew-open", "size": 28, "color": "#E69F00", "line": {"width": 3}})
    fig.update_layout(barmode="group")
    charts.style(fig, "How does each school's SEND register compare with national?", y_title="% of pupils on roll",
                 height=460)
    return _legend_below(fig, rows=2)


def need_mix_chart(frame: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for area, part in frame.groupby("area", sort=True):
        fig.add_bar(name=area, y=part["school"], x=part["pct_of_send"], orientation="h",
                    marker_color=charts.AREA_COLOURS.get(area, "#999999"))
    fig.update_layout(barmode="stack")
    charts.style(fig, "What are the main needs in each school?", x_title="% of pupils with SEND (primary need)",
                 height=max(340, 34 * frame["school"].nunique() + 220))
    fig.update_yaxes(autorange="reversed")  # schools in the table's order, top down
    # the schools' names take half the width on a tablet: room for one area a row
    return _legend_below(fig, rows=len(frame["area"].unique()))


def gap_chart(frame: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(name="Attainment gap (score points)", x=frame["school"], y=frame["score_gap"], marker_color=charts.PALETTE[0])
    fig.add_bar(name="Attendance gap (percentage points)", x=frame["school"], y=frame["attendance_gap"], marker_color=charts.PALETTE[1])
    fig.update_layout(barmode="group")
    charts.style(fig, "How far behind their peers are pupils with SEND in each school?",
                 y_title="SEND minus no SEN (below zero = behind)", height=460)
    return _legend_below(fig, rows=1)
