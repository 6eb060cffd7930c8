"""Streamlit pieces of the timetable: the lesson picker on the class profile and the SENCO's and
administrator's form to add or remove a group's lessons (used on the class profile and the Data import page)."""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from . import clock, timetable, ui
from .access import AccessDenied
from .db import ConflictError
from .statutory.form_ui import FieldSlots
from .text import md_escape


def reference_moment(ctx) -> datetime:
    """'Now' for choosing the next lesson: the clock today, or the start of the as-at day when looking back."""
    if ctx.as_at == ctx.today:
        now = clock.now()
        return datetime(ctx.today.year, ctx.today.month, ctx.today.day, now.hour, now.minute)
    return datetime(ctx.as_at.year, ctx.as_at.month, ctx.as_at.day, 0, 0)


def lesson_picker(ctx, group_id: int, lessons=None):
    """A select box of the group's lessons, the next one from now first chosen; returns the lesson id or None.
    ``lessons``: the group's lessons already read (timetable.group_lessons' frame), else they are read here."""
    if lessons is None:
        lessons = ui.cached(timetable.group_lessons, ctx.scope, group_id)
    if lessons.empty:
        st.caption(":material/schedule: No lessons of this group are on the timetable yet, so the cards cannot say who "
                   "is out of a lesson." + (" Add them below." if ctx.viewer.role in timetable.EDIT_ROLES else
                                            " The SENCO can add them."))
        return None
    ids = [int(x) for x in lessons["lesson_id"]]
    labels = dict(zip(ids, lessons["label"]))
    default = timetable.next_lesson(lessons, reference_moment(ctx))
    return st.selectbox("This lesson", ids, index=ids.index(default) if default in ids else 0, format_func=labels.get,
                        key=f"class_profile_lesson_{group_id}",
                        help="The cards say who is out of this lesson (withdrawn for an intervention) and who has "
                             "support in class during it. It starts at the lesson going on now, or the next one.")


def lessons_editor(ctx, group_id: int, group_name: str) -> None:
    """The group's lessons, and a form to add one or remove one (SENCO and administrator)."""
    lessons = ui.cached(timetable.group_lessons, ctx.scope, group_id)
    if lessons.empty:
        st.caption(f"{md_escape(group_name)} has no lessons on the timetable yet.")
    else:
        st.caption(f"{md_escape(group_name)}'s lessons: " + ", ".join(lessons["label"]))
    with st.form(f"timetable_add_{group_id}", clear_on_submit=False, border=True):
        st.markdown(f"**Add a lesson of {md_escape(group_name)}**")
        slots = FieldSlots()
        day_col, start_col, end_col = st.columns(3)
        with day_col:
            day = st.selectbox("Day", timetable.DAYS, key=f"timetable_day_{group_id}")
            slots("day")
        with start_col:
            start = st.text_input("Starts (HH:MM)", key=f"timetable_start_{group_id}", placeholder="10:40")
            slots("start")
        with end_col:
            end = st.text_input("Ends (HH:MM)", key=f"timetable_end_{group_id}", placeholder="11:40")
            slots("end")
        if st.form_submit_button("Add the lesson", icon=":material/add:"):
            try:
                timetable.add_lesson(ctx.db, ctx.scope, group_id, day, start, end)
            except timetable.TimetableError as exc:
                slots.show(exc)
            except (AccessDenied, ConflictError) as exc:
                st.error(md_escape(str(exc)), icon=":material/error:")
            else:
                st.session_state["timetable_done"] = f"Added {day} {start.strip()}–{end.strip()} to {group_name}."
                st.rerun()
    if not lessons.empty:
        ids = [int(x) for x in lessons["lesson_id"]]
        labels = dict(zip(ids, lessons["label"]))
        with st.form(f"timetable_remove_{group_id}", border=True):
            gone = st.selectbox("Remove a lesson", ids, format_func=labels.get, index=None, placeholder="Choose a lesson…",
                                key=f"timetable_remove_pick_{group_id}")
            if st.form_submit_button("Remove it", icon=":material/delete:") and gone is not None:
                try:
                    timetable.remove_lesson(ctx.db, ctx.scope, gone)
                except (timetable.TimetableError, AccessDenied, ConflictError) as exc:
                    st.error(md_escape(str(exc)), icon=":material/error:")
                else:
                    st.session_state["timetable_done"] = f"Removed {labels[gone]} from {group_name}."
                    st.rerun()
    done = st.session_state.pop("timetable_done", None)
    if done:
        st.success(md_escape(done), icon=":material/check_circle:")


def timetable_tab(ctx) -> None:
    """The Data import page's timetable tab: choose a group of this year, then its lessons and the form."""
    st.write("The lessons each teaching group has in the week. The class profile uses them to tell a teacher who is "
             "out of their lesson for an intervention, and who has support in class during it. To load a whole "
             "timetable at once, import a file of kind 'Timetable' (see the Templates tab).")
    if ctx.school_id is None or ctx.academic_year is None:
        ui.empty_state("No school or academic year is set up yet.")
        return
    groups = ui.cached(timetable.school_groups, ctx.scope, ctx.school_id, ctx.academic_year)
    if groups.empty:
        ui.empty_state("There are no teaching groups this year yet: import them first.")
        return
    names = dict(zip(groups["group_id"].astype(int), groups["name"]))
    group_id = st.selectbox("Teaching group", list(names), format_func=names.get, key="timetable_group")
    lessons_editor(ctx, int(group_id), names[int(group_id)])
