"""Graduated approach: is assess, plan, do, review happening for pupils on the register?"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from ..db import Database
from ..scope import Scope
from . import ON_REGISTER, pct
from .register import roster

BUCKETS = ((0, 42, "Up to 6 weeks"), (43, 91, "6 to 13 weeks"), (92, 182, "13 weeks to 6 months"),
           (183, 365, "6 to 12 months"), (366, None, "Over a year"))
NEVER = "No review recorded"
BUCKET_ORDER = [b[2] for b in BUCKETS] + [NEVER]


def bucket(days) -> str:
    if days is None or pd.isna(days):
        return NEVER
    for low, high, label in BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return NEVER


def _name(frame: pd.DataFrame) -> pd.Series:
    return frame["first_name"] + " " + frame["last_name"]


def current_plans(plans: pd.DataFrame, as_at: date) -> pd.DataFrame:
    """Plans open at a date: started on or before it and not closed by then."""
    # Compared as timestamps: with every plan still open, closed_on is all NULL and .dt.date would give a
    # datetime column that cannot be compared with a date.
    start = pd.to_datetime(plans["start_date"])
    closed = pd.to_datetime(plans["closed_on"])
    when = pd.Timestamp(as_at)
    return plans[(start <= when) & (closed.isna() | (closed > when))]


def plan_coverage(frame: pd.DataFrame, plans: pd.DataFrame, as_at: date) -> dict:
    """How many pupils on SEN support (and with EHC plans) have a support plan open at the date."""
    open_ids = set(current_plans(plans, as_at)["pupil_id"])
    out = {}
    for group, key in (("SEN support", "sen_support"), ("EHC plan", "ehc_plan")):
        ids = set(frame.loc[frame["sen_group"] == group, "pupil_id"])
        with_plan = len(ids & open_ids)
        out[key] = {"pupils": len(ids), "with_plan": with_plan, "pct": pct(with_plan, len(ids))}
    return out


def overdue(frame: pd.DataFrame, plans: pd.DataFrame, as_at: date) -> pd.DataFrame:
    """Open plans whose review date has passed, for pupils on roll, most overdue first."""
    late = current_plans(plans, as_at)
    late = late[pd.to_datetime(late["review_due"]).dt.date < as_at]
    rows = late.merge(frame, on="pupil_id", how="inner")
    due = pd.to_datetime(rows["review_due"]).dt.date
    out = pd.DataFrame({
        "pupil_id": rows["pupil_id"].astype(int), "Name": _name(rows), "Year": rows["year_group"].astype(int),
        "SEN status": rows["sen_group"], "Plan started": pd.to_datetime(rows["start_date"]).dt.date,
        "Review was due": due, "Days overdue": [(as_at - d).days for d in due],
    })
    return out.sort_values(["Days overdue", "Name"], ascending=[False, True]).reset_index(drop=True)


def days_since_review(frame: pd.DataFrame, occasions: pd.DataFrame, as_at: date) -> pd.DataFrame:
    """For each pupil on the register: the date of their last review and the days since, with a band."""
    reg = frame[frame["sen_group"].isin(ON_REGISTER)]
    last = {} if occasions.empty else {
        int(k): pd.Timestamp(v).date() for k, v in occasions.groupby("pupil_id")["reviewed_on"].max().items()}
    last_date = [last.get(int(pid)) for pid in reg["pupil_id"]]
    days = [(as_at - d).days if pd.notna(d) else None for d in last_date]
    return pd.DataFrame({"pupil_id": reg["pupil_id"].astype(int), "Name": _name(reg), "Year": reg["year_group"].astype(int),
                         "SEN status": reg["sen_group"], "Last review": last_date, "Days since": days,
                         "band": [bucket(d) for d in days]}).reset_index(drop=True)


def band_counts(days: pd.DataFrame) -> pd.DataFrame:
    counts = days.groupby(["band", "SEN status"]).size().rename("pupils").reset_index()
    counts["band"] = pd.Categorical(counts["band"], BUCKET_ORDER, ordered=True)
    return counts.sort_values(["band", "SEN status"]).reset_index(drop=True)


def voice_shares(occasions: pd.DataFrame, since: date, as_at: date) -> dict:
    """Of the review occasions from ``since`` to ``as_at``: how many recorded the pupil's and the
    parents' views."""
    when = pd.to_datetime(occasions["reviewed_on"]).dt.date if not occasions.empty else pd.Series(dtype=object)
    held = occasions[(when >= since) & (when <= as_at)] if not occasions.empty else occasions
    n = len(held)
    pupil, parent = (int(held[c].sum()) if n else 0 for c in ("pupil_voice", "parent_voice"))
    return {"reviews": n, "pupil_voice": pupil, "parent_voice": parent,
            "pupil_voice_pct": pct(pupil, n), "parent_voice_pct": pct(parent, n)}


def stuck(frame: pd.DataFrame, occasions: pd.DataFrame, *, at_least: int = 2) -> pd.DataFrame:
    """Pupils on the register whose most recent ``at_least`` (or more) review occasions rated every target
    'not yet', with how many in a row and since when."""
    cols = ["pupil_id", "Name", "Year", "SEN status", "Reviews in a row rated 'not yet'", "First of them", "Last review"]
    frame = frame[frame["sen_group"].isin(ON_REGISTER)]
    occ = occasions[occasions["pupil_id"].isin(frame["pupil_id"])] if not occasions.empty else occasions
    if occ.empty:
        return pd.DataFrame(columns=cols)
    occ = occ.sort_values(["pupil_id", "reviewed_on", "plan_id"], ascending=[True, False, False])
    broken = (~occ["all_not_yet"].astype(bool)).astype(int).groupby(occ["pupil_id"]).cumsum()
    run = occ[broken == 0]
    per = run.groupby("pupil_id").agg(streak=("reviewed_on", "size"), first=("reviewed_on", "min"),
                                      last=("reviewed_on", "max"))
    per = per[per["streak"] >= at_least].reset_index().merge(frame, on="pupil_id", how="inner")
    out = pd.DataFrame({
        "pupil_id": per["pupil_id"].astype(int), "Name": _name(per), "Year": per["year_group"].astype(int),
        "SEN status": per["sen_group"], "Reviews in a row rated 'not yet'": per["streak"].astype(int),
        "First of them": pd.to_datetime(per["first"]).dt.date, "Last review": pd.to_datetime(per["last"]).dt.date,
    }, columns=cols)
    return out.sort_values(["Reviews in a row rated 'not yet'", "Name"], ascending=[False, True]).reset_index(drop=True)


def graduated(db: Database, scope: Scope, school_id: int, as_at: date) -> dict:
    """Everything the Graduated approach page draws, in one cached call."""
    frame = roster(db, scope, school_id, as_at)
    params = dict(scope=scope, school_id=school_id, as_at=as_at)
    plans = db.query("leaders_plans_at", **params)
    occasions = db.query("leaders_review_occasions", **params)
    year_start = as_at - timedelta(days=365)
    # A held EHC annual review counts as a review (days since the last one); voices and 'not yet' ratings
    # are read from support-plan reviews only, which record them.
    days = days_since_review(frame, occasions, as_at)
    rated = occasions[occasions["source"] == "plan"] if "source" in occasions.columns else occasions
    return {"roster": frame, "coverage": plan_coverage(frame, plans, as_at), "overdue": overdue(frame, plans, as_at),
            "days": days, "bands": band_counts(days), "voice": voice_shares(rated, year_start, as_at),
            "year_start": year_start, "stuck": stuck(frame, rated), "has_plans": not plans.empty}
