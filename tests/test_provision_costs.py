"""Provision costs, worked by hand on a tiny catalogue added to the fixture school.

Hourly costs (fixture): teacher £40, teaching_assistant £18, senco £45. Today 2026-01-20 (year 2025/26).

A "Reading catch-up" (targeted, CL, TA, 3 x 30 min a week, 10 weeks, other costs £60), group label R1
  with pupils 1, 2, 3 from 2025-09-08, open, so its planned last day is start + 70 days - 1 = 2025-11-16.
  session £18 x 0.5 = £9; group week 3 x £9 = £27; 3 pupils -> £9 a pupil a week; other £60 / 3 = £20.
  10 weeks -> projected £9 x 10 + £20 = £110 each. Scores (entry -> exit): 80->86, 85->89, 90->98.
B "Maths boost" (targeted, CL, teacher, 2 x 45 min, 12 weeks, no label, group size 5): pupils 4-8 from
  2025-10-27 to 2026-01-18 (84 days = 12 weeks). session £30; week £60; / 5 = £12 -> projected £144.
  Scores 90->95, 92->96, 94->100, 96->99, 98->105: gains 5, 4, 6, 3, 7.
C "Worry group" (specialist, SEMH, senco, 1 x 60 min, 6 weeks, group size 4, lower is better): pupils
  11 and 12 from 2026-01-05, open, entry scores only. Week £45 / 4 = £11.25; 6 weeks -> £67.50 each;
  to date (5 to 20 Jan = 16 days) £11.25 x 16/7 = £25.714...
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from sendboard.provision import costs
from sendboard.provision.allocations import year_allocations
from sendboard.provision.impact import spend_by_area
from sendboard.reference import load_reference_data
from sendboard.scope import Scope

TODAY = date(2026, 1, 20)
YEAR = 2025
A, B, C = 9001, 9002, 9003


def seed(db) -> None:
    """The tiny catalogue, allocations, funding and EHC hours described in the module docstring."""
    load_reference_data(db)
    cur = db.cursor()
    cur.execute("""INSERT INTO interventions VALUES
        (9001, 1, 'Reading catch-up', 'CL', 'targeted', 'teaching_assistant', 3, 3, 30, 10, 60,
         'Reading standardised score', 'standardised score', true, false),
        (9002, 1, 'Maths boost', 'CL', 'targeted', 'teacher', 5, 2, 45, 12, 0,
         'Maths test', 'marks', true, false),
        (9003, 1, 'Worry group', 'SEMH', 'specialist', 'senco', 4, 1, 60, 6, 0,
         'Worry scale', 'RCADS T-score', false, false)""")
    rows = [
        (1, A, "R1", "2025-09-08", None, 28, 80, 86), (2, A, "R1", "2025-09-08", None, 30, 85, 89),
        (3, A, "R1", "2025-09-08", None, 27, 90, 98),
        (4, B, None, "2025-10-27", "2026-01-18", 22, 90, 95), (5, B, None, "2025-10-27", "2026-01-18", 24, 92, 96),
        (6, B, None, "2025-10-27", "2026-01-18", 20, 94, 100), (7, B, None, "2025-10-27", "2026-01-18", 23, 96, 99),
        (8, B, None, "2025-10-27", "2026-01-18", 24, 98, 105),
        (11, C, None, "2026-01-05", None, 2, 70, None), (12, C, None, "2026-01-05", None, 2, 66, None),
    ]
    for i, (pid, iid, label, start, end, attended, entry, exit_) in enumerate(rows):
        cur.execute("INSERT INTO allocations (allocation_id, pupil_id, intervention_id, group_label, start_date, end_date,"
                    " sessions_attended, entry_score, exit_score, day_of_week, start_time) VALUES"
                    " ($id, $p, $i, $l, $s, $e, $a, $en, $ex, 'Tuesday', '10:40')",
                    {"id": 9100 + i, "p": pid, "i": iid, "l": label, "s": date.fromisoformat(start),
                     "e": date.fromisoformat(end) if end else None, "a": attended, "en": entry, "ex": exit_})
    cur.execute("INSERT INTO funding (school_id, academic_year, line, pupil_id, amount) VALUES"
                " (1, 2025, 'notional_sen', NULL, 5000), (1, 2025, 'top_up', 4, 2000)")
    cur.execute("INSERT INTO ehc_plans (pupil_id, local_authority, issued_on, hours_per_week) VALUES"
                " (4, 'Leeds', DATE '2024-10-01', 5), (12, 'Leeds', DATE '2024-10-01', 3)")


@pytest.fixture
def seeded(fixture_db):
    seed(fixture_db)
    return fixture_db


def _by_pupil(frame):
    return frame.set_index("pupil_id")


def test_costs_per_allocation_match_hand_working(seeded, viewers):
    frame = _by_pupil(year_allocations(seeded, Scope(viewers["senco"], TODAY), 1, YEAR, TODAY))
    # A: group of three sharing £27 a week; other costs £60 shared.
    assert frame.loc[1, "pupils_in_group"] == 3
    assert frame.loc[1, "session_cost"] == pytest.approx(9)
    assert frame.loc[1, "weekly_group_cost"] == pytest.approx(27)
    assert frame.loc[1, "weekly_cost"] == pytest.approx(9)
    assert frame.loc[1, "other_cost_share"] == pytest.approx(20)
    assert frame.loc[1, "weeks_planned"] == pytest.approx(10)
    assert frame.loc[1, "projected_cost"] == pytest.approx(110)
    assert frame.loc[1, "cost_to_date"] == pytest.approx(110)  # finished before today
    # B: no label, divided by group size 5.
    assert frame.loc[4, "pupils_in_group"] == 5
    assert frame.loc[4, "weekly_cost"] == pytest.approx(12)
    assert frame.loc[4, "projected_cost"] == pytest.approx(144)
    # C: started 5 January, 16 days to 20 January.
    assert frame.loc[11, "weekly_cost"] == pytest.approx(11.25)
    assert frame.loc[11, "projected_cost"] == pytest.approx(67.5)
    assert frame.loc[11, "cost_to_date"] == pytest.approx(11.25 * 16 / 7)
    assert bool(frame.loc[11, "current"]) and not bool(frame.loc[4, "current"])


def test_totals_by_area_wave_and_budget(seeded, viewers):
    frame = year_allocations(seeded, Scope(viewers["head"], TODAY), 1, YEAR, TODAY)
    # By each pupil's own primary need when the allocation started, not the areas the intervention is
    # tagged with: Reading catch-up (CL) pupils 1, 2 (SPLD) -> CL 2 x 110; pupil 3 (SEMH) -> SEMH 110.
    # Maths boost (CL): pupil 4 (ASD) -> CI 144; pupils 5-8 have no primary need -> none 4 x 144.
    # Worry group (SEMH): pupils 11 (SLCN) and 12 (ASD) -> CI 2 x 67.50. Sum 220 + 110 + 279 + 576 = 1185.
    by_area = costs.summarise(frame, "area", with_costs=True).set_index("area")
    assert by_area.loc["Cognition and learning", "year_cost"] == pytest.approx(2 * 110)
    assert by_area.loc["Social, emotional and mental health", "year_cost"] == pytest.approx(110)
    assert by_area.loc["Communication and interaction", "year_cost"] == pytest.approx(144 + 135)
    assert by_area.loc["No primary need recorded", "year_cost"] == pytest.approx(4 * 144)
    assert by_area["year_cost"].sum() == pytest.approx(1185)
    assert by_area.loc["Cognition and learning", "pupils"] == 2 and by_area.loc["Communication and interaction", "pupils"] == 3
    by_wave = costs.summarise(frame, "wave", with_costs=True).set_index("wave")
    assert by_wave.loc["specialist", "pupil_hours_week"] == pytest.approx(2.0)  # two pupils, 1 h each, now
    assert by_wave.loc["specialist", "staff_hours_week"] == pytest.approx(0.5)  # 1 h / 4 each
    by_year = costs.summarise(frame, "year_group", with_costs=True).set_index("year_group")
    assert by_year.loc[7, "year_cost"] == pytest.approx(1050)
    funding = seeded.query("provision_funding", scope=Scope(viewers["head"], TODAY), school_id=1, academic_year=YEAR)
    money = costs.budget(frame, funding)
    assert money["total_funding"] == pytest.approx(7000)
    assert money["projected_spend"] == pytest.approx(1185)
    assert money["left_projected"] == pytest.approx(5815)
    assert money["spend_to_date"] == pytest.approx(330 + 720 + 2 * 11.25 * 16 / 7)
    pupils = costs.pupil_costs(frame).set_index("pupil_id")
    assert pupils.loc[1, "year_cost"] == pytest.approx(110)


def test_teacher_gets_no_costs_and_only_their_pupils(seeded, viewers):
    frame = year_allocations(seeded, Scope(viewers["teacher"], TODAY), 1, YEAR, TODAY)
    assert sorted(frame["pupil_id"]) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert not set(costs.COST_COLUMNS) & set(frame.columns)
    # and in SQL: the raw query gives NULL rates and other costs to a teacher
    raw = seeded.query("provision_allocations", scope=Scope(viewers["teacher"], TODAY), school_id=1,
                       from_date=date(2025, 9, 1), to_date=date(2026, 8, 31), as_at=TODAY)
    assert raw["hourly_cost"].isna().all() and raw["other_costs"].isna().all()
    assert seeded.query("provision_role_costs", scope=Scope(viewers["teacher"], TODAY), school_id=1).empty
    assert seeded.query("provision_funding", scope=Scope(viewers["teacher"], TODAY), school_id=1, academic_year=YEAR).empty
    other = year_allocations(seeded, Scope(viewers["teacher2"], TODAY), 1, YEAR, TODAY)
    assert sorted(other["pupil_id"]) == [11, 12]


def test_hours_against_need_and_time_out_of_class(seeded, viewers):
    frame = year_allocations(seeded, Scope(viewers["senco"], TODAY), 1, YEAR, TODAY)
    ehc = seeded.query("provision_ehc_hours", scope=Scope(viewers["senco"], TODAY), school_id=1, as_at=TODAY)
    hours = costs.hours_against_need(ehc, frame).set_index("pupil_id")
    assert hours.loc[4, "scheduled_hours"] == 0 and hours.loc[4, "gap"] == pytest.approx(5)
    assert hours.loc[12, "scheduled_hours"] == pytest.approx(1) and hours.loc[12, "gap"] == pytest.approx(2)
    assert hours.loc[12, "status"] == "Short by 2.0 h a week"
    out = costs.time_out_of_class(frame, 120).set_index("pupil_id")
    assert out.loc[11, "minutes_week"] == 60 and not out["over_threshold"].any()
    assert costs.time_out_of_class(frame, 30)["over_threshold"].all()


def test_spend_by_area_for_governors_is_aggregate(seeded, viewers):
    out = spend_by_area(seeded, Scope(viewers["governor"], TODAY), 1, YEAR, TODAY).set_index("area")
    assert "pupil_id" not in out.columns and "first_name" not in out.columns
    assert out.loc["Cognition and learning", "year_cost"] == pytest.approx(220)
    assert out.loc["No primary need recorded", "year_cost"] == pytest.approx(576)
    assert pd.isna(out.loc["Cognition and learning", "pupils"])  # 2 pupils: under the threshold of 5
    assert pd.isna(out.loc["Social, emotional and mental health", "pupils"])  # 1 pupil


def test_sql_summary_matches_the_frame_totals(seeded, viewers):
    """The provision map's totals come from SQL (provision_summary): the same figures as summarise over
    the viewer's allocations, for every breakdown and viewer; costs never reach a teacher."""
    from sendboard.provision.allocations import year_summary

    for who in ("head", "senco", "teacher", "teacher2"):
        viewer = viewers[who]
        frame = year_allocations(seeded, Scope(viewer, TODAY), 1, YEAR, TODAY)
        for by in ("year_group", "area", "wave", "intervention"):
            want = costs.summarise(frame, by, with_costs=viewer.sees_costs).reset_index(drop=True)
            got = year_summary(seeded, Scope(viewer, TODAY), 1, YEAR, TODAY, by)
            pd.testing.assert_frame_equal(got[list(want.columns)].reset_index(drop=True), want, check_dtype=False,
                                          rtol=1e-9, obj=f"{who} by {by}")
            assert viewer.sees_costs or not {"year_cost", "year_cost_to_date"} & set(got.columns)
    total = year_summary(seeded, Scope(viewers["head"], TODAY), 1, YEAR, TODAY, "all").iloc[0]
    # current = started and not ended: A (no end date recorded) and C -> 5 pupils in 2 interventions now
    assert total["pupils"] == 10 and total["pupils_now"] == 5 and total["interventions_now"] == 2
    assert total["year_cost"] == pytest.approx(1185)
    assert total["year_cost_to_date"] == pytest.approx(330 + 720 + 2 * 11.25 * 16 / 7)
    # and in SQL: a teacher's totals carry no costs whatever the Python does
    raw = seeded.query("provision_summary", scope=Scope(viewers["teacher"], TODAY), school_id=1,
                       academic_year=YEAR, as_at=TODAY, by="all")
    assert raw["pupils"].tolist() == [8] and raw["year_cost"].isna().all() and raw["year_cost_to_date"].isna().all()
    assert seeded.query("provision_summary", scope=Scope(viewers["governor"], TODAY), school_id=1,
                        academic_year=YEAR, as_at=TODAY, by="all").empty
