"""The SEN Information Report, the policy calendar and the accessibility plan (publishing area): every
Schedule 1 heading in each output, figures equal to the pages' own, no pupil identifiable, forms that refuse
bad values beside the field and write nothing, imports all-or-nothing, approval and versioning audited."""
from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader

from sendboard import versions
from sendboard.access import AccessDenied
from sendboard.governors.figures import build_pack
from sendboard.home import policy_alerts
from sendboard.importers import SourceFile, commit, load, undo_last
from sendboard.publishing.headings import HEADINGS
from sendboard.publishing.policies import (
    CURRENT,
    DUE_THIS_TERM,
    NOT_RECORDED,
    OVERDUE,
    actions_frame,
    add_months,
    calendar_frame,
    progress_counts,
    save_action,
    save_policy,
)
from sendboard.publishing.render import docx_bytes, html_bytes, pdf_bytes
from sendboard.publishing.report import ApprovalRefused, approve, build_report, copy_from_year, get_approval, save_text
from sendboard.scope import Scope
from sendboard.statutory.records import FieldError
from tests.fixture_school import SCHOOL, TODAY

YEAR = 2025  # the fixture's academic year (2025/26); today is 20 January 2026, in the spring term


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _count(db, sql: str) -> int:
    return int(db.cursor().execute(sql).fetchone()[0])


def _outputs(report) -> dict[str, str]:
    html_text = html_bytes(report).decode()
    docx_text = "\n".join(p.text for p in Document(io.BytesIO(docx_bytes(report))).paragraphs)
    for t in Document(io.BytesIO(docx_bytes(report))).tables:
        docx_text += "\n" + "\n".join(c.text for row in t.rows for c in row.cells)
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes(report))).pages)
    return {"html": html_text, "docx": docx_text, "pdf": pdf_text}


def _write_all(db, viewer, year=YEAR, text="We do this for every pupil."):
    for h in HEADINGS:
        save_text(db, viewer, SCHOOL, year, h.key, f"{h.title}: {text}", expected_version=None)


# --------------------------------------------------------------------------- headings and outputs


def test_headings_follow_schedule_1_in_order():
    paragraphs = [h.source for h in HEADINGS if h.source.startswith("Schedule 1")]
    expected = (["Schedule 1, paragraph 1", "Schedule 1, paragraph 2"]
                + [f"Schedule 1, paragraph 3({c})" for c in "abcdefg"]
                + [f"Schedule 1, paragraph {n}" for n in range(4, 14)])
    assert paragraphs == expected
    assert len({h.key for h in HEADINGS}) == len(HEADINGS)


def test_every_heading_is_in_the_html_word_and_pdf(fixture_db, viewers):
    head = viewers["head"]
    save_text(fixture_db, head, SCHOOL, YEAR, "complaints", "Talk to the SENCO first.\n\nThen the head.", expected_version=None)
    report = build_report(fixture_db, Scope(head, TODAY), SCHOOL, YEAR, TODAY, "Oak Lane Academy", "secondary")
    outputs = _outputs(report)
    for name, text in outputs.items():
        flat = _norm(html.unescape(text))
        for h in HEADINGS:
            assert _norm(h.title) in flat, (name, h.title)
        assert "Talk to the SENCO first." in flat, name
    html_text = outputs["html"]
    assert '<html lang="en-GB">' in html_text and "<script" not in html_text.lower()
    assert html_text.count("<h1>") == 1
    # h2 per heading, in Schedule 1's order
    ids = re.findall(r'<h2 id="([a-z_]+)">', html_text)
    assert ids == [h.key for h in HEADINGS]
    assert "<caption id=\"caption-1\">" in html_text and 'scope="col"' in html_text and 'scope="row"' in html_text


def test_text_is_escaped_in_html(fixture_db, viewers):
    head = viewers["head"]
    save_text(fixture_db, head, SCHOOL, YEAR, "pupils", "<script>alert(1)</script> & <b>bold</b>", expected_version=None)
    html_text = html_bytes(build_report(fixture_db, Scope(head, TODAY), SCHOOL, YEAR, TODAY, "Oak <Lane>", "secondary")).decode()
    assert "<script>" not in html_text and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in html_text
    assert "Oak &lt;Lane&gt;" in html_text


# --------------------------------------------------------------------------- figures


def test_report_figures_are_the_governors_packs_and_worked_by_hand(fixture_db, viewers):
    """The fixture at its spring census (15 January 2026): 20 on roll, 4 on SEN support and 2 with an EHC plan,
    both fewer than 5 and so hidden, as the governors' pack hides them."""
    head = viewers["head"]
    report = build_report(fixture_db, Scope(head, TODAY), SCHOOL, YEAR, TODAY, "Oak Lane Academy", "secondary")
    pack = build_pack(fixture_db, Scope(head, TODAY), SCHOOL, YEAR, TODAY, "Oak Lane Academy", "secondary")
    for key in ("register", "need_mix", "reviews", "training", "impact"):
        assert report.facts[key] == pack.section(key).facts, key
    reg = report.facts["register"]
    assert reg["on_roll"] == 20 and reg["sen_support"] is None and reg["ehc_plans"] is None
    kinds = next(s for s in report.sections if s.heading.key == "kinds_of_need")
    assert kinds.lines == pack.section("register").headline + pack.section("need_mix").headline
    assert kinds.lines[0].startswith("20 pupils on roll on 15 January 2026")
    assert "<5 on SEN support" in " ".join(kinds.lines)


def test_accessibility_progress_worked_by_hand(fixture_db, viewers):
    """Three actions at 20 January 2026: one done, one due 1 March 2026 (on track), one due 1 December 2025 and
    not done (overdue)."""
    senco = viewers["senco"]
    save_action(fixture_db, Scope(senco, TODAY), SCHOOL, strand="environment", action="Ramp to the hall", target_date=date(2025, 11, 1),
                status="done", done_on=date(2025, 10, 30))
    save_action(fixture_db, Scope(senco, TODAY), SCHOOL, strand="curriculum", action="Large-print maths papers",
                target_date=date(2026, 3, 1), status="in progress")
    save_action(fixture_db, Scope(senco, TODAY), SCHOOL, strand="information", action="Audio newsletter", target_date=date(2025, 12, 1),
                status="not started")
    counts = progress_counts(actions_frame(fixture_db, Scope(senco, TODAY), SCHOOL, TODAY))
    assert (counts["Done"], counts["On track"], counts["Overdue"], counts["total"]) == (1, 1, 1, 3)
    report = build_report(fixture_db, Scope(viewers["governor"], TODAY), SCHOOL, YEAR, TODAY, "Oak Lane Academy", "secondary")
    access = next(s for s in report.sections if s.heading.key == "accessibility")
    assert access.lines[0].startswith("Our accessibility plan has 3 actions: 1 done, 1 on track and 1 past their target date")
    assert report.facts["accessibility"]["Overdue"] == 1


def test_no_pupil_identifier_in_any_output_on_the_fixture(fixture_db, viewers):
    head = viewers["head"]
    _write_all(fixture_db, head)
    outputs = _outputs(build_report(fixture_db, Scope(head, TODAY), SCHOOL, YEAR, TODAY, "Oak Lane Academy", "secondary"))
    people = fixture_db.cursor().execute("SELECT first_name, last_name, upn FROM pupils").fetchall()
    for name, text in outputs.items():
        low = html.unescape(text).lower()
        for first, last, upn in people:
            assert first.lower() not in low and last.lower() not in low and upn.lower() not in low, (name, first)


def test_no_pupil_identifier_in_any_output_on_the_demo(demo_path):
    from sendboard.app_db import open_database
    from sendboard.auth import viewer_for

    db = open_database(demo_path)
    cur = db.cursor()
    uid = cur.execute("SELECT user_id FROM users WHERE username = 'governor'").fetchone()[0]
    governor = viewer_for(db, uid)
    sid = governor.school_ids[0]
    name, phase = cur.execute("SELECT name, phase FROM schools WHERE school_id = $s", {"s": sid}).fetchone()
    report = build_report(db, Scope(governor, TODAY), sid, 2026, date(2026, 11, 23), name, phase)
    assert not report.missing  # the demo has written every heading
    # the annual-review rate under "assessing and reviewing progress" is the EHC plans page's own figure
    from sendboard.statutory import ehc

    head = viewer_for(db, cur.execute("SELECT user_id FROM users WHERE username = 'head'").fetchone()[0])
    page = ehc.review_compliance_by_year(db, Scope(head, TODAY), sid, date(2026, 11, 23)).set_index("academic_year_label")
    shown = [(label, v) for label, v in report.facts["reviews"]["years"] if v is not None]
    assert shown
    for label, value in shown:
        assert abs(value - page.at[label, "pct_on_time"]) < 0.05, label
    progress = next(s for s in report.sections if s.heading.key == "progress")
    label, value = shown[-1]
    assert progress.lines[0] == f"{value:.0f}% of annual reviews due in {label} were held on or before the due date."
    outputs = _outputs(report)
    people = cur.execute("SELECT lower(first_name || ' ' || last_name), lower(upn) FROM pupils").fetchall()
    for kind, text in outputs.items():
        low = _norm(html.unescape(text)).lower()
        found = [n for n, u in people if n in low or u in low]
        assert not found, (kind, found[:3])


# --------------------------------------------------------------------------- the school's words, versions, approval


def test_text_naming_a_pupil_or_too_long_is_refused_beside_the_field_and_nothing_is_written(fixture_db, viewers):
    head = viewers["head"]
    before = _count(fixture_db, "SELECT count(*) FROM sir_text")
    with pytest.raises(FieldError) as named:
        save_text(fixture_db, head, SCHOOL, YEAR, "wellbeing", "Pupil03 Fixture03 joined the nurture group.",
                  expected_version=None)
    assert named.value.field == "body" and "names a pupil" in str(named.value)
    upn = fixture_db.cursor().execute("SELECT upn FROM pupils WHERE pupil_id = 3").fetchone()[0]
    with pytest.raises(FieldError):
        save_text(fixture_db, head, SCHOOL, YEAR, "wellbeing", f"See {upn}.", expected_version=None)
    with pytest.raises(FieldError) as long:
        save_text(fixture_db, head, SCHOOL, YEAR, "wellbeing", "x" * 6001, expected_version=None)
    assert "6,000" in str(long.value)
    assert _count(fixture_db, "SELECT count(*) FROM sir_text") == before


def test_a_save_from_an_older_version_is_refused(fixture_db, viewers):
    head, senco = viewers["head"], viewers["senco"]
    rid = f"{SCHOOL}:{YEAR}:parents"
    opened = versions.current(fixture_db, "sen_report_text", rid)[0]
    save_text(fixture_db, senco, SCHOOL, YEAR, "parents", "The SENCO's words.", expected_version=opened)
    with pytest.raises(versions.StaleEdit) as stale:
        save_text(fixture_db, head, SCHOOL, YEAR, "parents", "The head's words.", expected_version=opened)
    assert stale.value.theirs == {"body": "The SENCO's words."}
    assert "section of the SEN Information Report" in str(stale.value)


def test_approval_by_a_governor_then_an_edit_marks_it_changed_and_all_is_audited(fixture_db, viewers):
    head, governor = viewers["head"], viewers["governor"]
    with pytest.raises(ApprovalRefused) as refused:
        approve(fixture_db, Scope(governor, TODAY), SCHOOL, YEAR)
    # 19, not 20: the SENCO heading falls back on the SENCO in the staff records
    assert "19 headings have no text" in str(refused.value) and "(SENCO)" not in str(refused.value)
    _write_all(fixture_db, head)
    with pytest.raises(AccessDenied):
        approve(fixture_db, Scope(head, TODAY), SCHOOL, YEAR)
    with pytest.raises(AccessDenied):
        save_text(fixture_db, governor, SCHOOL, YEAR, "senco", "x", expected_version=None)
    approval = approve(fixture_db, Scope(governor, TODAY), SCHOOL, YEAR)
    assert approval.approved_on == TODAY and approval.approved_by == "governor" and not approval.changed_since
    report = build_report(fixture_db, Scope(governor, TODAY), SCHOOL, YEAR, TODAY, "Oak Lane Academy", "secondary")
    assert report.status.startswith("Approved by the governing board")
    save_text(fixture_db, head, SCHOOL, YEAR, "complaints", "A new complaints procedure.", expected_version=None)
    assert get_approval(fixture_db, Scope(governor, TODAY), SCHOOL, YEAR).changed_since
    assert "Changed since the governing board approved it" in html_bytes(
        build_report(fixture_db, Scope(governor, TODAY), SCHOOL, YEAR, TODAY, "Oak Lane Academy", "secondary")).decode()
    actions = dict(fixture_db.cursor().execute(
        "SELECT action, count(*) FROM audit_log WHERE action IN ('sen_report_approved', 'sen_report_text_changed') "
        "GROUP BY 1").fetchall())
    assert actions == {"sen_report_approved": 1, "sen_report_text_changed": len(HEADINGS) + 1}


def test_a_new_year_starts_empty_and_can_start_from_last_years_words(fixture_db, viewers):
    head = viewers["head"]
    save_text(fixture_db, head, SCHOOL, 2024, "local_offer", "See the council's website.", expected_version=None)
    save_text(fixture_db, head, SCHOOL, YEAR, "pupils", "Already written this year.", expected_version=None)
    assert copy_from_year(fixture_db, Scope(head, TODAY), SCHOOL, YEAR, 2024) == 1
    report = build_report(fixture_db, Scope(head, TODAY), SCHOOL, YEAR, TODAY, "Oak", "secondary")
    text = {s.heading.key: s.text for s in report.sections}
    assert text["local_offer"] == "See the council's website." and text["pupils"] == "Already written this year."
    last = build_report(fixture_db, Scope(head, TODAY), SCHOOL, 2024, TODAY, "Oak", "secondary")
    assert {s.heading.key: s.text for s in last.sections}["pupils"] == ""  # last year's report is left as it was


# --------------------------------------------------------------------------- the policy calendar


def test_due_dates_and_statuses_worked_by_hand(fixture_db, viewers):
    """Today 20 January 2026; the spring term ends 14 April 2026."""
    head = viewers["head"]
    save_policy(fixture_db, Scope(head, TODAY), SCHOOL, policy="accessibility_plan", last_approved=date(2023, 3, 10))
    save_policy(fixture_db, Scope(head, TODAY), SCHOOL, policy="equality_objectives", last_approved=date(2021, 12, 1))
    save_policy(fixture_db, Scope(head, TODAY), SCHOOL, policy="sen_policy", last_approved=date(2025, 6, 30), cycle_months="12",
                owner="SENCO", url="https://oak.example.sch.uk/sen-policy")
    save_policy(fixture_db, Scope(head, TODAY), SCHOOL, policy="Supporting pupils with medical conditions", title="Supporting pupils "
                "with medical conditions", last_approved=date(2024, 1, 31), cycle_months="24")
    frame = calendar_frame(fixture_db, Scope(head, TODAY), SCHOOL, TODAY).set_index("policy_key")
    assert frame.at["accessibility_plan", "due"] == date(2026, 3, 10)          # 3 years (statutory)
    assert frame.at["accessibility_plan", "status"] == DUE_THIS_TERM
    assert frame.at["equality_objectives", "due"] == date(2025, 12, 1)         # 4 years (statutory)
    assert frame.at["equality_objectives", "status"] == OVERDUE
    assert frame.at["sen_policy", "due"] == date(2026, 6, 30) and frame.at["sen_policy", "status"] == CURRENT
    other = frame.loc["other:supportingpupilswithmedicalconditions"]
    assert other["due"] == date(2026, 1, 31) and other["status"] == DUE_THIS_TERM and other["cycle"] == "2 years (school-set)"
    assert frame.at["pupil_premium", "status"] == NOT_RECORDED
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    alerts = policy_alerts(fixture_db, Scope(viewers["governor"], TODAY), SCHOOL, TODAY)
    assert [a["title"] for a in alerts["overdue"]] == ["Equality objectives"]
    assert [a["title"] for a in alerts["due_this_term"]] == ["Supporting pupils with medical conditions", "Accessibility plan"]
    pack = build_pack(fixture_db, Scope(viewers["governor"], TODAY), SCHOOL, YEAR, TODAY, "Oak Lane Academy", "secondary")
    section = pack.section("policies")
    assert section.facts["overdue"] == ["Equality objectives"]
    assert section.tables[0].display["Policy or plan"].iloc[0] == "Equality objectives"  # overdue first
    assert _count(fixture_db, "SELECT count(*) FROM audit_log WHERE action = 'policy_changed'") == 4


@pytest.mark.parametrize("change, field", [
    ({"last_approved": date(2026, 2, 1)}, "last_approved"),
    ({"cycle_months": "48"}, "cycle_months"),        # longer than the statutory 3 years
    ({"cycle_months": "1.5"}, "cycle_months"),
    ({"url": "www.example.sch.uk/plan"}, "url"),
    ({"owner": "x" * 121}, "owner"),
])
def test_policy_form_refuses_a_bad_value_beside_its_field(fixture_db, viewers, change, field):
    values = {"policy": "accessibility_plan", "last_approved": date(2025, 1, 1), "cycle_months": None, "url": "",
              "owner": "Bursar"} | change
    with pytest.raises(FieldError) as exc:
        save_policy(fixture_db, Scope(viewers["head"], TODAY), SCHOOL, **values)
    assert exc.value.field == field
    assert _count(fixture_db, "SELECT count(*) FROM policies") == 0


@pytest.mark.parametrize("change, field", [
    ({"status": "done"}, "done_on"),
    ({"done_on": date(2026, 1, 5)}, "done_on"),
    ({"status": "done", "done_on": date(2026, 3, 1)}, "done_on"),
    ({"action": "  "}, "action"),
    ({"target_date": None}, "target_date"),
    ({"strand": "building"}, "strand"),
])
def test_action_form_refuses_a_bad_value_beside_its_field(fixture_db, viewers, change, field):
    values = {"strand": "environment", "action": "Ramp", "target_date": date(2026, 6, 1), "status": "in progress",
              "done_on": None} | change
    with pytest.raises(FieldError) as exc:
        save_action(fixture_db, Scope(viewers["senco"], TODAY), SCHOOL, **values)
    assert exc.value.field == field
    assert _count(fixture_db, "SELECT count(*) FROM accessibility_actions") == 0


def test_teachers_and_governors_cannot_change_the_calendar(fixture_db, viewers):
    with pytest.raises(AccessDenied):
        save_policy(fixture_db, Scope(viewers["governor"], TODAY), SCHOOL, policy="sen_policy", last_approved=None)
    with pytest.raises(AccessDenied):
        calendar_frame(fixture_db, Scope(viewers["teacher"], TODAY), SCHOOL, TODAY)


# --------------------------------------------------------------------------- imports


def test_policies_import_all_or_nothing_with_located_problems_then_undo(fixture_db):
    bad = (b"Policy,Owner,Last Approved,Review Cycle (Months),Link\n"
           b"Accessibility plan,Bursar,10/03/2025,,https://oak.example.sch.uk/a\n"
           b"Equality objectives,Head,31/02/2025,60,\n"
           b"SEN policy,SENCO,01/09/2025,12,oak.example.sch.uk\n")
    batch = load(fixture_db, [SourceFile("policies.csv", bad)], school_id=SCHOOL)
    found = {(p.file, p.where, p.field, p.found) for p in batch.problems}
    assert found == {("policies.csv", "row 3", "Last Approved", "31/02/2025"),
                     ("policies.csv", "row 3", "Review Cycle (Months)", "60"),
                     ("policies.csv", "row 4", "Link", "oak.example.sch.uk")}
    assert _count(fixture_db, "SELECT count(*) FROM policies") == 0
    good = (b"Policy,Owner,Last Approved,Review Cycle (Months),Link\n"
            b"accessibility plan,Bursar,10/03/2025,,https://oak.example.sch.uk/a\n"
            b"Supporting pupils with medical conditions,Head,01/02/2025,24,\n")
    batch = load(fixture_db, [SourceFile("policies.csv", good)], school_id=SCHOOL)
    assert batch.ok and batch.files[0].kind == "policies"
    assert commit(fixture_db, batch, "senco").added == 2
    rows = fixture_db.cursor().execute("SELECT policy_key, title, cycle_months FROM policies ORDER BY 1").fetchall()
    assert rows == [("accessibility_plan", "Accessibility plan", None),
                    ("other:supportingpupilswithmedicalconditions", "Supporting pupils with medical conditions", 24)]
    undo_last(fixture_db, "senco", SCHOOL)
    assert _count(fixture_db, "SELECT count(*) FROM policies") == 0


def test_accessibility_actions_import_all_or_nothing_then_update_and_undo(fixture_db, viewers):
    bad = (b"Strand,Action,Owner,Target Date,Status,Date Done\n"
           b"Physical environment,Ramp to the field,Site,31/03/2027,in progress,\n"
           b"curriculum,Braille books,SENCO,01/09/2025,done,\n"
           b"roof,Fix the lift,,2026-13-01,,\n")
    batch = load(fixture_db, [SourceFile("plan.csv", bad)], school_id=SCHOOL)
    found = {(p.where, p.field, p.found) for p in batch.problems}
    assert found == {("row 3", "Date Done", ""), ("row 4", "Strand", "roof"), ("row 4", "Target Date", "2026-13-01")}
    assert _count(fixture_db, "SELECT count(*) FROM accessibility_actions") == 0
    good = (b"Strand,Action,Owner,Target Date,Status,Date Done\n"
            b"Physical environment,Ramp to the field,Site,31/03/2027,in progress,\n"
            b"curriculum,Braille books,SENCO,01/09/2025,completed,05/09/2025\n")
    assert commit(fixture_db, load(fixture_db, [SourceFile("plan.csv", good)], school_id=SCHOOL), "senco").added == 2
    again = good.replace(b"in progress,", b"done,10/01/2026")
    outcome = commit(fixture_db, load(fixture_db, [SourceFile("plan.csv", again)], school_id=SCHOOL), "senco")
    assert (outcome.added, outcome.changed) == (0, 1)
    counts = progress_counts(actions_frame(fixture_db, Scope(viewers["senco"], TODAY), SCHOOL, TODAY))
    assert (counts["Done"], counts["total"]) == (2, 2)
    undo_last(fixture_db, "senco", SCHOOL)
    counts = progress_counts(actions_frame(fixture_db, Scope(viewers["senco"], TODAY), SCHOOL, TODAY))
    assert (counts["Done"], counts["On track"]) == (1, 1)


# --------------------------------------------------------------------------- the page (AppTest)


def _submit(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_page_policy_form_refuses_a_bad_link_beside_it_and_keeps_the_typing(fixture_db):
    from tests.apptest_helpers import all_text, signed_in

    at = signed_in("senco", page="pages/sen_report.py", timeout=60)
    assert not at.exception
    assert "Headings written" in all_text(at)
    at.selectbox(key="policy-choice").select("Accessibility plan").run()
    at.text_input(key="policy-owner-accessibility_plan").input("Business manager")
    at.text_input(key="policy-url-accessibility_plan").input("www.oak.sch.uk/plan")
    _submit(at, "Save policy").click().run()
    assert not at.exception
    errors = [e.value.replace("\\", "").replace("\u200b", "") for e in at.error]
    assert any("A web address beginning https://" in e and "www.oak.sch.uk/plan" in e for e in errors), errors
    assert at.text_input(key="policy-owner-accessibility_plan").value == "Business manager"
    assert at.text_input(key="policy-url-accessibility_plan").value == "www.oak.sch.uk/plan"
    assert _count(fixture_db, "SELECT count(*) FROM policies") == 0
    at.text_input(key="policy-url-accessibility_plan").input("https://oak.sch.uk/plan")
    _submit(at, "Save policy").click().run()
    assert not at.exception and not at.error
    assert fixture_db.cursor().execute("SELECT owner, url FROM policies").fetchall() == [("Business manager",
                                                                                         "https://oak.sch.uk/plan")]


def test_page_for_governors_reads_and_approves_but_never_edits(fixture_db, viewers):
    from tests.apptest_helpers import all_text, signed_in

    _write_all(fixture_db, viewers["head"])
    at = signed_in("governor", page="pages/sen_report.py", timeout=60)
    assert not at.exception
    assert not at.text_area  # no form for the school's words
    text = all_text(at)
    assert "Not yet approved by the governing board" in text and "We do this for every pupil." in text
    at.checkbox(key="sir-approve-agreed").check()
    _submit(at, "Record the board's approval").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Approved by the governing board (Governor, 20 January 2026)" in all_text(at).replace("\\", "")  # md-escaped


def test_policy_and_action_saves_from_an_older_version_are_refused(fixture_db, viewers):
    head, senco = viewers["head"], viewers["senco"]
    opened = versions.current(fixture_db, "policy", f"{SCHOOL}:sen_policy")[0]
    save_policy(fixture_db, Scope(senco, TODAY), SCHOOL, policy="sen_policy", owner="SENCO", last_approved=date(2025, 9, 1),
                expected_version=opened)
    with pytest.raises(versions.StaleEdit) as stale:
        save_policy(fixture_db, Scope(head, TODAY), SCHOOL, policy="sen_policy", owner="Head", last_approved=date(2025, 9, 2), expected_version=opened)
    assert stale.value.theirs["owner"] == "SENCO"
    action = save_action(fixture_db, Scope(senco, TODAY), SCHOOL, strand="information", action="Large print", target_date=date(2026, 5, 1),
                         status="not started")
    opened = versions.current(fixture_db, "accessibility_action", action)[0]
    save_action(fixture_db, Scope(senco, TODAY), SCHOOL, action_id=action, strand="information", action="Large print",
                target_date=date(2026, 5, 1), status="in progress", expected_version=opened)
    with pytest.raises(versions.StaleEdit):
        save_action(fixture_db, Scope(head, TODAY), SCHOOL, action_id=action, strand="information", action="Large print",
                    target_date=date(2026, 6, 1), status="not started", expected_version=opened)
    assert fixture_db.cursor().execute("SELECT owner FROM policies").fetchall() == [("SENCO",)]
    assert fixture_db.cursor().execute("SELECT status FROM accessibility_actions").fetchall() == [("in progress",)]


def test_home_pages_of_head_and_governors_list_overdue_and_due_policies(fixture_db, viewers):
    from tests.apptest_helpers import all_text, signed_in

    save_policy(fixture_db, Scope(viewers["head"], TODAY), SCHOOL, policy="equality_objectives", last_approved=date(2021, 12, 1))
    save_policy(fixture_db, Scope(viewers["head"], TODAY), SCHOOL, policy="accessibility_plan", last_approved=date(2023, 3, 10))
    for role in ("governor", "head"):
        text = all_text(signed_in(role, timeout=60)).replace("\\", "")
        assert "Overdue: Equality objectives (was due 1 December 2025)" in text, role
        assert "Due this term: Accessibility plan (due 10 March 2026)" in text, role
    assert "Policies for the governing board" not in all_text(signed_in("senco", timeout=60))
