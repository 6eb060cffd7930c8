"""Outcomes: attainment, progress, attendance and suspensions for pupils with an EHC plan, on SEN support
and with no SEN (each pupil's group as at each term's census date), and the gap to pupils with no SEN."""
from __future__ import annotations

from datetime import date

import pandas as pd

from ..access import Viewer
from ..db import Database
from . import GROUPS, ON_REGISTER

MEASURES = {
    "mean_score": "Mean score",
    "pct_expected": "% at or above the expected standard",
    "mean_change_term": "Mean change since the term before (points)",
    "mean_change_year": "Mean change since the autumn term (points)",
}
WEIGHTS = {"mean_score": "pupils", "pct_expected": "with_standard", "mean_change_term": "with_change_term",
           "mean_change_year": "with_change_year"}
SEND = "All with SEND"
NATIONAL_PREFIXES = ("attainment", "progress", "attendance", "absence", "persistent_absence", "suspension", "ks2", "ks4")


def scores(db: Database, viewer: Viewer, school_id: int, today: date) -> pd.DataFrame:
    """Attainment and progress by term, subject and group, plus the pooled 'All with SEND' rows."""
    frame = db.query("leaders_outcome_scores", viewer_id=viewer.user_id, today=today, school_id=school_id)
    if frame.empty:
        return frame.assign(pct_expected=pd.Series(dtype=float))
    send = frame[frame["sen_group"].isin(ON_REGISTER)].copy()
    if not send.empty:
        for col in ("mean_score", "mean_change_term", "mean_change_year"):
            weight = WEIGHTS[col]
            send[col] = send[col] * send[weight]
        pooled = (send.groupby(["term_id", "academic_year", "label", "subject"], as_index=False)
                  [["pupils", "with_standard", "at_expected", "with_change_term", "with_change_year",
                    "mean_score", "mean_change_term", "mean_change_year"]].sum(min_count=1))
        for col in ("mean_score", "mean_change_term", "mean_change_year"):
            weight = pooled[WEIGHTS[col]].where(pooled[WEIGHTS[col]] > 0)
            pooled[col] = pooled[col] / weight
        pooled["sen_group"] = SEND
        frame = pd.concat([frame, pooled], ignore_index=True)
    frame["pct_expected"] = 100.0 * frame["at_expected"] / frame["with_standard"].where(frame["with_standard"] > 0)
    order = {g: i for i, g in enumerate((*GROUPS[:2], SEND, GROUPS[2]))}
    frame["_o"] = frame["sen_group"].map(order)
    return frame.sort_values(["term_id", "subject", "_o"]).drop(columns="_o").reset_index(drop=True)


def gaps(score_frame: pd.DataFrame) -> pd.DataFrame:
    """For each term, subject and measure: pupils with SEND, pupils with no SEN, and the gap
    (SEND minus no SEN; negative means pupils with SEND are behind)."""
    cols = ["term_id", "label", "subject", "measure", "send", "no_sen", "gap"]
    if score_frame.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    keyed = score_frame.set_index(["term_id", "subject", "sen_group"])
    for (term_id, subject), part in score_frame.groupby(["term_id", "subject"]):
        label = part["label"].iloc[0]
        for measure in MEASURES:
            send = keyed[measure].get((term_id, subject, SEND))
            none = keyed[measure].get((term_id, subject, "No SEN"))
            gap = send - none if pd.notna(send) and pd.notna(none) and send is not None and none is not None else None
            rows.append({"term_id": term_id, "label": label, "subject": subject, "measure": measure,
                         "send": send, "no_sen": none, "gap": gap})
    return pd.DataFrame(rows, columns=cols)


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


def attendance(db: Database, viewer: Viewer, school_id: int, today: date) -> pd.DataFrame:
    """Attendance %, persistent absence (below 90%) and suspensions by term and group."""
    frame = db.query("leaders_outcome_attendance", viewer_id=viewer.user_id, today=today, school_id=school_id)
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


def outcomes(db: Database, viewer: Viewer, school_id: int, today: date) -> dict:
    """Everything the Outcomes page draws, in one cached call."""
    score_frame = scores(db, viewer, school_id, today)
    return {"scores": score_frame, "gaps": gaps(score_frame), "attendance": attendance(db, viewer, school_id, today),
            "national": national_measures(db)}
