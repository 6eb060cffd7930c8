"""Pupil passports: one pupil on one page. Strengths first, then needs, targets, support and reviews.

A teacher asking for a pupil they do not teach gets None, and the attempt is audited. The SENCO edits
every field; a pupil's teachers edit the fields named in the setting 'teacher_editable_passport_fields'.
Each edit keeps the old and new value (classroom_history and the audit log).
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from .. import audit, versions
from ..access import AccessDenied, Viewer
from ..db import Database
from ..record_kinds import PASSPORT_EDIT_ROLES
from ..scope import may_see_pupil, refuse_pupil
from ..settings import get_settings
from . import ClassroomError, profile, reviews

FIELDS = {
    "strengths": "Strengths",
    "interests": "Interests",
    "what_helps": "What helps me",
    "what_does_not_help": "What does not help me",
    "pupil_voice": "In my own words (pupil voice)",
    "parent_voice": "My family says (parent voice)",
}
MAX_FIELD = 2000


class PassportError(ClassroomError):
    """A passport edit that cannot be saved as it is."""


def pupil_choices(db: Database, viewer: Viewer, school_id: int, as_at: date, today: date) -> pd.DataFrame:
    viewer.require_pupils()
    frame = db.query("classroom_pupil_choices", viewer_id=viewer.user_id, today=today, school_id=school_id, as_at=as_at)
    frame["label"] = [
        f"{r.first_name} {r.last_name} · Y{r.year_group}"
        + ("" if r.sen_group == "No SEN" else f" · {r.sen_group}") + (" · of concern" if r.of_concern else "")
        for r in frame.itertuples()
    ]
    return frame


def refuse(db: Database, viewer: Viewer, pupil_id, page: str = "passport") -> None:
    """Audit an attempt to open a pupil the viewer may not see."""
    refuse_pupil(db, viewer, pupil_id, page)


def editable_fields(db: Database, viewer: Viewer) -> list[str]:
    """The passport fields this viewer may edit (for a pupil they may see)."""
    if viewer.role not in PASSPORT_EDIT_ROLES:
        return []
    if viewer.role == "senco":
        return list(FIELDS)
    if viewer.role == "teacher":
        allowed = get_settings(db)["teacher_editable_passport_fields"].split("|")
        return [f for f in FIELDS if f in allowed]
    return []


def passport(db: Database, viewer: Viewer, pupil_id: int, as_at: date, today: date) -> dict | None:
    """Everything on a pupil's passport, or None if the viewer may not see the pupil."""
    viewer.require_pupils()
    if not may_see_pupil(db, viewer, pupil_id, today):
        return None
    frames = profile.pupil_frames(db, viewer, [int(pupil_id)], as_at, today)
    if frames["summary"].empty:
        return None
    card = profile.build_cards(frames, as_at, include_all=True)[0]
    card["groups"] = db.query("classroom_pupil_groups", viewer_id=viewer.user_id, today=today,
                              pupil_id=int(pupil_id), as_at=as_at)["name"].tolist()
    card["target_rows"] = frames["targets"]
    card["strategy_rows"] = frames["strategies"]
    card["plans"] = reviews.plans(db, viewer, pupil_id, today)
    card["all_targets"] = reviews.targets(db, viewer, pupil_id, today)
    card["reviews"] = reviews.reviews(db, viewer, pupil_id, today)
    card["history"] = db.query("classroom_history_for_pupil", viewer_id=viewer.user_id, today=today,
                               pupil_id=int(pupil_id))
    pp = frames["passports"]
    card["updated_at"] = None if pp.empty else pp["updated_at"].iloc[0]
    card["updated_by"] = None if pp.empty else pp["updated_by"].iloc[0]
    card["as_at"] = as_at
    return card


def save_passport(db: Database, viewer: Viewer, pupil_id: int, changes: dict[str, str], today: date,
                  expected_version: int | None = None) -> list[str]:
    """Save edited passport fields. Only fields the viewer may edit; each change is kept in the history
    and audited with old and new values. Returns the fields that changed. ``expected_version``: the
    version the form was opened at; a save made after someone else's is refused (versions.StaleEdit)."""
    viewer.require_pupils()
    if not may_see_pupil(db, viewer, pupil_id, today):
        refuse(db, viewer, pupil_id)
        raise AccessDenied("you do not teach this pupil")
    allowed = set(editable_fields(db, viewer))
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise PassportError(f"Unknown passport fields: {', '.join(sorted(unknown))}.")
    refused = set(changes) - allowed
    if refused:
        raise AccessDenied(f"your role may not edit: {', '.join(FIELDS[f] for f in sorted(refused))}")
    clean = {}
    for field, value in changes.items():
        text = (value or "").strip()
        if len(text) > MAX_FIELD:
            raise PassportError(f"'{FIELDS[field]}' is {len(text):,} characters long; please keep it to {MAX_FIELD:,}.")
        clean[field] = text or None
    versions.ensure(db, "passport", int(pupil_id))

    def work(w):
        rows = w.query("classroom_passport_row", pupil_id=int(pupil_id))
        old = dict.fromkeys(FIELDS) if rows.empty else {
            f: (None if pd.isna(rows[f].iloc[0]) else rows[f].iloc[0]) for f in FIELDS}
        changed = [f for f, v in clean.items() if old[f] != v]
        if not changed:
            return []
        versions.check_and_bump(w, viewer, "passport", int(pupil_id), expected_version,
                                theirs={f: old[f] for f in changed})
        new = dict(old)
        new.update({f: clean[f] for f in changed})
        w.run("classroom_passport_upsert", pupil_id=int(pupil_id), updated_by=viewer.username, **new)
        for f in changed:
            w.run("classroom_history_insert", object_type="passport", object_id=int(pupil_id), pupil_id=int(pupil_id),
                  field=f, old_value=old[f], new_value=new[f], changed_by=viewer.username)
        audit.record_change(w, viewer, "passport_changed", object_type="passport", object_id=pupil_id,
                            pupil_id=pupil_id, old_value={f: old[f] for f in changed},
                            new_value={f: new[f] for f in changed})
        return changed

    return db.write(work)
