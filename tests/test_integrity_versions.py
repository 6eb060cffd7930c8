"""No lost edits: a save made from an older version of a record is refused, with the other person's change
shown and the person's own typing kept; saving again after seeing it replaces theirs."""
from __future__ import annotations

import threading
from datetime import date

import pytest

from sendboard import versions
from sendboard.app_db import open_database
from sendboard.classroom import passport, reviews
from sendboard.provision import allocations as alloc
from sendboard.provision import catalogue as cat
from sendboard.scope import Scope
from sendboard.versions import StaleEdit
from tests.apptest_helpers import signed_in
from tests.classroom_helpers import add_classroom_rows
from tests.fixture_school import TODAY


@pytest.fixture
def school(fixture_db):
    add_classroom_rows(fixture_db)
    return fixture_db


def test_a_stale_passport_save_is_refused_with_their_change(school, viewers):
    senco, teacher = viewers["senco"], viewers["teacher"]
    opened = versions.current(school, "passport", 4)[0]
    assert opened == 0  # never saved through a form yet
    # the teacher and the SENCO both open pupil 4's passport at version 0; the teacher saves first
    assert passport.save_passport(school, Scope(teacher, TODAY), 4, {"strengths": "Drawing and maths"}, expected_version=opened) == ["strengths"]
    assert versions.current(school, "passport", 4)[:2] == (1, "teacher")
    with pytest.raises(StaleEdit) as err:
        passport.save_passport(school, Scope(senco, TODAY), 4, {"strengths": "Drawing"}, expected_version=opened)
    exc = err.value
    assert exc.theirs == {"strengths": "Drawing and maths"} and exc.changed_by == "teacher"
    assert "teacher changed this passport" in str(exc) and "Your text is still in the form" in str(exc)
    row = school.cursor().execute("SELECT strengths FROM passports WHERE pupil_id = 4").fetchone()
    assert row == ("Drawing and maths",)  # the teacher's change stands
    # having seen it, the SENCO saves again from version 1: a deliberate replacement
    assert passport.save_passport(school, Scope(senco, TODAY), 4, {"strengths": "Drawing"}, expected_version=1) == ["strengths"]
    assert versions.current(school, "passport", 4)[:2] == (2, "senco")


def test_plans_targets_allocations_and_catalogue_refuse_stale_saves(school, viewers):
    senco = viewers["senco"]
    reviews.edit_plan(school, Scope(senco, TODAY), 8001, review_due=date(2026, 2, 1), assess_note="First", expected_version=0)
    with pytest.raises(StaleEdit) as err:
        reviews.edit_plan(school, Scope(senco, TODAY), 8001, review_due=date(2026, 2, 2), assess_note="Second", expected_version=0)
    assert err.value.theirs == {"review_due": date(2026, 2, 1), "assess_note": "First"}
    with pytest.raises(StaleEdit):
        reviews.close_plan(school, Scope(senco, TODAY), 8001, closed_on=TODAY, expected_version=0)
    reviews.close_target(school, Scope(senco, TODAY), 1, 9002, closed_on=TODAY, expected_version=0)
    assert versions.current(school, "plan_target", 9002)[0] == 1
    alloc_id = int(school.cursor().execute("SELECT allocation_id FROM allocations WHERE pupil_id = 2").fetchone()[0])
    alloc.edit_allocation(school, Scope(senco, TODAY), alloc_id, {"group_label": "A"}, expected_version=0)
    with pytest.raises(StaleEdit) as err:
        alloc.edit_allocation(school, Scope(senco, TODAY), alloc_id, {"group_label": "B"}, expected_version=0)
    assert err.value.theirs == {"group_label": "A"}
    values = cat._row(school, 7001)
    edit = {k: values[k] for k in cat.FIELDS} | {"areas": ["CL"], "name": "Reading catch-up plus"}
    cat.edit_intervention(school, senco, 7001, edit, expected_version=0)
    with pytest.raises(StaleEdit):
        cat.edit_intervention(school, senco, 7001, edit | {"name": "Reading club"}, expected_version=0)
    assert school.cursor().execute("SELECT name FROM interventions WHERE intervention_id = 7001").fetchone()[0] == "Reading catch-up plus"


def test_two_saves_at_the_same_moment_one_wins_one_is_refused(school, viewers):
    results = []
    barrier = threading.Barrier(2)

    def save(viewer, text):
        barrier.wait()
        try:
            passport.save_passport(school, Scope(viewer, TODAY), 1, {"strengths": text}, expected_version=0)
            results.append("saved")
        except StaleEdit:
            results.append("refused")

    threads = [threading.Thread(target=save, args=(viewers["senco"], "From the SENCO")),
               threading.Thread(target=save, args=(viewers["teacher"], "From the teacher"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["refused", "saved"]
    assert versions.current(school, "passport", 1)[0] == 1


def test_in_the_app_the_second_person_sees_the_refusal_and_keeps_their_text(school, fixture_path, viewers):
    page = dict(page="pages/passport.py", passport_pupil=4)
    mine = signed_in("senco", **page)
    theirs = signed_in("teacher", **page)
    # both have the passport open; the teacher saves first
    theirs.text_area(key="pp_strengths_4").input("The teacher's wording")
    next(b for b in theirs.button if b.label == "Save passport").click()
    theirs.run()
    assert not theirs.exception
    mine.text_area(key="pp_strengths_4").input("The SENCO's wording")
    next(b for b in mine.button if b.label == "Save passport").click()
    mine.run()
    assert not mine.exception
    errors = " ".join(e.value for e in mine.error)
    assert "teacher changed this passport" in errors
    assert "The teacher's wording" in [t.value for t in mine.text]  # their version, shown as text
    assert mine.text_area(key="pp_strengths_4").value == "The SENCO's wording"  # my typing kept
    db = open_database(fixture_path)
    assert db.cursor().execute("SELECT strengths FROM passports WHERE pupil_id = 4").fetchone() == ("The teacher's wording",)
    # having read theirs, saving again replaces it
    next(b for b in mine.button if b.label == "Save passport").click()
    mine.run()
    assert not mine.exception and not mine.error
    assert db.cursor().execute("SELECT strengths FROM passports WHERE pupil_id = 4").fetchone() == ("The SENCO's wording",)


def test_a_review_recorded_after_anothers_is_refused_with_theirs_shown(school, viewers):
    teacher, senco = viewers["teacher"], viewers["senco"]
    # both open pupil 1's review form; target 9002 is at version 0
    reviews.record_review(school, Scope(teacher, TODAY), 1, 9002, "emerging", "Reads 6 of 10 words", TODAY, expected_version=0)
    with pytest.raises(StaleEdit) as err:
        reviews.record_review(school, Scope(senco, TODAY), 1, 9002, "achieved", "Reads all 10", TODAY, expected_version=0)
    assert err.value.theirs["note"] == "Reads 6 of 10 words" and err.value.theirs["recorded_by"] == "teacher"
    assert school.cursor().execute("SELECT count(*) FROM plan_reviews WHERE target_id = 9002").fetchone()[0] == 1
    reviews.record_review(school, Scope(senco, TODAY), 1, 9002, "achieved", "Reads all 10", TODAY, expected_version=1)
    assert school.cursor().execute("SELECT count(*) FROM plan_reviews WHERE target_id = 9002").fetchone()[0] == 2


def test_in_the_app_a_stale_allocation_save_is_refused_and_the_form_keeps_the_typing(school, fixture_path):
    alloc_id = int(school.cursor().execute("SELECT allocation_id FROM allocations WHERE pupil_id = 2").fetchone()[0])
    page = dict(page="pages/provision_map.py", term_id=20252, pm_tab="Add or change allocations")  # its open tab only
    mine, theirs = signed_in("senco", **page), signed_in("senco", **page)
    for at in (mine, theirs):
        at.selectbox(key="pm_alloc_choice").set_value(alloc_id)
        at.run()
    theirs.text_input(key=f"pm_alloc_{alloc_id}_label").input("Group T")
    next(b for b in theirs.button if b.label == "Save changes").click()
    theirs.run()
    assert not theirs.exception
    mine.text_input(key=f"pm_alloc_{alloc_id}_label").input("Group M")
    next(b for b in mine.button if b.label == "Save changes").click()
    mine.run()
    assert not mine.exception
    assert any("after you opened it" in e.value for e in mine.error), [e.value for e in mine.error]
    assert mine.text_input(key=f"pm_alloc_{alloc_id}_label").value == "Group M"
    assert "Group T" in [t.value for t in mine.text]
    db = open_database(fixture_path)
    assert db.cursor().execute("SELECT group_label FROM allocations WHERE allocation_id = $a", {"a": alloc_id}).fetchone() == ("Group T",)
