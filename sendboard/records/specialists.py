"""External specialists: a pupil's involvement with a service outside the school, from referral to the
advice received and the next contact.

Waiting time per service (docs/methods.md, "External specialists: waiting times"): the median number
of days from referral to the pupil first being seen, over referrals made in the 365 days to the as-at
date plus any older referral still waiting. A pupil not yet seen counts as still waiting, with the days
from referral to the as-at date, so a long queue is not hidden by leaving out the pupils in it. A
referral closed before the pupil was seen (declined or withdrawn) is counted but has no wait.

The SENCO records and sees every involvement; the head sees them too. Leaders see waiting times and
counts per service; governors see the same counts through disclosure control.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from .. import audit, disclosure
from ..access import AccessDenied, Viewer
from ..db import Database
from . import RecordsError, as_date, clean_text

SERVICES = {
    "educational_psychology": "Educational psychology",
    "speech_language_therapy": "Speech and language therapy",
    "occupational_therapy": "Occupational therapy",
    "physiotherapy": "Physiotherapy",
    "camhs": "CAMHS (mental health services)",
    "hearing_impairment": "Specialist teacher: hearing impairment",
    "vision_impairment": "Specialist teacher: vision impairment",
    "multi_sensory_impairment": "Specialist teacher: multi-sensory impairment",
    "school_nurse": "School nurse",
    "counselling": "Counselling",
    "paediatrics": "Community paediatrics",
    "other": "Other service",
}
# Spellings a file may use for each service (folded to lower case, letters and digits only).
SERVICE_SPELLINGS = {
    "educational_psychology": ("ep", "edpsych", "educationalpsychologist", "educationalpsychologyservice", "eps"),
    "speech_language_therapy": ("salt", "slt", "speechandlanguagetherapy", "speechandlanguage", "speechtherapy"),
    "occupational_therapy": ("ot", "occupationaltherapist"),
    "physiotherapy": ("physio", "physiotherapist"),
    "camhs": ("cyp mhs", "cypmhs", "childandadolescentmentalhealthservices", "mentalhealthservices"),
    "hearing_impairment": ("hi", "qthi", "teacherofthedeaf", "hearingimpairmentteam", "hearing"),
    "vision_impairment": ("vi", "qtvi", "visionimpairmentteam", "visualimpairment", "vision"),
    "multi_sensory_impairment": ("msi", "qtmsi", "multisensoryimpairmentteam"),
    "school_nurse": ("nurse", "schoolnursing", "schoolnursingservice"),
    "counselling": ("counsellor", "schoolcounsellor"),
    "paediatrics": ("paediatrician", "communitypaediatrician", "communitypaediatrics"),
    "other": ("otherservice",),
}
EDIT_ROLES = frozenset({"senco", "head"})
SEE_ROLES = frozenset({"senco", "head"})
SUMMARY_ROLES = frozenset({"senco", "head", "governor", "trust"})
# A school's list of involvements: the trust SEND lead too, read only; the page shows its pupils to the trust lead
# only where the trust's data-sharing setting allows (sendboard.trust_sharing).
SCHOOL_LIST_ROLES = SEE_ROLES | {"trust"}
MAX_ADVICE = 4000


def _fold(text: str) -> str:
    return "".join(ch for ch in (text or "").lower() if ch.isalnum())


def service_of(text: str) -> str | None:
    """The service key for a label, key or common abbreviation; None if not recognised."""
    folded = _fold(text)
    for key, label in SERVICES.items():
        if folded in (_fold(key), _fold(label)) or folded in {_fold(s) for s in SERVICE_SPELLINGS.get(key, ())}:
            return key
    return None


def _check_dates(referred_on, seen_on, next_contact, closed_on, today: date) -> None:
    if referred_on is None:
        raise RecordsError("Give the date of the referral.", "referred_on")
    if referred_on > today:
        raise RecordsError(f"The referral date cannot be after today ({today:%d/%m/%Y}).", "referred_on")
    if seen_on is not None and seen_on > today:
        raise RecordsError(f"The date seen cannot be after today ({today:%d/%m/%Y}); leave it blank until then.", "seen_on")
    if seen_on is not None and seen_on < referred_on:
        raise RecordsError(f"The date seen is before the referral ({referred_on:%d/%m/%Y}).", "seen_on")
    if next_contact is not None and next_contact < referred_on:
        raise RecordsError(f"The next contact is before the referral ({referred_on:%d/%m/%Y}).", "next_contact")
    if closed_on is not None and (closed_on > today or closed_on < referred_on):
        raise RecordsError("The date closed must be between the referral and today.", "closed_on")


def add_referral(db: Database, viewer: Viewer, school_id: int, pupil_id: int, *, service: str, referred_on: date,
                 seen_on: date | None = None, advice: str = "", next_contact: date | None = None,
                 closed_on: date | None = None, today: date) -> int:
    viewer.require_role(EDIT_ROLES)
    if service not in SERVICES:
        raise RecordsError("Choose the service the pupil was referred to.", "service")
    _check_dates(referred_on, seen_on, next_contact, closed_on, today)
    advice = clean_text(advice, field="advice", label="Advice received", limit=MAX_ADVICE)
    new = {"pupil_id": int(pupil_id), "service": service, "referred_on": referred_on, "seen_on": seen_on,
           "advice": advice, "next_contact": next_contact, "closed_on": closed_on}

    def work(w):
        rows = w.run("records_involvement_insert", viewer_id=viewer.user_id, today=today, school_id=int(school_id),
                     recorded_by=viewer.username, **new)
        if not rows:
            return None
        involvement_id = int(rows[0][0])
        audit.record_change(w, viewer, "specialist_changed", object_type="specialist_involvement",
                            object_id=involvement_id, pupil_id=int(pupil_id), new_value=new)
        return involvement_id

    involvement_id = db.write(work)
    if involvement_id is None:
        audit.record(db, viewer, "access_refused", object_type="specialist_involvement", pupil_id=int(pupil_id))
        raise AccessDenied("that pupil is not one you can see")
    return involvement_id


def update_involvement(db: Database, viewer: Viewer, school_id: int, involvement_id: int, *, seen_on: date | None,
                       advice: str, next_contact: date | None, closed_on: date | None, today: date) -> bool:
    """Record that the pupil was seen, the advice, the next contact or the end. Returns whether anything changed."""
    viewer.require_role(EDIT_ROLES)
    rows = db.query("records_involvement_row", viewer_id=viewer.user_id, today=today, school_id=int(school_id),
                    involvement_id=int(involvement_id))
    if rows.empty:
        raise AccessDenied("that involvement is not one you can see")
    row = rows.iloc[0]
    _check_dates(as_date(row["referred_on"]), seen_on, next_contact, closed_on, today)
    advice = clean_text(advice, field="advice", label="Advice received", limit=MAX_ADVICE)
    old = {"seen_on": as_date(row["seen_on"]), "advice": None if pd.isna(row["advice"]) else row["advice"],
           "next_contact": as_date(row["next_contact"]), "closed_on": as_date(row["closed_on"])}
    new = {"seen_on": seen_on, "advice": advice, "next_contact": next_contact, "closed_on": closed_on}
    if old == new:
        return False
    pupil_id = int(row["pupil_id"])

    def work(w):
        w.run("records_involvement_update", involvement_id=int(involvement_id), **new)
        audit.record_change(w, viewer, "specialist_changed", object_type="specialist_involvement",
                            object_id=int(involvement_id), pupil_id=pupil_id, old_value=old, new_value=new)

    db.write(work)
    return True


def for_pupil(db: Database, viewer: Viewer, pupil_id: int, today: date) -> pd.DataFrame:
    frame = db.query("records_involvements_for_pupil", viewer_id=viewer.user_id, today=today, pupil_id=int(pupil_id))
    frame["service_name"] = frame["service"].map(SERVICES).fillna(frame["service"])
    return frame


def involvements(db: Database, viewer: Viewer, school_id: int, as_at: date, today: date) -> pd.DataFrame:
    """Every involvement at the school referred by the date, with the pupil (SENCO, head; the trust lead)."""
    viewer.require_role(SCHOOL_LIST_ROLES)
    frame = db.query("records_involvements_school", viewer_id=viewer.user_id, today=today, school_id=int(school_id),
                     as_at=as_at)
    frame["service_name"] = frame["service"].map(SERVICES).fillna(frame["service"])
    seen = frame["seen_on"].notna() & (pd.to_datetime(frame["seen_on"]) <= pd.Timestamp(as_at))
    closed = frame["closed_on"].notna() & (pd.to_datetime(frame["closed_on"]) <= pd.Timestamp(as_at))
    frame["state"] = [("Closed" if c else "Seen, involved") if s else ("Closed unseen" if c else "Waiting")
                      for s, c in zip(seen, closed)]
    return frame


def waiting_by_service(db: Database, viewer: Viewer, school_id: int, as_at: date) -> pd.DataFrame:
    """Per service: referrals, seen, still waiting, closed unseen, median wait (days), longest open wait."""
    viewer.require_role(SUMMARY_ROLES)
    frame = db.query("records_waiting_by_service", viewer_id=viewer.user_id, school_id=int(school_id), as_at=as_at)
    frame.insert(1, "service_name", frame["service"].map(SERVICES).fillna(frame["service"]))
    return frame.sort_values("service_name", ignore_index=True)


NO_ONE_WAITING = "no one waiting"
NONE_SEEN = "none seen yet"


def waiting_for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """The waiting table with its two waits in words where there is no number: a service where nobody is
    still waiting says so instead of an empty cell, and one where nobody has been seen or is waiting has no
    median. The numbers stay whole days."""
    out = frame.copy()
    out["longest_open_wait_days"] = [NO_ONE_WAITING if pd.isna(v) else f"{int(v)} days"
                                     for v in out["longest_open_wait_days"]]
    out["median_wait_days"] = [NONE_SEEN if pd.isna(v) else f"{v:.0f} days" for v in out["median_wait_days"]]
    return out


def governors_waiting(db: Database, viewer: Viewer, school_id: int, as_at: date) -> disclosure.Protected:
    """The waiting table as governors see it: small counts hidden, and a median built from a hidden
    count hidden with it (disclosure rules 1 to 4). Referrals = seen + still waiting + closed unseen in
    each row, and the "All services" row totals each column, so secondary suppression covers both."""
    frame = waiting_by_service(db, viewer, school_id, as_at)
    cols = ["referrals", "seen", "still_waiting", "closed_unseen"]
    table = frame[["service_name", *cols, "median_wait_days"]].copy()
    if not table.empty:
        total = {"service_name": "All services", **{c: int(table[c].sum()) for c in cols}, "median_wait_days": None}
        table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    return disclosure.protect(table, cols, {"median_wait_days": ["seen", "still_waiting"]},
                              threshold=disclosure.get_threshold(db), row_total="referrals",
                              row_parts=["seen", "still_waiting", "closed_unseen"],
                              total_row="All services" if not table.empty else None,
                              total_row_col="service_name" if not table.empty else None,
                              decimals={"median_wait_days": 0})


def pupil_choices(db: Database, viewer: Viewer, school_id: int, as_at: date, today: date) -> pd.DataFrame:
    viewer.require_role(EDIT_ROLES)
    return db.query("records_pupil_choices", viewer_id=viewer.user_id, school_id=int(school_id), as_at=as_at, today=today)
