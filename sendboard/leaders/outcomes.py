"""Outcomes: attainment, progress, attendance and suspensions for pupils with an EHC plan, on SEN support
and with no SEN (each pupil's group as at each term's census date), and the gap to pupils with no SEN."""
from __future__ import annotations

import math

import pandas as pd

from ..db import Database
from ..scope import Scope
from . import GROUPS

MEASURES = {
    "mean_score": "Mean score",
    "pct_expected": "% at or above the expected standard",
    "mean_change_term": "Mean change since the term before (points)",
    "mean_change_year": "Mean change since the autumn term (points)",
}
SEND = "All with SEND"
NATIONAL_PREFIXES = ("attainment", "progress", "attendance", "absence", "persistent_absence", "suspension", "ks2", "ks4")


SCORE_COLUMNS = ["term_id", "academic_year", "label", "subject", "sen_group", "pupils", "mean_score", "with_standard",
                 "at_expected", "with_change_term", "mean_change_term", "with_change_year", "mean_change_year",
                 "pct_expected"]


def scores(db: Database, scope: Scope, school_id: int) -> pd.DataFrame:
    """Attainment and progress by term, subject and group, with the pooled 'All with SEND' rows and the
    share at the expected standard: all counted and averaged in SQL (leaders_outcome_scores)."""
    rows = db.query_rows("leaders_outcome_scores", scope=scope, school_id=school_id)
    frame = pd.DataFrame.from_records(rows, columns=SCORE_COLUMNS)
    for col in ("mean_score", "mean_change_term", "mean_change_year", "pct_expected"):  # NULL -> NaN
        frame[col] = frame[col].astype(float)
    return frame


def gaps(score_frame: pd.DataFrame) -> pd.DataFrame:
    """For each term, subject and measure: pupils with SEND, pupils with no SEN, and the gap
    (SEND minus no SEN; negative means pupils with SEND are behind)."""
    cols = ["term_id", "label", "subject", "measure", "send", "no_sen", "gap"]
    if score_frame.empty:
        return pd.DataFrame(columns=cols)
    keys = list(zip(score_frame["term_id"], score_frame["subject"]))
    groups = score_frame["sen_group"].tolist()
    labels: dict = {}
    for key, label in zip(keys, score_frame["label"]):
        labels.setdefault(key, label)
    send = {m: {k: v for k, g, v in zip(keys, groups, score_frame[m].tolist()) if g == SEND} for m in MEASURES}
    none = {m: {k: v for k, g, v in zip(keys, groups, score_frame[m].tolist()) if g == "No SEN"} for m in MEASURES}
    rows = []
    for key in sorted(labels):  # every term and subject assessed, as groupby would give them
        for measure in MEASURES:
            s, n = send[measure].get(key, math.nan), none[measure].get(key, math.nan)
            rows.append((key[0], labels[key], key[1], measure, s, n, s - n))
    return pd.DataFrame.from_records(rows, columns=cols)


def gap_movement(gap_part: pd.DataFrame) -> list[str]:
    """One sentence a subject: how the gap moved from the first term held to the latest."""
    sentences = []
    for subject, rows in gap_part.dropna(subset=["gap"]).sort_values("term_id").groupby("subject"):
        if len(rows) < 2:
            continue
        first, last = rows.iloc[0], rows.iloc[-1]
        change = abs(last["gap"]) - abs(first["gap"])
        moved = "held steady" if abs(change) < 0.5 else ("narrowed" if change < 0 else "widened")
        sentences.append(f"{subject}: the gap {moved} ({first['gap']:+.1f} in {first['label']}, "
                         f"{last['gap']:+.1f} in {last['label']}).")
    return sentences


def attendance(db: Database, scope: Scope, school_id: int) -> pd.DataFrame:
    """Attendance %, persistent absence (below 90%) and suspensions by term and group."""
    frame = db.query("leaders_outcome_attendance", scope=scope, school_id=school_id)
    frame["attendance_pct"] = 100.0 * frame["attended"] / frame["possible"].where(frame["possible"] > 0)
    frame["persistent_absence_pct"] = 100.0 * frame["persistent_absent"] / frame["with_attendance"].where(frame["with_attendance"] > 0)
    frame["suspensions_per_100"] = 100.0 * frame["suspensions"] / frame["pupils"]
    frame["pct_suspended"] = 100.0 * frame["pupils_suspended"] / frame["pupils"]
    order = {g: i for i, g in enumerate(GROUPS)}
    frame["_o"] = frame["sen_group"].map(order)
    return frame.sort_values(["term_id", "_o"]).drop(columns="_o").reset_index(drop=True)


def national_measures(db: Database) -> pd.DataFrame:
    """National outcome figures held in the reference data (attainment, attendance, suspensions)."""
    frame = db.query("leaders_national", phase="all")
    return frame[frame["measure"].str.lower().str.startswith(NATIONAL_PREFIXES)].reset_index(drop=True)


def outcomes(db: Database, scope: Scope, school_id: int) -> dict:
    """Everything the Outcomes page draws, in one cached call."""
    score_frame = scores(db, scope, school_id)
    return {"scores": score_frame, "gaps": gaps(score_frame), "attendance": attendance(db, scope, school_id),
            "national": national_measures(db)}
