"""The class profile reads its group, pupils and cards in one statement (classroom_class_cards); the
passport reads the same things through the separate per-pupil statements. Both must give the same cards,
and the lesson notes drawn from the profile must be what timetable.this_lesson says."""
from datetime import date

from sendboard import timetable
from sendboard.classroom import profile
from sendboard.importers import commit
from sendboard.scope import Scope
from tests.classroom_helpers import TODAY, add_classroom_rows
from tests.test_figures_timetable import TIMETABLE, _import, _seed_sessions

G7A, G8A = 201, 202


def _cards_through_the_separate_statements(db, scope, group_id, as_at):
    members = [int(r[0]) for r in db.query_rows("classroom_group_member_ids", scope=scope, group_id=group_id,
                                                as_at=as_at)]
    return profile.build_cards(profile.pupil_frames(db, scope, members, as_at), as_at)


def test_one_statement_gives_the_cards_of_the_separate_statements(fixture_db, viewers):
    add_classroom_rows(fixture_db)
    _seed_sessions(fixture_db)
    cur = fixture_db.cursor()
    # what tells an order or a date test apart: a second and third target for pupil 1 (set later, and on
    # the same day with a higher id), a concern closed before TODAY, two reviews of one target
    cur.execute("INSERT INTO plan_targets VALUES (9004, 8002, 'Spell 5 key words', 'CL', DATE '2025-12-01', NULL),"
                " (9000, 8002, 'Ask for help', 'CL', DATE '2025-11-01', NULL)")
    cur.execute("INSERT INTO concerns (pupil_id, raised_on, raised_by, area, reason, closed_on) VALUES "
                "(5, DATE '2025-10-01', 'teacher', 'SEMH', 'Closed worry', DATE '2025-11-01')")
    for user, group in (("teacher", G7A), ("teacher2", G8A), ("senco", G7A), ("senco", G8A), ("head", G8A)):
        scope = Scope(viewers[user], TODAY)
        for as_at in (TODAY, date(2025, 9, 15)):
            prof = profile.class_profile(fixture_db, scope, group, as_at)
            assert prof["cards"] == _cards_through_the_separate_statements(fixture_db, scope, group, as_at), (user, group)
            needs = fixture_db.query("classroom_needs", scope=scope, as_at=as_at, pupil_ids=[
                int(r[0]) for r in fixture_db.query_rows("classroom_group_member_ids", scope=scope, group_id=group,
                                                         as_at=as_at)])
            assert prof["needs"][["pupil_id", "need_code", "need_rank"]].values.tolist() == \
                needs[["pupil_id", "need_code", "need_rank"]].values.tolist()
    # 7A by hand (tests/classroom_helpers): ten pupils, five with a card; its group row as classroom_group has it
    prof = profile.class_profile(fixture_db, Scope(viewers["teacher"], TODAY), G7A, TODAY)
    assert prof["summary"]["pupils"] == 10
    assert sorted(c["pupil_id"] for c in prof["cards"]) == [1, 2, 3, 4, 6]
    assert prof["group"]["name"] == "7A" and prof["group"]["group_id"] == G7A


def test_a_group_not_yours_is_none_and_an_empty_one_is_an_empty_profile(fixture_db, viewers):
    add_classroom_rows(fixture_db)
    teacher = Scope(viewers["teacher"], TODAY)
    assert profile.class_profile(fixture_db, teacher, G8A, TODAY) is None
    # before anyone joined 7A: the teacher may still open it, and it has no pupils
    before = profile.class_profile(fixture_db, teacher, G7A, date(2000, 1, 1))
    assert before is not None and before["group"]["name"] == "7A"
    assert before["summary"]["pupils"] == 0 and before["cards"] == [] and before["need_mix"].empty
    assert profile.lesson_notes(before, None) == {}
    assert before["lessons"].empty and list(before["lessons"].columns) == [*timetable.LESSON_COLUMNS, "label"]


def test_lesson_notes_from_the_profile_match_this_lesson(fixture_db, viewers):
    add_classroom_rows(fixture_db)
    _seed_sessions(fixture_db)
    commit(fixture_db, _import(fixture_db, TIMETABLE), "tester")
    scope = Scope(viewers["teacher"], TODAY)
    prof = profile.class_profile(fixture_db, scope, G7A, TODAY)
    lessons = timetable.group_lessons(fixture_db, scope, G7A)
    # the profile carries the group's lessons for the picker, as group_lessons reads them
    assert prof["lessons"]["label"].tolist() == ["Tue 10:40–11:40", "Thu 13:15–14:15"]
    assert prof["lessons"].equals(lessons)
    tuesday, thursday = (int(x) for x in lessons["lesson_id"])
    # pupil 1 is withdrawn for Reading catch-up (10:40-11:10) and pupil 4 has TA support (10:30-11:30)
    # during Tuesday's 10:40-11:40 lesson; nothing overlaps Thursday's
    assert profile.lesson_notes(prof, tuesday) == {
        1: ["Out of this lesson: Reading catch-up (withdrawn, Tue 10:40–11:10)"],
        4: ["In-class support this lesson: TA support in class (in class, Tue 10:30–11:30)"]}
    assert profile.lesson_notes(prof, thursday) == {}
    assert profile.lesson_notes(prof, None) == {}
    cards = tuple(c["pupil_id"] for c in prof["cards"])
    for lesson_id in (tuesday, thursday):
        assert profile.lesson_notes(prof, lesson_id) == \
            timetable.this_lesson(fixture_db, scope, G7A, lesson_id, cards, TODAY)
    # another group's lesson says nothing on this group's cards
    other = timetable.add_lesson(fixture_db, Scope(viewers["senco"], TODAY), G8A, "Tuesday", "10:40", "11:40")
    assert profile.lesson_notes(prof, other) == {}
