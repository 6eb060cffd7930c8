"""Overview: where are we now? The SEN register as at a date, beside national figures and our own past."""
import streamlit as st

from sendboard import trust_sharing, ui
from sendboard.leaders import ON_REGISTER, register
from sendboard.leaders import charts as lc
from sendboard.leaders import display as d
from sendboard.statutory import ehc

ctx = ui.page_context("overview")
ui.page_header(ctx)
if ctx.school_id is None:
    ui.empty_state("No school is linked to your account yet. Ask the administrator to add one.")
    st.stop()

picker, _ = st.columns([1, 3])
as_at = picker.date_input("Register as at", value=ctx.as_at, max_value=ctx.today, format="DD/MM/YYYY",
                      key=f"overview_as_at_{ctx.term_id}",
                      help="Defaults to the term chosen in the sidebar (its census date, or today for this term).")
data = ui.cached(register.overview, ctx.scope, ctx.school_id, ctx.school_phase, as_at)
summ = data["summary"]
if not summ["on_roll"]:
    ui.empty_state(f"No pupils were on roll at {d.md_escape(ctx.school_name)} on {as_at:%d %B %Y}. Choose another date or term, "
                   "or import pupils and SEN records on the Data import page.")
    st.stop()

nat_k, nat_e = data["national_support"], data["national_ehc"]
cols = ui.metric_row()
cols.metric("Pupils on roll", f"{summ['on_roll']:,}")
cols.metric("On SEN support", f"{summ['sen_support']:,}", f"{summ['sen_support_pct']:.1f}% of roll",
            delta_color="off", delta_arrow="off")
cols.metric("With an EHC plan", f"{summ['ehc_plan']:,}", f"{summ['ehc_plan_pct']:.1f}% of roll",
            delta_color="off", delta_arrow="off")
cols.metric("On the register in all", f"{summ['on_register']:,}", f"{summ['on_register_pct']:.1f}% of roll",
            delta_color="off", delta_arrow="off")
st.caption(data["national_basis"].sentence())
ehc_now = ui.cached(ehc.compliance_now, ctx.scope, ctx.school_id, as_at)
if ehc_now["plans"]:
    st.caption(f"EHC plans: {d.md_escape(ehc.compliance_sentence(ehc_now))} Details on the EHC plans page.")

st.subheader("Against national and our own past")
comp = data["comparison"]
ui.chart(ctx, ui.figure(lc.comparison, comp), d.show(comp, ["what", "on_roll", "sen_support", "sen_support_pct", "ehc_plan",
                                                "ehc_plan_pct", "any_sen_pct", "note", "source"]), "overview_comparison")
st.caption("Earlier years are shown at the same census point (autumn, spring or summer) as the date chosen. "
           "National figures are for the school's phase where published; the year used is named on each bar. Where the "
           "national total for a year is newer than its split into SEN support and EHC plans, compare 'All with SEN' "
           "for that year; the split is from the latest year that has it.")

st.subheader("Term by term")
trend = data["trend"]
if len(trend) < 2:
    ui.empty_state("The register's history needs at least two census dates; there is not enough history yet.")
else:
    ui.chart(ctx, ui.figure(lc.trend, trend), d.show(trend, ["label", "census_date", "on_roll", "sen_support", "sen_support_pct",
                                                  "ehc_plan", "ehc_plan_pct"]), "overview_trend")

st.subheader("By year group")
by_year = data["by_year"]
ui.chart(ctx, ui.figure(lc.by_year, by_year), d.show(by_year, ["year_group", "on_roll", "sen_support", "sen_support_pct",
                                                    "ehc_plan", "ehc_plan_pct"]), "overview_by_year")

st.subheader("By area of need")
left, right = st.columns([2, 3])
group = left.radio("Pupils", register.NEED_GROUPS, horizontal=True, key="overview_need_group",
                   help="National need figures are published for EHC plans; few are for SEN support.")
include_secondary = right.toggle("Include secondary needs", key="overview_secondary",
                                 help="Count each pupil's secondary need too. National figures cover primary need only.")
if not data["roster"]["sen_group"].isin(ON_REGISTER if group == "On the register" else (group,)).any():
    ui.empty_state(f"No pupils in this group ({group}) at this date.")
else:
    for level, title in (("area", "Which broad areas of need are most common, here and nationally?"),
                         ("need", "Which types of need are most common, here and nationally?")):
        mix = ui.memo(register.need_mix, data["need_counts"], data["codes"], data["national"], data["academic_year"], group,
                      level, include_secondary=include_secondary, phase=data.get("phase"))
        ui.chart(ctx, ui.figure(lc.need_mix, mix, title), d.show(mix, ["label", "area", "pupils", "pct", "national_pct",
                                                            "national_note"] if level == "need" else
                                                      ["label", "pupils", "pct", "national_pct", "national_note"]),
                 f"overview_need_{level}")
    st.caption("Shares are of pupils in the group" + (" (a pupil with two needs counts twice)" if include_secondary else "")
                + ". 'not published' means sendboard holds no national figure for that need and group: none is invented. "
                "Each national share names its year and the schools it covers (the school's phase where the DfE "
                "publishes a mix for it, otherwise all schools in England).")

st.subheader("The pupils behind a bar")
names_withheld = trust_sharing.withhold_pupil_table(ctx)  # the trust lead: names only where shared
choices = ui.memo(register.drill_choices, data["roster"], data["codes"])
pick = None if names_withheld else st.selectbox("Show the pupils in", list(choices), index=None, placeholder="Choose a bar…",
                    key=f"overview_drill_{as_at}")
if pick:
    pupils = ui.memo(register.pupil_list, data["roster"], data["codes"], include_secondary=include_secondary, **choices[pick])
    ui.audit_view(ctx, detail={"list": pick, "as_at": as_at.isoformat(), "pupils": pupils["pupil_id"].tolist()})
    if pupils.empty:
        ui.empty_state("No pupils in that group at this date.")
    else:
        ui.table(ctx, pupils.drop(columns="pupil_id"), "overview_pupils")
        st.caption(f"{len(pupils)} pupils, as at {as_at:%d %B %Y}. Every pupil's needs are listed, not only the one chosen.")
