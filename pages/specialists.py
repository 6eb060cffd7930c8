"""Outside specialists: referrals to educational psychology, speech and language therapy and other
services, who is still waiting and how long the wait is. The SENCO and head see pupils; governors see
counts and waiting times per service through disclosure control."""
import streamlit as st

from sendboard import disclosure, trust_sharing, ui
from sendboard.records import specialists
from sendboard.records import views as records_views

ctx = ui.page_context("specialists")
ui.page_header(ctx)
if ctx.school_id is None:
    ui.empty_state("No school is linked to your account yet. Ask the administrator to add one.")
    st.stop()

st.caption(f"Referrals made in the 365 days to {ctx.as_at:%d %B %Y}, and any older referral still waiting. The wait is "
           "from referral to the pupil first being seen; a pupil not yet seen counts with the days waited so far, so a "
           "long queue is not hidden. The median is the middle wait (half waited longer).")

if ctx.viewer.role == "governor":
    protected = ui.cached(specialists.governors_waiting, ctx.viewer, ctx.school_id, ctx.as_at)
    if protected.display.empty:
        ui.empty_state("No referrals to outside services are recorded for this period.")
    else:
        st.dataframe(protected.display.rename(columns={
            "service_name": "Service", "referrals": "Referrals", "seen": "Seen", "still_waiting": "Still waiting",
            "closed_unseen": "Closed before being seen", "median_wait_days": "Median wait (days)"}), hide_index=True)
        st.caption(disclosure.legend(protected.threshold))
    st.stop()

waiting = ui.cached(specialists.waiting_by_service, ctx.viewer, ctx.school_id, ctx.as_at)
if waiting.empty:
    ui.empty_state("No referrals to outside services are recorded yet. Record one below, on a pupil's passport, "
                   "or import a file of referrals on the Data import page.")
else:
    m = ui.metric_row()
    m.metric("Pupils still waiting", f"{int(waiting['still_waiting'].sum())}")
    longest = waiting["longest_open_wait_days"].max()
    m.metric("Longest wait so far", "No one waiting" if longest != longest else f"{int(longest)} days")
    m.metric("Referrals in the period", f"{int(waiting['referrals'].sum())}")
    st.subheader("How long is the wait for each service?")
    records_views.waiting_table(ctx, waiting)

involvements = ui.cached(specialists.involvements, ctx.viewer, ctx.school_id, ctx.as_at, ctx.today)
open_rows = involvements[involvements["state"] == "Waiting"]
st.subheader("Pupils waiting to be seen")
if open_rows.empty:
    ui.empty_state("No pupil is waiting for an outside service.")
elif trust_sharing.withhold_pupil_table(ctx):  # the trust lead: names only where shared
    pass
else:
    ui.audit_view(ctx, detail={"list": "open referrals", "as_at": ctx.as_at.isoformat(),
                               "pupils": open_rows["pupil_id"].tolist()})
    ui.table(ctx, open_rows.sort_values("days_waited", ascending=False)[
        ["pupil", "year_group", "service_name", "referred_on", "days_waited", "next_contact"]],
        "specialists_waiting_pupils", column_config=records_views.involvement_columns())

if ctx.viewer.role in specialists.EDIT_ROLES:
    others = involvements[involvements["state"] != "Waiting"]
    with st.expander("Seen, ongoing and closed involvements", icon=":material/table:"):
        if others.empty:
            ui.empty_state("None yet.")
        else:
            ui.audit_view(ctx, detail={"list": "involvements", "pupils": others["pupil_id"].tolist()})
            ui.table(ctx, others[["pupil", "year_group", "service_name", "referred_on", "seen_on", "days_waited", "advice",
                                  "next_contact", "closed_on", "state"]], "specialists_involvements",
                     column_config=records_views.involvement_columns())
    st.subheader("Record or update")
    pupils = ui.cached(specialists.pupil_choices, ctx.viewer, ctx.school_id, ctx.as_at, ctx.today)
    records_views.referral_form(ctx, None, dict(zip(pupils["pupil_id"].astype(int), pupils["label"])),
                                form="referral_page")
    records_views.involvement_update_form(ctx, involvements, "involvement_page")
