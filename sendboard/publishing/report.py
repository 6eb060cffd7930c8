"""The SEN Information Report for one school and academic year: the school's own words under each
heading of Schedule 1, and under the headings that have them, sendboard's figures.

The figures are the governors' pack's sections (sendboard/governors/figures.py), built by the same
functions the governors' pack page uses and protected by the same disclosure control: no count of fewer
than the threshold, nothing that can be worked out from a total, no pupil. The school's text is kept per
school, academic year and heading; a save is versioned (sendboard/versions.py), checked for pupil names
and UPNs (sendboard/names.py), and audited. The governing board approves the year's report; a save after
the approval marks the report as changed since it was approved.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from .. import disclosure, versions
from ..access import AccessDenied, Viewer
from ..audit import record_change
from ..db import Database
from ..governors import figures as gov
from ..names import Person, names_in
from ..scope import Scope
from ..statutory.records import FieldError
from . import APPROVE_ROLES, EDIT_ROLES, READ_ROLES
from .headings import HEADINGS, HEADINGS_BY_KEY, Heading
from .policies import STRANDS, actions_frame, progress_counts

MAX_TEXT = 6000
VERSION_KIND = "sen_report_text"

# The columns of each pack table the report shows (a web page reads better with fewer).
REPORT_COLUMNS = {
    "register_trend": ["label", "census", "on_roll", "sen_support_pct", "nat_support", "ehc_pct", "nat_ehc", "nat_years"],
    "need_mix": None,
    "impact_summary": None,
    "ehc_reviews": None,
    "training": None,
}


@dataclass
class ReportSection:
    heading: Heading
    text: str                       # the school's words ("" when not written yet)
    lines: list = field(default_factory=list)     # sentences of figures, from protected figures only
    tables: list = field(default_factory=list)    # governors' pack Tables (protected)
    updated_by: str | None = None
    updated_at: datetime | None = None


@dataclass
class Approval:
    approved_by: str
    approver_name: str
    approved_on: date
    approved_at: datetime
    changed_since: bool


@dataclass
class Report:
    school_name: str
    school_id: int
    academic_year: int
    as_at: date
    threshold: int
    sections: list
    approval: Approval | None
    generated_at: datetime
    facts: dict = field(default_factory=dict)     # the figures by pack section key (for tests and the page)

    @property
    def year_label(self) -> str:
        return gov.year_label(self.academic_year)

    @property
    def legend(self) -> str:
        return disclosure.legend(self.threshold)

    @property
    def missing(self) -> list[str]:
        """Headings with no words from the school yet."""
        return [s.heading.title for s in self.sections if not s.text.strip()]

    @property
    def status(self) -> str:
        if self.approval is None:
            return "Not yet approved by the governing board"
        when = f"{self.approval.approved_on.day} {self.approval.approved_on:%B %Y}"
        if self.approval.changed_since:
            return f"Changed since the governing board approved it ({self.approval.approver_name}, {when})"
        return f"Approved by the governing board ({self.approval.approver_name}, {when})"


def _check_read(viewer: Viewer, school_id: int) -> None:
    viewer.require_role(READ_ROLES)
    if school_id not in viewer.school_ids:
        raise AccessDenied("this school is not one of yours")


def get_text(db: Database, scope: Scope, school_id: int, academic_year: int) -> dict[str, tuple]:
    """heading -> (body, updated_by, updated_at) for the year."""
    _check_read(scope.viewer, school_id)
    rows = db.query_rows("publishing_sir_text", scope=scope, school_id=school_id, academic_year=academic_year)
    return {h: (b, by, at) for h, b, by, at in rows}


def get_approval(db: Database, scope: Scope, school_id: int, academic_year: int) -> Approval | None:
    _check_read(scope.viewer, school_id)
    rows = db.query_rows("publishing_sir_approval", scope=scope, school_id=school_id,
                         academic_year=academic_year)
    if not rows:
        return None
    by, name, on, at, changed = rows[0]
    return Approval(by, name, pd.Timestamp(on).date(), pd.Timestamp(at).to_pydatetime(), bool(changed))


def senco_contact(db: Database, scope: Scope, school_id: int, as_at: date) -> str:
    """The SENCO(s) in post, from the staff records: what the report says when the school has not written
    the SENCO heading itself."""
    rows = db.query_rows("publishing_senco_names", scope=scope, school_id=school_id, as_at=as_at)
    return "; ".join(f"{name}" + (f" ({email})" if email else "") for name, email in rows)


def _accessibility_lines(db: Database, scope: Scope, school_id: int, as_at: date) -> tuple[list[str], dict]:
    counts = progress_counts(actions_frame(db, scope, school_id, as_at))
    if not counts["total"]:
        return ["No actions of the accessibility plan are recorded yet."], counts
    lines = [f"Our accessibility plan has {counts['total']} actions: {counts['Done']} done, {counts['On track']} on track "
             f"and {counts['Overdue']} past their target date (as at {as_at.day} {as_at:%B %Y})."]
    for key, label in STRANDS.items():
        c = counts["by_strand"][key]
        n = sum(c.values())
        if n:
            lines.append(f"{label}: {n} action{'s' if n != 1 else ''}, {c['Done']} done, {c['On track']} on track, "
                         f"{c['Overdue']} overdue.")
    return lines, counts


def _subset(table: gov.Table) -> gov.Table:
    cols = REPORT_COLUMNS.get(table.name)
    if not cols:
        return table
    return gov.Table(table.name, table.title, table.protected, {c: table.columns[c] for c in cols if c in table.columns})


def figure_sections(db: Database, scope: Scope, school_id: int, academic_year: int, as_at: date,
                    phase: str | None) -> dict[str, gov.Section]:
    """The governors' pack sections the report uses, built by the pack's own functions (so the report and
    the pack agree, figure for figure) with the pack's disclosure threshold."""
    t = disclosure.get_threshold(db)
    with ThreadPoolExecutor(max_workers=3) as pool:
        need = pool.submit(gov.need_mix_section, db, scope, school_id, as_at, t, phase)  # as build_pack passes it
        built = {
            "register": pool.submit(gov.register_section, db, scope, school_id, phase or "all", as_at, t),
            "impact": pool.submit(gov.impact_section, db, scope, school_id, academic_year, as_at, t),
            "reviews": pool.submit(gov.compliance_section, db, scope, school_id, as_at, t),
            "training": pool.submit(lambda: gov.training_section(db, scope, school_id, as_at, t, need.result())),
        }
        out = {k: f.result() for k, f in built.items()}
        out["need_mix"] = need.result()
    return out


def build_report(db: Database, scope: Scope, school_id: int, academic_year: int, as_at: date,
                 school_name: str = "", school_phase: str | None = None) -> Report:
    """The year's report: every heading, the school's words, and the figures under the headings that have them."""
    _check_read(scope.viewer, school_id)
    t = disclosure.get_threshold(db)
    figures = figure_sections(db, scope, school_id, academic_year, as_at, school_phase)
    text = get_text(db, scope, school_id, academic_year)
    sections = []
    facts = {k: s.facts for k, s in figures.items()}
    for h in HEADINGS:
        body, by, at = text.get(h.key, ("", None, None))
        section = ReportSection(h, body or "", updated_by=by, updated_at=at)
        for key in h.figures:
            if key == "accessibility":
                lines, counts = _accessibility_lines(db, scope, school_id, as_at)
                section.lines.extend(lines)
                facts["accessibility"] = counts
                continue
            fs = figures[key]
            section.lines.extend([fs.empty] if fs.empty else fs.headline)
            section.tables.extend(_subset(tb) for tb in fs.tables)
        if h.key == "senco" and not section.text.strip():
            contact = senco_contact(db, scope, school_id, as_at)
            if contact:
                section.lines.append(f"SENCO (from the staff records): {contact}.")
        sections.append(section)
    return Report(school_name=school_name, school_id=school_id, academic_year=academic_year, as_at=as_at, threshold=t,
                  sections=sections, approval=get_approval(db, scope, school_id, academic_year),
                  generated_at=datetime.now().replace(microsecond=0), facts=facts)


# --------------------------------------------------------------------------- the school's words


def record_id(school_id: int, academic_year: int, heading: str) -> str:
    return f"{school_id}:{academic_year}:{heading}"


def check_text(db: Database, school_id: int, body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) > MAX_TEXT:
        raise FieldError("body", f"At most {MAX_TEXT:,} characters ({len(body):,} given): please shorten it.")
    if body and names_in(body, [Person(*r) for r in db.query_rows("integrity_school_pupil_names", school_id=school_id)]):
        raise FieldError("body", "This text names a pupil (or gives a UPN). The SEN Information Report is published on "
                                 "the school's website: describe what the school does without naming anyone.")
    return body


def save_text(db: Database, viewer: Viewer, school_id: int, academic_year: int, heading: str, body: str, *,
              expected_version: int | None) -> str:
    """Save the school's words under one heading for a year (blank removes them). Refused: someone else saved
    since the form was opened (versions.StaleEdit), a pupil named, too long (FieldError on 'body')."""
    if viewer.role not in EDIT_ROLES or school_id not in viewer.school_ids:
        raise AccessDenied("only the headteacher or the SENCO may write the SEN Information Report")
    if heading not in HEADINGS_BY_KEY:
        raise FieldError("body", f"There is no heading {heading!r} in the SEN Information Report.")
    body = check_text(db, school_id, body)
    rid = record_id(school_id, academic_year, heading)
    versions.ensure(db, VERSION_KIND, rid)

    def work(w):
        rows = w.run("publishing_sir_text_one", school_id=school_id, academic_year=academic_year, heading=heading)
        old = rows[0][0] if rows else None
        versions.check_and_bump(w, viewer, VERSION_KIND, rid, expected_version, theirs={"body": old or ""})
        if (old or "") == body:
            return body
        if body:
            w.run("publishing_sir_text_upsert", school_id=school_id, academic_year=academic_year, heading=heading,
                  body=body, updated_by=viewer.username)
        else:
            w.run("publishing_sir_text_delete", school_id=school_id, academic_year=academic_year, heading=heading)
        record_change(w, viewer, "sen_report_text_changed", object_type="sen_report_text", object_id=rid,
                      old_value=old, new_value=body or None)
        return body

    return db.write(work)


def copy_from_year(db: Database, scope: Scope, school_id: int, academic_year: int, from_year: int) -> int:
    """Start a year's report from an earlier year's words: each heading the new year has not written yet gets
    last year's text (to be read and brought up to date). Returns the number of headings copied."""
    if scope.viewer.role not in EDIT_ROLES or school_id not in scope.viewer.school_ids:
        raise AccessDenied("only the headteacher or the SENCO may write the SEN Information Report")
    earlier = get_text(db, scope, school_id, from_year)
    have = get_text(db, scope, school_id, academic_year)
    todo = {h: b for h, (b, _, _) in earlier.items() if h not in have and h in HEADINGS_BY_KEY}
    for h in todo:
        versions.ensure(db, VERSION_KIND, record_id(school_id, academic_year, h))

    def work(w):
        for h, b in todo.items():
            versions.check_and_bump(w, scope.viewer, VERSION_KIND, record_id(school_id, academic_year, h), None)
            w.run("publishing_sir_text_upsert", school_id=school_id, academic_year=academic_year, heading=h, body=b,
                  updated_by=scope.viewer.username)
            record_change(w, scope.viewer, "sen_report_text_changed", object_type="sen_report_text",
                          object_id=record_id(school_id, academic_year, h), old_value=None, new_value=b,
                          detail={"copied_from_year": from_year})
        return len(todo)

    return db.write(work)


def earlier_year_with_text(db: Database, scope: Scope, school_id: int, academic_year: int) -> int | None:
    _check_read(scope.viewer, school_id)
    rows = db.query_rows("publishing_sir_years_with_text", scope=scope, school_id=school_id,
                         academic_year=academic_year)
    return int(rows[0][0]) if rows else None


class ApprovalRefused(ValueError):
    """The report cannot be approved yet (the message says why)."""


def approve(db: Database, scope: Scope, school_id: int, academic_year: int) -> Approval:
    """The governing board approves the year's report (a governor records it). Refused while a heading has
    no words from the school (the SENCO heading is covered by the staff records' SENCO)."""
    if scope.viewer.role not in APPROVE_ROLES or school_id not in scope.viewer.school_ids:
        raise AccessDenied("the SEN Information Report is approved by a governor of this school")
    text = get_text(db, scope, school_id, academic_year)
    missing = [h.title for h in HEADINGS if not (text.get(h.key, ("",))[0] or "").strip()
               and not (h.key == "senco" and senco_contact(db, scope, school_id, scope.today))]
    if missing:
        raise ApprovalRefused(f"Not approved: {len(missing)} heading{'s have' if len(missing) != 1 else ' has'} no text "
                              "from the school yet (" + "; ".join(missing) + "). Ask the headteacher or SENCO to write them.")

    def work(w):
        before = w.run("publishing_sir_approval", scope=scope, school_id=school_id, academic_year=academic_year)
        w.run("publishing_sir_approve", school_id=school_id, academic_year=academic_year, approved_by=scope.viewer.username,
              approver_name=scope.viewer.display_name, approved_on=scope.today)
        record_change(w, scope.viewer, "sen_report_approved", object_type="sen_report", object_id=f"{school_id}:{academic_year}",
                      old_value=None if not before else f"{before[0][1]} on {before[0][2]}",
                      new_value=f"{scope.viewer.display_name} on {scope.today}")

    db.write(work)
    return get_approval(db, scope, school_id, academic_year)
