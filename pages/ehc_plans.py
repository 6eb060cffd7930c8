"""EHC plans: annual reviews, needs-assessment timescales, phase transfers, compliance and Preparing for
Adulthood, for the SENCO and senior leaders."""
import streamlit as st

from sendboard import audit, ui
from sendboard.statutory import deadlines, ehc, pfa

ctx = ui.page_context("ehc_plans")
ui.page_header(ctx, caption="Statuses are worked out as at the date above: change the term in the sidebar to look back.")

if ctx.school_id is None:
    ui.empty_state("No school is linked to your account.")
    st.stop()

data = ui.cached(ehc.statutory_deadlines, ctx.viewer, ctx.school_id, ctx.school_phase, ctx.as_at, ctx.today)
plans, requests, transfers, items = data["plans"], data["requests"], data["transfers"], data["deadlines"]
if plans.empty and requests.empty:
    ui.empty_state("No EHC plans or needs-assessment requests are recorded for this school at this date.")
    st.stop()
ui.audit_view(ctx, detail={"list": "ehc_deadlines", "pupils": audit.pupil_ids(plans, requests, transfers, items)})

DATE = st.column_config.DateColumn(format="D MMM YYYY")
overdue = items[items["status"] == deadlines.OVERDUE]
soon = items[items["status"] == deadlines.DUE_SOON]
cols = ui.metric_row()
cols.metric("EHC plans open", f"{len(plans):,}")
cols.metric(":material/warning: Overdue now", f"{len(overdue):,}",
            help="Annual reviews past their due date, and needs-assessment steps past the LA's timescale.")
cols.metric(":material/hourglass_top: Due within 8 weeks", f"{len(soon):,}")
cols.metric("Needs assessments in progress", f"{int((requests['status'] != 'Closed').sum()) if not requests.empty else 0:,}")

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
export = listed.rename(columns={"pupil": "Pupil", "year_group": "Year", "deadline": "Deadline", "due_on": "Due",
                                "hold_by": "Hold by", "status_label": "Status", "days_left": "Days left",
                                "detail": "Detail", "local_authority": "LA"})[
    ["Status", "Pupil", "Year", "Deadline", "Due", "Hold by", "Days left", "Detail", "LA"]]
ui.table(ctx, export, "ehc_deadlines", column_config={"Due": DATE, "Hold by": DATE})

tab_plans, tab_requests, tab_transfer, tab_compliance, tab_pfa = st.tabs(
    ["Annual reviews", "Needs assessments", "Phase transfers", "Compliance by year", "Preparing for adulthood"])

with tab_plans:
    st.caption("Every plan open at the date, with its last review (or issue date) and the next review due.")
    frame = plans.rename(columns={"pupil": "Pupil", "year_group": "Year", "local_authority": "LA", "issued_on": "Issued",
                                  "last_review_on": "Last review", "reviews_held": "Reviews held",
                                  "review_interval_months": "Interval (months)", "next_due": "Next review due",
                                  "hold_by": "Hold by", "status_label": "Status", "days_left": "Days left"})[
        ["Status", "Pupil", "Year", "LA", "Issued", "Last review", "Reviews held", "Interval (months)",
         "Next review due", "Hold by", "Days left"]]
    ui.table(ctx, frame, "ehc_annual_reviews", column_config={c: DATE for c in ("Issued", "Last review", "Next review due", "Hold by")})

with tab_requests:
    if requests.empty:
        ui.empty_state("No needs-assessment requests in the last year.")
    else:
        st.caption("Requests still open, and those made in the last 12 months. ⚠ marks a step the LA has not "
                   "completed within its timescale.")
        frame = requests.rename(columns={"pupil": "Pupil", "year_group": "Year", "local_authority": "LA",
                                         "requested_on": "Requested", "decision_due": "Decision due (6 weeks)",
                                         "decision_on": "Decided", "decision": "Decision",
                                         "final_plan_due": "Final plan due (20 weeks)", "final_plan_on": "Plan issued",
                                         "stage": "Stage", "status_label": "Status", "flags": "Flags"})[
            ["Status", "Pupil", "Year", "LA", "Requested", "Decision due (6 weeks)", "Decided", "Decision",
             "Final plan due (20 weeks)", "Plan issued", "Stage", "Flags"]]
        ui.table(ctx, frame, "ehc_requests", column_config={c: DATE for c in (
            "Requested", "Decision due (6 weeks)", "Decided", "Final plan due (20 weeks)", "Plan issued")})

with tab_transfer:
    if transfers.empty:
        ui.empty_state("No pupil with an EHC plan is in a phase-transfer year at this school this year.")
    else:
        frame = transfers.rename(columns={"pupil": "Pupil", "year_group": "Year", "move": "Move", "due_on": "Due",
                                          "hold_by": "Hold by", "status_label": "Status", "detail": "Detail",
                                          "local_authority": "LA"})[
            ["Status", "Pupil", "Year", "Move", "Due", "Hold by", "Detail", "LA"]]
        ui.table(ctx, frame, "ehc_phase_transfers", column_config={"Due": DATE, "Hold by": DATE})

with tab_compliance:
    compliance = ui.cached(ehc.review_compliance_by_year, ctx.viewer, ctx.school_id)
    if compliance.empty:
        ui.empty_state("No annual reviews have been recorded yet.")
    else:
        frame = compliance.rename(columns={"academic_year_label": "Academic year due", "reviews_held": "Reviews held",
                                           "held_on_time": "Held on time", "pct_on_time": "% on time"}).drop(columns="academic_year")
        ui.chart(ctx, ehc.compliance_chart(compliance), frame, "ehc_review_compliance")
        st.caption("A review counts as on time if it was held on or before the date it was due. Reviews not yet "
                   "held are not in these figures: see *Overdue now* above.")

with tab_pfa:
    matrix = ui.cached(pfa.pfa_matrix, ctx.viewer, ctx.school_id, ctx.as_at, ctx.today)
    if matrix.empty:
        ui.empty_state("No pupil with an EHC plan is in Year 9 or above at this date.")
    else:
        complete = int((matrix["areas_recorded"] == len(pfa.AREAS)).sum())
        st.markdown(f"From Year 9 every annual review should plan for **employment, independent living, health and "
                    f"community participation**. **{complete} of {len(matrix)}** pupils in Year 9 or above have an "
                    f"outcome in all four areas at their latest review.")
        frame = matrix.rename(columns={"pupil": "Pupil", "year_group": "Year", "latest_review": "Latest review (Y9+)",
                                       "reviews_since_year_9": "Reviews since Y9", "missing": "What is missing",
                                       "next_review_due": "Next review due"}).drop(columns=["pupil_id", "areas_recorded"])
        frame = frame[["Pupil", "Year", "Latest review (Y9+)", *pfa.AREAS.values(), "What is missing", "Next review due",
                       "Reviews since Y9"]]
        ui.table(ctx, frame, "pfa_matrix", column_config={"Latest review (Y9+)": DATE, "Next review due": DATE})
        with st.expander("Outcomes recorded at each review since Year 9"):
            detail = ui.cached(pfa.pfa_outcomes_by_review, ctx.viewer, ctx.school_id, ctx.as_at, ctx.today)
            ui.table(ctx, detail.rename(columns={"pupil": "Pupil", "held_on": "Review held",
                                                 "year_group_at_review": "Year at review"}),
                     "pfa_outcomes", column_config={"Review held": DATE})
