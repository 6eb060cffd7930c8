"""Graduated approach: is assess, plan, do, review working?"""
import streamlit as st

from sendboard import trust_sharing, ui
from sendboard.leaders import charts as lc
from sendboard.leaders import display as d
from sendboard.leaders import graduated as ga
from sendboard.statutory import ehc

ctx = ui.page_context("graduated_approach")
ui.page_header(ctx)
if ctx.school_id is None:
    ui.empty_state("No school is linked to your account yet. Ask the administrator to add one.")
    st.stop()

data = ui.cached(ga.graduated, ctx.scope, ctx.school_id, ctx.as_at)
cov = data["coverage"]
if data["roster"].empty:
    ui.empty_state(f"No pupils were on roll at {d.md_escape(ctx.school_name)} on {ctx.as_at:%d %B %Y}. Choose another term, "
                   "or import pupils and SEN records on the Data import page.")
    st.stop()
if not cov["sen_support"]["pupils"] and not cov["ehc_plan"]["pupils"]:
    ui.empty_state(f"No pupils were on the SEN register on {ctx.as_at:%d %B %Y}, so there are no plans to check.")
    st.stop()


def share(part: dict) -> str:
    return "no pupils" if part["pct"] is None else f"{part['pct']:.0f}% ({part['with_plan']} of {part['pupils']})"


voice, overdue = data["voice"], data["overdue"]
cols = ui.metric_row()
sk = cov["sen_support"]
cols.metric("Current plan (SEN support)", "–" if sk["pct"] is None else f"{sk['pct']:.0f}%",
            f"{sk['with_plan']} of {sk['pupils']} pupils", delta_color="off", delta_arrow="off",
            help="Pupils on SEN support with a support plan (one assess-plan-do-review cycle) open on this date.")
cols.metric("Reviews overdue", f"{len(overdue)}", help="Plans still open whose review date has passed.")
for key, label in (("pupil_voice", "Pupil's view recorded"), ("parent_voice", "Parents' view recorded")):
    value = voice[f"{key}_pct"]
    cols.metric(label, "no reviews" if value is None else f"{value:.0f}%",
               f"{voice[key]} of {voice['reviews']} reviews", delta_color="off", delta_arrow="off",
               help="Review meetings in the 12 months to this date.")
st.caption(f"As at {ctx.as_at:%d %B %Y}. Reviews counted are the review meetings from {data['year_start']:%d %B %Y}. "
           f"Pupils with an EHC plan who also have a support plan open: {share(cov['ehc_plan'])}.")
ehc_now = ui.cached(ehc.compliance_now, ctx.scope, ctx.school_id, ctx.as_at)
st.caption(f"EHC plans: {d.md_escape(ehc.compliance_sentence(ehc_now))} A held EHC annual review counts as a review below.")

missing = data["days"]

st.subheader("Reviews that are overdue")
if overdue.empty:
    st.success("No open plan is past its review date.", icon=":material/check_circle:")
elif trust_sharing.withhold_pupil_table(ctx):  # the trust lead: names only where shared
    pass
else:
    ui.audit_view(ctx, detail={"list": "overdue reviews", "as_at": ctx.as_at.isoformat(), "pupils": overdue["pupil_id"].tolist()})
    shown = overdue.drop(columns="pupil_id")
    shown.insert(0, "Status", "⚠ Overdue")
    ui.table(ctx, shown, "graduated_overdue")
    st.caption(f"{len(overdue)} plans, longest {overdue['Days overdue'].max()} days overdue.")

st.subheader("Time since the last review")
bands = data["bands"]
ui.chart(ctx, ui.figure(lc.review_bands, bands), d.show(bands, ["band", "SEN status", "pupils"]), "graduated_review_bands")
st.caption("Each pupil on the register counts once, by their most recent review meeting (a support-plan review or a "
           "held EHC annual review) on or before this date. "
           "Support plans are usually reviewed every 6 to 13 weeks; EHC plans also have a statutory annual review "
           "(see the EHC plans page).")
with st.expander("Each pupil's last review", icon=":material/person:"):
    if not trust_sharing.withhold_pupil_table(ctx):
        ui.audit_view(ctx, detail={"list": "last review", "as_at": ctx.as_at.isoformat(), "pupils": missing["pupil_id"].tolist()})
        ui.table(ctx, missing.drop(columns=["pupil_id", "band"]), "graduated_last_review")

st.subheader("Pupils not yet making progress on their targets")
stuck = data["stuck"]
if stuck.empty:
    st.success("No pupil's last two reviews rated every target 'not yet'.", icon=":material/check_circle:")
elif trust_sharing.withhold_pupil_table(ctx):
    pass
else:
    ui.audit_view(ctx, detail={"list": "not yet twice", "as_at": ctx.as_at.isoformat(), "pupils": stuck["pupil_id"].tolist()})
    ui.table(ctx, stuck.drop(columns="pupil_id"), "graduated_not_yet")
    st.caption(f"{len(stuck)} pupils whose last two or more review meetings rated every target 'not yet'. For the "
               "SENCO: is the support right, is more expertise needed, or is it time to consider an EHC needs assessment?")
