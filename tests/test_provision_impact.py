"""Measured impact, checked by hand on the catalogue of tests/test_provision_costs.py.

A (3 pupils, standardised score: population SD 15): gains 6, 4, 8 -> mean 6, SD 2, t(0.975, df 2) =
4.303, half-width 4.303 x 2 / sqrt 3 = 4.969 -> CI 1.031 to 10.969. Hedges' J on df 2 = 1 - 3/7 = 4/7;
effect 4/7 x 6/15 = 0.2286 (interval 4/7 x 1.031/15 = 0.0393 to 4/7 x 10.969/15 = 0.4179); on the EEF
table 0.23 is 3 months. (The old method, 6 / the SD of these three entry scores 5 = 1.2, was five times
too big.) Only 3 pupils: "Not enough data yet".
B (5 pupils, 'marks' on a "Maths test"): gains 5, 4, 6, 3, 7 -> mean 5, SD sqrt(2.5) = 1.581, t(df 4) =
2.776, half-width 1.963 -> CI 3.037 to 6.963; £144 a pupil -> £28.80 per point. No published SD for
marks and only 5 entry scores on the measure in the school (10 needed): effect unknown -> not judged.
C: entry scores only -> "Not enough data yet", never zero impact.
"""
from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from sendboard.access import AccessDenied
from sendboard.provision import impact
from sendboard.provision.allocations import year_allocations
from sendboard.scope import Scope
from tests.test_provision_costs import TODAY, YEAR, A, B, C, seed

J4 = 1 - 3 / 15  # Hedges' J on 4 degrees of freedom = 0.8


@pytest.fixture
def seeded(fixture_db):
    seed(fixture_db)
    return fixture_db


def _impact(db, viewer):
    frame = year_allocations(db, Scope(viewer, TODAY), 1, YEAR, TODAY)
    return impact.year_impact(db, Scope(viewer, TODAY), frame, 1, YEAR, TODAY).set_index("intervention_id")


def test_mean_gain_ci_and_effect_size_by_hand(seeded, viewers):
    out = _impact(seeded, viewers["senco"])
    a = out.loc[A]
    assert a["with_both_scores"] == 3 and a["mean_gain"] == pytest.approx(6) and a["sd_gain"] == pytest.approx(2)
    assert a["t_critical"] == pytest.approx(4.303, abs=5e-4)
    half = 4.302653 * 2 / math.sqrt(3)
    assert a["ci_low"] == pytest.approx(6 - half, abs=1e-4) and a["ci_high"] == pytest.approx(6 + half, abs=1e-4)
    assert a["ci_low"] == pytest.approx(1.031, abs=1e-3)
    assert a["sd_entry"] == pytest.approx(5) and a["population_sd"] == 15
    assert a["hedges_j"] == pytest.approx(4 / 7)
    assert a["effect_size"] == pytest.approx(0.228571, abs=1e-6)
    assert a["es_ci_low"] == pytest.approx(0.0393, abs=1e-4) and a["es_ci_high"] == pytest.approx(0.4179, abs=1e-4)
    assert a["months_progress"] == 3
    assert a["verdict"] == "Not enough data yet" and "Only 3 pupils have both" in a["reason"]
    b = out.loc[B]
    assert b["mean_gain"] == pytest.approx(5) and b["sd_gain"] == pytest.approx(math.sqrt(2.5))
    assert b["t_critical"] == pytest.approx(2.776, abs=5e-4)
    assert b["ci_low"] == pytest.approx(3.037, abs=1e-3) and b["ci_high"] == pytest.approx(6.963, abs=1e-3)
    assert pd.isna(b["effect_size"]) and pd.isna(b["population_sd"])
    assert b["cost_per_pupil"] == pytest.approx(144) and b["cost_per_pupil_per_gain"] == pytest.approx(28.8)
    assert b["verdict"] == "Not enough data yet" and "5 entry scores on this measure" in b["reason"]


def test_standardised_scale_uses_sd_15_and_good_value_needs_the_interval_above_zero(seeded, viewers):
    """B on a standardised scale: effect 0.8 x 5/15 = 0.2667, interval 0.8 x 3.037/15 = 0.1620 to
    0.8 x 6.963/15 = 0.3714, above zero with 5 pupils -> Good value; 0.27 is 4 months on the EEF table."""
    seeded.cursor().execute("UPDATE interventions SET measure_scale = 'standardised score' WHERE intervention_id = $i",
                            {"i": B})
    b = _impact(seeded, viewers["senco"]).loc[B]
    assert b["population_sd"] == 15 and b["hedges_j"] == pytest.approx(J4)
    assert b["effect_size"] == pytest.approx(J4 * 5 / 15)
    assert b["es_ci_low"] == pytest.approx(0.1620, abs=1e-4) and b["es_ci_high"] == pytest.approx(0.3714, abs=1e-4)
    assert b["months_progress"] == 4 and b["verdict"] == "Good value" and "+4 months' progress" in b["reason"]


def test_whole_school_spread_where_no_sd_is_published(seeded, viewers):
    """Five more entry scores on "Maths test" (last year's Maths club: 80, 100, 85, 95, 90) make ten with
    B's 90, 92, 94, 96, 98: mean 92, squared deviations 330, SD sqrt(330/9) = 6.0553. B's effect
    0.8 x 5/6.0553 = 0.6606 (interval 0.8 x 3.037/6.0553 = 0.4012 to 0.9199): 8 months, Good value."""
    cur = seeded.cursor()
    cur.execute("INSERT INTO interventions VALUES (9004, 1, 'Maths club', 'CL', 'targeted', 'teacher', 5, 1, 45, 10, 0,"
                " 'Maths test', 'marks', true, false)")
    for k, (pid, entry) in enumerate(zip((9, 10, 11, 12, 13), (80, 100, 85, 95, 90))):
        cur.execute("INSERT INTO allocations (allocation_id, pupil_id, intervention_id, start_date, end_date, entry_score)"
                    " VALUES ($id, $p, 9004, DATE '2024-10-01', DATE '2024-12-10', $e)", {"id": 9200 + k, "p": pid, "e": entry})
    b = _impact(seeded, viewers["senco"]).loc[B]
    assert b["population_sd"] == pytest.approx(math.sqrt(330 / 9))
    assert b["effect_size"] == pytest.approx(J4 * 5 / math.sqrt(330 / 9))
    assert b["es_ci_low"] == pytest.approx(0.4012, abs=1e-4) and b["es_ci_high"] == pytest.approx(0.9199, abs=1e-4)
    assert b["months_progress"] == 8 and b["verdict"] == "Good value"
    assert "spread of all 10 entry scores" in b["sd_source"]


def test_eef_months_table():
    cases = {0.0: 0, 0.01: 0, 0.02: 1, 0.09: 1, 0.10: 2, 0.18: 2, 0.19: 3, 0.26: 3, 0.27: 4, 0.37: 5, 0.44: 5,
             0.45: 6, 0.61: 7, 0.62: 8, 0.78: 9, 0.87: 10, 0.95: 11, 0.96: 12, 2.07: 12, -0.3: -4, -0.005: 0}
    for effect, months in cases.items():
        assert impact.eef_months(effect) == months, effect
    assert impact.eef_months(0.184) == 2 and impact.eef_months(0.186) == 3  # rounded to 2 places first


def test_harm_says_stop_or_change():
    row = {"with_both_scores": 8, "missing_exit": 0, "mean_gain": -4.0, "ci_low": -6.0, "ci_high": -2.0,
           "effect_size": -0.24, "es_ci_low": -0.36, "es_ci_high": -0.12, "months_progress": -3,
           "effect_basis": "gain", "measure_scale": "standardised", "cost_per_pupil": 300.0}
    verdict, reason = impact.verdict(row)
    assert verdict == "Review it" and "measurably worse" in reason and "-3 months' progress" in reason


def test_age_scale_takes_off_the_months_that_passed():
    """A reading age up 6 months over 91 days (2.99 months of growing older): 3.01 months beyond growth."""
    frame = pd.DataFrame({"entry_score": [100.0], "exit_score": [106.0], "higher_is_better": [True],
                          "measure_scale": ["months"], "start_date": [pd.Timestamp("2025-01-06")],
                          "end_date": [pd.Timestamp("2025-04-07")], "planned_end": [pd.Timestamp("2025-04-07")]})
    assert impact.gains(frame).iloc[0] == pytest.approx(6 - 91 / (365.25 / 12))
    assert pd.isna(impact.gains(frame, as_at=pd.Timestamp("2025-03-01").date()).iloc[0])


def test_no_exit_scores_is_not_enough_data_never_zero(seeded, viewers):
    c = _impact(seeded, viewers["head"]).loc[C]
    assert c["verdict"] == "Not enough data yet"
    assert c["with_both_scores"] == 0 and c["missing_exit"] == 2
    assert pd.isna(c["mean_gain"]) and pd.isna(c["effect_size"])
    assert "No pupil has both" in c["reason"] and "2 are waiting for an exit score" in c["reason"]


def test_lower_is_better_flips_the_sign():
    frame = pd.DataFrame({"entry_score": [70.0, 60.0], "exit_score": [62.0, None], "higher_is_better": [False, False]})
    gains = impact.gains(frame)
    assert gains.iloc[0] == 8 and pd.isna(gains.iloc[1])


def test_small_or_uncertain_gains_say_review_it():
    row = {"with_both_scores": 6, "missing_exit": 0, "mean_gain": 1.0, "ci_low": -0.5, "ci_high": 2.5,
           "effect_size": 0.06, "es_ci_low": -0.03, "es_ci_high": 0.15, "months_progress": 1, "effect_basis": "gain",
           "measure_scale": "marks", "cost_per_pupil": 300.0, "difference_in_gains": None}
    verdict, reason = impact.verdict(row)
    assert verdict == "Review it" and "includes 0" in reason and "negligible" in reason


def test_difference_in_gains_against_similar_pupils(seeded, viewers):
    """Maths boost spans autumn 2025 (20251) to spring 2026 (20252). Pupils 5-10 are given SPLD
    (cognition and learning); 1, 2 already have it. Participants 5-8 change 5, 6, 7, 6 on Maths (mean 6,
    SD sqrt(2/3)); pupils 1, 2, 9, 10 (Year 7, cognition and learning, not in it) change 1, 3, 2, 2
    (mean 2, SD sqrt(2/3)); pupil 4 (autism) has no similar pupil. Difference 4 on a standardised
    assessment (SD 15), Hedges' J on 4 + 4 - 2 = 6 df = 1 - 3/23: effect 0.8696 x 4/15 = 0.2319; standard
    error sqrt(2/3/4 + 2/3/4) = 0.5774, t(6) = 2.4469, half-width 1.4127: interval 0.8696 x 2.5873/15 =
    0.1500 to 0.8696 x 5.4127/15 = 0.3138. That effect replaces B's (unknown) pre-post one."""
    cur = seeded.cursor()
    for pid in (5, 6, 7, 8, 9, 10):
        cur.execute("INSERT INTO sen_needs (pupil_id, need_code, need_rank, start_date) VALUES ($p, 'SPLD', 1, DATE '2024-09-01')",
                    {"p": pid})
    for pid in range(1, 11):
        change = {1: 1, 2: 3, 4: 6, 5: 5, 6: 6, 7: 7, 8: 6, 9: 2, 10: 2}.get(pid, 2)
        cur.execute("INSERT INTO assessments VALUES ($p, 20251, 'Maths', 90, 'standardised', 100),"
                    " ($p, 20252, 'Maths', $s, 'standardised', 100)", {"p": pid, "s": 90 + change})
    b = _impact(seeded, viewers["senco"]).loc[B]
    assert b["compared_on"] == "Maths"
    assert b["participant_change"] == pytest.approx(6) and b["comparison_change"] == pytest.approx(2)
    assert b["difference_in_gains"] == pytest.approx(4) and b["comparison_pupils"] == 4
    j6 = 1 - 3 / 23
    assert b["effect_size"] == pytest.approx(j6 * 4 / 15)
    assert b["es_ci_low"] == pytest.approx(0.1500, abs=1e-4) and b["es_ci_high"] == pytest.approx(0.3138, abs=1e-4)
    assert b["verdict"] == "Good value" and "against 4 similar pupils not in it on termly Maths" in b["reason"]


def test_impact_summary_is_aggregate_and_refused_to_teachers(seeded, viewers):
    out = impact.impact_summary(seeded, Scope(viewers["governor"], TODAY), 1, YEAR, TODAY)
    assert not {"pupil_id", "first_name", "last_name"} & set(out.columns)
    a = out.set_index("intervention_id").loc[A]
    assert pd.isna(a["mean_gain"])  # 3 pupils: under the disclosure threshold for governors
    assert out.set_index("intervention_id").loc[B, "mean_gain"] == pytest.approx(5)
    with pytest.raises(AccessDenied):
        impact.impact_summary(seeded, Scope(viewers["teacher"], TODAY), 1, YEAR, TODAY)


def test_sql_figures_match_the_frame(seeded, viewers):
    """The impact page's per-intervention figures come from SQL (provision_impact): the same as
    intervention_impact over the allocations frame; teachers get nothing."""
    for who in ("head", "senco"):
        frame = year_allocations(seeded, Scope(viewers[who], TODAY), 1, YEAR, TODAY)
        cmp = impact.comparison(seeded, Scope(viewers[who], TODAY), 1, YEAR, TODAY)
        spreads = impact.cohort_spreads(seeded, Scope(viewers[who], TODAY), 1, TODAY)
        want = impact.intervention_impact(frame, cmp, spreads, TODAY)
        got = impact.with_verdicts(impact.intervention_figures(seeded, Scope(viewers[who], TODAY), 1, YEAR, TODAY), cmp)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-9)
    b = impact.intervention_figures(seeded, Scope(viewers["senco"], TODAY), 1, YEAR).set_index("intervention_id").loc[B]
    assert b["cost_per_pupil"] == pytest.approx(144) and b["ci_low"] == pytest.approx(3.037, abs=1e-3)
    with pytest.raises(AccessDenied):
        impact.intervention_figures(seeded, Scope(viewers["teacher"], TODAY), 1, YEAR)
    assert seeded.query("provision_impact", scope=Scope(viewers["teacher"], TODAY), school_id=1, academic_year=YEAR,
                        as_at=TODAY).empty


def test_impact_page_table_is_the_sql_one(seeded, viewers):
    out = impact.impact_for_year(seeded, Scope(viewers["head"], TODAY), 1, YEAR, TODAY)
    table = out["impact"].set_index("intervention_id")
    assert table.loc[B, "verdict"] == "Not enough data yet" and table.loc[C, "verdict"] == "Not enough data yet"
    assert len(out["pupils"]) == 10


def test_as_at_counts_only_scores_taken_by_then(seeded, viewers):
    """As at 2026-01-04, B (ends 2026-01-18) has entry scores only: 5 waiting, no gain; C had not started."""
    out = impact.intervention_figures(seeded, Scope(viewers["senco"], TODAY), 1, YEAR, date(2026, 1, 4)).set_index("intervention_id")
    assert out.loc[B, "with_both_scores"] == 0 and out.loc[B, "missing_exit"] == 5 and C not in out.index
    assert out.loc[A, "with_both_scores"] == 3
    frame = year_allocations(seeded, Scope(viewers["senco"], TODAY), 1, YEAR, date(2026, 1, 4))
    pupils = impact.pupil_gains(frame, date(2026, 1, 4))
    assert pupils["exit_score"].notna().sum() == 3 and len(pupils) == 8


def test_t_quantiles_without_a_statistics_library():
    """Published two-sided 95% values of Student's t (any statistics table)."""
    table = {1: 12.706, 2: 4.303, 4: 2.776, 6: 2.447, 10: 2.228, 30: 2.042, 120: 1.980}
    for df, t in table.items():
        assert impact.t_quantile(0.975, df) == pytest.approx(t, abs=5e-4), df
    assert pd.isna(impact.t_critical([0.5])[0])
