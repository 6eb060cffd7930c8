"""Identification: are we identifying the right pupils, early?"""
import streamlit as st

from sendboard import trust_sharing, ui
from sendboard.leaders import charts as lc
from sendboard.leaders import display as d
from sendboard.leaders import identification as ident
from sendboard.records import views as records_views

ctx = ui.page_context("identification")
ui.page_header(ctx)
if ctx.school_id is None:
    ui.empty_state("No school is linked to your account yet. Ask the administrator to add one.")
    st.stop()

data = ui.cached(ident.identification, ctx.scope, ctx.school_id, ctx.as_at)
frame = data["roster"]
if frame.empty:
    ui.empty_state(f"No pupils were on roll at {d.md_escape(ctx.school_name)} on {ctx.as_at:%d %B %Y}. Choose another term, "
                   "or import pupils and SEN records on the Data import page.")
    st.stop()

records_views.concern_notice(ctx)
rates = data["rates"]
st.subheader("Who is on the register, group by group?")
st.caption("Each group's rate is set against the rest of the cohort. 'Times as likely' above 1 means the group is more "
           "often on the register; the 95% confidence interval shows how sure we can be. A finding is flagged only "
           "where the interval is wholly above or below 1 — otherwise the difference could be chance.")
flagged = ident.findings(rates)
if flagged.empty:
    st.success("No group stands out: every difference could be chance.", icon=":material/check_circle:")
else:
    with st.container(border=True):
        st.markdown(f"**:material/flag: {len(flagged)} groups stand out** (the 95% confidence interval does not include 1):")
        for r in flagged.itertuples():
            arrow = ":material/arrow_upward: More likely" if r.finding == ident.MORE else ":material/arrow_downward: Less likely"
            st.markdown(f"- {arrow}: **{d.md_escape(r.value)}** ({r.dimension.lower()}): {r.rate:.1f}% on the register "
                        f"against {r.rest_rate:.1f}% of the rest, {r.relative_likelihood:.2f} times as likely "
                        f"(95% CI {r.ci_low:.2f} to {r.ci_high:.2f})")

dimension = st.segmented_control("Compare by", ident.DIMENSIONS, default="Gender", key="identification_dimension")
dimension = dimension or "Gender"
left, right = st.columns(2)
with left:
    ui.chart_only(ui.figure(lc.rate_bars, rates, dimension), key="identification_rate_bars", width=360)
with right:
    if rates.loc[rates["dimension"] == dimension, "relative_likelihood"].notna().any():
        ui.chart_only(ui.figure(lc.rate_ci, rates, dimension), key="identification_rate_ci", width=360)
    else:
        ui.empty_state("Too few pupils on the register in these groups to compare likelihoods.")
ui.table(ctx, d.show(rates[rates["dimension"] == dimension],
                     ["value", "pupils", "on_register", "rate", "rest_rate", "relative_likelihood", "ci_low", "ci_high",
                      "finding"]), f"identification_{dimension.lower().replace(' ', '_')}",
         key="identification_dimension_table")
with st.expander("Every group, every comparison", icon=":material/table:"):
    ui.table(ctx, d.show(rates, ["dimension", "value", "pupils", "on_register", "rate", "rest_pupils",
                                 "rest_on_register", "rest_rate", "relative_likelihood", "ci_low", "ci_high", "finding"]),
             "identification_all_groups")
    st.caption("Relative likelihood = (a ÷ n₁) ÷ (c ÷ n₂), where a of n₁ pupils in the group and c of the other n₂ "
               "are on the register. 95% CI = exp(ln RR ± 1.96 × √(1/a − 1/n₁ + 1/c − 1/n₂)). "
               "Season of birth: autumn-born September to December (oldest in the year), spring-born January to "
               "April, summer-born May to August (youngest).")

st.subheader("Against national figures")
nat = data["national"]
ui.table(ctx, d.show(nat, ["measure", "pupils", "school_pct", "national_pct", "national_year", "source"]),
         "identification_national")
st.caption("National shares are for all schools in England, from the reference data held; 'not published' means "
           "no national figure is held, and none is invented. Small groups here move a lot from year to year.")

if not trust_sharing.withhold_pupil_table(ctx):  # the trust lead: names only where shared
    records_views.concern_queue(ctx)

st.subheader("Pupils of concern, not on the register")
concerns = data["concerns"]
if concerns.empty:
    ui.empty_state("No open concerns for pupils off the register at this date.")
elif trust_sharing.withhold_pupil_table(ctx):
    pass
else:
    ui.audit_view(ctx, detail={"list": "pupils of concern", "as_at": ctx.as_at.isoformat(),
                       "pupils": concerns["pupil_id"].tolist()})
    ui.table(ctx, concerns.drop(columns="pupil_id"), "identification_concerns")
    st.caption(f"{concerns['pupil_id'].nunique()} pupils with a concern open on {ctx.as_at:%d %B %Y}.")

st.subheader("Pupils who may be unidentified")
c1, c2 = st.columns(2)
lowest = c1.slider("Lowest progress (% of the cohort)", 1, 50, 10, key="identification_lowest",
                   help="Flag pupils whose progress was in this lowest share of the cohort in each of two consecutive terms.")
below = c2.slider("Attendance below (%)", 50, 100, 90, key="identification_attendance",
                  help="Flag pupils whose attendance this school year is below this (90% is the persistent absence line).")
if (lowest, below) != (10, 90):
    data = ui.cached(ident.identification, ctx.scope, ctx.school_id, ctx.as_at, lowest, below)
unidentified, weaker, info = data["unidentified"], data["weaker_signs"], data["progress_info"]
if info["terms"]:
    st.caption(f"Progress = each pupil's mean change in score since the term before, over their subjects, ranked "
               f"among the {info['ranked']} pupils with scores in {d.md_escape(info['terms'][1])} and compared with "
               f"{d.md_escape(info['terms'][0])}. Attendance and suspensions are this school year to date.")
else:
    st.caption("Progress can't be compared yet: it needs scores in three consecutive terms. Attendance and "
               "suspensions are this school year to date.")
st.markdown("Ranked by the strength of the evidence: **4 points** for progress among the lowest in both terms, "
            "**2** for scores among the lowest or an open concern, **1** each for progress among the lowest in "
            "the latest term only, attendance below the line, or a suspension. Pupils with **3 points or more** "
            "are listed to act on, strongest first.")
if unidentified.empty:
    ui.empty_state("No pupil off the register has 3 points of evidence at this date.")
elif trust_sharing.withhold_pupil_table(ctx):
    pass
else:
    ui.audit_view(ctx, detail={"list": "possibly unidentified", "as_at": ctx.as_at.isoformat(), "lowest_pct": lowest,
                       "attendance_below": below, "pupils": unidentified["pupil_id"].tolist()})
    ui.table(ctx, unidentified.drop(columns="pupil_id"), "identification_possibly_unidentified",
             column_config={"Why": st.column_config.TextColumn(width="large"),
                            "Points": st.column_config.NumberColumn(width="small")})
    strong = int((unidentified["Evidence"] == "Strong").sum())
    st.caption(f"{len(unidentified)} pupils to look at first ({strong} with strong evidence). A flag is a prompt to "
               "look, not a judgement: low attendance or a dip in scores has many causes.")
if not weaker.empty and not trust_sharing.names_withheld(ctx.db, ctx.viewer):
    box = st.expander(f"One weaker sign only: {len(weaker)} pupils", icon=":material/visibility:",
                      key="identification_weaker", on_change="rerun")
    if box.open:
        with box:
            ui.audit_view(ctx, detail={"list": "weaker signs", "as_at": ctx.as_at.isoformat(),
                                       "pupils": weaker["pupil_id"].tolist()})
            ui.table(ctx, weaker.drop(columns="pupil_id"), "identification_weaker_signs")
            st.caption("Worth keeping an eye on: on its own each of these is common and has many causes.")
