"""The main aggregations two ways: as sendboard computes them for its pages, and as plain pandas.

``sendboard bench`` times both over the same database to show what DuckDB (and sendboard's named,
scoped queries) buys over what a competent analyst would write with DataFrames. The pandas side is
ordinary vectorised code (filters, merges, groupby) over tables loaded once with :func:`load_frames`
(load time is not counted). Both sides answer the same question for the same school and date, and
return the same normalised frame, so ``tests/test_bench.py`` can check they give the same numbers:
a baseline that computed something else would be worthless.

The first five are for one school (the head's school) as at today (``clock.today()``, which the bench
pins to its databases' date with SENDBOARD_TODAY), because that is the question each page answers (a
trust or local authority has more schools, so more data to sift). The last two are across every
school the trust user sees (the Trust schools page): the whole trust or local authority at once.

``AGGREGATIONS = [(name, sendboard_fn(db), pandas_fn(frames)), ...]``
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from . import clock
from .db import Database
from .domain import academic_year_of
from .provision.costs import pupil_share_cost, weekly_group_cost
from .provision.impact import gain_of
from .scope import Scope
from .sqltext import compose, ident

ON_REGISTER = ("EHC plan", "SEN support")
TABLES = ("pupils", "enrolments", "sen_provision", "sen_needs", "ref_need_codes", "terms", "academic_years",
          "teaching_groups", "group_members", "assessments", "interventions", "allocations", "staff_role_costs",
          "schools")


# --------------------------------------------------------------------------- the subject of each call


def subject(db: Database, as_at: date | None = None) -> dict:
    """The head's Viewer, school and dates every aggregation uses (looked up once per database)."""
    from .auth import viewer_for

    as_at = as_at or clock.today()
    key = (str(db.path), as_at)
    if key in _SUBJECTS:
        return _SUBJECTS[key]
    uid = db.scalar("security_first_head_user_id")
    viewer = viewer_for(db, uid)
    school_id = int(viewer.school_ids[0])
    phase = db.scalar("security_school_phase", school_id=school_id)
    year = academic_year_of(as_at)
    trust_uid = db.scalar("security_first_trust_user_id")
    wide = viewer_for(db, trust_uid) if trust_uid is not None else viewer
    out = {"viewer": viewer, "wide_viewer": wide, "school_ids": [int(x) for x in wide.school_ids],
           "school_id": school_id, "phase": phase, "as_at": as_at, "today": as_at, "scope": Scope(viewer, as_at), "wide_scope": Scope(wide, as_at),
           "academic_year": year}
    _SUBJECTS[key] = out
    return out


_SUBJECTS: dict = {}


def load_frames(db: Database, as_at: date | None = None) -> dict[str, pd.DataFrame]:
    """Every table the pandas side reads, whole (as an analyst with an export would have them)."""
    frames = {t: db.composed_frame(compose("SELECT * FROM {t}", t=ident(t))) for t in TABLES}
    for frame in frames.values():
        for col in frame.columns:
            if col.endswith(("_date", "_on")) or col == "date_of_birth":
                frame[col] = pd.to_datetime(frame[col])
    s = subject(db, as_at)
    frames["_subject"] = {k: v for k, v in s.items() if k not in ("viewer", "wide_viewer", "scope", "wide_scope")}
    return frames


# --------------------------------------------------------------------------- normalising outputs


def _norm(frame: pd.DataFrame, keys: list[str], values: list[str]) -> pd.DataFrame:
    out = frame[keys + values].copy()
    out.columns.name = None
    for v in values:
        out[v] = pd.to_numeric(out[v], errors="coerce").astype(float)
    for k in keys:
        out[k] = out[k].astype(str)
    return out.sort_values(keys).reset_index(drop=True)


def _group(code: pd.Series) -> np.ndarray:
    """sen_group() of 003_common_macros.sql: E and S are EHC plans; K, A and P SEN support; else No SEN."""
    return np.select([code.isin(["E", "S"]), code.isin(["K", "A", "P"])], ["EHC plan", "SEN support"], "No SEN")


# --------------------------------------------------------------------------- 1. register by need


def register_by_need_sendboard(db: Database) -> pd.DataFrame:
    from .leaders import national, register

    s = subject(db)
    counts = register.need_counts(db, s["scope"], s["school_id"], s["as_at"])
    codes, nat = register.need_codes(db), national.national_frame(db, s["phase"])
    parts = [register.need_mix(counts, codes, nat, s["academic_year"], group, "area")
             for group in ("EHC plan", "SEN support")]
    rows = [(g, area, n) for part in parts
            for g, area, n in zip(part["group"].tolist(), part["label"].tolist(), part["pupils"].tolist()) if n > 0]
    return _norm(pd.DataFrame.from_records(rows, columns=["group", "area", "pupils"]), ["group", "area"], ["pupils"])


def _roster_pandas(f: dict, school_id: int, as_at: date) -> pd.DataFrame:
    """The register's raw rows at a date, as leaders_roster_at defines them, in pandas."""
    d = pd.Timestamp(as_at)
    year = academic_year_of(as_at)
    p = f["pupils"]
    p = p[(p["school_id"] == school_id) & (p["entry_date"] <= d) & (p["leaving_date"].isna() | (p["leaving_date"] > d))]
    e = f["enrolments"]
    roll = p.merge(e.loc[e["academic_year"] == year, ["pupil_id", "year_group"]], on="pupil_id")
    sp = f["sen_provision"]
    sp = sp[(sp["start_date"] <= d) & (sp["end_date"].isna() | (sp["end_date"] >= d))]
    status = sp.sort_values("start_date").drop_duplicates("pupil_id", keep="last").set_index("pupil_id")["code"]
    roll["sen_group"] = _group(roll["pupil_id"].map(status).fillna("N"))
    n = f["sen_needs"]
    n = n[(n["start_date"] <= d) & (n["end_date"].isna() | (n["end_date"] >= d))]
    n = n.merge(f["ref_need_codes"][["need_code", "area"]], on="need_code", how="left")
    n["area"] = n["area"].fillna("Other")
    for rank, prefix in ((1, "primary"), (2, "secondary")):
        r = n[n["need_rank"] == rank].groupby("pupil_id").agg(**{f"{prefix}_need": ("need_code", "min"),
                                                                 f"{prefix}_area": ("area", "min")})
        roll = roll.merge(r, left_on="pupil_id", right_index=True, how="left")
    g = f["teaching_groups"]
    g = g[(g["school_id"] == school_id) & g["kind"].isin(["form", "class"]) & (g["academic_year"] == year)]
    gm = f["group_members"]
    gm = gm[(gm["start_date"] <= d) & (gm["end_date"].isna() | (gm["end_date"] >= d))]
    form = gm.merge(g[["group_id", "name"]], on="group_id").groupby("pupil_id")["name"].min().rename("form")
    return roll.merge(form, left_on="pupil_id", right_index=True, how="left")


def register_by_need_pandas(f: dict) -> pd.DataFrame:
    s = f["_subject"]
    roll = _roster_pandas(f, s["school_id"], s["as_at"])
    reg = roll[roll["sen_group"].isin(ON_REGISTER)]
    area = reg["primary_area"].where(reg["primary_need"].notna(), "Not recorded")
    out = (pd.DataFrame({"group": reg["sen_group"], "area": area}).value_counts().rename("pupils").reset_index())
    return _norm(out, ["group", "area"], ["pupils"])


# --------------------------------------------------------------------------- 2. identification rates


def identification_sendboard(db: Database) -> pd.DataFrame:
    from .leaders import identification

    s = subject(db)
    out = identification.rates(db, s["scope"], s["school_id"], s["as_at"])
    return _norm(out, ["dimension", "value"], ["pupils", "on_register", "relative_likelihood"])


def identification_pandas(f: dict) -> pd.DataFrame:
    s = f["_subject"]
    roll = _roster_pandas(f, s["school_id"], s["as_at"])
    on = roll["sen_group"].isin(ON_REGISTER)
    month = roll["date_of_birth"].dt.month
    dims = {
        "Gender": roll["gender"].map({"F": "Girls", "M": "Boys"}),
        "Disadvantaged": np.where(roll["disadvantaged"], "Disadvantaged", "Not disadvantaged"),
        "English as an additional language": np.where(roll["eal"], "EAL", "English first language"),
        "Season of birth": np.select([month >= 9, month <= 4], ["Autumn-born (Sep-Dec)", "Spring-born (Jan-Apr)"],
                                     "Summer-born (May-Aug)"),
        "Year group": "Year " + roll["year_group"].astype(str),
        "Form": roll["form"].fillna("No form recorded"),
    }
    long = pd.concat([pd.DataFrame({"dimension": k, "value": v, "on": on.to_numpy()}) for k, v in dims.items()],
                     ignore_index=True)
    out = long.groupby(["dimension", "value"]).agg(pupils=("on", "size"), on_register=("on", "sum")).reset_index()
    total, total_on = len(roll), int(on.sum())
    rest, rest_on = total - out["pupils"], total_on - out["on_register"]
    ok = (out["on_register"] > 0) & (rest_on > 0) & (rest > 0)
    out["relative_likelihood"] = ((out["on_register"] / out["pupils"]) / (rest_on / rest)).where(ok)
    return _norm(out, ["dimension", "value"], ["pupils", "on_register", "relative_likelihood"])


# --------------------------------------------------------------------------- 3. outcome gaps


GAP_MEASURES = ["mean_score", "pct_expected", "mean_change_term", "mean_change_year"]


def outcome_gaps_sendboard(db: Database) -> pd.DataFrame:
    from .leaders import outcomes

    s = subject(db)
    out = outcomes.gaps(outcomes.scores(db, s["scope"], s["school_id"]))
    return _norm(out, ["term_id", "subject", "measure"], ["send", "no_sen", "gap"])


def outcome_gaps_pandas(f: dict) -> pd.DataFrame:
    s = f["_subject"]
    today = pd.Timestamp(s["today"])
    seq = f["terms"].sort_values("term_id").assign(k=lambda t: np.arange(1, len(t) + 1))
    p = f["pupils"]
    cohort = p.loc[p["school_id"] == s["school_id"], "pupil_id"]
    a = f["assessments"]
    a = a[a["pupil_id"].isin(cohort)].merge(seq[["term_id", "academic_year", "term_number", "census_date", "k"]],
                                            on="term_id")
    keyed = a[["pupil_id", "subject", "term_id", "k", "score"]]
    a = a[a["census_date"] <= today]
    sp = f["sen_provision"]
    sp = sp[sp["pupil_id"].isin(cohort)].merge(seq[["term_id", "census_date"]], how="cross")
    sp = sp[(sp["start_date"] <= sp["census_date"]) & (sp["end_date"].isna() | (sp["end_date"] >= sp["census_date"]))]
    status = sp.sort_values("start_date").drop_duplicates(["term_id", "pupil_id"], keep="last")
    a = a.merge(status[["term_id", "pupil_id", "code"]], on=["term_id", "pupil_id"], how="left")
    code = a["code"].fillna("N")
    a["sen_group"] = _group(code)
    prev = keyed[["pupil_id", "subject", "k", "score"]].rename(columns={"score": "prev_score"})
    a = a.merge(prev.assign(k=prev["k"] + 1), on=["pupil_id", "subject", "k"], how="left")
    first = keyed[["pupil_id", "subject", "term_id", "score"]].rename(
        columns={"term_id": "first_term", "score": "first_score"})
    a["first_term"] = a["academic_year"] * 10 + 1
    a = a.merge(first, on=["pupil_id", "subject", "first_term"], how="left")
    a["change_term"] = a["score"] - a["prev_score"]
    a["change_year"] = (a["score"] - a["first_score"]).where(a["term_number"] > 1)
    a["at_expected"] = a["score"] >= a["expected_standard"]
    a["group"] = np.where(a["sen_group"].isin(ON_REGISTER), "send", np.where(a["sen_group"] == "No SEN", "no_sen", ""))
    g = a[a["group"] != ""].groupby(["term_id", "subject", "group"]).agg(
        mean_score=("score", "mean"), with_standard=("expected_standard", "count"), at_expected=("at_expected", "sum"),
        mean_change_term=("change_term", "mean"), mean_change_year=("change_year", "mean"))
    g["pct_expected"] = 100.0 * g["at_expected"] / g["with_standard"].where(g["with_standard"] > 0)
    long = g[GAP_MEASURES].stack(future_stack=True).rename("value").reset_index().rename(columns={"level_3": "measure"})
    wide = long.pivot_table(index=["term_id", "subject", "measure"], columns="group", values="value", dropna=False)
    wide = wide.reindex(columns=["send", "no_sen"]).reset_index()
    wide.columns.name = None
    # every term and subject assessed (with any group) gets a row, as the sendboard function gives
    wide["gap"] = wide["send"] - wide["no_sen"]
    return _norm(wide, ["term_id", "subject", "measure"], ["send", "no_sen", "gap"])


# --------------------------------------------------------------------------- 4 and 5. provision costs and impact


def provision_costs_sendboard(db: Database) -> pd.DataFrame:
    from .provision.allocations import year_summary

    s = subject(db)  # the provision map's breakdown by intervention, as the page asks for it
    out = year_summary(db, s["scope"], s["school_id"], s["academic_year"], s["as_at"], "intervention")
    return _norm(out, ["intervention"], ["pupils", "year_cost"])


def _year_allocations_pandas(f: dict) -> tuple[pd.DataFrame, pd.Timestamp, pd.Timestamp]:
    s = f["_subject"]
    ay = f["academic_years"]
    ys, ye = ay.loc[ay["academic_year"] == s["academic_year"], ["start_date", "end_date"]].iloc[0]
    i = f["interventions"]
    i = i[i["school_id"] == s["school_id"]].rename(columns={"name": "intervention"})
    a = f["allocations"].merge(i, on="intervention_id")
    # as known at the as-at date (docs/methods.md, "As at a date"): started by then; a later end date,
    # exit score or attendance count not known yet
    as_at = pd.Timestamp(s["as_at"])
    a = a[a["start_date"] <= as_at].copy()
    a["end_date"] = a["end_date"].where(a["end_date"] <= as_at)
    a["planned_end"] = a["end_date"].fillna(a["start_date"] + pd.to_timedelta(7 * a["planned_weeks"] - 1, unit="D"))
    a["exit_score"] = a["exit_score"].where(a["planned_end"] <= as_at)
    return a, ys, ye


def provision_costs_pandas(f: dict) -> pd.DataFrame:
    a, ys, ye = _year_allocations_pandas(f)
    lab = a.loc[a["group_label"].notna(),
                ["allocation_id", "intervention_id", "group_label", "start_date", "planned_end"]]
    pairs = lab.merge(lab, on=["intervention_id", "group_label"], suffixes=("", "_y"))
    pairs = pairs[(pairs["start_date_y"] <= pairs["planned_end"]) & (pairs["start_date"] <= pairs["planned_end_y"])]
    grp = pairs.groupby("allocation_id").size()
    a = a[(a["start_date"] <= ye) & (a["planned_end"] >= ys)]
    n = a["allocation_id"].map(grp).where(a["group_label"].notna(), a["group_size"].clip(lower=1)).clip(lower=1)
    rc = f["staff_role_costs"].rename(columns={"staff_role": "delivered_by"})
    a = a.merge(rc, on=["school_id", "delivered_by"], how="left")
    n = n.to_numpy()
    weekly = weekly_group_cost(a["hourly_cost"], a["minutes_per_session"], a["sessions_per_week"])
    lo = a["start_date"].clip(lower=ys)
    hi = a["planned_end"].clip(upper=ye)
    days = ((hi - lo).dt.days + 1).clip(lower=0)
    in_year = (a["start_date"] >= ys) & (a["start_date"] <= ye)
    a["year_cost"] = pupil_share_cost(weekly, n, days, a["other_costs"], in_year)  # the provision map's formula
    out = a.groupby("intervention").agg(pupils=("pupil_id", "nunique"),
                                        year_cost=("year_cost", lambda x: x.sum(min_count=1))).reset_index()
    return _norm(out, ["intervention"], ["pupils", "year_cost"])


def impact_sendboard(db: Database) -> pd.DataFrame:
    from .provision.impact import intervention_figures

    s = subject(db)  # the impact page's per-intervention figures (before its comparison and verdicts)
    out = intervention_figures(db, s["scope"], s["school_id"], s["academic_year"], s["as_at"])
    return _norm(out, ["intervention_id"], ["places", "with_both_scores", "mean_gain", "sd_gain"])


def impact_pandas(f: dict) -> pd.DataFrame:
    a, ys, ye = _year_allocations_pandas(f)
    a = a[(a["start_date"] <= ye) & (a["planned_end"] >= ys)]
    # the impact page's formula (on an age scale, the months that passed are growth, not progress)
    gain = gain_of(a["entry_score"], a["exit_score"], a["higher_is_better"], a["measure_scale"], a["start_date"],
                   a["planned_end"])
    out = a.assign(gain=gain).groupby("intervention_id").agg(
        places=("allocation_id", "size"), with_both_scores=("gain", "count"), mean_gain=("gain", "mean"),
        sd_gain=("gain", "std")).reset_index()
    return _norm(out, ["intervention_id"], ["places", "with_both_scores", "mean_gain", "sd_gain"])


# --------------------------------------------------------------------------- 6 and 7. across every school


def _roll_all_pandas(f: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """roll_at and sen_status_at (macros in 003_common_macros.sql) for every school the trust sees."""
    s = f["_subject"]
    d = pd.Timestamp(s["as_at"])
    p = f["pupils"]
    p = p[p["school_id"].isin(s["school_ids"]) & (p["entry_date"] <= d)
          & (p["leaving_date"].isna() | (p["leaving_date"] > d))]
    e = f["enrolments"]
    roll = p[["pupil_id", "school_id"]].merge(e.loc[e["academic_year"] == s["academic_year"], ["pupil_id"]],
                                              on="pupil_id")
    sp = f["sen_provision"]
    status = sp.loc[(sp["start_date"] <= d) & (sp["end_date"].isna() | (sp["end_date"] >= d)), ["pupil_id", "code"]]
    return roll, status


def register_by_school_sendboard(db: Database) -> pd.DataFrame:
    from .trust import register_by_school

    s = subject(db)
    out = register_by_school(db, s["wide_scope"], s["as_at"])
    return _norm(out, ["school_id"], ["on_roll", "sen_support", "ehc_plans"])


def register_by_school_pandas(f: dict) -> pd.DataFrame:
    roll, status = _roll_all_pandas(f)
    rows = roll.merge(status, on="pupil_id", how="left")
    rows["group"] = _group(rows["code"])
    out = pd.crosstab(rows["school_id"], rows["group"]).reindex(columns=["SEN support", "EHC plan"], fill_value=0)
    out["on_roll"] = rows.groupby("school_id").size()
    out = out.reindex(f["_subject"]["school_ids"], fill_value=0).rename_axis("school_id").reset_index()
    out = out.rename(columns={"SEN support": "sen_support", "EHC plan": "ehc_plans"})
    return _norm(out, ["school_id"], ["on_roll", "sen_support", "ehc_plans"])


def need_mix_by_school_sendboard(db: Database) -> pd.DataFrame:
    from .trust import need_mix_by_school

    s = subject(db)
    return _norm(need_mix_by_school(db, s["wide_scope"], s["as_at"]), ["school", "area"], ["pupils"])


def need_mix_by_school_pandas(f: dict) -> pd.DataFrame:
    d = pd.Timestamp(f["_subject"]["as_at"])
    roll, status = _roll_all_pandas(f)
    send = roll.merge(status[_group(status["code"]) != "No SEN"], on="pupil_id")
    n = f["sen_needs"]
    n = n[(n["need_rank"] == 1) & (n["start_date"] <= d) & (n["end_date"].isna() | (n["end_date"] >= d))]
    n = n.merge(f["ref_need_codes"][["need_code", "area"]], on="need_code", how="left")
    rows = send.merge(n[["pupil_id", "area"]], on="pupil_id", how="left")
    rows["area"] = rows["area"].fillna("Not recorded")
    rows = rows.merge(f["schools"][["school_id", "name"]].rename(columns={"name": "school"}), on="school_id")
    out = rows.groupby(["school", "area"]).size().rename("pupils").reset_index()
    return _norm(out, ["school", "area"], ["pupils"])


AGGREGATIONS = [
    ("register by need", register_by_need_sendboard, register_by_need_pandas),
    ("identification rates", identification_sendboard, identification_pandas),
    ("outcome gaps", outcome_gaps_sendboard, outcome_gaps_pandas),
    ("provision costs", provision_costs_sendboard, provision_costs_pandas),
    ("impact", impact_sendboard, impact_pandas),
    ("register by school (all)", register_by_school_sendboard, register_by_school_pandas),
    ("need mix by school (all)", need_mix_by_school_sendboard, need_mix_by_school_pandas),
]
