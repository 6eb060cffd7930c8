"""Recording progress against targets, and the SENCO's support plans (assess, plan, do, review).

Reviews are only ever inserted, so two people saving at the same moment both keep their review.
Plan and target edits keep the old value in classroom_history. Bad input raises ReviewError (a
ValueError) with a message to show; nothing is saved.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from .. import audit, versions
from ..access import AccessDenied, Viewer
from ..db import Database
from ..scope import Scope, may_see_pupil
from . import ClassroomError

RATINGS = ("not_yet", "emerging", "achieved", "exceeded")
MAX_NOTE = 2000
REVIEWER_ROLES = frozenset({"teacher", "senco"})
PLAN_ROLES = frozenset({"senco"})


class ReviewError(ClassroomError):
    """A review or plan change that cannot be saved as it is; the message says why."""


def _clean_text(value: str | None, what: str, *, required: bool) -> str | None:
    text = (value or "").strip()
    if required and not text:
        raise ReviewError(f"Please write {what}: it cannot be empty.")
    if len(text) > MAX_NOTE:
        raise ReviewError(f"{what[0].upper() + what[1:]} is {len(text):,} characters long; please keep it to {MAX_NOTE:,}.")
    return text or None


def _check_date(value: date, what: str, today: date) -> date:
    if not isinstance(value, date):
        raise ReviewError(f"Please give {what}.")
    if value > today:
        raise ReviewError(f"{what[0].upper() + what[1:]} ({value:%d %B %Y}) is in the future; it can be today at the latest.")
    return value


def validate_review(db: Database, scope: Scope, pupil_id: int, target_id: int, rating: str, note: str,
                    reviewed_on: date) -> dict:
    """Check a review before saving; returns the cleaned values or raises ReviewError."""
    if scope.viewer.role not in REVIEWER_ROLES:
        raise AccessDenied("reviews are recorded by the pupil's teachers and the SENCO")
    if not may_see_pupil(db, scope, pupil_id):
        audit.record(db, scope.viewer, "access_refused", object_type="review", pupil_id=pupil_id)
        raise AccessDenied("you do not teach this pupil")
    if rating not in RATINGS:
        raise ReviewError("Please choose a rating: not yet, emerging, achieved or exceeded.")
    clean_note = _check_text_note(note)
    _check_date(reviewed_on, "the review date", scope.today)
    owner = db.query_rows("classroom_target_owner", target_id=int(target_id)) if target_id is not None else []
    if not owner or int(owner[0][0]) != int(pupil_id):
        raise ReviewError("That target does not belong to this pupil. Choose one of this pupil's targets.")
    _, plan_id, plan_closed, target_closed, _ = owner[0]
    if plan_closed is not None or target_closed is not None:
        raise ReviewError("That target's plan or the target itself is closed, so it cannot be reviewed any more.")
    return {"plan_id": int(plan_id), "target_id": int(target_id), "rating": rating, "note": clean_note,
            "reviewed_on": reviewed_on}


def _check_text_note(note: str | None) -> str:
    return _clean_text(note, "a note on progress", required=True)


def record_review(db: Database, scope: Scope, pupil_id: int, target_id: int, rating: str, note: str,
                  reviewed_on: date, *, pupil_voice: str | None = None,
                  parent_voice: str | None = None, next_review_due: date | None = None,
                  expected_version: int | None = None) -> int:
    """Record progress against one target. Returns the new review id. Never overwrites a review.

    Recording a review completes the plan's review: its next review date becomes ``next_review_due``
    (when given), else one term after the review (the default only ever moves the date later, so a date
    the SENCO set further ahead stands). The old date is kept in the history.
    ``expected_version``: the target's version when the form opened; if someone reviewed or closed the
    target since, the review is refused with theirs shown (versions.StaleEdit), so neither goes unseen."""
    from ..statutory.records import next_term_review  # one rule for "one term later"

    clean = validate_review(db, scope, pupil_id, target_id, rating, note, reviewed_on)
    voice = _clean_text(pupil_voice, "the pupil's view", required=False)
    parent = _clean_text(parent_voice, "the parent's view", required=False)
    if next_review_due is not None and (not isinstance(next_review_due, date) or next_review_due <= reviewed_on):
        raise ReviewError("The next review date must come after the date of this review.")
    new_due = next_review_due or next_term_review(db, reviewed_on)
    versions.ensure(db, "plan_target", int(target_id))

    def work(w):
        latest = w.run("integrity_latest_review", target_id=int(target_id))
        theirs = dict(zip(("reviewed_on", "rating", "note", "recorded_by"), latest[0])) if latest else {}
        versions.check_and_bump(w, scope.viewer, "plan_target", int(target_id), expected_version, theirs=theirs)
        old_due = pd.Timestamp(w.query("classroom_plan_row", plan_id=clean["plan_id"]).iloc[0]["review_due"]).date()
        move = new_due != old_due and (next_review_due is not None or new_due > old_due)
        review_id = w.run("classroom_review_insert", plan_id=clean["plan_id"], target_id=clean["target_id"],
                          reviewed_on=clean["reviewed_on"], rating=clean["rating"], note=clean["note"],
                          pupil_voice=voice, parent_voice=parent, recorded_by=scope.viewer.username)[0][0]
        audit.record_change(w, scope.viewer, "review_recorded", object_type="plan_review", object_id=review_id,
                            pupil_id=pupil_id, new_value={"target_id": clean["target_id"], "rating": rating,
                                                          "reviewed_on": reviewed_on, "note": clean["note"]})
        if move:
            w.run("ehc_support_plan_review_due", plan_id=clean["plan_id"], review_due=new_due)
            _history(w, scope.viewer, "plan", clean["plan_id"], pupil_id, "review_due", old_due, new_due)
            audit.record_change(w, scope.viewer, "plan_changed", object_type="support_plan", object_id=clean["plan_id"],
                                pupil_id=pupil_id, old_value={"review_due": old_due},
                                new_value={"review_due": new_due, "because": "review recorded"})
        return int(review_id)

    return db.write(work)


# --------------------------------------------------------------------------- reading


def plans(db: Database, scope: Scope, pupil_id: int) -> pd.DataFrame:
    return db.query("classroom_plans", scope=scope, pupil_id=int(pupil_id))


def targets(db: Database, scope: Scope, pupil_id: int) -> pd.DataFrame:
    return db.query("classroom_plan_targets_all", scope=scope, pupil_id=int(pupil_id))


def reviews(db: Database, scope: Scope, pupil_id: int) -> pd.DataFrame:
    return db.query("classroom_reviews", scope=scope, pupil_id=int(pupil_id))


# --------------------------------------------------------------------------- the SENCO's plans


def _require_plan_role(db: Database, scope: Scope, pupil_id: int) -> None:
    if scope.viewer.role not in PLAN_ROLES:
        raise AccessDenied("support plans are opened, edited and closed by the SENCO")
    if not may_see_pupil(db, scope, pupil_id):
        audit.record(db, scope.viewer, "access_refused", object_type="support_plan", pupil_id=pupil_id)
        raise AccessDenied("this pupil is not in your school")


def _history(w, viewer: Viewer, object_type: str, object_id: int, pupil_id: int, field: str, old, new) -> None:
    w.run("classroom_history_insert", object_type=object_type, object_id=int(object_id), pupil_id=int(pupil_id),
          field=field, old_value=None if old is None else str(old), new_value=None if new is None else str(new),
          changed_by=viewer.username)


def open_plan(db: Database, scope: Scope, pupil_id: int, *, start_date: date, review_due: date,
              assess_note: str | None, target_texts: list[str]) -> int:
    """Open a support plan with its targets (at least one). Returns the plan id."""
    _require_plan_role(db, scope, pupil_id)
    _check_date(start_date, "the plan's start date", scope.today)
    if not isinstance(review_due, date) or review_due <= start_date:
        raise ReviewError("The review date must come after the plan's start date.")
    note = _clean_text(assess_note, "the assessment note", required=False)
    texts = [_clean_text(t, "a target", required=True) for t in target_texts if (t or "").strip()]
    if not texts:
        raise ReviewError("Please write at least one target for the plan.")

    def work(w):
        plan_id = w.run("classroom_plan_insert", pupil_id=int(pupil_id), start_date=start_date, review_due=review_due,
                        created_by=scope.viewer.username, assess_note=note)[0][0]
        ids = [w.run("classroom_target_insert", plan_id=plan_id, description=t, area=None, set_on=start_date)[0][0]
               for t in texts]
        _history(w, scope.viewer, "plan", plan_id, pupil_id, "opened", None, f"review due {review_due}")
        audit.record_change(w, scope.viewer, "plan_opened", object_type="support_plan", object_id=plan_id, pupil_id=pupil_id,
                            new_value={"start_date": start_date, "review_due": review_due, "assess_note": note,
                                       "targets": texts, "target_ids": ids})
        return int(plan_id)

    return db.write(work)


def _plan(db: Database, plan_id: int) -> dict:
    rows = db.query("classroom_plan_row", plan_id=int(plan_id))
    if rows.empty:
        raise ReviewError("That plan no longer exists.")
    return rows.iloc[0].to_dict()


def edit_plan(db: Database, scope: Scope, plan_id: int, *, review_due: date, assess_note: str | None, expected_version: int | None = None) -> None:
    """Change a plan's review date and assessment note; the old values are kept in the history."""
    plan = _plan(db, plan_id)
    pupil_id = int(plan["pupil_id"])
    _require_plan_role(db, scope, pupil_id)
    if plan["closed_on"] is not None and not pd.isna(plan["closed_on"]):
        raise ReviewError("This plan is closed. Open a new plan instead of editing a closed one.")
    start = pd.Timestamp(plan["start_date"]).date()
    if not isinstance(review_due, date) or review_due <= start:
        raise ReviewError("The review date must come after the plan's start date.")
    note = _clean_text(assess_note, "the assessment note", required=False)
    versions.ensure(db, "support_plan", int(plan_id))

    def work(w):
        old = w.query("classroom_plan_row", plan_id=int(plan_id)).iloc[0]
        old_due = pd.Timestamp(old["review_due"]).date()
        old_note = None if pd.isna(old["assess_note"]) else old["assess_note"]
        if old_due == review_due and old_note == note:
            return
        versions.check_and_bump(w, scope.viewer, "support_plan", int(plan_id), expected_version,
                                theirs={"review_due": old_due, "assess_note": old_note})
        w.run("classroom_plan_update", plan_id=int(plan_id), review_due=review_due, assess_note=note)
        if old_due != review_due:
            _history(w, scope.viewer, "plan", plan_id, pupil_id, "review_due", old_due, review_due)
        if old_note != note:
            _history(w, scope.viewer, "plan", plan_id, pupil_id, "assess_note", old_note, note)
        audit.record_change(w, scope.viewer, "plan_changed", object_type="support_plan", object_id=plan_id,
                            pupil_id=pupil_id, old_value={"review_due": old_due, "assess_note": old_note},
                            new_value={"review_due": review_due, "assess_note": note})

    db.write(work)


def close_plan(db: Database, scope: Scope, plan_id: int, *, closed_on: date,
               expected_version: int | None = None) -> None:
    """Close a plan and its open targets (its reviews stay as they are)."""
    plan = _plan(db, plan_id)
    pupil_id = int(plan["pupil_id"])
    _require_plan_role(db, scope, pupil_id)
    if plan["closed_on"] is not None and not pd.isna(plan["closed_on"]):
        raise ReviewError("This plan is already closed.")
    _check_date(closed_on, "the closing date", scope.today)
    if closed_on < pd.Timestamp(plan["start_date"]).date():
        raise ReviewError("A plan cannot close before it started.")
    versions.ensure(db, "support_plan", int(plan_id))

    def work(w):
        versions.check_and_bump(w, scope.viewer, "support_plan", int(plan_id), expected_version)
        w.run("classroom_plan_close_targets", plan_id=int(plan_id), closed_on=closed_on)
        w.run("classroom_plan_close", plan_id=int(plan_id), closed_on=closed_on)
        _history(w, scope.viewer, "plan", plan_id, pupil_id, "closed_on", None, closed_on)
        audit.record_change(w, scope.viewer, "plan_closed", object_type="support_plan", object_id=plan_id,
                            pupil_id=pupil_id, old_value={"closed_on": None}, new_value={"closed_on": closed_on})

    db.write(work)


def add_target(db: Database, scope: Scope, plan_id: int, description: str, *, set_on: date) -> int:
    plan = _plan(db, plan_id)
    pupil_id = int(plan["pupil_id"])
    _require_plan_role(db, scope, pupil_id)
    if plan["closed_on"] is not None and not pd.isna(plan["closed_on"]):
        raise ReviewError("This plan is closed: targets cannot be added to it.")
    text = _clean_text(description, "the target", required=True)
    _check_date(set_on, "the date the target was set", scope.today)

    def work(w):
        target_id = w.run("classroom_target_insert", plan_id=int(plan_id), description=text, area=None, set_on=set_on)[0][0]
        _history(w, scope.viewer, "target", target_id, pupil_id, "added", None, text)
        audit.record_change(w, scope.viewer, "target_added", object_type="plan_target", object_id=target_id,
                            pupil_id=pupil_id, new_value={"plan_id": int(plan_id), "description": text})
        return int(target_id)

    return db.write(work)


def close_target(db: Database, scope: Scope, pupil_id: int, target_id: int, *, closed_on: date,
                 expected_version: int | None = None) -> None:
    _require_plan_role(db, scope, pupil_id)
    owner = db.query_rows("classroom_target_owner", target_id=int(target_id))
    if not owner or int(owner[0][0]) != int(pupil_id):
        raise ReviewError("That target does not belong to this pupil.")
    if owner[0][3] is not None:
        raise ReviewError("That target is already closed.")
    _check_date(closed_on, "the closing date", scope.today)
    versions.ensure(db, "plan_target", int(target_id))

    def work(w):
        versions.check_and_bump(w, scope.viewer, "plan_target", int(target_id), expected_version)
        w.run("classroom_target_close", target_id=int(target_id), closed_on=closed_on)
        _history(w, scope.viewer, "target", target_id, pupil_id, "closed_on", None, closed_on)
        audit.record_change(w, scope.viewer, "target_closed", object_type="plan_target", object_id=target_id,
                            pupil_id=pupil_id, old_value={"closed_on": None}, new_value={"closed_on": closed_on})

    db.write(work)
