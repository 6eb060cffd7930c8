"""Plain-English column names and rounding for the leaders' tables (the same frame is shown and
downloaded)."""
from __future__ import annotations

import pandas as pd

LABELS = {
    "what": "Figure", "note": "Which national figure", "kind": "Kind", "on_roll": "Pupils on roll", "sen_support": "SEN support (pupils)",
    "sen_support_pct": "SEN support (% of roll)", "ehc_plan": "EHC plans (pupils)", "ehc_plan_pct": "EHC plans (% of roll)",
    "any_sen_pct": "All with SEN (% of roll)", "source": "Source", "label": "Term", "census_date": "Census date", "year_group": "Year",
    "pupils": "Pupils", "pct": "% of the group", "national_pct": "National %", "national_note": "National figure",
    "area": "Broad area", "dimension": "Compared by", "value": "Group", "on_register": "On the register",
    "rate": "% on the register", "rest_pupils": "Rest of cohort (pupils)", "rest_on_register": "Rest on the register",
    "rest_rate": "Rest: % on the register", "relative_likelihood": "Times as likely as the rest",
    "ci_low": "95% CI from", "ci_high": "95% CI to", "finding": "Finding", "measure": "Measure",
    "school_pct": "This school %", "national_year": "National year", "subject": "Subject", "sen_group": "Group",
    "mean_score": "Mean score", "pct_expected": "% at or above expected", "mean_change_term": "Change since last term",
    "mean_change_year": "Change since autumn", "with_change_term": "Pupils with last term's score",
    "with_change_year": "Pupils with an autumn score", "send": "Pupils with SEND", "no_sen": "Pupils with no SEN",
    "gap": "Gap (SEND minus no SEN)", "attendance_pct": "Attendance %", "persistent_absence_pct": "Persistently absent %",
    "persistent_absent": "Persistently absent (pupils)", "with_attendance": "Pupils with attendance recorded",
    "suspensions": "Suspensions", "suspensions_per_100": "Suspensions per 100 pupils",
    "pupils_suspended": "Pupils suspended", "pct_suspended": "% of pupils suspended", "band": "Time since last review",
}
DECIMALS = {"relative_likelihood": 2, "ci_low": 2, "ci_high": 2}


from ..text import md_escape  # noqa: E402, F401  (re-exported for the leaders pages)


def show(frame: pd.DataFrame, columns: list[str], *, decimals: int = 1) -> pd.DataFrame:
    """Pick the columns that exist, round, and rename to plain English."""
    out = frame[[c for c in columns if c in frame.columns]].copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(DECIMALS.get(col, decimals))
    return out.rename(columns=LABELS)
