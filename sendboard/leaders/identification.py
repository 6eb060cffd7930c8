"""Identification: who is on the register, by group, against the rest of the cohort; pupils of concern;
and pupils who may be unidentified (low progress in two consecutive terms, or low attendance)."""
from __future__ import annotations

import math
from datetime import date

import pandas as pd

from ..access import Viewer
from ..db import Database
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


def possibly_unidentified(frame: pd.DataFrame, progress: pd.DataFrame, attendance: pd.DataFrame,
                          *, lowest_pct: float = 10, attendance_below: float = 90) -> tuple[pd.DataFrame, dict]:
    """Pupils on roll and not on the register whose progress (mean change in score since the term before,
    over subjects) was in the lowest ``lowest_pct``% of the cohort in each of the two most recent
    consecutive terms with scores, or whose attendance this year is below ``attendance_below``%.
    Returns the list (with the reasons) and what was compared (terms, pupils ranked)."""
    cohort = set(frame["pupil_id"])
    off = frame[~frame["sen_group"].isin(ON_REGISTER)].set_index("pupil_id")
    reasons: dict[int, list[str]] = {}
    info = {"terms": [], "ranked": 0}
    prog = progress[progress["pupil_id"].isin(cohort)]
    if not prog.empty:
        last_k = int(prog["k"].max())
        pair = prog[prog["k"].isin([last_k - 1, last_k])]
        if pair["k"].nunique() == 2:
            info["terms"] = [str(pair.loc[pair["k"] == k, "label"].iloc[0]) for k in (last_k - 1, last_k)]
            ranked = pair.copy()
            ranked["rank_pct"] = ranked.groupby("k")["progress"].rank(method="min", pct=True) * 100
            ranked["low"] = ranked["rank_pct"] <= lowest_pct
            info["ranked"] = int(ranked.loc[ranked["k"] == last_k, "pupil_id"].nunique())
            both = ranked[ranked["low"]].groupby("pupil_id")["k"].nunique()
            for pid in both[both == 2].index:
                if pid in off.index:
                    mine = ranked[ranked["pupil_id"] == pid].sort_values("k")
                    changes = " and ".join(f"{v:+.1f}" for v in mine["progress"])
                    reasons.setdefault(int(pid), []).append(
                        f"Progress in the lowest {lowest_pct:g}% in both {info['terms'][0]} and {info['terms'][1]} "
                        f"(mean change {changes} points)")
    att = attendance[attendance["pupil_id"].isin(off.index) & (attendance["possible"] > 0)]
    for r in att.itertuples():
        rate = 100.0 * r.attended / r.possible
        if rate < attendance_below:
            reasons.setdefault(int(r.pupil_id), []).append(f"Attendance {rate:.1f}% this year (below {attendance_below:g}%)")
    ids = [pid for pid in off.index if int(pid) in reasons]
    rows = off.loc[ids].reset_index()
    out = pd.DataFrame({
        "pupil_id": rows["pupil_id"].astype(int), "Name": _name(rows), "Year": rows["year_group"].astype(int),
        "Form": rows["form"].fillna(""),
        "Open concern": "",
        "Why": ["; ".join(reasons[int(p)]) for p in rows["pupil_id"]],
        "_n": [len(reasons[int(p)]) for p in rows["pupil_id"]],
        "_progress": [reasons[int(p)][0].startswith("Progress") for p in rows["pupil_id"]],
    })
    out = out.sort_values(["_n", "_progress", "Year", "Name"], ascending=[False, False, True, True], kind="stable")
    return out.drop(columns=["_n", "_progress"]).reset_index(drop=True), info


def identification(db: Database, viewer: Viewer, school_id: int, as_at: date, today: date,
                   lowest_pct: float = 10, attendance_below: float = 90) -> dict:
    """Everything the Identification page draws, in one cached call."""
    frame = roster(db, viewer, school_id, as_at, today)
    academic_year = as_at.year if as_at.month >= 9 else as_at.year - 1
    params = dict(viewer_id=viewer.user_id, today=today, school_id=school_id, as_at=as_at)
    concerns = db.query("leaders_open_concerns", **params)
    progress = db.query("leaders_term_progress", **params)
    attendance = db.query("leaders_year_attendance", **params)
    concern_list = of_concern(frame, concerns)
    unidentified, info = possibly_unidentified(frame, progress, attendance, lowest_pct=lowest_pct,
                                               attendance_below=attendance_below)
    unidentified["Open concern"] = unidentified["pupil_id"].isin(set(concern_list["pupil_id"])).map({True: "Yes", False: ""})
    return {"roster": frame, "rates": rates(db, viewer, school_id, as_at, today), "academic_year": academic_year,
            "national": national_comparison(frame, national.national_frame(db, "all"), academic_year),
            "concerns": concern_list, "unidentified": unidentified, "progress_info": info,
            "has_progress": not progress.empty, "has_attendance": not attendance.empty}
