"""What provision costs: per allocation, per pupil, by year group, area and wave, and against funding.

The formula (all pure functions of an allocations DataFrame, so it is checked by hand in the tests):

- **Session cost** = hourly cost of the ``delivered_by`` staff role (``staff_role_costs``) x
  ``minutes_per_session`` / 60.
- **A group's weekly cost** = ``sessions_per_week`` x session cost.
- **Pupils in the group** (the divisor): allocations to the same intervention with the same
  ``group_label`` whose dates overlap this one (counting itself); with no label, the intervention's
  ``group_size`` (at least 1).
- **Weekly cost per pupil** = a group's weekly cost / pupils in the group.
- **Other costs** (``interventions.other_costs``: materials, licences, training for one run of the
  programme with one group) are spread per pupil the same way: other costs / pupils in the group,
  counted in full from the allocation's first day.
- **Planned last day**: ``end_date`` if set, else start + ``planned_weeks`` weeks - 1 day.
- **Weeks** are days held / 7, counting the first and the last day (so 10 planned weeks = 10 weeks).
- **Cost to date** = weekly cost per pupil x weeks from the start to ``as_at`` (or the planned last
  day, if earlier) + the other-costs share once started.
- **Projected cost** = weekly cost per pupil x weeks from start to the planned last day + other-costs share.
- **This year** (for the budget): the same, counting only the days inside the academic year (and the
  other-costs share if the allocation starts in it); ``year_cost_to_date`` stops at ``as_at``.
- **Staff hours a week per pupil** = sessions_per_week x minutes / 60 / pupils in the group;
  **pupil hours a week** = sessions_per_week x minutes / 60.

When the viewer may not see costs the SQL returns ``hourly_cost`` and ``other_costs`` as NULL, so every
cost column here is NULL too; :func:`strip_costs` then drops them before anything is shown.

- **Minutes a week out of class** = sessions a week x minutes, for allocations delivered by withdrawing
  the pupil from lessons only (``delivery`` 'withdrawn'; in-class support takes no one out of the room).
  Sessions a week are the sessions recorded for the allocation (``allocation_sessions``), or the
  intervention's planned sessions_per_week while none is recorded.

Totals by broad area put each allocation, whole, under its pupil's own primary need when it started
(``need_area_code``, migration 018), so area totals add up to the whole-school total and reflect the
needs of the pupils the money was spent on, not the areas an intervention is tagged with.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from . import NEED_AREA_NAMES, WAVES

COST_COLUMNS = ("hourly_cost", "other_costs", "session_cost", "weekly_group_cost", "weekly_cost",
                "other_cost_share", "cost_to_date", "projected_cost", "year_cost", "year_cost_to_date",
                "cost_per_pupil", "spend_to_date", "projected_spend", "cost_per_pupil_per_gain")


# The formulas, once for Python; their SQL twins are macros of the same names in 026_house.sql (a test
# checks each pair agrees). Each takes numbers or pandas Series alike.


def hours_a_week(sessions_per_week, minutes_per_session):
    """Hours a week of an intervention's sessions: sessions a week x minutes / 60."""
    return sessions_per_week * minutes_per_session / 60


def weekly_group_cost(hourly_cost, minutes_per_session, sessions_per_week):
    """What a group's sessions cost a week: sessions a week x (hourly cost x minutes / 60)."""
    return sessions_per_week * (hourly_cost * minutes_per_session / 60)


def pupil_share_cost(weekly_group_cost, pupils, days, other_costs, counts_other):
    """One pupil's share of a group's cost over some days: weekly group cost / pupils x days / 7, plus the
    pupil's share of the other costs where ``counts_other`` (else nothing, even if other costs are unknown)."""
    return weekly_group_cost / pupils * days / 7 + np.where(counts_other, other_costs / pupils, 0.0)


def _days(start: pd.Series, end: pd.Series) -> pd.Series:
    """Days from start to end inclusive, never below 0."""
    d = (pd.to_datetime(end) - pd.to_datetime(start)).dt.days + 1
    return d.clip(lower=0).astype(float)


def _ts(value) -> pd.Timestamp:
    return pd.Timestamp(value)


def withdrawn_minutes(frame: pd.DataFrame) -> pd.Series:
    """Minutes a week out of lessons: recorded sessions (else the planned number) x minutes, for
    withdrawn allocations only; 0 for in-class support."""
    planned = frame["sessions_per_week"].astype(float)
    recorded = pd.to_numeric(frame.get("sessions_recorded", pd.Series(0, index=frame.index)), errors="coerce").fillna(0)
    sessions = recorded.where(recorded > 0, planned).astype(float)
    delivery = frame.get("delivery", pd.Series("withdrawn", index=frame.index)).fillna("withdrawn")
    return (sessions * frame["minutes_per_session"].astype(float)).where(delivery == "withdrawn", 0.0)


def allocation_costs(frame: pd.DataFrame, as_at: date, year_start: date | None = None,
                     year_end: date | None = None) -> pd.DataFrame:
    """Add the cost, hours and weeks columns (see the module docstring) to an allocations frame."""
    out = frame.copy()
    if out.empty:
        for col in ("session_cost", "weekly_group_cost", "weekly_cost", "other_cost_share", "weeks_to_date",
                    "weeks_planned", "cost_to_date", "projected_cost", "year_cost", "year_cost_to_date",
                    "pupil_hours_week", "staff_hours_week", "minutes_week", "current"):
            out[col] = pd.Series(dtype=float)
        return out
    as_at_ts = _ts(as_at)
    start = pd.to_datetime(out["start_date"])
    planned_end = pd.to_datetime(out["planned_end"])
    n = pd.to_numeric(out["pupils_in_group"], errors="coerce").fillna(1).clip(lower=1).astype(float)
    sessions = out["sessions_per_week"].astype(float)
    minutes = out["minutes_per_session"].astype(float)
    hourly = pd.to_numeric(out["hourly_cost"], errors="coerce").astype(float)
    other = pd.to_numeric(out["other_costs"], errors="coerce").astype(float)

    out["session_cost"] = hourly * minutes / 60
    out["weekly_group_cost"] = weekly_group_cost(hourly, minutes, sessions)
    out["weekly_cost"] = out["weekly_group_cost"] / n
    out["other_cost_share"] = other / n
    started = start <= as_at_ts
    out["weeks_to_date"] = _days(start, planned_end.where(planned_end < as_at_ts, as_at_ts)) / 7
    out["weeks_planned"] = _days(start, planned_end) / 7
    out["cost_to_date"] = out["weekly_cost"] * out["weeks_to_date"] + out["other_cost_share"].where(started, 0.0)
    out["projected_cost"] = pupil_share_cost(out["weekly_group_cost"], n, _days(start, planned_end), other, True)
    if year_start is not None and year_end is not None:
        ys, ye = _ts(year_start), _ts(year_end)
        lo = start.where(start > ys, ys)
        hi = planned_end.where(planned_end < ye, ye)
        hi_now = hi.where(hi < as_at_ts, as_at_ts)
        in_year = (start >= ys) & (start <= ye)
        out["year_cost"] = pupil_share_cost(out["weekly_group_cost"], n, _days(lo, hi), other, in_year)
        out["year_cost_to_date"] = (out["weekly_cost"] * _days(lo, hi_now) / 7
                                    + out["other_cost_share"].where(in_year & started, 0.0))
    else:
        out["year_cost"] = out["projected_cost"]
        out["year_cost_to_date"] = out["cost_to_date"]
    out["pupil_hours_week"] = hours_a_week(sessions, minutes)
    out["staff_hours_week"] = out["pupil_hours_week"] / n
    out["minutes_week"] = withdrawn_minutes(out)
    end = pd.to_datetime(out["end_date"])
    out["current"] = started & (end.isna() | (end >= as_at_ts))
    return out


def strip_costs(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without any money column: what a teacher's page is built from."""
    return frame.drop(columns=[c for c in COST_COLUMNS if c in frame.columns])


def _area_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Each allocation under the broad area of its pupil's own primary need when it started
    (``need_area_code``; 'NONE' when none was recorded), whole: weight 1."""
    rows = frame.assign(area_code=frame["need_area_code"].fillna("NONE").astype(str), weight=1.0)
    rows["area"] = rows["area_code"].map(NEED_AREA_NAMES).fillna(rows["area_code"])
    return rows


def summarise(frame: pd.DataFrame, by: str, *, with_costs: bool) -> pd.DataFrame:
    """Totals of a costed allocations frame by 'year_group', 'area', 'wave' or 'intervention'.

    Columns: the key, interventions, pupils (distinct, in the period), pupils_now, pupil_hours_week and
    staff_hours_week (allocations current at as_at), and with costs: year_cost_to_date, year_cost.
    """
    if frame.empty:
        return pd.DataFrame(columns=[by, "interventions", "pupils", "pupils_now", "pupil_hours_week",
                                     "staff_hours_week"] + (["year_cost_to_date", "year_cost"] if with_costs else []))
    rows = _area_rows(frame) if by == "area" else frame.assign(weight=1.0)
    rows = rows.copy()
    now = rows["current"].astype(bool)
    rows["w_pupil_hours"] = rows["pupil_hours_week"] * rows["weight"] * now
    rows["w_staff_hours"] = rows["staff_hours_week"] * rows["weight"] * now
    rows["pupil_now"] = rows["pupil_id"].where(now)
    agg = dict(interventions=("intervention_id", "nunique"), pupils=("pupil_id", "nunique"),
               pupils_now=("pupil_now", "nunique"), pupil_hours_week=("w_pupil_hours", "sum"),
               staff_hours_week=("w_staff_hours", "sum"))
    if with_costs:
        rows["w_year_to_date"] = rows["year_cost_to_date"] * rows["weight"]
        rows["w_year"] = rows["year_cost"] * rows["weight"]
        agg.update(year_cost_to_date=("w_year_to_date", lambda s: s.sum(min_count=1)),
                   year_cost=("w_year", lambda s: s.sum(min_count=1)))
    out = rows.groupby(by, dropna=False).agg(**agg).reset_index()
    if by == "wave":
        out["_o"] = out["wave"].map({w: i for i, w in enumerate(WAVES)})
        out = out.sort_values("_o").drop(columns="_o")
    elif by == "year_group":
        out = out.sort_values("year_group")
    elif by == "area":
        out = out.sort_values("area")
    return out.reset_index(drop=True)


def pupil_costs(frame: pd.DataFrame) -> pd.DataFrame:
    """Each pupil's provision: interventions, minutes a week now, and costs (to date, for the year)."""
    if frame.empty:
        return pd.DataFrame(columns=["pupil_id", "first_name", "last_name", "year_group", "sen_group",
                                     "interventions", "minutes_week_now", "year_cost_to_date", "year_cost"])
    keys = ["pupil_id", "first_name", "last_name", "year_group", "sen_group"]
    f = frame.assign(minutes_week_now=frame["minutes_week"].where(
        frame["current"].astype(bool) & (frame["wave"] != "universal"), 0.0))
    by_pupil = f.groupby(keys, dropna=False)  # built-in aggregations only: a lambda per group is slow
    names = (f.drop_duplicates(keys + ["intervention"]).sort_values("intervention")
             .groupby(keys, dropna=False)["intervention"].agg("; ".join).rename("interventions"))
    out = (pd.concat([names, by_pupil["minutes_week_now"].sum(),
                      by_pupil[["year_cost_to_date", "year_cost"]].sum(min_count=1)], axis=1)
           .reset_index())
    return out.sort_values(["year_cost", "last_name"], ascending=[False, True], na_position="last").reset_index(drop=True)


def budget(frame: pd.DataFrame, funding: pd.DataFrame) -> dict:
    """Spend this academic year against the notional SEN budget and top-up (and other SEND lines).

    ``frame`` is a costed allocations frame or the one-row totals of
    ``allocations.year_summary(..., "all")`` (the sums are the same). Returns notional_sen, top_up, other,
    total_funding, spend_to_date, projected_spend, left_to_date (funding - spend to date) and
    left_projected (funding - projected spend); None where unknown.
    """
    lines = {} if funding is None or funding.empty else dict(zip(funding["line"], funding["amount"].astype(float)))
    notional, top_up, other = (lines.get(k) for k in ("notional_sen", "top_up", "other"))
    total = sum(v for v in (notional, top_up, other) if v is not None) if lines else None
    spend_to_date = float(frame["year_cost_to_date"].sum()) if not frame.empty and frame["year_cost_to_date"].notna().any() else (0.0 if frame.empty else None)
    projected = float(frame["year_cost"].sum()) if not frame.empty and frame["year_cost"].notna().any() else (0.0 if frame.empty else None)
    return {
        "notional_sen": notional, "top_up": top_up, "other": other, "total_funding": total,
        "spend_to_date": spend_to_date, "projected_spend": projected,
        "left_to_date": None if total is None or spend_to_date is None else total - spend_to_date,
        "left_projected": None if total is None or projected is None else total - projected,
    }


def hours_against_need(ehc: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Each EHC pupil's plan hours a week against hours scheduled in current allocations.

    scheduled_hours = sum over current allocations of sessions_per_week x minutes / 60;
    gap = plan_hours - scheduled_hours (positive: fewer hours than the plan sets out).
    """
    cols = ["pupil_id", "first_name", "last_name", "year_group", "plan_hours", "scheduled_hours", "gap", "status"]
    if ehc.empty:
        return pd.DataFrame(columns=cols)
    current = frame[frame["current"].astype(bool)] if not frame.empty else frame
    sched = (current.groupby("pupil_id")["pupil_hours_week"].sum() if not current.empty
             else pd.Series(dtype=float))
    out = ehc.copy()
    out["scheduled_hours"] = out["pupil_id"].map(sched).fillna(0.0).astype(float)
    out["plan_hours"] = pd.to_numeric(out["plan_hours"], errors="coerce")
    out["gap"] = out["plan_hours"] - out["scheduled_hours"]

    def status(row) -> str:
        if pd.isna(row["plan_hours"]):
            return "Plan hours not recorded"
        if row["gap"] > 0.01:
            return f"Short by {row['gap']:.1f} h a week"
        if row["gap"] < -0.01:
            return f"{-row['gap']:.1f} h a week above the plan"
        return "Matches the plan"

    out["status"] = out.apply(status, axis=1)
    out = out.sort_values("gap", ascending=False, na_position="first")
    return out[cols].reset_index(drop=True)


def time_out_of_class(frame: pd.DataFrame, threshold_minutes: float = 120) -> pd.DataFrame:
    """Minutes a week each pupil spends out of class in current allocations delivered by withdrawing them
    from lessons (in-class support, whatever its wave, does not count), flagged over the threshold."""
    cols = ["pupil_id", "first_name", "last_name", "year_group", "interventions", "minutes_week", "over_threshold"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    f = frame[frame["current"].astype(bool) & (frame["minutes_week"] > 0)]
    if f.empty:
        return pd.DataFrame(columns=cols)
    out = f.groupby(["pupil_id", "first_name", "last_name", "year_group"], dropna=False).agg(
        interventions=("intervention", lambda s: "; ".join(sorted(set(s)))),
        minutes_week=("minutes_week", "sum")).reset_index()
    out["over_threshold"] = out["minutes_week"] > threshold_minutes
    out = out.sort_values(["minutes_week", "last_name"], ascending=[False, True])
    return out[cols].reset_index(drop=True)

