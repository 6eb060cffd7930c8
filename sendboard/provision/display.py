"""Plain-English column names and rounding for the provision pages' tables (pure: frame in, frame out).
The same frame is shown and downloaded, so figures are rounded here and headings say their units."""
from __future__ import annotations

import pandas as pd

from . import AREA_NAMES, DELIVERY_LABELS, WAVE_LABELS

LABELS = {
    "year_group": "Year", "area": "Area of need", "wave": "Wave", "intervention": "Intervention",
    "interventions": "Interventions", "pupils": "Pupils this year", "pupils_now": "Pupils now",
    "pupil_hours_week": "Pupil hours a week (now)", "staff_hours_week": "Staff hours a week (now)",
    "year_cost_to_date": "Spent so far this year (£)", "year_cost": "Projected for the year (£)",
    "first_name": "First name", "last_name": "Last name", "sen_group": "SEN status",
    "primary_area": "Primary area of need", "group_label": "Group", "start_date": "Start", "end_date": "End",
    "planned_end": "Planned end", "sessions_attended": "Sessions attended", "entry_score": "Entry score",
    "exit_score": "Exit score", "gain": "Gain", "day_of_week": "Day", "start_time": "Time",
    "sessions_per_week": "Sessions a week", "minutes_per_session": "Minutes a session",
    "minutes_week": "Minutes a week out of class", "minutes_week_now": "Minutes a week out of class (now)",
    "weekly_cost": "Cost a week (£, this pupil's share)", "cost_to_date": "Cost to date (£)",
    "projected_cost": "Projected cost to end (£)", "pupils_in_group": "Pupils sharing the group",
    "over_threshold": "Over the limit", "plan_hours": "Hours a week in the EHC plan",
    "scheduled_hours": "Hours a week scheduled now", "gap": "Gap (hours a week)", "status": "Status",
    "name": "Intervention", "areas": "Areas of need", "delivered_by": "Delivered by", "group_size": "Group size",
    "planned_weeks": "Planned weeks", "hourly_cost": "Hourly cost of that role (£)", "other_costs": "Other costs (£)",
    "measure": "Measure", "measure_scale": "Scale", "higher_is_better": "Higher score is better",
    "retired": "Retired", "staff_role": "Staff role",
    "places": "Pupil places this year", "with_both_scores": "Places with entry and exit scores", "missing_exit": "No exit score yet",
    "mean_gain": "Mean gain", "ci_low": "95% CI from", "ci_high": "95% CI to", "effect_size": "Effect size",
    "cost_per_pupil": "Cost per pupil (£)", "cost_per_pupil_per_gain": "£ per pupil per point gained",
    "compared_on": "Compared on (assessment)", "participant_change": "Their change on it",
    "comparison_change": "Similar pupils' change", "difference_in_gains": "Difference in gains",
    "comparison_pupils": "Similar pupils compared", "verdict": "Verdict", "reason": "Why",
    "sd_gain": "SD of gains", "t_critical": "t critical value", "sd_entry": "SD of these pupils' entry scores",
    "population_sd": "Population SD of the measure", "sd_source": "Where that SD comes from",
    "hedges_j": "Hedges' correction", "pre_post_effect": "Effect from entry to exit", "es_ci_low": "Effect 95% CI from",
    "es_ci_high": "Effect 95% CI to", "months_progress": "Months' additional progress (EEF)",
    "effect_basis": "Effect measured", "delivery": "Delivered", "session_times": "Sessions each week",
}


EFFECT_COLUMNS = ("effect_size", "es_ci_low", "es_ci_high", "pre_post_effect", "hedges_j")


def areas_text(codes) -> str:
    if codes is None or (not isinstance(codes, str) and pd.isna(codes)):
        return ""
    return ", ".join(AREA_NAMES.get(c, c) for c in str(codes).split("|") if c)


def wave_text(wave) -> str:
    return WAVE_LABELS.get(wave, str(wave))


def role_text(role) -> str:
    return str(role).replace("_", " ")


def show(frame: pd.DataFrame, columns: list[str], *, money: tuple[str, ...] = (), decimals: int = 1) -> pd.DataFrame:
    """Pick columns that exist, round, turn codes into words and rename to plain English."""
    out = frame[[c for c in columns if c in frame.columns]].copy()
    for col in out.columns:
        if col in money:
            out[col] = pd.to_numeric(out[col], errors="coerce").round(0)
        elif col in ("areas",):
            out[col] = out[col].map(areas_text)
        elif col == "wave":
            out[col] = out[col].map(wave_text)
        elif col == "delivery":
            out[col] = out[col].map(DELIVERY_LABELS).fillna(out[col])
        elif col == "delivered_by":
            out[col] = out[col].map(role_text)
        elif col == "year_group":
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
        elif col in ("start_date", "end_date", "planned_end"):
            out[col] = pd.to_datetime(out[col]).dt.date
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(2 if col in EFFECT_COLUMNS else decimals)
    return out.rename(columns=LABELS)


from ..text import md_escape  # noqa: E402, F401  (re-exported for the provision pages)


def money_config(_columns=None) -> dict:
    """st.dataframe column_config: every £ column with thousands separators (whole pounds), dates as 5 Jan 2026."""
    import streamlit as st

    config = {label: st.column_config.NumberColumn(format="localized")
              for label in LABELS.values() if "(£" in label or label.startswith("£")}
    config.update({LABELS[c]: st.column_config.DateColumn(format="D MMM YYYY") for c in ("start_date", "end_date", "planned_end")})
    return config
