"""Recording EHC plans (with their outcomes and the short-term steps toward them), needs-assessment
requests, annual reviews, Preparing for Adulthood outcomes and careers guidance, from the forms.

Every function checks the role and that the pupil is one the viewer may see, validates each value
(raising :class:`FieldError`, which names the field, so a form can show the message beside it and
nothing is written), writes in one ``db.write`` and audits the change inside it. The import kinds of
the same records are in ``sendboard/importers`` and follow the same rules.
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from .. import audit
from ..access import AccessDenied, Viewer
from ..db import Database
from ..domain import AREA_CODES
from ..scope import Scope
from . import StatutoryError, as_date, deadlines
from .ehc import step_status

EDITOR_ROLES = frozenset({"senco", "head"})
MAX_TEXT = 2000
MAX_HOURS = 40.0  # a school week is about 32.5 hours; more than 40 is a typing mistake
REQUESTED_BY = ("school", "parent", "young_person", "other")
REQUESTED_BY_LABELS = {"school": "The school", "parent": "A parent", "young_person": "The young person (16 or over)",
                       "other": "Someone else (e.g. health or social care)"}
REQUEST_DECISIONS = ("agreed", "refused")
REVIEW_DECISIONS = ("maintain", "amend", "cease")
REVIEW_DECISION_LABELS = {"maintain": "Maintain the plan as it is", "amend": "Amend the plan", "cease": "Cease the plan"}
PFA_AREAS = {"employment": "Employment", "independent_living": "Independent living", "health": "Health",
             "community": "Community participation"}
REPORT_DAYS = 14     # the school's report reaches the LA within 2 weeks of the meeting (reg. 20(8))
LA_DECISION_DAYS = 28  # the LA decides within 4 weeks of the meeting (reg. 20(10))
PFA_FROM_YEAR = 9


class FieldError(StatutoryError):
    """A value a form must refuse: ``field`` names the widget, the message says what to fix."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


# --------------------------------------------------------------------------- checks


def _require_editor(viewer: Viewer) -> None:
    if viewer.role not in EDITOR_ROLES:
        raise AccessDenied("EHC records are entered by the SENCO and the head")


def _pupil(db: Database, scope: Scope, school_id: int, pupil_id: int) -> dict:
    _require_editor(scope.viewer)
    rows = db.query("ehc_pupil", scope=scope, school_id=int(school_id), pupil_id=int(pupil_id))
    if rows.empty:
        audit.record(db, scope.viewer, "access_refused", object_type="ehc_record", pupil_id=int(pupil_id))
        raise AccessDenied("that pupil is not one of this school's pupils that you may see")
    row = rows.iloc[0].to_dict()
    row["date_of_birth"] = as_date(row["date_of_birth"])
    return row


def _date(value, field: str, what: str, today: date, *, required: bool = True, not_before: date | None = None,
          before_what: str = "") -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise FieldError(field, f"Please give {what}.")
        return None
    if not isinstance(value, date):
        raise FieldError(field, f"{what[0].upper() + what[1:]} must be a date.")
    if value > today:
        raise FieldError(field, f"{what[0].upper() + what[1:]} ({value:%d %B %Y}) is in the future; "
                                f"it can be today ({today:%d %B %Y}) at the latest.")
    if not_before is not None and value < not_before:
        raise FieldError(field, f"{what[0].upper() + what[1:]} ({value:%d %B %Y}) is before {before_what} "
                                f"({not_before:%d %B %Y}).")
    return value


def _text(value, field: str, what: str, *, required: bool, limit: int = MAX_TEXT) -> str | None:
    text = (value or "").strip()
    if required and not text:
        raise FieldError(field, f"Please write {what}: it cannot be empty.")
    if len(text) > limit:
        raise FieldError(field, f"{what[0].upper() + what[1:]} is {len(text):,} characters long; keep it to {limit:,}.")
    return text or None


def _hours(value, field: str = "hours_per_week") -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        hours = float(str(value).strip())
    except ValueError:
        raise FieldError(field, f"Hours a week must be a number, such as 15 or 12.5 (not {str(value)!r}).") from None
    if not 0 <= hours <= MAX_HOURS:
        raise FieldError(field, f"Hours a week must be from 0 to {MAX_HOURS:g} ({hours:g} was given).")
    return hours


def _choice(value, allowed, field: str, what: str, *, required: bool) -> str | None:
    if value in (None, ""):
        if required:
            raise FieldError(field, f"Please choose {what}.")
        return None
    if value not in allowed:
        raise FieldError(field, f"{what[0].upper() + what[1:]} must be one of: {', '.join(allowed)}.")
    return value


def next_term_review(db: Database, from_date: date) -> date:
    """One term after ``from_date``: the same offset into the next term (its start + the days since this
    term began), else 13 weeks later when the terms are not known. The default next review of a plan."""
    terms = db.query("term_list")
    if not terms.empty:
        starts = [as_date(s) for s in terms["start_date"]]
        ends = [as_date(e) for e in terms["end_date"]]
        for i, (s, e) in enumerate(zip(starts, ends)):
            if s <= from_date <= e and i + 1 < len(starts):
                nxt_start, nxt_end = starts[i + 1], ends[i + 1]
                return min(nxt_start + (from_date - s), nxt_end)
    return from_date + timedelta(weeks=13)


# --------------------------------------------------------------------------- EHC plans and outcomes


def record_plan(db: Database, scope: Scope, pupil_id: int, *, school_id: int, local_authority: str,
                issued_on: date, hours_per_week, outcomes: list[tuple[str | None, str]]) -> int:
    """A new EHC plan with its outcomes (at least one). Refused if the pupil has a plan open on that date."""
    pupil = _pupil(db, scope, school_id, pupil_id)
    la = _text(local_authority, "local_authority", "the local authority", required=True, limit=100)
    issued = _date(issued_on, "issued_on", "the date the plan was issued", scope.today, not_before=pupil["date_of_birth"],
                   before_what="the pupil's date of birth")
    hours = _hours(hours_per_week)
    clean = []
    for area, text in outcomes:
        body = _text(text, "outcomes", "an outcome", required=False)
        if body:
            if area not in (None, "") and area not in AREA_CODES:
                raise FieldError("outcomes", f"The area of an outcome must be one of {', '.join(AREA_CODES)}.")
            clean.append((area or None, body))
    if not clean:
        raise FieldError("outcomes", "Please write at least one outcome from the plan (section E), one a line.")
    held = db.query("ehc_plans_of_pupil", scope=scope, pupil_id=int(pupil_id))
    for r in held.to_dict("records"):
        ceased = as_date(r["ceased_on"])
        if as_date(r["issued_on"]) == issued:
            raise FieldError("issued_on", f"This pupil already has a plan issued on {issued:%d %B %Y}.")
        if ceased is None or ceased > issued:
            raise FieldError("issued_on", f"This pupil already has a plan issued on {as_date(r['issued_on']):%d %B %Y} "
                                          "that has not ceased: record its end before adding a new plan.")

    def work(w):
        ehcp_id = int(w.run("ehc_plan_insert", pupil_id=int(pupil_id), local_authority=la, requested_on=None,
                            issued_on=issued, hours_per_week=hours)[0][0])
        ids = [int(w.run("ehc_outcome_insert", ehcp_id=ehcp_id, pupil_id=int(pupil_id), area=a, outcome=t)[0][0])
               for a, t in clean]
        audit.record_change(w, scope.viewer, "ehc_plan_added", object_type="ehc_plan", object_id=ehcp_id, pupil_id=pupil_id,
                            new_value={"local_authority": la, "issued_on": issued, "hours_per_week": hours,
                                       "outcomes": [t for _, t in clean], "outcome_ids": ids})
        return ehcp_id

    return db.write(work)


def cease_plan(db: Database, scope: Scope, ehcp_id: int, *, school_id: int, ceased_on: date) -> None:
    _require_editor(scope.viewer)
    rows = db.query("ehc_plan_row", scope=scope, school_id=int(school_id), ehcp_id=int(ehcp_id))
    if rows.empty:
        raise AccessDenied("that plan is not one you may change")
    plan = rows.iloc[0].to_dict()
    ceased = _date(ceased_on, "ceased_on", "the date the plan ceased", scope.today, not_before=as_date(plan["issued_on"]),
                   before_what="the date it was issued")

    def work(w):
        w.run("ehc_plan_update", ehcp_id=int(ehcp_id), local_authority=plan["local_authority"],
              hours_per_week=None if pd.isna(plan["hours_per_week"]) else float(plan["hours_per_week"]), ceased_on=ceased)
        audit.record_change(w, scope.viewer, "ehc_plan_changed", object_type="ehc_plan", object_id=int(ehcp_id),
                            pupil_id=int(plan["pupil_id"]), old_value={"ceased_on": None}, new_value={"ceased_on": ceased})

    db.write(work)


def add_step(db: Database, scope: Scope, ehc_outcome_id: int, description: str, *, school_id: int, set_on: date) -> int:
    """A short-term step toward an EHC plan outcome: a target on the pupil's open support plan (one is
    opened, reviewed one term later, if there is none), so it is reviewed like any other target."""
    _require_editor(scope.viewer)
    rows = db.query("ehc_outcome_row", scope=scope, ehc_outcome_id=int(ehc_outcome_id))
    if rows.empty:
        raise AccessDenied("that outcome is not one you may change")
    outcome = rows.iloc[0].to_dict()
    pupil_id = int(outcome["pupil_id"])
    _pupil(db, scope, school_id, pupil_id)
    text = _text(description, "step", "the short-term step", required=True)
    when = _date(set_on, "set_on", "the date the step was set", scope.today)
    review_due = next_term_review(db, when)

    def work(w):
        found = w.query("ehc_open_support_plan", pupil_id=pupil_id)
        if found.empty:
            plan_id = int(w.run("ehc_support_plan_insert", pupil_id=pupil_id, start_date=when, review_due=review_due,
                                created_by=scope.viewer.username, assess_note="Steps toward the outcomes of the EHC plan")[0][0])
        else:
            plan_id = int(found.iloc[0]["plan_id"])
        target_id = int(w.run("ehc_step_insert", plan_id=plan_id, description=text, area=outcome["area"],
                              set_on=when)[0][0])
        w.run("ehc_step_link", target_id=target_id, ehc_outcome_id=int(ehc_outcome_id), pupil_id=pupil_id)
        audit.record_change(w, scope.viewer, "target_added", object_type="plan_target", object_id=target_id, pupil_id=pupil_id,
                            new_value={"plan_id": plan_id, "description": text, "ehc_outcome_id": int(ehc_outcome_id)})
        return target_id

    return db.write(work)


def outcomes_with_steps(db: Database, scope: Scope, pupil_id: int, as_at: date) -> pd.DataFrame:
    scope.viewer.require_pupils()
    return db.query("ehc_outcomes_with_steps", scope=scope, pupil_id=int(pupil_id), as_at=as_at)


def plans_of_pupil(db: Database, scope: Scope, pupil_id: int) -> pd.DataFrame:
    scope.viewer.require_pupils()
    return db.query("ehc_plans_of_pupil", scope=scope, pupil_id=int(pupil_id))


def pupil_choices(db: Database, scope: Scope, school_id: int, as_at: date) -> pd.DataFrame:
    scope.viewer.require_pupils()
    return db.query("ehc_pupil_choices", scope=scope, school_id=int(school_id), as_at=as_at)


# --------------------------------------------------------------------------- needs-assessment requests


def _request_steps(requested: date, decision_on, decision, final_plan_on, today: date):
    decided = _date(decision_on, "decision_on", "the date of the LA's decision", today, required=False,
                    not_before=requested, before_what="the request")
    choice = _choice(decision, REQUEST_DECISIONS, "decision", "the LA's decision", required=decided is not None)
    if choice and decided is None:
        raise FieldError("decision_on", "Please give the date of the LA's decision.")
    final = _date(final_plan_on, "final_plan_on", "the date the final plan was issued", today, required=False,
                  not_before=decided or requested, before_what="the decision to assess" if decided else "the request")
    if final is not None and choice != "agreed":
        raise FieldError("final_plan_on", "A final plan follows a decision to assess: record the LA's decision "
                                          "('agreed') first.")
    return decided, choice, final


def record_request(db: Database, scope: Scope, pupil_id: int, *, school_id: int, local_authority: str,
                   requested_on: date, requested_by: str, decision_on=None, decision=None, final_plan_on=None) -> int:
    pupil = _pupil(db, scope, school_id, pupil_id)
    la = _text(local_authority, "local_authority", "the local authority", required=True, limit=100)
    who = _choice(requested_by, REQUESTED_BY, "requested_by", "who asked for the assessment", required=True)
    requested = _date(requested_on, "requested_on", "the date of the request", scope.today,
                      not_before=pupil["date_of_birth"], before_what="the pupil's date of birth")
    decided, choice, final = _request_steps(requested, decision_on, decision, final_plan_on, scope.today)

    def work(w):
        request_id = int(w.run("ehc_request_insert", pupil_id=int(pupil_id), local_authority=la, requested_on=requested,
                               requested_by=who, decision_on=decided, decision=choice, final_plan_on=final)[0][0])
        audit.record_change(w, scope.viewer, "ehc_request_added", object_type="ehc_request", object_id=request_id,
                            pupil_id=pupil_id, new_value={"local_authority": la, "requested_on": requested,
                                                          "requested_by": who, "decision_on": decided,
                                                          "decision": choice, "final_plan_on": final})
        return request_id

    return db.write(work)


def update_request(db: Database, scope: Scope, request_id: int, *, school_id: int, decision_on=None, decision=None,
                   final_plan_on=None) -> None:
    _require_editor(scope.viewer)
    rows = db.query("ehc_request_row", scope=scope, school_id=int(school_id),
                    request_id=int(request_id))
    if rows.empty:
        raise AccessDenied("that request is not one you may change")
    old = rows.iloc[0].to_dict()
    decided, choice, final = _request_steps(as_date(old["requested_on"]), decision_on, decision, final_plan_on, scope.today)

    def work(w):
        w.run("ehc_request_update", request_id=int(request_id), decision_on=decided, decision=choice, final_plan_on=final)
        audit.record_change(w, scope.viewer, "ehc_request_changed", object_type="ehc_request", object_id=int(request_id),
                            pupil_id=int(old["pupil_id"]),
                            old_value={k: old[k] for k in ("decision_on", "decision", "final_plan_on")},
                            new_value={"decision_on": decided, "decision": choice, "final_plan_on": final})

    db.write(work)


# --------------------------------------------------------------------------- annual reviews


def _review_steps(held: date, report_sent_on, la_decision_on, la_decision, today: date):
    sent = _date(report_sent_on, "report_sent_on", "the date the report went to the LA", today, required=False,
                 not_before=held, before_what="the meeting")
    decided = _date(la_decision_on, "la_decision_on", "the date of the LA's decision", today, required=False,
                    not_before=held, before_what="the meeting")
    choice = _choice(la_decision, REVIEW_DECISIONS, "la_decision", "the LA's decision", required=decided is not None)
    if choice and decided is None:
        raise FieldError("la_decision_on", "Please give the date of the LA's decision.")
    return sent, decided, choice


def record_annual_review(db: Database, scope: Scope, ehcp_id: int, *, school_id: int, held_on: date,
                         report_sent_on=None, la_decision_on=None, la_decision=None, note: str | None = None) -> int:
    """An annual review meeting held. The date it was due is worked out from the last review (or the
    issue date) as on the EHC plans page, and kept with it for the compliance figures."""
    _require_editor(scope.viewer)
    rows = db.query("ehc_plan_row", scope=scope, school_id=int(school_id), ehcp_id=int(ehcp_id))
    if rows.empty:
        raise AccessDenied("that plan is not one you may change")
    plan = rows.iloc[0].to_dict()
    pupil_id = int(plan["pupil_id"])
    issued = as_date(plan["issued_on"])
    held = _date(held_on, "held_on", "the date of the review meeting", scope.today, not_before=issued,
                 before_what="the date the plan was issued")
    if bool(db.scalar("ehc_review_held_same_day", ehcp_id=int(ehcp_id), held_on=held)):
        raise FieldError("held_on", f"A review of this plan held on {held:%d %B %Y} is already recorded.")
    sent, decided, choice = _review_steps(held, report_sent_on, la_decision_on, la_decision, scope.today)
    text = _text(note, "note", "the note", required=False)
    base = as_date(db.scalar("ehc_review_base", ehcp_id=int(ehcp_id), held_on=held))
    due = deadlines.next_review_due(base, as_date(plan["date_of_birth"]))

    def work(w):
        review_id = int(w.run("ehc_review_insert", ehcp_id=int(ehcp_id), due_on=due, held_on=held, note=text,
                              report_sent_on=sent, la_decision_on=decided, la_decision=choice,
                              recorded_by=scope.viewer.username)[0][0])
        audit.record_change(w, scope.viewer, "ehc_review_added", object_type="ehc_review", object_id=review_id,
                            pupil_id=pupil_id, new_value={"held_on": held, "due_on": due, "report_sent_on": sent,
                                                          "la_decision_on": decided, "la_decision": choice})
        return review_id

    return db.write(work)


def update_annual_review(db: Database, scope: Scope, ehc_review_id: int, *, school_id: int, report_sent_on=None,
                         la_decision_on=None, la_decision=None) -> None:
    _require_editor(scope.viewer)
    rows = db.query("ehc_review_row", scope=scope, school_id=int(school_id),
                    ehc_review_id=int(ehc_review_id))
    if rows.empty:
        raise AccessDenied("that review is not one you may change")
    old = rows.iloc[0].to_dict()
    sent, decided, choice = _review_steps(as_date(old["held_on"]), report_sent_on, la_decision_on, la_decision, scope.today)

    def work(w):
        w.run("ehc_review_update", ehc_review_id=int(ehc_review_id), report_sent_on=sent, la_decision_on=decided,
              la_decision=choice)
        audit.record_change(w, scope.viewer, "ehc_review_changed", object_type="ehc_review", object_id=int(ehc_review_id),
                            pupil_id=int(old["pupil_id"]),
                            old_value={k: old[k] for k in ("report_sent_on", "la_decision_on", "la_decision")},
                            new_value={"report_sent_on": sent, "la_decision_on": decided, "la_decision": choice})

    db.write(work)


def review_steps(db: Database, scope: Scope, school_id: int, as_at: date) -> pd.DataFrame:
    """Annual reviews held up to ``as_at``, newest first, each step with its status: the meeting against
    its due date, the school's report (2 weeks after the meeting) and the LA's decision (4 weeks)."""
    scope.viewer.require_pupils()
    frame = db.query("ehc_review_steps", scope=scope, school_id=int(school_id), as_at=as_at)
    rows = []
    for r in frame.to_dict("records"):
        held, due = as_date(r["held_on"]), as_date(r["due_on"])
        sent, decided = as_date(r["report_sent_on"]), as_date(r["la_decision_on"])
        rows.append({
            "ehc_review_id": int(r["ehc_review_id"]), "pupil_id": int(r["pupil_id"]),
            "pupil": f"{r['first_name']} {r['last_name']}", "local_authority": r["local_authority"],
            "held_on": held, "meeting": step_status(held, due, as_at),
            "report_due": held + timedelta(days=REPORT_DAYS), "report": step_status(sent, held + timedelta(days=REPORT_DAYS), as_at),
            "decision_due": held + timedelta(days=LA_DECISION_DAYS),
            "decision": step_status(decided, held + timedelta(days=LA_DECISION_DAYS), as_at)
            + (f": {r['la_decision']}" if decided and r["la_decision"] else ""),
            "report_sent_on": sent, "la_decision_on": decided, "la_decision": r["la_decision"] if decided else None,
        })
    cols = ["ehc_review_id", "pupil_id", "pupil", "local_authority", "held_on", "meeting", "report_due", "report",
            "decision_due", "decision", "report_sent_on", "la_decision_on", "la_decision"]
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- Preparing for Adulthood


def record_pfa(db: Database, scope: Scope, pupil_id: int, *, school_id: int, recorded_on: date,
               outcomes: dict[str, str]) -> list[int]:
    """Preparing for Adulthood outcomes agreed for a pupil with SEND (any of the four areas; at least one)."""
    pupil = _pupil(db, scope, school_id, pupil_id)
    when = _date(recorded_on, "recorded_on", "the date the outcomes were agreed", scope.today,
                 not_before=pupil["date_of_birth"], before_what="the pupil's date of birth")
    clean = {}
    for area, text in outcomes.items():
        if area not in PFA_AREAS:
            raise FieldError("outcomes", f"Unknown Preparing for Adulthood area {area!r}.")
        body = _text(text, area, f"the {PFA_AREAS[area].lower()} outcome", required=False)
        if body:
            clean[area] = body
    if not clean:
        raise FieldError("employment", "Please write an outcome in at least one of the four areas.")

    def work(w):
        ids = [int(w.run("ehc_pfa_insert", pupil_id=int(pupil_id), recorded_on=when, area=a, outcome=t,
                         recorded_by=scope.viewer.username)[0][0]) for a, t in clean.items()]
        audit.record_change(w, scope.viewer, "pfa_recorded", object_type="pfa_record", object_id=ids[0], pupil_id=pupil_id,
                            new_value={"recorded_on": when, **clean})
        return ids

    return db.write(work)


def record_careers_guidance(db: Database, scope: Scope, pupil_id: int, *, school_id: int, given_on: date,
                            given_by: str, note: str | None = None) -> int:
    pupil = _pupil(db, scope, school_id, pupil_id)
    when = _date(given_on, "given_on", "the date of the guidance", scope.today, not_before=pupil["date_of_birth"],
                 before_what="the pupil's date of birth")
    who = _text(given_by, "given_by", "who gave the guidance (the adviser or organisation)", required=True, limit=200)
    text = _text(note, "note", "the note", required=False)

    def work(w):
        guidance_id = int(w.run("ehc_careers_insert", pupil_id=int(pupil_id), given_on=when, given_by=who, note=text,
                                recorded_by=scope.viewer.username)[0][0])
        audit.record_change(w, scope.viewer, "careers_guidance_recorded", object_type="careers_guidance",
                            object_id=guidance_id, pupil_id=pupil_id, new_value={"given_on": when, "given_by": who})
        return guidance_id

    return db.write(work)


def pfa_pupils(db: Database, scope: Scope, school_id: int, as_at: date) -> pd.DataFrame:
    """Every pupil with SEND in Year 9 or above: the latest outcome in each area (blank = none), what is
    missing, their age, and whether independent careers guidance has been recorded (flagged from age 13)."""
    scope.viewer.require_pupils()
    frame = db.query("ehc_pfa_pupils", scope=scope, school_id=int(school_id), as_at=as_at)
    if frame.empty:
        return frame.assign(missing=pd.Series(dtype=str), careers=pd.Series(dtype=str), age=pd.Series(dtype=int))
    frame["age"] = [deadlines.age_on(as_date(d), as_at) for d in frame["date_of_birth"]]
    frame["missing"] = [", ".join(label for area, label in PFA_AREAS.items() if pd.isna(r[area]) or not r[area]) or "None"
                        for r in frame.to_dict("records")]
    careers = []
    for last, age in zip(frame["last_guidance_on"], frame["age"]):
        last = as_date(last)
        if last is not None:
            careers.append(f"✓ Given ({last.day} {last:%b %Y})")
        elif age >= 13:
            careers.append(f"⚠ None recorded (aged {age})")
        else:
            careers.append("Not yet 13")
    frame["careers"] = careers
    return frame


# --------------------------------------------------------------------------- demo

# Outcomes of the kind section E of a plan sets out (long-term, for the end of a key stage), and a first
# short-term step toward each, by the broad area of the pupil's primary need.
DEMO_OUTCOMES = {
    "CL": [("Reads and understands texts written for the year group by the end of the key stage",
            "Reads a short passage aloud with the TA twice a week and answers two questions about it"),
           ("Writes a paragraph independently, using a planning frame",
            "Uses the planning frame to write three sentences on a topic in each English lesson")],
    "CI": [("Takes part in group work and discussion in lessons",
            "Shares one idea with a partner in each lesson, using the sentence starters on the desk"),
           ("Understands and follows instructions given to the whole class",
            "Repeats the first step of an instruction back to the adult before starting")],
    "SEMH": [("Manages strong feelings in school and returns to learning within ten minutes",
              "Uses the calm card to leave and come back within ten minutes, three times out of four"),
             ("Keeps up positive friendships with peers at break and lunch",
              "Joins the lunchtime club twice a week")],
    "SP": [("Gets around the school and uses equipment in lessons independently",
            "Sets up the adapted equipment at the start of each lesson without being reminded"),
           ("Records work at the same length as peers, using the agreed aids",
            "Uses the laptop for extended writing in two subjects")],
    "OTH": [("Organises equipment and homework independently",
             "Checks the visual timetable at the start of each day with the form tutor"),
            ("Takes part fully in the life of the school",
             "Chooses and attends one club or activity each half term")],
}


def seed_demo_outcomes(db: Database, as_of: date) -> int:
    """Demo only: give every open EHC plan its outcomes, each with a first short-term step on the pupil's
    open support plan (one is opened at the start of this term when there is none), so pupils with EHC plans
    have targets on their passports and class cards. Returns the number of outcomes written."""
    plans = db.query("ehc_demo_open_plans", as_at=as_of)
    if plans.empty:
        return 0
    terms = db.query("term_list")
    started = [as_date(s) for s, e in zip(terms["start_date"], terms["end_date"]) if as_date(s) <= as_of <= as_date(e)]
    start = started[0] if started else as_of - timedelta(days=21)
    review_due = max(next_term_review(db, start), as_of + timedelta(days=7))

    def work(w):
        written = 0
        for r in plans.to_dict("records"):
            pupil_id, plan_id = int(r["pupil_id"]), r["plan_id"]
            if plan_id is None or pd.isna(plan_id):
                plan_id = w.run("ehc_support_plan_insert", pupil_id=pupil_id, start_date=start, review_due=review_due,
                                created_by="senco", assess_note="Steps toward the outcomes of the EHC plan")[0][0]
            area = r["area_code"] if r["area_code"] in DEMO_OUTCOMES else "OTH"
            for outcome, step in DEMO_OUTCOMES[area]:
                outcome_id = w.run("ehc_outcome_insert", ehcp_id=int(r["ehcp_id"]), pupil_id=pupil_id, area=area,
                                   outcome=outcome)[0][0]
                target_id = w.run("ehc_step_insert", plan_id=int(plan_id), description=step, area=area, set_on=start)[0][0]
                w.run("ehc_step_link", target_id=int(target_id), ehc_outcome_id=int(outcome_id), pupil_id=pupil_id)
                written += 1
        return written

    return db.write(work)
