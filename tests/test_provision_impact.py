"""Measured impact, checked by hand on the catalogue of tests/test_provision_costs.py.

A (3 pupils): gains 6, 4, 8 -> mean 6, SD 2, t(0.975, df 2) = 4.303, half-width 4.303 x 2 / sqrt 3 =
4.969 -> CI 1.031 to 10.969; entry SD 5 -> effect size 1.2. Only 3 pupils: "Not enough data yet".
B (5 pupils): gains 5, 4, 6, 3, 7 -> mean 5, SD sqrt(2.5) = 1.581, t(df 4) = 2.776, half-width 1.963 ->
CI 3.037 to 6.963; entry SD sqrt(10) = 3.162 -> effect size 1.581; £144 a pupil -> £28.80 per point.
C: entry scores only -> "Not enough data yet", never zero impact.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from sendboard.access import AccessDenied
from sendboard.provision import impact
from sendboard.provision.allocations import year_allocations
from tests.test_provision_costs import A, B, C, TODAY, YEAR, seed


@pytest.fixture
def seeded(fixture_db):
    seed(fixture_db)
    return fixture_db


def _impact(db, viewer):
    frame = year_allocations(db, viewer, 1, YEAR, TODAY, TODAY)
    return impact.year_impact(db, viewer, frame, 1, YEAR, TODAY).set_index("intervention_id")


def test_mean_gain_ci_and_effect_size_by_hand(seeded, viewers):
    out = _impact(seeded, viewers["senco"])
    a = out.loc[A]
    assert a["with_both_scores"] == 3 and a["mean_gain"] == pytest.approx(6) and a["sd_gain"] == pytest.approx(2)
    assert a["t_critical"] == pytest.approx(4.303, abs=5e-4)
    half = 4.302653 * 2 / math.sqrt(3)
    assert a["ci_low"] == pytest.approx(6 - half, abs=1e-4) and a["ci_high"] == pytest.approx(6 + half, abs=1e-4)
    assert a["ci_low"] == pytest.approx(1.031, abs=1e-3)
    assert a["sd_entry"] == pytest.approx(5) and a["effect_size"] == pytest.approx(1.2)
    assert a["verdict"] == "Not enough data yet" and "Only 3 pupils have both" in a["reason"]
    b = out.loc[B]
    assert b["mean_gain"] == pytest.approx(5) and b["sd_gain"] == pytest.approx(math.sqrt(2.5))
    assert b["t_critical"] == pytest.approx(2.776, abs=5e-4)
    assert b["ci_low"] == pytest.approx(3.037, abs=1e-3) and b["ci_high"] == pytest.approx(6.963, abs=1e-3)
    assert b["effect_size"] == pytest.approx(5 / math.sqrt(10))
    assert b["cost_per_pupil"] == pytest.approx(144) and b["cost_per_pupil_per_gain"] == pytest.approx(28.8)
    assert b["verdict"] == "Good value"


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
           "effect_size": 0.1, "measure_scale": "marks", "cost_per_pupil": 300.0, "difference_in_gains": None}
    verdict, reason = impact.verdict(row)
    assert verdict == "Review it" and "includes 0" in reason and "negligible" in reason


def test_difference_in_gains_against_similar_pupils(seeded, viewers):
    """Maths boost spans autumn 2025 (20251) to spring 2026 (20252). Pupils 5-10 are given SPLD
    (cognition and learning); 1, 2 already have it. Participants 5-8 gain 6 on Maths; pupils 1, 2, 9, 10
    (Year 7, cognition and learning, not in it) gain 2; pupil 4 (autism) has no similar pupil."""
    cur = seeded.cursor()
    for pid in (5, 6, 7, 8, 9, 10):
        cur.execute("INSERT INTO sen_needs (pupil_id, need_code, need_rank, start_date) VALUES ($p, 'SPLD', 1, DATE '2024-09-01')",
                    {"p": pid})
    for pid in range(1, 11):
        change = 6 if pid in (4, 5, 6, 7, 8) else 2
        cur.execute("INSERT INTO assessments VALUES ($p, 20251, 'Maths', 90, 'standardised', 100),"
                    " ($p, 20252, 'Maths', $s, 'standardised', 100)", {"p": pid, "s": 90 + change})
    b = _impact(seeded, viewers["senco"]).loc[B]
    assert b["compared_on"] == "Maths"
    assert b["participant_change"] == pytest.approx(6) and b["comparison_change"] == pytest.approx(2)
    assert b["difference_in_gains"] == pytest.approx(4) and b["comparison_pupils"] == 4
    assert b["verdict"] == "Good value" and "moved +4.0 points against similar pupils" in b["reason"]


def test_impact_summary_is_aggregate_and_refused_to_teachers(seeded, viewers):
    out = impact.impact_summary(seeded, viewers["governor"], 1, YEAR, TODAY)
    assert not {"pupil_id", "first_name", "last_name"} & set(out.columns)
    a = out.set_index("intervention_id").loc[A]
    assert pd.isna(a["mean_gain"])  # 3 pupils: under the disclosure threshold for governors
    assert out.set_index("intervention_id").loc[B, "mean_gain"] == pytest.approx(5)
    with pytest.raises(AccessDenied):
        impact.impact_summary(seeded, viewers["teacher"], 1, YEAR, TODAY)


def test_sql_figures_match_the_frame(seeded, viewers):
    """The impact page's per-intervention figures come from SQL (provision_impact): the same as
    intervention_impact over the allocations frame; teachers get nothing."""
    for who in ("head", "senco"):
        frame = year_allocations(seeded, viewers[who], 1, YEAR, TODAY, TODAY)
        cmp = impact.comparison(seeded, viewers[who], 1, YEAR, TODAY)
        want = impact.intervention_impact(frame, cmp)
        got = impact.with_verdicts(impact.intervention_figures(seeded, viewers[who], 1, YEAR), cmp)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-9)
    b = impact.intervention_figures(seeded, viewers["senco"], 1, YEAR).set_index("intervention_id").loc[B]
    assert b["cost_per_pupil"] == pytest.approx(144) and b["ci_low"] == pytest.approx(3.037, abs=1e-3)
    with pytest.raises(AccessDenied):
        impact.intervention_figures(seeded, viewers["teacher"], 1, YEAR)
    assert seeded.query("provision_impact", viewer_id=viewers["teacher"].user_id, school_id=1, academic_year=YEAR).empty


def test_impact_page_table_is_the_sql_one(seeded, viewers):
    out = impact.impact_for_year(seeded, viewers["head"], 1, YEAR, TODAY, TODAY)
    table = out["impact"].set_index("intervention_id")
    assert table.loc[B, "verdict"] == "Good value" and table.loc[C, "verdict"] == "Not enough data yet"
    assert len(out["pupils"]) == 10
