"""Outcomes: are pupils with SEND making progress, and attending?"""
import streamlit as st

from sendboard import ui
from sendboard.leaders import charts as lc
from sendboard.leaders import display as d
from sendboard.leaders import outcomes as out

ctx = ui.page_context("outcomes")
ui.page_header(ctx)
if ctx.school_id is None:
    ui.empty_state("No school is linked to your account yet. Ask the administrator to add one.")
    st.stop()

data = ui.cached(out.outcomes, ctx.scope, ctx.school_id)
scores, gaps, attendance = data["scores"], data["gaps"], data["attendance"]
if ctx.term_id is not None:  # the sidebar term is the last term shown
    scores = scores[scores["term_id"] <= ctx.term_id]
    gaps = gaps[gaps["term_id"] <= ctx.term_id]
    attendance = attendance[attendance["term_id"] <= ctx.term_id]
if scores.empty and not attendance["with_attendance"].any():
    ui.empty_state(f"No assessment scores or attendance are held for {d.md_escape(ctx.school_name)} up to this term yet. Import "
                   "them on the Data import page, or choose a later term.")
    st.stop()
st.caption("Each pupil counts in the group they were in at each term's census date: EHC plan, SEN support, or no SEN. "
           "'All with SEND' is EHC plan and SEN support together.")
if data["national"].empty:
    st.info("sendboard holds no national figures for attainment, progress, attendance or suspensions by SEN group, "
            "so no national comparison is shown on this page.", icon=":material/public_off:")
else:
    ui.table(ctx, d.show(data["national"], ["academic_year", "phase", "measure", "value", "source"]), "outcomes_national")

st.subheader("Attainment and progress")
if scores.empty:
    ui.empty_state("No assessment scores are held for this school up to this term. Import them on the Data import page.")
else:
    subjects = sorted(scores["subject"].unique())
    left, right = st.columns(2)
    subject = left.selectbox("Subject", subjects, key="outcomes_subject")
    measure = right.selectbox("Measure", list(out.MEASURES), format_func=out.MEASURES.get, key="outcomes_measure")
    part = scores[scores["subject"] == subject]
    ui.chart(ctx, ui.figure(lc.group_lines, part, measure, f"{subject}: how do pupils with SEND compare, term by term?",
                                 out.MEASURES[measure]),
             d.show(part, ["label", "sen_group", "pupils", "mean_score", "pct_expected", "mean_change_term",
                           "mean_change_year", "with_change_term", "with_change_year"]), "outcomes_by_group")
    if measure in ("mean_change_term", "mean_change_year"):
        st.caption("Change is each pupil's score minus their own score in the term before (or in the autumn term of the "
                   "same year), averaged over pupils with both scores.")
    gap_part = gaps[gaps["measure"] == measure]
    if gap_part["gap"].notna().any():
        ui.chart(ctx, ui.figure(lc.gap_lines, gaps, measure), d.show(gap_part, ["label", "subject", "send", "no_sen", "gap"]),
                 "outcomes_gap")
        st.caption(d.md_escape(" ".join(out.gap_movement(gap_part))))
    else:
        ui.empty_state("The gap needs pupils both with SEND and with no SEN who have this measure.")

st.subheader("Attendance and suspensions")
if attendance.empty or not attendance["with_attendance"].any():
    ui.empty_state("No attendance records are held for this school up to this term.")
else:
    # Only the open tab's chart is drawn (a click on a tab is a rerun), as on the provision map: drawn at once,
    # the two charts out of sight cost the browser their drawing on every visit.
    charts = {"Attendance": ("attendance_pct", "Do pupils with SEND attend as well as others?", "Attendance %",
                             "outcomes_attendance"),
              "Persistent absence": ("persistent_absence_pct", "How many pupils in each group miss 10% or more of sessions?",
                                     "% persistently absent (below 90%)", "outcomes_persistent_absence"),
              "Suspensions": ("suspensions_per_100", "Are pupils with SEND suspended more often than others?",
                              "Suspensions per 100 pupils in the group", "outcomes_suspensions")}
    tabs = dict(zip(charts, st.tabs(list(charts), key="outcomes_attendance_tab", on_change="rerun")))
    table = d.show(attendance, ["label", "sen_group", "pupils", "with_attendance", "attendance_pct", "persistent_absent",
                                "persistent_absence_pct", "suspensions", "suspensions_per_100", "pupils_suspended",
                                "pct_suspended"])
    for label, (column, title, axis, name) in charts.items():
        if tabs[label].open:
            with tabs[label]:
                ui.chart(ctx, ui.figure(lc.group_lines, attendance, column, title, axis), table, name)
    st.caption("Attendance % = sessions attended ÷ possible sessions in the term. Persistent absence = attending "
               "below 90% of possible sessions in the term. Suspensions per 100 pupils = suspensions that term ÷ "
               "pupils on roll in the group × 100.")
