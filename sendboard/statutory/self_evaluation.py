"""Key-factor self-evaluation: the eight key factors behind good SEND support, each with statements to
judge against, rated on a four-point scale with evidence and next actions, dated.

Ratings are only ever inserted: a new judgement is a new row, so the history (and the trend across
reviews) is kept. A *round* is the set of ratings recorded on one date. Beside each factor sendboard
shows figures from its own data that bear on it (counts only, computed by :func:`factor_evidence`).
"""
from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from .. import audit
from ..access import Viewer
from ..db import Database
from ..domain import academic_year_of
from ..package_data import shipped
from . import StatutoryError, deadlines, ehc, expertise, pfa

KEY_FACTORS_CSV = shipped("key_factors.csv")
RATING_LABELS = {1: "Not yet in place", 2: "Developing", 3: "Established", 4: "Embedded"}
RATING_HELP = {
    1: "Little or nothing of this happens yet, or only by chance.",
    2: "Started and planned; happens in some places or some of the time.",
    3: "Happens reliably across the school; staff could show you.",
    4: "Part of how the school works; checked, refined and sustained over time.",
}
EDIT_ROLES = frozenset({"head", "senco"})
READ_ROLES = frozenset({"head", "senco", "trust"})  # the trust lead reads, never rates (EDIT_ROLES)
AGGREGATE_ROLES = frozenset({"head", "senco", "governor", "trust"})
MAX_TEXT = 4000


def rating_label(value) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{int(value)} {RATING_LABELS[int(value)]}"


# --------------------------------------------------------------------------- reference data


def key_factors_frame() -> pd.DataFrame:
    """The shipped key factors (sendboard/data/key_factors.csv): factor_code, position, name, statements ('|'-joined)."""
    frame = pd.read_csv(KEY_FACTORS_CSV, dtype={"factor_code": str, "name": str, "statements": str})
    frame["position"] = frame["position"].astype(int)
    return frame[["factor_code", "position", "name", "statements"]].sort_values("position").reset_index(drop=True)


def load_key_factors(db: Database) -> int:
    """Fill ref_key_factors from sendboard/data/key_factors.csv, replacing what is there (idempotent, one
    transaction). Returns the number of factors loaded."""
    frame = key_factors_frame()

    def work(w):
        w.run("statutory_clear_key_factors")
        return w.insert_frame("ref_key_factors", frame)

    return db.write(work)


def key_factors(db: Database) -> pd.DataFrame:
    """The key factors from the database, or from the shipped file if they have not been loaded."""
    frame = db.query("statutory_key_factors")
    if frame.empty:
        frame = key_factors_frame()
    frame["statement_list"] = [[s.strip() for s in str(text).split("|") if s.strip()] for text in frame["statements"]]
    return frame


# --------------------------------------------------------------------------- ratings


def ratings_history(db: Database, viewer: Viewer, school_id: int) -> pd.DataFrame:
    """Every rating the school has recorded, oldest first, with factor names."""
    viewer.require_role(AGGREGATE_ROLES)
    frame = db.query("statutory_ratings", viewer_id=viewer.user_id, school_id=school_id)
    names = key_factors(db).set_index("factor_code")
    frame["rated_on"] = [pd.Timestamp(d).date() for d in frame["rated_on"]]
    frame["factor"] = frame["factor_code"].map(names["name"]).fillna(frame["factor_code"])
    frame["position"] = frame["factor_code"].map(names["position"]).fillna(99).astype(int)
    frame["rating_label"] = [rating_label(r) for r in frame["rating"]]
    return frame


def trend(history: pd.DataFrame, factors: pd.DataFrame) -> pd.DataFrame:
    """Per factor: the latest rating, the rating at the round before, and the direction (pure). Two
    ratings of one factor on the same date: the later one recorded counts."""
    rows = []
    for f in factors.sort_values("position").to_dict("records"):
        mine = history[history["factor_code"] == f["factor_code"]].sort_values(["rated_on", "rating_id"])
        row = {"factor_code": f["factor_code"], "factor": f["name"], "latest_rating": None, "latest_label": "Not rated yet",
               "rated_on": None, "previous_rating": None, "previous_on": None, "change": None, "trend": "",
               "evidence": "", "next_actions": "", "rounds": 0}
        if not mine.empty:
            per_day = mine.groupby("rated_on", sort=True).tail(1)
            latest = per_day.iloc[-1]
            row.update(latest_rating=int(latest["rating"]), latest_label=rating_label(latest["rating"]),
                       rated_on=latest["rated_on"], evidence=latest["evidence"] or "",
                       next_actions=latest["next_actions"] or "", rounds=len(per_day))
            if len(per_day) > 1:
                prev = per_day.iloc[-2]
                change = int(latest["rating"]) - int(prev["rating"])
                row.update(previous_rating=int(prev["rating"]), previous_on=prev["rated_on"], change=change)
                word = {1: "↑ Up", -1: "↓ Down"}.get((change > 0) - (change < 0), "→ No change")
                row["trend"] = word + (f" from {rating_label(prev['rating'])}" if change else "")
            else:
                row["trend"] = "First rating"
        rows.append(row)
    return pd.DataFrame(rows)


def latest_self_evaluation(db: Database, viewer: Viewer, school_id: int) -> pd.DataFrame:
    """For each key factor: the latest rating and date, the one before and the direction, with the latest
    evidence and next actions. No pupil rows (governors' pack may call this)."""
    viewer.require_role(AGGREGATE_ROLES)
    return trend(ratings_history(db, viewer, school_id), key_factors(db))


def rating_table(history: pd.DataFrame, factors: pd.DataFrame) -> pd.DataFrame:
    """Factors down, rounds (dates) across, the rating in each cell (pure)."""
    if history.empty:
        return pd.DataFrame(columns=["factor"])
    last = history.sort_values(["rated_on", "rating_id"]).groupby(["factor_code", "rated_on"]).tail(1)
    wide = last.pivot(index="factor_code", columns="rated_on", values="rating")
    order = factors.sort_values("position")
    wide = wide.reindex(order["factor_code"])
    wide.columns = [f"{d.day} {d:%b %Y}" for d in wide.columns]
    wide.insert(0, "factor", order["name"].tolist())
    return wide.reset_index(drop=True).astype({c: "Int64" for c in wide.columns if c != "factor"})


def record_rating(db: Database, viewer: Viewer, school_id: int, *, factor_code: str, rating: int, rated_on: date,
                  evidence: str = "", next_actions: str = "", today: date | None = None) -> int:
    """Insert one dated rating (never overwrites). Returns the new rating id."""
    viewer.require_role(EDIT_ROLES)
    if school_id not in viewer.school_ids:
        raise StatutoryError("You can only rate your own school.")
    codes = set(key_factors(db)["factor_code"])
    if factor_code not in codes:
        raise StatutoryError("Choose one of the eight key factors.")
    if int(rating) not in RATING_LABELS:
        raise StatutoryError("Choose a rating from 1 (not yet in place) to 4 (embedded).")
    if today is not None and rated_on > today:
        raise StatutoryError("The rating date cannot be in the future.")
    evidence, next_actions = (evidence or "").strip(), (next_actions or "").strip()
    if len(evidence) > MAX_TEXT or len(next_actions) > MAX_TEXT:
        raise StatutoryError(f"Evidence and next actions are limited to {MAX_TEXT} characters each.")
    new = {"school_id": int(school_id), "factor_code": factor_code, "rated_on": rated_on, "rating": int(rating),
           "evidence": evidence or None, "next_actions": next_actions or None, "rated_by": viewer.username}

    def work(w):
        rating_id = int(w.run("statutory_insert_rating", **new)[0][0])
        audit.record_change(w, viewer, "self_evaluation_changed", object_type="key_factor_rating",
                            object_id=rating_id, new_value=new)
        return rating_id

    return db.write(work)


# --------------------------------------------------------------------------- what the data says


def factor_evidence(db: Database, viewer: Viewer, school_id: int, as_at: date, today: date) -> pd.DataFrame:
    """Figures from sendboard that bear on each key factor: factor_code, measure, value (text), note.
    Counts and shares only."""
    viewer.require_role(READ_ROLES)
    rows: list[dict] = []

    def add(code, measure, value, note=""):
        rows.append({"factor_code": code, "measure": measure, "value": value, "note": note})

    compliance = ehc.review_compliance_by_year(db, viewer, school_id, as_at)
    plans = ehc.plan_reviews(db, viewer, school_id, as_at, today)
    requests = ehc.request_deadlines(db, viewer, school_id, as_at, today)
    overdue_reviews = int((plans["status"] == deadlines.OVERDUE).sum())
    overdue_requests = int((requests["status"] == deadlines.OVERDUE).sum())
    this_year = academic_year_of(as_at)
    held = compliance[(compliance["academic_year"] <= this_year) & (compliance["reviews_due"] > 0)]
    if not held.empty:
        parts = []
        for r in held.tail(2).to_dict("records"):
            so_far = " so far" if r["academic_year"] == this_year else ""
            parts.append(f"{r['academic_year_label']}{so_far}: {r['pct_on_time']:.0f}% ({r['held_on_time']} of {r['reviews_due']} due)")
        on_time = "; ".join(parts)
        on_time_note = ("EHC annual reviews held on or before their due date, of every review that fell due (held or "
                        "overdue), by the academic year they were due")
    else:
        on_time, on_time_note = "No reviews recorded", "EHC annual reviews held on time"
    overdue_text = f"{overdue_reviews} of {len(plans)} plans"

    add("culture", "Statutory deadlines overdue now", f"{overdue_reviews + overdue_requests}",
        "EHC annual reviews past due plus needs-assessment steps past the LA's timescale")
    add("tailored", "EHC annual reviews on time", on_time, on_time_note)
    add("tailored", "EHC annual reviews overdue now", overdue_text, "Past the 12-month (6 for under-5s) date")
    add("tracking", "EHC annual reviews on time", on_time, on_time_note)

    practice = db.query("statutory_register_practice", viewer_id=viewer.user_id, school_id=school_id, as_at=as_at)
    p = practice.iloc[0] if not practice.empty else None
    if p is not None and int(p["open_plans"] or 0):
        add("tracking", "Support plans past their review date", f"{int(p['overdue_plans'])} of {int(p['open_plans'])}",
            "Open SEN support plans (assess, plan, do, review) whose review date has passed")
        add("tailored", "Support plans past their review date", f"{int(p['overdue_plans'])} of {int(p['open_plans'])}",
            "Open SEN support plans whose review date has passed")
    if p is not None and int(p["on_register"] or 0):
        reg = int(p["on_register"])
        add("strategies", "Pupils on the register with a classroom strategy recorded",
            f"{100 * int(p['with_strategy']) / reg:.0f}% ({int(p['with_strategy'])} of {reg})")
        add("communication", "Pupils on the register with the parent's view on their passport",
            f"{100 * int(p['with_parent_voice']) / reg:.0f}% ({int(p['with_parent_voice'])} of {reg})")

    conc = expertise.training_concentration(db, viewer, school_id, as_at)
    if conc["staff"]:
        add("expertise", "Staff with current SEND training", f"{conc['staff_with_any']} of {conc['staff']}")
        add("teaching", "Staff with current SEND training", f"{conc['staff_with_any']} of {conc['staff']}")
        if conc["top_share"] is not None:
            add("expertise", f"Share of training held by the most-trained {conc['top_n']} staff (top tenth)",
                f"{100 * conc['top_share']:.0f}%", "An even spread would be about 10%")
            add("expertise", "Gini coefficient of training records", f"{conc['gini']:.2f}",
                "0 = spread evenly, 1 = held by one person")

    gap = db.query("statutory_attainment_gap", viewer_id=viewer.user_id, school_id=school_id, as_at=as_at)
    if not gap.empty and pd.notna(gap.iloc[0]["send_score"]) and pd.notna(gap.iloc[0]["other_score"]):
        g = gap.iloc[0]
        add("teaching", "Attainment gap, latest assessments", f"{g['send_score'] - g['other_score']:+.1f} points",
            f"Mean score of pupils on the register ({g['send_score']:.1f}) minus the rest ({g['other_score']:.1f})")

    cover = pfa.pfa_coverage(db, viewer, school_id, as_at)
    if cover["pupils"]:
        add("adulthood", "Year 9+ pupils with EHC plans with outcomes in all four areas",
            f"{cover['pct_all_four']:.0f}% ({cover['all_four_areas']} of {cover['pupils']})",
            "At their latest review since Year 9: employment, independent living, health, community")
    else:
        add("adulthood", "Year 9+ pupils with EHC plans", "None at this date")
    return pd.DataFrame(rows, columns=["factor_code", "measure", "value", "note"])


# --------------------------------------------------------------------------- chart


def history_chart(table: pd.DataFrame) -> go.Figure:
    """Factors down, rounds across, each cell the rating (number and words), shaded by rating."""
    rounds = [c for c in table.columns if c != "factor"]
    z = table[rounds].astype("float").to_numpy()
    text = [[rating_label(v) if pd.notna(v) else "" for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=z, x=rounds, y=table["factor"], text=text, texttemplate="%{text}", zmin=1, zmax=4,
        # light enough that the dark words stay readable on every cell (7:1 or more on the darkest)
        textfont={"size": 14, "color": "#0b0c0c"},
        colorscale=[[0, "#f7fbff"], [0.33, "#deebf7"], [0.66, "#9ecae1"], [1, "#5fa3d3"]],
        showscale=False,
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>", xgap=3, ygap=3))
    from .. import charts

    charts.style(fig, "How have we rated ourselves on each key factor over time?", height=120 + 48 * len(table))
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(type="category", title="Round (date of rating)")
    return fig


# --------------------------------------------------------------------------- demo seeding

_DEMO_EVIDENCE = {
    "culture": ["SEND is a priority in the school development plan.", "SENCO joined the senior team this year.",
                "Governor link visits termly and reports to the board."],
    "teaching": ["Learning walks focused on adaptive teaching.", "Work scrutiny shows tasks adapted in most subjects.",
                 "Pupil voice: most pupils with SEND say lessons are pitched right."],
    "expertise": ["Training log kept; autism awareness for all teaching staff.",
                  "Two TAs completed specialist speech and language training.",
                  "Specialist knowledge still sits with a few staff."],
    "tailored": ["Support plans reviewed termly with families.", "Annual reviews mostly on time; two late last year.",
                 "Targets sharper since the SENCO's moderation sessions."],
    "strategies": ["Interventions now have entry and exit measures.", "Strategy bank shared with all staff.",
                   "Reading intervention stopped after weak exit scores."],
    "tracking": ["Half-termly tracking includes small-step measures.", "Identification patterns checked in the summer.",
                 "Progress compared with national figures for the first time."],
    "communication": ["Parent coffee mornings each half term.", "One-page profiles shared with every class teacher.",
                      "Pupil voice gathered before every review."],
    "adulthood": ["Year 9 reviews include a careers adviser.", "Work experience placements arranged for Year 10.",
                  "Travel training started for two pupils."],
}
_DEMO_ACTIONS = {
    "culture": "Report SEND figures to governors each term.",
    "teaching": "Coach staff on adapting tasks in maths and science.",
    "expertise": "Spread specialist training beyond the SENCO and two TAs.",
    "tailored": "Book every annual review eight weeks ahead.",
    "strategies": "Retire interventions with no measured effect.",
    "tracking": "Add small-step measures for pupils working below their year group.",
    "communication": "Record the parent's view on every passport.",
    "adulthood": "Make sure every Year 9+ review records all four PfA areas.",
}


# The demo school's weak spots (training held by a few staff; patchy Preparing for Adulthood records)
# stay below "embedded", so the ratings and the data beside them tell a consistent story.
_DEMO_CEILING = {"expertise": 2, "adulthood": 3, "strategies": 3, "teaching": 3}


def _working_day(d: date) -> date:
    return d - timedelta(days=max(0, d.weekday() - 4))


def seed_demo_self_evaluations(db: Database, school_id: int, as_of: date, rng_seed: int) -> int:
    """Write three dated rounds of plausible ratings for a demo school (about 13, 7 and 1 month before
    ``as_of``), mostly improving. Loads the key factors first. Does nothing if the school already has
    ratings. Returns the number of ratings written."""
    load_key_factors(db)
    if int(db.scalar("statutory_rating_count", school_id=school_id) or 0):
        return 0
    rng = random.Random(rng_seed)
    factors = key_factors_frame()
    rounds = [_working_day(deadlines.add_months(as_of, -m)) for m in (13, 7, 1)]
    rows = []
    for f in factors.to_dict("records"):
        code = f["factor_code"]
        rating = rng.choice([1, 2, 2, 2, 3])
        ceiling = _DEMO_CEILING.get(code, 4)
        rating = min(rating, ceiling)
        for i, rated_on in enumerate(rounds):
            if i:
                step = rng.random()
                rating = min(ceiling, rating + 1) if step < 0.35 else (max(1, rating - 1) if step > 0.92 else rating)
            rows.append({"school_id": int(school_id), "factor_code": code, "rated_on": rated_on, "rating": rating,
                         "evidence": _DEMO_EVIDENCE[code][i], "next_actions": _DEMO_ACTIONS[code] if rating < 4 else
                         "Keep under review.", "rated_by": "demo"})
    frame = pd.DataFrame(rows)
    return db.write(lambda w: w.insert_frame("key_factor_ratings", frame))
