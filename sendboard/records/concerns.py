"""Concerns: any member of staff who teaches a pupil can record what they noticed, the broad area of need it
suggests and the evidence. The SENCO sees a queue and decides: monitor, assess, add to SEN support, or
close. The latest decision, its date and who made it are kept on the concern (earlier ones in the audit
log); the member of staff who raised it sees what became of it on the pupil's passport.

Monitor and assess keep the concern open (the pupil stays "of concern" on class profiles); add to SEN
support and close end it on the date of the decision. Adding to SEN support also starts SEN support (K)
on the register that day, unless the pupil is already on the register.
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from .. import audit
from ..access import AccessDenied, Viewer
from ..db import Database
from ..reference import AREAS
from ..scope import Scope
from . import RecordsError, as_date, clean_text

RAISE_ROLES = frozenset({"teacher", "senco", "head"})
DECIDE_ROLES = frozenset({"senco", "head"})
DECISIONS = {"monitor": "Monitor", "assess": "Assess further", "sen_support": "Add to SEN support", "close": "Close"}
CLOSING = frozenset({"sen_support", "close"})
MAX_TEXT = 2000


def decision_label(decision) -> str:
    if decision is None or (not isinstance(decision, str) and pd.isna(decision)):
        return "Awaiting the SENCO"
    return DECISIONS.get(decision, str(decision))


def raise_concern(db: Database, scope: Scope, school_id: int, pupil_id: int, *, noticed: str, area: str | None,
                  evidence: str, raised_on: date) -> int:
    """Record a concern about a pupil the viewer may see. Returns the concern id."""
    scope.viewer.require_role(RAISE_ROLES)
    noticed = clean_text(noticed, field="noticed", label="What you noticed", limit=MAX_TEXT, required=True)
    evidence = clean_text(evidence, field="evidence", label="Evidence", limit=MAX_TEXT)
    if area is not None and area not in AREAS:
        raise RecordsError("Choose one of the broad areas of need, or leave it as not sure.", "area")
    if raised_on is None or raised_on > scope.today:
        raise RecordsError(f"The date noticed cannot be after today ({scope.today:%d/%m/%Y}).", "raised_on")
    if raised_on < scope.today - timedelta(days=366):
        raise RecordsError("The date noticed is more than a year ago; record recent concerns here.", "raised_on")
    new = {"pupil_id": int(pupil_id), "raised_on": raised_on, "raised_by": scope.viewer.username, "area": area,
           "reason": noticed, "evidence": evidence}

    def work(w):
        rows = w.run("records_concern_insert", scope=scope, school_id=int(school_id), **new)
        if not rows:
            return None
        concern_id = int(rows[0][0])
        audit.record_change(w, scope.viewer, "concern_changed", object_type="concern", object_id=concern_id,
                            pupil_id=int(pupil_id), new_value=new)
        return concern_id

    concern_id = db.write(work)
    if concern_id is None:
        audit.record(db, scope.viewer, "access_refused", object_type="concern", pupil_id=int(pupil_id))
        raise AccessDenied("you can raise a concern only about a pupil you teach")
    return concern_id


def decide(db: Database, scope: Scope, school_id: int, concern_id: int, *, decision: str, decided_on: date,
           note: str) -> None:
    """The SENCO's decision on a concern (it may be changed later; each change is audited)."""
    scope.viewer.require_role(DECIDE_ROLES)
    if decision not in DECISIONS:
        raise RecordsError("Choose a decision: monitor, assess further, add to SEN support, or close.", "decision")
    note = clean_text(note, field="note", label="Note", limit=MAX_TEXT)
    rows = db.query("records_concern_row", scope=scope, school_id=int(school_id),
                    concern_id=int(concern_id))
    if rows.empty:
        raise AccessDenied("that concern is not one you can see")
    row = rows.iloc[0]
    raised_on = as_date(row["raised_on"])
    if decided_on is None or decided_on > scope.today:
        raise RecordsError(f"The date of the decision cannot be after today ({scope.today:%d/%m/%Y}).", "decided_on")
    if decided_on < raised_on:
        raise RecordsError(f"The decision cannot come before the concern was raised ({raised_on:%d/%m/%Y}).", "decided_on")
    pupil_id = int(row["pupil_id"])
    old = {"decision": None if pd.isna(row["decision"]) else row["decision"], "decided_on": as_date(row["decided_on"]),
           "outcome": None if pd.isna(row["outcome"]) else row["outcome"], "closed_on": as_date(row["closed_on"])}
    new = {"decision": decision, "decided_on": decided_on, "decided_by": scope.viewer.username,
           "outcome": note or DECISIONS[decision], "closed_on": decided_on if decision in CLOSING else None}

    def work(w):
        w.run("records_concern_decide", concern_id=int(concern_id), **new)
        audit.record_change(w, scope.viewer, "concern_changed", object_type="concern", object_id=int(concern_id),
                            pupil_id=pupil_id, old_value=old, new_value=new)
        if decision == "sen_support":
            _start_sen_support(w, scope.viewer, pupil_id, decided_on)

    db.write(work)


def _start_sen_support(w, viewer: Viewer, pupil_id: int, on: date) -> None:
    held = w.query("records_pupil_open_provision", pupil_id=pupil_id, on=on)
    if not held.empty and held["code"].iloc[0] != "N":
        return  # already on the register
    later = int(w.query("records_provision_after", pupil_id=pupil_id, on=on).iloc[0, 0])
    if later:
        raise RecordsError("The register already holds a later SEN provision for this pupil; add SEN support "
                           "on the Data import page instead.", "decision")
    if not held.empty:
        start = as_date(held["start_date"].iloc[0])
        if start == on:
            raise RecordsError("The register has 'no SEN' starting that same day; choose another date.", "decided_on")
        w.run("records_end_provision", pupil_id=pupil_id, start_date=start, end_date=on - timedelta(days=1))
    w.run("records_start_sen_support", pupil_id=pupil_id, start_date=on)
    audit.record_change(w, viewer, "sen_provision_changed", object_type="sen_provision", object_id=pupil_id,
                        pupil_id=pupil_id, new_value={"code": "K", "start_date": on, "reason": "concern decision"})


def for_pupil(db: Database, scope: Scope, pupil_id: int) -> pd.DataFrame:
    frame = db.query("records_concerns_for_pupil", scope=scope, pupil_id=int(pupil_id))
    return _readable(frame)


def raised_by_me(db: Database, scope: Scope, school_id: int) -> pd.DataFrame:
    frame = db.query("records_concerns_raised_by", scope=scope, school_id=int(school_id),
                     username=scope.viewer.username)
    return _readable(frame)


def queue(db: Database, scope: Scope, school_id: int, as_at: date) -> pd.DataFrame:
    """Concerns awaiting a decision first (oldest first), then open and recently decided ones."""
    scope.viewer.require_role(DECIDE_ROLES | {"trust"})
    frame = db.query("records_concern_queue", scope=scope, school_id=int(school_id),
                     as_at=as_at)
    return _readable(frame)


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["area_name"] = frame["area"].map(AREAS).fillna("Not sure")
    # concerns closed before decisions were recorded (older data) read "Closed", not "Awaiting"
    frame["status"] = [("Closed" if pd.notna(c) else decision_label(d)) if not isinstance(d, str) else decision_label(d)
                       for d, c in zip(frame["decision"], frame["closed_on"])]
    return frame


def group_pupils(db: Database, scope: Scope, group_id: int, as_at: date) -> pd.DataFrame:
    """The pupils of a group the viewer may see, to choose whom a concern is about."""
    return db.query("records_group_pupils", scope=scope, group_id=int(group_id), as_at=as_at)
