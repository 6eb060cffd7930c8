"""Preparing for Adulthood: from Year 9, every EHC annual review looks at employment, independent
living, health and community participation (Code of Practice 8.10).

The pupils are those with an EHC plan open at the as-at date who are in Year 9 or above that year. The
reviews that count are those held while the pupil was in Year 9 or above (the year group in the
academic year of the review; with no enrolment record that year, counted back from this year's).
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from ..db import Database
from ..scope import Scope
from . import ehc

AREAS = {"employment": "Employment", "independent_living": "Independent living", "health": "Health",
         "community": "Community participation"}
FROM_YEAR = 9
YES, NO = "✓", "✗"
AGGREGATE_ROLES = frozenset({"head", "senco", "governor", "trust"})


def _reviews(db: Database, scope: Scope, school_id: int, as_at: date) -> pd.DataFrame:
    frame = db.query("statutory_pfa_reviews", scope=scope, school_id=school_id, as_at=as_at)
    return frame[frame["year_group_at_review"].fillna(FROM_YEAR) >= FROM_YEAR]


def pfa_matrix(db: Database, scope: Scope, school_id: int, as_at: date) -> pd.DataFrame:
    """One row per pupil with a plan in Year 9+: for each area at their latest review since Year 9,
    "✓ recorded" or "✗ none recorded", which areas are missing (as text) and the next review due.
    The outcomes themselves are in :func:`pfa_outcomes_by_review`."""
    scope.viewer.require_pupils()
    plans = ehc.plan_reviews(db, scope, school_id, as_at)
    plans = plans[plans["year_group"].notna() & (plans["year_group"] >= FROM_YEAR)]
    reviews = _reviews(db, scope, school_id, as_at)
    rows = []
    for p in plans.drop_duplicates("pupil_id").to_dict("records"):
        mine = reviews[reviews["pupil_id"] == p["pupil_id"]]
        row = {"pupil_id": p["pupil_id"], "pupil": p["pupil"], "year_group": p["year_group"],
               "next_review_due": p["next_due"]}
        if mine.empty:
            row.update({"latest_review": None, "reviews_since_year_9": 0})
            row.update(dict.fromkeys(AREAS.values(), f"{NO} no review yet"))
            row["missing"] = f"No review held since Year {FROM_YEAR}: plan all four areas at the next one"
            row["areas_recorded"] = 0
            rows.append(row)
            continue
        latest_id = mine.sort_values(["held_on", "ehc_review_id"]).iloc[-1]["ehc_review_id"]
        latest = mine[mine["ehc_review_id"] == latest_id]
        row["latest_review"] = pd.Timestamp(latest["held_on"].iloc[0]).date()
        row["reviews_since_year_9"] = int(mine["ehc_review_id"].nunique())
        missing = []
        for code, label in AREAS.items():
            found = latest[latest["area"] == code]["outcome"].dropna().tolist()
            if found:
                row[label] = f"{YES} recorded"
            else:
                row[label] = f"{NO} none recorded"
                missing.append(label)
        row["areas_recorded"] = len(AREAS) - len(missing)
        row["missing"] = ("None missing" if not missing else "Missing: " + ", ".join(missing))
        rows.append(row)
    cols = ["pupil_id", "pupil", "year_group", "latest_review", "reviews_since_year_9", *AREAS.values(),
            "areas_recorded", "missing", "next_review_due"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["areas_recorded", "pupil"], kind="stable").reset_index(drop=True)


def pfa_outcomes_by_review(db: Database, scope: Scope, school_id: int, as_at: date) -> pd.DataFrame:
    """Each review since Year 9 of a pupil in Year 9+ with a plan, and its outcome in each area (blank = none)."""
    scope.viewer.require_pupils()
    plans = ehc.plan_reviews(db, scope, school_id, as_at)
    plans = plans[plans["year_group"].notna() & (plans["year_group"] >= FROM_YEAR)]
    names = dict(zip(plans["pupil_id"], plans["pupil"]))
    reviews = _reviews(db, scope, school_id, as_at)
    reviews = reviews[reviews["pupil_id"].isin(names)]
    rows = []
    for _, grp in reviews.groupby("ehc_review_id", sort=False):
        first = grp.iloc[0]
        row = {"pupil": names[first["pupil_id"]], "held_on": pd.Timestamp(first["held_on"]).date(),
               "year_group_at_review": None if pd.isna(first["year_group_at_review"]) else int(first["year_group_at_review"])}
        for code, label in AREAS.items():
            row[label] = "; ".join(str(x) for x in grp[grp["area"] == code]["outcome"].dropna())
        rows.append(row)
    cols = ["pupil", "held_on", "year_group_at_review", *AREAS.values()]
    return pd.DataFrame(rows, columns=cols).sort_values(["pupil", "held_on"], kind="stable").reset_index(drop=True)


def pfa_coverage(db: Database, scope: Scope, school_id: int, as_at: date) -> dict:
    """Counts only: pupils with a plan in Year 9+, and how many have an outcome in all four areas at
    their latest review since Year 9."""
    scope.viewer.require_role(AGGREGATE_ROLES)
    pupils, complete = db.query_rows("statutory_pfa_counts", scope=scope, school_id=school_id, as_at=as_at)[0]
    pupils, complete = int(pupils or 0), int(complete or 0)
    return {"pupils": pupils, "all_four_areas": complete,
            "pct_all_four": round(100.0 * complete / pupils, 1) if pupils else None}
