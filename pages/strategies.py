"""Strategies: which classroom strategies fit the needs in this class?"""
import streamlit as st

from sendboard import ui
from sendboard.access import AccessDenied
from sendboard.classroom import AREA_NAMES, NEED_NAMES, ClassroomError, md_escape, profile, strategies
from sendboard.db import ConflictError

ctx = ui.page_context("strategies")
ui.page_header(ctx, caption="Ranked by how many pupils with SEND in the class each strategy serves, through their needs.")
db, viewer = ctx.db, ctx.viewer
editor = viewer.role in strategies.EDITOR_ROLES
if not st.session_state.get("_strategies_checked"):
    strategies.ensure_strategies(db)
    st.session_state["_strategies_checked"] = True

if ctx.school_id is None or ctx.academic_year is None:
    ui.empty_state("No school or term is set up yet. Import data on the Data import page.")
    st.stop()

groups = ui.cached(profile.groups_for, ctx.scope, ctx.school_id, ctx.academic_year)
tab_names = ["For a class", "All strategies"] + (["Add or edit"] if editor else [])
tab = dict(zip(tab_names, st.tabs(tab_names)))

with tab["For a class"]:
    if groups.empty:
        ui.empty_state("You have no teaching groups this year." if viewer.role == "teacher"
                       else "There are no teaching groups for this school and year yet.")
    else:
        labels = dict(zip(groups["group_id"].astype(int), groups["label"]))
        remembered = st.session_state.get("classroom_group")
        index = list(labels).index(remembered) if remembered in labels else 0
        group_id = st.selectbox("Teaching group", list(labels), format_func=labels.get, index=index,
                                key="strategies_group")
        st.session_state["classroom_group"] = group_id
        ranked = ui.cached(strategies.ranked_for_group, ctx.scope, group_id, ctx.as_at)
        if ranked is None:
            st.error("You do not teach this group.")
        elif ranked.empty:
            ui.empty_state("No pupil in this class has a recorded need at this date, so no strategy is ranked.")
        else:
            ui.audit_view(ctx, group_id=group_id)
            st.caption("Each strategy lists the pupils it serves. A code in brackets means it names that pupil's need; "
                       "otherwise it fits their broad area of need.")
            top = ranked.head(8)
            for start in range(0, len(top), 2):
                for col, item in zip(st.columns(2), top.iloc[start:start + 2].itertuples()):
                    with col.container(border=True):
                        st.markdown(f"**{md_escape(item.strategy)}** · serves {item.pupils_served} "
                                    f"pupil{'s' if item.pupils_served != 1 else ''}")
                        st.text(item.what_to_do)
                        st.caption(f"For: {md_escape(item.pupils)}")
                        st.caption(f"Evidence: {md_escape(item.evidence)}")
            with st.expander(f"All {len(ranked)} strategies that fit this class, as a table"):
                ui.table(ctx, ranked.drop(columns=["strategy_id"]).rename(columns={
                    "strategy": "Strategy", "pupils_served": "Pupils served",
                    "by_specific_need": "Matched on a specific need", "pupils": "Pupils", "what_to_do": "What to do",
                    "evidence": "Evidence", "areas": "Areas"}),
                    f"strategies_for_{labels[group_id].split(' ')[0]}", column_config={
                        "What to do": st.column_config.TextColumn(width="large"),
                        "Pupils": st.column_config.TextColumn(width="medium")})
            if editor:
                st.subheader("Recommend a strategy for a pupil's passport")
                prof = ui.cached(profile.class_profile, ctx.scope, group_id, ctx.as_at)
                pupils = {c["pupil_id"]: c["name"] for c in prof["cards"]}
                if pupils:
                    with st.form("attach_strategy"):
                        a, b = st.columns(2)
                        pid = a.selectbox("Pupil", list(pupils), format_func=pupils.get)
                        names = dict(zip(ranked["strategy_id"], ranked["strategy"]))
                        sid = b.selectbox("Strategy", list(names), format_func=names.get)
                        if st.form_submit_button("Add to passport"):
                            try:
                                strategies.attach_to_pupil(db, ctx.scope, pid, sid)
                            except (ClassroomError, AccessDenied, ConflictError) as exc:
                                st.error(str(exc))
                            else:
                                st.success(f"Added '{md_escape(names[sid])}' to {md_escape(pupils[pid])}'s passport.")

with tab["All strategies"]:
    library = ui.cached(strategies.all_strategies, include_retired=editor)
    areas = st.multiselect("Broad areas", list(AREA_NAMES), format_func=AREA_NAMES.get, key="strategies_areas",
                           placeholder="All areas")
    shown = library
    if areas:
        shown = library[library["areas"].map(lambda a: bool(set(str(a).split("|")) & set(areas)))]
    columns = ["name", "areas", "needs", "what_to_do", "evidence_source"] + (["retired", "added_by"] if editor else [])
    ui.table(ctx, shown[columns], "strategies_library", column_config={
        "what_to_do": st.column_config.TextColumn("What to do", width="large"),
        "evidence_source": st.column_config.TextColumn("Evidence", width="medium")})

if "Add or edit" in tab:
    with tab["Add or edit"]:
        library = ui.cached(strategies.all_strategies, include_retired=True)
        options = [None] + library["strategy_id"].astype(int).tolist()
        names = dict(zip(library["strategy_id"].astype(int), library["name"] + library["retired"].map({True: " (retired)", False: ""})))
        chosen = st.selectbox("Strategy", options, format_func=lambda s: "➕ A new strategy" if s is None else names[s],
                              key="strategy_edit_pick")
        row = None if chosen is None else library[library["strategy_id"] == chosen].iloc[0]
        with st.form(f"strategy_form_{chosen}"):
            name = st.text_input("Name", value="" if row is None else row["name"], max_chars=strategies.LIMITS["name"])
            a, b = st.columns(2)
            sel_areas = a.multiselect("Broad areas", list(AREA_NAMES), format_func=AREA_NAMES.get,
                                      default=[] if row is None else [x for x in row["areas"].split("|") if x in AREA_NAMES])
            sel_needs = b.multiselect("Specific needs (optional)", list(NEED_NAMES),
                                      format_func=lambda c: f"{c}: {NEED_NAMES[c][0]}",
                                      default=[] if row is None or not isinstance(row["needs"], str)
                                      else [x for x in row["needs"].split("|") if x in NEED_NAMES])
            what = st.text_area("What to do (one or two sentences)", value="" if row is None else row["what_to_do"],
                                max_chars=strategies.LIMITS["what_to_do"])
            evidence = st.text_input("Evidence source", value="" if row is None else row["evidence_source"],
                                     max_chars=strategies.LIMITS["evidence_source"])
            retired = st.checkbox("Retired (hidden from teachers)", value=False if row is None else bool(row["retired"]),
                                  disabled=row is None)
            submitted = st.form_submit_button("Save strategy", type="primary")
        if submitted:
            values = {"name": name, "areas": sel_areas, "needs": sel_needs, "what_to_do": what, "evidence_source": evidence}
            try:
                if row is None:
                    strategies.add_strategy(db, viewer, values)
                    st.success(f"Added '{md_escape(name.strip())}'.")
                else:
                    changed = strategies.edit_strategy(db, viewer, chosen, values, retired=retired)
                    st.success("Saved." if changed else "Nothing changed.")
            except (ClassroomError, AccessDenied, ConflictError) as exc:
                st.error(str(exc))
