"""Rows the trust tests add to the fixture trust, worked out by hand (as at 15 January 2026, academic year
2025/26, so "last year" is 2024/25):

Oak Lane Academy (school 1)
  - pupil 4's EHC plan, issued 1 March 2024, 5 hours a week, no intervention: short of its hours. Its
    annual review was due 1 March 2025 and held 20 February 2025 (on time); the next falls due 20 February
    2026 (not yet overdue).
  - pupil 12's EHC plan, issued 1 June 2024, no hours set out, never reviewed: due 1 June 2025, overdue now.
  => last year's reviews: 2 due, 1 on time = 50%; 1 overdue now; 1 plan short of its hours: 2 points.
Elm Road School (school 2)
  - pupil 21's EHC plan, issued 1 September 2024, 2 hours a week, no intervention, never reviewed: due
    1 September 2025 (this year, not last), overdue now; short of its hours.
  => no reviews due last year (counts as 100% for the tie-break); 1 overdue; 1 short: 2 points.
Both schools have 2 points: Oak Lane first (50% on time last year against Elm Road's none due).
"""
from datetime import date

AS_AT = date(2026, 1, 15)


def add_ehc_rows(db) -> None:
    cur = db.cursor()
    cur.execute("INSERT INTO ehc_plans (ehcp_id, pupil_id, local_authority, issued_on, hours_per_week) VALUES "
                "(901, 4, 'Leeds', DATE '2024-03-01', 5), (902, 12, 'Leeds', DATE '2024-06-01', NULL), "
                "(903, 21, 'Leeds', DATE '2024-09-01', 2)")
    cur.execute("INSERT INTO ehc_reviews (ehcp_id, due_on, held_on) VALUES (901, DATE '2025-03-01', DATE '2025-02-20')")
