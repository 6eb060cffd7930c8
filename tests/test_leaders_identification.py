"""Identification figures on the fixture school, worked by hand (see tests/leaders_helpers.py)."""
from __future__ import annotations

import math
from datetime import date

import pytest

from sendboard.leaders import identification as ident
from sendboard.scope import Scope
from tests.leaders_helpers import AS_AT, seed, seeded_results

TODAY = date(2026, 1, 20)


@pytest.fixture(scope="module")
def data(_fixture_template, tmp_path_factory):
    return seeded_results(_fixture_template, tmp_path_factory.mktemp("leaders_identification"),
                          lambda db, v: ident.identification(db, Scope(v["senco"], TODAY), 1, AS_AT))


def test_risk_ratio_log_method():
    # 4 of 5 disadvantaged pupils against 2 of the other 15: RR 6.0,
    # SE = sqrt(1/4 - 1/5 + 1/2 - 1/15) = 0.695222, CI = 6 * exp(-/+ 1.96 * SE) = 1.536 to 23.44
    rr, low, high = ident.risk_ratio(4, 5, 2, 15)
    assert rr == pytest.approx(6.0)
    assert low == pytest.approx(1.5359, abs=1e-3) and high == pytest.approx(23.439, abs=1e-2)
    assert ident.risk_ratio(6, 10, 0, 10) == (None, None, None)


def rows(data, dimension):
    return data["rates"][data["rates"]["dimension"] == dimension].set_index("value")


def test_disadvantage_is_flagged_because_the_ci_excludes_one(data):
    r = rows(data, "Disadvantaged").loc["Disadvantaged"]
    assert (r["pupils"], r["on_register"], r["rate"]) == (5, 4, 80.0)
    assert r["rest_rate"] == pytest.approx(100 * 2 / 15)
    assert r["relative_likelihood"] == pytest.approx(6.0) and r["finding"] == ident.MORE


def test_year_group_difference_is_not_flagged(data):
    r = rows(data, "Year group").loc["Year 7"]
    assert (r["pupils"], r["on_register"], r["rate"], r["rest_rate"]) == (10, 4, 40.0, 20.0)
    se = math.sqrt(1 / 4 - 1 / 10 + 1 / 2 - 1 / 10)
    assert r["ci_low"] == pytest.approx(2 * math.exp(-1.959964 * se))  # 0.4675: includes 1
    assert r["finding"] == ident.NO_CLEAR


def test_gender_with_no_boys_on_the_register_is_too_few_to_tell(data):
    g = rows(data, "Gender")
    assert g.loc["Girls", "rate"] == 60.0 and g.loc["Boys", "rate"] == 0.0
    assert g.loc["Girls", "finding"] == ident.TOO_FEW


def test_season_of_birth(data):
    s = rows(data, "Season of birth")
    # autumn (Sep-Dec): pupils 8, 9, 10, 11, 20 -> 1 on register; spring: 1, 2, 3, 12, 13, 14, 15 -> 4; summer: 8 pupils -> 1
    assert s.loc["Autumn-born (Sep-Dec)", ["pupils", "on_register"]].tolist() == [5, 1]
    assert s.loc["Spring-born (Jan-Apr)", ["pupils", "on_register"]].tolist() == [7, 4]
    assert s.loc["Summer-born (May-Aug)", ["pupils", "on_register"]].tolist() == [8, 1]
    assert s.loc["Spring-born (Jan-Apr)", "relative_likelihood"] == pytest.approx((4 / 7) / (2 / 13))
    assert list(s.index) == ["Autumn-born (Sep-Dec)", "Spring-born (Jan-Apr)", "Summer-born (May-Aug)"]


def test_forms(data):
    f = rows(data, "Form")
    assert f.loc["7A", "rate"] == 40.0 and f.loc["8A", "rate"] == 20.0


def test_national_comparison(data):
    nat = data["national"].set_index("measure")
    boys = nat.loc["Boys as a share of pupils on the register"]
    assert (boys["school_pct"], boys["national_pct"], boys["national_year"]) == (0.0, 61.0, "2024/25")
    fsm = nat.loc["Free school meals: share of pupils on SEN support"]
    assert (fsm["school_pct"], fsm["national_pct"]) == (75.0, 39.0)
    assert nat.loc["Free school meals: share of pupils with an EHC plan", "national_year"] == "not published"


def test_pupils_of_concern_are_open_and_off_the_register(data):
    assert data["concerns"]["pupil_id"].tolist() == [7]
    assert data["concerns"]["Area"].tolist() == ["Cognition and learning"]


def test_possibly_unidentified_ranked_by_strength_of_evidence(data):
    """Off the register: pupil 6 has progress in the lowest 10% in both terms (4 points), spring 2026
    scores in the lowest 10% (English 89, Maths 93: mean 91, second lowest of 20 after pupil 1's 88; 2
    points) and two suspensions (1): 7 points, strong. Pupil 7 has an open concern only (2; progress
    low in autumn but not spring); pupil 9 attendance 88.0% only (1): weaker signs, not the list to act on."""
    un = data["unidentified"].set_index("pupil_id")
    assert list(un.index) == [6]
    assert un.loc[6, "Points"] == 7 and un.loc[6, "Evidence"] == "Strong"
    assert un.loc[6, "Why"].startswith("Progress in the lowest 10% in both Autumn 2025 and Spring 2026")
    assert "-6.0 and -3.0" in un.loc[6, "Why"] and "(mean 91)" in un.loc[6, "Why"]
    assert un.loc[6, "Why"].endswith("Suspended 2 times this year")
    weaker = data["weaker_signs"].set_index("pupil_id")
    assert list(weaker.index) == [7, 9]
    assert (weaker.loc[7, "Points"], weaker.loc[7, "Why"], weaker.loc[7, "Open concern"]) == (2, "A concern is open", "Yes")
    assert weaker.loc[9, "Why"] == "Attendance 88.0% this year (below 90%)" and weaker.loc[9, "Points"] == 1
    assert data["progress_info"]["terms"] == ["Autumn 2025", "Spring 2026"]


def test_thresholds_can_be_changed(fixture_db, viewers):
    seed(fixture_db)
    wider = ident.identification(fixture_db, Scope(viewers["senco"], TODAY), 1, AS_AT, 15, 91)
    # 15% (3 lowest): progress 20251 = 6, 7, 1 and 20252 = 1, 6, 8; spring scores 1 (88), 6 (91), 7 (96).
    # Pupil 7: concern 2 + scores 2 = 4 (moderate); pupil 8: spring progress only, 1; 91%: pupil 10 (90.0%), 1.
    assert wider["unidentified"]["pupil_id"].tolist() == [6, 7]
    assert wider["unidentified"]["Evidence"].tolist() == ["Strong", "Moderate"]
    assert sorted(wider["weaker_signs"]["pupil_id"]) == [8, 9, 10]
    stricter = ident.identification(fixture_db, Scope(viewers["senco"], TODAY), 1, AS_AT, 5, 80)
    # 5% (1 lowest): pupil 6 progress in autumn only; pupil 1 lowest in spring (on the register)
    assert stricter["unidentified"].empty


def test_findings_list_one_side_of_a_two_way_split(data):
    found = ident.findings(data["rates"])
    assert found["value"].tolist() == ["Disadvantaged"]  # "Not disadvantaged" is the same finding turned round
