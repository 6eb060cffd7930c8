"""The intervention catalogue and the hourly cost of each staff role.

Anyone who may open the provision map reads the catalogue; hourly costs and other costs come back
NULL from SQL unless the viewer may see costs. The SENCO and the head add, edit and retire
interventions; the head, the SENCO and the administrator set hourly costs. Every change is audited
with its old and new values, in the same transaction as the change.
"""
from __future__ import annotations

import math

import pandas as pd

from .. import audit, versions
from ..access import AccessDenied, Viewer
from ..db import Database
from ..scope import Scope
from . import AREA_NAMES, EDIT_ROLES, RATE_ROLES, WAVES, ProvisionError

FIELDS = ("name", "areas", "wave", "delivered_by", "group_size", "sessions_per_week", "minutes_per_session",
          "planned_weeks", "other_costs", "measure", "measure_scale", "higher_is_better")


def catalogue(db: Database, scope: Scope, school_id: int, *, include_retired: bool = True) -> pd.DataFrame:
    frame = db.query("provision_catalogue", scope=scope, school_id=int(school_id))
    if not include_retired:
        frame = frame[~frame["retired"].astype(bool)].reset_index(drop=True)
    if not scope.viewer.sees_costs:
        frame = frame.drop(columns=["hourly_cost", "other_costs"])
    return frame


def staff_roles(db: Database, scope: Scope, school_id: int) -> list[str]:
    return [r[0] for r in db.query_rows("provision_staff_roles", scope=scope, school_id=int(school_id))]


def role_costs(db: Database, scope: Scope, school_id: int) -> pd.DataFrame:
    """Hourly cost of each staff role (empty for anyone who may not see costs)."""
    return db.query("provision_role_costs", scope=scope, school_id=int(school_id))


def _require(viewer: Viewer, school_id: int, roles) -> None:
    if viewer.role not in roles:
        raise AccessDenied("the intervention catalogue is changed by the SENCO and the head")
    if int(school_id) not in set(viewer.school_ids):
        raise AccessDenied("that school is not one of yours")


def _number(value, what: str, *, minimum: float, integer: bool = False, maximum: float | None = None) -> float | int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ProvisionError(f"{what} must be a number.") from None
    if math.isnan(number) or math.isinf(number):
        raise ProvisionError(f"{what} must be a number.")
    if number < minimum:
        raise ProvisionError(f"{what} must be at least {minimum:g}.")
    if maximum is not None and number > maximum:
        raise ProvisionError(f"{what} must be at most {maximum:g}.")
    if integer:
        if number != int(number):
            raise ProvisionError(f"{what} must be a whole number.")
        return int(number)
    return number


def _text(value, what: str, *, required: bool = True, limit: int = 200) -> str | None:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise ProvisionError(f"Please give {what}.")
    if len(text) > limit:
        raise ProvisionError(f"{what[0].upper() + what[1:]} is too long: keep it to {limit} characters.")
    return text or None


def validate_intervention(values: dict) -> dict:
    """Clean an intervention's fields, or raise ProvisionError saying what to fix."""
    areas = values.get("areas")
    if isinstance(areas, str):
        areas = [a for a in areas.split("|") if a]
    areas = [a for a in (areas or []) if a]
    if not areas:
        raise ProvisionError("Choose at least one broad area of need.")
    unknown = [a for a in areas if a not in AREA_NAMES]
    if unknown:
        raise ProvisionError(f"Unknown area code: {', '.join(unknown)}.")
    wave = values.get("wave")
    if wave not in WAVES:
        raise ProvisionError("Choose the wave: universal, targeted or specialist.")
    return {
        "name": _text(values.get("name"), "the intervention's name"),
        "areas": "|".join(a for a in AREA_NAMES if a in areas),
        "wave": wave,
        "delivered_by": _text(values.get("delivered_by"), "who delivers it (a staff role)"),
        "group_size": _number(values.get("group_size"), "Group size", minimum=1, integer=True, maximum=40),
        "sessions_per_week": _number(values.get("sessions_per_week"), "Sessions a week", minimum=0.1, maximum=30),
        "minutes_per_session": _number(values.get("minutes_per_session"), "Minutes a session", minimum=1,
                                       integer=True, maximum=480),
        "planned_weeks": _number(values.get("planned_weeks"), "Planned weeks", minimum=1, integer=True, maximum=52),
        "other_costs": _number(values.get("other_costs") or 0, "Other costs", minimum=0),
        "measure": _text(values.get("measure"), "the measure used for entry and exit scores"),
        "measure_scale": _text(values.get("measure_scale"), "the measure's scale (e.g. 'standardised score')"),
        "higher_is_better": bool(values.get("higher_is_better", True)),
    }


def _params(clean: dict) -> dict:
    """Statement parameters: the name travels as $iname (``name`` is the query-name argument of db calls)."""
    params = {k: v for k, v in clean.items() if k != "name"}
    params["iname"] = clean["name"]
    return params


def _row(db: Database, intervention_id: int) -> dict:
    rows = db.query("provision_intervention_row", intervention_id=int(intervention_id))
    if rows.empty:
        raise ProvisionError("That intervention no longer exists.")
    return rows.iloc[0].to_dict()


def _plain(value):
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def add_intervention(db: Database, viewer: Viewer, school_id: int, values: dict) -> int:
    """Add an intervention to the catalogue. Returns its id."""
    _require(viewer, school_id, EDIT_ROLES)
    clean = validate_intervention(values)
    if db.scalar("provision_intervention_name_taken", school_id=int(school_id), new_name=clean["name"], intervention_id=-1):
        raise ProvisionError(f"There is already an intervention called {clean['name']!r}. Choose another name or edit that one.")

    def work(w):
        new_id = int(w.run("provision_intervention_insert", school_id=int(school_id), **_params(clean))[0][0])
        audit.record_change(w, viewer, "intervention_changed", object_type="intervention", object_id=new_id,
                            detail="added", new_value=clean)
        return new_id

    return db.write(work)


def edit_intervention(db: Database, viewer: Viewer, intervention_id: int, values: dict,
                      expected_version: int | None = None) -> None:
    old = _row(db, intervention_id)
    _require(viewer, old["school_id"], EDIT_ROLES)
    clean = validate_intervention(values)
    if db.scalar("provision_intervention_name_taken", school_id=int(old["school_id"]), new_name=clean["name"],
                 intervention_id=int(intervention_id)):
        raise ProvisionError(f"There is already an intervention called {clean['name']!r}.")
    before = {k: _plain(old[k]) for k in FIELDS}
    changed = {k: v for k, v in clean.items() if before.get(k) != v}
    if not changed:
        return
    versions.ensure(db, "intervention", int(intervention_id))

    def work(w):
        versions.check_and_bump(w, viewer, "intervention", int(intervention_id), expected_version,
                                theirs={k: before[k] for k in changed})
        w.run("provision_intervention_update", intervention_id=int(intervention_id), **_params(clean))
        audit.record_change(w, viewer, "intervention_changed", object_type="intervention", object_id=int(intervention_id),
                            detail="edited", old_value={k: before[k] for k in changed}, new_value=changed)

    db.write(work)


def set_retired(db: Database, viewer: Viewer, intervention_id: int, retired: bool) -> None:
    """Retire an intervention (it stays in history and reports but takes no new pupils), or bring it back."""
    old = _row(db, intervention_id)
    _require(viewer, old["school_id"], EDIT_ROLES)
    if bool(old["retired"]) == bool(retired):
        return

    def work(w):
        w.run("provision_intervention_set_retired", intervention_id=int(intervention_id), retired=bool(retired))
        audit.record_change(w, viewer, "intervention_changed", object_type="intervention", object_id=int(intervention_id),
                            detail="retired" if retired else "reinstated",
                            old_value={"retired": bool(old["retired"])}, new_value={"retired": bool(retired)})

    db.write(work)


def set_role_cost(db: Database, viewer: Viewer, school_id: int, staff_role: str, hourly_cost) -> None:
    """Set the hourly cost of a staff role (salary and on-costs per working hour)."""
    _require(viewer, school_id, RATE_ROLES)
    role = _text(staff_role, "the staff role", limit=60)
    cost = _number(hourly_cost, "Hourly cost", minimum=0, maximum=1000)
    old = db.scalar("provision_role_cost_row", school_id=int(school_id), staff_role=role)
    if old is not None and float(old) == cost:
        return

    def work(w):
        w.run("provision_role_cost_upsert", school_id=int(school_id), staff_role=role, hourly_cost=cost)
        audit.record_change(w, viewer, "staff_role_cost_changed", object_type="staff_role_cost",
                            object_id=f"{school_id}:{role}", old_value=None if old is None else {"hourly_cost": float(old)},
                            new_value={"hourly_cost": cost})

    db.write(work)
