"""The trust home: the trust's totals against national for each phase, and the schools most in need of
attention, ranked by the rule in docs/methods.md and checked by hand (tests/trust_helpers.py)."""
import pytest

from sendboard import trust_compare as tc
from sendboard.access import AccessDenied
from sendboard.leaders import national
from tests.apptest_helpers import all_text, signed_in
from tests.trust_helpers import AS_AT, add_ehc_rows


def test_totals_are_the_schools_summed_with_each_phase_against_its_own_national(fixture_db, viewers):
    home = tc.trust_home(fixture_db, viewers["trust"], AS_AT)
    totals = home["totals"]
    # Oak Lane 20 on roll (4 SEN support, 2 EHC plans), Elm Road 1 (1 SEN support).
    assert (totals["schools"], totals["on_roll"], totals["sen_support"], totals["ehc_plans"]) == (2, 21, 5, 2)
    assert totals["sen_support_pct"] == pytest.approx(100 * 5 / 21)
    assert totals["ehc_pct"] == pytest.approx(100 * 2 / 21)
    [secondary] = totals["phases"]
    figures = national.national_frame(fixture_db, "secondary")
    expected = national.pick(figures, "sen_support_pct", "secondary", 2025)
    assert secondary["national_sen_support_pct"] == pytest.approx(expected.value)
    assert national.year_label(expected.academic_year) in secondary["national_years"]


def test_the_schools_needing_attention_follow_the_written_rule(fixture_db, viewers):
    add_ehc_rows(fixture_db)
    attention = tc.trust_home(fixture_db, viewers["trust"], AS_AT)["attention"]
    assert [(a.school, a.points) for a in attention] == [("Oak Lane Academy", 2), ("Elm Road School", 2)]
    assert attention[0].reason == ("1 EHC annual review overdue now; 1 EHC plan short of its hours; "
                                   "50% of last year's annual reviews held on time")
    assert attention[1].reason == "1 EHC annual review overdue now; 1 EHC plan short of its hours"


def test_a_school_with_nothing_late_is_not_listed(fixture_db, viewers):
    assert tc.trust_home(fixture_db, viewers["trust"], AS_AT)["attention"] == []


def test_more_late_work_ranks_first_whatever_the_tie_break():
    import pandas as pd

    frame = pd.DataFrame([
        {"school": "A", "school_id": 1, "ehc_overdue_now": 1, "ehc_hours_short": 0, "ehc_on_time_pct": 10.0, "attendance_gap": -9.0},
        {"school": "B", "school_id": 2, "ehc_overdue_now": 2, "ehc_hours_short": 1, "ehc_on_time_pct": 100.0, "attendance_gap": 0.0},
        {"school": "C", "school_id": 3, "ehc_overdue_now": 0, "ehc_hours_short": 3, "ehc_on_time_pct": 90.0, "attendance_gap": -2.0},
        {"school": "D", "school_id": 4, "ehc_overdue_now": 0, "ehc_hours_short": 3, "ehc_on_time_pct": 90.0, "attendance_gap": -5.0},
        {"school": "E", "school_id": 5, "ehc_overdue_now": 0, "ehc_hours_short": 0, "ehc_on_time_pct": 0.0, "attendance_gap": -20.0},
    ])
    # B, C and D have 3 points; C and D tie on 90% and D's gap is wider; A has 1; E has none.
    assert [a.school for a in tc.schools_needing_attention(frame)] == ["D", "C", "B"]
    assert [a.school for a in tc.schools_needing_attention(frame, n=5)] == ["D", "C", "B", "A"]


def test_only_the_trust_lead_has_the_trust_home(fixture_db, viewers):
    with pytest.raises(AccessDenied):
        tc.trust_home(fixture_db, viewers["head"], AS_AT)


def test_the_home_page_shows_the_trust_and_its_schools_needing_attention(fixture_path, fixture_db):
    add_ehc_rows(fixture_db)
    at = signed_in("trust", page="pages/home.py", term_id=20252)
    assert not at.exception
    text = all_text(at)
    assert "The trust at a glance" in text and "Pupils on roll 21" in text
    assert "1. Oak Lane Academy" in text and "2. Elm Road School" in text
    assert "Pupil" not in text.replace("Pupils", "")  # no pupil's name
    # each school in the list opens its own pages, as that school
    # the pages its reasons point to, not all nine
    assert {b.key for b in at.button if b.key.startswith("attention-2-")} == {
        "attention-2-pages/ehc_plans.py", "attention-2-pages/outcomes.py", "attention-2-pages/overview.py"}
    at.button(key="attention-2-pages/ehc_plans.py").click().run()
    assert at.session_state["school_id"] == 2
