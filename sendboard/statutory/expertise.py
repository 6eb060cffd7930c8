"""Staff expertise: SEND training by broad area against the school's need mix, how concentrated it is in
a few people, and what is about to expire. Head, SENCO and administrator may add training and change
an expiry date; every change is audited.

Definitions:
- staff: in post at the as-at date (start_date on or before it, end_date empty or on or after it);
- a *current* training record was completed on or before the as-at date and has no expiry date or
  expires on or after it; *expired* means its expiry date is before the as-at date;
- need mix: pupils on the SEND register at the date by the broad area of their primary need (a pupil
  with no need recorded counts under Other);
- concentration: the share of all current training records held by the most-trained tenth of staff
  (ceil(10% of staff in post), ties broken arbitrarily, staff with no training included), and the Gini
  coefficient of records per member of staff (0 = spread evenly, 1 = all held by one person).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from .. import audit, charts
from ..access import Viewer
from ..db import Database
from ..reference import AREAS
from . import StatutoryError, as_date

EDIT_ROLES = frozenset({"head", "senco", "admin"})
# the trust SEND lead reads a school's staff training as its head does (read only: not in EDIT_ROLES)
READ_ROLES = frozenset({"head", "senco", "admin", "trust"})
AGGREGATE_ROLES = frozenset({"head", "senco", "admin", "governor", "trust"})
LEVELS = ("awareness", "enhanced", "specialist")
EXPIRY_WINDOW_DAYS = 90

CURRENT, EXPIRING, EXPIRED, FUTURE = "Current", "Expires within 90 days", "Expired", "Not yet completed"
STATE_ICONS = {CURRENT: "✓", EXPIRING: "◔", EXPIRED: "⚠", FUTURE: "○"}  # plain symbols: they show in any font


_d = as_date


def training_state(completed_on: date, expires_on: date | None, as_at: date) -> str:
    if completed_on > as_at:
        return FUTURE
    if expires_on is not None and expires_on < as_at:
        return EXPIRED
    if expires_on is not None and expires_on <= as_at + timedelta(days=EXPIRY_WINDOW_DAYS):
        return EXPIRING
    return CURRENT


def is_current(state: str) -> bool:
    return state in (CURRENT, EXPIRING)


# --------------------------------------------------------------------------- concentration (pure)


def concentration(counts: Sequence[int]) -> dict:
    """Share of all records held by the top ceil(10%) of people, and the Gini coefficient.

    Gini with counts sorted ascending x_1..x_n: G = 2 * sum(i * x_i) / (n * sum(x)) - (n + 1) / n."""
    xs = sorted(int(c) for c in counts)
    n, total = len(xs), sum(xs)
    top_n = math.ceil(0.1 * n) if n else 0
    if n == 0 or total == 0:
        return {"staff": n, "records": total, "top_n": top_n, "top_share": None, "gini": None}
    top_share = sum(xs[-top_n:]) / total
    gini = 2 * sum(i * x for i, x in enumerate(xs, start=1)) / (n * total) - (n + 1) / n
    return {"staff": n, "records": total, "top_n": top_n, "top_share": top_share, "gini": gini}


# --------------------------------------------------------------------------- readers


def _staff_and_training(db: Database, viewer: Viewer, school_id: int, as_at: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    staff = db.query("statutory_staff", viewer_id=viewer.user_id, school_id=school_id, as_at=as_at)
    training = db.query("statutory_training", viewer_id=viewer.user_id, school_id=school_id, as_at=as_at)
    staff["name"] = staff["first_name"] + " " + staff["last_name"]
    training["completed_on"] = [_d(x) for x in training["completed_on"]]
    training["expires_on"] = [_d(x) for x in training["expires_on"]]
    training["state"] = [training_state(c, e, as_at) for c, e in zip(training["completed_on"], training["expires_on"])]
    return staff, training


def staff_list(db: Database, viewer: Viewer, school_id: int, as_at: date) -> pd.DataFrame:
    """Staff in post with their count of current SEND training records (for pickers and the roster)."""
    viewer.require_role(READ_ROLES)
    staff, training = _staff_and_training(db, viewer, school_id, as_at)
    current = training[training["state"].isin((CURRENT, EXPIRING))].groupby("staff_id").size()
    staff["current_training"] = staff["staff_id"].map(current).fillna(0).astype(int)
    out = staff[["staff_id", "name", "staff_role", "fte", "current_training"]]
    return out.sort_values(["name", "staff_id"], kind="stable").reset_index(drop=True)


def training_records(db: Database, viewer: Viewer, school_id: int, as_at: date) -> pd.DataFrame:
    """Every training record of staff in post: who, area, course, level, completed, expiry, state."""
    viewer.require_role(READ_ROLES)
    staff, training = _staff_and_training(db, viewer, school_id, as_at)
    names = dict(zip(staff["staff_id"], staff["name"]))
    roles = dict(zip(staff["staff_id"], staff["staff_role"]))
    out = pd.DataFrame({
        "training_id": training["training_id"].astype(int),
        "staff": training["staff_id"].map(names),
        "role": training["staff_id"].map(roles).str.replace("_", " "),
        "area": training["area"].map(AREAS).fillna(training["area"]),
        "course": training["course"],
        "level": training["level"].str.capitalize(),
        "completed_on": training["completed_on"],
        "expires_on": training["expires_on"],
        "state": [f"{STATE_ICONS[s]} {s}" for s in training["state"]],
    })
    return out.sort_values(["staff", "area", "completed_on"], kind="stable").reset_index(drop=True)


def need_mix(db: Database, viewer: Viewer, school_id: int, as_at: date) -> pd.DataFrame:
    frame = db.query("statutory_need_mix", viewer_id=viewer.user_id, school_id=school_id, as_at=as_at)
    counts = frame.groupby("area_code")["pupils"].sum()
    return pd.DataFrame({"area_code": list(AREAS), "pupils": [int(counts.get(code, 0)) for code in AREAS]})


def training_coverage(db: Database, viewer: Viewer, school_id: int, as_at: date) -> pd.DataFrame:
    """Per broad area: SEND pupils (primary need) and their share of the register, against staff in post
    with current training in that area (any level, and specialist) and their share of staff. Counts only,
    no pupil or staff rows (governors' pack may call this)."""
    viewer.require_role(AGGREGATE_ROLES)
    mix = need_mix(db, viewer, school_id, as_at)
    staff, training = _staff_and_training(db, viewer, school_id, as_at)
    current = training[training["state"].isin((CURRENT, EXPIRING))]
    n_staff, n_send = len(staff), int(mix["pupils"].sum())
    rows = []
    for code, area in AREAS.items():
        pupils = int(mix.loc[mix["area_code"] == code, "pupils"].sum())
        in_area = current[current["area"] == code]
        trained = int(in_area["staff_id"].nunique())
        specialist = int(in_area[in_area["level"] == "specialist"]["staff_id"].nunique())
        rows.append({"area_code": code, "area": area, "send_pupils": pupils,
                     "pct_of_send": round(100.0 * pupils / n_send, 1) if n_send else None,
                     "staff_trained": trained, "pct_of_staff": round(100.0 * trained / n_staff, 1) if n_staff else None,
                     "specialist_staff": specialist, "staff_in_post": n_staff})
    return pd.DataFrame(rows)


def training_concentration(db: Database, viewer: Viewer, school_id: int, as_at: date) -> dict:
    """The concentration measure over staff in post and their current training records (counts only)."""
    viewer.require_role(AGGREGATE_ROLES)
    staff, training = _staff_and_training(db, viewer, school_id, as_at)
    current = training[training["state"].isin((CURRENT, EXPIRING))].groupby("staff_id").size()
    counts = [int(current.get(s, 0)) for s in staff["staff_id"]]
    result = concentration(counts)
    result["staff_with_any"] = sum(1 for c in counts if c > 0)
    return result


def expiry_watch(db: Database, viewer: Viewer, school_id: int, as_at: date) -> pd.DataFrame:
    """Training expiring in the next 90 days, and expired training not since renewed (no later record
    of the same course for the same person)."""
    viewer.require_role(READ_ROLES)
    records = training_records(db, viewer, school_id, as_at)
    _, training = _staff_and_training(db, viewer, school_id, as_at)
    renewed = set()
    for _, grp in training.groupby(["staff_id", "course"]):
        if len(grp) > 1:
            latest = grp.sort_values("completed_on").iloc[-1]
            renewed.update(int(t) for t in grp["training_id"] if int(t) != int(latest["training_id"]))
    if records.empty:  # no training held yet: nothing can be expiring
        return records
    state = records["state"].astype(str)
    keep = state.str.contains(EXPIRING, regex=False) | state.str.contains(EXPIRED, regex=False)
    out = records[keep & ~records["training_id"].isin(renewed)]
    return out.sort_values("expires_on", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- changes (audited)


def add_training(db: Database, viewer: Viewer, school_id: int, *, staff_id: int, course: str, area: str, level: str,
                 completed_on: date, expires_on: date | None) -> int:
    """Record a training course for a member of staff. Returns the new training id."""
    viewer.require_role(EDIT_ROLES)
    course = (course or "").strip()
    if not course:
        raise StatutoryError("Give the course name.")
    if len(course) > 200:
        raise StatutoryError("The course name is too long (200 characters at most).")
    if area not in AREAS:
        raise StatutoryError("Choose one of the four broad areas of need (or Other).")
    if level not in LEVELS:
        raise StatutoryError("Choose a level: awareness, enhanced or specialist.")
    if expires_on is not None and expires_on < completed_on:
        raise StatutoryError("The expiry date is before the date the course was completed.")
    if not db.scalar("statutory_staff_in_school", viewer_id=viewer.user_id, staff_id=int(staff_id), school_id=school_id):
        raise StatutoryError("That member of staff is not at this school.")
    new = {"staff_id": int(staff_id), "course": course, "area": area, "level": level,
           "completed_on": completed_on, "expires_on": expires_on}

    def work(w):
        training_id = int(w.run("statutory_insert_training", **new)[0][0])
        audit.record_change(w, viewer, "training_changed", object_type="training", object_id=training_id,
                            new_value=new)
        return training_id

    return db.write(work)


def set_training_expiry(db: Database, viewer: Viewer, school_id: int, training_id: int, expires_on: date | None) -> None:
    """Change (or clear) the expiry date of one training record."""
    viewer.require_role(EDIT_ROLES)
    rows = db.query("statutory_training_row", viewer_id=viewer.user_id, training_id=int(training_id), school_id=school_id)
    if rows.empty:
        raise StatutoryError("That training record is not at this school.")
    row = rows.iloc[0]
    completed, old = _d(row["completed_on"]), _d(row["expires_on"])
    if expires_on is not None and expires_on < completed:
        raise StatutoryError(f"The expiry date is before the course was completed ({completed:%d %b %Y}).")
    if old == expires_on:
        return

    def work(w):
        w.run("statutory_update_training_expiry", training_id=int(training_id), expires_on=expires_on)
        audit.record_change(w, viewer, "training_changed", object_type="training", object_id=int(training_id),
                            old_value={"expires_on": old}, new_value={"expires_on": expires_on})

    db.write(work)


# --------------------------------------------------------------------------- charts


def coverage_chart(frame: pd.DataFrame) -> go.Figure:
    """Need mix against staff trained, side by side for each broad area."""
    fig = go.Figure()
    fig.add_trace(go.Bar(y=frame["area"], x=frame["pct_of_send"], orientation="h", name="% of SEND pupils (primary need)",
                         marker_color=charts.PALETTE[0], text=[f"{v:.0f}%" if pd.notna(v) else "" for v in frame["pct_of_send"]],
                         textposition="outside"))
    fig.add_trace(go.Bar(y=frame["area"], x=frame["pct_of_staff"], orientation="h", name="% of staff with current training",
                         marker_color=charts.PALETTE[1], marker_pattern_shape="/",
                         text=[f"{v:.0f}%" if pd.notna(v) else "" for v in frame["pct_of_staff"]], textposition="outside"))
    charts.style(fig, "Does our staff training match the needs of our pupils?", height=420, x_title="%")
    fig.update_layout(barmode="group", legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
                      margin={"b": 80})
    fig.update_yaxes(autorange="reversed", title=None)
    top = max([v for v in list(frame["pct_of_send"]) + list(frame["pct_of_staff"]) if pd.notna(v)] or [100])
    fig.update_xaxes(range=[0, min(110, top * 1.2 + 5)])
    return fig


def concentration_chart(counts: pd.DataFrame) -> go.Figure:
    """Current training records per member of staff, most-trained first (names left off the axis)."""
    ordered = counts.sort_values("current_training", ascending=False).reset_index(drop=True)
    top_n = math.ceil(0.1 * len(ordered)) if len(ordered) else 0
    colours = [charts.PALETTE[5] if i < top_n else charts.PALETTE[4] for i in range(len(ordered))]
    fig = go.Figure(go.Bar(x=list(range(1, len(ordered) + 1)), y=ordered["current_training"], marker_color=colours,
                           customdata=ordered["name"],
                           hovertemplate="%{customdata}: %{y} current records<extra></extra>"))
    charts.style(fig, "Is training held by a few staff?", height=420,
                 y_title="Current training records", x_title="Staff, most-trained first (orange = top tenth)")
    return fig
