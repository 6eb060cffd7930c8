"""EHC plans, needs-assessment requests, annual reviews, Preparing for Adulthood and careers guidance:
the forms' write functions, the import kinds, compliance that counts what fell due, and the counts every
page shows, on the fixture school with every figure worked out by hand.

Rows added by add_ehc_rows (tests/test_statutory_ehc.py), as at 2026-01-20:
  plan 501 pupil 4 issued 2024-03-01, review held 2025-02-10 (due 2025-03-01): on time, due in 2024/25;
      next due 2026-02-10 (not yet due).
  plan 502 pupil 12 issued 2023-11-01, reviews held 2024-10-20 (due 2024-11-01, on time, 2024/25) and
      2025-11-25 (due 2025-10-20, late, 2025/26); next due 2026-11-25.
  plan 503 pupil 3 issued 2024-12-15, never reviewed: due 2025-12-15, overdue and not held (2025/26).
So 2024/25: 2 due, 2 on time = 100%; 2025/26: 2 due (1 late, 1 overdue), 0 on time = 0%.
The old figure left the overdue review out (0 of 1); the denominator is now every review that fell due.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from sendboard import clock
from sendboard.access import AccessDenied
from sendboard.importers import SourceFile, commit, load, undo_last
from sendboard.scope import Scope
from sendboard.statutory import ehc, records
from sendboard.statutory.records import FieldError
from sendboard.transfer import checksums, erase_pupil, pupil_frames
from tests.test_import_bad_files import upn
from tests.test_statutory_ehc import add_ehc_rows

AS_AT = date(2026, 1, 20)


def count(db, sql, **params):
    return db.cursor().execute(sql, params).fetchone()[0]


def run_import(db, files, actor="senco"):
    batch = load(db, [SourceFile(n, d) for n, d in files])
    assert batch.ok, [str(p) for p in batch.problems]
    return commit(db, batch, actor)


# --------------------------------------------------------------------------- compliance


def test_compliance_counts_overdue_reviews_in_the_denominator(fixture_db, viewers):
    add_ehc_rows(fixture_db)
    for who in ("senco", "head", "governor"):
        frame = ehc.review_compliance_by_year(fixture_db, Scope(viewers[who], clock.today()), 1, AS_AT).set_index("academic_year")
        assert frame.loc[2024, ["reviews_due", "held_on_time", "held_late", "overdue"]].tolist() == [2, 2, 0, 0]
        assert frame.loc[2024, "pct_on_time"] == pytest.approx(100.0)
        assert frame.loc[2025, ["reviews_due", "held_on_time", "held_late", "overdue"]].tolist() == [2, 0, 1, 1]
        assert frame.loc[2025, "pct_on_time"] == pytest.approx(0.0)
    with pytest.raises(AccessDenied):
        ehc.review_compliance_by_year(fixture_db, Scope(viewers["teacher"], clock.today()), 1, AS_AT)


def test_a_review_held_early_next_year_and_one_overdue_on_a_second_plan(fixture_db, viewers):
    """Pupil 4's review (due 2026-02-10) held early on 2026-01-12: on time, 2025/26. A fourth plan for
    pupil 11 issued 2024-06-01 with no review: due 2025-06-01 (2024/25), overdue.
    2024/25: due 3 = 2 on time + 1 overdue -> 66.7%; 2025/26: due 3 = 1 on time + 1 late + 1 overdue -> 33.3%."""
    add_ehc_rows(fixture_db)
    fixture_db.cursor().execute(
        "INSERT INTO ehc_plans (ehcp_id, pupil_id, local_authority, issued_on) VALUES (504, 11, 'Leeds', DATE '2024-06-01');"
        "INSERT INTO ehc_reviews (ehcp_id, due_on, held_on) VALUES (501, DATE '2026-02-10', DATE '2026-01-12')")
    frame = ehc.review_compliance_by_year(fixture_db, Scope(viewers["governor"], clock.today()), 1, AS_AT).set_index("academic_year")
    assert frame.loc[2024, ["reviews_due", "held_on_time", "overdue"]].tolist() == [3, 2, 1]
    assert frame.loc[2024, "pct_on_time"] == pytest.approx(66.7)
    assert frame.loc[2025, ["reviews_due", "held_on_time", "held_late", "overdue"]].tolist() == [3, 1, 1, 1]
    assert frame.loc[2025, "pct_on_time"] == pytest.approx(33.3)
    assert ehc.compliance_now(fixture_db, Scope(viewers["governor"], clock.today()), 1, AS_AT)["overdue_now"] == 2
    # Looking back to 2025-05-01: pupil 11's review (due 2025-06-01) was not yet due; pupil 3's (due
    # 2025-12-15) neither, and pupil 12's second review had not been held: nothing overdue then.
    assert ehc.compliance_now(fixture_db, Scope(viewers["governor"], clock.today()), 1, date(2025, 5, 1))["overdue_now"] == 0


def test_hours_short_counts_plans_whose_interventions_give_fewer_hours(fixture_db, viewers):
    """Plans: 501 (pupil 4) 10 h a week; 502 (pupil 12) 2 h; 503 (pupil 3) no hours recorded.
    Pupil 4 is in an intervention of 3 sessions x 60 min = 3 h (short by 7 h); pupil 12 in 2 x 60 = 2 h
    (matches). So 1 of the 2 plans that set out hours is short."""
    add_ehc_rows(fixture_db)
    cur = fixture_db.cursor()
    cur.execute("UPDATE ehc_plans SET hours_per_week = 10 WHERE ehcp_id = 501;"
                "UPDATE ehc_plans SET hours_per_week = 2 WHERE ehcp_id = 502;"
                "INSERT INTO interventions (intervention_id, school_id, name, areas, wave, delivered_by, group_size, "
                "sessions_per_week, minutes_per_session, planned_weeks, measure, measure_scale) VALUES "
                "(801, 1, 'Three a week', 'CL', 'targeted', 'teaching_assistant', 1, 3, 60, 20, 'x', 'x'),"
                "(802, 1, 'Two a week', 'CL', 'targeted', 'teaching_assistant', 1, 2, 60, 20, 'x', 'x');"
                "INSERT INTO allocations (pupil_id, intervention_id, start_date) VALUES "
                "(4, 801, DATE '2025-09-08'), (12, 802, DATE '2025-09-08')")
    now = ehc.compliance_now(fixture_db, Scope(viewers["governor"], clock.today()), 1, AS_AT)
    assert (now["plans"], now["plans_with_hours"], now["hours_short"], now["overdue_now"]) == (3, 2, 1, 1)
    assert "1 of 2 EHC plans" in ehc.compliance_sentence(now)
    assert "1 annual review is overdue" in ehc.compliance_sentence(now)


# --------------------------------------------------------------------------- the forms' write functions


def test_recording_a_plan_makes_its_outcomes_long_term_targets_with_steps(fixture_db, viewers):
    senco = viewers["senco"]
    ehcp_id = records.record_plan(fixture_db, Scope(senco, AS_AT), 2, school_id=1, local_authority="Leeds", issued_on=date(2025, 12, 1),
                                  hours_per_week="12.5", outcomes=[("CL", "Reads a Year 6 text aloud"), (None, "  "),
                                                                   ("SEMH", "Asks an adult for help when stuck")])
    assert count(fixture_db, "SELECT count(*) FROM ehc_outcomes WHERE ehcp_id = $e", e=ehcp_id) == 2
    assert count(fixture_db, "SELECT hours_per_week FROM ehc_plans WHERE ehcp_id = $e", e=ehcp_id) == 12.5
    outcomes = records.outcomes_with_steps(fixture_db, Scope(senco, AS_AT), 2, AS_AT)
    assert outcomes["step"].isna().all()  # not yet broken into steps
    first = int(outcomes.iloc[0]["ehc_outcome_id"])
    target_id = records.add_step(fixture_db, Scope(senco, AS_AT), first, "Reads 20 high-frequency words", school_id=1,
                                 set_on=AS_AT)
    # No support plan was open for pupil 2: one is opened, reviewed one term later (spring starts
    # 2026-01-01, the step was set 19 days in, so summer start 2026-04-15 + 19 days = 2026-05-04).
    plan = fixture_db.cursor().execute("SELECT sp.review_due, s.ehc_outcome_id FROM plan_targets t JOIN support_plans sp "
                                       "USING (plan_id) JOIN ehc_outcome_steps s USING (target_id) WHERE t.target_id = $t",
                                       {"t": target_id}).fetchone()
    assert plan == (date(2026, 5, 4), first)
    steps = records.outcomes_with_steps(fixture_db, Scope(senco, AS_AT), 2, AS_AT)
    assert steps.loc[steps["ehc_outcome_id"] == first, "step"].tolist() == ["Reads 20 high-frequency words"]
    actions = [r[0] for r in fixture_db.cursor().execute(
        "SELECT action FROM audit_log WHERE pupil_id = 2 ORDER BY audit_id").fetchall()]
    assert actions[-2:] == ["ehc_plan_added", "target_added"]


@pytest.mark.parametrize("change, field", [
    ({"local_authority": " "}, "local_authority"),
    ({"issued_on": date(2026, 2, 1)}, "issued_on"),            # in the future
    ({"issued_on": date(2010, 1, 1)}, "issued_on"),            # before the pupil was born
    ({"hours_per_week": "lots"}, "hours_per_week"),
    ({"hours_per_week": "45"}, "hours_per_week"),
    ({"outcomes": [("CL", "")]}, "outcomes"),
])
def test_a_bad_plan_is_refused_beside_its_field_and_nothing_is_written(fixture_db, viewers, change, field):
    values = {"local_authority": "Leeds", "issued_on": date(2025, 12, 1), "hours_per_week": "10",
              "outcomes": [("CL", "Reads aloud")]} | change
    before = checksums(fixture_db)
    with pytest.raises(FieldError) as err:
        records.record_plan(fixture_db, Scope(viewers["senco"], AS_AT), 2, school_id=1, **values)
    assert err.value.field == field and str(err.value)
    assert checksums(fixture_db) == before


def test_only_the_senco_and_head_record_and_only_their_school_pupils(fixture_db, viewers):
    for who in ("teacher", "governor", "admin"):
        with pytest.raises(AccessDenied):
            records.record_request(fixture_db, Scope(viewers[who], AS_AT), 1, school_id=1, local_authority="Leeds",
                                   requested_on=date(2025, 12, 1), requested_by="school")
    with pytest.raises(AccessDenied):  # pupil 21 is in the other school
        records.record_request(fixture_db, Scope(viewers["head"], AS_AT), 21, school_id=1, local_authority="Leeds",
                               requested_on=date(2025, 12, 1), requested_by="school")
    assert count(fixture_db, "SELECT count(*) FROM audit_log WHERE action = 'access_refused' AND pupil_id = 21") == 1


def test_a_request_and_its_steps(fixture_db, viewers):
    head = viewers["head"]
    request_id = records.record_request(fixture_db, Scope(head, AS_AT), 1, school_id=1, local_authority="Leeds",
                                        requested_on=date(2025, 11, 1), requested_by="parent")
    with pytest.raises(FieldError) as err:  # a final plan with no decision to assess
        records.update_request(fixture_db, Scope(head, AS_AT), request_id, school_id=1, final_plan_on=date(2026, 1, 5))
    assert err.value.field == "final_plan_on"
    with pytest.raises(FieldError) as err:  # decided before it was asked
        records.update_request(fixture_db, Scope(head, AS_AT), request_id, school_id=1, decision_on=date(2025, 10, 1),
                               decision="agreed")
    assert err.value.field == "decision_on"
    # Decided on 2025-12-20: the 6-week date was 2025-12-13, so late by 7 days.
    records.update_request(fixture_db, Scope(head, AS_AT), request_id, school_id=1, decision_on=date(2025, 12, 20),
                           decision="agreed")
    req = ehc.request_deadlines(fixture_db, Scope(viewers["senco"], AS_AT), 1, AS_AT).set_index("request_id")
    assert req.loc[request_id, "stage"] == "Assessing: awaiting final plan"
    assert req.loc[request_id, "final_plan_due"] == date(2026, 3, 21)
    assert "Decision made late" in req.loc[request_id, "flags"]
    assert req.loc[request_id, "decision_step"] == "⚠ Done late (20 Dec 2025, 7 days after the due date)"
    assert req.loc[request_id, "final_step"] == "◔ Due by 21 Mar 2026"
    assert req.loc[request_id, "requested_by"] == "A parent"
    assert count(fixture_db, "SELECT requested_by FROM ehc_requests WHERE request_id = $r", r=request_id) == "parent"


def test_recording_an_annual_review_completes_it_and_the_overdue_count_falls(fixture_db, viewers):
    """Pupil 3's plan 503 (issued 2024-12-15) was due 2025-12-15; held 2026-01-08 it is late, the school's
    report (due 2026-01-22) went 2026-01-14, on time, and the LA decision (due 2026-02-05) is due."""
    add_ehc_rows(fixture_db)
    senco = viewers["senco"]
    assert ehc.compliance_now(fixture_db, Scope(senco, clock.today()), 1, AS_AT)["overdue_now"] == 1
    review_id = records.record_annual_review(fixture_db, Scope(senco, AS_AT), 503, school_id=1, held_on=date(2026, 1, 8),
                                             report_sent_on=date(2026, 1, 14))
    assert fixture_db.cursor().execute("SELECT due_on FROM ehc_reviews WHERE ehc_review_id = $r",
                                       {"r": review_id}).fetchone() == (date(2025, 12, 15),)
    assert ehc.compliance_now(fixture_db, Scope(senco, clock.today()), 1, AS_AT)["overdue_now"] == 0
    frame = ehc.review_compliance_by_year(fixture_db, Scope(senco, clock.today()), 1, AS_AT).set_index("academic_year")
    assert frame.loc[2025, ["reviews_due", "held_on_time", "held_late", "overdue"]].tolist() == [2, 0, 2, 0]
    steps = records.review_steps(fixture_db, Scope(senco, AS_AT), 1, AS_AT).set_index("ehc_review_id")
    assert steps.loc[review_id, "meeting"].startswith("⚠ Done late")
    assert steps.loc[review_id, "report"] == "✓ Done on time (14 Jan 2026)"
    assert steps.loc[review_id, "decision"] == "◔ Due by 5 Feb 2026"
    with pytest.raises(FieldError) as err:
        records.record_annual_review(fixture_db, Scope(senco, AS_AT), 503, school_id=1, held_on=date(2026, 1, 8))
    assert err.value.field == "held_on"
    with pytest.raises(FieldError) as err:  # a decision with no decision date
        records.update_annual_review(fixture_db, Scope(senco, AS_AT), review_id, school_id=1, la_decision="amend")
    assert err.value.field == "la_decision_on"
    records.update_annual_review(fixture_db, Scope(senco, AS_AT), review_id, school_id=1, report_sent_on=date(2026, 1, 14),
                                 la_decision_on=date(2026, 1, 19), la_decision="amend")
    steps = records.review_steps(fixture_db, Scope(senco, AS_AT), 1, AS_AT).set_index("ehc_review_id")
    assert steps.loc[review_id, "decision"] == "✓ Done on time (19 Jan 2026): amend"


def _year_nine(db):
    """Pupil 12 (EHC plan) and pupil 11 (SEN support) in Year 9 this year; pupil 13 (no SEN) too."""
    db.cursor().execute("UPDATE enrolments SET year_group = 9 WHERE academic_year = 2025 AND pupil_id IN (11, 12, 13)")


def test_preparing_for_adulthood_for_every_pupil_with_send_from_year_nine(fixture_db, viewers):
    _year_nine(fixture_db)
    senco = viewers["senco"]
    records.record_pfa(fixture_db, Scope(senco, AS_AT), 11, school_id=1, recorded_on=date(2026, 1, 10),
                       outcomes={"employment": "Work experience in a garage", "health": "", "community": "Joins a club"})
    records.record_careers_guidance(fixture_db, Scope(senco, AS_AT), 11, school_id=1, given_on=date(2026, 1, 12),
                                    given_by="Careers adviser")
    with pytest.raises(FieldError) as err:
        records.record_pfa(fixture_db, Scope(senco, AS_AT), 12, school_id=1, recorded_on=AS_AT, outcomes={"employment": " "})
    assert err.value.field == "employment"
    with pytest.raises(FieldError) as err:
        records.record_careers_guidance(fixture_db, Scope(senco, AS_AT), 12, school_id=1, given_on=AS_AT, given_by="")
    assert err.value.field == "given_by"
    frame = records.pfa_pupils(fixture_db, Scope(senco, AS_AT), 1, AS_AT).set_index("pupil_id")
    assert sorted(frame.index) == [11, 12]  # pupil 13 has no SEN; Year 7 and 8 pupils are not yet due
    assert frame.loc[11, "employment"] == "Work experience in a garage"
    assert frame.loc[11, "missing"] == "Independent living, Health"
    assert frame.loc[11, "careers"] == "✓ Given (12 Jan 2026)"
    assert frame.loc[12, "missing"] == "Employment, Independent living, Health, Community participation"
    # Pupil 12 was born 2013-01-10, so is 13 at 2026-01-20 with no guidance recorded; pupil 11 (born
    # 2013-12-10) is 12 and has had guidance.
    assert frame.loc[12, "age"] == 13 and frame.loc[12, "careers"] == "⚠ None recorded (aged 13)"
    assert frame.loc[11, "age"] == 12


# --------------------------------------------------------------------------- import kinds


def _ehc_files():
    u3, u11, u12 = upn(3), upn(11), upn(12)
    return [
        ("plans.csv", ("UPN,Local Authority,Date Issued,Hours per Week,Outcome,Outcome Area,Short Term Step\n"
                       f"{u3},Leeds,15/12/2024,15,Reads a Year 5 text,CL,Reads ten key words a week\n"
                       f"{u3},Leeds,15/12/2024,15,Stays calm when plans change,SEMH,\n").encode()),
        ("requests.csv", ("UPN,Local Authority,Request Date,Requested By,Decision Date,Decision,Final Plan Date\n"
                          f"{u11},Leeds,01/09/2025,parent,20/10/2025,agreed,\n").encode()),
        # The first review of the plan in the same import: due 12 months after issue (2025-12-15), held late.
        ("reviews.csv", ("UPN,Meeting Date,Report Sent,LA Decision Date,LA Decision\n"
                         f"{u3},08/01/2026,14/01/2026,,\n").encode()),
        ("pfa.csv", ("UPN,Date Agreed,Employment,Independent Living,Health,Community Participation\n"
                     f"{u12},10/01/2026,Work experience,Cooks a simple meal,,\n").encode()),
        ("careers.csv", f"UPN,Guidance Date,Given By\n{u12},12/01/2026,Careers adviser\n".encode()),
    ]


def test_every_ehc_kind_in_one_import_then_undo_restores_exactly(fixture_db, viewers):
    _year_nine(fixture_db)
    before = checksums(fixture_db)
    batch = load(fixture_db, [SourceFile(n, d) for n, d in _ehc_files()])
    assert batch.ok, [str(p) for p in batch.problems]
    assert [f.kind for f in batch.files] == ["ehc_plans", "ehc_requests", "ehc_reviews", "pfa", "careers"]
    out = commit(fixture_db, batch, viewers["senco"])
    # plan, outcomes, a support plan for the step, the step, its link, request, review, PfA areas, guidance
    assert out.added == 1 + 2 + 1 + 1 + 1 + 1 + 1 + 2 + 1
    # The step is a target on a support plan opened today (2026-01-20, 19 days into spring), reviewed one
    # term later (2026-05-04), linked to its outcome: pupil 3 now has a target on the passport and class card.
    assert records.outcomes_with_steps(fixture_db, Scope(viewers["senco"], AS_AT), 3, AS_AT)["step"].dropna().tolist() == \
        ["Reads ten key words a week"]
    assert fixture_db.cursor().execute("SELECT start_date, review_due FROM support_plans WHERE pupil_id = 3").fetchall() == \
        [(date(2026, 1, 20), date(2026, 5, 4))]
    row = fixture_db.cursor().execute("SELECT due_on, held_on, report_sent_on FROM ehc_reviews").fetchone()
    assert row == (date(2025, 12, 15), date(2026, 1, 8), date(2026, 1, 14))
    assert count(fixture_db, "SELECT requested_by FROM ehc_requests") == "parent"
    assert ehc.compliance_now(fixture_db, Scope(viewers["governor"], clock.today()), 1, AS_AT)["overdue_now"] == 0
    undo_last(fixture_db, "senco")
    after = checksums(fixture_db)
    changed = {t for t in before if before[t] != after[t]}
    assert changed <= {"audit_log", "audit_links", "audit_chain", "audit_pupils_seen", "imports", "import_files", "data_version"}, changed
    # Imported again, twice: the second time changes nothing.
    assert run_import(fixture_db, _ehc_files()).added == 11
    again = run_import(fixture_db, _ehc_files())
    assert again.added == 0 and again.changed == 0


@pytest.mark.parametrize("name, data, where, column, expected", [
    ("plans.csv", "UPN,Local Authority,Date Issued,Hours per Week\n{u3},Leeds,31/02/2025,10\n",
     "row 2", "Date Issued", "real date"),
    ("plans.csv", "UPN,Local Authority,Date Issued,Hours per Week\n{u3},Leeds,01/02/2025,80\n",
     "row 2", "Hours per Week", "from 0 to 40"),
    ("plans.csv", "UPN,Local Authority,Date Issued,Hours per Week,Outcome\n{u3},Leeds,01/02/2025,10,A\n{u3},Leeds,01/02/2025,12,B\n",
     "row 2", "Hours per Week", "same value on every row"),
    ("requests.csv", "UPN,Local Authority,Request Date,Decision Date,Decision\n{u3},Leeds,01/09/2025,01/08/2025,agreed\n",
     "row 2", "Decision Date", "on or after the request date"),
    ("requests.csv", "UPN,Local Authority,Request Date,Decision,Final Plan Date\n{u3},Leeds,01/09/2025,maybe,\n",
     "row 2", "Decision", "agreed or refused"),
    ("reviews.csv", "UPN,Meeting Date,LA Decision Date,LA Decision\n{u3},08/01/2026,20/01/2026,keep\n",
     "row 2", "LA Decision", "maintain, amend or cease"),
    ("reviews.csv", "UPN,Meeting Date\n{u2},08/01/2026\n",
     "row 2", "Meeting Date", "EHC plan open on that date"),
    ("pfa.csv", "UPN,Date Agreed,Employment\n{u2},10/01/2026,Work experience\n",
     "row 2", "UPN", "Year 9 or above"),
    ("careers.csv", "UPN,Guidance Date,Given By\n{u3},12/01/2027,Adviser\n",
     "row 2", "Guidance Date", "no later than tomorrow"),
])
def test_bad_ehc_files_are_refused_with_located_messages_and_nothing_written(fixture_db, name, data, where, column,
                                                                              expected):
    add_ehc_rows(fixture_db)
    fixture_db.cursor().execute("DELETE FROM ehc_plans WHERE pupil_id = 3")  # pupil 3 has no plan here
    before = checksums(fixture_db)
    batch = load(fixture_db, [SourceFile(name, data.format(u2=upn(2), u3=upn(3)).encode())])
    problems = [(p.file, p.where, p.field, p.expected) for p in batch.problems]
    assert any(f == name and w == where and c == column and expected in e for f, w, c, e in problems), problems
    assert checksums(fixture_db) == before


# --------------------------------------------------------------------------- subject access and erasure


def test_subject_access_and_erasure_cover_the_new_records(fixture_db, viewers):
    _year_nine(fixture_db)
    run_import(fixture_db, _ehc_files())
    frames = pupil_frames(fixture_db, 3)
    assert len(frames["ehc_outcomes"]) == 2 and len(frames["ehc_reviews"]) == 1
    frames12 = pupil_frames(fixture_db, 12)
    assert len(frames12["pfa_records"]) == 2 and len(frames12["careers_guidance"]) == 1
    erase_pupil(fixture_db, "admin", 3)
    erase_pupil(fixture_db, "admin", 12)
    for table in ("ehc_outcomes", "ehc_plans", "ehc_reviews", "pfa_records", "careers_guidance"):
        assert count(fixture_db, f"SELECT count(*) FROM {table}") == 0, table


# --------------------------------------------------------------------------- assess, plan, do, review


def test_recording_a_review_completes_it_and_the_overdue_count_falls_at_once(fixture_db, viewers):
    """Pupil 3's support plan was due for review on 2026-01-10 (overdue at 2026-01-20). A review recorded
    on 2026-01-20 moves it to one term later: spring began 2026-01-01, so 19 days into summer (from
    2026-04-15) = 2026-05-04. A date the SENCO gives instead is kept."""
    from sendboard.classroom import reviews
    from sendboard.leaders import graduated
    from tests.classroom_helpers import add_classroom_rows

    add_classroom_rows(fixture_db)
    head = viewers["head"]
    before = graduated.graduated(fixture_db, Scope(head, AS_AT), 1, AS_AT)["overdue"]
    assert before["pupil_id"].tolist() == [3]
    reviews.record_review(fixture_db, Scope(viewers["senco"], AS_AT), 3, 9001, "emerging", "Used the card twice", AS_AT)
    due = fixture_db.cursor().execute("SELECT review_due FROM support_plans WHERE plan_id = 8001").fetchone()[0]
    assert due == date(2026, 5, 4)
    assert graduated.graduated(fixture_db, Scope(head, AS_AT), 1, AS_AT)["overdue"].empty
    reviews.record_review(fixture_db, Scope(viewers["senco"], AS_AT), 3, 9001, "achieved", "Uses it unprompted", AS_AT,
                          next_review_due=date(2026, 3, 2))
    due = fixture_db.cursor().execute("SELECT review_due FROM support_plans WHERE plan_id = 8001").fetchone()[0]
    assert due == date(2026, 3, 2)
    changes = fixture_db.cursor().execute("SELECT old_value, new_value FROM classroom_history WHERE object_id = 8001 "
                                          "AND field = 'review_due' ORDER BY changed_at").fetchall()
    assert changes == [("2026-01-10", "2026-05-04"), ("2026-05-04", "2026-03-02")]


def test_a_held_ehc_annual_review_counts_as_a_review_on_the_graduated_approach_page(fixture_db, viewers):
    """Pupil 4 (EHC plan) has no support-plan review; the annual review held 2025-02-10 is 344 days before
    2026-01-20, band '6 to 12 months'. Pupil 12's latest annual review, 2025-11-25, is 56 days before:
    '6 to 13 weeks'. Voices count support-plan reviews only (none here)."""
    from sendboard.leaders import graduated

    add_ehc_rows(fixture_db)
    data = graduated.graduated(fixture_db, Scope(viewers["head"], AS_AT), 1, AS_AT)
    days = data["days"].set_index("pupil_id")
    assert days.loc[4, "Last review"] == date(2025, 2, 10) and days.loc[4, "Days since"] == 344
    assert days.loc[4, "band"] == "6 to 12 months"
    assert days.loc[12, "Days since"] == 56 and days.loc[12, "band"] == "6 to 13 weeks"
    assert days.loc[1, "band"] == graduated.NEVER
    assert data["voice"]["reviews"] == 0
    # The pupil's review history on the passport lists the annual review meetings too.
    from sendboard.classroom import reviews

    history = reviews.reviews(fixture_db, Scope(viewers["senco"], AS_AT), 12)
    assert [pd.Timestamp(d).date() for d in history["reviewed_on"]] == [date(2025, 11, 25), date(2024, 10, 20)]
    assert set(history["target"]) == {"EHC plan: annual review meeting"}


def test_the_governors_pack_says_how_many_reviews_are_overdue_now_and_plans_short_of_hours(fixture_db, viewers):
    """1 review overdue (pupil 3); plan 501 sets out 10 hours and gets none: 1 of 1 short. With a threshold of
    1 nothing is withheld; with 5 the small counts are shown as the pack's mark, never as the number."""
    from sendboard.governors import figures

    add_ehc_rows(fixture_db)
    fixture_db.cursor().execute("UPDATE ehc_plans SET hours_per_week = 10 WHERE ehcp_id = 501")
    section = figures.compliance_section(fixture_db, Scope(viewers["governor"], clock.today()), 1, AS_AT, 1)
    assert "Annual reviews overdue and not yet held on 20 January 2026: 1." in section.headline
    assert any("fewer hours a week" in line and ": 1 of 1 plans" in line for line in section.headline)
    assert section.facts["overdue_now"] == 1 and section.facts["hours_short"] == 1
    hidden = figures.compliance_section(fixture_db, Scope(viewers["governor"], clock.today()), 1, AS_AT, 5)
    assert hidden.facts["overdue_now"] is None
    assert not any(": 1." in line for line in hidden.headline if "overdue" in line)


def test_the_trust_page_counts_last_years_overdue_reviews_too(fixture_db, viewers):
    """Last academic year (2024/25) at 2026-01-20: pupil 4's and pupil 12's reviews held on time, and a plan
    for pupil 11 issued 2024-06-01 never reviewed (due 2025-06-01): 2 on time of 3 due = 66.7%."""
    from sendboard import trust

    add_ehc_rows(fixture_db)
    fixture_db.cursor().execute("INSERT INTO ehc_plans (pupil_id, local_authority, issued_on) VALUES (11, 'Leeds', DATE '2024-06-01')")
    frame = trust.review_compliance_by_school(fixture_db, Scope(viewers["trust"], clock.today()), AS_AT).set_index("school")
    assert frame.loc["Oak Lane Academy", "ehc_reviews_last_year"] == 3
    assert frame.loc["Oak Lane Academy", "ehc_on_time_pct"] == pytest.approx(200 / 3)


def test_the_governors_pack_counts_every_review_that_fell_due(fixture_db, viewers):
    """The pack's review table has the EHC plans page's figures. With the rows of the test above and a
    disclosure threshold of 3: 2024/25 has 3 due (2 on time, 0 late, 1 overdue), 2025/26 has 3 due (1 on time,
    1 late, 1 overdue). Both denominators reach 3, so both rates are given: 2025/26's as 33%; 2024/25's as
    the range 33-67% (its "0 late" is shown, so its hidden 2 and 1 are known only to add up to 3). Counting
    reviews held only, as the pack used to, 2025/26 would have been 1 of 2 (50%)."""
    from sendboard.governors import figures

    add_ehc_rows(fixture_db)
    fixture_db.cursor().execute(
        "INSERT INTO ehc_plans (ehcp_id, pupil_id, local_authority, issued_on) VALUES (504, 11, 'Leeds', DATE '2024-06-01');"
        "INSERT INTO ehc_reviews (ehcp_id, due_on, held_on) VALUES (501, DATE '2026-02-10', DATE '2026-01-12')")
    section = figures.compliance_section(fixture_db, Scope(viewers["governor"], clock.today()), 1, AS_AT, 3)
    table = section.tables[0]
    assert table.columns["overdue"] == "Overdue, not held"
    assert table.protected.values["reviews_due"].tolist() == [3, 3]
    years = dict(section.facts["years"])
    assert years["2025/26"] == pytest.approx(100 / 3)
    assert dict(section.facts["year_bands"])["2024/25"] == (pytest.approx(100 / 3), pytest.approx(200 / 3))
