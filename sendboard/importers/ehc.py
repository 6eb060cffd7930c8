"""Import kinds of the EHC records: plans and their outcomes, needs-assessment requests, annual reviews,
Preparing for Adulthood outcomes and careers guidance. Columns are in kinds.py; this module checks the
rows (located problems, nothing written unless all are valid) and says how each staged frame is written
(commit targets), so they commit, preview and undo exactly like the other kinds.
"""
from __future__ import annotations

import pandas as pd

from ..domain import AREA_CODES
from ..sqltext import compose
from . import commit, validate
from .problems import Problem
from .validate import MAX_PER_CHECK, Rows, Staged

REQUESTED_BY = ("school", "parent", "young_person", "other")
REQUEST_DECISIONS = ("agreed", "refused")
REVIEW_DECISIONS = ("maintain", "amend", "cease")
PFA_AREAS = ("employment", "independent_living", "health", "community")
MAX_HOURS = 40
PFA_FROM_YEAR = 9


def _lower_choice(r: Rows, name: str, allowed, expected: str) -> pd.Series:
    values = r.raw(name).str.lower().str.replace(" ", "_", regex=False).str.replace("-", "_", regex=False)
    r.flag((values != "") & ~values.isin(allowed), name, expected)
    return values.replace("", None)


def _not_before(r: Rows, later: pd.Series, earlier: pd.Series, name: str, expected: str) -> None:
    a, b = pd.to_datetime(later), pd.to_datetime(earlier)
    r.flag(a.notna() & b.notna() & (a < b), name, expected)


def stage_ehc_plans(r: Rows) -> list[Staged]:
    upn = r.upns()
    la = r.required("local_authority")
    issued = r.dates("issued_on", required=True)
    hours = r.numbers("hours_per_week", low=0, high=MAX_HOURS)
    ceased = r.dates("ceased_on")
    _not_before(r, ceased, issued, "ceased_on", "a date on or after the date the plan was issued")
    outcome = r.raw("outcome")
    area = r.codes("outcome_area", AREA_CODES, label="a broad-area code: ")
    plan = r.base({"upn": upn, "local_authority": la, "issued_on": issued, "hours_per_week": hours, "ceased_on": ceased})
    # The plan's columns are repeated on each outcome row: they must agree.
    key = upn + "|" + issued.astype(str)
    for col, field in (("local_authority", "local_authority"), ("hours_per_week", "hours_per_week"), ("ceased_on", "ceased_on")):
        differs = plan.groupby(key)[col].transform(lambda s: s.astype(str).nunique() > 1)
        r.flag(differs & issued.notna(), field, "the same value on every row of the same plan (pupil and issue date)")
    r.duplicates([upn, issued.astype(str), outcome.where(outcome != "")], "outcome", "outcome of a plan")
    plans = plan.drop_duplicates(["upn", "issued_on"])
    outcomes = r.base({"upn": upn, "issued_on": issued, "area": area.replace("", None), "outcome": outcome})[outcome != ""]
    update = ["local_authority"] + [c for c in ("hours_per_week", "ceased_on") if r.has(c)]
    staged = [Staged("ehc_plans", plans, update), Staged("ehc_outcomes", outcomes, ["area"] if r.has("outcome_area") else [])]
    step = r.raw("step")
    r.flag((step != "") & (outcome == ""), "step", "an outcome on the same row (a step is toward an outcome)")
    if (step != "").any():
        # A step is a target on the pupil's open support plan; a plan is opened today, reviewed one term
        # later, for a pupil with none.
        today = r.ctx.today
        steps = r.base({"upn": upn, "issued_on": issued, "outcome": outcome, "step": step,
                        "area": area.replace("", None), "today": today, "review_due": _one_term_later(r.ctx, today)})
        steps = steps[(step != "") & (outcome != "")]
        staged += [Staged("ehc_step_plans", steps.drop_duplicates("upn"), []),
                   Staged("ehc_step_targets", steps, []), Staged("ehc_step_links", steps, [])]
    return staged


def _one_term_later(ctx, when):
    """The same number of days into the next term (13 weeks later when the terms are not known), as the
    forms do (sendboard.statutory.records.next_term_review)."""
    for i, (s, e) in enumerate(zip(ctx.terms["start_date"], ctx.terms["end_date"])):
        s, e = pd.Timestamp(s).date(), pd.Timestamp(e).date()
        if s <= when <= e and i + 1 < len(ctx.terms):
            nxt_s, nxt_e = (pd.Timestamp(ctx.terms[c].iloc[i + 1]).date() for c in ("start_date", "end_date"))
            return min(nxt_s + (when - s), nxt_e)
    return when + pd.Timedelta(weeks=13).to_pytimedelta()


def stage_ehc_requests(r: Rows) -> list[Staged]:
    upn = r.upns()
    la = r.required("local_authority")
    requested = r.dates("requested_on", required=True)
    who = _lower_choice(r, "requested_by", REQUESTED_BY, "school, parent, young_person or other")
    decided = r.dates("decision_on")
    decision = _lower_choice(r, "decision", REQUEST_DECISIONS, "agreed or refused")
    final = r.dates("final_plan_on")
    _not_before(r, decided, requested, "decision_on", "a decision date on or after the request date")
    _not_before(r, final, decided, "final_plan_on", "a final plan date on or after the decision date")
    _not_before(r, final, requested, "final_plan_on", "a final plan date on or after the request date")
    r.flag(decided.notna() & decision.isna(), "decision", "the decision (agreed or refused) when a decision date is given")
    r.flag(decided.isna() & decision.notna(), "decision_on", "the date of the decision when a decision is given")
    r.flag(final.notna() & (decision != "agreed"), "final_plan_on",
           "a final plan only after a decision to assess ('agreed' in the Decision column)")
    r.duplicates([upn, requested.astype(str)], "requested_on", "pupil and request date")
    frame = r.base({"upn": upn, "local_authority": la, "requested_on": requested,
                    "requested_by": who.fillna("school") if r.has("requested_by") else "school",
                    "decision_on": decided, "decision": decision, "final_plan_on": final})
    update = ["local_authority"] + [c for c, f in (("requested_by", "requested_by"), ("decision_on", "decision_on"),
                                                    ("decision", "decision"), ("final_plan_on", "final_plan_on")) if r.has(f)]
    return [Staged("ehc_requests", frame, update)]


def stage_ehc_reviews(r: Rows) -> list[Staged]:
    upn = r.upns()
    held = r.dates("held_on", required=True)
    sent = r.dates("report_sent_on")
    decided = r.dates("la_decision_on")
    decision = _lower_choice(r, "la_decision", REVIEW_DECISIONS, "maintain, amend or cease")
    _not_before(r, sent, held, "report_sent_on", "a date on or after the review meeting")
    _not_before(r, decided, held, "la_decision_on", "a date on or after the review meeting")
    r.flag(decided.notna() & decision.isna(), "la_decision", "the decision (maintain, amend or cease) when its date is given")
    r.flag(decided.isna() & decision.notna(), "la_decision_on", "the date of the decision when a decision is given")
    r.duplicates([upn, held.astype(str)], "held_on", "pupil and meeting date")
    note = r.raw("note")
    frame = r.base({"upn": upn, "held_on": held, "report_sent_on": sent, "la_decision_on": decided,
                    "la_decision": decision, "note": note.replace("", None)})
    update = [c for c in ("report_sent_on", "la_decision_on", "la_decision", "note") if r.has(c)]
    return [Staged("ehc_reviews", frame, update)]


def stage_pfa(r: Rows) -> list[Staged]:
    upn = r.upns()
    when = r.dates("recorded_on", required=True)
    texts = {a: r.raw(a) for a in PFA_AREAS}
    none = pd.concat([(t == "") for t in texts.values()], axis=1).all(axis=1)
    r.flag(none, "employment" if r.has("employment") else "recorded_on",
           "an outcome in at least one of employment, independent living, health and community participation")
    years = upn.map(r.ctx.pupil_years)
    young = pd.to_numeric(years, errors="coerce") < PFA_FROM_YEAR
    r.flag(young, "upn", f"a pupil in Year {PFA_FROM_YEAR} or above (Preparing for Adulthood starts in Year 9)")
    r.duplicates([upn, when.astype(str)], "recorded_on", "pupil and date")
    parts = []
    for area, text in texts.items():
        part = r.base({"upn": upn, "recorded_on": when, "area": area, "outcome": text})
        parts.append(part[text != ""])
    return [Staged("pfa_records", pd.concat(parts), ["outcome"])]


def stage_careers(r: Rows) -> list[Staged]:
    upn = r.upns()
    when = r.dates("given_on", required=True)
    who = r.required("given_by")
    r.duplicates([upn, when.astype(str)], "given_on", "pupil and date")
    frame = r.base({"upn": upn, "given_on": when, "given_by": who, "note": r.raw("note").replace("", None)})
    return [Staged("careers_guidance", frame, ["given_by"] + (["note"] if r.has("note") else []))]


validate.STAGERS.update({"ehc_plans": stage_ehc_plans, "ehc_requests": stage_ehc_requests,
                         "ehc_reviews": stage_ehc_reviews, "pfa": stage_pfa, "careers": stage_careers})


def check_reviews_have_plans(staged: list[Staged], ctx, problems: list[Problem]) -> None:
    """An annual review needs an EHC plan open on its meeting date: held, or in the same import."""
    reviews = [s for s in staged if s.target == "ehc_reviews" and len(s.frame)]
    if not reviews:
        return
    held = ctx.ehc_plans if ctx.ehc_plans is not None else pd.DataFrame(columns=["upn", "issued_on", "ceased_on"])
    new = [s.frame[["upn", "issued_on", "ceased_on"]] for s in staged if s.target == "ehc_plans" and len(s.frame)]
    plans = pd.concat([held[["upn", "issued_on", "ceased_on"]], *new], ignore_index=True)
    plans["issued_on"] = pd.to_datetime(plans["issued_on"])
    plans["ceased_on"] = pd.to_datetime(plans["ceased_on"])
    by_upn = {u: g for u, g in plans.groupby("upn")}  # noqa: C416 (dict() of a groupby calls its .keys, a str)
    count = 0
    for s in reviews:
        for row in s.frame.to_dict("records"):
            if row["held_on"] is None or pd.isna(row["held_on"]) or validate.upn_problem(row["upn"]):
                continue
            when = pd.Timestamp(row["held_on"])
            mine = by_upn.get(row["upn"])
            ok = mine is not None and ((mine["issued_on"] <= when) & (mine["ceased_on"].isna() | (mine["ceased_on"] >= when))).any()
            if not ok and count < MAX_PER_CHECK:
                count += 1
                problems.append(Problem(row["_file"], row["_where"], s.headers.get("held_on", "held_on"),
                                        f"{when:%d/%m/%Y}",
                                        "the date of a review of an EHC plan open on that date (import the plan first, "
                                        "or in the same import with an EHC plans file)"))


validate.BATCH_CHECKS.append(check_reviews_have_plans)

_P = compose("JOIN pupils p ON p.upn = s.upn AND p.school_id = s._school")  # a pupil of the import's school only
commit._t("ehc_plans", "ehc_plans", ["pupil_id", "issued_on"],
          compose("SELECT p.pupil_id, s.local_authority, s.issued_on, s.hours_per_week, s.ceased_on FROM _stage s {p}", p=_P),
          ["pupil_id", "local_authority", "issued_on", "hours_per_week", "ceased_on"], "EHC plans")
commit._t("ehc_outcomes", "ehc_outcomes", ["ehcp_id", "outcome"],
          compose("SELECT e.ehcp_id, p.pupil_id, s.area, s.outcome FROM _stage s {p} "
                  "JOIN ehc_plans e ON e.pupil_id = p.pupil_id AND e.issued_on = s.issued_on", p=_P),
          ["ehcp_id", "pupil_id", "area", "outcome"], "EHC plan outcomes")
commit._t("ehc_requests", "ehc_requests", ["pupil_id", "requested_on"],
          compose("SELECT p.pupil_id, s.local_authority, s.requested_on, s.requested_by, s.decision_on, s.decision, "
                  "s.final_plan_on FROM _stage s {p}", p=_P),
          ["pupil_id", "local_authority", "requested_on", "requested_by", "decision_on", "decision", "final_plan_on"],
                  "EHC needs-assessment requests")
# The date a review was due: 12 months (6 for a child under 5 on that date) after the plan's last review
# before the meeting, held or earlier in the same file, else after the issue date (as the EHC page does).
commit._t("ehc_reviews", "ehc_reviews", ["ehcp_id", "held_on"],
          compose("SELECT x.ehcp_id, ehc_review_due_after(x.base_on, x.date_of_birth) AS due_on, x.held_on, x.report_sent_on, "
                  "x.la_decision_on, x.la_decision, x.note FROM ("
                  "SELECT e.ehcp_id, p.date_of_birth, s.held_on, s.report_sent_on, s.la_decision_on, s.la_decision, s.note, "
                  "greatest(e.issued_on, "
                  "coalesce((SELECT max(r.held_on) FROM ehc_reviews r WHERE r.ehcp_id = e.ehcp_id AND r.held_on < s.held_on), e.issued_on), "
                  "coalesce((SELECT max(s2.held_on) FROM _stage s2 WHERE s2.upn = s.upn AND s2.held_on < s.held_on), e.issued_on)"
                  ") AS base_on "
                  "FROM _stage s {p} JOIN ehc_plans e ON e.pupil_id = p.pupil_id AND e.issued_on <= s.held_on "
                  "AND (e.ceased_on IS NULL OR e.ceased_on >= s.held_on)) x", p=_P),
          ["ehcp_id", "due_on", "held_on", "report_sent_on", "la_decision_on", "la_decision", "note"], "EHC annual reviews")
commit._t("pfa_records", "pfa_records", ["pupil_id", "recorded_on", "area"],
          compose("SELECT p.pupil_id, s.recorded_on, s.area, s.outcome FROM _stage s {p}", p=_P),
          ["pupil_id", "recorded_on", "area", "outcome"], "Preparing for Adulthood outcomes")
commit._t("careers_guidance", "careers_guidance", ["pupil_id", "given_on"],
          compose("SELECT p.pupil_id, s.given_on, s.given_by, s.note FROM _stage s {p}", p=_P),
          ["pupil_id", "given_on", "given_by", "note"], "careers guidance")
_OPEN_PLAN = compose("(SELECT max(sp.plan_id) FROM support_plans sp WHERE sp.pupil_id = p.pupil_id AND sp.closed_on IS NULL)")
commit._t("ehc_step_plans", "support_plans", ["pupil_id", "start_date"],
          compose("SELECT p.pupil_id, s.today AS start_date, s.review_due, 'import' AS created_by, "
                  "'Steps toward the outcomes of the EHC plan' AS assess_note FROM _stage s {p} WHERE {open_plan} IS NULL", p=_P, open_plan=_OPEN_PLAN),
          ["pupil_id", "start_date", "review_due", "created_by", "assess_note"], "support plans (for EHC steps)")
commit._t("ehc_step_targets", "plan_targets", ["plan_id", "description"],
          compose("SELECT {open_plan} AS plan_id, s.step AS description, s.area, s.today AS set_on FROM _stage s {p}", open_plan=_OPEN_PLAN, p=_P),
          ["plan_id", "description", "area", "set_on"], "short-term steps toward EHC outcomes")
commit._t("ehc_step_links", "ehc_outcome_steps", ["target_id"],
          compose("SELECT t.target_id, o.ehc_outcome_id, p.pupil_id FROM _stage s {p} "
                  "JOIN ehc_plans e ON e.pupil_id = p.pupil_id AND e.issued_on = s.issued_on "
                  "JOIN ehc_outcomes o ON o.ehcp_id = e.ehcp_id AND o.outcome = s.outcome "
                  "JOIN plan_targets t ON t.plan_id = {open_plan} AND t.description = s.step", p=_P, open_plan=_OPEN_PLAN),
          ["target_id", "ehc_outcome_id", "pupil_id"], "links from steps to EHC outcomes")
commit.ORDER = commit.ORDER + ("ehc_plans", "ehc_outcomes", "ehc_step_plans", "ehc_step_targets", "ehc_step_links",
                               "ehc_requests", "ehc_reviews", "pfa_records", "careers_guidance")
