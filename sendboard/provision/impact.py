"""Impact, measured: what each intervention achieved, how sure we can be, and what it cost per unit.

Per allocation, **gain** = exit score - entry score, with the sign flipped when a lower score is better
(``interventions.higher_is_better`` false), so a positive gain is always progress. Only allocations
with both scores have a gain; a missing exit score is never read as zero.

Per intervention (``places`` = allocations in the year; n = those with both scores):
- **mean gain** and its **95% confidence interval**: mean +/- t(0.975, n - 1) x SD(gains) / sqrt(n),
  with the t-distribution from scipy.stats.t (n = 3 gives t = 4.303).
- **effect size**: the standardised mean gain, mean gain / SD of the same pupils' entry scores (sample
  SD, n - 1). This is not Cohen's d against a comparison group: most interventions have no randomised
  comparison group, and dividing by the spread of starting scores puts measures on different scales
  on one footing. It cannot be computed when every entry score is the same.
- **difference in gains** (where termly assessment data allow): participants' change in the assessment
  subject named by the intervention's measure (or name), between the termly assessments whose census
  dates are nearest the allocation's start and its end (two different terms), minus the mean change over the same two terms of similar pupils not in it (same year
  group, same broad area of primary need). See ``provision_comparison`` in sendboard/sql/provision.sql.
- **cost per pupil** = mean projected cost of one pupil's allocation; **cost per pupil per unit of gain**
  = cost per pupil / mean gain (only when the mean gain is above zero).

**Verdict** in plain English:
- "Not enough data yet" when fewer than 5 pupils have both scores (the reason says how many have no
  exit score yet). An intervention with no exit scores is never reported as having no impact.
- "Good value" when the 95% CI of the mean gain lies above zero, the effect size is at least 0.2, and
  (where a comparison exists) participants gained more than similar pupils not in it.
- "Review it" otherwise, with the reason(s).
"""
from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats

from ..access import Viewer
from ..db import Database
from ..settings import get_int
from . import costs as costs_mod
from .allocations import aggregate_allocations, year_bounds

MIN_PUPILS = 5
SMALL_EFFECT = 0.2
VERDICTS = ("Good value", "Review it", "Not enough data yet")

IMPACT_COLUMNS = ["intervention_id", "intervention", "wave", "areas", "measure", "measure_scale", "higher_is_better", "places",
                  "with_both_scores", "missing_exit", "mean_gain", "sd_gain", "t_critical", "ci_low", "ci_high",
                  "sd_entry", "effect_size", "cost_per_pupil", "cost_per_pupil_per_gain", "compared_on",
                  "participant_change", "comparison_change", "difference_in_gains", "comparison_pupils",
                  "verdict", "reason"]


def gains(frame: pd.DataFrame) -> pd.Series:
    """Gain per allocation (NaN without both scores), positive = progress whatever the scale's direction."""
    raw = pd.to_numeric(frame["exit_score"], errors="coerce") - pd.to_numeric(frame["entry_score"], errors="coerce")
    sign = np.where(frame["higher_is_better"].astype(bool), 1.0, -1.0)
    return raw * sign


def mean_ci(values, confidence: float = 0.95) -> dict:
    """n, mean, sample SD, the t critical value and the confidence interval of the mean."""
    x = np.asarray([v for v in values if v is not None and not pd.isna(v)], dtype=float)
    n = len(x)
    out = {"n": n, "mean": np.nan, "sd": np.nan, "t_critical": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    if n == 0:
        return out
    out["mean"] = float(x.mean())
    if n >= 2:
        sd = float(x.std(ddof=1))
        t_crit = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
        half = t_crit * sd / math.sqrt(n)
        out.update(sd=sd, t_critical=t_crit, ci_low=out["mean"] - half, ci_high=out["mean"] + half)
    return out


def effect_size(mean_gain: float, entry_scores) -> float:
    """Mean gain / sample SD of entry scores (NaN when it cannot be computed)."""
    x = np.asarray([v for v in entry_scores if v is not None and not pd.isna(v)], dtype=float)
    if len(x) < 2 or pd.isna(mean_gain):
        return np.nan
    sd = float(x.std(ddof=1))
    return np.nan if sd == 0 else float(mean_gain) / sd


def _money(value) -> str:
    return "" if value is None or pd.isna(value) else f"£{value:,.0f}"


def size_word(es: float) -> str:
    """Conventional words for an effect size: under 0.2 negligible, 0.2 small, 0.5 medium, 0.8 large."""
    if pd.isna(es):
        return "unknown"
    if es < 0:
        return "negative"
    return "negligible" if es < 0.2 else "small" if es < 0.5 else "medium" if es < 0.8 else "large"


def verdict(row: dict) -> tuple[str, str]:
    """The plain-English verdict and its reason for one intervention's figures."""
    n, missing = int(row["with_both_scores"]), int(row["missing_exit"])
    waiting = f" {missing} {'are' if missing != 1 else 'is'} waiting for an exit score." if missing else ""
    if n < MIN_PUPILS:
        if n == 0:
            return "Not enough data yet", "No pupil has both an entry and an exit score yet." + waiting
        return "Not enough data yet", (f"Only {n} pupil{'s have' if n != 1 else ' has'} both an entry and an exit score; "
                                       f"at least {MIN_PUPILS} are needed to judge impact." + waiting)
    mean, lo, hi, es = row["mean_gain"], row["ci_low"], row["ci_high"], row["effect_size"]
    diff = row.get("difference_in_gains")
    scale = row.get("measure_scale") or "points"
    direction = "" if row.get("higher_is_better", True) else ", where a lower score is better, so a fall counts as a gain"
    summary = (f"{n} pupils measured: average gain {mean:+.1f} ({scale}{direction}); we can be 95% sure the true "
               f"average gain is between {lo:+.1f} and {hi:+.1f}.")
    summary += (f" Effect size {es:.2f} ({size_word(es)})." if not pd.isna(es)
                else " Effect size unknown (every entry score was the same).")
    if not pd.isna(row.get("cost_per_pupil", np.nan)):
        summary += f" {_money(row['cost_per_pupil'])} a pupil."
    if diff is not None and not pd.isna(diff):
        summary += (f" In termly {row.get('compared_on') or ''} assessments they moved {diff:+.1f} points against "
                    "similar pupils who were not in it.")
    problems = []
    if not (lo > 0):
        problems.append("pupils went backwards on average" if mean < 0 else
                        "the gain could be zero (the 95% range includes 0)")
    if (pd.isna(es) or es < SMALL_EFFECT) and not mean < 0:
        problems.append(f"the effect is {size_word(es)} (below {SMALL_EFFECT})" if not pd.isna(es) else "the effect size is unknown")
    if diff is not None and not pd.isna(diff) and diff <= 0:
        problems.append("similar pupils not in it improved as much or more")
    if problems:
        return "Review it", summary + " Why review: " + "; ".join(problems) + "."
    return "Good value", summary


def intervention_impact(frame: pd.DataFrame, comparison: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per intervention (columns IMPACT_COLUMNS) from a costed allocations frame."""
    if frame.empty:
        return pd.DataFrame(columns=IMPACT_COLUMNS)
    f = frame.copy()
    f["gain"] = gains(f)
    has_costs = "projected_cost" in f.columns and f["projected_cost"].notna().any()
    rows = []
    for (iid, name), g in f.groupby(["intervention_id", "intervention"], sort=False):
        both = g[g["gain"].notna()]
        ci = mean_ci(both["gain"])
        es = effect_size(ci["mean"], both["entry_score"])
        cost_pp = float(g["projected_cost"].mean()) if has_costs else np.nan
        row = {
            "intervention_id": int(iid), "intervention": name, "wave": g["wave"].iloc[0], "areas": g["areas"].iloc[0],
            "measure": g["measure"].iloc[0], "measure_scale": g["measure_scale"].iloc[0],
            "higher_is_better": bool(g["higher_is_better"].iloc[0]),
            "places": int(len(g)), "with_both_scores": ci["n"],
            "missing_exit": int((g["entry_score"].notna() & g["exit_score"].isna()).sum()),
            "mean_gain": ci["mean"], "sd_gain": ci["sd"], "t_critical": ci["t_critical"],
            "ci_low": ci["ci_low"], "ci_high": ci["ci_high"],
            "sd_entry": float(both["entry_score"].std(ddof=1)) if len(both) >= 2 else np.nan,
            "effect_size": es, "cost_per_pupil": cost_pp,
            "cost_per_pupil_per_gain": cost_pp / ci["mean"] if has_costs and ci["mean"] > 0 else np.nan,
            "compared_on": None, "participant_change": np.nan, "comparison_change": np.nan,
            "difference_in_gains": np.nan, "comparison_pupils": np.nan,
        }
        if comparison is not None and not comparison.empty:
            match = comparison[comparison["intervention_id"] == iid]
            if not match.empty:
                m = match.iloc[0]
                row.update(compared_on=m["compared_on"], participant_change=float(m["participant_change"]),
                           comparison_change=float(m["comparison_change"]),
                           difference_in_gains=float(m["difference_in_gains"]),
                           comparison_pupils=int(m["comparison_pupils"]))
        row["verdict"], row["reason"] = verdict(row)
        rows.append(row)
    out = pd.DataFrame(rows, columns=IMPACT_COLUMNS)
    order = {v: i for i, v in enumerate(VERDICTS)}
    out["_o"] = out["verdict"].map(order)
    return out.sort_values(["_o", "intervention"]).drop(columns="_o").reset_index(drop=True)


def intervention_figures(db: Database, viewer: Viewer, school_id: int, academic_year: int) -> pd.DataFrame:
    """One row per intervention of the year (columns IMPACT_COLUMNS, no comparison or verdict yet), the
    totals worked out in SQL (provision_impact) and only the t-based interval and effect size here.

    The same figures as :func:`intervention_impact` over :func:`year_allocations` (head and SENCO)."""
    viewer.require_role({"head", "senco"})
    raw = db.query("provision_impact", viewer_id=viewer.user_id, school_id=int(school_id),
                   academic_year=int(academic_year))
    return _figures(raw)


def _figures(raw: pd.DataFrame) -> pd.DataFrame:
    """Add the t critical value, the 95% interval and the effect size to per-intervention totals."""
    out = raw.copy()
    n = out["with_both_scores"].astype(float).to_numpy()
    sd = out["sd_gain"].astype(float).to_numpy()
    mean = out["mean_gain"].astype(float).to_numpy()
    sd_entry = out["sd_entry"].astype(float).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        t_crit = np.where(n >= 2, stats.t.ppf(0.975, np.maximum(n - 1, 1)), np.nan)
        half = t_crit * sd / np.sqrt(n)
        out["t_critical"] = t_crit
        out["ci_low"], out["ci_high"] = mean - half, mean + half
        out["sd_entry"] = np.where(n >= 2, sd_entry, np.nan)
        out["effect_size"] = np.where((n >= 2) & (sd_entry != 0), mean / sd_entry, np.nan)
        cost = out["cost_per_pupil"].astype(float).to_numpy()
        out["cost_per_pupil"] = cost
        out["cost_per_pupil_per_gain"] = np.where(mean > 0, cost / mean, np.nan)
    out["sd_gain"] = np.where(n >= 2, sd, np.nan)
    out["higher_is_better"] = out["higher_is_better"].astype(bool)
    for col in ("places", "with_both_scores", "missing_exit"):
        out[col] = out[col].astype(int)
    out["compared_on"] = None
    for col in ("participant_change", "comparison_change", "difference_in_gains", "comparison_pupils"):
        out[col] = np.nan
    out["verdict"] = None
    out["reason"] = None
    return out[IMPACT_COLUMNS]


def with_verdicts(figures: pd.DataFrame, comparison: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per-intervention figures with the difference in gains against similar pupils (where compared)
    and the verdict and its reason, ordered as the impact page lists them."""
    if figures.empty:
        return pd.DataFrame(columns=IMPACT_COLUMNS)
    out = figures.copy()
    if comparison is not None and not comparison.empty:
        match = comparison.drop_duplicates("intervention_id").set_index("intervention_id")
        ids = out["intervention_id"]
        found = ids.isin(match.index)
        out["compared_on"] = ids.map(match["compared_on"]).where(found, None)
        for col in ("participant_change", "comparison_change", "difference_in_gains"):
            out[col] = ids.map(match[col]).astype(float)
        out["comparison_pupils"] = ids.map(match["comparison_pupils"]).astype(float)
    verdicts = [verdict(row) for row in out.to_dict("records")]
    out["verdict"] = [v for v, _ in verdicts]
    out["reason"] = [r for _, r in verdicts]
    order = {v: i for i, v in enumerate(VERDICTS)}
    out["_o"] = out["verdict"].map(order)
    return out.sort_values(["_o", "intervention"]).drop(columns="_o").reset_index(drop=True)


def pupil_gains(frame: pd.DataFrame) -> pd.DataFrame:
    """Per allocation: pupil, intervention, dates, entry, exit and gain (NaN gain shown as not yet)."""
    cols = ["intervention", "first_name", "last_name", "year_group", "group_label", "start_date", "end_date",
            "sessions_attended", "entry_score", "exit_score", "gain"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    f = frame.copy()
    f["gain"] = gains(f)
    return f[cols].sort_values(["intervention", "last_name", "first_name"]).reset_index(drop=True)


def comparison(db: Database, viewer: Viewer, school_id: int, academic_year: int, as_at: date) -> pd.DataFrame:
    ys, ye = year_bounds(db, academic_year)
    return db.query("provision_comparison", viewer_id=viewer.user_id, school_id=int(school_id),
                    from_date=ys, to_date=ye, as_at=as_at)


def _as_at(db: Database, academic_year: int, as_at: date | None) -> date:
    from .. import clock

    ys, ye = year_bounds(db, academic_year)
    day = as_at or clock.today()
    return min(max(day, ys), ye)


AGGREGATE_ROLES = frozenset({"head", "senco", "governor", "trust"})


def _suppress_for_governor(db: Database, viewer: Viewer, frame: pd.DataFrame, count_cols) -> pd.DataFrame:
    """Counts of pupils below the disclosure threshold are withheld from governors."""
    if viewer.role != "governor" or frame.empty:
        return frame
    threshold = get_int(db, "disclosure_threshold")
    out = frame.copy()
    for col in count_cols:
        if col in out.columns:
            small = out[col].notna() & (out[col] < threshold) & (out[col] > 0)
            out[col] = out[col].astype("Float64").mask(small)
    return out


def spend_by_area(db: Database, viewer: Viewer, school_id: int, academic_year: int,
                  as_at: date | None = None) -> pd.DataFrame:
    """Spend on provision in an academic year by broad area of need (no pupil-level rows).

    Columns: area, interventions, pupils, pupils_now, pupil_hours_week, staff_hours_week,
    year_cost_to_date, year_cost (projected for the year). An intervention for several areas is split
    equally between them. For governors, pupil counts under the disclosure threshold are withheld.
    """
    viewer.require_role(AGGREGATE_ROLES)
    day = _as_at(db, academic_year, as_at)
    frame = aggregate_allocations(db, viewer, school_id, academic_year, day)
    out = costs_mod.summarise(frame, "area", with_costs=True)
    return _suppress_for_governor(db, viewer, out, ["pupils", "pupils_now"])


def impact_summary(db: Database, viewer: Viewer, school_id: int, academic_year: int,
                   as_at: date | None = None) -> pd.DataFrame:
    """Measured impact per intervention in an academic year (no pupil-level rows).

    Columns: IMPACT_COLUMNS (intervention, places (allocations: a pupil in it twice counts twice),
    with_both_scores, mean_gain, ci_low, ci_high,
    effect_size, cost_per_pupil, difference_in_gains, verdict, reason, ...). For governors, figures
    resting on fewer pupils than the disclosure threshold are withheld.
    """
    viewer.require_role(AGGREGATE_ROLES)
    day = _as_at(db, academic_year, as_at)
    frame = aggregate_allocations(db, viewer, school_id, academic_year, day)
    out = intervention_impact(frame, comparison(db, viewer, school_id, academic_year, day))
    if viewer.role == "governor" and not out.empty:
        threshold = get_int(db, "disclosure_threshold")
        few = out["with_both_scores"] < threshold
        for col in ("mean_gain", "sd_gain", "ci_low", "ci_high", "sd_entry", "effect_size", "cost_per_pupil_per_gain"):
            out[col] = out[col].mask(few)
        out = _suppress_for_governor(db, viewer, out, ["places", "with_both_scores", "missing_exit", "comparison_pupils"])
    return out


def year_impact(db: Database, viewer: Viewer, frame: pd.DataFrame, school_id: int, academic_year: int,
                as_at: date) -> pd.DataFrame:
    """The impact table for the impact page, from the viewer's costed allocations frame."""
    viewer.require_role({"head", "senco"})
    return intervention_impact(frame, comparison(db, viewer, school_id, academic_year, as_at))


def impact_for_year(db: Database, viewer: Viewer, school_id: int, academic_year: int, as_at: date,
                    today: date) -> dict[str, pd.DataFrame]:
    """What the impact page shows: {'impact': one row per intervention (totals in SQL, see
    :func:`intervention_figures`), 'pupils': gains per allocation}."""
    from .allocations import year_allocations

    viewer.require_role({"head", "senco"})
    figures = intervention_figures(db, viewer, school_id, academic_year)
    table = with_verdicts(figures, comparison(db, viewer, school_id, academic_year, as_at))
    frame = year_allocations(db, viewer, school_id, academic_year, as_at, today)
    return {"impact": table, "pupils": pupil_gains(frame)}
