"""Identification: who is on the register, by group, against the rest of the cohort; pupils of concern;
and pupils who may be unidentified, ranked by the strength of the evidence (progress against peers
first, then attainment, concerns, attendance and suspensions together)."""
from __future__ import annotations

import math
from datetime import date

import pandas as pd

from ..access import Viewer
from ..db import Database
from ..domain import academic_year_of
from ..reference import AREAS
from . import ON_REGISTER, national, pct, year_label
from .register import roster

Z95 = 1.959964

MORE = "More likely than the rest"
LESS = "Less likely than the rest"
NO_CLEAR = "No clear difference"
TOO_FEW = "Too few pupils to tell"

DIMENSIONS = ("Gender", "Disadvantaged", "English as an additional language", "Season of birth", "Year group",
              "Form")


def risk_ratio(a: int, n1: int, c: int, n2: int) -> tuple[float | None, float | None, float | None]:
    """Relative likelihood (a/n1) / (c/n2) with a 95% CI by the log method:
    SE(ln RR) = sqrt(1/a - 1/n1 + 1/c - 1/n2). None where a or c is 0 (or a group is empty)."""
    if min(a, c, n1, n2) <= 0:
        return None, None, None
    rr = (a / n1) / (c / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    return rr, rr * math.exp(-Z95 * se), rr * math.exp(Z95 * se)


def finding(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return TOO_FEW
    if low > 1:
        return MORE
    if high < 1:
        return LESS
    return NO_CLEAR


RATE_COLUMNS = ["dimension", "value", "pupils", "on_register", "rate", "rest_pupils", "rest_on_register", "rest_rate",
                "relative_likelihood", "ci_low", "ci_high", "finding"]


def rates(db: Database, viewer: Viewer, school_id: int, as_at: date, today: date) -> pd.DataFrame:
    """For each group in each dimension: pupils on roll at a date, how many are on the register (SEN support
    or EHC plan), the rate, the rest of the cohort's rate, the relative likelihood with its 95% CI, and a
    finding. The counts are one SQL query (leaders_identification_counts); the rest is worked out here."""
    rows = db.query_rows("leaders_identification_counts", viewer_id=viewer.user_id, today=today,
                         school_id=school_id, as_at=as_at)
    return rates_from_counts(rows)


def rates_from_counts(rows: list[tuple]) -> pd.DataFrame:
    """:func:`rates` from (dimension, value, pupils, on_register) rows in page order, the first row (with no
    dimension) being the whole roll. A few dozen rows: a plain loop."""
    if not rows or not rows[0][2]:
        return pd.DataFrame(columns=RATE_COLUMNS)
    _, _, total, total_on = rows[0]
    cols: dict[str, list] = {c: [] for c in RATE_COLUMNS}
    for dim, value, n1, a in rows[1:]:
        n2, c = total - n1, total_on - a
        rr, low, high = risk_ratio(a, n1, c, n2)
        for col, v in zip(RATE_COLUMNS, (dim, value, n1, a, pct(a, n1), n2, c, pct(c, n2), rr, low, high,
                                         finding(low, high) if n2 else TOO_FEW)):
            cols[col].append(v)
    out = pd.DataFrame(cols)
    for col in ("rate", "rest_rate", "relative_likelihood", "ci_low", "ci_high"):
        out[col] = out[col].astype(float)
    return out


BINARY = ("Gender", "Disadvantaged", "English as an additional language")


def findings(frame: pd.DataFrame) -> pd.DataFrame:
    """The groups that stand out (CI wholly above or below 1). For a two-way split (girls/boys) only the
    side more likely to be on the register is listed: the other side is the same finding turned round."""
    out = frame[frame["finding"].isin([MORE, LESS])]
    return out[~(out["dimension"].isin(BINARY) & (out["finding"] == LESS))].reset_index(drop=True)


def national_comparison(frame: pd.DataFrame, nat: pd.DataFrame, academic_year: int) -> pd.DataFrame:
    """Where national figures are published: the share of boys, and of pupils eligible for free school
    meals, among pupils on SEN support, with EHC plans, and on the register as a whole."""
    specs = [
        ("Boys as a share of pupils on the register", "pct_boys:SEN", ON_REGISTER, "gender", "M"),
        ("Boys as a share of pupils on SEN support", "pct_boys:K", ("SEN support",), "gender", "M"),
        ("Boys as a share of pupils with an EHC plan", "pct_boys:E", ("EHC plan",), "gender", "M"),
        ("Free school meals: share of pupils on SEN support", "pct_fsm:K", ("SEN support",), "fsm", True),
        ("Free school meals: share of pupils with an EHC plan", "pct_fsm:E", ("EHC plan",), "fsm", True),
        ("Free school meals: share of pupils with no SEN", "pct_fsm:N", ("No SEN",), "fsm", True),
    ]
    rows = []
    for label, measure, groups, col, hit in specs:
        members = frame[frame["sen_group"].isin(groups)]
        fig = national.pick(nat, measure, "all", academic_year)
        rows.append({"measure": label, "pupils": len(members), "school_pct": pct(int((members[col] == hit).sum()), len(members)),
                     "national_pct": None if fig is None else fig.value,
                     "national_year": "not published" if fig is None else year_label(fig.academic_year),
                     "source": "" if fig is None else fig.source})
    return pd.DataFrame(rows)


def _name(frame: pd.DataFrame) -> pd.Series:
    return frame["first_name"] + " " + frame["last_name"]


def of_concern(frame: pd.DataFrame, concerns: pd.DataFrame) -> pd.DataFrame:
    """Pupils with an open concern who are not on the register, one row per concern."""
    off = frame[~frame["sen_group"].isin(ON_REGISTER)]
    rows = concerns.merge(off, on="pupil_id", how="inner")
    return pd.DataFrame({
        "pupil_id": rows["pupil_id"].astype(int), "Name": _name(rows), "Year": rows["year_group"].astype(int),
        "Form": rows["form"].fillna(""),
        "Raised on": pd.to_datetime(rows["raised_on"]).dt.date, "Raised by": rows["raised_by"].fillna(""),
        "Area": rows["area"].map(lambda a: AREAS.get(a, a) if isinstance(a, str) else ""),
        "Concern": rows["reason"],
    }).reset_index(drop=True)


# Weights of each kind of evidence that a pupil off the register may have an unmet need (see
# docs/methods.md, "Possibly unidentified"). Progress against peers comes first: sustained, it is the
# Code of Practice's first sign; one term of it, or attendance alone, is a prompt, not a case.
WEIGHTS = {"progress_both": 4, "attainment": 2, "concern": 2, "progress_latest": 1, "attendance": 1, "suspension": 1}
ACT_ON = 3  # pupils at or above this many points are listed to act on; the rest are single weaker signals
UNIDENTIFIED_COLUMNS = ["pupil_id", "Name", "Year", "Form", "Evidence", "Points", "Open concern", "Why"]


def evidence_word(points: int) -> str:
    return "Strong" if points >= 5 else "Moderate" if points >= ACT_ON else "One weaker sign"


def possibly_unidentified(frame: pd.DataFrame, progress: pd.DataFrame, attendance: pd.DataFrame,
                          *, lowest_pct: float = 10, attendance_below: float = 90,
                          concern_ids=(), suspensions: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """Pupils on roll and not on the register, ranked by the strength of the evidence (points in
    :data:`WEIGHTS`): progress in the lowest ``lowest_pct``% of the cohort in both of the two latest
    consecutive terms with scores (or in the latest only), latest attainment (mean score over subjects)
    in the lowest ``lowest_pct``%, an open concern, attendance this year below ``attendance_below``%, a
    suspension this year. Strongest first (then the lower progress). Returns the list (columns
    UNIDENTIFIED_COLUMNS, reasons strongest first) and what was compared (terms, pupils ranked)."""
    cohort = set(frame["pupil_id"])
    off = frame[~frame["sen_group"].isin(ON_REGISTER)].set_index("pupil_id")
    reasons: dict[int, list[tuple[int, str]]] = {}
    progress_rank: dict[int, float] = {}

    def add(pid, kind: str, text: str) -> None:
        if pid in off.index:
            reasons.setdefault(int(pid), []).append((WEIGHTS[kind], text))

    info = {"terms": [], "ranked": 0}
    prog = progress[progress["pupil_id"].isin(cohort)]
    if not prog.empty:
        last_k = int(prog["k"].max())
        pair = prog[prog["k"].isin([last_k - 1, last_k])].copy()
        pair["rank_pct"] = pair.groupby("k")["progress"].rank(method="min", pct=True) * 100
        pair["low"] = pair["rank_pct"] <= lowest_pct
        latest = pair[pair["k"] == last_k]
        info["ranked"] = int(latest["pupil_id"].nunique())
        progress_rank = dict(zip(latest["pupil_id"].astype(int), latest["rank_pct"]))
        two_terms = pair["k"].nunique() == 2
        if two_terms:
            info["terms"] = [str(pair.loc[pair["k"] == k, "label"].iloc[0]) for k in (last_k - 1, last_k)]
        low_terms = pair[pair["low"]].groupby("pupil_id")["k"].agg(set)
        # each pupil's changes in term order, gathered in one pass (filtering the frame once per flagged pupil
        # was most of the Identification page's time at trust scale)
        ordered = pair.sort_values(["pupil_id", "k"], kind="stable")
        changes_of: dict[int, list[float]] = {}
        for pid, value in zip(ordered["pupil_id"].astype(int), ordered["progress"]):
            changes_of.setdefault(pid, []).append(value)
        for pid, ks in low_terms.items():
            mine = changes_of[int(pid)]
            changes = " and ".join(f"{v:+.1f}" for v in mine)
            if two_terms and len(ks) == 2:
                add(pid, "progress_both", f"Progress in the lowest {lowest_pct:g}% in both {info['terms'][0]} and "
                                          f"{info['terms'][1]} (mean change {changes} points)")
            elif last_k in ks:
                add(pid, "progress_latest", f"Progress in the lowest {lowest_pct:g}% in "
                                            f"{latest['label'].iloc[0]} (mean change {mine[-1]:+.1f} points)")
        if "attainment" in latest.columns:
            att_rank = latest["attainment"].rank(method="min", pct=True) * 100
            for pid, score, r in zip(latest["pupil_id"], latest["attainment"], att_rank):
                if r <= lowest_pct:
                    add(pid, "attainment", f"Scores in the lowest {lowest_pct:g}% in {latest['label'].iloc[0]} "
                                           f"(mean {score:.0f})")
    for pid in concern_ids:
        add(pid, "concern", "A concern is open")
    att = attendance[attendance["pupil_id"].isin(off.index) & (attendance["possible"] > 0)]
    for r in att.itertuples():
        rate = 100.0 * r.attended / r.possible
        if rate < attendance_below:
            add(r.pupil_id, "attendance", f"Attendance {rate:.1f}% this year (below {attendance_below:g}%)")
    if suspensions is not None:
        for r in suspensions.itertuples():
            add(r.pupil_id, "suspension", f"Suspended {r.suspensions} time{'s' if r.suspensions != 1 else ''} this year")
    ids = [pid for pid in off.index if int(pid) in reasons]
    rows = off.loc[ids].reset_index()
    points = [sum(w for w, _ in reasons[int(p)]) for p in rows["pupil_id"]]
    out = pd.DataFrame({
        "pupil_id": rows["pupil_id"].astype(int), "Name": _name(rows), "Year": rows["year_group"].astype(int),
        "Form": rows["form"].fillna(""), "Evidence": [evidence_word(x) for x in points], "Points": points,
        "Open concern": "",
        "Why": ["; ".join(t for _, t in sorted(reasons[int(p)], key=lambda r: -r[0])) for p in rows["pupil_id"]],
        "_rank": [progress_rank.get(int(p), 101.0) for p in rows["pupil_id"]],
    })
    out = out.sort_values(["Points", "_rank", "Year", "Name"], ascending=[False, True, True, True], kind="stable")
    return out.drop(columns="_rank").reset_index(drop=True)[UNIDENTIFIED_COLUMNS], info


def identification(db: Database, viewer: Viewer, school_id: int, as_at: date, today: date,
                   lowest_pct: float = 10, attendance_below: float = 90) -> dict:
    """Everything the Identification page draws, in one cached call."""
    frame = roster(db, viewer, school_id, as_at, today)
    academic_year = academic_year_of(as_at)
    params = dict(viewer_id=viewer.user_id, today=today, school_id=school_id, as_at=as_at)
    concerns = db.query("leaders_open_concerns", **params)
    progress = db.query("leaders_term_progress", **params)
    attendance = db.query("leaders_year_attendance", **params)
    suspensions = db.query("identification_year_suspensions", **params)
    concern_list = of_concern(frame, concerns)
    ranked, info = possibly_unidentified(frame, progress, attendance, lowest_pct=lowest_pct,
                                         attendance_below=attendance_below, concern_ids=set(concern_list["pupil_id"]),
                                         suspensions=suspensions)
    ranked["Open concern"] = ranked["pupil_id"].isin(set(concern_list["pupil_id"])).map({True: "Yes", False: ""})
    unidentified = ranked[ranked["Points"] >= ACT_ON].reset_index(drop=True)
    weaker = ranked[ranked["Points"] < ACT_ON].reset_index(drop=True)
    return {"roster": frame, "rates": rates(db, viewer, school_id, as_at, today), "academic_year": academic_year,
            "national": national_comparison(frame, national.national_frame(db, "all"), academic_year),
            "concerns": concern_list, "unidentified": unidentified, "weaker_signs": weaker, "progress_info": info,
            "has_progress": not progress.empty, "has_attendance": not attendance.empty}
