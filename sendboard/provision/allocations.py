"""Who is in which intervention: the scoped reads (with costs worked out) and the changes.

Reads take the Viewer: SQL keeps the rows to the pupils the viewer may see, and gives NULL costs to
anyone who may not see costs; :func:`year_allocations` then drops every cost column for them. Changes
(add, edit, end) are for the SENCO and the head, validated first (dates in order, the pupil exists in
this school and is visible, scores numeric) and audited with old and new values.
"""
from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd

from .. import audit, versions
from ..access import AccessDenied, Viewer
from ..db import Database
from ..domain import academic_year_bounds
from ..scope import Scope, may_see_pupil
from . import DELIVERY, DELIVERY_LABELS, EDIT_ROLES, NEED_AREA_NAMES, WAVES, ProvisionError
from .costs import allocation_costs, strip_costs

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
_DAY_BY_PREFIX = {d[:3].lower(): d for d in DAYS} | {d[:2].lower(): d for d in DAYS if d[:2] not in ("Tu", "Th")} | {
    "tue": "Tuesday", "tues": "Tuesday", "thu": "Thursday", "thur": "Thursday", "thurs": "Thursday"}
_SESSION = re.compile(r"^\s*([A-Za-z]+)\s*,?\s+([0-9]{1,2})[:.]([0-9]{2})\s*$")
EDIT_FIELDS = ("group_label", "start_date", "end_date", "sessions_attended", "entry_score", "exit_score",
               "day_of_week", "start_time", "delivery")


def year_bounds(db: Database, academic_year: int) -> tuple[date, date]:
    rows = db.query_rows("provision_year_bounds", academic_year=int(academic_year))
    if rows:
        return pd.Timestamp(rows[0][0]).date(), pd.Timestamp(rows[0][1]).date()
    return academic_year_bounds(academic_year)


def year_allocations(db: Database, scope: Scope, school_id: int, academic_year: int, as_at: date) -> pd.DataFrame:
    """Allocations overlapping the academic year that the viewer may see, with the cost columns of
    sendboard.provision.costs (dropped for anyone who may not see costs)."""
    scope.viewer.require_pupils()
    ys, ye = year_bounds(db, academic_year)
    frame = db.query("provision_allocations", scope=scope, school_id=int(school_id),
                     from_date=ys, to_date=ye, as_at=as_at)
    costed = allocation_costs(frame, as_at, ys, ye)
    return costed if scope.viewer.sees_costs else strip_costs(costed)


def aggregate_allocations(db: Database, scope: Scope, school_id: int, academic_year: int, as_at: date) -> pd.DataFrame:
    """Allocations of the year scoped by school, with no names: for totals only (never shown as rows)."""
    ys, ye = year_bounds(db, academic_year)
    frame = db.query("provision_allocations_for_aggregates", scope=scope, school_id=int(school_id),
                     from_date=ys, to_date=ye, as_at=as_at)
    return allocation_costs(frame, as_at, ys, ye)


SUMMARY_BY = ("year_group", "area", "wave", "intervention", "all")


def year_summary(db: Database, scope: Scope, school_id: int, academic_year: int, as_at: date,
                 by: str) -> pd.DataFrame:
    """Totals of the year's allocations the viewer may see, worked out in SQL (provision_summary).

    ``by`` is 'year_group', 'area', 'wave' or 'intervention' (one row per value, in the order
    :func:`sendboard.provision.costs.summarise` gives) or 'all' (one row; none if there are no
    allocations). Columns: the key (none for 'all'), allocations, interventions, pupils, pupils_now,
    interventions_now, pupil_hours_week, staff_hours_week, and for those who may see costs
    year_cost_to_date and year_cost (the same figures as summarise over :func:`year_allocations`).
    """
    scope.viewer.require_pupils()
    if by not in SUMMARY_BY:
        raise ValueError(f"cannot total allocations by {by!r}")
    out = db.query("provision_summary", scope=scope, school_id=int(school_id),
                   academic_year=int(academic_year), as_at=as_at, by=by)
    if not scope.viewer.sees_costs:
        out = out.drop(columns=["year_cost_to_date", "year_cost"])
    if by == "all":
        return out.drop(columns="key")
    out = out.rename(columns={"key": by})
    if by == "area":
        out["area"] = out["area"].map(NEED_AREA_NAMES).fillna(out["area"])
        out = out.sort_values("area", kind="stable")
    elif by == "year_group":
        out["year_group"] = pd.to_numeric(out["year_group"])
        out = out.sort_values("year_group", kind="stable", na_position="last")
    elif by == "wave":
        out = out.sort_values("wave", key=lambda w: w.map({x: i for i, x in enumerate(WAVES)}), kind="stable")
    return out.reset_index(drop=True) if by != "intervention" else out


def pupil_choices(db: Database, scope: Scope, school_id: int, as_at: date) -> pd.DataFrame:
    return db.query("provision_pupil_choices", scope=scope, school_id=int(school_id),
                    as_at=as_at)


# --------------------------------------------------------------------------- changes


def _require_editor(viewer: Viewer) -> None:
    if viewer.role not in EDIT_ROLES:
        raise AccessDenied("allocations are added and changed by the SENCO and the head")


def _score(value, what: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ProvisionError(f"The {what} must be a number (or left empty).") from None
    if math.isnan(number) or math.isinf(number):
        raise ProvisionError(f"The {what} must be a number (or left empty).")
    return number


def _date(value, what: str, *, required: bool) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        if required:
            raise ProvisionError(f"Please give the {what}.")
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ProvisionError(f"The {what} is not a date (use YYYY-MM-DD).") from None
    return pd.Timestamp(value).date()


def parse_sessions(text) -> list[tuple[str, str]]:
    """'Mon 10:40, Wed 10:40; Friday 13:15' -> [('Monday', '10:40'), ('Wednesday', '10:40'), ('Friday', '13:15')],
    in weekday order, each once. A list of (day, time) pairs is checked the same way. Raises ProvisionError
    naming the part it cannot read."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return []
    parts = [f"{d} {t}" for d, t in text] if isinstance(text, (list, tuple)) else \
        [p for p in re.split(r"[;,\n]\s*(?=[A-Za-z])", str(text)) if p.strip()]
    out: set[tuple[str, str]] = set()
    for part in parts:
        m = _SESSION.match(part)
        day = _DAY_BY_PREFIX.get(m.group(1).lower()) or next((d for d in DAYS if d.lower() == m.group(1).lower()), None) \
            if m else None
        if not m or day is None:
            raise ProvisionError(f"Cannot read the session '{part.strip()}': give a school day and a time, e.g. "
                                 "'Mon 10:40, Wed 10:40'.")
        hour, minute = int(m.group(2)), int(m.group(3))
        if hour > 23 or minute > 59:
            raise ProvisionError(f"'{part.strip()}' is not a time of day (use HH:MM, 24-hour, e.g. 13:15).")
        out.add((day, f"{hour:02d}:{minute:02d}"))
    return sorted(out, key=lambda s: (DAYS.index(s[0]), s[1]))


def sessions_text(sessions) -> str:
    """The inverse of :func:`parse_sessions`: 'Mon 10:40, Wed 10:40'."""
    return ", ".join(f"{d[:3]} {t}" for d, t in sessions)


def validate_allocation(values: dict, *, today: date) -> dict:
    """Clean an allocation's fields or raise ProvisionError saying what to fix."""
    start = _date(values.get("start_date"), "start date", required=True)
    end = _date(values.get("end_date"), "end date", required=False)
    if end is not None and end < start:
        raise ProvisionError(f"The end date ({end:%d %B %Y}) is before the start date ({start:%d %B %Y}).")
    attended = values.get("sessions_attended")
    if attended is not None and not (isinstance(attended, float) and math.isnan(attended)) and str(attended).strip() != "":
        try:
            attended_f = float(attended)
        except (TypeError, ValueError):
            raise ProvisionError("Sessions attended must be a whole number.") from None
        if attended_f < 0 or attended_f != int(attended_f):
            raise ProvisionError("Sessions attended must be a whole number, 0 or more.")
        attended = int(attended_f)
    else:
        attended = None
    entry = _score(values.get("entry_score"), "entry score")
    exit_ = _score(values.get("exit_score"), "exit score")
    if exit_ is not None and entry is None:
        raise ProvisionError("An exit score needs an entry score to measure progress from.")
    label = (values.get("group_label") or "").strip() or None
    if label and len(label) > 60:
        raise ProvisionError("Keep the group label to 60 characters.")
    day = values.get("day_of_week") or None
    if day is not None and day not in DAYS:
        raise ProvisionError("Choose a school day for the session.")
    time_text = (values.get("start_time") or "").strip() or None
    if time_text and (len(time_text) != 5 or time_text[2] != ":" or not (time_text[:2] + time_text[3:]).isdigit()):
        raise ProvisionError("Give the start time as HH:MM, e.g. 10:40.")
    delivery = values.get("delivery") or "withdrawn"
    if delivery not in DELIVERY:
        raise ProvisionError("Say how it is delivered: " + " or ".join(DELIVERY_LABELS[d].lower() for d in DELIVERY) + ".")
    if "sessions" in values:
        sessions = parse_sessions(values.get("sessions"))
    else:
        sessions = [(day, time_text)] if day and time_text else []
    if sessions:  # the first session also fills the single day and time older exports read
        day, time_text = sessions[0]
    return {"group_label": label, "start_date": start, "end_date": end, "sessions_attended": attended,
            "entry_score": entry, "exit_score": exit_, "day_of_week": day, "start_time": time_text,
            "delivery": delivery, "sessions": sessions}


def _write_sessions(w, allocation_id: int, sessions) -> None:
    w.run("provision_allocation_sessions_clear", allocation_id=int(allocation_id))
    for day, time_text in sessions:
        w.run("provision_allocation_session_insert", allocation_id=int(allocation_id), day_of_week=day,
              start_time=time_text)


def allocation_sessions(db: Database, allocation_id: int) -> list[tuple[str, str]]:
    """The allocation's weekly sessions, (day, time) in weekday order."""
    return [(str(d), str(t)) for d, t in db.query_rows("provision_allocation_sessions", allocation_id=int(allocation_id))]


def _intervention(db: Database, intervention_id: int) -> dict:
    rows = db.query("provision_intervention_row", intervention_id=int(intervention_id))
    if rows.empty:
        raise ProvisionError("That intervention does not exist.")
    return rows.iloc[0].to_dict()


def _check_pupil(db: Database, scope: Scope, pupil_id: int, school_id: int) -> None:
    if not may_see_pupil(db, scope, pupil_id, school_id=school_id):
        audit.record(db, scope.viewer, "access_refused", object_type="allocation", pupil_id=int(pupil_id))
        raise ProvisionError("That pupil is not on this school's records (or not one you may see).")


def add_allocation(db: Database, scope: Scope, pupil_id: int, intervention_id: int, values: dict) -> int:
    """Put a pupil in an intervention. Returns the allocation id."""
    _require_editor(scope.viewer)
    intervention = _intervention(db, intervention_id)
    if int(intervention["school_id"]) not in set(scope.viewer.school_ids):
        raise AccessDenied("that intervention is not in one of your schools")
    if bool(intervention["retired"]):
        raise ProvisionError("That intervention is retired: reinstate it in the catalogue to add pupils.")
    _check_pupil(db, scope, pupil_id, intervention["school_id"])
    clean = validate_allocation(values, today=scope.today)

    sessions = clean.pop("sessions")

    def work(w):
        new_id = int(w.run("provision_allocation_insert", pupil_id=int(pupil_id), intervention_id=int(intervention_id),
                           **clean)[0][0])
        _write_sessions(w, new_id, sessions)
        audit.record_change(w, scope.viewer, "allocation_changed", object_type="allocation", object_id=new_id,
                            pupil_id=int(pupil_id), detail="added",
                            new_value={"intervention_id": int(intervention_id), **clean,
                                       "sessions": sessions_text(sessions)})
        return new_id

    return db.write(work)


def _allocation(db: Database, allocation_id: int) -> dict:
    rows = db.query("provision_allocation_row", allocation_id=int(allocation_id))
    if rows.empty:
        raise ProvisionError("That allocation no longer exists.")
    return rows.iloc[0].to_dict()


def _plain(value):
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    return value


def edit_allocation(db: Database, scope: Scope, allocation_id: int, values: dict, *, expected_version: int | None = None) -> dict:
    """Change an allocation (dates, group, attendance, scores). Returns the fields changed."""
    _require_editor(scope.viewer)
    old = _allocation(db, allocation_id)
    if int(old["school_id"]) not in set(scope.viewer.school_ids):
        raise AccessDenied("that allocation is not in one of your schools")
    _check_pupil(db, scope, old["pupil_id"], old["school_id"])
    merged = {k: _plain(old[k]) for k in EDIT_FIELDS}
    merged["sessions"] = allocation_sessions(db, allocation_id)
    merged.update(values)
    clean = validate_allocation(merged, today=scope.today)
    sessions = clean.pop("sessions")
    clean["sessions"] = sessions_text(sessions)
    before = {k: _plain(old[k]) for k in EDIT_FIELDS}
    before["sessions"] = sessions_text(allocation_sessions(db, allocation_id))
    changed = {k: v for k, v in clean.items() if before.get(k) != v}
    if not changed:
        return {}
    del clean["sessions"]
    versions.ensure(db, "allocation", int(allocation_id))

    def work(w):
        versions.check_and_bump(w, scope.viewer, "allocation", int(allocation_id), expected_version,
                                theirs={k: before[k] for k in changed})
        w.run("provision_allocation_update", allocation_id=int(allocation_id), **clean)
        _write_sessions(w, allocation_id, sessions)
        audit.record_change(w, scope.viewer, "allocation_changed", object_type="allocation", object_id=int(allocation_id),
                            pupil_id=int(old["pupil_id"]), detail="edited",
                            old_value={k: before[k] for k in changed}, new_value=changed)

    db.write(work)
    return changed


def end_allocation(db: Database, scope: Scope, allocation_id: int, end_date: date, *, exit_score=None,
                   sessions_attended=None, expected_version: int | None = None) -> dict:
    """End an allocation on a date, recording the exit score and attendance if given."""
    values: dict = {"end_date": end_date}
    if exit_score is not None and str(exit_score).strip() != "":
        values["exit_score"] = exit_score
    if sessions_attended is not None and str(sessions_attended).strip() != "":
        values["sessions_attended"] = sessions_attended
    return edit_allocation(db, scope, allocation_id, values, expected_version=expected_version)


def ehc_hours(db: Database, scope: Scope, school_id: int, as_at: date) -> pd.DataFrame:
    """EHC plans open at as_at for the viewer's pupils, with the hours a week each plan sets out."""
    scope.viewer.require_pupils()
    return db.query("provision_ehc_hours", scope=scope, school_id=int(school_id), as_at=as_at)


def funding_lines(db: Database, scope: Scope, school_id: int, academic_year: int) -> pd.DataFrame:
    """Funding lines of the year (empty for anyone who may not see costs)."""
    return db.query("provision_funding", scope=scope, school_id=int(school_id),
                    academic_year=int(academic_year))


def academic_years(db: Database) -> pd.DataFrame:
    """Every academic year the database knows: academic_year, label, start_date, end_date."""
    return db.query("academic_year_list")
