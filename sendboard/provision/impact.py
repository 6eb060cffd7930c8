"""Impact, measured as education research measures it: what each intervention achieved, how sure we
can be, and what it cost. The method, with a worked example and sources, is in docs/methods.md.

Per allocation, **gain** = exit score - entry score, with the sign flipped when a lower score is better
(``interventions.higher_is_better`` false), so a positive gain is always progress. On an age-equivalent
scale (``measure_scale`` 'months': a reading or maths age) a pupil grows older between the two scores,
so the months that passed are taken off: only progress beyond ordinary growth counts. Only allocations
with both scores have a gain; a missing exit score is never read as zero. As at a date, an entry score
counts once the allocation has started and an exit score once it has ended (scores are taken then).

Per intervention (``places`` = allocations in the year; n = those with both scores):
- **mean gain** and its **95% confidence interval**: mean +/- t(0.975, n - 1) x SD(gains) / sqrt(n), the
  t quantile found by bisection on Student's t distribution (:func:`t_quantile`; 4.303 on 2 df).
- **effect size** (Hedges' g): mean gain / the measure's *population* standard deviation, times
  Hedges' small-sample correction J = 1 - 3 / (4 df - 1). Not the spread of the selected pupils' own
  entry scores: intervention groups are chosen to be alike, so that spread is small and inflates the
  effect several times over. The population SD is 15 for standardised scores, a published figure for
  the measures in :data:`PUBLISHED_SPREADS`, or else the whole school's spread of entry scores on the
  same measure (every allocation measured on it, every year; at least :data:`MIN_COHORT_SCORES`).
  Its 95% interval is the mean gain's interval on the same scale.
- **difference in gains** (where termly assessment data allow): participants' change in the assessment
  subject named by the intervention's measure (or name), between the termly assessments whose census
  dates are nearest the allocation's start and its end, minus the mean change over the same two terms
  of similar pupils not in it (same year group, same broad area of primary need). Where it exists it
  *is* the effect: (difference) / the assessment's population SD, Hedges-corrected on n1 + n2 - 2
  degrees of freedom, with a 95% interval from the standard error sqrt(s1^2/n1 + s2^2/n2).
- **months' additional progress**: the effect size on the Education Endowment Foundation's published
  conversion table (:func:`eef_months`).
- **cost per pupil** = mean projected cost of one pupil's allocation; **cost per pupil per unit of gain**
  = cost per pupil / mean gain (only when the mean gain is above zero).

**Verdict** in plain English:
- "Not enough data yet" when fewer than 5 pupils have both scores, or the effect cannot be put on a
  common scale (no published SD and too few scores in the school to estimate one).
- "Good value" only when the effect's 95% interval lies wholly above zero.
- "Review it" otherwise, saying whether the effect could be nothing or pupils did measurably worse.
"""
from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

from ..access import Viewer
from ..db import Database
from ..settings import get_int
from . import costs as costs_mod
from .allocations import aggregate_allocations, year_bounds

MIN_PUPILS = 5
MIN_COHORT_SCORES = 10
DAYS_PER_MONTH = 365.25 / 12
VERDICTS = ("Good value", "Review it", "Not enough data yet")

# A measure's population standard deviation where one is published: (word found in the measure or its
# scale, SD, where it comes from). First match wins. Sources are listed in docs/methods.md.
PUBLISHED_SPREADS = (
    ("standardised", 15.0, "standardised scores are set to mean 100, SD 15"),
    ("t-score", 10.0, "T-scores are set to mean 50, SD 10"),
    ("sdq", 6.0, "SDQ total difficulties, teacher-rated, British norms for ages 5 to 15: SD 6.0"),
)

# The EEF Teaching and Learning Toolkit's conversion: (largest effect size, months) in order; an effect
# size is rounded to two decimal places first; above 0.95 is 12 months; negatives mirror it.
EEF_MONTHS = ((0.01, 0), (0.09, 1), (0.18, 2), (0.26, 3), (0.35, 4), (0.44, 5), (0.52, 6), (0.61, 7),
              (0.69, 8), (0.78, 9), (0.87, 10), (0.95, 11))

IMPACT_COLUMNS = ["intervention_id", "intervention", "wave", "areas", "measure", "measure_scale", "higher_is_better", "places",
                  "with_both_scores", "missing_exit", "mean_gain", "sd_gain", "t_critical", "ci_low", "ci_high",
                  "sd_entry", "population_sd", "sd_source", "hedges_j", "pre_post_effect",
                  "effect_size", "es_ci_low", "es_ci_high", "months_progress", "effect_basis",
                  "cost_per_pupil", "cost_per_pupil_per_gain", "compared_on",
                  "participant_change", "comparison_change", "difference_in_gains", "comparison_pupils",
                  "verdict", "reason"]


def gains(frame: pd.DataFrame, as_at: date | None = None) -> pd.Series:
    """Gain per allocation (NaN without both scores), positive = progress whatever the scale's direction;
    on a 'months' scale less the months between the start and the end. With ``as_at``, an exit score
    taken after that date (the allocation ended later) is not yet known."""
    entry = pd.to_numeric(frame["entry_score"], errors="coerce")
    exit_ = pd.to_numeric(frame["exit_score"], errors="coerce")
    ended = pd.to_datetime(_exit_day(frame))
    if as_at is not None:
        exit_ = exit_.where(ended <= pd.Timestamp(as_at))
    scale = frame["measure_scale"] if "measure_scale" in frame.columns else pd.Series("", index=frame.index)
    start = frame["start_date"] if "start_date" in frame.columns else ended  # no dates: no scale to age on
    return gain_of(entry, exit_, frame["higher_is_better"], scale, start, ended)


def gain_of(entry_score, exit_score, higher_is_better, measure_scale, start_day, exit_day) -> pd.Series:
    """The gain formula, once for Python (its SQL twin: the measured_gain macro, 026_house.sql): exit -
    entry, negated when a lower score is better; on a 'months' scale less the months between the days."""
    sign = np.where(pd.Series(higher_is_better).astype(bool).to_numpy(), 1.0, -1.0)
    gain = (exit_score - entry_score) * sign
    ageing = (pd.to_datetime(exit_day) - pd.to_datetime(start_day)).dt.days / DAYS_PER_MONTH
    return gain - np.where(_is_age_scale(pd.Series(measure_scale)), ageing, 0.0)


def _exit_day(frame: pd.DataFrame) -> pd.Series:
    """The day an exit score is taken: the end date, or the planned last day while none is recorded."""
    if "end_date" not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index)
    planned = frame["planned_end"] if "planned_end" in frame.columns else frame["end_date"]
    return pd.to_datetime(frame["end_date"]).fillna(pd.to_datetime(planned))


def _is_age_scale(scale: pd.Series) -> np.ndarray:
    return scale.fillna("").astype(str).str.strip().str.lower().eq("months").to_numpy()


def _beta_cf(a: float, b: float, x: float) -> float:
    """Continued fraction of the regularised incomplete beta function (modified Lentz's method)."""
    tiny, c, d = 1e-300, 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def _t_upper_tail(t: float, df: float) -> float:
    """P(T > t) for Student's t on df degrees of freedom (t >= 0): half the regularised incomplete beta
    I_x(df/2, 1/2) at x = df / (df + t^2)."""
    x = df / (df + t * t)
    a, b = df / 2.0, 0.5
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        ibeta = front * _beta_cf(a, b, x) / a
    else:
        ibeta = 1.0 - front * _beta_cf(b, a, 1.0 - x) / b
    return ibeta / 2.0


def t_quantile(p: float, df: float) -> float:
    """The t value with P(T <= t) = p (p > 0.5), by bisection on the upper tail: no statistics library."""
    lo, hi, tail = 0.0, 1.0, 1.0 - p
    while _t_upper_tail(hi, df) > tail:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        lo, hi = (mid, hi) if _t_upper_tail(mid, df) > tail else (lo, mid)
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2.0


def t_critical(df) -> np.ndarray:
    """t(0.975, df) for a 95% interval (NaN where df < 1)."""
    df = np.atleast_1d(np.asarray(df, dtype=float))
    out = np.array([t_quantile(0.975, v) if v >= 1 else np.nan for v in df])
    return out


def hedges_j(df) -> np.ndarray:
    """Hedges' small-sample correction 1 - 3 / (4 df - 1) (NaN where df < 2)."""
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(df >= 2, 1 - 3 / (4 * df - 1), np.nan)


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
        t_crit = t_quantile(0.5 + confidence / 2, n - 1)
        half = t_crit * sd / math.sqrt(n)
        out.update(sd=sd, t_critical=t_crit, ci_low=out["mean"] - half, ci_high=out["mean"] + half)
    return out


def published_sd(measure, scale) -> tuple[float, str | None]:
    """The population SD published for a measure (by its name or scale) and its source, else (NaN, None)."""
    text = f"{measure or ''} {scale or ''}".lower()
    for word, sd, source in PUBLISHED_SPREADS:
        if word in text:
            return sd, source
    return np.nan, None


def eef_months(effect) -> float:
    """Months' additional progress for an effect size on the EEF Toolkit's conversion (NaN if unknown)."""
    if effect is None or pd.isna(effect):
        return np.nan
    size = round(abs(float(effect)) + 1e-12, 2)
    months = next((m for top, m in EEF_MONTHS if size <= top), 12)
    return float(-months if effect < 0 and months else months)


def months_text(months) -> str:
    if months is None or pd.isna(months):
        return "unknown"
    m = int(months)
    if m == 0:
        return "no additional months' progress"
    word = "month" if abs(m) == 1 else "months"
    return f"{m:+d} {word}' progress" if m < 0 else f"+{m} {word}' progress"


def cohort_spreads(db: Database, viewer: Viewer, school_id: int, as_at: date) -> pd.DataFrame:
    """The school's spread of entry scores per measure (every allocation measured on it that had started
    by ``as_at``, every year): columns measure_key, cohort_sd, cohort_n. Aggregates only."""
    return db.query("provision_measure_spread", viewer_id=viewer.user_id, school_id=int(school_id), as_at=as_at)


def _population_sd(out: pd.DataFrame, spreads: pd.DataFrame | None) -> tuple[list, list]:
    sds, sources = [], []
    cohort = {} if spreads is None or spreads.empty else {
        str(r.measure_key): (float(r.cohort_sd) if r.cohort_sd is not None and not pd.isna(r.cohort_sd) else np.nan,
                             int(r.cohort_n)) for r in spreads.itertuples()}
    for measure, scale in zip(out["measure"], out["measure_scale"]):
        sd, source = published_sd(measure, scale)
        if source is None:
            c_sd, c_n = cohort.get(str(measure or "").strip().lower(), (np.nan, 0))
            if c_n >= MIN_COHORT_SCORES and c_sd > 0:
                sd, source = c_sd, (f"no published figure: the spread of all {c_n} entry scores on this measure "
                                    "in the school")
            else:
                source = (f"no published figure, and {c_n} entry score{'s' if c_n != 1 else ''} on this measure in "
                          f"the school (at least {MIN_COHORT_SCORES} are needed to estimate one)")
        sds.append(sd)
        sources.append(source)
    return sds, sources


def assessment_sd(scale, cohort_sd) -> tuple[float, str]:
    """Population SD of a termly assessment: 15 for standardised scores, else the school's spread."""
    sd, source = published_sd("", scale)
    if source is not None:
        return sd, source
    if cohort_sd is None or pd.isna(cohort_sd) or cohort_sd <= 0:
        return np.nan, "no spread for this assessment"
    return float(cohort_sd), "the spread of every pupil's score in the school on this assessment"


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
    mean, lo, hi = row["mean_gain"], row["ci_low"], row["ci_high"]
    es, es_lo, es_hi = row.get("effect_size"), row.get("es_ci_low"), row.get("es_ci_high")
    scale = row.get("measure_scale") or "points"
    direction = "" if row.get("higher_is_better", True) else ", where a lower score is better, so a fall counts as a gain"
    ageing = " beyond ordinary growth" if str(scale).strip().lower() == "months" else ""
    summary = (f"{n} pupils measured: average gain{ageing} {mean:+.1f} ({scale}{direction})"
               + (f"; 95% range {lo:+.1f} to {hi:+.1f}." if not pd.isna(lo) else "."))
    if es is None or pd.isna(es):
        return "Not enough data yet", summary + (" The effect size cannot be worked out: "
                                                 f"{row.get('sd_source') or 'no population spread for this measure'}.")
    summary += (f" Effect size {es:+.2f} ({size_word(es)}; 95% range {es_lo:+.2f} to {es_hi:+.2f}), "
                f"{months_text(row.get('months_progress'))}, {row.get('effect_basis')}.")
    if not pd.isna(row.get("cost_per_pupil", np.nan)):
        summary += f" {_money(row['cost_per_pupil'])} a pupil."
    if es_lo > 0:
        return "Good value", summary
    if es_hi < 0:
        why = "pupils did measurably worse than " + ("similar pupils not in it" if row.get("compared_on")
                                                     else "where they started") + ": stop it or change it"
    else:
        why = "the effect could be nothing (its 95% range includes 0)"
    return "Review it", summary + " Why review: " + why + "."


def _totals_from_frame(frame: pd.DataFrame, as_at: date | None) -> pd.DataFrame:
    """Per intervention the totals provision_impact works out in SQL, from an allocations frame."""
    f = frame.copy()
    if as_at is not None:
        f = f[pd.to_datetime(f["start_date"]) <= pd.Timestamp(as_at)]
    f["gain"] = gains(f, as_at)
    exit_known = f["gain"].notna() | (pd.to_numeric(f["exit_score"], errors="coerce").notna()
                                      & (pd.to_datetime(_exit_day(f)) <= pd.Timestamp(as_at) if as_at else True))
    has_costs = "projected_cost" in f.columns and f["projected_cost"].notna().any()
    rows = []
    for (iid, name), g in f.groupby(["intervention_id", "intervention"], sort=False):
        both = g[g["gain"].notna()]
        known = exit_known.loc[g.index]
        rows.append({
            "intervention_id": int(iid), "intervention": name, "wave": g["wave"].iloc[0], "areas": g["areas"].iloc[0],
            "measure": g["measure"].iloc[0], "measure_scale": g["measure_scale"].iloc[0],
            "higher_is_better": bool(g["higher_is_better"].iloc[0]),
            "places": int(len(g)), "with_both_scores": int(len(both)),
            "missing_exit": int((g["entry_score"].notna() & ~known).sum()),
            "mean_gain": float(both["gain"].mean()) if len(both) else np.nan,
            "sd_gain": float(both["gain"].std(ddof=1)) if len(both) >= 2 else np.nan,
            "sd_entry": float(both["entry_score"].std(ddof=1)) if len(both) >= 2 else np.nan,
            "cost_per_pupil": float(g["projected_cost"].mean()) if has_costs else np.nan,
        })
    return pd.DataFrame(rows)


def intervention_impact(frame: pd.DataFrame, comparison: pd.DataFrame | None = None,
                        spreads: pd.DataFrame | None = None, as_at: date | None = None) -> pd.DataFrame:
    """One row per intervention (columns IMPACT_COLUMNS) from a costed allocations frame, the school's
    spreads per measure (:func:`cohort_spreads`) and the comparison with similar pupils."""
    if frame.empty:
        return pd.DataFrame(columns=IMPACT_COLUMNS)
    return with_verdicts(_figures(_totals_from_frame(frame, as_at), spreads), comparison)


def intervention_figures(db: Database, viewer: Viewer, school_id: int, academic_year: int,
                         as_at: date | None = None) -> pd.DataFrame:
    """One row per intervention of the year (columns IMPACT_COLUMNS, no comparison or verdict yet), the
    totals worked out in SQL (provision_impact) as known at ``as_at`` and the interval and effect here.

    The same figures as :func:`intervention_impact` over :func:`year_allocations` (head and SENCO; the trust
    lead reads them too, costs left empty as for any role that may not see costs)."""
    viewer.require_role({"head", "senco", "trust"})
    day = _as_at(db, academic_year, as_at)
    raw = db.query("provision_impact", viewer_id=viewer.user_id, school_id=int(school_id),
                   academic_year=int(academic_year), as_at=day)
    return _figures(raw, cohort_spreads(db, viewer, school_id, day))


def _figures(raw: pd.DataFrame, spreads: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add the t interval of the mean gain, the population SD and the pre-post effect size with its
    interval to per-intervention totals."""
    if raw.empty:
        return pd.DataFrame(columns=IMPACT_COLUMNS)
    out = raw.copy()
    n = out["with_both_scores"].astype(float).to_numpy()
    sd = out["sd_gain"].astype(float).to_numpy()
    mean = out["mean_gain"].astype(float).to_numpy()
    pop_sd, sources = _population_sd(out, spreads)
    pop_sd = np.asarray(pop_sd, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_crit = t_critical(n - 1)
        half = t_crit * sd / np.sqrt(n)
        out["t_critical"] = t_crit
        out["ci_low"], out["ci_high"] = mean - half, mean + half
        out["sd_entry"] = np.where(n >= 2, out["sd_entry"].astype(float).to_numpy(), np.nan)
        j = hedges_j(n - 1)
        out["population_sd"] = pop_sd
        out["sd_source"] = sources
        out["hedges_j"] = j
        out["pre_post_effect"] = j * mean / pop_sd
        out["effect_size"] = out["pre_post_effect"]
        out["es_ci_low"] = j * (mean - half) / pop_sd
        out["es_ci_high"] = j * (mean + half) / pop_sd
        cost = out["cost_per_pupil"].astype(float).to_numpy()
        out["cost_per_pupil"] = cost
        out["cost_per_pupil_per_gain"] = np.where(mean > 0, cost / mean, np.nan)
    out["effect_basis"] = "gain from entry to exit on the intervention's own measure"
    out["sd_gain"] = np.where(n >= 2, sd, np.nan)
    out["higher_is_better"] = out["higher_is_better"].astype(bool)
    for col in ("places", "with_both_scores", "missing_exit"):
        out[col] = out[col].astype(int)
    out["compared_on"] = None
    for col in ("participant_change", "comparison_change", "difference_in_gains", "comparison_pupils"):
        out[col] = np.nan
    out["months_progress"] = [eef_months(e) for e in out["effect_size"]]
    out["verdict"] = None
    out["reason"] = None
    return out[IMPACT_COLUMNS]


def compared_effect(c: dict) -> dict:
    """The effect against similar pupils from one comparison row: difference in gains / the assessment's
    population SD, Hedges-corrected on n1 + n2 - 2 degrees of freedom, with its 95% interval."""
    n1, n2 = float(c["participants_compared"]), float(c["comparison_pupils"])
    diff = float(c["difference_in_gains"])
    sd, source = assessment_sd(c.get("compared_scale"), c.get("cohort_sd"))
    s1, s2 = c.get("sd_participant_change"), c.get("sd_comparison_change")
    if n1 < 2 or n2 < 2 or pd.isna(sd) or s1 is None or s2 is None or pd.isna(s1) or pd.isna(s2):
        return {}
    df = n1 + n2 - 2
    j = float(hedges_j(df))
    se = math.sqrt(float(s1) ** 2 / n1 + float(s2) ** 2 / n2)
    half = t_quantile(0.975, df) * se
    return {"effect_size": j * diff / sd, "es_ci_low": j * (diff - half) / sd, "es_ci_high": j * (diff + half) / sd,
            "effect_basis": (f"against {int(n2)} similar pupils not in it on termly {c['compared_on']} assessments "
                             f"(SD {sd:g}: {source})")}


def with_verdicts(figures: pd.DataFrame, comparison: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per-intervention figures with the difference in gains against similar pupils (where compared;
    then that is the effect), the months' progress, the verdict and its reason, in page order."""
    if figures.empty:
        return pd.DataFrame(columns=IMPACT_COLUMNS)
    out = figures.copy()
    if comparison is not None and not comparison.empty:
        match = comparison.drop_duplicates("intervention_id").set_index("intervention_id")
        for i, iid in out["intervention_id"].items():
            if iid not in match.index:
                continue
            c = match.loc[iid].to_dict()
            out.at[i, "compared_on"] = c["compared_on"]
            for col in ("participant_change", "comparison_change", "difference_in_gains", "comparison_pupils"):
                out.at[i, col] = float(c[col])
            for col, value in compared_effect(c).items():
                out.at[i, col] = value
    out["months_progress"] = [eef_months(e) for e in out["effect_size"]]
    verdicts = [verdict(row) for row in out.to_dict("records")]
    out["verdict"] = [v for v, _ in verdicts]
    out["reason"] = [r for _, r in verdicts]
    order = {v: i for i, v in enumerate(VERDICTS)}
    out["_o"] = out["verdict"].map(order)
    return out.sort_values(["_o", "intervention"]).drop(columns="_o").reset_index(drop=True)


def pupil_gains(frame: pd.DataFrame, as_at: date | None = None) -> pd.DataFrame:
    """Per allocation: pupil, intervention, dates, entry, exit and gain (NaN gain shown as not yet). The pupil_id
    stays (not shown) so the page records which pupils the list showed."""
    cols = ["pupil_id", "intervention", "first_name", "last_name", "year_group", "group_label", "start_date", "end_date",
            "sessions_attended", "entry_score", "exit_score", "gain"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    f = frame.copy()
    if as_at is not None:
        f = f[pd.to_datetime(f["start_date"]) <= pd.Timestamp(as_at)]
        f["exit_score"] = f["exit_score"].where(pd.to_datetime(_exit_day(f)) <= pd.Timestamp(as_at))
    f["gain"] = gains(f, as_at)
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
    out = intervention_impact(frame, comparison(db, viewer, school_id, academic_year, day),
                              cohort_spreads(db, viewer, school_id, day), day)
    if viewer.role == "governor" and not out.empty:
        threshold = get_int(db, "disclosure_threshold")
        few = out["with_both_scores"] < threshold
        for col in ("mean_gain", "sd_gain", "ci_low", "ci_high", "sd_entry", "effect_size", "es_ci_low", "es_ci_high",
                    "pre_post_effect", "months_progress", "cost_per_pupil_per_gain"):
            out[col] = out[col].mask(few)
        out = _suppress_for_governor(db, viewer, out, ["places", "with_both_scores", "missing_exit", "comparison_pupils"])
    return out


def year_impact(db: Database, viewer: Viewer, frame: pd.DataFrame, school_id: int, academic_year: int,
                as_at: date) -> pd.DataFrame:
    """The impact table for the impact page, from the viewer's costed allocations frame."""
    viewer.require_role({"head", "senco"})
    return intervention_impact(frame, comparison(db, viewer, school_id, academic_year, as_at),
                               cohort_spreads(db, viewer, school_id, as_at), as_at)


def impact_for_year(db: Database, viewer: Viewer, school_id: int, academic_year: int, as_at: date,
                    today: date) -> dict[str, pd.DataFrame]:
    """What the impact page shows: {'impact': one row per intervention (totals in SQL, see
    :func:`intervention_figures`), 'pupils': gains per allocation}."""
    from ..trust_sharing import names_withheld
    from .allocations import year_allocations

    viewer.require_role({"head", "senco", "trust"})
    figures = intervention_figures(db, viewer, school_id, academic_year, as_at)
    table = with_verdicts(figures, comparison(db, viewer, school_id, academic_year, as_at))
    if names_withheld(db, viewer):  # the trust lead: each pupil's gains only where the sharing setting allows
        return {"impact": table, "pupils": pupil_gains(pd.DataFrame(), as_at)}
    frame = year_allocations(db, viewer, school_id, academic_year, as_at, today)
    return {"impact": table, "pupils": pupil_gains(frame, as_at)}
