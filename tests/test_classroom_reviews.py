"""Recording reviews: validation, scoping, plans and history, and two people saving at once."""
import threading
from datetime import date, timedelta

import pytest

from sendboard.access import AccessDenied
from sendboard.classroom import reviews
from sendboard.classroom.reviews import ReviewError
from sendboard.scope import Scope
from tests.apptest_helpers import signed_in
from tests.classroom_helpers import TODAY, add_classroom_rows, audit_rows


def _count(db):
    return db.cursor().execute("SELECT count(*) FROM plan_reviews").fetchone()[0]


@pytest.fixture
def school(fixture_db):
    add_classroom_rows(fixture_db)
    return fixture_db


def test_a_teacher_records_a_review_and_it_is_audited(school, viewers):
    review_id = reviews.record_review(school, Scope(viewers["teacher"], TODAY), 1, 9002, "emerging", "Read 6 of 10 words",
                                      date(2026, 1, 19))
    row = school.cursor().execute("SELECT plan_id, target_id, rating, note, recorded_by, reviewed_on FROM plan_reviews "
                                  "WHERE review_id = $r", {"r": review_id}).fetchone()
    assert row == (8002, 9002, "emerging", "Read 6 of 10 words", "teacher", date(2026, 1, 19))
    assert audit_rows(school, "review_recorded")[-1][:2] == ("teacher", 1)
    history = reviews.reviews(school, Scope(viewers["senco"], TODAY), 1)
    assert history["note"].tolist() == ["Read 6 of 10 words"]


@pytest.mark.parametrize("note, when, target, message", [
    ("", TODAY, 9002, "cannot be empty"),
    ("   ", TODAY, 9002, "cannot be empty"),
    ("x" * 2001, TODAY, 9002, "2,001 characters"),
    ("fine", TODAY + timedelta(days=1), 9002, "in the future"),
    ("fine", TODAY, 9001, "does not belong to this pupil"),      # pupil 3's target
    ("fine", TODAY, 9011, "does not belong to this pupil"),      # 8A pupil's target
    ("fine", TODAY, 424242, "does not belong to this pupil"),    # no such target
    ("fine", TODAY, 9003, "closed"),
])
def test_bad_reviews_are_refused_and_nothing_is_saved(school, viewers, note, when, target, message):
    before = _count(school)
    with pytest.raises(ReviewError, match=message):
        reviews.record_review(school, Scope(viewers["teacher"], TODAY), 1, target, "achieved", note, when)
    assert isinstance(ReviewError("x"), ValueError)
    assert _count(school) == before


def test_a_rating_must_be_chosen(school, viewers):
    with pytest.raises(ReviewError, match="choose a rating"):
        reviews.record_review(school, Scope(viewers["teacher"], TODAY), 1, 9002, None, "note", TODAY)


def test_a_teacher_cannot_review_another_class_pupil(school, viewers):
    with pytest.raises(AccessDenied):
        reviews.record_review(school, Scope(viewers["teacher"], TODAY), 11, 9011, "achieved", "note", TODAY)
    assert audit_rows(school, "access_refused")[-1][:2] == ("teacher", 11)
    assert _count(school) == 0


def test_two_people_saving_at_the_same_moment_both_keep_their_reviews(school, viewers):
    people = [viewers["teacher"], viewers["senco"]] * 4
    barrier = threading.Barrier(len(people))
    errors = []

    def save(i, viewer):
        try:
            barrier.wait()
            reviews.record_review(school, Scope(viewer, TODAY), 1, 9002, "emerging", f"review {i}", TODAY)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(i, v)) for i, v in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    notes = sorted(r[0] for r in school.cursor().execute("SELECT note FROM plan_reviews WHERE target_id = 9002").fetchall())
    assert notes == sorted(f"review {i}" for i in range(len(people)))
    assert len(audit_rows(school, "review_recorded")) == len(people)


def test_the_senco_opens_edits_and_closes_a_plan_keeping_history(school, viewers):
    senco = viewers["senco"]
    plan_id = reviews.open_plan(school, Scope(senco, TODAY), 2, start_date=date(2026, 1, 5), review_due=date(2026, 3, 20),
                                assess_note="Reading age 8y2m", target_texts=["Blend CVC words", "", "Use a word mat"])
    targets = reviews.targets(school, Scope(senco, TODAY), 2)
    assert targets["description"].tolist() == ["Blend CVC words", "Use a word mat"]
    reviews.edit_plan(school, Scope(senco, TODAY), plan_id, review_due=date(2026, 3, 27), assess_note="Reading age 8y4m")
    history = school.cursor().execute(
        "SELECT field, old_value, new_value FROM classroom_history WHERE object_id = $p ORDER BY history_id",
        {"p": plan_id}).fetchall()
    assert ("review_due", "2026-03-20", "2026-03-27") in history
    assert ("assess_note", "Reading age 8y2m", "Reading age 8y4m") in history
    reviews.record_review(school, Scope(viewers["teacher"], TODAY), 2, int(targets["target_id"].iloc[0]), "achieved", "All 20",
                          TODAY)
    reviews.close_plan(school, Scope(senco, TODAY), plan_id, closed_on=TODAY)
    plans = reviews.plans(school, Scope(senco, TODAY), 2)
    assert str(plans.loc[plans["plan_id"] == plan_id, "closed_on"].iloc[0])[:10] == "2026-01-20"
    assert reviews.reviews(school, Scope(senco, TODAY), 2)["note"].tolist() == ["All 20"]  # reviews survive closing
    with pytest.raises(ReviewError, match="closed"):
        reviews.record_review(school, Scope(viewers["teacher"], TODAY), 2, int(targets["target_id"].iloc[0]), "achieved", "again",
                              TODAY)
    assert [r[0] for r in audit_rows(school, "plan_closed")] == ["senco"]


def test_only_the_senco_manages_plans(school, viewers):
    for who in ("teacher", "head"):
        with pytest.raises(AccessDenied):
            reviews.open_plan(school, Scope(viewers[who], TODAY), 1, start_date=TODAY, review_due=TODAY + timedelta(days=30),
                              assess_note=None, target_texts=["x"])
    with pytest.raises(ReviewError, match="at least one target"):
        reviews.open_plan(school, Scope(viewers["senco"], TODAY), 1, start_date=TODAY, review_due=TODAY + timedelta(days=30),
                          assess_note=None, target_texts=["  "])


def test_the_page_shows_the_message_and_keeps_the_text(fixture_path):
    from sendboard.app_db import open_database

    db = open_database(fixture_path)
    add_classroom_rows(db)
    at = signed_in("teacher", page="pages/passport.py", term_id=20252, passport_pupil=1)
    at.radio[0].set_value("emerging")
    at.text_area(key="review_note_1").set_value("x" * 2100)
    form_buttons = [b for b in at.get("form_submit_button") if b.label == "Save review"]
    form_buttons[0].click()
    at.run()
    assert not at.exception
    assert any("2,100 characters" in e.value for e in at.error)
    assert at.text_area(key="review_note_1").value == "x" * 2100
    assert _count(db) == 0
    at.text_area(key="review_note_1").set_value("Read 8 of 10")
    [b for b in at.get("form_submit_button") if b.label == "Save review"][0].click()
    at.run()
    assert not at.exception and not at.error
    assert _count(db) == 1


def test_the_pupil_and_parents_views_are_recorded_with_the_review(fixture_path):
    from sendboard.app_db import open_database

    db = open_database(fixture_path)
    add_classroom_rows(db)
    at = signed_in("teacher", page="pages/passport.py", term_id=20252, passport_pupil=1)
    at.radio[0].set_value("achieved")
    at.text_area(key="review_note_1").set_value("Reads 10 of 10 high-frequency words")
    at.text_area(key="review_pupil_voice_1").set_value("I like the word games")
    at.text_area(key="review_parent_voice_1").set_value("   ")  # blank is stored as nothing, not as spaces
    [b for b in at.get("form_submit_button") if b.label == "Save review"][0].click()
    at.run()
    assert not at.exception and not at.error
    row = db.cursor().execute("SELECT note, pupil_voice, parent_voice FROM plan_reviews ORDER BY review_id DESC LIMIT 1").fetchone()
    assert row == ("Reads 10 of 10 high-frequency words", "I like the word games", None)
    assert at.text_area(key="review_pupil_voice_1").value == ""  # the form is cleared for the next review
    # The review history table (the History tab now also lists the plan's next review date moving on).
    history = [d.value for d in at.dataframe if "pupil_voice" in d.value.columns][-1]
    assert "I like the word games" in set(history["pupil_voice"])
