"""The teaching groups' timetable (migration 025) and "this lesson" on the class card.

A lesson is a group's slot in the school week: a day, a start and an end (HH:MM, 24-hour). The SENCO or the
administrator records lessons with a form or imports them (kind `timetable`). On the class profile a teacher
picks one of the group's lessons (by default the next one from now) and each pupil's card says whether the
pupil is out of that lesson (a withdrawn intervention session overlaps it) or has in-class support in it.

Overlap: a session starting at s and lasting m minutes overlaps a lesson from a to b on the same day when
s < b and s + m > a (touching ends do not overlap: a session ending at 10:40 is not in a lesson starting at 10:40).
"""
from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd

from .access import Viewer
from .audit import record_change
from .db import Database
from .scope import Scope

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
EDIT_ROLES = {"senco", "admin"}
LESSON_COLUMNS = ["lesson_id", "group_id", "day_of_week", "start_time", "end_time"]
OUT_OF_LESSON = "Out of this lesson"
IN_CLASS_SUPPORT = "In-class support this lesson"
_SHORT = {"Tuesday": "tues", "Wednesday": "weds", "Thursday": "thurs"}
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class TimetableError(ValueError):
    """A lesson that cannot be saved; ``field`` names the form field to show the message beside."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def parse_day(text) -> str | None:
    """'Tue', 'tuesday', 'TUES', 'Thurs' -> the day's full name; None if it is not a school day (Monday to Friday)."""
    t = re.sub(r"[^a-z]", "", str(text or "").lower())
    for d in DAYS:
        if t == d.lower() or (len(t) >= 3 and d.lower().startswith(t)) or t == _SHORT.get(d):
            return d
    return None


def parse_time(text) -> str | None:
    """'9:05', '09:05', '13.15' -> 'HH:MM'; None if it is not a time of day."""
    m = _TIME.match(str(text or ""))
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    return f"{hour:02d}:{minute:02d}" if hour <= 23 and minute <= 59 else None


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def clock_text(total_minutes: int) -> str:
    return f"{total_minutes // 60:02d}:{total_minutes % 60:02d}"


def check_lesson(day, start, end) -> tuple[str, str, str]:
    """A lesson's day, start and end cleaned, or TimetableError naming the field and the value."""
    d = parse_day(day)
    if d is None:
        raise TimetableError("day", f"'{day}' is not a school day: choose Monday to Friday.")
    s = parse_time(start)
    if s is None:
        raise TimetableError("start", f"'{start}' is not a time of day: give it as HH:MM, 24-hour (e.g. 10:40).")
    e = parse_time(end)
    if e is None:
        raise TimetableError("end", f"'{end}' is not a time of day: give it as HH:MM, 24-hour (e.g. 11:40).")
    if e <= s:
        raise TimetableError("end", f"The lesson ends ({e}) before or when it starts ({s}): the end must be later.")
    return d, s, e


def overlapping(lessons: pd.DataFrame, day: str, start: str, end: str) -> pd.DataFrame:
    """The lessons of a frame on the same day whose times overlap start-end."""
    if lessons.empty:
        return lessons
    same = lessons[lessons["day_of_week"] == day]
    return same[(same["start_time"] < end) & (same["end_time"] > start)]


def lesson_label(row) -> str:
    """'Tue 10:40–11:40'."""
    return f"{row['day_of_week'][:3]} {row['start_time']}–{row['end_time']}"


# --------------------------------------------------------------------------- reading


def school_groups(db: Database, scope: Scope, school_id: int, academic_year: int) -> pd.DataFrame:
    """A school's teaching groups in a year, for the timetable form (names, no pupils)."""
    return db.query("figures_school_groups", scope=scope, school_id=int(school_id),
                    academic_year=int(academic_year))


def group_lessons(db: Database, scope: Scope, group_id: int) -> pd.DataFrame:
    """One group's lessons, Monday first, with a label such as 'Tue 10:40–11:40'."""
    return lessons_frame(db.query_rows("figures_group_lessons", scope=scope, group_id=int(group_id)))


def lessons_frame(rows: list) -> pd.DataFrame:
    """A group's lessons (tuples or dicts in LESSON_COLUMNS) as group_lessons gives them, labelled."""
    frame = pd.DataFrame(rows, columns=LESSON_COLUMNS)
    frame["label"] = [lesson_label(r) for r in frame.to_dict("records")]
    return frame


def next_lesson(lessons: pd.DataFrame, moment: datetime) -> int | None:
    """The lesson going on at ``moment``, else the next to start after it in the school week (wrapping to
    Monday after Friday): the one a teacher is most likely to be planning for. None without lessons."""
    if lessons.empty:
        return None
    today, now = moment.weekday(), moment.hour * 60 + moment.minute
    best, best_wait = None, None
    for r in lessons.to_dict("records"):
        day = DAYS.index(r["day_of_week"])
        start, end = minutes(r["start_time"]), minutes(r["end_time"])
        if day == today and start <= now < end:
            return int(r["lesson_id"])  # under way now
        wait = ((day - today) % 7) * 1440 + start - now
        if wait < 0:
            wait += 7 * 1440
        if best_wait is None or wait < best_wait:
            best, best_wait = int(r["lesson_id"]), wait
    return best


def lesson_notes(sessions: pd.DataFrame, lesson: dict) -> dict[int, list[str]]:
    """For each pupil, what the card says about a lesson: 'Out of this lesson: Reading catch-up (withdrawn,
    Tue 10:40–11:10)' for a withdrawn session that overlaps it, 'In-class support this lesson: Teaching
    assistant support (in class, Tue 10:40–11:40)' for an in-class one. Pure: sessions in, words out."""
    out: dict[int, list[str]] = {}
    if sessions.empty:
        return out
    a, b = minutes(lesson["start_time"]), minutes(lesson["end_time"])
    for r in sessions.to_dict("records"):
        if r["day_of_week"] != lesson["day_of_week"] or pd.isna(r["minutes_per_session"]):
            continue
        s = minutes(r["start_time"])
        e = s + int(r["minutes_per_session"])
        if not (s < b and e > a):
            continue
        when = f"{r['day_of_week'][:3]} {clock_text(s)}–{clock_text(e)}"
        if r["delivery"] == "in_class":
            line = f"{IN_CLASS_SUPPORT}: {r['intervention']} (in class, {when})"
        else:
            line = f"{OUT_OF_LESSON}: {r['intervention']} (withdrawn, {when})"
        out.setdefault(int(r["pupil_id"]), []).append(line)
    for lines in out.values():  # out of the lesson first: that is what changes the teacher's plan
        lines.sort(key=lambda t: (not t.startswith(OUT_OF_LESSON), t))
    return out


def this_lesson(db: Database, scope: Scope, group_id: int, lesson_id: int | None, pupil_ids: list[int],
                as_at: date) -> dict[int, list[str]]:
    """The class card's words about one of the group's lessons for each of the pupils given (the card's
    pupils, already scoped): see :func:`lesson_notes`. Empty when the lesson is not one of the group's."""
    if lesson_id is None or not pupil_ids:
        return {}
    # the group's lessons as rows (the picker's frame with its labels is not needed to find one lesson)
    lessons = [dict(zip(LESSON_COLUMNS, r))
               for r in db.query_rows("figures_group_lessons", scope=scope, group_id=int(group_id))]
    chosen = [lesson for lesson in lessons if int(lesson["lesson_id"]) == int(lesson_id)]
    if not chosen:
        return {}
    sessions = db.query("figures_pupil_sessions", scope=scope, as_at=as_at,
                        pupil_ids=[int(p) for p in pupil_ids])
    return lesson_notes(sessions, chosen[0])


# --------------------------------------------------------------------------- changing


def _require_editor(viewer: Viewer, school_id: int) -> None:
    from .access import AccessDenied

    if viewer.role not in EDIT_ROLES or int(school_id) not in viewer.school_ids:
        raise AccessDenied("only the SENCO or the administrator of the school may change its timetable")


def add_lesson(db: Database, scope: Scope, group_id: int, day, start, end) -> int:
    """Add a lesson to a group's timetable (audited). Refuses, naming the field, a day or time that cannot be
    read, an end not after the start, and a lesson overlapping one the group already has."""
    found = db.query_rows("figures_group_school", scope=scope, group_id=int(group_id))
    if not found:
        raise TimetableError("group", "That teaching group is not one of your school's.")
    school_id, group_name = int(found[0][0]), found[0][1]
    _require_editor(scope.viewer, school_id)
    d, s, e = check_lesson(day, start, end)

    def work(w):
        held = pd.DataFrame(w.run("figures_lessons_held", group_id=int(group_id)), columns=LESSON_COLUMNS)
        clash = overlapping(held, d, s, e)
        if not clash.empty:
            first = clash.iloc[0].to_dict()
            raise TimetableError("start", f"{group_name} already has a lesson {lesson_label(first)}, which overlaps "
                                          f"{d[:3]} {s}–{e}: a group is in one lesson at a time.")
        lesson_id = int(w.run("figures_insert_lesson", group_id=int(group_id), day_of_week=d, start_time=s,
                              end_time=e)[0][0])
        record_change(w, scope.viewer, "lesson_changed", object_type="group_lesson", object_id=lesson_id, group_id=int(group_id),
                      old_value=None, new_value=f"{group_name}: {d[:3]} {s}–{e}")
        return lesson_id

    return db.write(work)


def remove_lesson(db: Database, scope: Scope, lesson_id: int) -> None:
    """Remove a lesson from its group's timetable (audited)."""
    rows = db.query("figures_lesson", scope=scope, lesson_id=int(lesson_id))
    if rows.empty:
        raise TimetableError("lesson", "That lesson is no longer on the timetable (someone may have removed it).")
    row = rows.iloc[0].to_dict()
    _require_editor(scope.viewer, int(row["school_id"]))

    def work(w):
        w.run("figures_delete_lesson", lesson_id=int(lesson_id))
        record_change(w, scope.viewer, "lesson_changed", object_type="group_lesson", object_id=int(lesson_id),
                      group_id=int(row["group_id"]), old_value=f"{row['group_name']}: {lesson_label(row)}", new_value=None)

    db.write(work)
