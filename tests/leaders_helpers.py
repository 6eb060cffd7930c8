"""Rows the leaders' tests add to the fixture school, with the figures they give worked by hand.

As at 2026-01-20 (today; term 20252, spring 2026):
Assessments (English and Maths, expected standard 100): every pupil scores 100 in summer 2025 (20243).
  Change to autumn 2025 (20251): pupil 1 -4/-4, pupil 6 -8/-4 (mean -6), pupil 7 -5/-5, everyone else +2/+2.
  Change to spring 2026 (20252): pupil 1 -8/-8, pupil 6 -3/-3, pupil 8 -2/-2, everyone else +1/+1.
  -> lowest 10% (2 of 20) in 20251: pupils 6, 7; in 20252: pupils 1, 6. Off the register in both: pupil 6.
Attendance (sessions): 20251 100 possible, 20252 50 possible; all attend fully except
  pupil 3: 50 and 25; pupil 9: 85 and 47 (132/150 = 88.0%); pupil 10: 95 and 40 (135/150 = 90.0%, not below 90).
Suspensions in 20251: pupil 11 once, pupil 6 twice.
Concerns: pupil 7 open (raised 2025-11-01); pupil 8 closed 2025-12-01; pupil 1 open but on the register;
  pupil 9 raised 2026-02-01 (after the date). -> of concern: pupil 7 only.
Support plans: pupil 1 plan 9100 (2025-01-10, due 2025-04-01, closed 2025-04-05) and 9101 (2025-09-10, due
  2025-12-01, open: 50 days overdue); pupil 2 plan 9102 (2025-09-10, due 2026-02-01, open); pupil 3 plan 9103
  (2025-04-01, due 2025-07-01, closed 2025-07-10); pupil 4 plan 9104 (2025-10-01, due 2026-03-01, open).
Reviews: 9100 on 2025-04-01 two targets not_yet (pupil voice on one); 9101 on 2025-11-20 not_yet (parent voice);
  9102 on 2025-12-05 not_yet + emerging (both voices); 9103 on 2025-06-20 achieved, on 2025-07-08 not_yet (pupil
  voice); 9104 on 2026-01-25 (after the date).
National figures are replaced with a known set (see NATIONAL).
"""
from __future__ import annotations

from datetime import date

AS_AT = date(2026, 1, 20)

NATIONAL = [
    (2024, "secondary", "sen_support_pct", 12.0, "test: secondary 2024"),
    (2024, "secondary", "ehc_plan_pct", 2.5, "test: secondary 2024"),
    (2025, "all", "sen_support_pct", 14.0, "test: all 2025"),
    (2025, "all", "ehc_plan_pct", 5.0, "test: all 2025"),
    (2024, "all", "need_pct:ASD:E", 30.0, "test"),
    (2024, "all", "need_pct:SLCN:E", 20.0, "test"),
    (2016, "all", "need_pct:SPLD:E", 9.0, "test: an old year that must not be mixed in"),
    (2024, "all", "need_pct:SPLD:K", 22.0, "test"),
    (2024, "all", "pct_boys:SEN", 61.0, "test"),
    (2024, "all", "pct_fsm:K", 39.0, "test"),
]


def change_251(pid: int) -> tuple[float, float]:
    return {1: (-4, -4), 6: (-8, -4), 7: (-5, -5)}.get(pid, (2, 2))


def change_252(pid: int) -> tuple[float, float]:
    return {1: (-8, -8), 6: (-3, -3), 8: (-2, -2)}.get(pid, (1, 1))


def seed(db) -> None:
    cur = db.cursor()
    cur.execute("DELETE FROM ref_national")
    for row in NATIONAL:
        cur.execute("INSERT INTO ref_national VALUES (?, ?, ?, ?, ?)", list(row))
    for pid in range(1, 21):
        e1, m1 = change_251(pid)
        e2, m2 = change_252(pid)
        for term, eng, maths in ((20243, 100, 100), (20251, 100 + e1, 100 + m1), (20252, 100 + e1 + e2, 100 + m1 + m2)):
            for subject, score in (("English", eng), ("Maths", maths)):
                cur.execute("INSERT INTO assessments VALUES (?, ?, ?, ?, 'standardised', 100)", [pid, term, subject, score])
        att = {3: (50, 25), 9: (85, 47), 10: (95, 40)}.get(pid, (100, 50))
        cur.execute("INSERT INTO attendance VALUES (?, 20251, 100, ?)", [pid, att[0]])
        cur.execute("INSERT INTO attendance VALUES (?, 20252, 50, ?)", [pid, att[1]])
    cur.execute("INSERT INTO suspensions (pupil_id, term_id, start_date, days) VALUES "
                "(11, 20251, DATE '2025-10-10', 1), (6, 20251, DATE '2025-10-12', 1), (6, 20251, DATE '2025-11-12', 2)")
    cur.execute("INSERT INTO concerns (pupil_id, raised_on, raised_by, area, reason, closed_on) VALUES "
                "(7, DATE '2025-11-01', 'tess', 'CL', 'Finds reading hard', NULL),"
                "(8, DATE '2025-09-20', 'tess', 'SEMH', 'Quiet in class', DATE '2025-12-01'),"
                "(1, DATE '2025-09-20', 'tess', 'CL', 'Already known', NULL),"
                "(9, DATE '2026-02-01', 'tom', 'CI', 'Later concern', NULL)")
    cur.execute("INSERT INTO support_plans (plan_id, pupil_id, start_date, review_due, closed_on, created_by) VALUES "
                "(9100, 1, DATE '2025-01-10', DATE '2025-04-01', DATE '2025-04-05', 'senco'),"
                "(9101, 1, DATE '2025-09-10', DATE '2025-12-01', NULL, 'senco'),"
                "(9102, 2, DATE '2025-09-10', DATE '2026-02-01', NULL, 'senco'),"
                "(9103, 3, DATE '2025-04-01', DATE '2025-07-01', DATE '2025-07-10', 'senco'),"
                "(9104, 4, DATE '2025-10-01', DATE '2026-03-01', NULL, 'senco')")
    reviews = [
        (9100, "2025-04-01", "not_yet", "I find it hard", None),
        (9100, "2025-04-01", "not_yet", None, None),
        (9101, "2025-11-20", "not_yet", "", "Keen to help"),
        (9102, "2025-12-05", "not_yet", "Getting there", "Pleased"),
        (9102, "2025-12-05", "emerging", None, None),
        (9103, "2025-06-20", "achieved", None, None),
        (9103, "2025-07-08", "not_yet", "Still tricky", None),
        (9104, "2026-01-25", "achieved", "Good", "Good"),
    ]
    for plan, day, rating, pupil_voice, parent_voice in reviews:
        cur.execute("INSERT INTO plan_reviews (plan_id, reviewed_on, rating, pupil_voice, parent_voice, recorded_by) "
                    "VALUES (?, CAST(? AS DATE), ?, ?, ?, 'senco')", [plan, day, rating, pupil_voice, parent_voice])
    cur.execute("INSERT INTO data_version SELECT max(version) + 1, current_timestamp FROM data_version")


def seeded_results(template, folder, compute):
    """Run ``compute(db, viewers)`` once on a seeded private copy of the fixture school (for a module-scoped
    fixture: the figures are computed once, then the database is closed)."""
    import shutil

    from sendboard import app_db
    from sendboard import db as dbmod
    from sendboard.auth import viewer_for

    path = folder / "school.duckdb"
    shutil.copy(template, path)
    db = app_db.open_database(path)
    try:
        seed(db)
        viewers = {name: viewer_for(db, uid) for name, uid in db.cursor().execute("SELECT username, user_id FROM users").fetchall()}
        return compute(db, viewers)
    finally:
        dbmod.close_all()
