"""Import kind `timetable` (area: figures): the lessons of teaching groups, one row per lesson. A file lists
each group's whole school week: the lessons it gives replace the ones held for that group (undo puts them
back). Rows are checked with located messages and nothing is written unless every row is valid: a day that
is not Monday to Friday, a time that is not HH:MM, an end not after the start, a group that does not exist
(held, or in a teaching groups file of the same import) and two lessons of one group that overlap.
"""
from __future__ import annotations

import pandas as pd

from .. import timetable
from ..domain import year_label
from ..sqltext import compose
from . import commit, validate
from .problems import Problem
from .validate import MAX_PER_CHECK, Rows, Staged


def stage_timetable(r: Rows) -> list[Staged]:
    ctx = r.ctx
    name = r.required("group_name")
    ay = r.parsed("academic_year", validate._academic_year, "an academic year such as 2025 or 2025/26", required=False) \
        if r.has("academic_year") else pd.Series(ctx.academic_year, index=r.frame.index)
    ay = ay.fillna(ctx.academic_year).astype(int)
    day = r.parsed("day_of_week", timetable.parse_day, "a school day, Monday to Friday (Mon, Tue, ... also read)",
                   required=True)
    start = r.parsed("start_time", timetable.parse_time, "a time of day as HH:MM, 24-hour (e.g. 10:40)", required=True)
    end = r.parsed("end_time", timetable.parse_time, "a time of day as HH:MM, 24-hour (e.g. 11:40)", required=True)
    known = start.notna() & end.notna()
    r.flag(known & (end.fillna("") <= start.fillna("")), "end_time",
           "an end time later than the start time of the same row")
    r.duplicates([name.where(name != ""), ay.astype(str), day, start], "start_time", "lesson of a group (group, day, start)")
    frame = r.base({"group_name": name, "academic_year": ay, "school_id": ctx.school_id, "day_of_week": day,
                    "start_time": start, "end_time": end})
    # Two lessons of one group that overlap on a day: a group is in one lesson at a time.
    ok = frame[(name != "") & day.notna() & known & (end.fillna("") > start.fillna(""))]
    for _, rows in ok.groupby(["group_name", "academic_year", "day_of_week"], sort=False):
        rows = rows.sort_values("start_time")
        prev_end, prev_where, prev_start = None, None, None
        for i, row in rows.iterrows():
            if prev_end is not None and row["start_time"] < prev_end and row["start_time"] != prev_start:  # a repeat is flagged above
                r.problems.append(Problem(r.table.file, row["_where"], r.header("start_time"), r.raw("start_time")[i],
                                          f"a start at or after {prev_end}, when the group's lesson on {prev_where} ends "
                                          f"(a group is in one lesson at a time)"))
            if prev_end is None or row["end_time"] > prev_end:
                prev_end, prev_where = row["end_time"], row["_where"]
            prev_start = row["start_time"]
    return [Staged("group_lessons", frame, ["end_time"])]


def check_lessons_have_groups(staged: list[Staged], ctx, problems: list[Problem]) -> None:
    """A lesson's group exists for its year: held, or in a teaching groups file of the same import."""
    lessons = [s for s in staged if s.target == "group_lessons" and len(s.frame)]
    if not lessons:
        return
    groups = set(ctx.groups)
    for s in staged:
        if s.target == "teaching_groups":
            groups |= {(int(a), n) for a, n in zip(s.frame["academic_year"], s.frame["name"])}
    count = 0
    for s in lessons:
        header = s.headers.get("group_name", "group_name")
        for row in s.frame.to_dict("records"):
            key = (int(row["academic_year"]), row["group_name"])
            if row["group_name"] and key not in groups and count < MAX_PER_CHECK:
                count += 1
                problems.append(Problem(row["_file"], row["_where"], header, row["group_name"],
                                        f"a teaching group that exists for {year_label(key[0])} "
                                        "(import a teaching groups file first, or in the same import)"))


validate.STAGERS["timetable"] = stage_timetable
validate.BATCH_CHECKS.append(check_lessons_have_groups)  # after the EHC check, as check_batch ran them
commit._t("group_lessons", "group_lessons", ["group_id", "day_of_week", "start_time"],
          compose("SELECT g.group_id, s.day_of_week, s.start_time, s.end_time FROM _stage s "
                  "JOIN teaching_groups g ON g.school_id = s._school AND g.academic_year = s.academic_year "
                  "AND g.name = s.group_name"),
          ["group_id", "day_of_week", "start_time", "end_time"], "lessons (timetable)")
# A group's lessons in a file are its whole week: the ones held that the file no longer lists are removed.
commit.REPLACE_WITHIN["group_lessons"] = "group_id"
commit.ORDER = commit.ORDER + ("group_lessons",)
