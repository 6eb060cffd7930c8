"""Overview figures on the fixture school, worked by hand (see tests/leaders_helpers.py)."""
from __future__ import annotations

from datetime import date

import pytest

from sendboard.leaders import register
from sendboard.scope import Scope
from tests.leaders_helpers import AS_AT, seeded_results

TODAY = date(2026, 1, 20)


@pytest.fixture(scope="module")
def data(_fixture_template, tmp_path_factory):
    return seeded_results(_fixture_template, tmp_path_factory.mktemp("leaders_register"),
                          lambda db, v: register.overview(db, Scope(v["head"], TODAY), 1, "secondary", AS_AT))


def test_headline_counts_and_shares(data):
    assert data["summary"] == {"on_roll": 20, "sen_support": 4, "ehc_plan": 2, "on_register": 6,
                               "sen_support_pct": 20.0, "ehc_plan_pct": 10.0, "on_register_pct": 30.0}


def test_national_is_the_same_phase_nearest_earlier_year_and_says_so(data):
    support, ehc = data["national_support"], data["national_ehc"]
    assert (support.value, support.academic_year, support.phase) == (12.0, 2024, "secondary")
    assert (ehc.value, ehc.academic_year) == (2.5, 2024)
    assert "2024/25" in support.note and "no 2025/26 figure" in support.note


def test_earlier_years_at_the_same_census_point(data):
    comp = data["comparison"]
    past = comp[comp["kind"] == "School, earlier year"]
    # spring 2025 census (15 Jan 2025): pupil 5 was still on SEN support -> 5 of 20
    assert past["what"].tolist() == ["This school, Spring 2025 census (15 Jan 2025)"]
    assert past[["sen_support", "sen_support_pct", "ehc_plan", "ehc_plan_pct"]].iloc[0].tolist() == [5, 25.0, 2, 10.0]
    nat = comp[comp["kind"] == "National"]
    assert len(nat) == 1 and nat[["sen_support_pct", "ehc_plan_pct"]].iloc[0].tolist() == [12.0, 2.5]


def test_trend_over_every_census_held(data):
    trend = data["trend"]
    assert trend["term_id"].tolist() == [20241, 20242, 20243, 20251, 20252]
    assert trend["sen_support"].tolist() == [5, 5, 5, 4, 4]
    assert trend["ehc_plan"].tolist() == [2] * 5
    assert trend["sen_support_pct"].tolist() == [25.0, 25.0, 25.0, 20.0, 20.0]


def test_by_year_group(data):
    by_year = data["by_year"].set_index("year_group")
    assert by_year.loc[7, ["on_roll", "sen_support", "ehc_plan"]].tolist() == [10, 3, 1]
    assert by_year.loc[7, "sen_support_pct"] == 30.0 and by_year.loc[8, "sen_support_pct"] == 10.0
    assert by_year.loc[8, "ehc_plan_pct"] == 10.0


def test_need_mix_for_ehc_plans_beside_national(data):
    mix = register.need_mix(data["need_counts"], data["codes"], data["national"], 2025, "EHC plan", "need").set_index("code")
    assert mix.loc["ASD", ["pupils", "pct", "national_pct"]].tolist() == [2, 100.0, 30.0]
    assert mix.loc["SLCN", ["pupils", "pct", "national_pct"]].tolist() == [0, 0.0, 20.0]
    # 2016 SPLD figure is from another year than the 2024 mix: never stitched in
    assert mix.loc["SPLD", "national_note"] == "not published"
    areas = register.need_mix(data["need_counts"], data["codes"], data["national"], 2025, "EHC plan", "area").set_index("label")
    # CI = ASD + SLCN, both published for 2024
    assert areas.loc["Communication and interaction", ["pupils", "pct", "national_pct"]].tolist() == [2, 100.0, 50.0]
    assert areas.loc["Cognition and learning", "national_note"] == "not published"


def test_need_mix_for_sen_support_and_with_secondary_needs(data):
    mix = register.need_mix(data["need_counts"], data["codes"], data["national"], 2025, "SEN support", "need").set_index("code")
    assert mix.loc["SPLD", ["pupils", "pct", "national_pct"]].tolist() == [2, 50.0, 22.0]
    assert mix.loc["SEMH", "pct"] == 25.0 and mix.loc["SLCN", "pct"] == 25.0
    areas = register.need_mix(data["need_counts"], data["codes"], data["national"], 2025, "SEN support", "area").set_index("label")
    assert areas.loc["Cognition and learning", "pct"] == 50.0
    both = register.need_mix(data["need_counts"], data["codes"], data["national"], 2025, "On the register", "need",
                             include_secondary=True).set_index("code")
    # SLCN: pupil 11 (primary) and pupil 4 (secondary) of the 6 on the register
    assert both.loc["SLCN", "pupils"] == 2 and round(both.loc["SLCN", "pct"], 1) == 33.3
    assert both["national_pct"].isna().all()


def test_drill_down_lists_the_pupils_behind_a_bar(data):
    roster, codes = data["roster"], data["codes"]
    choices = register.drill_choices(roster, codes)
    slcn = register.pupil_list(roster, codes, **choices["Type of need: Speech, Language and Communication Needs (SLCN)"])
    assert slcn["pupil_id"].tolist() == [11]
    both = register.pupil_list(roster, codes, include_secondary=True, **choices["Type of need: Speech, Language and Communication Needs (SLCN)"])
    assert sorted(both["pupil_id"]) == [4, 11]
    year7 = register.pupil_list(roster, codes, **choices["Year 7: SEN support"])
    assert sorted(year7["pupil_id"]) == [1, 2, 3]
    four = both.set_index("pupil_id").loc[4]
    assert four["SEN status"] == "EHC plan" and "ASD, primary" in four["Needs"] and "SLCN, secondary" in four["Needs"]


def test_trust_sees_the_other_school_and_head_does_not(fixture_db, viewers):
    trust = register.roster(fixture_db, Scope(viewers["trust"], TODAY), 2, AS_AT)
    assert trust["pupil_id"].tolist() == [21]
    assert register.roster(fixture_db, Scope(viewers["head"], TODAY), 2, AS_AT).empty
