"""The trust SEND lead's view of the whole trust: each school's figures side by side, the trust's totals
against national, and the schools most in need of attention. Aggregates only: no pupil row leaves here.

Every school-level figure comes from the function that already computes it for that school (one home per
formula): the register, need mix and outcome gaps from the trust's grouped queries (sendboard/trust.py),
the rest by calling the school's own function once per school. The methods are in docs/methods.md,
"Trust: side by side and schools needing attention".
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import pandas as pd

from . import disclosure, trust
from .access import Viewer
from .db import Database
from .domain import academic_year_of
from .leaders import identification, national, outcomes
from .provision.impact import impact_summary
from .reference import AREAS
from .statutory import ehc, expertise, self_evaluation

TRUST_ROLES = frozenset({"trust"})
MEDIAN_ROW = "Trust median"
NATIONAL_ROW = "National"

# Column labels in words: the side-by-side table, its downloads and the board pack use these.
LABELS = {
    "school": "School", "phase": "Phase", "on_roll": "Pupils on roll",
    "sen_support_pct": "SEN support (% of roll)", "ehc_pct": "EHC plans (% of roll)",
    **{f"need_{code}": f"{name} (% of pupils with SEND)" for code, name in AREAS.items()},
    "need_none": "No primary need recorded (% of pupils with SEND)",
    "identification": "Groups more or less likely to be on the register",
    "score_gap": "Attainment gap, SEND minus no SEN (score points)",
    "attendance_gap": "Attendance gap, SEND minus no SEN (percentage points)",
    "suspended_send_pct": "Pupils with SEND suspended this year (%)",
    "suspended_other_pct": "Pupils with no SEN suspended this year (%)",
    "ehc_on_time_pct": "EHC annual reviews due last year held on time (%)",
    "ehc_overdue_now": "EHC annual reviews overdue now",
    "ehc_hours_short": "EHC plans short of their hours",
    "still_waiting": "Pupils waiting for an outside specialist",
    "longest_median_wait": "Longest median wait for a service (days)",
    "spend_per_send_pupil": "Planned provision spend per pupil with SEND (£)",
    "funding_per_send_pupil": "SEND funding per pupil with SEND (£)",
    "spend_of_funding_pct": "Planned spend as % of SEND funding",
    "staff_trained_pct": "Staff with current SEND training (%)",
    "training_top_share_pct": "Training records held by the most-trained tenth of staff (%)",
    "self_evaluation_mean": "Key-factor self-evaluation, mean latest rating (1 to 4)",
}
THEMES = {
    "Register and needs": ["on_roll", "sen_support_pct", "ehc_pct", *[f"need_{c}" for c in AREAS], "need_none"],
    "Identification": ["identification"],
    "Outcomes": ["score_gap", "attendance_gap", "suspended_send_pct", "suspended_other_pct"],
    "EHC plans and specialists": ["ehc_on_time_pct", "ehc_overdue_now", "ehc_hours_short", "still_waiting",
                                  "longest_median_wait"],
    "Money": ["spend_per_send_pupil", "funding_per_send_pupil", "spend_of_funding_pct"],
    "Staff and self-evaluation": ["staff_trained_pct", "training_top_share_pct", "self_evaluation_mean"],
}


def _require(viewer: Viewer) -> None:
    viewer.require_role(TRUST_ROLES)


# --------------------------------------------------------------------------- one school's figures


def _identification_words(rates: pd.DataFrame) -> str:
    """The groups whose likelihood of being on the register differs from the rest (95% CI clear of 1)."""
    found = identification.findings(rates) if not rates.empty else rates
    found = found[found["dimension"] != "Form"] if not found.empty else found
    if found.empty:
        return "No group stands out"
    return "; ".join(f"{value} {rr:.1f}×" for value, rr in zip(found["value"], found["relative_likelihood"]))


def _suspension_shares(frame: pd.DataFrame, academic_year: int) -> tuple[float | None, float | None]:
    """Share of pupils with SEND, and of pupils with no SEN, suspended at least once in the latest term of
    the year held (the Outcomes page's pct_suspended, pooled over SEN support and EHC plans)."""
    if frame.empty:
        return None, None
    terms = frame[(frame["term_id"] // 10) == academic_year]
    if terms.empty:
        return None, None
    latest = terms[terms["term_id"] == terms["term_id"].max()]
    send = latest[latest["sen_group"] != "No SEN"]
    other = latest[latest["sen_group"] == "No SEN"]

    def share(part):
        pupils = float(part["pupils"].sum())
        return None if not pupils else 100.0 * float(part["pupils_suspended"].sum()) / pupils

    return share(send), share(other)


def ehc_figures(db: Database, viewer: Viewer, school_id: int, as_at: date) -> dict:
    """One school's EHC review figures from the EHC plans page's own functions (the reference for
    :func:`ehc_by_school`, which a test holds equal to this)."""
    year = academic_year_of(as_at)
    compliance = ehc.review_compliance_by_year(db, viewer, school_id, as_at)
    last_year = compliance[compliance["academic_year"] == year - 1]
    now = ehc.compliance_now(db, viewer, school_id, as_at)
    return {"school_id": school_id,
            "ehc_on_time_pct": None if last_year.empty or pd.isna(last_year["pct_on_time"].iloc[0])
            else float(last_year["pct_on_time"].iloc[0]),
            "ehc_reviews_due_last_year": 0 if last_year.empty else int(last_year["reviews_due"].iloc[0]),
            "ehc_overdue_now": now["overdue_now"], "ehc_hours_short": now["hours_short"], "ehc_open_plans": now["plans"]}


def ehc_by_school(db: Database, viewer: Viewer, as_at: date) -> pd.DataFrame:
    """:func:`ehc_figures` for every school at once, from the grouped queries trust_ehc_compliance and
    trust_ehc_hours_short (the per-school queries of the EHC plans page, grouped by school)."""
    year = academic_year_of(as_at)
    ids = [int(s) for s, _ in db.query_rows("trust_school_names", viewer_id=viewer.user_id)]
    due = db.query("trust_ehc_compliance", viewer_id=viewer.user_id, as_at=as_at)
    hours = db.query("trust_ehc_hours_short", viewer_id=viewer.user_id, as_at=as_at).set_index("school_id")
    rows = []
    for sid in ids:
        mine = due[due["school_id"] == sid]
        last = mine[mine["academic_year"] == year - 1]
        reviews_due = int((last["held_on_time"] + last["held_late"] + last["overdue"]).sum())
        on_time = None if not reviews_due else round(100.0 * int(last["held_on_time"].sum()) / reviews_due, 1)
        rows.append({"school_id": sid, "ehc_on_time_pct": on_time, "ehc_reviews_due_last_year": reviews_due,
                     "ehc_overdue_now": int(mine["overdue"].sum()),
                     "ehc_hours_short": int(hours["short"].get(sid, 0) or 0),
                     "ehc_open_plans": int(hours["plans"].get(sid, 0) or 0)})
    return pd.DataFrame(rows, columns=["school_id", "ehc_on_time_pct", "ehc_reviews_due_last_year", "ehc_overdue_now",
                                       "ehc_hours_short", "ehc_open_plans"])


def _identification(db, viewer, as_at, today, sid) -> dict:
    return {"identification": _identification_words(identification.rates(db, viewer, sid, as_at, today))}


def _suspensions(db, viewer, as_at, sid) -> dict:
    send, other = _suspension_shares(outcomes.attendance(db, viewer, sid, as_at), academic_year_of(as_at))
    return {"suspended_send_pct": send, "suspended_other_pct": other}


def identification_by_school(db: Database, viewer: Viewer, as_at: date) -> pd.DataFrame:
    """:func:`_identification` for every school at once: the Identification page's counts read for every
    school together (trust_identification_counts), then its own rates_from_counts and findings per school.
    A test holds it equal to :func:`_identification`."""
    counts = db.query("trust_identification_counts", viewer_id=viewer.user_id, as_at=as_at)
    out = []
    for sid in [int(s) for s, _ in db.query_rows("trust_school_names", viewer_id=viewer.user_id)]:
        mine = counts[counts["school_id"] == sid]
        rows = [(None if pd.isna(d) else d, None if pd.isna(v) else v, int(n), int(r))
                for d, v, n, r in zip(mine["dimension"], mine["value"], mine["pupils"], mine["on_register"])]
        out.append({"school_id": sid, "identification": _identification_words(identification.rates_from_counts(rows))})
    return pd.DataFrame(out, columns=["school_id", "identification"])


def _share_suspended(counts: pd.DataFrame, group: str) -> float | None:
    if group not in counts.index or not counts.at[group, "pupils"]:
        return None
    return 100.0 * float(counts.at[group, "pupils_suspended"]) / float(counts.at[group, "pupils"])


def suspensions_by_school(db: Database, viewer: Viewer, as_at: date) -> pd.DataFrame:
    """:func:`_suspensions` for every school at once (trust_suspensions, held equal to it by a test)."""
    raw = db.query("trust_suspensions", viewer_id=viewer.user_id, as_at=as_at)
    rows = []
    for sid in [int(s) for s, _ in db.query_rows("trust_school_names", viewer_id=viewer.user_id)]:
        mine = raw[raw["school_id"] == sid].set_index("grp")
        rows.append({"school_id": sid, "suspended_send_pct": _share_suspended(mine, "SEND"),
                     "suspended_other_pct": _share_suspended(mine, "No SEN")})
    return pd.DataFrame(rows, columns=["school_id", "suspended_send_pct", "suspended_other_pct"])


def _money(db, viewer, as_at, threshold, sid) -> dict:
    from .governors.figures import (
        spend_section,  # the governors' pack's spend and funding, per school
    )

    facts = spend_section(db, viewer, sid, academic_year_of(as_at), as_at, threshold).facts
    return {"spend": facts.get("spend"), "funding": facts.get("funding")}


def _staff(db, viewer, as_at, sid) -> dict:
    concentration = expertise.training_concentration(db, viewer, sid, as_at)
    ratings = self_evaluation.latest_self_evaluation(db, viewer, sid)
    rated = ratings["latest_rating"].dropna() if "latest_rating" in ratings.columns else pd.Series(dtype=float)
    return {"staff_trained_pct": None if not concentration["staff"] else
            100.0 * concentration["staff_with_any"] / concentration["staff"],
            "training_top_share_pct": None if concentration["top_share"] is None else 100.0 * concentration["top_share"],
            "self_evaluation_mean": None if rated.empty else float(rated.astype(float).mean())}


def money_by_school(db: Database, viewer: Viewer, as_at: date) -> pd.DataFrame:
    """:func:`_money` for every school at once: the governors' pack's spend and funding queries read for every
    school together (trust_spend_by_area, trust_funding), then the pack's own spend_section per school, so
    the sums and the disclosure rules are the pack's. A test holds it equal to :func:`_money`."""
    from .governors.figures import _year_bounds, spend_section

    year = academic_year_of(as_at)
    start, end = _year_bounds(db, year)
    spend = db.query("trust_spend_by_area", viewer_id=viewer.user_id, as_at=as_at, year_start=start, year_end=end)
    funding = db.query("trust_funding", viewer_id=viewer.user_id, academic_year=year)
    threshold = disclosure.get_threshold(db)
    out = []
    for sid in [int(s) for s, _ in db.query_rows("trust_school_names", viewer_id=viewer.user_id)]:
        mine = spend[spend["school_id"] == sid]
        areas = mine[mine["area_code"] != "ALL"][["area_code", "pupils", "spend"]].reset_index(drop=True)
        total = mine.loc[mine["area_code"] == "ALL", "all_pupils"]
        fetched = {"raw": areas, "fund": funding[funding["school_id"] == sid][["line", "amount", "pupils"]].reset_index(drop=True),
                   "total_pupils": int(total.iloc[0]) if len(total) else 0, "bounds": (start, end)}
        facts = spend_section(db, viewer, sid, year, as_at, threshold, fetched).facts
        out.append({"school_id": sid, "spend": facts.get("spend"), "funding": facts.get("funding")})
    return pd.DataFrame(out, columns=["school_id", "spend", "funding"])


def staff_by_school(db: Database, viewer: Viewer, as_at: date) -> pd.DataFrame:
    """:func:`_staff` for every school at once: the staff, training records and ratings of every school read
    by one query each (trust_staff_training, trust_ratings), then the Staff expertise page's own formulas
    (expertise.training_state and concentration) per school, and the Self-evaluation page's latest rating of
    each factor (self_evaluation.trend's rule, for all schools in one sort). A test holds it equal to
    :func:`_staff`."""
    rows = db.query("trust_staff_training", viewer_id=viewer.user_id, as_at=as_at)
    ratings = db.query("trust_ratings", viewer_id=viewer.user_id)
    ratings["rated_on"] = [pd.Timestamp(d).date() for d in ratings["rated_on"]]
    factors = self_evaluation.key_factors(db)
    held = rows.dropna(subset=["training_id"])
    current = [expertise.is_current(expertise.training_state(pd.Timestamp(c).date(),
                                                             None if pd.isna(e) else pd.Timestamp(e).date(), as_at))
               for c, e in zip(held["completed_on"], held["expires_on"])]
    counts = held[current].groupby(["school_id", "staff_id"]).size() if len(held) else pd.Series(dtype=int)
    # self_evaluation.trend's latest rating of each key factor (the last recorded on the latest date),
    # for every school in one sort instead of a loop per school and factor
    ordered = ratings[ratings["factor_code"].isin(set(factors["factor_code"]))].sort_values(
        ["school_id", "factor_code", "rated_on", "rating_id"])
    last = ordered.groupby(["school_id", "factor_code"]).tail(1)
    latest_by_school = {int(k): part["rating"].astype(float) for k, part in last.groupby("school_id")}
    out = []
    for sid in [int(s) for s, _ in db.query_rows("trust_school_names", viewer_id=viewer.user_id)]:
        staff = rows.loc[rows["school_id"] == sid, "staff_id"].drop_duplicates()
        result = expertise.concentration([int(counts.get((sid, st), 0)) for st in staff])
        with_any = sum(1 for st in staff if counts.get((sid, st), 0) > 0)
        latest = latest_by_school.get(sid, pd.Series(dtype=float))
        out.append({"school_id": sid,
                    "staff_trained_pct": None if not result["staff"] else 100.0 * with_any / result["staff"],
                    "training_top_share_pct": None if result["top_share"] is None else 100.0 * result["top_share"],
                    "self_evaluation_mean": None if latest.empty else float(latest.astype(float).mean())})
    return pd.DataFrame(out, columns=["school_id", "staff_trained_pct", "training_top_share_pct", "self_evaluation_mean"])


def register_frame(db: Database, viewer: Viewer, as_at: date) -> pd.DataFrame:
    """One row per school: the register with national figures, and the need mix as shares of pupils with SEND."""
    register = trust.register_by_school(db, viewer, as_at)
    frame = register[["school_id", "school", "phase", "on_roll", "sen_support", "ehc_plans", "sen_support_pct",
                      "ehc_pct", "national_sen_support_pct", "national_ehc_pct", "national_years"]].copy()
    mix = trust.need_mix_by_school(db, viewer, as_at)
    codes = {name: code for code, name in AREAS.items()}
    need_columns = [f"need_{c}" for c in AREAS] + ["need_none"]
    for column in need_columns:
        frame[column] = 0.0
    for row in mix.itertuples():
        column = f"need_{codes[row.area]}" if row.area in codes else "need_none"
        frame.loc[frame["school"] == row.school, column] = float(row.pct_of_send)
    frame.loc[frame["sen_support"] + frame["ehc_plans"] == 0, need_columns] = None
    return frame


def side_by_side(db: Database, viewer: Viewer, as_at: date, today: date, theme: str | tuple | None = None) -> pd.DataFrame:
    """One row per school of the trust (internal column names; LABELS names them in words): the register,
    and the figures of one theme, or of a tuple of themes (every theme when ``theme`` is None)."""
    _require(viewer)
    frame = register_frame(db, viewer, as_at)
    if frame.empty:
        return frame
    themes = set(THEMES) if theme is None else ({theme} if isinstance(theme, str) else set(theme))
    parts = []
    if "Identification" in themes:
        parts.append(identification_by_school(db, viewer, as_at))
    if "Outcomes" in themes:
        gaps = trust.outcome_gaps_by_school(db, viewer, as_at).set_index("school")
        frame["score_gap"] = frame["school"].map(gaps["score_gap"]).astype(float)
        frame["attendance_gap"] = frame["school"].map(gaps["attendance_gap"]).astype(float)
        parts.append(suspensions_by_school(db, viewer, as_at))
    if "EHC plans and specialists" in themes:
        parts.append(ehc_by_school(db, viewer, as_at))
        parts.append(db.query("trust_waiting", viewer_id=viewer.user_id, as_at=as_at))
    if "Money" in themes:
        parts.append(money_by_school(db, viewer, as_at))
    if "Staff and self-evaluation" in themes:
        parts.append(staff_by_school(db, viewer, as_at))
    for part in parts:
        frame = frame.merge(part, on="school_id", how="left")
    if "still_waiting" in frame.columns:
        frame["still_waiting"] = frame["still_waiting"].fillna(0).astype(int)
    if "spend" in frame.columns:
        send = (frame["sen_support"] + frame["ehc_plans"]).where(lambda s: s > 0)
        spend, funding = frame["spend"].astype(float), frame["funding"].astype(float)
        frame["spend_per_send_pupil"] = spend / send
        frame["funding_per_send_pupil"] = funding / send
        frame["spend_of_funding_pct"] = 100.0 * spend / funding.where(funding > 0)
    return frame


def median_row(frame: pd.DataFrame) -> dict:
    """The trust's own median of each figure over its schools (a school without the figure is left out)."""
    out = {"school": MEDIAN_ROW}
    for column in LABELS:
        if column in ("school", "phase", "identification") or column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce").dropna()
        out[column] = float(values.median()) if not values.empty else None
    return out


def national_rows(frame: pd.DataFrame) -> list[dict]:
    """National SEN support and EHC shares for each phase the trust has, with the year they are from."""
    rows = []
    for phase, part in frame.groupby("phase", sort=True):
        first = part.iloc[0]
        rows.append({"school": f"{NATIONAL_ROW}, {national.PHASE_WORDS.get(phase, phase)} ({first['national_years']})",
                     "phase": phase, "sen_support_pct": first["national_sen_support_pct"],
                     "ehc_pct": first["national_ehc_pct"]})
    return rows


def display_table(frame: pd.DataFrame, theme: str) -> pd.DataFrame:
    """The side-by-side table of one theme for the page: a row per school, then the trust median and the
    national figures where they exist; labels in words, figures rounded."""
    columns = ["school", "phase"] + THEMES[theme]
    body = frame[columns].copy()
    extra = [median_row(frame)]
    if any(c in THEMES[theme] for c in ("sen_support_pct", "ehc_pct")):
        extra += national_rows(frame)
    body = pd.concat([body, pd.DataFrame(extra).reindex(columns=columns)], ignore_index=True)
    body["phase"] = body["phase"].fillna("")  # the median row is of every phase
    for column in columns:
        if column not in ("school", "phase", "identification"):
            body[column] = pd.to_numeric(body[column], errors="coerce").round(1)
    return body.rename(columns=LABELS)


NO_FIGURE = "–"
NO_NATIONAL_FIGURE = "no national figure"


def missing_words(table: pd.DataFrame) -> pd.DataFrame:
    """What each empty cell of a side-by-side display table says, in words, where the table leaves a cell
    empty (NaN elsewhere): 'no national figure' on a national row (national figures exist for the register
    only), a dash where a school or the trust median has no figure (the median of a column of words, a school
    with nothing to measure)."""
    national = table[LABELS["school"]].astype(str).str.startswith(NATIONAL_ROW)
    words = pd.DataFrame(NO_FIGURE, index=table.index, columns=table.columns, dtype=object)
    words.loc[national, :] = NO_NATIONAL_FIGURE
    return words.where(table.isna())


def with_missing_words(table: pd.DataFrame) -> pd.DataFrame:
    """The display table with :func:`missing_words` in its empty cells: the downloads, where an empty cell
    would read as zero or as a fault."""
    return table.astype(object).where(table.notna(), missing_words(table))


def number_text(value) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def numbers_in_words(frame: pd.DataFrame, missing: str) -> pd.DataFrame:
    """A small table for reading, not sorting: each figure whole or to one decimal, each empty cell ``missing``
    (Streamlit's table would show an empty number as 'None')."""
    out = frame.astype(object).copy()
    for column in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[column]):
            out[column] = [missing if pd.isna(v) else number_text(v) for v in frame[column]]
    return out.where(frame.notna(), missing)


def reference_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The trust median and national rows of a display table as text for the page: figures whole or to one
    decimal, empty cells in words (:func:`missing_words`). Shown apart from the schools' rows, which stay
    numbers: sorting a school column by value must not move these rows among the schools, and a national
    row's empty cell says more than the schools' table's dash."""
    names = table[LABELS["school"]].astype(str)
    rows = table[(names == MEDIAN_ROW) | names.str.startswith(NATIONAL_ROW)]
    words = missing_words(rows)
    out = rows.astype(object).copy()
    for column in rows.columns:
        if pd.api.types.is_numeric_dtype(rows[column]):
            out[column] = [None if pd.isna(v) else number_text(v) for v in rows[column]]
    out = out.where(rows.notna(), words).reset_index(drop=True)
    # the national figures' years in a column of their own at the end, so the row's name stays short enough
    # to read whole beside the schools' names on a tablet
    names, years = [], []
    for name in out[LABELS["school"]].astype(str):
        label, _, year = name[:-1].rpartition(" (") if name.startswith(NATIONAL_ROW) and name.endswith(")") else (name, "", "")
        names.append(label)
        years.append(year or "the trust's own schools")
    out[LABELS["school"]] = names
    out["Figures from"] = years
    return out


def shared_interventions(db: Database, viewer: Viewer, as_at: date, school_ids: list[int] | None = None) -> pd.DataFrame:
    """Interventions run in two or more of the trust's schools this academic year: each school's effect
    size with its 95% interval and the impact page's verdict, from the impact page's own function."""
    _require(viewer)
    year = academic_year_of(as_at)
    if school_ids is None:
        school_ids = [int(s) for s in trust.register_by_school(db, viewer, as_at)["school_id"]]
    names = dict(db.query_rows("trust_school_names", viewer_id=viewer.user_id))
    parts = []
    with ThreadPoolExecutor(max_workers=3) as pool:
        for sid, summary in zip(school_ids, pool.map(lambda s: impact_summary(db, viewer, s, year, as_at), school_ids)):
            if summary.empty:
                continue
            part = summary[["intervention", "with_both_scores", "effect_size", "es_ci_low", "es_ci_high", "verdict"]].copy()
            part.insert(0, "school", names.get(sid, str(sid)))
            parts.append(part)
    if not parts:
        return pd.DataFrame(columns=["Intervention", "School"])
    out = pd.concat(parts, ignore_index=True)
    schools_per = out.groupby("intervention")["school"].nunique()
    out = out[out["intervention"].map(schools_per) >= 2].sort_values(["intervention", "school"], ignore_index=True)
    for col in ("effect_size", "es_ci_low", "es_ci_high"):
        out[col] = pd.to_numeric(out[col], errors="coerce").round(2)
    return out.rename(columns={"intervention": "Intervention", "school": "School",
                               "with_both_scores": "Pupils measured on entry and exit",
                               "effect_size": "Effect size (Hedges' g)", "es_ci_low": "95% interval, low",
                               "es_ci_high": "95% interval, high", "verdict": "Impact page's verdict"})


# --------------------------------------------------------------------------- trust home


@dataclass
class Attention:
    school: str
    school_id: int
    points: int
    reason: str


def attention_points(row) -> int:
    """Statutory work late now, each item one point: EHC annual reviews overdue and not held, and EHC plans
    whose pupil gets fewer hours than the plan sets out (docs/methods.md)."""
    return int(row.get("ehc_overdue_now") or 0) + int(row.get("ehc_hours_short") or 0)


def attention_reason(row) -> str:
    parts = []
    overdue, short = int(row.get("ehc_overdue_now") or 0), int(row.get("ehc_hours_short") or 0)
    if overdue:
        parts.append(f"{overdue} EHC annual review{'s' if overdue != 1 else ''} overdue now")
    if short:
        parts.append(f"{short} EHC plan{'s' if short != 1 else ''} short of {'their' if short != 1 else 'its'} hours")
    on_time = row.get("ehc_on_time_pct")
    if on_time is not None and not pd.isna(on_time) and on_time < 100:
        parts.append(f"{on_time:.0f}% of last year's annual reviews held on time")
    gap = row.get("attendance_gap")
    if gap is not None and not pd.isna(gap) and gap < 0:
        parts.append(f"pupils with SEND attend {abs(gap):.1f} points less than their peers")
    return "; ".join(parts) if parts else "nothing overdue"


def schools_needing_attention(frame: pd.DataFrame, n: int = 3) -> list[Attention]:
    """The n schools with the most statutory work late now (attention_points, highest first); ties broken by
    the lower share of last year's annual reviews held on time (a school with none due counts as 100%),
    then by the wider attendance gap, then by name. Only schools with something late are listed."""
    if frame.empty:
        return []
    ranked = frame.assign(
        _points=[attention_points(r) for r in frame.to_dict("records")],
        _on_time=pd.to_numeric(frame["ehc_on_time_pct"], errors="coerce").fillna(100.0),
        _gap=pd.to_numeric(frame["attendance_gap"], errors="coerce").fillna(0.0))
    ranked = ranked[ranked["_points"] > 0].sort_values(["_points", "_on_time", "_gap", "school"],
                                                       ascending=[False, True, True, True])
    return [Attention(r["school"], int(r["school_id"]), int(r["_points"]), attention_reason(r))
            for r in ranked.head(n).to_dict("records")]


def trust_totals(frame: pd.DataFrame) -> dict:
    """Pupils, SEN support and EHC plans over the trust, with shares of roll, and each phase's national
    figures with their year (the national figure of each school's phase: the trust's schools are set
    against their own phase, never a blend)."""
    on_roll, support, plans = (int(frame[c].sum()) for c in ("on_roll", "sen_support", "ehc_plans"))
    phases = []
    for phase, part in frame.groupby("phase", sort=True):
        first = part.iloc[0]
        roll = int(part["on_roll"].sum())
        phases.append({
            "phase": phase, "phase_words": national.PHASE_WORDS.get(phase, phase), "schools": len(part),
            "on_roll": roll,
            "sen_support_pct": 100.0 * part["sen_support"].sum() / roll if roll else None,
            "ehc_pct": 100.0 * part["ehc_plans"].sum() / roll if roll else None,
            "national_sen_support_pct": None if pd.isna(first["national_sen_support_pct"]) else float(first["national_sen_support_pct"]),
            "national_ehc_pct": None if pd.isna(first["national_ehc_pct"]) else float(first["national_ehc_pct"]),
            "national_years": first["national_years"]})
    return {"schools": len(frame), "on_roll": on_roll, "sen_support": support, "ehc_plans": plans,
            "sen_support_pct": 100.0 * support / on_roll if on_roll else 0.0,
            "ehc_pct": 100.0 * plans / on_roll if on_roll else 0.0, "phases": phases}


def trust_home(db: Database, viewer: Viewer, as_at: date) -> dict:
    """Everything the trust home draws, in one cached call: the register and attendance gap of every school
    from the trust's grouped queries, and each school's EHC figures from the EHC plans page's functions."""
    _require(viewer)
    frame = trust.register_by_school(db, viewer, as_at)
    if frame.empty:
        return {"totals": None, "attention": [], "frame": frame}
    gaps = trust.outcome_gaps_by_school(db, viewer, as_at).set_index("school")
    frame["attendance_gap"] = frame["school"].map(gaps["attendance_gap"]).astype(float)
    frame = frame.merge(ehc_by_school(db, viewer, as_at), on="school_id", how="left")
    return {"totals": trust_totals(frame), "attention": schools_needing_attention(frame), "frame": frame}
