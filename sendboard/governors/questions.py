"""Questions governors could ask, generated from the pack's protected figures by simple rules.

Each rule reads only ``Section.facts`` (numbers that passed disclosure control; None where hidden), so
a question can never reveal a suppressed figure. Rules, in order:

- attendance gap: the gap between pupils with SEND and no SEN widened (or narrowed) by at least
  ``GAP_CHANGE`` percentage points from the first term shown to the latest;
- attainment gap: the same for the mean assessment score (``SCORE_CHANGE`` points);
- register: more than ``REGISTER_DIFF`` points above or below national, on the share with any SEN where the
  national total is newer than its split, else on SEN support and EHC plans; the year and roll date named;
- suspensions: pupils with SEND suspended at ``SUSPENSION_RATIO`` times (or more) the rate of peers;
- spend: planned spend above SEND funding, or below ``UNDERSPEND`` of it;
- impact: interventions to review, or more without enough data than with;
- reviews: the latest year's EHC annual reviews below ``REVIEW_TARGET``% on time;
- training: an area holding at least ``TRAINING_NEED``% of pupils' main needs where under
  ``TRAINING_LOW``% of staff hold current training;
- self-evaluation: none recorded, none in the last 12 months, or factors rated 1 or 2 (every one named).
If no rule fires, one general question is given so the list is never empty.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ..reference import AREAS
from .judgements import GOOD, NOT_ENOUGH, REVIEW

GAP_CHANGE = 1.0
SCORE_CHANGE = 1.0
REGISTER_DIFF = 3.0
SUSPENSION_RATIO = 2.0
UNDERSPEND = 0.8
REVIEW_TARGET = 90.0
TRAINING_NEED = 20.0
TRAINING_LOW = 25.0
MAX_QUESTIONS = 8


@dataclass(frozen=True)
class Question:
    section: str
    text: str


def _gap_question(gaps, what: str, unit: str, threshold: float, section: str) -> Question | None:
    known = [(g, lbl) for g, lbl in (gaps or []) if g is not None]
    if len(known) < 2:
        return None
    (first, first_lbl), (last, _) = known[0], known[-1]
    # Gaps are SEND minus no SEN: below zero means pupils with SEND are behind. Compare the size.
    a, b = abs(first), abs(last)
    if b - a >= threshold:
        return Question(section, f"The {what} gap between pupils with SEND and their peers widened from {a:.1f} to "
                                 f"{b:.1f} {unit} since {first_lbl}: what is the school doing about it?")
    if a - b >= threshold:
        return Question(section, f"The {what} gap between pupils with SEND and their peers narrowed from {a:.1f} to "
                                 f"{b:.1f} {unit} since {first_lbl}: what made the difference, and how will it be kept up?")
    return None


def attendance_rule(facts: dict) -> list[Question]:
    q = _gap_question(facts.get("attendance_gaps"), "attendance", "percentage points", GAP_CHANGE, "gaps")
    return [q] if q else []


def attainment_rule(facts: dict) -> list[Question]:
    q = _gap_question(facts.get("attainment_gaps"), "attainment", "score points", SCORE_CHANGE, "gaps")
    return [q] if q else []


def register_rule(facts: dict) -> list[Question]:
    """Compared on the national total where it is newer than the split (the year named), else on each part."""
    out = []
    when = f" (roll on {facts['roll_date']:%d %B %Y})" if facts.get("roll_date") else ""
    if facts.get("compare_totals"):
        checks = (("send_pct", "national_send_pct", "have SEN", facts.get("national_send_year")),)
    else:
        checks = (("sen_support_pct", "national_sen_support_pct", "are on SEN support", facts.get("national_split_year")),
                  ("ehc_pct", "national_ehc_pct", "have an EHC plan", facts.get("national_split_year")))
    for key, nat_key, what, year in checks:
        ours, nat = facts.get(key), facts.get(nat_key)
        if ours is None or nat is None:
            continue
        nationally = f"nationally in {year}" if year else "nationally"
        if ours - nat >= REGISTER_DIFF:
            out.append(Question("register", f"{ours:.1f}% of our pupils {what}{when}, against {nat:.1f}% {nationally}: "
                                            "why is our figure higher, and are we confident we identify need accurately?"))
        elif nat - ours >= REGISTER_DIFF:
            out.append(Question("register", f"{ours:.1f}% of our pupils {what}{when}, against {nat:.1f}% {nationally}: "
                                            "are we sure we are not missing pupils who need support?"))
    return out


def suspension_rule(facts: dict) -> list[Question]:
    rates = [(a, b, lbl) for a, b, lbl in (facts.get("suspension_rates") or []) if a is not None and b]
    if not rates:
        return []
    send, other, lbl = rates[-1]
    if send >= SUSPENSION_RATIO * other:
        return [Question("gaps", f"In {lbl}, {send:.1f}% of pupils with SEND were suspended at least once, against "
                                 f"{other:.1f}% of their peers: how are behaviour policies adapted for pupils with SEND?")]
    return []


def spend_rule(facts: dict) -> list[Question]:
    spend, funding = facts.get("spend"), facts.get("funding")
    if spend is None or not funding:
        return []
    if spend > funding:
        return [Question("spend", f"Planned provision spend (£{spend:,.0f}) is more than our SEND funding (£{funding:,.0f}): "
                                  "how is the difference being met, and is it sustainable?")]
    if spend < UNDERSPEND * funding:
        return [Question("spend", f"Planned provision spend (£{spend:,.0f}) is {100 * spend / funding:.0f}% of our SEND "
                                  f"funding (£{funding:,.0f}): how is the rest of the notional SEN budget used?")]
    return []


def impact_rule(facts: dict) -> list[Question]:
    out = []
    if facts.get(REVIEW):
        n = facts[REVIEW]
        out.append(Question("impact", f"{n} intervention{'s' if n != 1 else ''} did not show enough progress this year: "
                                      "will they be changed or stopped, and what will replace them?"))
    if facts.get(NOT_ENOUGH, 0) > facts.get(GOOD, 0) + facts.get(REVIEW, 0):
        out.append(Question("impact", "Most interventions that finished this year could not be judged: are entry and "
                                      "exit measures being recorded for every pupil?"))
    return out


def review_rule(facts: dict) -> list[Question]:
    known = [(lbl, v) for lbl, v in (facts.get("years") or []) if v is not None]
    bands = dict(facts.get("year_bands") or [])  # a year whose rate is shown as a range (a count is hidden)
    latest = (facts.get("years") or [(None, None)])[-1][0]
    if latest in bands and bands[latest] is not None and bands[latest][1] < REVIEW_TARGET:
        high = bands[latest][1]
        return [Question("reviews", f"At most {high:.0f}% of EHC plan annual reviews due in {latest} were held on time: "
                                    "what is getting in the way, and what will change?")]
    if known and known[-1][1] < REVIEW_TARGET:
        lbl, v = known[-1]
        return [Question("reviews", f"Only {v:.0f}% of EHC plan annual reviews due in {lbl} were held on time: "
                                    "what is getting in the way, and what will change?")]
    return []


def training_rule(facts: dict) -> list[Question]:
    out = []
    for area, share in (facts.get("pct_send") or {}).items():
        trained = (facts.get("pct_trained") or {}).get(area)
        if share is None or trained is None:
            continue
        if share >= TRAINING_NEED and trained < TRAINING_LOW:
            out.append(Question("training", f"{share:.0f}% of our pupils with SEND have a main need in "
                                            f"{AREAS.get(area, area).lower()}, but only {trained:.0f}% of staff hold "
                                            "current training in it: what is the training plan?"))
    return out


def self_evaluation_rule(facts: dict, as_at) -> list[Question]:
    if not facts:
        return [Question("self_evaluation", "The school has not recorded a self-evaluation against the key factors: "
                                            "when will it, and will governors see it?")]
    out = []
    latest = facts.get("latest")
    if latest is not None and as_at is not None and latest < as_at - timedelta(days=365):
        out.append(Question("self_evaluation", f"The last self-evaluation was in {latest:%B %Y}: when will it be refreshed?"))
    low = [name for name, r in (facts.get("ratings") or {}).items() if r <= 2]
    if low:
        # Every weak factor is named: leaving some out would soften the news governors most need.
        # Semicolons: several factor names hold commas and "and" themselves.
        names = "; ".join(low[:-1]) + ("; and " if len(low) > 1 else "") + low[-1]
        names = names.lower()
        out.append(Question("self_evaluation", f"The school rates itself as not yet established in: {names}. "
                                               "What is the plan, and how will governors know it is working?"))
    return out


def questions_for(pack) -> list[Question]:
    facts = {s.key: s.facts or {} for s in pack.sections}
    out: list[Question] = []
    out += attendance_rule(facts.get("gaps", {}))
    out += review_rule(facts.get("reviews", {}))
    out += register_rule(facts.get("register", {}))
    out += suspension_rule(facts.get("gaps", {}))
    out += spend_rule(facts.get("spend", {}))
    out += impact_rule(facts.get("impact", {}))
    out += training_rule(facts.get("training", {}))
    out += attainment_rule(facts.get("gaps", {}))
    out += self_evaluation_rule(facts.get("self_evaluation", {}), pack.as_at)
    if not out:
        out.append(Question("register", "How does the school know that its SEND provision is making a difference, "
                                        "and how are parents and pupils involved in reviewing it?"))
    return out[:MAX_QUESTIONS]
