"""The EHC plans page on the fixture school through AppTest: the counts of what is overdue and short of
hours, compliance that counts reviews not held, and the forms (a bad value refused beside its field with
what was typed kept; a good one saved, audited and counted at once)."""
from __future__ import annotations

from sendboard.app_db import open_database
from sendboard.db import close_all
from sendboard.scope import Scope
from tests.apptest_helpers import all_text, on_tab, signed_in
from tests.test_statutory_ehc import add_ehc_rows


def _prepare(fixture_path):
    db = open_database(fixture_path)
    add_ehc_rows(db)
    db.cursor().execute("UPDATE ehc_plans SET hours_per_week = 10 WHERE ehcp_id = 501")  # no interventions: short
    close_all()


def test_the_page_counts_overdue_reviews_and_plans_short_of_hours(fixture_path):
    _prepare(fixture_path)
    at = signed_in("head", fixture_path, page="pages/ehc_plans.py", timeout=60)
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[":material/event_busy: Annual reviews overdue, not held"] == "1"
    assert metrics[":material/schedule: Plans short of hours"] == "1 of 1"
    text = all_text(at)
    assert "1 annual review is overdue and not yet held" in text
    on_tab(at, "ehc_tab", "Compliance by year")  # only the open tab is drawn
    assert not at.exception and not at.error
    compliance = [d.value for d in at.dataframe if "Reviews due" in d.value.columns][0].set_index("Academic year due")
    assert compliance.loc["2025/26", ["Reviews due", "Held on time", "Held late", "Overdue, not held"]].tolist() == [2, 0, 1, 1]


def test_the_forms_refuse_a_bad_value_beside_its_field_then_save_and_the_count_falls(fixture_path):
    _prepare(fixture_path)
    at = signed_in("senco", fixture_path, page="pages/ehc_plans.py", timeout=60)
    on_tab(at, "ehc_tab", "Record")  # only the open tab is drawn
    at.segmented_control(key="ehc_record_kind").set_value("EHC plan").run()
    form_inputs = [t for t in at.text_input if t.label.startswith("Hours a week")]
    form_inputs[0].set_value("lots")
    [t for t in at.text_input if t.label.startswith("Local authority")][0].set_value("Leeds")
    pickers = [s for s in at.selectbox if s.label == "Pupil"]
    pickers[0].set_value(2)
    [d for d in at.date_input if d.label.startswith("Date the final plan")][0].set_value("2025-12-01")
    [t for t in at.text_area if t.label.startswith("Outcomes")][0].set_value("Reads aloud in class")
    [b for b in at.button if b.label == "Save EHC plan"][0].click()
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("Hours a week must be a number" in e for e in errors), errors
    # What was typed is kept; the plan was not written.
    assert [t for t in at.text_input if t.label.startswith("Hours a week")][0].value == "lots"
    db = open_database(fixture_path)
    assert db.cursor().execute("SELECT count(*) FROM ehc_plans WHERE pupil_id = 2").fetchone()[0] == 0
    [t for t in at.text_input if t.label.startswith("Hours a week")][0].set_value("12")
    [b for b in at.button if b.label == "Save EHC plan"][0].click()
    at.run()
    assert not at.exception and not at.error
    db = open_database(fixture_path)
    assert db.cursor().execute("SELECT hours_per_week FROM ehc_plans WHERE pupil_id = 2").fetchone()[0] == 12
    assert db.cursor().execute("SELECT count(*) FROM audit_log WHERE action = 'ehc_plan_added'").fetchone()[0] == 1
    # An annual review of pupil 3's overdue plan: the overdue count falls at once.
    at.segmented_control(key="ehc_record_kind").set_value("Annual review").run()
    plan = [s for s in at.selectbox if s.label == "Plan"][0]
    plan.set_value(503)
    [d for d in at.date_input if d.label.startswith("Date of the review meeting")][0].set_value("2026-01-08")
    [b for b in at.button if b.label == "Save annual review"][0].click()
    at.run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[":material/event_busy: Annual reviews overdue, not held"] == "0"


def test_the_passport_shows_ehc_outcomes_and_takes_steps_pfa_and_careers(fixture_path):
    """Pupil 12 (EHC plan, put in Year 9 here) gets a plan with one outcome; the SENCO adds a step on the
    passport, which becomes a target; a PfA form with no outcome is refused beside its first field."""
    from datetime import date

    from sendboard.auth import viewer_for
    from sendboard.statutory import records

    db = open_database(fixture_path)
    db.cursor().execute("UPDATE enrolments SET year_group = 9 WHERE academic_year = 2025 AND pupil_id = 12")
    senco = viewer_for(db, db.cursor().execute("SELECT user_id FROM users WHERE username = 'senco'").fetchone()[0])
    records.record_plan(db, Scope(senco, date(2026, 1, 20)), 12, school_id=1, local_authority="Leeds", issued_on=date(2025, 10, 1),
                        hours_per_week=5, outcomes=[("CI", "Talks with a partner in lessons")])
    at = signed_in("senco", fixture_path, page="pages/passport.py", timeout=60, passport_pupil=12)
    assert not at.exception and not at.error
    assert "Talks with a partner in lessons" in all_text(at)
    [t for t in at.text_input if t.label.startswith("A short-term step")][0].set_value("Answers one question a lesson")
    [b for b in at.button if b.label == "Add step"][0].click()
    at.run()
    assert not at.exception and not at.error
    assert db.cursor().execute("SELECT t.description FROM plan_targets t JOIN ehc_outcome_steps USING (target_id)").fetchall() \
        == [("Answers one question a lesson",)]
    assert "Answers one question a lesson" in all_text(at)
    [b for b in at.button if b.label == "Save outcomes"][0].click()
    at.run()
    assert any("at least one of the four areas" in e.value for e in at.error)
    assert db.cursor().execute("SELECT count(*) FROM pfa_records").fetchone()[0] == 0
