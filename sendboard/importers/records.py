"""Validation and writing of the records area's import kinds: funding, concerns, training, specialists.
(It sits in the importers package, as ehc.py does, so the importers load it and it registers itself
without either importing the other back.)

Each stager checks every value of a file (sendboard.importers.validate.Rows gives located messages) and
returns staged frames keyed by natural references (UPN, staff email), resolved to ids inside the commit
transaction by the targets registered with sendboard.importers.commit.
"""
from __future__ import annotations

import re
from datetime import date

import pandas as pd

from ..records.concerns import CLOSING, DECISIONS
from ..records.specialists import service_of
from ..reference import AREAS
from ..sqltext import compose
from . import commit, validate
from .validate import Rows, Staged, parse_date

AREA_CODES = tuple(AREAS)

LEVELS = ("awareness", "enhanced", "specialist")
_LINE_SPELLINGS = {
    "notional_sen": ("notionalsen", "notionalsenbudget", "notional", "notionalsendbudget", "element2", "notionalbudget"),
    "top_up": ("topup", "topupfunding", "element3", "highneedstopup", "hightneedstopup"),
    "other": ("other", "othergrant", "grant", "othersendgrant", "othersend"),
}
_DECISION_SPELLINGS = {
    "monitor": ("monitor", "watch", "keepundereview"),
    "assess": ("assess", "assessfurther", "assessment", "furtherassessment"),
    "sen_support": ("sensupport", "addtosensupport", "k", "senregister", "addtoregister"),
    "close": ("close", "closed", "noaction", "nofurtheraction", "nfa"),
}


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def _lookup(spellings: dict[str, tuple[str, ...]]):
    folded = {}
    for key, names in spellings.items():
        folded[_fold(key)] = key
        for n in names:
            folded[_fold(n)] = key
    return lambda text: folded.get(_fold(text))


def _financial_year(text: str) -> int | None:
    """'2025-26', '2025/26', '2025/2026', 'FY2025-26' or '2025' -> 2025 (the year it starts)."""
    m = re.match(r"^(?:fy\s*)?(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?$", text.strip().lower())
    if not m:
        return None
    start = int(m.group(1))
    if m.group(2):
        end = int(m.group(2))
        if (end if end >= 100 else 2000 + end) != start + 1:
            return None
    return start if 2000 <= start <= 2100 else None


def _any_date(r: Rows, name: str, *, earliest: date = date(1990, 1, 1)) -> pd.Series:
    """A date column that may hold future dates (a planned next contact)."""
    return r.parsed(name, lambda v: (lambda d: d if d and d >= earliest else None)(parse_date(v)[0]),
                    f"a real date as dd/mm/yyyy or yyyy-mm-dd, on or after {earliest:%d/%m/%Y}", required=False)


def _not_before(r: Rows, later: pd.Series, earlier: pd.Series, name: str, what: str) -> None:
    e, l_ = pd.to_datetime(earlier), pd.to_datetime(later)
    r.flag(e.notna() & l_.notna() & (l_ < e), name, what)


def stage_funding(r: Rows) -> list[Staged]:
    ctx = r.ctx
    fy = r.parsed("financial_year", _financial_year,
                  "a financial year such as 2025-26 (April 2025 to March 2026) or 2025", required=True)
    latest = ctx.today.year + 1
    r.flag(fy.notna() & (fy.astype(float) > latest), "financial_year", f"a financial year no later than {latest}-{str(latest + 1)[2:]}")
    line = r.parsed("funding_line", _lookup(_LINE_SPELLINGS),
                    "notional SEN budget, top-up or other (or notional_sen, top_up, other)", required=True)
    amount = r.numbers("amount", required=True, low=0.01, high=50_000_000)
    upn = r.upns(required=False) if r.has("upn") else pd.Series("", index=r.frame.index)
    note = r.raw("description")
    r.flag((line == "top_up") & (upn == ""), "upn", "the UPN of the pupil the top-up is paid for")
    r.flag((line.notna()) & (line != "top_up") & (upn != ""), "upn",
           "no UPN: only a top-up is paid for one pupil (leave it blank for this line)")
    r.flag((line == "other") & (note == ""), "description", "the name of the grant (an other line needs a description)")
    r.flag(note.str.len() > 200, "description", "a description of at most 200 characters")
    r.duplicates([fy.astype(str), line.astype(str), upn, note.str.lower()], "funding_line",
                 "funding line (financial year, line, pupil and description)")
    frame = r.base({"school_id": ctx.school_id, "financial_year": fy, "line": line, "upn": upn,
                    "amount": amount, "note": note.replace("", None)})
    return [Staged("funding", frame, ["amount"])]


def stage_concerns(r: Rows) -> list[Staged]:
    upn = r.upns()
    raised = r.dates("raised_on", required=True)
    noticed = r.required("noticed")
    r.flag(noticed.str.len() > 2000, "noticed", "at most 2,000 characters")
    area = r.codes("area_of_need", AREA_CODES, label="a broad-area code: ")
    evidence = r.raw("evidence")
    r.flag(evidence.str.len() > 2000, "evidence", "at most 2,000 characters")
    decision = r.parsed("decision", _lookup(_DECISION_SPELLINGS), "monitor, assess, SEN support or close (blank: awaiting)",
                        required=False) if r.has("decision") else pd.Series(None, index=r.frame.index, dtype=object)
    decided = r.dates("decided_on") if r.has("decided_on") else pd.Series(None, index=r.frame.index, dtype=object)
    r.flag(decision.notna() & decided.isna() & (r.raw("decided_on") == ""), "decided_on", "the date of the decision (there is a decision)")
    r.flag(decision.isna() & decided.notna(), "decision", "a decision (there is a decision date)")
    _not_before(r, decided, raised, "decided_on", "a decision date on or after the date raised")
    r.duplicates([upn, raised.astype(str), noticed.str.lower()], "noticed", "concern (pupil, date raised and what was noticed)")
    closed = [d if c in CLOSING else None for c, d in zip(decision, decided)]
    note = r.raw("decision_note")
    outcome = [n or (DECISIONS.get(c) if isinstance(c, str) else None) or None for n, c in zip(note, decision)]
    frame = r.base({"upn": upn, "raised_on": raised, "raised_by": r.raw("raised_by").replace("", None),
                    "area": area.replace("", None), "reason": noticed, "evidence": evidence.replace("", None),
                    "decision": decision, "decided_on": decided, "decided_by": [None if pd.isna(c) else "import" for c in decision],
                    "outcome": outcome, "closed_on": closed})
    update = [c for c, f in (("area", "area_of_need"), ("evidence", "evidence"), ("raised_by", "raised_by")) if r.has(f)]
    if r.has("decision"):
        update += ["decision", "decided_on", "decided_by", "outcome", "closed_on"]
    return [Staged("concerns", frame, update)]


def stage_training(r: Rows) -> list[Staged]:
    ctx = r.ctx
    email = r.required("staff_email").str.lower()
    r.flag((email != "") & ~email.isin(ctx.staff_emails), "staff_email",
           "the email of a member of staff held in sendboard (or in a staff file in the same import)")
    course = r.required("course")
    r.flag(course.str.len() > 200, "course", "a course name of at most 200 characters")
    area = r.codes("training_area", AREA_CODES, required=True, label="a broad-area code: ")
    completed = r.dates("completed_on", required=True)
    expires = _any_date(r, "expires_on")
    _not_before(r, expires, completed, "expires_on", "an expiry date on or after the date completed")
    level = r.raw("training_level").str.lower()
    r.flag((level != "") & ~level.isin(LEVELS), "training_level", "awareness, enhanced or specialist")
    r.duplicates([email, course.str.lower(), completed.astype(str)], "course", "course (member of staff, course and date)")
    frame = r.base({"school_id": ctx.school_id, "email": email, "course": course, "area": area,
                    "level": level.replace("", "awareness"), "completed_on": completed, "expires_on": expires})
    update = ["area"] + [c for c, f in (("expires_on", "expires_on"), ("level", "training_level")) if r.has(f)]
    return [Staged("training", frame, update)]


def stage_specialists(r: Rows) -> list[Staged]:
    upn = r.upns()
    service = r.parsed("service", service_of,
                       "a service: educational psychology (EP), speech and language therapy (SALT), occupational therapy (OT), "
                       "physiotherapy, CAMHS, hearing impairment (QTHI), vision impairment (QTVI), multi-sensory impairment "
                       "(MSI), school nurse, counselling, paediatrics or other", required=True)
    referred = r.dates("referred_on", required=True)
    seen = r.dates("seen_on")
    closed = r.dates("closed_on")
    nxt = _any_date(r, "next_contact")
    _not_before(r, seen, referred, "seen_on", "a date seen on or after the referral date")
    _not_before(r, closed, referred, "closed_on", "a date closed on or after the referral date")
    _not_before(r, nxt, referred, "next_contact", "a next contact on or after the referral date")
    advice = r.raw("advice")
    r.flag(advice.str.len() > 4000, "advice", "at most 4,000 characters")
    r.duplicates([upn, service.astype(str), referred.astype(str)], "referred_on", "referral (pupil, service and date)")
    frame = r.base({"upn": upn, "service": service, "referred_on": referred, "seen_on": seen,
                    "advice": advice.replace("", None), "next_contact": nxt, "closed_on": closed, "recorded_by": "import"})
    update = [c for c in ("seen_on", "advice", "next_contact", "closed_on") if r.has(c)]
    return [Staged("specialist_involvements", frame, update)]


STAGERS = {"funding": stage_funding, "concerns": stage_concerns, "training": stage_training,
           "specialists": stage_specialists}

_P = compose("JOIN pupils p ON p.upn = s.upn AND p.school_id = s._school")  # a pupil of the import's school only
# (name, table, keys, select over _stage, insert columns, label) for sendboard.importers.commit.
TARGETS = (
    ("funding", "funding", ["school_id", "financial_year", "line", "pupil_id", "note"],
     compose("SELECT s.school_id, s.financial_year AS academic_year, s.financial_year, s.line, p.pupil_id, s.amount, "
             "s.note FROM _stage s LEFT JOIN pupils p ON p.upn = s.upn AND p.school_id = s._school"),
     ["school_id", "academic_year", "financial_year", "line", "pupil_id", "amount", "note"], "funding lines"),
    ("concerns", "concerns", ["pupil_id", "raised_on", "reason"],
     compose("SELECT p.pupil_id, s.raised_on, s.raised_by, s.area, s.reason, s.evidence, s.decision, s.decided_on, "
             "s.decided_by, s.outcome, s.closed_on FROM _stage s {p}", p=_P),
     ["pupil_id", "raised_on", "raised_by", "area", "reason", "evidence", "decision", "decided_on", "decided_by", "outcome",
      "closed_on"], "concerns"),
    ("training", "training", ["staff_id", "course", "completed_on"],
     compose("SELECT min(st.staff_id) AS staff_id, s.course, s.area, s.level, s.completed_on, s.expires_on FROM _stage s "
             "JOIN staff st ON lower(st.email) = s.email AND st.school_id = s.school_id GROUP BY ALL"),
     ["staff_id", "course", "area", "level", "completed_on", "expires_on"], "staff training"),
    ("specialist_involvements", "specialist_involvements", ["pupil_id", "service", "referred_on"],
     compose("SELECT p.pupil_id, s.service, s.referred_on, s.seen_on, s.advice, s.next_contact, s.closed_on, "
             "s.recorded_by FROM _stage s {p}", p=_P),
     ["pupil_id", "service", "referred_on", "seen_on", "advice", "next_contact", "closed_on", "recorded_by"],
     "external specialist involvements"),
)
ORDER = tuple(t[0] for t in TARGETS)


# Registered with the importers (after the base kinds, before the EHC kinds: the order files are written in).
validate.STAGERS.update(STAGERS)
for _target in TARGETS:
    commit._t(*_target)
commit.ORDER = commit.ORDER + ORDER
