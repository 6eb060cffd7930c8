"""Staff expertise: the concentration measure worked by hand, coverage against the need mix on the
fixture, renewals, and audited changes by the roles that may make them.

Training added to the fixture (as at 2026-01-20), staff 101 Tess, 102 Tom, 103 Sam (SENCO), 104 Ann (TA):
  - 103: CI specialist (current), CL enhanced (current), SEMH awareness expired 2025-12-01
  - 104: CI awareness expiring 2026-03-01 (40 days: current, expiring)
  - 102: SEMH awareness, no expiry (current)
  - 101: none
Current records per person: 103 -> 2, 104 -> 1, 102 -> 1, 101 -> 0 (4 staff, 4 records).
  top tenth = ceil(0.4) = 1 person holding 2 of 4 = 50%;
  Gini, sorted [0, 1, 1, 2]: 2 * (1*0 + 2*1 + 3*1 + 4*2) / (4 * 4) - 5/4 = 26/16 - 1.25 = 0.375.
Need mix (primary need, on register): CI 3 (pupils 4, 11, 12), CL 2 (1, 2), SEMH 1 (3) of 6.
"""
from datetime import date

import pytest

from sendboard import clock
from sendboard.access import AccessDenied
from sendboard.scope import Scope
from sendboard.statutory import StatutoryError, expertise
from tests.classroom_helpers import load_reference

AS_AT = date(2026, 1, 20)


def add_training_rows(db):
    load_reference(db)
    db.cursor().execute(
        "INSERT INTO training (training_id, staff_id, course, area, level, completed_on, expires_on) VALUES "
        "(701, 103, 'Autism specialist', 'CI', 'specialist', DATE '2024-06-01', NULL), "
        "(702, 103, 'Precision teaching', 'CL', 'enhanced', DATE '2025-01-10', DATE '2028-01-10'), "
        "(703, 103, 'Attachment awareness', 'SEMH', 'awareness', DATE '2022-12-01', DATE '2025-12-01'), "
        "(704, 104, 'Speech and language basics', 'CI', 'awareness', DATE '2023-03-01', DATE '2026-03-01'), "
        "(705, 102, 'Emotion coaching', 'SEMH', 'awareness', DATE '2025-09-01', NULL)")


def test_concentration_on_a_hand_worked_ten_person_staff():
    # 10 staff, 20 records: the most-trained person (ceil(10% of 10) = 1) holds 10 of 20.
    result = expertise.concentration([0, 0, 0, 1, 1, 1, 2, 2, 3, 10])
    assert result["top_n"] == 1 and result["records"] == 20
    assert result["top_share"] == pytest.approx(0.5)
    # Sorted ascending, sum(i * x_i) = 4+5+6+14+16+27+100 = 172; G = 2*172/(10*20) - 11/10 = 0.62.
    assert result["gini"] == pytest.approx(0.62)


def test_concentration_edge_cases():
    assert expertise.concentration([3, 3, 3, 3])["gini"] == pytest.approx(0.0)
    assert expertise.concentration([0, 0, 0, 5])["gini"] == pytest.approx(0.75)  # (n-1)/n when one holds all
    assert expertise.concentration([0, 0])["top_share"] is None
    assert expertise.concentration([1] * 11)["top_n"] == 2  # ceil(1.1)


def test_training_concentration_on_the_fixture(fixture_db, viewers):
    add_training_rows(fixture_db)
    result = expertise.training_concentration(fixture_db, Scope(viewers["senco"], clock.today()), 1, AS_AT)
    assert (result["staff"], result["records"], result["top_n"], result["staff_with_any"]) == (4, 4, 1, 3)
    assert result["top_share"] == pytest.approx(0.5)
    assert result["gini"] == pytest.approx(0.375)


def test_coverage_against_need_mix(fixture_db, viewers):
    add_training_rows(fixture_db)
    cover = expertise.training_coverage(fixture_db, Scope(viewers["governor"], clock.today()), 1, AS_AT).set_index("area_code")
    assert cover.loc["CI", ["send_pupils", "staff_trained", "specialist_staff"]].tolist() == [3, 2, 1]
    assert cover.loc["CI", "pct_of_send"] == pytest.approx(50.0) and cover.loc["CI", "pct_of_staff"] == pytest.approx(50.0)
    assert cover.loc["CL", ["send_pupils", "staff_trained"]].tolist() == [2, 1]
    assert cover.loc["SEMH", ["send_pupils", "staff_trained"]].tolist() == [1, 1]  # Sam's SEMH course expired
    assert cover.loc["SP", ["send_pupils", "staff_trained"]].tolist() == [0, 0]
    assert not {"pupil_id", "staff_id", "name"} & set(cover.columns)


def test_renewals_list_expired_and_expiring(fixture_db, viewers):
    add_training_rows(fixture_db)
    watch = expertise.expiry_watch(fixture_db, Scope(viewers["senco"], clock.today()), 1, AS_AT)
    assert watch["training_id"].tolist() == [703, 704]
    assert watch.iloc[0]["state"].endswith(expertise.EXPIRED) and watch.iloc[1]["state"].endswith(expertise.EXPIRING)


def _audit(db, action="training_changed"):
    return db.cursor().execute("SELECT username, object_id, old_value, new_value FROM audit_log WHERE action = $a "
                               "ORDER BY audit_id", {"a": action}).fetchall()


def test_admin_adds_training_and_senco_changes_an_expiry_both_audited(fixture_db, viewers):
    add_training_rows(fixture_db)
    new_id = expertise.add_training(fixture_db, Scope(viewers["admin"], clock.today()), 1, staff_id=101, course="Dyslexia awareness",
                                    area="CL", level="awareness", completed_on=date(2026, 1, 10), expires_on=None)
    cover = expertise.training_coverage(fixture_db, Scope(viewers["senco"], clock.today()), 1, AS_AT).set_index("area_code")
    assert cover.loc["CL", "staff_trained"] == 2
    expertise.set_training_expiry(fixture_db, Scope(viewers["senco"], clock.today()), 1, 704, date(2029, 3, 1))
    watch = expertise.expiry_watch(fixture_db, Scope(viewers["senco"], clock.today()), 1, AS_AT)
    assert watch["training_id"].tolist() == [703]
    rows = _audit(fixture_db)
    assert [(r[0], r[1]) for r in rows] == [("admin", str(new_id)), ("senco", "704")]
    assert "2026-03-01" in rows[1][2] and "2029-03-01" in rows[1][3]


def test_bad_changes_are_refused_with_a_reason(fixture_db, viewers):
    add_training_rows(fixture_db)
    with pytest.raises(StatutoryError, match="before"):
        expertise.set_training_expiry(fixture_db, Scope(viewers["head"], clock.today()), 1, 702, date(2024, 1, 1))
    with pytest.raises(StatutoryError, match="course"):
        expertise.add_training(fixture_db, Scope(viewers["head"], clock.today()), 1, staff_id=101, course="  ", area="CL",
                               level="awareness", completed_on=AS_AT, expires_on=None)
    with pytest.raises(StatutoryError, match="not at this school"):
        expertise.add_training(fixture_db, Scope(viewers["head"], clock.today()), 2, staff_id=101, course="X", area="CL",
                               level="awareness", completed_on=AS_AT, expires_on=None)
    for who in ("teacher", "governor"):
        with pytest.raises(AccessDenied):
            expertise.add_training(fixture_db, Scope(viewers[who], clock.today()), 1, staff_id=101, course="X", area="CL",
                                   level="awareness", completed_on=AS_AT, expires_on=None)
    with pytest.raises(AccessDenied):
        expertise.training_records(fixture_db, Scope(viewers["governor"], clock.today()), 1, AS_AT)
    assert _audit(fixture_db) == []


def test_the_page_adds_a_course_for_admin(fixture_path):
    from sendboard.app_db import open_database
    from tests.apptest_helpers import all_text, signed_in

    db = open_database(fixture_path)
    add_training_rows(db)
    at = signed_in("admin", page="pages/expertise.py", term_id=20252)
    assert not at.exception
    assert "Held by the top 1 staff" in all_text(at)
    course = next(t for t in at.text_input if t.label == "Course")
    course.input("Makaton signing")
    next(b for b in at.button if b.label == "Add course").click()
    at.run()
    assert not at.exception
    assert "Added Makaton signing" in all_text(at)
    assert db.cursor().execute("SELECT count(*) FROM training WHERE course = 'Makaton signing'").fetchone()[0] == 1
