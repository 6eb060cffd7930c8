"""EHC plans: annual reviews, needs-assessment timescales, phase transfers, compliance and Preparing for
Adulthood, for the SENCO and senior leaders."""
import pandas as pd
import streamlit as st

from sendboard import audit, trust_sharing, ui
from sendboard.statutory import deadlines, ehc, records
from sendboard.statutory.form_ui import FieldSlots
from sendboard.text import md_escape

ctx = ui.page_context("ehc_plans")
ui.page_header(ctx, caption="Statuses are worked out as at the date above: change the term in the sidebar to look back.")

if ctx.school_id is None:
    ui.empty_state("No school is linked to your account.")
    st.stop()

data = ui.cached(ehc.statutory_deadlines, ctx.scope, ctx.school_id, ctx.school_phase, ctx.as_at)
plans, requests, transfers, items = data["plans"], data["requests"], data["transfers"], data["deadlines"]
nothing_yet = plans.empty and requests.empty
if nothing_yet:
    ui.empty_state("No EHC plans or needs-assessment requests are recorded for this school at this date."
                   + (" Record them in the forms below, or import them on the Data import page."
                      if ctx.viewer.role in records.EDITOR_ROLES else ""))
# One view entry for the page: the deadline list, and the review steps and Preparing for Adulthood lists in its
# tabs; every pupil on them is recorded as seen (audit_pupils_seen), so "who saw this pupil" finds the view.
# The trust lead sees them only where the trust's data-sharing setting allows; otherwise counts, and no view
# (and the two pupil lists only shown in the tabs are not worked out).
names_withheld = trust_sharing.names_withheld(ctx.db, ctx.viewer)
may_record = ctx.viewer.role in records.EDITOR_ROLES  # the trust lead reads; the school records
if not names_withheld:
    steps = ui.cached(records.review_steps, ctx.scope, ctx.school_id, ctx.as_at)
    cohort = ui.cached(records.pfa_pupils, ctx.scope, ctx.school_id, ctx.as_at)
    ui.audit_view(ctx, detail={"list": "ehc_deadlines", "pupils": audit.pupil_ids(plans, requests, transfers, items, steps, cohort),
                           "review_steps_pupils": int(steps["pupil_id"].nunique()),
                           "preparing_for_adulthood_pupils": int(len(cohort))})

DATE = st.column_config.DateColumn(format="D MMM YYYY")
overdue = items[items["status"] == deadlines.OVERDUE]
soon = items[items["status"] == deadlines.DUE_SOON]
cols = ui.metric_row()
cols.metric("EHC plans open", f"{len(plans):,}")
cols.metric(":material/warning: Overdue now", f"{len(overdue):,}",
            help="Annual reviews past their due date, and needs-assessment steps past the LA's timescale.")
cols.metric(":material/hourglass_top: Due within 8 weeks", f"{len(soon):,}")
cols.metric("Needs assessments in progress", f"{int((requests['status'] != 'Closed').sum()) if not requests.empty else 0:,}")
now = ui.cached(ehc.compliance_now, ctx.scope, ctx.school_id, ctx.as_at)
cols = ui.metric_row()
cols.metric(":material/event_busy: Annual reviews overdue, not held", f"{now['overdue_now']:,}",
            help="Open plans whose next annual review date has passed with no review recorded.")
cols.metric(":material/schedule: Plans short of hours", f"{now['hours_short']:,} of {now['plans_with_hours']:,}",
            help="Open EHC plans whose pupil gets fewer hours a week in current interventions than the plan sets out "
                 "(of the plans that record their hours). In-class support not recorded as an intervention is not counted.")
st.caption(md_escape(ehc.compliance_sentence(now)))

with st.expander("How the dates are worked out", icon=":material/info:"):
    st.markdown(
        "- **Annual review**: 12 months after the last review (or the issue date if there has been none): the same "
        "day next year; 29 February becomes 28 February. For a child **under 5 on the date of the last review** it "
        "is 6 months; a child who turns 5 before that review keeps the 6-month date, then moves to 12 months.\n"
        "- **Needs assessment**: the LA decides whether to assess within **6 weeks** of the request, and the final "
        "plan is due within **20 weeks**.\n"
        "- **Phase transfer**: the amended plan naming the next school is due by **15 February** of the year of the "
        "move (Year 6 to secondary), or **31 March** for Year 11 into post-16.\n"
        "- A deadline on a **weekend stands**: the *hold by* date is the Friday before, so the meeting is not planned "
        "for a closed day. Bank holidays are not taken into account.\n"
        "- **Due within 8 weeks** = due in the next 56 days; **Overdue** = the date has passed with nothing recorded.")

st.subheader("Coming up")
terms = ui.cached(ehc.term_frame)
horizon = ehc.coming_term_end(terms, ctx.as_at)
upcoming = items[(items["due_on"] >= ctx.as_at) & (items["due_on"] <= horizon)]
if upcoming.empty:
    ui.empty_state(f"No EHC deadlines fall between {ctx.as_at:%d %B %Y} and {horizon:%d %B %Y}.")
elif names_withheld:  # the timeline names each pupil: the trust lead gets the counts of each kind of deadline
    ui.table(ctx, ehc.deadline_counts(upcoming), "ehc_coming_up_counts")
    st.caption(f"Deadlines from {ctx.as_at:%d %B %Y} to {horizon:%d %B %Y}, by kind and status. "
               + trust_sharing.WITHHELD_SENTENCE)
else:
    shown = upcoming[["pupil", "year_group", "deadline", "due_on", "hold_by", "status_label", "detail"]]
    ui.chart(ctx, ehc.timeline_chart(upcoming, ctx.as_at, horizon), shown, "ehc_timeline")
    st.caption("Marker shape = kind of deadline; colour and the hover text give the status. Overdue items are "
               "listed below, not on the timeline.")

st.subheader("Every open deadline")
st.caption("Most urgent first. Download it to plan meetings, or filter by status.")
choice = st.segmented_control("Show", ["All", deadlines.OVERDUE, deadlines.DUE_SOON, deadlines.ON_TRACK],
                              default="All", key="ehc_status_filter")
listed = items if choice in (None, "All") else items[items["status"] == choice]
if names_withheld:
    ui.table(ctx, ehc.deadline_counts(listed), "ehc_deadline_counts")
    st.caption("Every open deadline, counted by kind and status: pupils' names stay with the school.")
export = listed.rename(columns={"pupil": "Pupil", "year_group": "Year", "deadline": "Deadline", "due_on": "Due",
                                "hold_by": "Hold by", "status_label": "Status", "days_left": "Days left",
                                "detail": "Detail", "local_authority": "LA"})[
    ["Status", "Pupil", "Year", "Deadline", "Due", "Hold by", "Days left", "Detail", "LA"]]
if not names_withheld:
    ui.table(ctx, export, "ehc_deadlines", column_config={"Due": DATE, "Hold by": DATE})

tab_names = ["Annual reviews", "Needs assessments", "Phase transfers", "Compliance by year", "Preparing for adulthood",
             *(["Record"] if may_record else [])]
# Only the open tab is drawn (each click on a tab is a rerun), as on the provision map: drawn at once, the
# six tabs cost every visit their tables, chart and forms, out of sight. The open tab is kept in the session
# while the page is open. The view entry above still names every pupil the tabs list (one entry a visit).
tabs = dict(zip(tab_names, st.tabs(tab_names, key="ehc_tab", on_change="rerun")))

if tabs["Annual reviews"].open:
    with tabs["Annual reviews"]:
        if not trust_sharing.withhold_pupil_table(ctx):  # the trust lead: names only where shared
            st.caption("Every plan open at the date, with its last review (or issue date) and the next review due.")
            frame = plans.rename(columns={"pupil": "Pupil", "year_group": "Year", "local_authority": "LA", "issued_on": "Issued",
                                          "last_review_on": "Last review", "reviews_held": "Reviews held",
                                          "review_interval_months": "Interval (months)", "next_due": "Next review due",
                                          "hold_by": "Hold by", "status_label": "Status", "days_left": "Days left"})[
                ["Status", "Pupil", "Year", "LA", "Issued", "Last review", "Reviews held", "Interval (months)",
                 "Next review due", "Hold by", "Days left"]]
            ui.table(ctx, frame, "ehc_annual_reviews", column_config=dict.fromkeys(("Issued", "Last review", "Next review due", "Hold by"), DATE))
            st.markdown("**Reviews held: each step on time, late or due**")
            st.caption("The meeting against the date it was due; the school's report to the LA within 2 weeks of the meeting; "
                       "the LA's decision (maintain, amend or cease) within 4 weeks of the meeting.")
            if steps.empty:
                ui.empty_state("No annual review has been recorded yet.")
            else:
                ui.table(ctx, steps.rename(columns={"pupil": "Pupil", "local_authority": "LA", "held_on": "Meeting held",
                                                    "meeting": "Meeting", "report": "Report to LA (2 weeks)",
                                                    "decision": "LA decision (4 weeks)"})[
                    ["Pupil", "Meeting held", "Meeting", "Report to LA (2 weeks)", "LA decision (4 weeks)", "LA"]],
                    "ehc_review_steps", column_config={"Meeting held": DATE})

if tabs["Needs assessments"].open:
    with tabs["Needs assessments"]:
        if not trust_sharing.withhold_pupil_table(ctx):  # the trust lead: names only where shared
            if requests.empty:
                ui.empty_state("No needs-assessment requests in the last year.")
            else:
                st.caption("Requests still open, and those made in the last 12 months. ⚠ marks a step the LA has not "
                           "completed within its timescale.")
                frame = requests.rename(columns={"pupil": "Pupil", "year_group": "Year", "local_authority": "LA",
                                                 "requested_on": "Requested", "decision_due": "Decision due (6 weeks)",
                                                 "decision_on": "Decided", "decision": "Decision",
                                                 "final_plan_due": "Final plan due (20 weeks)", "final_plan_on": "Plan issued",
                                                 "stage": "Stage", "status_label": "Status", "flags": "Flags",
                                                 "decision_step": "Decision (6 weeks)", "final_step": "Final plan (20 weeks)",
                                                 "requested_by": "Asked by"})[
                    ["Status", "Pupil", "Year", "LA", "Requested", "Asked by", "Decision (6 weeks)", "Final plan (20 weeks)", "Decision",
                     "Stage", "Decision due (6 weeks)", "Decided", "Final plan due (20 weeks)", "Plan issued"]]
                ui.table(ctx, frame, "ehc_requests", column_config=dict.fromkeys(("Requested", "Decision due (6 weeks)", "Decided", "Final plan due (20 weeks)", "Plan issued"), DATE))

if tabs["Phase transfers"].open:
    with tabs["Phase transfers"]:
        if not trust_sharing.withhold_pupil_table(ctx):  # the trust lead: names only where shared
            if transfers.empty:
                ui.empty_state("No pupil with an EHC plan is in a phase-transfer year at this school this year.")
            else:
                frame = transfers.rename(columns={"pupil": "Pupil", "year_group": "Year", "move": "Move", "due_on": "Due",
                                                  "hold_by": "Hold by", "status_label": "Status", "detail": "Detail",
                                                  "local_authority": "LA"})[
                    ["Status", "Pupil", "Year", "Move", "Due", "Hold by", "Detail", "LA"]]
                ui.table(ctx, frame, "ehc_phase_transfers", column_config={"Due": DATE, "Hold by": DATE})

if tabs["Compliance by year"].open:
    with tabs["Compliance by year"]:
        compliance = ui.cached(ehc.review_compliance_by_year, ctx.scope, ctx.school_id, ctx.as_at)
        if compliance.empty:
            ui.empty_state("No annual review has fallen due yet.")
        else:
            frame = compliance.rename(columns={"academic_year_label": "Academic year due", "reviews_due": "Reviews due",
                                               "held_on_time": "Held on time", "held_late": "Held late",
                                               "overdue": "Overdue, not held", "pct_on_time": "% on time"})[
                ["Academic year due", "Reviews due", "Held on time", "Held late", "Overdue, not held", "% on time"]]
            ui.chart(ctx, ehc.compliance_chart(compliance), frame, "ehc_review_compliance")
            st.caption("Every annual review that fell due by this date counts: held on or before its due date (on time), "
                       "held after it (late), or not held yet (overdue). % on time = held on time ÷ reviews due. A review "
                       "held early counts in the year it was due. The method is in docs/methods.md.")

if tabs["Preparing for adulthood"].open:
    with tabs["Preparing for adulthood"]:
        if not trust_sharing.withhold_pupil_table(ctx):  # the trust lead: names only where shared
            if cohort.empty:
                ui.empty_state("No pupil with SEND is in Year 9 or above at this date.")
            else:
                complete = int((cohort["missing"] == "None").sum())
                no_guidance = int(cohort["careers"].str.startswith("⚠").sum())
                st.markdown(f"From Year 9, plans for every pupil with SEND (not only those with EHC plans) look ahead to "
                            f"**employment, independent living, health and community participation**. **{complete} of "
                            f"{len(cohort)}** pupils in Year 9 or above have an outcome in all four areas; **{no_guidance}** aged "
                            f"13 or over have no independent careers guidance recorded.")
                shown = cohort.rename(columns={"first_name": "First name", "last_name": "Last name", "year_group": "Year",
                                               "sen_group": "SEN", **records.PFA_AREAS, "missing": "Areas missing",
                                               "careers": "Careers guidance", "last_recorded_on": "Last recorded"})[
                    ["Last name", "First name", "Year", "SEN", *records.PFA_AREAS.values(), "Areas missing",
                     "Careers guidance", "Last recorded"]]
                ui.table(ctx, shown, "pfa_pupils", column_config={"Last recorded": DATE})
                st.caption("The latest outcome in each area, from the Preparing for Adulthood record or an EHC annual review. "
                           "Record outcomes and careers guidance on the pupil's passport or in the Record tab.")

# --------------------------------------------------------------------------- the forms
if not may_record or not tabs["Record"].open:  # the trust lead reads the school's deadlines: the forms are the school's
    st.stop()
with tabs["Record"]:
    choices = ui.cached(records.pupil_choices, ctx.scope, ctx.school_id, ctx.as_at)
    names = {int(r.pupil_id): f"{r.last_name}, {r.first_name} (Year {r.year_group}, {r.sen_group})"
             for r in choices.itertuples()}
    what = st.segmented_control("Record", ["EHC plan", "Needs-assessment request", "Request: LA decision or plan",
                                           "Annual review", "Annual review: report or LA decision"],
                                default="EHC plan", key="ehc_record_kind")
    done = st.session_state.pop("_ehc_saved", None)
    if done:
        st.success(done, icon=":material/check_circle:")

    def saved(message: str) -> None:
        st.session_state["_ehc_saved"] = message
        st.rerun()

    def pupil_field(slots: FieldSlots) -> int | None:
        """The pupil a new record is for, with the slot its refusal is shown in."""
        pupil = st.selectbox("Pupil", list(names), format_func=names.get, index=None, placeholder="Choose a pupil")
        slots("pupil")
        return pupil

    def require_pupil(pupil: int | None) -> None:
        if pupil is None:
            raise records.FieldError("pupil", "Please choose the pupil.")

    if what == "EHC plan":
        with st.form("ehc_plan_form"):
            slots = FieldSlots()
            pupil = pupil_field(slots)
            la = st.text_input("Local authority that maintains the plan", max_chars=100)
            slots("local_authority")
            issued = st.date_input("Date the final plan was issued", value=None, max_value=ctx.today, format="DD/MM/YYYY")
            slots("issued_on")
            hours = st.text_input("Hours a week of support the plan sets out", placeholder="e.g. 15")
            slots("hours_per_week")
            outcomes = st.text_area("Outcomes in the plan (section E), one a line",
                                    help="Each becomes a long-term target on the pupil's passport; break it into "
                                         "short-term steps there.")
            slots("outcomes")
            if st.form_submit_button("Save EHC plan", type="primary"):
                def save():
                    require_pupil(pupil)
                    records.record_plan(ctx.db, ctx.scope, pupil, school_id=ctx.school_id, local_authority=la,
                                        issued_on=issued, hours_per_week=hours,
                                        outcomes=[(None, line) for line in outcomes.splitlines()])
                if slots.save(save):
                    saved(f"EHC plan saved for {names[pupil]}.")

    elif what == "Needs-assessment request":
        with st.form("ehc_request_form"):
            slots = FieldSlots()
            pupil = pupil_field(slots)
            la = st.text_input("Local authority asked", max_chars=100)
            slots("local_authority")
            who = st.selectbox("Who asked", records.REQUESTED_BY, format_func=records.REQUESTED_BY_LABELS.get)
            slots("requested_by")
            requested = st.date_input("Date of the request", value=None, max_value=ctx.today, format="DD/MM/YYYY")
            slots("requested_on")
            st.caption("The LA's decision is due 6 weeks after the request and the final plan 20 weeks after; "
                       "record them here when known, or later.")
            decided = st.date_input("Date of the LA's decision (if made)", value=None, max_value=ctx.today, format="DD/MM/YYYY")
            slots("decision_on")
            decision = st.selectbox("Decision", records.REQUEST_DECISIONS, index=None, placeholder="Not yet decided")
            slots("decision")
            final = st.date_input("Date the final plan was issued (if issued)", value=None, max_value=ctx.today,
                                  format="DD/MM/YYYY")
            slots("final_plan_on")
            if st.form_submit_button("Save request", type="primary"):
                def save():
                    require_pupil(pupil)
                    records.record_request(ctx.db, ctx.scope, pupil, school_id=ctx.school_id, local_authority=la,
                                           requested_on=requested, requested_by=who, decision_on=decided,
                                           decision=decision, final_plan_on=final)
                if slots.save(save):
                    saved(f"Request saved for {names[pupil]}.")

    elif what == "Request: LA decision or plan":
        open_requests = requests[requests["status"] != "Closed"] if not requests.empty else requests
        if open_requests.empty:
            ui.empty_state("No needs-assessment request is open.")
        else:
            req_labels = {int(r.request_id): f"{r.pupil}: requested {r.requested_on:%d/%m/%Y} ({r.stage})"
                          for r in open_requests.itertuples()}
            with st.form("ehc_request_update_form"):
                slots = FieldSlots()
                request_id = st.selectbox("Request", list(req_labels), format_func=req_labels.get)
                decided = st.date_input("Date of the LA's decision", value=None, max_value=ctx.today, format="DD/MM/YYYY")
                slots("decision_on")
                decision = st.selectbox("Decision", records.REQUEST_DECISIONS, index=None, placeholder="Not yet decided")
                slots("decision")
                final = st.date_input("Date the final plan was issued", value=None, max_value=ctx.today, format="DD/MM/YYYY")
                slots("final_plan_on")
                if st.form_submit_button("Save", type="primary"):
                    def save():
                        records.update_request(ctx.db, ctx.scope, request_id, school_id=ctx.school_id,
                                               decision_on=decided, decision=decision, final_plan_on=final)
                    if slots.save(save):
                        saved("Request updated.")

    elif what == "Annual review":
        if plans.empty:
            ui.empty_state("No EHC plan is open at this date: record the plan first.")
        else:
            plan_labels = {int(r.ehcp_id): f"{r.pupil}: due {r.next_due:%d/%m/%Y} ({r.status})" for r in plans.itertuples()}
            with st.form("ehc_review_form"):
                slots = FieldSlots()
                ehcp_id = st.selectbox("Plan", list(plan_labels), format_func=plan_labels.get)
                held = st.date_input("Date of the review meeting", value=None, max_value=ctx.today, format="DD/MM/YYYY")
                slots("held_on")
                sent = st.date_input("Date the school's report went to the LA (due within 2 weeks)", value=None,
                                     max_value=ctx.today, format="DD/MM/YYYY")
                slots("report_sent_on")
                decided = st.date_input("Date of the LA's decision (due within 4 weeks)", value=None,
                                        max_value=ctx.today, format="DD/MM/YYYY")
                slots("la_decision_on")
                decision = st.selectbox("LA decision", records.REVIEW_DECISIONS, index=None,
                                        format_func=records.REVIEW_DECISION_LABELS.get, placeholder="Not yet decided")
                slots("la_decision")
                note = st.text_area("Note (optional)")
                slots("note")
                if st.form_submit_button("Save annual review", type="primary"):
                    def save():
                        records.record_annual_review(ctx.db, ctx.scope, ehcp_id, school_id=ctx.school_id, held_on=held,
                                                     report_sent_on=sent, la_decision_on=decided, la_decision=decision,
                                                     note=note)
                    if slots.save(save):
                        saved("Annual review saved: the next review date and the overdue count are updated.")

    else:
        steps = ui.cached(records.review_steps, ctx.scope, ctx.school_id, ctx.as_at)
        waiting = steps[steps["report_sent_on"].isna() | steps["la_decision_on"].isna()] if not steps.empty else steps
        if waiting.empty:
            ui.empty_state("Every review held has its report and the LA's decision recorded.")
        else:
            rev_labels = {int(r.ehc_review_id): f"{r.pupil}: meeting {r.held_on:%d/%m/%Y}" for r in waiting.itertuples()}
            with st.form("ehc_review_update_form"):
                slots = FieldSlots()
                review_id = st.selectbox("Review", list(rev_labels), format_func=rev_labels.get)
                sent = st.date_input("Date the school's report went to the LA", value=None, max_value=ctx.today,
                                     format="DD/MM/YYYY")
                slots("report_sent_on")
                decided = st.date_input("Date of the LA's decision", value=None, max_value=ctx.today, format="DD/MM/YYYY")
                slots("la_decision_on")
                decision = st.selectbox("LA decision", records.REVIEW_DECISIONS, index=None,
                                        format_func=records.REVIEW_DECISION_LABELS.get, placeholder="Not yet decided")
                slots("la_decision")
                if st.form_submit_button("Save", type="primary"):
                    row = waiting[waiting["ehc_review_id"] == review_id].iloc[0]
                    held = {k: (None if row[k] is None or pd.isna(row[k]) else row[k])
                            for k in ("report_sent_on", "la_decision_on", "la_decision")}  # what is already recorded
                    def save():
                        records.update_annual_review(
                            ctx.db, ctx.scope, review_id, school_id=ctx.school_id,
                            report_sent_on=sent or held["report_sent_on"], la_decision_on=decided or held["la_decision_on"],
                            la_decision=decision or held["la_decision"])
                    if slots.save(save):
                        saved("Annual review updated.")
