"""The policy calendar and the accessibility plan's actions.

A policy is due for the board's approval ``cycle`` months after it was last approved. The cycle is the
statutory one where the law sets a longest interval (accessibility plan 3 years, equality objectives 4
years, the SEN Information Report and the Pupil Premium statement every year); a school may set a shorter
cycle, never a longer one. Other policies have the cycle the school sets (12 months until it says).
docs/methods.md ("Publishing: the policy calendar") gives the sources and a worked example.
"""
from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..access import AccessDenied, Viewer
from ..audit import record_change
from ..db import Database
from ..scope import Scope
from ..statutory.records import FieldError
from . import EDIT_ROLES, READ_ROLES


@dataclass(frozen=True)
class PolicyKind:
    key: str
    title: str
    cycle_months: int
    statutory: bool          # True: the cycle is the longest the law allows
    source: str


POLICIES: tuple[PolicyKind, ...] = (
    PolicyKind("sen_information_report", "SEN Information Report", 12, True,
               "SEND Regulations 2014, regulation 51 and Schedule 1; SEND Code of Practice 6.79 (updated every year)"),
    PolicyKind("sen_policy", "SEN policy", 12, False, "SEND Code of Practice 6.79; no statutory cycle, the school sets it"),
    PolicyKind("accessibility_plan", "Accessibility plan", 36, True,
               "Equality Act 2010, Schedule 10, paragraph 3 (a plan for each period of three years)"),
    PolicyKind("equality_objectives", "Equality objectives", 48, True,
               "Equality Act 2010 (Specific Duties) Regulations 2011, regulation 3 (at least every four years)"),
    PolicyKind("behaviour_policy", "Behaviour policy", 12, False,
               "Education and Inspections Act 2006, section 88; no statutory cycle, the school sets it"),
    PolicyKind("pupil_premium", "Pupil Premium strategy statement", 12, True,
               "Pupil premium conditions of grant (a statement published every academic year)"),
    PolicyKind("local_offer", "Our contribution to the local offer", 12, False,
               "Children and Families Act 2014, section 30; no statutory cycle, the school sets it"),
)
POLICIES_BY_KEY = {p.key: p for p in POLICIES}
DEFAULT_OTHER_CYCLE = 12

OVERDUE, DUE_THIS_TERM, CURRENT, NOT_RECORDED = "Overdue", "Due this term", "Current", "No approval recorded"
STATUS_ICONS = {OVERDUE: "⚠", DUE_THIS_TERM: "◔", CURRENT: "✓", NOT_RECORDED: "○"}

STRANDS = {"curriculum": "Curriculum access", "environment": "Physical environment", "information": "Information"}
ACTION_STATUSES = ("not started", "in progress", "done")
DONE, ON_TRACK, LATE = "Done", "On track", "Overdue"
MAX_TITLE, MAX_OWNER, MAX_URL, MAX_ACTION = 200, 120, 500, 500


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it is shorter: 29 Feb + 12 = 28 Feb)."""
    y, m = divmod(d.month - 1 + int(months), 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def policy_key_for(text: str) -> str:
    """A known policy from its key or title (any spelling of case and punctuation); any other title is a
    school policy, keyed 'other:<folded title>'."""
    f = fold(text)
    for p in POLICIES:
        if f in (fold(p.key), fold(p.title)):
            return p.key
    aliases = {"senpolicy": "sen_policy", "sendpolicy": "sen_policy", "sir": "sen_information_report",
               "seninformationreport": "sen_information_report", "sendinformationreport": "sen_information_report",
               "pupilpremium": "pupil_premium", "pupilpremiumstatement": "pupil_premium",
               "equalityobjective": "equality_objectives", "localoffer": "local_offer",
               "accessibilityplan": "accessibility_plan", "behaviour": "behaviour_policy"}
    return aliases.get(f) or f"other:{f}"


def cycle_for(policy_key: str, cycle_months) -> int:
    if cycle_months is not None and not pd.isna(cycle_months):
        return int(cycle_months)
    kind = POLICIES_BY_KEY.get(policy_key)
    return kind.cycle_months if kind else DEFAULT_OTHER_CYCLE


def cycle_words(policy_key: str, cycle_months) -> str:
    months = cycle_for(policy_key, cycle_months)
    length = f"{months // 12} year{'s' if months != 12 else ''}" if months % 12 == 0 else f"{months} months"
    kind = POLICIES_BY_KEY.get(policy_key)
    if kind and kind.statutory and (cycle_months is None or pd.isna(cycle_months) or int(cycle_months) == kind.cycle_months):
        return f"{length} (statutory)"
    return f"{length} (school-set)"


def status_of(last_approved, due, as_at: date, term_end: date | None) -> str:
    if last_approved is None or pd.isna(last_approved):
        return NOT_RECORDED
    if due < as_at:
        return OVERDUE
    if term_end is not None and due <= term_end:
        return DUE_THIS_TERM
    return CURRENT


def term_end(db: Database, as_at: date) -> date | None:
    rows = db.query_rows("publishing_term_end", as_at=as_at)
    return pd.Timestamp(rows[0][0]).date() if rows else None


def _check_read(viewer: Viewer, school_id: int) -> None:
    viewer.require_role(READ_ROLES)
    if school_id not in viewer.school_ids:
        raise AccessDenied("this school is not one of yours")


def _check_edit(viewer: Viewer, school_id: int) -> None:
    if viewer.role not in EDIT_ROLES or school_id not in viewer.school_ids:
        raise AccessDenied("only the headteacher or the SENCO of this school may change this")


def calendar_frame(db: Database, scope: Scope, school_id: int, as_at: date) -> pd.DataFrame:
    """Every policy of the calendar (the statutory and usual ones, entered or not, then the school's own),
    with its cycle, due date and status at ``as_at``."""
    _check_read(scope.viewer, school_id)
    held = db.query("publishing_policies", scope=scope, school_id=school_id)
    by_key = dict(zip(held["policy_key"], held.to_dict("records")))
    end = term_end(db, as_at)
    rows = []
    keys = [p.key for p in POLICIES] + sorted((k for k in by_key if k not in POLICIES_BY_KEY),
                                              key=lambda k: str(by_key[k]["title"]).lower())
    for key in keys:
        r = by_key.get(key, {})
        kind = POLICIES_BY_KEY.get(key)
        last = r.get("last_approved")
        last = None if last is None or pd.isna(last) else pd.Timestamp(last).date()
        cycle = r.get("cycle_months")
        cycle = None if cycle is None or pd.isna(cycle) else int(cycle)
        due = add_months(last, cycle_for(key, cycle)) if last else None
        rows.append({"policy_key": key, "title": r.get("title") or (kind.title if kind else key),
                     "owner": r.get("owner") or "", "last_approved": last, "cycle_months": cycle,
                     "cycle": cycle_words(key, cycle), "due": due, "status": status_of(last, due, as_at, end),
                     "url": r.get("url") or "", "source": kind.source if kind else "School policy"})
    return pd.DataFrame(rows, columns=["policy_key", "title", "owner", "last_approved", "cycle_months", "cycle", "due",
                                       "status", "url", "source"], dtype=object)  # None stays None (not NaN)


def calendar_display(frame: pd.DataFrame) -> pd.DataFrame:
    """The calendar as the page, the governors' pack and the report show it (status with a symbol, dates
    as words)."""
    def day(d):
        return "" if d is None or pd.isna(d) else f"{d:%d %b %Y}"

    return pd.DataFrame({
        "Policy or plan": frame["title"], "Owner": frame["owner"], "Last approved": frame["last_approved"].map(day),
        "Review cycle": frame["cycle"], "Due": frame["due"].map(day),
        "Status": [f"{STATUS_ICONS[s]} {s}" for s in frame["status"]], "Published at": frame["url"]}, dtype=object)


def alerts(db: Database, scope: Scope, school_id: int, as_at: date) -> dict:
    """What the home pages and the governors' pack flag: policies overdue, due this term, never recorded."""
    frame = calendar_frame(db, scope, school_id, as_at)
    pick = frame[frame["status"].isin([OVERDUE, DUE_THIS_TERM])].sort_values("due")
    return {"overdue": pick[pick["status"] == OVERDUE][["title", "due"]].to_dict("records"),
            "due_this_term": pick[pick["status"] == DUE_THIS_TERM][["title", "due"]].to_dict("records"),
            "not_recorded": frame.loc[frame["status"] == NOT_RECORDED, "title"].tolist(),
            "term_end": term_end(db, as_at)}


def alert_lines(found: dict) -> list[str]:
    """The alerts in words (plain text: policy titles are typed by people)."""
    lines = [f"{OVERDUE}: {a['title']} (was due {a['due'].day} {a['due']:%B %Y})" for a in found["overdue"]]
    lines += [f"{DUE_THIS_TERM}: {a['title']} (due {a['due'].day} {a['due']:%B %Y})" for a in found["due_this_term"]]
    return lines


def check_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > MAX_URL or not re.match(r"^https?://[^\s/$.?#][^\s]*$", url, re.IGNORECASE):
        raise FieldError("url", f"A web address beginning https:// (or http://), with no spaces, at most {MAX_URL} "
                                f"characters: {url[:80]!r} is not one.")
    return url


def check_cycle(policy_key: str, cycle_months) -> int | None:
    if cycle_months is None or cycle_months == "":
        return None
    try:
        months = int(cycle_months)
    except (TypeError, ValueError):
        raise FieldError("cycle_months", f"A whole number of months from 1 to 120: {cycle_months!r} is not.") from None
    if not 1 <= months <= 120 or months != float(cycle_months):
        raise FieldError("cycle_months", f"A whole number of months from 1 to 120: {cycle_months!r} is not.")
    kind = POLICIES_BY_KEY.get(policy_key)
    if kind and kind.statutory and months > kind.cycle_months:
        name = kind.title if kind.title[:3].isupper() else kind.title[0].lower() + kind.title[1:]  # "SEN ..." stays
        raise FieldError("cycle_months", f"At most {kind.cycle_months} months: the law sets the longest interval for "
                                         f"the {name} ({kind.source}).")
    return months


def save_policy(db: Database, scope: Scope, school_id: int, *, policy: str, title: str = "", owner: str = "",
                last_approved: date | None, cycle_months=None, url: str = "",
                expected_version: int | None = None) -> str:
    """Add or update one policy of the calendar. Returns its key. A value the form must refuse raises
    FieldError naming the field; a save from a form opened before someone else's save raises StaleEdit."""
    from .. import versions

    _check_edit(scope.viewer, school_id)
    key = policy if policy in POLICIES_BY_KEY else policy_key_for(title or policy)
    title = (title or "").strip() or (POLICIES_BY_KEY[key].title if key in POLICIES_BY_KEY else "")
    if not title or key == "other:":
        raise FieldError("title", "The policy's title (it is blank).")
    if len(title) > MAX_TITLE:
        raise FieldError("title", f"A title of at most {MAX_TITLE} characters ({len(title)} given).")
    owner = (owner or "").strip()
    if len(owner) > MAX_OWNER:
        raise FieldError("owner", f"An owner of at most {MAX_OWNER} characters ({len(owner)} given).")
    if last_approved is not None and last_approved > scope.today:
        raise FieldError("last_approved", f"The date the board last approved it, not in the future: "
                                          f"{last_approved:%d/%m/%Y} is after today.")
    months = check_cycle(key, cycle_months)
    url = check_url(url)
    new = {"title": title, "owner": owner or None, "last_approved": last_approved, "cycle_months": months, "url": url or None}
    record = f"{school_id}:{key}"
    versions.ensure(db, "policy", record)

    def work(w):
        old_rows = w.run("publishing_policy_one", school_id=school_id, policy_key=key)
        old = dict(zip(["policy_id", "title", "owner", "last_approved", "cycle_months", "url"], old_rows[0])) if old_rows else None
        versions.check_and_bump(w, scope.viewer, "policy", record, expected_version,
                                theirs={k: "" if v is None else str(v) for k, v in (old or {}).items() if k != "policy_id"})
        w.run("publishing_policy_upsert", school_id=school_id, policy_key=key, updated_by=scope.viewer.username, **new)
        record_change(w, scope.viewer, "policy_changed", object_type="policy", object_id=f"{school_id}:{key}",
                      old_value=None if old is None else json.dumps({k: v for k, v in old.items() if k != "policy_id"},
                                                                    default=str),
                      new_value=json.dumps(new, default=str))
        return key

    return db.write(work)


# --------------------------------------------------------------------------- the accessibility plan


def actions_frame(db: Database, scope: Scope, school_id: int, as_at: date) -> pd.DataFrame:
    """Each action with its progress at ``as_at``: done, on track (not done, target date not passed) or
    overdue (not done, target date passed)."""
    _check_read(scope.viewer, school_id)
    frame = db.query("publishing_actions", scope=scope, school_id=school_id)
    frame["target_date"] = [pd.Timestamp(d).date() for d in frame["target_date"]]
    frame["done_on"] = pd.Series([None if pd.isna(d) else pd.Timestamp(d).date() for d in frame["done_on"]],
                                 index=frame.index, dtype=object)
    frame["progress"] = [DONE if s == "done" else (LATE if t < as_at else ON_TRACK)
                         for s, t in zip(frame["status"], frame["target_date"])]
    return frame


def progress_counts(frame: pd.DataFrame) -> dict:
    counts = frame["progress"].value_counts() if len(frame) else {}
    out = {p: int(counts.get(p, 0)) for p in (DONE, ON_TRACK, LATE)}
    out["total"] = int(len(frame))
    out["by_strand"] = {s: {p: int(((frame["strand"] == s) & (frame["progress"] == p)).sum()) for p in (DONE, ON_TRACK, LATE)}
                        for s in STRANDS}
    return out


def actions_display(frame: pd.DataFrame) -> pd.DataFrame:
    icons = {DONE: "✓", ON_TRACK: "◔", LATE: "⚠"}

    def day(d):
        return "" if d is None or pd.isna(d) else f"{pd.Timestamp(d):%d %b %Y}"

    return pd.DataFrame({"Strand": frame["strand"].map(STRANDS), "Action": frame["action"],
                         "Progress": [f"{icons[p]} {p}" for p in frame["progress"]],
                         "Target date": frame["target_date"].map(day), "Owner": frame["owner"].fillna(""),
                         "Status": frame["status"].str.capitalize(), "Done on": frame["done_on"].map(day)}, dtype=object)


def save_action(db: Database, scope: Scope, school_id: int, *, action_id: int | None = None, strand: str, action: str,
                owner: str = "", target_date: date | None, status: str, done_on: date | None = None,
                expected_version: int | None = None) -> int:
    """Add an action (action_id None) or change one. Returns its id. Refused values raise FieldError."""
    from .. import versions

    _check_edit(scope.viewer, school_id)
    if strand not in STRANDS:
        raise FieldError("strand", "One of: " + ", ".join(STRANDS.values()) + ".")
    action = (action or "").strip()
    if not action:
        raise FieldError("action", "What will be done (it is blank).")
    if len(action) > MAX_ACTION:
        raise FieldError("action", f"At most {MAX_ACTION} characters ({len(action)} given).")
    owner = (owner or "").strip()
    if len(owner) > MAX_OWNER:
        raise FieldError("owner", f"An owner of at most {MAX_OWNER} characters ({len(owner)} given).")
    if target_date is None:
        raise FieldError("target_date", "The date it should be done by (it is blank).")
    if status not in ACTION_STATUSES:
        raise FieldError("status", "One of: " + ", ".join(ACTION_STATUSES) + ".")
    if status == "done" and done_on is None:
        raise FieldError("done_on", "The date it was done (the status is done).")
    if status != "done" and done_on is not None:
        raise FieldError("done_on", f"No date done while the status is {status!r}: mark it done, or clear the date.")
    if done_on is not None and done_on > scope.today:
        raise FieldError("done_on", f"A date done that is not in the future: {done_on:%d/%m/%Y} is after today.")
    params = {"school_id": school_id, "strand": strand, "action": action, "owner": owner or None,
              "target_date": target_date, "status": status, "done_on": done_on, "updated_by": scope.viewer.username}
    if action_id is not None:
        versions.ensure(db, "accessibility_action", action_id)

    def work(w):
        same = [int(r[0]) for r in w.run("publishing_action_exists", school_id=school_id, strand=strand, action=action)]
        if any(a != action_id for a in same):
            raise FieldError("action", "This action is already in the plan under the same strand: change that one instead.")
        if action_id is None:
            new_id = int(w.run("publishing_action_insert", **params)[0][0])
            old = None
        else:
            rows = w.run("publishing_action_one", school_id=school_id, action_id=action_id)
            if not rows:
                raise FieldError("action", "This action is no longer in the plan.")
            old = dict(zip(["strand", "action", "owner", "target_date", "status", "done_on"], rows[0]))
            versions.check_and_bump(w, scope.viewer, "accessibility_action", action_id, expected_version,
                                    theirs={k: "" if v is None else str(v) for k, v in old.items()})
            w.run("publishing_action_update", action_id=action_id, **params)
            new_id = action_id
        record_change(w, scope.viewer, "accessibility_action_changed", object_type="accessibility_action", object_id=new_id,
                      old_value=None if old is None else json.dumps(old, default=str),
                      new_value=json.dumps({k: v for k, v in params.items() if k not in ("school_id", "updated_by")},
                                           default=str))
        return new_id

    return db.write(work)
