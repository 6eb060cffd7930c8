"""Impact and value: what our money and staff hours bought in measured progress, intervention by intervention."""
import streamlit as st

from sendboard import audit, trust_sharing, ui
from sendboard.provision import allocations as alloc
from sendboard.provision import charts as pcharts
from sendboard.provision import display as d
from sendboard.provision import impact

ctx = ui.page_context("impact")
ui.page_header(ctx)
if ctx.school_id is None or ctx.academic_year is None:
    ui.empty_state("Choose a school and a term in the sidebar.")
    st.stop()

years = ui.cached(alloc.academic_years)
years = years[years["academic_year"] <= ctx.academic_year]
options = years["academic_year"].astype(int).tolist()[::-1][:4] or [ctx.academic_year]
labels = dict(zip(years["academic_year"].astype(int), years["label"]))
year = st.segmented_control("Academic year", options, default=options[0], format_func=lambda y: labels.get(y, str(y)),
                            key="impact_year") or options[0]
year_label = labels.get(year, str(year))
if year == ctx.academic_year:
    as_at = ctx.as_at
else:
    as_at = min(alloc.year_bounds(ctx.db, year)[1], ctx.today)
result = ui.cached(impact.impact_for_year, ctx.viewer, ctx.school_id, year, as_at, ctx.today)
table, pupils = result["impact"], result["pupils"]
ui.audit_view(ctx, detail={"academic_year": year, "interventions": len(table), "pupils": audit.pupil_ids(pupils)})
if table.empty:
    ui.empty_state(f"No interventions ran in {year_label}. Add them on the Provision map page.")
    st.stop()

ICONS = {"Good value": ":material/thumb_up:", "Review it": ":material/rate_review:",
         "Not enough data yet": ":material/hourglass_empty:"}
counts = table["verdict"].value_counts()
cols = ui.metric_row()
for verdict in impact.VERDICTS:
    cols.metric(verdict, int(counts.get(verdict, 0)), help={
        "Good value": "At least 5 pupils measured and the effect's 95% interval wholly above zero (against similar "
                      "pupils where they can be compared).",
        "Review it": "Enough pupils measured, but the effect could be nothing, or pupils did measurably worse.",
        "Not enough data yet": f"Fewer than {impact.MIN_PUPILS} pupils have both an entry and an exit score, or "
                               "the measure has no known population spread.",
    }[verdict])
st.caption(f"Interventions that ran in {year_label}, as at {as_at:%d %B %Y}. Gains are measured on each "
           "intervention's own entry and exit measure; a missing exit score is never counted as no progress.")
if not counts.get("Good value", 0) and not counts.get("Review it", 0) and len(options) > 1 and year == options[0]:
    st.info("No intervention has enough exit scores yet this year. Choose last year above to see finished ones.",
            icon=":material/info:")

st.subheader("Value for money")
judged = table[table["verdict"] != "Not enough data yet"]
plotted = judged.dropna(subset=["cost_per_pupil", "effect_size"])
value_cols = ["intervention", "verdict", "with_both_scores", "cost_per_pupil", "effect_size", "months_progress",
              "mean_gain", "cost_per_pupil_per_gain"]
if not ctx.viewer.sees_costs:  # the trust lead: the school's costs rest on its staff pay rates, which stay with it
    st.info("Costs are shown to the school's head, SENCO and administrator only: the effect of each intervention is "
            "below. The Trust schools page compares planned spend per pupil with SEND across the schools.",
            icon=":material/lock:")
elif plotted.empty:
    ui.empty_state("No intervention has enough pupils with entry and exit scores to plot yet.")
else:
    ui.chart(ctx, ui.figure(pcharts.cost_effectiveness, plotted),
             d.show(plotted, value_cols, money=("cost_per_pupil", "cost_per_pupil_per_gain")),
             "impact_cost_effectiveness")
    st.caption("Up and to the left is best: more progress for less money. Bubble size is the number of pupils with "
               "both scores. Interventions without enough data yet are not plotted.")

st.subheader("Verdict for each intervention")
for row in judged.itertuples():
    with st.container(border=True):
        st.markdown(f"{ICONS[row.verdict]} **{d.md_escape(row.intervention)}**: {row.verdict}")
        st.text(row.reason)
waiting = table[table["verdict"] == "Not enough data yet"]
if len(waiting):
    with st.container(border=True):
        st.markdown(f"{ICONS['Not enough data yet']} **Not enough data yet** ({len(waiting)})")
        st.markdown("\n".join(f"- **{d.md_escape(r.intervention)}**: {d.md_escape(r.reason)}" for r in waiting.itertuples()))

st.subheader("How big was the effect, and how sure can we be?")
if judged.dropna(subset=["ci_low"]).empty:
    ui.empty_state("No intervention has enough pupils with both scores yet.")
else:
    ci_rows = judged.dropna(subset=["ci_low"])
    ui.chart(ctx, ui.figure(pcharts.effect_ci, judged),
             d.show(ci_rows, ["intervention", "with_both_scores", "effect_size", "es_ci_low", "es_ci_high",
                              "months_progress", "effect_basis", "verdict"]),
             "impact_effect_ci")
    st.caption("Effect sizes put measures on different scales (months, points, ratings) on one footing: the gain "
               "divided by how widely the measure varies across all pupils. A bar that crosses zero means the effect "
               "could be nothing. Education research calls 0.2 small, 0.5 medium; most school interventions that "
               "work reach 0.1 to 0.5.")

st.subheader("All the figures")
ui.table(ctx, d.show(table, ["intervention", "wave", "areas", "measure", "measure_scale", "places", "with_both_scores",
                             "missing_exit", "mean_gain", "sd_gain", "t_critical", "ci_low", "ci_high", "sd_entry",
                             "population_sd", "sd_source", "hedges_j", "pre_post_effect", "effect_size", "es_ci_low",
                             "es_ci_high", "months_progress", "effect_basis", "cost_per_pupil", "cost_per_pupil_per_gain", "compared_on",
                             "participant_change", "comparison_change", "difference_in_gains", "comparison_pupils",
                             "verdict", "reason"],
                     money=("cost_per_pupil", "cost_per_pupil_per_gain")), "impact_by_intervention",
         column_config=d.money_config())

with st.expander("Each pupil's entry and exit scores", icon=":material/person:"):
    if not trust_sharing.withhold_pupil_table(ctx):  # the trust lead: names only where shared
        ui.table(ctx, d.show(pupils, ["intervention", "first_name", "last_name", "year_group", "group_label", "start_date",
                                      "end_date", "sessions_attended", "entry_score", "exit_score", "gain"]),
                 "impact_pupil_gains")
        st.caption("Gain = exit − entry, turned round where a lower score is better, so a positive gain is always progress; "
                   "on a reading or maths age, less the months that passed. An exit score counts once the allocation has "
                   "ended by the date shown.")

with st.expander("How these figures are worked out", icon=":material/functions:"):
    st.markdown(
        "- **Gain**: exit − entry, turned round where a lower score is better; on a reading or maths age the "
        "months that passed between the two scores are taken off, so only progress beyond growing older counts.\n"
        "- **Mean gain and 95% confidence interval**: the mean of the gains ± t × SD ÷ √n, with t from the "
        "t-distribution on n − 1 degrees of freedom (for 3 pupils t = 4.30; for 10, 2.26).\n"
        "- **Effect size** (Hedges' g): the mean gain ÷ the measure's population standard deviation (15 for "
        "standardised scores; a published figure for some measures; otherwise the spread of every entry score "
        "on that measure in the school), times Hedges' small-sample correction 1 − 3 ÷ (4(n − 1) − 1). Not the "
        "spread of the group's own entry scores: groups are chosen to be alike, which would inflate it.\n"
        "- **Against similar pupils**: where the measure names an assessment subject, each pupil's change in that "
        "subject from the term they started to the term they finished, against the change over the same terms "
        "of pupils in the same year group with the same broad area of primary need who were not in it. Where "
        "this exists, the difference in gains is the effect.\n"
        "- **Months' additional progress**: the effect size on the Education Endowment Foundation's conversion "
        "table (0.19 to 0.26 is 3 months; 0.45 to 0.52 is 6).\n"
        "- **Cost per pupil**: staff time (hourly cost × minutes × sessions, shared by the group) and other costs, "
        "over the whole programme. **£ per point gained** = cost per pupil ÷ mean gain.\n"
        "- **Verdicts**: fewer than 5 pupils with both scores → *Not enough data yet*; the effect's 95% interval "
        "wholly above zero → *Good value*; otherwise *Review it*. Full method: docs/methods.md."
    )
