"""Rows the classroom tests add to the fixture school (Oak Lane, 7A = pupils 1-10, 8A = 11-20).

Added on top of the fixture (as at 2026-01-20):
  - passports for pupils 1 and 4 (pupil 4: strengths 'Brilliant at drawing');
  - pupil 3: an open support plan from 2025-10-01, review due 2026-01-10 (overdue), target 'Use the calm
    card' (target 9001); pupil 1: a plan due 2026-03-01 with target 'Read 10 key words' (9002) and a
    closed target (9003); pupil 11 (8A): a plan with target 9011;
  - pupil 6 (7A, not on the register): an open concern;
  - pupil 2: an intervention 'Reading catch-up' on Tuesday at 10:40, 30 minutes.
"""
from __future__ import annotations

from datetime import date

TODAY = date(2026, 1, 20)


def load_reference(db) -> None:
    try:
        from sendboard.reference import load_reference_data
    except ImportError:
        return
    load_reference_data(db)


def add_classroom_rows(db) -> None:
    load_reference(db)
    cur = db.cursor()
    cur.execute("INSERT INTO passports VALUES (4, 'Brilliant at drawing', 'Trains', 'A visual timetable', "
                "'Sudden changes', 'I like to know what is next', 'He enjoys art club', NULL, NULL),"
                " (1, 'Kind to others', 'Football', 'Printed notes', 'Copying from the board', NULL, NULL, NULL, NULL)")
    cur.execute("INSERT INTO support_plans VALUES (8001, 3, DATE '2025-10-01', DATE '2026-01-10', NULL, 'senco', 'Finds transitions hard'),"
                " (8002, 1, DATE '2025-11-01', DATE '2026-03-01', NULL, 'senco', NULL),"
                " (8011, 11, DATE '2025-11-01', DATE '2026-03-01', NULL, 'senco', NULL)")
    cur.execute("INSERT INTO plan_targets VALUES (9001, 8001, 'Use the calm card', 'SEMH', DATE '2025-10-01', NULL),"
                " (9002, 8002, 'Read 10 key words', 'CL', DATE '2025-11-01', NULL),"
                " (9003, 8002, 'Old closed target', 'CL', DATE '2025-11-01', DATE '2025-12-01'),"
                " (9011, 8011, 'Eight-A pupil target', 'CI', DATE '2025-11-01', NULL)")
    cur.execute("INSERT INTO concerns (pupil_id, raised_on, raised_by, area, reason) VALUES "
                "(6, DATE '2025-12-01', 'teacher', 'CL', 'Slow reading progress')")
    cur.execute("INSERT INTO interventions (intervention_id, school_id, name, areas, wave, delivered_by, group_size, "
                "sessions_per_week, minutes_per_session, planned_weeks, measure, measure_scale) VALUES "
                "(7001, 1, 'Reading catch-up', 'CL', 'targeted', 'teaching_assistant', 3, 2, 30, 10, 'reading age', 'months')")
    cur.execute("INSERT INTO allocations (pupil_id, intervention_id, start_date, day_of_week, start_time) VALUES "
                "(2, 7001, DATE '2025-11-01', 'Tuesday', '10:40')")


def audit_rows(db, action: str):
    return db.cursor().execute(
        "SELECT username, pupil_id, group_id, old_value, new_value, object_type FROM audit_log WHERE action = $a ORDER BY audit_id",
        {"a": action}).fetchall()
