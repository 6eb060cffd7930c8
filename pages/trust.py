"""Trust schools: the trust's schools side by side on SEND."""
import streamlit as st

from sendboard import trust, ui

ctx = ui.page_context("trust")
ui.page_header(ctx, caption="Every school in the trust, as at the same date. No pupil is shown here.")

register = ui.cached(trust.register_by_school, ctx.viewer, ctx.as_at)
if register.empty or int(register["on_roll"].sum()) == 0:
    ui.empty_state("No pupils are on roll in the trust's schools at this date. Choose another term, or import data.")
    st.stop()

st.subheader("Register against national")
ui.chart(ctx, trust.register_chart(register), register[
    ["school", "phase", "on_roll", "sen_support", "sen_support_pct", "ehc_plans", "ehc_pct",
     "national_sen_support_pct", "national_ehc_pct", "national_any_sen_pct", "national_years"]].round(1), "trust_register")
st.caption("National marks: DfE 'Special educational needs in England' for each school's phase, the latest year held "
           "up to this one, named in the table's national_years column (the total with SEN is often newer than its split).")

left, right = st.columns(2)
with left:
    st.subheader("Need mix")
    mix = ui.cached(trust.need_mix_by_school, ctx.viewer, ctx.as_at)
    if mix.empty:
        ui.empty_state("No pupils with SEND at this date.")
    else:
        ui.chart(ctx, trust.need_mix_chart(mix), mix.round(1), "trust_need_mix")
with right:
    st.subheader("Outcome gaps")
    gaps = ui.cached(trust.outcome_gaps_by_school, ctx.viewer, ctx.as_at)
    if gaps[["score_gap", "attendance_gap"]].isna().all().all():
        ui.empty_state("No assessment or attendance data yet for this year.")
    else:
        ui.chart(ctx, trust.gap_chart(gaps), gaps.round(1), "trust_outcome_gaps")

st.subheader("Reviews on time")
ui.table(ctx, ui.cached(trust.review_compliance_by_school, ctx.viewer, ctx.as_at).round(1), "trust_review_compliance")
