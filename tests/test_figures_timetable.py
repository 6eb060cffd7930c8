"""The teaching-group timetable (import, form) and "this lesson" on the class card, worked by hand on the
fixture school (group 7A = pupils 1-10, taught by 'teacher'; 8A = pupils 11-20).

Interventions (added here): Reading catch-up, withdrawn, 30 min a session; TA support in class, in class,
60 min; Social skills, withdrawn, 45 min. Allocations from 1 Sep 2025, open:
  pupil 1  Reading catch-up   Tue 10:40, Thu 09:00  -> Tue 10:40-11:10
  pupil 4  TA support in class Tue 10:30            -> Tue 10:30-11:30 (in class)
  pupil 2  Social skills      Tue 11:40             -> 11:40-12:25: starts as the lesson ends, so not in it
  pupil 3  Social skills      Wed 10:40             -> another day
  pupil 11 Reading catch-up   Tue 10:40             -> in 8A, not on 7A's cards
7A's lessons: Tue 10:40-11:40 and Thu 13:15-14:15.
  Tue lesson: pupil 1 out of it (withdrawn, Tue 10:40-11:10); pupil 4 in-class support (Tue 10:30-11:30).
  Thu lesson: nobody (pupil 1's Thursday session is at 09:00).
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from sendboard import timetable
from sendboard.access import AccessDenied
from sendboard.importers import ImportFailed, SourceFile, commit, load, undo_last
from sendboard.importers.templates import template_csv
from sendboard.scope import Scope
from tests.fixture_school import TODAY

GROUP_7A, GROUP_8A = 201, 202
TIMETABLE = b"Group,Day,Start Time,End Time\n7A,Tue,10:40,11:40\n7A,Thursday,13:15,14:15\n"


def _seed_sessions(db) -> None:
    cur = db.cursor()
    cur.execute("INSERT INTO interventions (intervention_id, school_id, name, areas, wave, delivered_by, group_size, "
                "sessions_per_week, minutes_per_session, planned_weeks, measure, measure_scale) VALUES "
                "(7101, 1, 'Reading catch-up', 'CL', 'targeted', 'teaching_assistant', 3, 2, 30, 40, 'reading age', 'months'),"
                "(7102, 1, 'TA support in class', 'CL', 'specialist', 'teaching_assistant', 1, 5, 60, 40, 'score', 'points'),"
                "(7103, 1, 'Social skills', 'SEMH', 'targeted', 'teaching_assistant', 4, 1, 45, 40, 'score', 'points')")
    rows = [(7201, 1, 7101, "withdrawn"), (7202, 4, 7102, "in_class"), (7203, 2, 7103, "withdrawn"),
            (7204, 3, 7103, "withdrawn"), (7205, 11, 7101, "withdrawn")]
    for alloc, pupil, intervention, delivery in rows:
        cur.execute("INSERT INTO allocations (allocation_id, pupil_id, intervention_id, start_date, delivery) "
                    "VALUES (?, ?, ?, DATE '2025-09-01', ?)", [alloc, pupil, intervention, delivery])
    for alloc, day, start in ((7201, "Tuesday", "10:40"), (7201, "Thursday", "09:00"), (7202, "Tuesday", "10:30"),
                              (7203, "Tuesday", "11:40"), (7204, "Wednesday", "10:40"), (7205, "Tuesday", "10:40")):
        cur.execute("INSERT INTO allocation_sessions VALUES (?, ?, ?)", [alloc, day, start])


def _import(db, data: bytes, name="timetable.csv"):
    return load(db, [SourceFile(name, data)])


def _lessons(db, viewer, group=GROUP_7A) -> list[tuple[str, str, str]]:
    frame = timetable.group_lessons(db, Scope(viewer, TODAY), group)
    return list(zip(frame["day_of_week"], frame["start_time"], frame["end_time"]))


# --------------------------------------------------------------------------- the import


def test_a_timetable_file_is_recognised_and_imported(fixture_db, viewers):
    batch = _import(fixture_db, TIMETABLE)
    assert batch.ok, [str(p) for p in batch.problems]
    out = commit(fixture_db, batch, "tester")
    assert out.added == 2
    assert _lessons(fixture_db, viewers["senco"]) == [("Tuesday", "10:40", "11:40"), ("Thursday", "13:15", "14:15")]


def test_a_groups_lessons_in_a_file_replace_the_held_ones_and_undo_puts_them_back(fixture_db, viewers):
    commit(fixture_db, _import(fixture_db, TIMETABLE), "tester")
    batch = _import(fixture_db, b"Group,Day,Start,End\n7A,Tuesday,10:40,11:45\n")
    assert batch.ok, [str(p) for p in batch.problems]
    commit(fixture_db, batch, "tester")
    assert _lessons(fixture_db, viewers["senco"]) == [("Tuesday", "10:40", "11:45")]
    undo_last(fixture_db, "tester")
    assert _lessons(fixture_db, viewers["senco"]) == [("Tuesday", "10:40", "11:40"), ("Thursday", "13:15", "14:15")]


def test_the_template_is_a_valid_timetable(fixture_db):
    batch = load(fixture_db, [SourceFile("timetable.csv", template_csv("timetable"))])
    assert batch.ok, [str(p) for p in batch.problems]


def test_a_bad_timetable_is_refused_row_by_row_and_nothing_is_written(fixture_db, viewers):
    data = (b"Group,Day,Start Time,End Time\n"
            b"7A,Saturday,10:40,11:40\n"      # row 2: not a school day
            b"7A,Monday,25:00,11:40\n"        # row 3: not a time
            b"7A,Monday,11:40,10:40\n"        # row 4: ends before it starts
            b"9Z,Monday,09:00,10:00\n"        # row 5: no such group
            b"8A,Friday,09:00,10:00\n"        # row 6: fine
            b"8A,Friday,09:30,10:30\n"        # row 7: overlaps row 6
            b"8A,Friday,09:00,09:50\n")       # row 8: the same lesson twice (8A, Friday, 09:00)
    batch = _import(fixture_db, data)
    assert not batch.ok
    found = {(p.where, p.field, p.found) for p in batch.problems}
    assert ("row 2", "Day", "Saturday") in found
    assert ("row 3", "Start Time", "25:00") in found
    assert ("row 4", "End Time", "10:40") in found
    assert ("row 5", "Group", "9Z") in found
    assert ("row 7", "Start Time", "09:30") in found
    assert {("row 6", "Start Time", "09:00"), ("row 8", "Start Time", "09:00")} <= found
    assert not any(p.where == "row 6" and p.field != "Start Time" for p in batch.problems)
    messages = " ".join(str(p) for p in batch.problems)
    assert "timetable.csv, row 7, Start Time: found '09:30'" in messages and "one lesson at a time" in messages
    with pytest.raises(ImportFailed):
        commit(fixture_db, batch, "tester")
    assert fixture_db.cursor().execute("SELECT count(*) FROM group_lessons").fetchone()[0] == 0


# --------------------------------------------------------------------------- the form (functions behind it)


def test_the_senco_adds_and_removes_a_lesson_audited(fixture_db, viewers):
    senco = viewers["senco"]
    lesson = timetable.add_lesson(fixture_db, Scope(senco, TODAY), GROUP_7A, "Wed", "9:05", "10:05")
    assert _lessons(fixture_db, senco) == [("Wednesday", "09:05", "10:05")]
    timetable.remove_lesson(fixture_db, Scope(senco, TODAY), lesson)
    assert _lessons(fixture_db, senco) == []
    audit = fixture_db.cursor().execute("SELECT username, group_id, old_value, new_value FROM audit_log "
                                        "WHERE action = 'lesson_changed' ORDER BY audit_id").fetchall()
    assert audit == [("senco", GROUP_7A, None, "7A: Wed 09:05–10:05"), ("senco", GROUP_7A, "7A: Wed 09:05–10:05", None)]


@pytest.mark.parametrize("day,start,end,field", [
    ("Sunday", "09:00", "10:00", "day"), ("Monday", "9", "10:00", "start"), ("Monday", "09:00", "09:00", "end"),
    ("Monday", "09:00", "8:30", "end"), ("Monday", "09:00", "24:10", "end")])
def test_the_form_refuses_a_bad_lesson_beside_its_field(fixture_db, viewers, day, start, end, field):
    with pytest.raises(timetable.TimetableError) as err:
        timetable.add_lesson(fixture_db, Scope(viewers["senco"], TODAY), GROUP_7A, day, start, end)
    assert err.value.field == field
    assert fixture_db.cursor().execute("SELECT count(*) FROM group_lessons").fetchone()[0] == 0


def test_the_form_refuses_a_lesson_overlapping_one_the_group_has(fixture_db, viewers):
    timetable.add_lesson(fixture_db, Scope(viewers["senco"], TODAY), GROUP_7A, "Tuesday", "10:40", "11:40")
    with pytest.raises(timetable.TimetableError) as err:
        timetable.add_lesson(fixture_db, Scope(viewers["senco"], TODAY), GROUP_7A, "Tuesday", "11:00", "12:00")
    assert err.value.field == "start" and "Tue 10:40–11:40" in str(err.value)
    # back to back is fine; another group at the same time is fine
    timetable.add_lesson(fixture_db, Scope(viewers["senco"], TODAY), GROUP_7A, "Tuesday", "11:40", "12:40")
    timetable.add_lesson(fixture_db, Scope(viewers["admin"], TODAY), GROUP_8A, "Tuesday", "10:40", "11:40")
    assert len(_lessons(fixture_db, viewers["senco"])) == 2


def test_a_teacher_or_head_cannot_change_the_timetable(fixture_db, viewers):
    for who in ("teacher", "head", "governor"):
        with pytest.raises(AccessDenied):
            timetable.add_lesson(fixture_db, Scope(viewers[who], TODAY), GROUP_7A, "Monday", "09:00", "10:00")


# --------------------------------------------------------------------------- this lesson on the class card


def test_the_next_lesson_from_now():
    lessons = pd.DataFrame({"lesson_id": [1, 2], "group_id": [GROUP_7A] * 2, "day_of_week": ["Tuesday", "Thursday"],
                            "start_time": ["10:40", "13:15"], "end_time": ["11:40", "14:15"]})
    assert TODAY.weekday() == 1  # 20 Jan 2026 is a Tuesday
    assert timetable.next_lesson(lessons, datetime(2026, 1, 20, 9, 0)) == 1        # later this morning
    assert timetable.next_lesson(lessons, datetime(2026, 1, 20, 11, 0)) == 1       # under way
    assert timetable.next_lesson(lessons, datetime(2026, 1, 20, 11, 40)) == 2      # just ended: Thursday's is next
    assert timetable.next_lesson(lessons, datetime(2026, 1, 23, 15, 0)) == 1  # Friday afternoon: Tuesday next week
    assert timetable.next_lesson(lessons.iloc[0:0], datetime(2026, 1, 20, 9, 0)) is None


def test_each_card_says_who_is_out_of_this_lesson_and_who_has_support_in_it(fixture_db, viewers):
    _seed_sessions(fixture_db)
    commit(fixture_db, _import(fixture_db, TIMETABLE), "tester")
    teacher = viewers["teacher"]
    lessons = timetable.group_lessons(fixture_db, Scope(teacher, TODAY), GROUP_7A)
    tuesday, thursday = (int(x) for x in lessons["lesson_id"])
    members = list(range(1, 11))
    notes = timetable.this_lesson(fixture_db, Scope(teacher, TODAY), GROUP_7A, tuesday, members, TODAY)
    assert notes == {1: ["Out of this lesson: Reading catch-up (withdrawn, Tue 10:40–11:10)"],
                     4: ["In-class support this lesson: TA support in class (in class, Tue 10:30–11:30)"]}
    assert timetable.this_lesson(fixture_db, Scope(teacher, TODAY), GROUP_7A, thursday, members, TODAY) == {}
    # another group's lesson id gives nothing on this group's cards
    other = timetable.add_lesson(fixture_db, Scope(viewers["senco"], TODAY), GROUP_8A, "Tuesday", "10:40", "11:40")
    assert timetable.this_lesson(fixture_db, Scope(teacher, TODAY), GROUP_7A, other, members, TODAY) == {}
    # pupil 11 (8A) is out of 8A's Tuesday lesson; 'teacher' does not teach 8A, so sees no pupil of it
    assert timetable.this_lesson(fixture_db, Scope(viewers["teacher2"], TODAY), GROUP_8A, other, [11], TODAY) == \
        {11: ["Out of this lesson: Reading catch-up (withdrawn, Tue 10:40–11:10)"]}
    assert timetable.this_lesson(fixture_db, Scope(teacher, TODAY), GROUP_8A, other, [11], TODAY) == {}


def test_an_allocation_ended_before_the_date_is_not_on_the_card(fixture_db, viewers):
    _seed_sessions(fixture_db)
    fixture_db.cursor().execute("UPDATE allocations SET end_date = DATE '2026-01-10' WHERE allocation_id = 7201")
    commit(fixture_db, _import(fixture_db, TIMETABLE), "tester")
    tuesday = int(timetable.group_lessons(fixture_db, Scope(viewers["teacher"], TODAY), GROUP_7A)["lesson_id"].iloc[0])
    notes = timetable.this_lesson(fixture_db, Scope(viewers["teacher"], TODAY), GROUP_7A, tuesday, list(range(1, 11)), TODAY)
    assert list(notes) == [4]


# --------------------------------------------------------------------------- the pages


def test_the_class_profile_card_shows_this_lesson(fixture_path):
    from sendboard.app_db import open_database
    from tests.apptest_helpers import all_text, signed_in

    db = open_database(fixture_path)
    _seed_sessions(db)
    commit(db, _import(db, TIMETABLE), "tester")
    tuesday = int(db.cursor().execute("SELECT lesson_id FROM group_lessons WHERE day_of_week = 'Tuesday'").fetchone()[0])
    at = signed_in("teacher", page="pages/class_profile.py", term_id=20252,
                   **{f"class_profile_lesson_{GROUP_7A}": tuesday})
    assert not at.exception and not at.error
    text = all_text(at).replace("\\", "").replace("**", "")  # the card's markdown, escaping and bold removed
    assert "Out of this lesson: Reading catch-up (withdrawn, Tue 10:40–11:10)" in text
    assert "In-class support this lesson: TA support in class (in class, Tue 10:30–11:30)" in text
    assert "1 out of this lesson for an intervention" in text and "1 with support in class during it" in text
    assert [s.label for s in at.selectbox if s.label == "This lesson"] == ["This lesson"]


def test_the_senco_adds_a_lesson_on_the_data_page_and_a_bad_time_is_refused_beside_it(fixture_path):
    from tests.apptest_helpers import all_text, signed_in

    at = signed_in("senco", page="pages/data.py", timeout=60)
    assert not at.exception
    at.selectbox(key="timetable_group").set_value(GROUP_7A)
    at.text_input(key=f"timetable_start_{GROUP_7A}").set_value("10:40")
    at.text_input(key=f"timetable_end_{GROUP_7A}").set_value("9:99")
    next(b for b in at.button if b.label == "Add the lesson").click()
    at.run()
    assert any("'9:99' is not a time of day" in e.value.replace("\\", "") for e in at.error), [e.value for e in at.error]
    assert at.text_input(key=f"timetable_start_{GROUP_7A}").value == "10:40"  # what was typed is kept
    at.text_input(key=f"timetable_end_{GROUP_7A}").set_value("11:40")
    next(b for b in at.button if b.label == "Add the lesson").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert "7A's lessons: Mon 10:40–11:40" in all_text(at).replace("\\", "")
