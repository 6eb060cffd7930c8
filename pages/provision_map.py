"""Provision map: who gets which intervention, how often, and at what cost.

Teachers see the interventions of their own pupils without any cost; the head and the SENCO see the
whole school with costs, the budget, hours against EHC plans, and manage the catalogue and allocations.
"""
import pandas as pd
import streamlit as st

from sendboard import audit, domain, ui, versions
from sendboard.access import AccessDenied
from sendboard.db import ConflictError
from sendboard.provision import (
    AREA_NAMES,
    DELIVERY,
    DELIVERY_LABELS,
    EDIT_ROLES,
    RATE_ROLES,
    WAVE_LABELS,
    WAVES,
    ProvisionError,
    costs,
)
from sendboard.provision import allocations as alloc
from sendboard.provision import catalogue as cat
from sendboard.provision import charts as pcharts
from sendboard.provision import display as d
from sendboard.records import views as records_views
from sendboard.versions import StaleEdit

ctx = ui.page_context("provision_map")
viewer = ctx.viewer
sees_costs = viewer.sees_costs
editor = viewer.role in EDIT_ROLES
ui.page_header(ctx, caption=None if sees_costs else "You see the interventions of the pupils you teach. Costs are for the head and the SENCO.")
flash = st.session_state.pop("provision_flash", None)
if flash:
    st.success(d.md_escape(flash), icon=":material/check_circle:")
if ctx.school_id is None or ctx.academic_year is None:
    ui.empty_state("Choose a school and a term in the sidebar.")
    st.stop()

year_label = domain.year_label(ctx.academic_year)
frame = ui.cached(alloc.year_allocations, ctx.scope, ctx.school_id, ctx.academic_year, ctx.as_at)
ui.audit_view(ctx, detail={"academic_year": ctx.academic_year, "allocations": len(frame), "pupils": audit.pupil_ids(frame)})


def saved(message: str) -> None:
    st.session_state["provision_flash"] = message
    st.rerun()


def attempt(fn, *args, **kwargs):
    """Run a change; show what is wrong instead of failing. Returns (ok, result)."""
    try:
        return True, fn(*args, **kwargs)
    except StaleEdit as exc:  # someone saved first: show their version; the form keeps this person's
        ui.stale_edit(exc)
        return False, None
    except (ProvisionError, AccessDenied, ConflictError) as exc:
        st.error(d.md_escape(str(exc)), icon=":material/error:")
        return False, None


# --------------------------------------------------------------------------- headline
totals = ui.cached(alloc.year_summary, ctx.scope, ctx.school_id, ctx.academic_year, ctx.as_at, "all")
total = totals.iloc[0] if not totals.empty else {"pupils": 0, "pupils_now": 0, "interventions_now": 0}
cols = ui.metric_row()
cols.metric(f"Pupils in {year_label}" if viewer.sees_whole_school else f"Your pupils in {year_label}", f"{int(total['pupils']):,}",
            help="Pupils in at least one intervention at some point this academic year.")
cols.metric("In one now", f"{int(total['pupils_now']):,}")
cols.metric("Interventions running", f"{int(total['interventions_now']):,}")
if sees_costs:
    funding = ui.cached(alloc.funding_lines, ctx.scope, ctx.school_id, ctx.academic_year)
    money = costs.budget(totals, funding)
    cols.metric("Spent so far", f"£{money['spend_to_date'] or 0:,.0f}",
                f"£{money['projected_spend'] or 0:,.0f} projected", delta_color="off", delta_arrow="off",
                help="Staff time and other costs of the interventions recorded here, this academic year; "
                     "'projected' is the cost by each one's planned end (or 31 August).")
    if money["total_funding"] is not None and money["left_projected"] is None:  # funding known, spend not (no costs)
        cols.metric("Funding left", "Not known", f"of £{money['total_funding']:,.0f}", delta_color="off", delta_arrow="off",
                    help="Funding is recorded, but no hourly cost is set for the staff who deliver the interventions, "
                         "so their cost is not known. Set them under 'Staff hourly costs'.")
    elif money["total_funding"] is not None:
        cols.metric("Funding left", f"£{money['left_projected']:,.0f}",
                    f"of £{money['total_funding']:,.0f}", delta_color="off", delta_arrow="off",
                    help="Notional SEN budget and top-up for the year, minus the projected cost of the interventions "
                         "recorded here. Other SEN spending (in-class support, equipment) is not recorded here.")
    else:
        cols.metric("Funding left", "Not recorded",
                    help="No funding lines are recorded for this year, so spend cannot be set against the budget.")

MAP_TAB = "Whole-school map" if viewer.sees_whole_school else "Map of your pupils"
PUPILS_TAB = "Pupils" if viewer.sees_whole_school else "Your pupils"
tab_names = [MAP_TAB, PUPILS_TAB, "Hours against need", "Catalogue"]
if not viewer.sees_whole_school:
    tab_names = [PUPILS_TAB, MAP_TAB, "Hours against need", "Catalogue"]
if editor:
    tab_names.append("Add or change allocations")
if viewer.role in RATE_ROLES:
    tab_names.append("Staff hourly costs")
if sees_costs:
    tab_names.append("Funding")
# Only the open tab is drawn (each tab a rerun): drawn at once, the eight tabs cost every visit their
# tables, charts and forms, out of sight. The open tab is kept in the session while the page is open.
tabs = dict(zip(tab_names, st.tabs(tab_names, key="pm_tab", on_change="rerun")))

# --------------------------------------------------------------------------- the map
if tabs[MAP_TAB].open:
    with tabs[MAP_TAB]:
        if frame.empty:
            ui.empty_state(f"No pupils you can see are in an intervention in {year_label}."
                           + (" Add them under 'Add or change allocations'." if editor else ""))
        else:
            choice = st.segmented_control("Break the map down by", ["Year group", "Area of need", "Wave", "Intervention"],
                                          default="Year group", key="pm_by")
            by = {"Year group": "year_group", "Area of need": "area", "Wave": "wave", "Intervention": "intervention"}[choice or "Year group"]
            summary = ui.cached(alloc.year_summary, ctx.scope, ctx.school_id, ctx.academic_year, ctx.as_at, by)
            money_cols = ("year_cost_to_date", "year_cost")
            if sees_costs:
                fig = ui.figure(pcharts.spend_chart, summary.assign(wave=summary["wave"].map(d.wave_text)) if by == "wave" else summary,
                                by, f"Where is this year's provision money going, by {choice.lower()}?")
            else:
                fig = ui.figure(pcharts.hours_chart, summary.assign(wave=summary["wave"].map(d.wave_text)) if by == "wave" else summary,
                                by, f"How many pupil hours a week go on interventions, by {choice.lower()}?")
            shown = d.show(summary, [by, "interventions", "pupils", "pupils_now", "pupil_hours_week", "staff_hours_week",
                                     *money_cols], money=money_cols)
            ui.chart(ctx, fig, shown, f"provision_map_by_{by}")
            if by == "area":
                st.caption("Each pupil's share of a cost counts to that pupil's own primary need when it started (not to the "
                           "areas an intervention is aimed at), so the areas add up to the whole-school total. 'Staff hours' "
                           "share each group's hours among the pupils in it.")
            if sees_costs:
                st.subheader("Spend against the budget")
                lines = [("Notional SEN budget (element 2)", money["notional_sen"]), ("Top-up from the local authority (element 3)", money["top_up"]),
                         ("Other SEND funding", money["other"]), ("Total funding", money["total_funding"]),
                         ("Spent so far this year", money["spend_to_date"]), ("Projected spend for the year", money["projected_spend"]),
                         ("Left now", money["left_to_date"]), ("Left after projected spend", money["left_projected"])]
                budget_frame = pd.DataFrame([(k, None if v is None else round(v)) for k, v in lines], columns=["Line", "£"])
                ui.table(ctx, budget_frame.dropna(), "provision_budget",
                         column_config={"£": st.column_config.NumberColumn(format="localized")})
                st.caption("Costs: each session costs the hourly cost of the staff role delivering it × its length; a group's "
                           "weekly cost is shared equally by the pupils in the group (same intervention and group label at the "
                           "same time, or the planned group size). Other costs are shared the same way. Hourly costs are set "
                           "under 'Staff hourly costs'.")

# --------------------------------------------------------------------------- pupils
if tabs[PUPILS_TAB].open:
    with tabs[PUPILS_TAB]:
        if frame.empty:
            ui.empty_state("No allocations to show for this year.")
        else:
            st.subheader("Every allocation this year" if viewer.sees_whole_school else "The interventions your pupils are in this year")
            listing = frame.assign(areas=frame["areas"])
            columns = ["first_name", "last_name", "year_group", "sen_group", "intervention", "wave", "group_label",
                       "delivery", "session_times", "minutes_per_session", "start_date", "end_date",
                       "planned_end", "sessions_attended", "entry_score", "exit_score"]
            if sees_costs:
                columns += ["pupils_in_group", "weekly_cost", "cost_to_date", "projected_cost"]
            ui.table(ctx, d.show(listing, columns, money=("cost_to_date", "projected_cost"), decimals=2), "provision_allocations",
                     column_config=d.money_config())
            st.subheader("Time out of class")
            limit = st.number_input("Flag pupils out of class for more than (minutes a week)", min_value=0, max_value=1500,
                                    value=120, step=15, key="pm_limit")
            out = costs.time_out_of_class(frame, limit)
            flagged = int(out["over_threshold"].sum()) if not out.empty else 0
            if flagged:
                st.warning(f"{flagged} pupil{'s are' if flagged != 1 else ' is'} out of class for more than {limit} minutes a week "
                           "in interventions. Is the time they miss worth what they gain?", icon=":material/warning:")
            else:
                st.caption(f"No pupil is out of class for more than {limit} minutes a week.")
            out = out.assign(over_threshold=out["over_threshold"].map({True: "⚠ Over the limit", False: ""}))
            ui.table(ctx, d.show(out, ["first_name", "last_name", "year_group", "interventions", "minutes_week", "over_threshold"]),
                     "provision_time_out_of_class")
            st.caption("Counts the sessions of allocations running now that take the pupil out of lessons; in-class "
                       "support (whatever its wave) keeps the pupil in the room and does not count.")
            if sees_costs:
                st.subheader("Each pupil's provision this year")
                per_pupil = ui.memo(costs.pupil_costs, frame)
                ui.table(ctx, d.show(per_pupil, ["first_name", "last_name", "year_group", "sen_group", "interventions",
                                                 "minutes_week_now", "year_cost_to_date", "year_cost"],
                                     money=("year_cost_to_date", "year_cost")), "provision_pupil_costs",
                         column_config=d.money_config())

# --------------------------------------------------------------------------- hours against need
if tabs["Hours against need"].open:
    with tabs["Hours against need"]:
        ehc = ui.cached(alloc.ehc_hours, ctx.scope, ctx.school_id, ctx.as_at)
        hours = costs.hours_against_need(ehc, frame)
        if hours.empty:
            ui.empty_state("No pupil you can see has an EHC plan open on this date.")
        else:
            short = hours[hours["gap"] > 0.01]
            if len(short):
                st.warning(f"{len(short)} of {len(hours)} pupils with an EHC plan have fewer hours in recorded interventions "
                           "than their plan sets out. In-class support is not recorded here: check these against the "
                           "timetable before acting.", icon=":material/warning:")
            else:
                st.success(f"Every one of the {len(hours)} pupils with an EHC plan has at least the hours the plan sets out.",
                           icon=":material/check_circle:")
            shown = d.show(hours, ["first_name", "last_name", "year_group", "plan_hours", "scheduled_hours", "gap", "status"])
            ui.chart(ctx, pcharts.hours_gap_chart(hours), shown, "provision_ehc_hours")
            st.caption("Scheduled hours: the interventions each pupil is in now, sessions a week × minutes a session. "
                       "Support not recorded as an intervention (e.g. in-class TA time) is not counted.")

# --------------------------------------------------------------------------- catalogue
if tabs["Catalogue"].open:
    with tabs["Catalogue"]:
        catalogue = ui.cached(cat.catalogue, ctx.scope, ctx.school_id)
        cat_cols = ["name", "areas", "wave", "delivered_by", "group_size", "sessions_per_week", "minutes_per_session",
                    "planned_weeks", "hourly_cost", "other_costs", "measure", "measure_scale", "higher_is_better", "retired"]
        if catalogue.empty:
            ui.empty_state("The catalogue is empty." + (" Add the first intervention below." if editor else ""))
        else:
            ui.table(ctx, d.show(catalogue, cat_cols, money=("hourly_cost", "other_costs")), "provision_catalogue",
                     column_config=d.money_config())
        if editor:
            roles = ui.cached(cat.staff_roles, ctx.scope, ctx.school_id) or ["teacher", "teaching_assistant"]
            area_codes = list(AREA_NAMES)

            def intervention_form(key: str, start: dict | None):
                s = start or {}
                with st.form(key, border=True):
                    name = st.text_input("Name", value=s.get("name", ""), key=f"{key}-name")
                    left, right = st.columns(2)
                    areas = left.multiselect("Broad areas of need", area_codes, format_func=AREA_NAMES.get,
                                             default=[a for a in str(s.get("areas", "")).split("|") if a in AREA_NAMES], key=f"{key}-areas")
                    wave = right.selectbox("Wave", WAVES, format_func=WAVE_LABELS.get,
                                           index=WAVES.index(s["wave"]) if s.get("wave") in WAVES else 1, key=f"{key}-wave")
                    role_list = roles if s.get("delivered_by") in roles or not s else [s["delivered_by"], *roles]
                    delivered_by = left.selectbox("Delivered by (staff role)", role_list, format_func=d.role_text,
                                                  index=role_list.index(s["delivered_by"]) if s.get("delivered_by") in role_list else 0, key=f"{key}-delivered_by")
                    group_size = right.number_input("Pupils in a group", 1, 40, int(s.get("group_size", 4)), key=f"{key}-group_size")
                    sessions = left.number_input("Sessions a week", 0.5, 30.0, float(s.get("sessions_per_week", 3)), step=0.5, key=f"{key}-sessions")
                    minutes = right.number_input("Minutes a session", 5, 480, int(s.get("minutes_per_session", 30)), step=5, key=f"{key}-minutes")
                    weeks = left.number_input("Planned weeks", 1, 52, int(s.get("planned_weeks", 10)), key=f"{key}-weeks")
                    other = right.number_input("Other costs for one group's programme (£)", 0.0, 100000.0,
                                               float(s.get("other_costs", 0) or 0), step=10.0, key=f"{key}-other")
                    measure = left.text_input("Measure (entry and exit)", value=s.get("measure", ""),
                                              help="Name an assessment subject (e.g. 'Reading') to compare with similar pupils.", key=f"{key}-measure")
                    scale = right.text_input("Scale", value=s.get("measure_scale", ""), placeholder="e.g. standardised score", key=f"{key}-scale")
                    higher = st.checkbox("A higher score is better", value=bool(s.get("higher_is_better", True)), key=f"{key}-higher")
                    submitted = st.form_submit_button("Save intervention", type="primary")
                values = dict(name=name, areas=areas, wave=wave, delivered_by=delivered_by, group_size=group_size,
                              sessions_per_week=sessions, minutes_per_session=minutes, planned_weeks=weeks,
                              other_costs=other, measure=measure, measure_scale=scale, higher_is_better=higher)
                return submitted, values

            with st.expander("Add an intervention", icon=":material/add:"):
                ok_submit, values = intervention_form("pm_add_intervention", None)
                if ok_submit:
                    ok, _ = attempt(cat.add_intervention, ctx.db, viewer, ctx.school_id, values)
                    if ok:
                        saved(f"Added {values['name']} to the catalogue.")
            if not catalogue.empty:
                with st.expander("Edit, retire or reinstate an intervention", icon=":material/edit:"):
                    ids = catalogue["intervention_id"].astype(int).tolist()
                    names = dict(zip(ids, catalogue["name"] + catalogue["retired"].map({True: " (retired)", False: ""})))
                    chosen = st.selectbox("Intervention", ids, format_func=names.get, key="pm_edit_choice")
                    row = catalogue[catalogue["intervention_id"] == chosen].iloc[0].to_dict()
                    opened_at = versions.held(ctx.db, st.session_state, "intervention", chosen)  # the version shown
                    ok_submit, values = intervention_form(f"pm_edit_{chosen}", row)
                    if ok_submit:
                        ok, _ = attempt(cat.edit_intervention, ctx.db, viewer, chosen, values,
                                        expected_version=opened_at)
                        if ok:
                            versions.forget(st.session_state, "intervention", chosen)
                            saved(f"Saved changes to {values['name']}.")
                    retired = bool(row["retired"])
                    if st.button("Reinstate it" if retired else "Retire it (keeps its history; takes no new pupils)",
                                 key=f"pm_retire_{chosen}", icon=":material/archive:"):
                        ok, _ = attempt(cat.set_retired, ctx.db, viewer, chosen, not retired)
                        if ok:
                            saved(f"{row['name']} is {'back in use' if retired else 'retired'}.")

# --------------------------------------------------------------------------- allocations
if "Add or change allocations" in tabs and tabs["Add or change allocations"].open:
    with tabs["Add or change allocations"]:
        catalogue = ui.cached(cat.catalogue, ctx.scope, ctx.school_id, include_retired=False)
        pupils = ui.cached(alloc.pupil_choices, ctx.scope, ctx.school_id, ctx.as_at)
        st.subheader("Put a pupil in an intervention")
        if catalogue.empty or pupils.empty:
            ui.empty_state("Add an intervention to the catalogue (and pupils to the roll) first.")
        else:
            with st.form("pm_add_allocation", border=True):
                left, right = st.columns(2)
                pupil_ids = pupils["pupil_id"].astype(int).tolist()
                pupil_names = {int(r.pupil_id): f"{r.last_name}, {r.first_name} · Year {r.year_group} · {r.sen_group}"
                               for r in pupils.itertuples()}
                pupil_id = left.selectbox("Pupil", pupil_ids, format_func=pupil_names.get, index=None,
                                          placeholder="Type a name")
                int_ids = catalogue["intervention_id"].astype(int).tolist()
                int_names = dict(zip(int_ids, catalogue["name"]))
                intervention_id = right.selectbox("Intervention", int_ids, format_func=int_names.get)
                group_label = left.text_input("Group label", help="Pupils taught together share one label, and the cost.")
                start = right.date_input("Start", value=ctx.as_at, format="DD/MM/YYYY")
                delivery = left.radio("Delivered", DELIVERY, format_func=DELIVERY_LABELS.get, horizontal=True,
                                      help="In class: support beside the pupil in lessons (individual provision); the "
                                           "pupil misses no teaching. Withdrawn: taken out of lessons.")
                sessions_text = right.text_input("Sessions each week (day and time of each)", placeholder="Mon 10:40, Wed 10:40",
                                                 help="One entry per session, e.g. 'Mon 10:40, Wed 10:40, Fri 13:15'.")
                entry = left.number_input("Entry score", value=None, step=1.0, placeholder="Not yet")
                submitted = st.form_submit_button("Add to the intervention", type="primary")
            if submitted:
                if pupil_id is None:
                    st.error("Choose a pupil.")
                else:
                    ok, _ = attempt(alloc.add_allocation, ctx.db, ctx.scope, pupil_id, intervention_id,
                                    dict(group_label=group_label, start_date=start, delivery=delivery,
                                         sessions=sessions_text, entry_score=entry))
                    if ok:
                        saved(f"Added {pupil_names[pupil_id].split(' · ')[0]} to {int_names[intervention_id]}.")
        st.subheader("Record exit scores, attendance, or end an allocation")
        if frame.empty:
            ui.empty_state("No allocations this year yet.")
        else:
            rows = frame.sort_values(["intervention", "last_name", "first_name"])
            ids = rows["allocation_id"].astype(int).tolist()
            labels = {int(r.allocation_id): f"{r.intervention} · {r.last_name}, {r.first_name} · {r.start_date:%d %b %Y} to "
                      f"{r.planned_end:%d %b %Y}" + (" (finished)" if r.planned_end.date() < ctx.as_at else "")
                      for r in rows.itertuples()}
            chosen = st.selectbox("Allocation", ids, format_func=labels.get, key="pm_alloc_choice")
            r = rows[rows["allocation_id"] == chosen].iloc[0]
            has_end = str(r["end_date"]) not in ("NaT", "None")
            alloc_opened_at = versions.held(ctx.db, st.session_state, "allocation", chosen)  # the version shown
            with st.form(f"pm_edit_alloc_{chosen}", border=True):
                left, right = st.columns(2)
                start = left.date_input("Start", value=r["start_date"], format="DD/MM/YYYY", key=f"pm_alloc_{chosen}_start")
                ended = right.checkbox("Has an end date", value=has_end,
                                       help="Untick for an open allocation: it then runs for the planned weeks.", key=f"pm_alloc_{chosen}_ended")
                end = right.date_input("End date (last session)", value=r["end_date"] if has_end else min(ctx.today, r["planned_end"].date()),
                                       format="DD/MM/YYYY", key=f"pm_alloc_{chosen}_end")
                label = left.text_input("Group label", value=r["group_label"] or "", key=f"pm_alloc_{chosen}_label")
                attended = right.number_input("Sessions attended", min_value=0, value=None if str(r["sessions_attended"]) in ("nan", "<NA>", "None") else int(r["sessions_attended"]), placeholder="Not recorded", key=f"pm_alloc_{chosen}_attended")
                entry = left.number_input("Entry score", value=None if str(r["entry_score"]) in ("nan", "None") else float(r["entry_score"]), placeholder="Not yet", key=f"pm_alloc_{chosen}_entry")
                exit_ = right.number_input("Exit score", value=None if str(r["exit_score"]) in ("nan", "None") else float(r["exit_score"]), placeholder="Not yet", key=f"pm_alloc_{chosen}_exit")
                delivery = left.radio("Delivered", DELIVERY, format_func=DELIVERY_LABELS.get, horizontal=True,
                                      index=DELIVERY.index(r["delivery"]) if r["delivery"] in DELIVERY else 0,
                                      key=f"pm_alloc_{chosen}_delivery")
                sessions_text = right.text_input("Sessions each week (day and time of each)",
                                                 value=r["session_times"] if isinstance(r["session_times"], str) else "",
                                                 placeholder="Mon 10:40, Wed 10:40", key=f"pm_alloc_{chosen}_sessions")
                submitted = st.form_submit_button("Save changes", type="primary")
            if submitted:
                ok, changed = attempt(alloc.edit_allocation, ctx.db, ctx.scope, chosen,
                                      dict(start_date=start, end_date=end if ended else None, group_label=label,
                                           sessions_attended=attended, entry_score=entry, exit_score=exit_,
                                           delivery=delivery, sessions=sessions_text),
                                      expected_version=alloc_opened_at)
                if ok:
                    versions.forget(st.session_state, "allocation", chosen)
                    saved("Saved." if changed else "Nothing had changed.")
            st.caption(f"Planned end if not ended: {r['planned_end']:%d %B %Y} ({int(r['planned_weeks'])} planned weeks). "
                       "Every change is recorded with the old and new values.")

# --------------------------------------------------------------------------- hourly costs
if "Staff hourly costs" in tabs and tabs["Staff hourly costs"].open:
    with tabs["Staff hourly costs"]:
        rates = ui.cached(cat.role_costs, ctx.scope, ctx.school_id)
        if rates.empty:
            ui.empty_state("No hourly costs are set yet: sessions delivered by a role without one have no cost.")
        else:
            ui.table(ctx, d.show(rates.assign(staff_role=rates["staff_role"].map(d.role_text)), ["staff_role", "hourly_cost"],
                                 decimals=2), "provision_staff_role_costs")
        roles = ui.cached(cat.staff_roles, ctx.scope, ctx.school_id)
        left, right = st.columns(2)
        role = left.selectbox("Staff role", roles, format_func=d.role_text, accept_new_options=True, key="pm_rate_role")
        current_rate = rates.set_index("staff_role")["hourly_cost"].get(role) if not rates.empty else None
        with st.form("pm_rate", border=True):
            rate = st.number_input(f"Hourly cost for {d.role_text(role)} (£, salary and on-costs per working hour)",
                                   min_value=0.0, max_value=1000.0, step=0.5, key=f"pm_rate_value_{role}",
                                   value=float(current_rate) if current_rate is not None else 20.0)
            submitted = st.form_submit_button("Save hourly cost", type="primary")
        if submitted:
            ok, _ = attempt(cat.set_role_cost, ctx.db, viewer, ctx.school_id, role, rate)
            if ok:
                saved(f"Hourly cost of {d.role_text(role)} set to £{rate:,.2f}.")

if "Funding" in tabs and tabs["Funding"].open:
    with tabs["Funding"]:
        records_views.funding_section(ctx)
