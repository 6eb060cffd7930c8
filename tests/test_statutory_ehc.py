"""EHC plans, needs-assessment requests, compliance and Preparing for Adulthood on the fixture school,
with plans, reviews and requests inserted here and every figure worked out by hand.

As at 2026-01-20 (the fixture's today):
  - pupil 4: plan issued 2024-03-01, reviewed 2025-02-10 -> next due 2026-02-10 (21 days): Due within 8 weeks
  - pupil 12: plan issued 2023-11-01, reviewed 2024-10-20 (due 2024-11-01, on time) and 2025-11-25 (due
    2025-10-20, late) -> next due 2026-11-25: On track
  - pupil 3: plan issued 2024-12-15, never reviewed -> due 2025-12-15: Overdue
  - requests: pupil 1 on 2025-11-01 (no decision; 6-week date 2025-12-13 passed), pupil 2 on 2025-08-01
    (agreed 2025-09-05, no plan; 20-week date 2025-12-19 passed), pupil 11 on 2026-01-05 (decision due
    2026-02-16, within 8 weeks), pupil 5 on 2025-03-01 (refused 2025-04-01: closed)
  - compliance: 2024/25 two reviews, both on time (100%); 2025/26 one review, late (0%)
"""
from datetime import date

import pytest

from sendboard import clock
from sendboard.access import AccessDenied
from sendboard.scope import Scope
from sendboard.statutory import deadlines as dl
from sendboard.statutory import ehc, pfa

AS_AT = date(2026, 1, 20)


def add_ehc_rows(db):
    cur = db.cursor()
    cur.execute("INSERT INTO ehc_plans (ehcp_id, pupil_id, local_authority, issued_on) VALUES "
                "(501, 4, 'Leeds', DATE '2024-03-01'), (502, 12, 'Bradford', DATE '2023-11-01'), "
                "(503, 3, 'Leeds', DATE '2024-12-15')")
    cur.execute("INSERT INTO ehc_reviews (ehc_review_id, ehcp_id, due_on, held_on) VALUES "
                "(601, 501, DATE '2025-03-01', DATE '2025-02-10'), (602, 502, DATE '2024-11-01', DATE '2024-10-20'), "
                "(603, 502, DATE '2025-10-20', DATE '2025-11-25')")
    cur.execute("INSERT INTO ehc_requests (pupil_id, local_authority, requested_on, decision_on, decision, final_plan_on) VALUES "
                "(1, 'Leeds', DATE '2025-11-01', NULL, NULL, NULL), "
                "(2, 'Leeds', DATE '2025-08-01', DATE '2025-09-05', 'agreed', NULL), "
                "(11, 'Leeds', DATE '2026-01-05', NULL, NULL, NULL), "
                "(5, 'Leeds', DATE '2025-03-01', DATE '2025-04-01', 'refused', NULL)")


def test_plan_statuses(fixture_db, viewers):
    add_ehc_rows(fixture_db)
    plans = ehc.plan_reviews(fixture_db, Scope(viewers["senco"], AS_AT), 1, AS_AT).set_index("pupil_id")
    assert plans.loc[4, "last_review_on"] == date(2025, 2, 10)
    assert plans.loc[4, "next_due"] == date(2026, 2, 10) and plans.loc[4, "status"] == dl.DUE_SOON
    assert plans.loc[4, "days_left"] == 21
    assert plans.loc[12, "last_review_on"] == date(2025, 11, 25) and plans.loc[12, "reviews_held"] == 2
    assert plans.loc[12, "next_due"] == date(2026, 11, 25) and plans.loc[12, "status"] == dl.ON_TRACK
    assert plans.loc[3, "last_review_on"] is None and plans.loc[3, "next_due"] == date(2025, 12, 15)
    assert plans.loc[3, "status"] == dl.OVERDUE
    assert plans.loc[3, "status_label"].endswith("Overdue")
    assert plans.loc[12, "local_authority"] == "Bradford"


def test_request_deadlines_and_flags(fixture_db, viewers):
    add_ehc_rows(fixture_db)
    req = ehc.request_deadlines(fixture_db, Scope(viewers["senco"], AS_AT), 1, AS_AT).set_index("pupil_id")
    assert req.loc[1, "decision_due"] == date(2025, 12, 13) and req.loc[1, "status"] == dl.OVERDUE
    assert "No decision" in req.loc[1, "flags"]
    assert req.loc[2, "final_plan_due"] == date(2025, 12, 19)
    assert req.loc[2, "status"] == dl.OVERDUE and "No final plan" in req.loc[2, "flags"]
    assert req.loc[11, "decision_due"] == date(2026, 2, 16) and req.loc[11, "status"] == dl.DUE_SOON
    assert req.loc[5, "status"] == "Closed" and req.loc[5, "stage"].startswith("Refused")


def test_one_deadline_list_most_urgent_first(fixture_db, viewers):
    add_ehc_rows(fixture_db)
    data = ehc.statutory_deadlines(fixture_db, Scope(viewers["senco"], AS_AT), 1, "secondary", AS_AT)
    items = data["deadlines"]
    assert data["transfers"].empty  # Years 7 and 8 only
    assert items["status"].tolist() == [dl.OVERDUE] * 3 + [dl.DUE_SOON] * 2 + [dl.ON_TRACK]
    overdue = items[items["status"] == dl.OVERDUE]
    assert set(overdue["deadline"]) == {ehc.KIND_REVIEW, ehc.KIND_DECISION, ehc.KIND_FINAL}
    assert 5 not in set(items["pupil_id"])  # a refused request is closed


def test_a_teacher_sees_only_plans_of_pupils_they_teach_and_a_governor_none(fixture_db, viewers):
    add_ehc_rows(fixture_db)
    assert ehc.plan_reviews(fixture_db, Scope(viewers["teacher2"], AS_AT), 1, AS_AT)["pupil_id"].tolist() == [12]
    with pytest.raises(AccessDenied):
        ehc.plan_reviews(fixture_db, Scope(viewers["governor"], AS_AT), 1, AS_AT)
    with pytest.raises(AccessDenied):
        ehc.request_deadlines(fixture_db, Scope(viewers["admin"], AS_AT), 1, AS_AT)


def test_review_compliance_by_year_is_counts_only_and_open_to_governors(fixture_db, viewers):
    add_ehc_rows(fixture_db)
    for who in ("senco", "head", "governor"):
        frame = ehc.review_compliance_by_year(fixture_db, Scope(viewers[who], clock.today()), 1).set_index("academic_year")
        assert frame.loc[2024, ["reviews_held", "held_on_time"]].tolist() == [2, 2]
        assert frame.loc[2024, "pct_on_time"] == pytest.approx(100.0)
        assert frame.loc[2025, ["reviews_held", "held_on_time"]].tolist() == [1, 0]
        assert frame.loc[2025, "academic_year_label"] == "2025/26"
        assert "pupil_id" not in frame.columns
    with pytest.raises(AccessDenied):
        ehc.review_compliance_by_year(fixture_db, Scope(viewers["teacher"], clock.today()), 1)
    # Another school's figures are not the governor's to see.
    assert ehc.review_compliance_by_year(fixture_db, Scope(viewers["governor"], clock.today()), 2).empty


def test_timeline_chart_shows_only_the_window(fixture_db, viewers):
    add_ehc_rows(fixture_db)
    items = ehc.statutory_deadlines(fixture_db, Scope(viewers["senco"], AS_AT), 1, "secondary", AS_AT)["deadlines"]
    fig = ehc.timeline_chart(items, AS_AT, date(2026, 4, 14))
    plotted = sum(len([x for x in t.x if x is not None]) for t in fig.data)
    assert plotted == 2  # pupil 4's review (10 Feb) and pupil 11's decision (16 Feb)
    assert "Which EHC deadlines" in fig.layout.title.text


def _make_year_nine(db):
    """Pupil 4 in Year 9 in 2024/25 and Year 10 in 2025/26; pupil 12 in Year 9 in 2025/26; outcomes:
    pupil 4's review (2025-02-10, Year 9) records employment and health; pupil 12's Year 9 review
    (2025-11-25) records all four areas; pupil 12's 2024 review (Year 7) records none."""
    cur = db.cursor()
    cur.execute("UPDATE enrolments SET year_group = 9 WHERE pupil_id = 4 AND academic_year = 2024")
    cur.execute("UPDATE enrolments SET year_group = 10 WHERE pupil_id = 4 AND academic_year = 2025")
    cur.execute("UPDATE enrolments SET year_group = 9 WHERE pupil_id = 12 AND academic_year = 2025")
    cur.execute("INSERT INTO pfa_outcomes (ehc_review_id, area, outcome) VALUES "
                "(601, 'employment', 'Try a work taster day'), (601, 'health', 'Manage own medication'), "
                "(603, 'employment', 'Careers interview'), (603, 'independent_living', 'Travel to school alone'), "
                "(603, 'health', 'Book own appointments'), (603, 'community', 'Join a youth club')")


def test_pfa_matrix_marks_each_missing_area(fixture_db, viewers):
    add_ehc_rows(fixture_db)
    _make_year_nine(fixture_db)
    matrix = pfa.pfa_matrix(fixture_db, Scope(viewers["senco"], AS_AT), 1, AS_AT).set_index("pupil_id")
    assert sorted(matrix.index) == [4, 12]  # pupil 3 is in Year 7
    assert matrix.loc[12, "areas_recorded"] == 4 and matrix.loc[12, "missing"] == "None missing"
    assert matrix.loc[4, "Employment"].startswith("✓") and matrix.loc[4, "Community participation"].startswith("✗")
    assert matrix.loc[4, "missing"] == "Missing: Independent living, Community participation"
    assert matrix.loc[12, "reviews_since_year_9"] == 1  # the Year 7 review does not count
    detail = pfa.pfa_outcomes_by_review(fixture_db, Scope(viewers["senco"], AS_AT), 1, AS_AT)
    assert len(detail) == 2 and "Join a youth club" in detail["Community participation"].tolist()
    cover = pfa.pfa_coverage(fixture_db, Scope(viewers["governor"], clock.today()), 1, AS_AT)
    assert cover == {"pupils": 2, "all_four_areas": 1, "pct_all_four": 50.0}


def test_the_page_lists_deadlines_and_audits_the_view(fixture_path):
    from sendboard.app_db import open_database
    from tests.apptest_helpers import all_text, signed_in

    db = open_database(fixture_path)
    add_ehc_rows(db)
    _make_year_nine(db)
    at = signed_in("senco", page="pages/ehc_plans.py", term_id=20252)
    assert not at.exception
    text = all_text(at)
    assert "Pupil03 Fixture03" in text and "Overdue" in text and "Due within 8 weeks" in text
    assert "No final plan" in text
    views = db.cursor().execute("SELECT count(*) FROM audit_log WHERE action = 'view' AND object_type = 'ehc_plans' "
                                "AND username = 'senco'").fetchone()[0]
    assert views == 1
