"""The trust view: schools side by side, figures checked by hand on the fixture trust."""
from datetime import date

import pytest

from sendboard import clock, trust
from sendboard.access import AccessDenied
from sendboard.scope import Scope
from tests.apptest_helpers import all_text, signed_in

AS_AT = date(2026, 1, 15)


def test_register_by_school_matches_the_fixture(fixture_db, viewers):
    frame = trust.register_by_school(fixture_db, Scope(viewers["trust"], clock.today()), AS_AT).set_index("school")
    assert frame.loc["Oak Lane Academy", ["on_roll", "sen_support", "ehc_plans"]].tolist() == [20, 4, 2]
    assert frame.loc["Elm Road School", ["on_roll", "sen_support", "ehc_plans"]].tolist() == [1, 1, 0]
    assert frame.loc["Oak Lane Academy", "sen_support_pct"] == pytest.approx(20.0)
    assert frame.loc["Oak Lane Academy", "ehc_pct"] == pytest.approx(10.0)


def test_a_head_sees_only_their_own_school_and_a_governor_nothing(fixture_db, viewers):
    assert trust.register_by_school(fixture_db, Scope(viewers["head"], clock.today()), AS_AT)["school"].tolist() == ["Oak Lane Academy"]
    with pytest.raises(AccessDenied):
        trust.register_by_school(fixture_db, Scope(viewers["governor"], clock.today()), AS_AT)


def test_need_mix_shares_of_send_pupils(fixture_db, viewers):
    mix = trust.need_mix_by_school(fixture_db, Scope(viewers["trust"], clock.today()), AS_AT)
    oak = mix[mix["school"] == "Oak Lane Academy"].set_index("area")
    # Oak Lane's six pupils with SEND: SPLD x2 (cognition), SEMH, SLCN + ASD x2 (communication).
    assert oak.loc["Communication and interaction", "pupils"] == 3
    assert oak.loc["Cognition and learning", "pct_of_send"] == pytest.approx(100 * 2 / 6)


def test_outcome_gaps_by_school(fixture_db, viewers):
    cur = fixture_db.cursor()
    for pid in range(1, 21):  # pupils with SEND (1-4, 11, 12) score 90; the rest 104
        score = 90 if pid in (1, 2, 3, 4, 11, 12) else 104
        cur.execute("INSERT INTO assessments VALUES ($p, 20252, 'Maths', $s, 'standardised', 100)", {"p": pid, "s": score})
        cur.execute("INSERT INTO attendance VALUES ($p, 20251, 100, $a)", {"p": pid, "a": 88 if score == 90 else 96})
    gaps = trust.outcome_gaps_by_school(fixture_db, Scope(viewers["trust"], clock.today()), date(2026, 2, 1)).set_index("school")
    assert gaps.loc["Oak Lane Academy", "score_gap"] == pytest.approx(-14)
    assert gaps.loc["Oak Lane Academy", "attendance_gap"] == pytest.approx(-8)


def test_trust_page_renders_for_the_trust_lead(fixture_path):
    at = signed_in("trust", page="pages/trust.py", term_id=20252)
    assert not at.exception
    text = all_text(at)
    assert "Oak Lane Academy" in text and "Elm Road School" in text
    assert "Pupil01" not in text


def test_the_national_figure_is_the_schools_own_phase(fixture_db, viewers):
    cur = fixture_db.cursor()
    cur.execute("DELETE FROM ref_national WHERE measure IN ('sen_support_pct', 'ehc_plan_pct')")
    cur.execute("INSERT INTO ref_national VALUES (2022, 'secondary', 'sen_support_pct', 12.4, 'test'),"
                " (2024, 'all', 'sen_support_pct', 14.2, 'test'), (2022, 'secondary', 'ehc_plan_pct', 2.4, 'test')")
    frame = trust.register_by_school(fixture_db, Scope(viewers["trust"], clock.today()), AS_AT).set_index("school")
    # The secondary figure, though older, not the newer all-schools one (which counts special schools).
    assert frame.loc["Oak Lane Academy", "national_sen_support_pct"] == pytest.approx(12.4)
    assert frame.loc["Oak Lane Academy", "national_ehc_pct"] == pytest.approx(2.4)


@pytest.mark.parametrize("phase", ["primary", "secondary", "all-through"])
def test_national_marks_follow_the_overview_rule(fixture_db, viewers, phase):
    """trust_register picks the national figure in SQL: it must agree with leaders.national.pick."""
    from sendboard.leaders import national

    cur = fixture_db.cursor()
    cur.execute("UPDATE schools SET phase = $p", {"p": phase})
    cur.execute("DELETE FROM ref_national WHERE measure IN ('sen_support_pct', 'ehc_plan_pct')")
    cur.execute("INSERT INTO ref_national VALUES (2021, 'secondary', 'sen_support_pct', 11.0, 't'),"
                " (2023, 'secondary', 'sen_support_pct', 12.0, 't'), (2027, 'secondary', 'sen_support_pct', 13.0, 't'),"
                " (2024, 'all', 'sen_support_pct', 14.0, 't'), (2026, 'primary', 'sen_support_pct', 15.0, 't'),"
                " (2027, 'primary', 'ehc_plan_pct', 2.0, 't'), (2028, 'primary', 'ehc_plan_pct', 2.5, 't'),"
                " (2020, 'all', 'ehc_plan_pct', 3.0, 't'), (2025, 'all', 'ehc_plan_pct', 3.5, 't')")
    for as_at in (date(2019, 10, 1), date(2022, 3, 1), date(2024, 9, 2), date(2026, 1, 15), date(2030, 1, 1)):
        frame = trust.register_by_school(fixture_db, Scope(viewers["trust"], clock.today()), as_at)
        year = as_at.year if as_at.month >= 9 else as_at.year - 1
        nat = national.national_frame(fixture_db, phase)
        for measure, column in (("sen_support_pct", "national_sen_support_pct"), ("ehc_plan_pct", "national_ehc_pct")):
            figure = national.pick(nat, measure, phase, year)
            assert frame[column].tolist() == [figure.value] * len(frame), (phase, as_at, measure)
