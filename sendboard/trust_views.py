"""What the trust SEND lead's pages draw: the trust home and the side-by-side table with its drill-down.
Figures come from sendboard.trust_compare; this module only lays them out (Streamlit)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from . import trust_compare as tc
from . import ui
from .text import md_escape

# The pages a trust lead opens for one school: the head's whole-school pages the trust role may open (read only).
SCHOOL_PAGES = (("Overview", "pages/overview.py"), ("Identification", "pages/identification.py"),
                ("Outcomes", "pages/outcomes.py"), ("Graduated approach", "pages/graduated_approach.py"),
                ("EHC plans", "pages/ehc_plans.py"), ("Impact and value", "pages/impact.py"),
                ("Staff expertise", "pages/expertise.py"), ("Outside specialists", "pages/specialists.py"),
                ("Self-evaluation", "pages/self_evaluation.py"))
# On the trust home, beside a school needing attention: the pages its reasons point to (EHC reviews and hours,
# attendance), not all nine, so three schools' cards stay readable; the Trust schools page offers every page.
ATTENTION_PAGES = (("EHC plans", "pages/ehc_plans.py"), ("Outcomes", "pages/outcomes.py"),
                   ("Overview", "pages/overview.py"))
_GO = "_trust_open_page"


def _choose_school(school_id: int, path: str) -> None:
    # A callback runs before the script, so the sidebar's school selector takes the new school this run.
    st.session_state["school_id"] = int(school_id)
    st.session_state[_GO] = path


def follow_drill_down() -> None:
    """Call near the top of a trust page: after a school was chosen, open its page."""
    path = st.session_state.pop(_GO, None)
    if path:
        st.switch_page(path)


def school_buttons(school_id: int, school: str, *, key: str, pages=SCHOOL_PAGES) -> None:
    """A button per school page, each opening that page scoped to this school."""
    row = st.container(horizontal=True)
    for label, path in pages:
        row.button(label, key=f"{key}-{path}", on_click=_choose_school, args=(school_id, path),
                   icon=":material/arrow_forward:", help=f"Open {school}'s {label.lower()} page")


def _pct(value) -> str:
    return "not held" if value is None or pd.isna(value) else f"{value:.1f}%"


def trust_home(ctx) -> None:
    """The trust lead's home: the trust's totals against national, and the schools most in need of attention."""
    follow_drill_down()
    data = ui.cached(tc.trust_home, ctx.viewer, ctx.as_at)
    totals = data["totals"]
    if totals is None or not totals["on_roll"]:
        ui.empty_state("No pupils are on roll in the trust's schools at this date. Choose another term, or import data.")
        return
    st.subheader("The trust at a glance")
    row = ui.metric_row()
    row.metric("Schools", f"{totals['schools']}")
    row.metric("Pupils on roll", f"{totals['on_roll']:,}")
    row.metric("On SEN support", f"{totals['sen_support']:,}", f"{totals['sen_support_pct']:.1f}% of roll",
               delta_color="off", delta_arrow="off")
    row.metric("With an EHC plan", f"{totals['ehc_plans']:,}", f"{totals['ehc_pct']:.1f}% of roll",
               delta_color="off", delta_arrow="off")
    phases = pd.DataFrame(totals["phases"])
    shown = pd.DataFrame({
        "Phase": phases["phase"].str.capitalize(), "Schools": phases["schools"], "Pupils on roll": phases["on_roll"],
        "SEN support %": phases["sen_support_pct"].astype(float).round(1),
        "National SEN support %": phases["national_sen_support_pct"].astype(float).round(1),
        "EHC plans %": phases["ehc_pct"].astype(float).round(1),
        "National EHC plans %": phases["national_ehc_pct"].astype(float).round(1),
        "National figures from": phases["national_years"]})
    lines = [f"{md_escape(p['phase_words'].capitalize())}: SEN support {_pct(p['sen_support_pct'])} against "
             f"{_pct(p['national_sen_support_pct'])} nationally; EHC plans {_pct(p['ehc_pct'])} against "
             f"{_pct(p['national_ehc_pct'])} ({md_escape(p['national_years'])})." for p in totals["phases"]]
    st.markdown("  \n".join(lines))
    st.caption(f"As at {ctx.as_at:%d %B %Y}. Each phase is set against national figures for its own phase (DfE, "
               "'Special educational needs in England'), the latest year held for each: the total with SEN is often "
               "newer than its split into SEN support and EHC plans.")
    with st.expander("The figures by phase, as a table", icon=":material/table:"):
        # a phase with no national figure held says so in words, not 'None'
        ui.table(ctx, ui.memo(tc.numbers_in_words, shown, tc.NO_NATIONAL_FIGURE), "trust_totals_by_phase")

    st.subheader("Schools most in need of attention")
    attention = data["attention"]
    if not attention:
        st.success("No school has an EHC annual review overdue or an EHC plan short of its hours.",
                   icon=":material/check_circle:")
    for i, item in enumerate(attention, 1):
        with st.container(border=True):
            st.markdown(f"**{i}. {md_escape(item.school)}**  \n:material/warning: {md_escape(item.reason)}.")
            school_buttons(item.school_id, item.school, key=f"attention-{item.school_id}", pages=ATTENTION_PAGES)
    st.caption("Ranked by statutory work late now: each EHC annual review overdue and each EHC plan short of its "
               "hours counts one; ties go to the school with fewer of last year's reviews held on time, then the "
               "wider attendance gap. The Trust schools page sets every school side by side.")


def side_by_side(ctx) -> None:
    """Every school in a row, one theme at a time (sortable), the trust median and national figures under them;
    choosing a school's row offers its own pages."""
    follow_drill_down()
    theme = st.segmented_control("Figures", list(tc.THEMES), default="Register and needs", key="trust_theme",
                                 help="One group of figures at a time. Click a column heading to sort.") or "Register and needs"
    frame = ui.cached(tc.side_by_side, ctx.viewer, ctx.as_at, ctx.today, theme)
    if frame.empty or int(frame["on_roll"].sum()) == 0:
        ui.empty_state("No pupils are on roll in the trust's schools at this date. Choose another term, or import data.")
        return
    table = ui.memo(tc.display_table, frame, theme)
    schools = len(frame)
    # the schools' rows as numbers (a column sorts by value); the median and national rows apart, in words
    school_rows = table.iloc[:schools]
    text_columns = [c for c in school_rows.columns if not pd.api.types.is_numeric_dtype(school_rows[c])]
    # the first two columns the same width in both tables, so the figures below line up with the schools'
    event = st.dataframe(school_rows, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                         placeholder=tc.NO_FIGURE,  # a school with nothing to measure: a dash, not 'None'
                         key=f"trust-table-{theme}", height=35 * (schools + 1) + 3,  # every school, no inner scroll
                         column_config={"School": st.column_config.TextColumn(pinned=True, width=250),
                                        "Phase": st.column_config.TextColumn(width=90),
                                        # thousands marked, as in the rows below (tc.number_text)
                                        **{c: st.column_config.NumberColumn(format="localized")
                                           for c in school_rows.columns if c not in text_columns}})
    st.dataframe(ui.memo(tc.reference_rows, table), hide_index=True, width="stretch",
                 column_config={"School": st.column_config.TextColumn("Set against", pinned=True, width=286),
                                "Phase": st.column_config.TextColumn(width=90)})
    ui.download_buttons(ctx, ui.memo(tc.with_missing_words, table), f"trust_side_by_side_{theme.lower().replace(' ', '_')}")
    st.caption(f"{schools} schools (click a column heading to sort), then the trust's median and (for the register) "
               "national figures for each phase with their year. " + THEME_NOTES.get(theme, ""))
    picked = [r for r in (event.selection.rows if event else []) if r < schools]
    st.markdown("**Open a school's own pages**")
    names = frame["school"].tolist()
    index = picked[0] if picked else None
    choice = st.selectbox("School", range(schools), index=index, format_func=lambda i: names[i],
                          placeholder="Choose a school, or a row in the table", key=f"trust-open-{theme}-{index}")
    if choice is not None:
        school_buttons(int(frame["school_id"].iloc[choice]), names[choice], key="open")
        st.caption("Each page shows that school as its head sees it: aggregated figures, and pupils' names only where "
                   "the trust's data-sharing setting allows.")


THEME_NOTES = {
    "Register and needs": "Need mix: each pupil with SEND counted once, by their primary need.",
    "Identification": "Relative likelihood of being on the register against the rest of the school's roll, where its "
                      "95% interval is clear of 1 (as the Identification page works it out); forms left out.",
    "Outcomes": "Gaps are pupils with SEND minus pupils with no SEN (below zero = behind): the latest term's scores and "
                "this year's attendance. Suspensions: the latest term of this year.",
    "EHC plans and specialists": "As the EHC plans and Outside specialists pages count them: reviews due last academic "
                                 "year (overdue ones count as not on time), overdue now, plans getting fewer hours than "
                                 "they set out; pupils still waiting, and the longest of the services' median waits.",
    "Money": "Planned spend on provision this academic year and SEND funding, as in the governors' pack, per pupil "
             "with SEND on the register.",
    "Staff and self-evaluation": "Staff in post with any current SEND training; the share of training records held by "
                                 "the most-trained tenth of staff (high = expertise held by a few); the mean of the "
                                 "latest key-factor ratings.",
}


def _save_sharing(ctx) -> None:
    from .trust_sharing import set_names_shared

    shared = bool(st.session_state.get("trust_pupil_names"))
    if set_names_shared(ctx.db, ctx.viewer, shared):
        st.session_state["trust_sharing_saved"] = "on" if shared else "off"


def trust_sharing_toggle(ctx) -> None:
    """The administrator's switch for the trust's data-sharing setting (Users page, settings tab)."""
    from .trust_sharing import names_shared

    with st.container(border=True):
        st.markdown("**Trust data sharing**")
        st.toggle("The trust SEND lead may see pupils' names on each school's pages", value=names_shared(ctx.db),
                  key="trust_pupil_names", on_change=_save_sharing, args=(ctx,),
                  help="Off by default. Turn on only where the trust's data-sharing agreement allows it. Every "
                       "change is recorded with its old and new value, and every pupil list the trust lead opens "
                       "is recorded too.")
        saved = st.session_state.pop("trust_sharing_saved", None)
        if saved:
            st.success(f"Saved: pupils' names are now {'shown to' if saved == 'on' else 'withheld from'} the trust lead.")
