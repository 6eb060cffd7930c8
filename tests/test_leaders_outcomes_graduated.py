"""Outcomes and graduated-approach figures on the fixture school, worked by hand
(see tests/leaders_helpers.py)."""
from __future__ import annotations

from datetime import date

import pytest

from sendboard.leaders import graduated as ga
from sendboard.leaders import outcomes as out
from sendboard.scope import Scope
from tests.leaders_helpers import AS_AT, seeded_results

TODAY = date(2026, 1, 20)


@pytest.fixture(scope="module")
def outcome_data(_fixture_template, tmp_path_factory):
    return seeded_results(_fixture_template, tmp_path_factory.mktemp("leaders_outcomes"),
                          lambda db, v: out.outcomes(db, Scope(v["head"], TODAY), 1))


def score_row(data, term, subject, group):
    s = data["scores"]
    return s[(s["term_id"] == term) & (s["subject"] == subject) & (s["sen_group"] == group)].iloc[0]


def test_attainment_by_group_spring_2026(outcome_data):
    k = score_row(outcome_data, 20252, "English", "SEN support")  # 88, 103, 103, 103
    assert (k["pupils"], k["mean_score"], k["pct_expected"]) == (4, 99.25, 75.0)
    e = score_row(outcome_data, 20252, "English", "EHC plan")
    assert (e["pupils"], e["mean_score"], e["pct_expected"]) == (2, 103.0, 100.0)
    n = score_row(outcome_data, 20252, "English", "No SEN")  # 103, 89, 96, 100 and ten at 103
    assert n["pupils"] == 14 and n["mean_score"] == pytest.approx(1418 / 14)
    assert n["pct_expected"] == pytest.approx(100 * 12 / 14)
    send = score_row(outcome_data, 20252, "English", out.SEND)
    assert send["pupils"] == 6 and send["mean_score"] == pytest.approx(100.5)


def test_progress_since_last_term_and_since_autumn(outcome_data):
    k = score_row(outcome_data, 20252, "English", "SEN support")
    assert k["mean_change_term"] == pytest.approx(-1.25) and k["mean_change_year"] == pytest.approx(-1.25)
    n = score_row(outcome_data, 20252, "English", "No SEN")
    assert n["mean_change_term"] == pytest.approx(0.5)
    autumn = score_row(outcome_data, 20251, "English", "SEN support")
    assert autumn["mean_change_term"] == pytest.approx(0.5)  # -4, +2, +2, +2 since summer
    assert autumn["with_change_year"] == 0  # autumn is the start of the year


def test_gap_and_its_movement(outcome_data):
    g = outcome_data["gaps"]
    mean = g[(g["subject"] == "English") & (g["measure"] == "mean_score")].set_index("term_id")["gap"]
    assert mean.loc[20243] == pytest.approx(0.0)
    assert mean.loc[20251] == pytest.approx(101 - 1411 / 14)
    assert mean.loc[20252] == pytest.approx(100.5 - 1418 / 14)
    change = g[(g["subject"] == "English") & (g["measure"] == "mean_change_term")].set_index("term_id")["gap"]
    assert change.loc[20252] == pytest.approx(-0.5 - 0.5)


def test_attendance_persistent_absence_and_suspensions(outcome_data):
    a = outcome_data["attendance"]
    autumn = a[a["term_id"] == 20251].set_index("sen_group")
    assert autumn.loc["SEN support", "attendance_pct"] == 87.5  # 350 of 400 (pupil 3 at 50%)
    assert autumn.loc["SEN support", "persistent_absence_pct"] == 25.0
    assert autumn.loc["No SEN", "attendance_pct"] == pytest.approx(100 * 1380 / 1400)
    assert autumn.loc["No SEN", "persistent_absence_pct"] == pytest.approx(100 / 14)
    assert autumn.loc["SEN support", "suspensions_per_100"] == 25.0 and autumn.loc["SEN support", "pct_suspended"] == 25.0
    assert autumn.loc["No SEN", "suspensions_per_100"] == pytest.approx(200 / 14)
    assert autumn.loc["No SEN", "pct_suspended"] == pytest.approx(100 / 14)
    assert autumn.loc["EHC plan", "attendance_pct"] == 100.0
    summer = a[a["term_id"] == 20243]
    assert summer["with_attendance"].sum() == 0  # no attendance held for that term


def test_no_national_outcome_figures_held(outcome_data):
    assert outcome_data["national"].empty


@pytest.fixture(scope="module")
def ga_data(_fixture_template, tmp_path_factory):
    return seeded_results(_fixture_template, tmp_path_factory.mktemp("leaders_graduated"),
                          lambda db, v: ga.graduated(db, Scope(v["senco"], TODAY), 1, AS_AT))


def test_plan_coverage_and_overdue(ga_data):
    assert ga_data["coverage"]["sen_support"] == {"pupils": 4, "with_plan": 2, "pct": 50.0}
    assert ga_data["coverage"]["ehc_plan"] == {"pupils": 2, "with_plan": 1, "pct": 50.0}
    overdue = ga_data["overdue"]
    assert overdue["pupil_id"].tolist() == [1] and overdue["Days overdue"].tolist() == [50]


def test_days_since_last_review(ga_data):
    days = ga_data["days"].set_index("pupil_id")
    assert days.loc[1, "Days since"] == 61 and days.loc[2, "Days since"] == 46 and days.loc[3, "Days since"] == 196
    assert days.loc[4, "band"] == ga.NEVER  # its review is after the date
    bands = ga_data["bands"].set_index(["band", "SEN status"])["pupils"]
    assert bands.loc[("6 to 13 weeks", "SEN support")] == 2
    assert bands.loc[("6 to 12 months", "SEN support")] == 1
    assert bands.loc[(ga.NEVER, "SEN support")] == 1 and bands.loc[(ga.NEVER, "EHC plan")] == 2


def test_voice_shares_over_the_last_12_months(ga_data):
    assert ga_data["voice"] == {"reviews": 5, "pupil_voice": 3, "parent_voice": 2,
                                "pupil_voice_pct": 60.0, "parent_voice_pct": 40.0}


def test_pupils_whose_last_two_reviews_were_all_not_yet(ga_data):
    stuck = ga_data["stuck"]
    assert stuck["pupil_id"].tolist() == [1]
    row = stuck.iloc[0]
    assert row["Reviews in a row rated 'not yet'"] == 2
    assert (row["First of them"], row["Last review"]) == (date(2025, 4, 1), date(2025, 11, 20))


def test_gap_movement_sentence(outcome_data):
    g = outcome_data["gaps"]
    sentences = out.gap_movement(g[(g["measure"] == "mean_score") & (g["subject"] == "English")])
    # 0.0 in summer 2025 to -0.79 in spring 2026: more than half a point further apart
    assert sentences == ["English: the gap widened (+0.0 in Summer 2025, -0.8 in Spring 2026)."]
