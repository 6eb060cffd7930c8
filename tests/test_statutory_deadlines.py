"""EHC deadline arithmetic on fixed dates (pure functions, no database)."""
from datetime import date

import pandas as pd
import pytest

from sendboard.statutory import deadlines as dl
from sendboard.statutory.ehc import transfer_deadlines


def test_twelve_months_is_the_same_day_next_year():
    assert dl.next_review_due(date(2025, 3, 14)) == date(2026, 3, 14)
    assert dl.next_review_due(date(2023, 2, 28)) == date(2024, 2, 28)  # not moved to the 29th in a leap year


def test_a_review_on_29_february_2024_is_due_on_28_february_2025():
    assert dl.next_review_due(date(2024, 2, 29)) == date(2025, 2, 28)
    assert dl.add_months(date(2024, 2, 29), 48) == date(2028, 2, 29)  # four years on, a leap year again


def test_six_months_clamps_to_the_end_of_a_shorter_month():
    assert dl.add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert dl.add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert dl.add_months(date(2025, 10, 15), 6) == date(2026, 4, 15)


def test_a_deadline_on_a_weekend_stands_and_hold_by_is_the_friday_before():
    saturday, sunday, monday = date(2026, 3, 14), date(2026, 3, 15), date(2026, 3, 16)
    # A review held on Friday 14 March 2025 falls due on Saturday 14 March 2026: the date is not moved.
    assert dl.next_review_due(date(2025, 3, 14)) == saturday
    assert dl.hold_by(saturday) == date(2026, 3, 13)
    assert dl.hold_by(sunday) == date(2026, 3, 13)
    assert dl.hold_by(monday) == monday


def test_under_fives_are_reviewed_six_monthly():
    dob = date(2022, 5, 10)
    assert dl.age_on(dob, date(2025, 9, 1)) == 3
    assert dl.review_interval_months(dob, date(2025, 9, 1)) == 6
    assert dl.next_review_due(date(2025, 9, 1), dob) == date(2026, 3, 1)


def test_a_child_turning_five_between_reviews_keeps_the_six_month_date_then_moves_to_twelve():
    dob = date(2021, 1, 20)  # 5 on 20 January 2026
    last = date(2025, 10, 1)  # aged 4 at this review
    due = dl.next_review_due(last, dob)
    assert due == date(2026, 4, 1)  # 6 months, although the child is 5 by then
    assert dl.next_review_due(due, dob) == date(2027, 4, 1)  # aged 5 at that review: 12 months
    # On the fifth birthday itself the child is 5.
    assert dl.review_interval_months(dob, date(2026, 1, 20)) == 12
    assert dl.review_interval_months(dob, date(2026, 1, 19)) == 6


def test_status_boundaries_use_56_days():
    as_at = date(2026, 1, 20)
    assert dl.status(date(2026, 1, 19), as_at) == dl.OVERDUE
    assert dl.status(as_at, as_at) == dl.DUE_SOON
    assert dl.status(date(2026, 3, 17), as_at) == dl.DUE_SOON  # day 56
    assert dl.status(date(2026, 3, 18), as_at) == dl.ON_TRACK  # day 57
    assert dl.status_label(dl.OVERDUE).endswith("Overdue") and dl.status_label(dl.OVERDUE) != "Overdue"


def test_needs_assessment_six_and_twenty_weeks():
    assert dl.decision_due(date(2025, 11, 1)) == date(2025, 12, 13)
    assert dl.final_plan_due(date(2025, 11, 1)) == date(2026, 3, 21)


def test_phase_transfer_dates():
    assert dl.phase_transfer(6, 2025, "primary") == ("Year 6 to secondary", date(2026, 2, 15))
    assert dl.phase_transfer(6, 2025, "all-through")[1] == date(2026, 2, 15)
    assert dl.phase_transfer(6, 2025, "secondary") is None
    assert dl.phase_transfer(11, 2025, "secondary") == ("Year 11 to post-16", date(2026, 3, 31))
    assert dl.phase_transfer(11, 2025, "primary") is None
    assert dl.phase_transfer(2, 2025, "primary") is None  # only an infant school, which phase data must say
    assert dl.phase_transfer(2, 2025, "primary", infant_school=True)[1] == date(2026, 2, 15)
    assert dl.phase_transfer(9, 2025, "secondary") is None
    # 15 February 2026 is a Sunday: the date stands, hold by Friday 13th.
    assert dl.hold_by(date(2026, 2, 15)) == date(2026, 2, 13)


def test_transfer_deadlines_from_a_plan_list():
    plans = pd.DataFrame([
        {"pupil_id": 1, "pupil": "A B", "year_group": 11, "local_authority": "Leeds"},
        {"pupil_id": 2, "pupil": "C D", "year_group": 10, "local_authority": "Leeds"},
    ])
    out = transfer_deadlines(plans, "secondary", date(2026, 4, 2))
    assert out["pupil_id"].tolist() == [1]
    assert out.iloc[0]["due_on"] == date(2026, 3, 31) and out.iloc[0]["status"] == dl.OVERDUE
    assert "check the amended plan" in out.iloc[0]["detail"]


@pytest.mark.parametrize("d", [date(2025, 2, 28), date(2024, 2, 29), date(2025, 12, 31)])
def test_hold_by_is_never_after_the_deadline_and_is_a_weekday(d):
    for offset in range(7):
        deadline = date.fromordinal(d.toordinal() + offset)
        held = dl.hold_by(deadline)
        assert held <= deadline and held.weekday() < 5 and (deadline - held).days <= 2
