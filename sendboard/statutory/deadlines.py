"""EHC plan deadlines as pure date arithmetic (no database, no today): every rule in one place.

Rules (SEND Code of Practice 2015 and the SEND Regulations 2014; the wording here is ours):

- **Annual review.** A plan is reviewed at least every 12 months from the date it was issued, then from
  the date of the last review. "12 months after" a date is the same day and month the next year; a
  29 February falls on 28 February in a year that is not a leap year (:func:`add_months`).
- **Under-5s.** For a child under 5 the Code advises a review every 3 to 6 months; sendboard uses the
  outer limit, 6 months. Whether the child is "under 5" is decided by their age **on the date of the
  last review (or the issue date, if there has been no review)**. So a child who is 4 at a review is
  due again 6 months later even if they turn 5 in between; from that review on (aged 5) the interval
  is 12 months. This keeps the rule checkable from two dates and errs towards the more frequent review.
- **Weekends.** A statutory date that falls on a Saturday or Sunday is not moved: the deadline stands.
  sendboard also shows a "hold by" date, the last working day (Monday to Friday) on or before it, so
  the meeting is not planned for a day the school is shut. Bank holidays are not modelled.
- **Needs assessment.** From the date the local authority receives a request: a decision whether to
  assess within 6 weeks (42 days) and the final plan within 20 weeks (140 days).
- **Phase transfer.** For a pupil moving to the next phase, the amended plan naming the next school is
  due by 15 February of the calendar year of the move (Year 6 into secondary; Year 2 into a junior
  school, only for an infant school); for a move from Year 11 into post-16, by 31 March.
- **Status.** Overdue once the as-at date is past the due date; "Due within 8 weeks" when the due date
  is within 56 days of the as-at date (including the day itself); otherwise "On track".
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

REVIEW_MONTHS = 12
UNDER_FIVE_REVIEW_MONTHS = 6
DUE_SOON_DAYS = 56  # 8 weeks
DECISION_DAYS = 42  # 6 weeks
FINAL_PLAN_DAYS = 140  # 20 weeks

ON_TRACK = "On track"
DUE_SOON = "Due within 8 weeks"
OVERDUE = "Overdue"
STATUS_ICONS = {ON_TRACK: "✓", DUE_SOON: "◔", OVERDUE: "⚠"}  # plain symbols: they show in any font
STATUS_ORDER = {OVERDUE: 0, DUE_SOON: 1, ON_TRACK: 2}


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later; a day the target month lacks (29-31) becomes its last day."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on a date (a 29 February birthday counts from 1 March in other years)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def review_interval_months(date_of_birth: date | None, last_review: date) -> int:
    """6 months if the child was under 5 on the date of the last review (or issue), else 12."""
    if date_of_birth is not None and age_on(date_of_birth, last_review) < 5:
        return UNDER_FIVE_REVIEW_MONTHS
    return REVIEW_MONTHS


def next_review_due(last_review: date, date_of_birth: date | None = None) -> date:
    """When the next annual review is due, from the last review (or the issue date if none yet)."""
    return add_months(last_review, review_interval_months(date_of_birth, last_review))


def hold_by(deadline: date) -> date:
    """The last working day (Mon-Fri) on or before a deadline. The statutory date itself is unchanged."""
    if deadline.weekday() == 5:
        return deadline - timedelta(days=1)
    if deadline.weekday() == 6:
        return deadline - timedelta(days=2)
    return deadline


def status(due: date, as_at: date) -> str:
    """On track / Due within 8 weeks / Overdue, for something not yet done by ``as_at``."""
    if due < as_at:
        return OVERDUE
    if due <= as_at + timedelta(days=DUE_SOON_DAYS):
        return DUE_SOON
    return ON_TRACK


def status_label(value: str) -> str:
    """A status with its icon, so it never depends on colour alone."""
    return f"{STATUS_ICONS.get(value, '')} {value}".strip()


def decision_due(requested_on: date) -> date:
    """The local authority's decision whether to assess: 6 weeks from the request."""
    return requested_on + timedelta(days=DECISION_DAYS)


def final_plan_due(requested_on: date) -> date:
    """The final EHC plan: 20 weeks from the request."""
    return requested_on + timedelta(days=FINAL_PLAN_DAYS)


def phase_transfer(year_group: int, academic_year: int, school_phase: str | None,
                   infant_school: bool = False) -> tuple[str, date] | None:
    """The phase-transfer deadline for a pupil in ``year_group`` during ``academic_year`` (2025 = 2025/26),
    as (description, date), or None if this is not a transfer year at this school.

    Year 6 moves to secondary (primary and all-through schools: in an all-through school the move is
    still a change of phase); Year 11 moves into post-16 (secondary and all-through); Year 2 moves to
    a junior school only when the school is an infant school, which the school record must say."""
    spring = academic_year + 1  # the calendar year of the spring term, when the deadline falls
    if year_group == 6 and school_phase in ("primary", "all-through"):
        return "Year 6 to secondary", date(spring, 2, 15)
    if year_group == 11 and school_phase in ("secondary", "all-through"):
        return "Year 11 to post-16", date(spring, 3, 31)
    if year_group == 2 and infant_school:
        return "Year 2 to junior school", date(spring, 2, 15)
    return None
