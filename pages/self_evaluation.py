"""Self-evaluation: the eight key factors, how we rated ourselves over time, what sendboard's data says
beside each, and a form to record a new dated rating (ratings are added, never overwritten)."""
import pandas as pd
import streamlit as st

from sendboard import ui
from sendboard.statutory import StatutoryError
from sendboard.statutory import self_evaluation as se
from sendboard.text import md_escape as plain

ctx = ui.page_context("self_evaluation")
ui.page_header(ctx, caption="Rate each factor 1 to 4 against its statements. Each rating is dated and kept, "
                            "so the trend across reviews shows here.")

if ctx.school_id is None:
    ui.empty_state("No school is linked to your account.")
    st.stop()

factors = ui.cached(se.key_factors)
history = ui.cached(se.ratings_history, ctx.viewer, ctx.school_id)
latest = se.trend(history, factors).set_index("factor_code")
evidence = ui.cached(se.factor_evidence, ctx.viewer, ctx.school_id, ctx.as_at, ctx.today)

st.markdown("**Scale**: " + " · ".join(f"**{n}** {label}" for n, label in se.RATING_LABELS.items()))

flash = st.session_state.pop("self_evaluation_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")

st.subheader("Ratings over time")
if history.empty:
    ui.empty_state("No ratings recorded yet. Use the form at the foot of the page to record the first round.")
else:
    table = se.rating_table(history, factors)
    ui.chart(ctx, se.history_chart(table), table.rename(columns={"factor": "Key factor"}), "self_evaluation_history")

may_rate = ctx.viewer.role in se.EDIT_ROLES  # the trust lead reads the school's ratings; the school rates
tabs = st.tabs(["Each key factor, with what the data says", *(["Record a rating"] if may_rate else []),
                "Every rating recorded"])
tab_factors, tab_all = tabs[0], tabs[-1]
for f in factors.sort_values("position").to_dict("records"):
    row = latest.loc[f["factor_code"]]
    with tab_factors, st.container(border=True):
        left, right = st.columns([3, 2])
        with left:
            st.markdown(f"#### {f['position']}. {f['name']}")
            if pd.isna(row["latest_rating"]):
                st.markdown(":material/radio_button_unchecked: **Not rated yet**")
            else:
                st.markdown(f"**{row['latest_label']}** (rated {row['rated_on']:%d %b %Y}) · {row['trend']}")
            with st.expander(f"The {len(f['statement_list'])} statements to judge against"):
                st.markdown("\n".join(f"- {plain(s)}" for s in f["statement_list"]))
            if row["evidence"]:
                st.markdown(f"**Evidence:** {plain(row['evidence'])}")
            if row["next_actions"]:
                st.markdown(f"**Next actions:** {plain(row['next_actions'])}")
        with right:
            st.markdown("**What sendboard's data says**")
            mine = evidence[evidence["factor_code"] == f["factor_code"]]
            if mine.empty:
                st.caption("No measure in sendboard bears directly on this factor: judge it from the statements "
                           "and your own evidence.")
            for item in mine.to_dict("records"):
                st.markdown(f"- {plain(item['measure'])}: **{plain(item['value'])}**")
                if item["note"]:
                    st.caption(plain(item["note"]))

if may_rate:
    tab_rate = tabs[1]
    tab_rate.caption("A new rating is added beside the earlier ones; nothing is overwritten. Give the same date to every "
               "factor you rate in one review, so they show as one round.")
    names = dict(zip(factors["factor_code"], factors["name"]))
    with tab_rate, st.form("rate_factor", clear_on_submit=True, border=True):
        code = st.selectbox("Key factor", list(names), format_func=names.get)
        rating = st.radio("Rating", list(se.RATING_LABELS), format_func=se.rating_label, horizontal=True, index=None,
                          captions=[se.RATING_HELP[n] for n in se.RATING_LABELS])
        rated_on = st.date_input("Date of this review", value=ctx.today, max_value=ctx.today, format="DD/MM/YYYY")
        evidence_text = st.text_area("Evidence", max_chars=se.MAX_TEXT,
                                     placeholder="What you saw, the data you used, who you spoke to.")
        actions_text = st.text_area("Next actions", max_chars=se.MAX_TEXT, placeholder="What will change, who leads, by when.")
        if st.form_submit_button("Save rating", type="primary", icon=":material/save:"):
            if rating is None:
                st.error("Choose a rating from 1 to 4.")
            else:
                try:
                    se.record_rating(ctx.db, ctx.viewer, ctx.school_id, factor_code=code, rating=rating, rated_on=rated_on,
                                     evidence=evidence_text, next_actions=actions_text, today=ctx.today)
                except StatutoryError as exc:
                    st.error(str(exc))
                else:
                    st.session_state["self_evaluation_flash"] = f"Saved: {names[code]} rated {se.rating_label(rating)}."
                    st.rerun()

with tab_all:
    if history.empty:
        ui.empty_state("No ratings recorded yet.")
    else:
        full = history.sort_values(["rated_on", "position", "rating_id"])[
            ["rated_on", "factor", "rating_label", "evidence", "next_actions", "rated_by"]].rename(columns={
                "rated_on": "Date", "factor": "Key factor", "rating_label": "Rating", "evidence": "Evidence",
                "next_actions": "Next actions", "rated_by": "Rated by"})
        ui.table(ctx, full, "self_evaluation_ratings", column_config={"Date": st.column_config.DateColumn(format="D MMM YYYY")})
