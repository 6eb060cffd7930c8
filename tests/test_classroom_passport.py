"""Passport edits: who may change which field, history of old and new wording, and the audit."""
import pytest

from sendboard.access import AccessDenied
from sendboard.classroom import passport
from sendboard.classroom.passport import PassportError
from sendboard.scope import Scope
from tests.classroom_helpers import TODAY, add_classroom_rows, audit_rows


@pytest.fixture
def school(fixture_db):
    add_classroom_rows(fixture_db)
    return fixture_db


def _history(db, pupil_id):
    return db.cursor().execute("SELECT field, old_value, new_value, changed_by FROM classroom_history "
                               "WHERE object_type = 'passport' AND pupil_id = $p ORDER BY history_id", {"p": pupil_id}).fetchall()


def test_teachers_edit_the_settings_fields_and_the_senco_edits_all(school, viewers):
    assert passport.editable_fields(school, viewers["teacher"]) == ["strengths", "interests", "what_helps", "what_does_not_help"]
    assert passport.editable_fields(school, viewers["senco"]) == list(passport.FIELDS)
    assert passport.editable_fields(school, viewers["head"]) == []
    changed = passport.save_passport(school, Scope(viewers["teacher"], TODAY), 4, {"strengths": "Brilliant at drawing and maths",
                                                                     "interests": "Trains"})
    assert changed == ["strengths"]  # interests unchanged: no history row for it
    with pytest.raises(AccessDenied):
        passport.save_passport(school, Scope(viewers["teacher"], TODAY), 4, {"pupil_voice": "changed"})
    passport.save_passport(school, Scope(viewers["senco"], TODAY), 4, {"pupil_voice": "I like maps"})
    assert _history(school, 4) == [
        ("strengths", "Brilliant at drawing", "Brilliant at drawing and maths", "teacher"),
        ("pupil_voice", "I like to know what is next", "I like maps", "senco"),
    ]
    audited = audit_rows(school, "passport_changed")
    assert audited[0][0] == "teacher" and "Brilliant at drawing" in audited[0][3] and "and maths" in audited[0][4]
    pp = passport.passport(school, Scope(viewers["teacher"], TODAY), 4, TODAY)
    assert pp["strengths"] == "Brilliant at drawing and maths" and pp["pupil_voice"] == "I like maps"
    assert len(pp["history"]) == 2


def test_a_first_passport_is_created_for_a_pupil_without_one(school, viewers):
    passport.save_passport(school, Scope(viewers["teacher"], TODAY), 2, {"what_helps": "Coloured overlay"})
    assert _history(school, 2) == [("what_helps", None, "Coloured overlay", "teacher")]


def test_over_long_text_is_refused(school, viewers):
    with pytest.raises(PassportError, match="2,001 characters"):
        passport.save_passport(school, Scope(viewers["senco"], TODAY), 4, {"strengths": "x" * 2001})
    assert _history(school, 4) == []


def test_a_teacher_cannot_edit_another_class_pupil(school, viewers):
    with pytest.raises(AccessDenied):
        passport.save_passport(school, Scope(viewers["teacher"], TODAY), 11, {"strengths": "x"})
    assert audit_rows(school, "access_refused")[-1][:2] == ("teacher", 11)
    assert passport.pupil_choices(school, Scope(viewers["teacher"], TODAY), 1, TODAY)["pupil_id"].tolist() == list(range(1, 11))
