"""Key-factor self-evaluation: the shipped factors, dated ratings kept as history, the trend, the data
beside each factor, and the demo seeding."""
from datetime import date

import pytest

from sendboard import clock
from sendboard.access import AccessDenied
from sendboard.scope import Scope
from sendboard.statutory import StatutoryError
from sendboard.statutory import self_evaluation as se


def _count(db, sql):
    return db.cursor().execute(sql).fetchone()[0]


def test_eight_factors_with_three_to_five_statements_loaded_idempotently(fixture_db):
    frame = se.key_factors_frame()
    assert frame["factor_code"].tolist() == ["culture", "teaching", "expertise", "tailored", "strategies",
                                             "tracking", "communication", "adulthood"]
    counts = frame["statements"].str.split("|").map(len)
    assert counts.between(3, 5).all()
    assert se.load_key_factors(fixture_db) == 8
    assert se.load_key_factors(fixture_db) == 8
    assert _count(fixture_db, "SELECT count(*) FROM ref_key_factors") == 8
    assert se.key_factors(fixture_db).iloc[0]["name"] == "Culture, leadership and management"


def test_two_rounds_are_both_kept_and_the_trend_is_right(fixture_db, viewers):
    se.load_key_factors(fixture_db)
    senco, head = viewers["senco"], viewers["head"]
    se.record_rating(fixture_db, Scope(senco, clock.today()), 1, factor_code="culture", rating=2, rated_on=date(2025, 6, 1),
                     evidence="SEND in the plan", next_actions="Report to governors")
    se.record_rating(fixture_db, Scope(senco, clock.today()), 1, factor_code="tracking", rating=3, rated_on=date(2025, 6, 1))
    se.record_rating(fixture_db, Scope(head, clock.today()), 1, factor_code="culture", rating=3, rated_on=date(2026, 1, 10),
                     evidence="Governors now get termly figures")
    se.record_rating(fixture_db, Scope(head, clock.today()), 1, factor_code="tracking", rating=2, rated_on=date(2026, 1, 10))
    se.record_rating(fixture_db, Scope(head, clock.today()), 1, factor_code="expertise", rating=1, rated_on=date(2026, 1, 10))
    history = se.ratings_history(fixture_db, Scope(senco, clock.today()), 1)
    assert len(history) == 5 and _count(fixture_db, "SELECT count(*) FROM key_factor_ratings") == 5
    latest = se.latest_self_evaluation(fixture_db, Scope(viewers["governor"], clock.today()), 1).set_index("factor_code")
    assert latest.loc["culture", ["latest_rating", "previous_rating", "change"]].tolist() == [3, 2, 1]
    assert latest.loc["culture", "trend"] == "↑ Up from 2 Developing"
    assert latest.loc["culture", "evidence"] == "Governors now get termly figures"
    assert latest.loc["tracking", "trend"] == "↓ Down from 3 Established"
    assert latest.loc["expertise", "trend"] == "First rating"
    assert latest.loc["teaching", "latest_label"] == "Not rated yet"
    table = se.rating_table(history, se.key_factors(fixture_db)).set_index("factor")
    assert list(table.columns) == ["1 Jun 2025", "10 Jan 2026"]
    assert table.loc["Culture, leadership and management"].tolist() == [2, 3]
    changes = _count(fixture_db, "SELECT count(*) FROM audit_log WHERE action = 'self_evaluation_changed'")
    assert changes == 5


def test_a_second_rating_on_the_same_day_counts_without_overwriting(fixture_db, viewers):
    se.load_key_factors(fixture_db)
    for rating in (2, 3):
        se.record_rating(fixture_db, Scope(viewers["senco"], clock.today()), 1, factor_code="teaching", rating=rating, rated_on=date(2026, 1, 10))
    latest = se.latest_self_evaluation(fixture_db, Scope(viewers["senco"], clock.today()), 1).set_index("factor_code")
    assert latest.loc["teaching", "latest_rating"] == 3 and latest.loc["teaching", "rounds"] == 1
    assert len(se.ratings_history(fixture_db, Scope(viewers["senco"], clock.today()), 1)) == 2


def test_bad_ratings_and_wrong_roles_are_refused(fixture_db, viewers):
    se.load_key_factors(fixture_db)
    with pytest.raises(StatutoryError):
        se.record_rating(fixture_db, Scope(viewers["senco"], clock.today()), 1, factor_code="nonsense", rating=2, rated_on=date(2026, 1, 1))
    with pytest.raises(StatutoryError):
        se.record_rating(fixture_db, Scope(viewers["senco"], clock.today()), 1, factor_code="culture", rating=5, rated_on=date(2026, 1, 1))
    with pytest.raises(StatutoryError):
        se.record_rating(fixture_db, Scope(viewers["senco"], date(2026, 1, 20)), 1, factor_code="culture", rating=2, rated_on=date(2026, 2, 1))
    with pytest.raises(StatutoryError):
        se.record_rating(fixture_db, Scope(viewers["senco"], clock.today()), 2, factor_code="culture", rating=2, rated_on=date(2026, 1, 1))
    for who in ("governor", "teacher", "admin"):
        with pytest.raises(AccessDenied):
            se.record_rating(fixture_db, Scope(viewers[who], clock.today()), 1, factor_code="culture", rating=2, rated_on=date(2026, 1, 1))
    with pytest.raises(AccessDenied):
        se.latest_self_evaluation(fixture_db, Scope(viewers["teacher"], clock.today()), 1)
    assert _count(fixture_db, "SELECT count(*) FROM key_factor_ratings") == 0


def test_seeding_writes_three_dated_rounds_once(fixture_db, viewers):
    assert se.seed_demo_self_evaluations(fixture_db, 1, date(2026, 1, 20), 42) == 24
    assert se.seed_demo_self_evaluations(fixture_db, 1, date(2026, 1, 20), 42) == 0
    history = se.ratings_history(fixture_db, Scope(viewers["head"], clock.today()), 1)
    assert history["rated_on"].nunique() == 3 and history["factor_code"].nunique() == 8
    assert all(d.weekday() < 5 and d < date(2026, 1, 20) for d in history["rated_on"])
    assert history["rating"].between(1, 4).all()


def test_factor_evidence_has_figures_for_the_data_backed_factors(fixture_db, viewers):
    from tests.test_statutory_ehc import AS_AT, _make_year_nine, add_ehc_rows
    from tests.test_statutory_expertise import add_training_rows

    add_ehc_rows(fixture_db)
    _make_year_nine(fixture_db)
    add_training_rows(fixture_db)
    ev = se.factor_evidence(fixture_db, Scope(viewers["senco"], AS_AT), 1, AS_AT)
    assert {"culture", "tailored", "tracking", "expertise", "teaching", "adulthood"} <= set(ev["factor_code"])
    by = {(r.factor_code, r.measure): r.value for r in ev.itertuples()}
    assert by[("culture", "Statutory deadlines overdue now")] == "3"
    assert by[("adulthood", "Year 9+ pupils with EHC plans with outcomes in all four areas")] == "50% (1 of 2)"
    assert by[("expertise", "Gini coefficient of training records")] == "0.38"
    assert by[("tailored", "EHC annual reviews on time")] == "2024/25: 100% (2 of 2 due); 2025/26 so far: 0% (0 of 2 due)"


def test_the_page_records_a_rating(fixture_path):
    from sendboard.app_db import open_database
    from tests.apptest_helpers import all_text, signed_in

    db = open_database(fixture_path)
    se.load_key_factors(db)
    at = signed_in("head", page="pages/self_evaluation.py", term_id=20252)
    assert not at.exception
    assert "No ratings recorded yet" in all_text(at)
    rating = next(r for r in at.radio if r.label == "Rating")
    rating.set_value(3)
    next(t for t in at.text_area if t.label == "Evidence").input("Learning walks *every* week <b>")
    next(b for b in at.button if b.label == "Save rating").click()
    at.run()
    assert not at.exception
    text = all_text(at)
    assert "Saved: Culture, leadership and management rated 3 Established" in text
    shown = [m.value for m in at.markdown if "Learning walks" in m.value]
    assert shown and all("\\*every\\*" in v and "\\<b\\>" in v for v in shown)  # escaped: shown as typed
    assert _count(db, "SELECT count(*) FROM key_factor_ratings WHERE evidence LIKE 'Learning walks%'") == 1
