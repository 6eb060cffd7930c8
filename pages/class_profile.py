"""Class profile: who in this class has SEND, what helps them, and what is coming up."""
import streamlit as st

from sendboard import audit, timetable, timetable_views, ui
from sendboard.classroom import md_escape, pdf, profile
from sendboard.classroom.profile import ALERT_ICONS
from sendboard.records import views as records_views

ctx = ui.page_context("class_profile")
ui.page_header(ctx, caption="Strengths first. Only pupils on the SEND register or of concern have a card.")

if ctx.school_id is None or ctx.academic_year is None:
    ui.empty_state("No school or term is set up yet. Import data on the Data import page.")
    st.stop()

groups = ui.cached(profile.groups_for, ctx.scope, ctx.school_id, ctx.academic_year)
if groups.empty:
    ui.empty_state("You have no teaching groups this year. If that is wrong, ask your SENCO or data manager "
                   "to check the class lists." if ctx.viewer.role == "teacher"
                   else "There are no teaching groups for this school and year yet.")
    st.stop()

labels = dict(zip(groups["group_id"].astype(int), groups["label"]))
ids = list(labels)
remembered = st.session_state.get("classroom_group")
group_id = st.selectbox("Teaching group", ids, format_func=labels.get, key="class_profile_group",
                        index=ids.index(remembered) if remembered in ids else 0,
                        help="Teachers see the groups they teach; the head and SENCO see every group.")
st.session_state["classroom_group"] = group_id

prof = ui.cached(profile.class_profile, ctx.scope, group_id, ctx.as_at)
if prof is None:
    audit.record(ctx.db, ctx.viewer, "access_refused", object_type="class_profile", object_id=group_id, group_id=group_id)
    st.error("You do not teach this group, so its profile is not available to you.")
    st.stop()
ui.audit_view(ctx, group_id=group_id, detail={"pupils": [int(c["pupil_id"]) for c in prof["cards"]]})

summary = prof["summary"]
cols = ui.metric_row()
cols.metric("Pupils", summary["pupils"])
cols.metric("SEN support", summary["sen_support"])
cols.metric("EHC plans", summary["ehc_plans"])
cols.metric("Of concern only", summary["of_concern_only"], help="Monitored by the SENCO but not on the register.")
cols.metric("Reviews overdue", summary["reviews_overdue"])

# Any teacher can raise a concern about a pupil they teach (records area); drawn only when opened.
concern_box = st.popover("Raise a concern about a pupil", key="class_profile_concern", on_change="rerun",
                         icon=":material/report:", width="stretch")
if concern_box.open:
    with concern_box:
        records_views.class_concerns(ctx, group_id)

mix = prof["need_mix"]
mix_col, pdf_col = st.columns([2, 1], vertical_alignment="center")
if not mix.empty:
    mix_col.markdown("**Need mix:** " + " · ".join(f"{md_escape(r.area)} **{r.pupils}**" for r in mix.itertuples()))


def _record_pdf_download():
    audit.record(ctx.db, ctx.viewer, "download", object_type="class_profile", object_id=group_id, group_id=group_id,
                 detail={"format": "pdf", "pupils": [int(c["pupil_id"]) for c in prof["cards"]]})


pdf_col.download_button(
    "Class profile PDF",
    # built only when clicked (deferred), from the same scoped profile shown here
    lambda: pdf.class_profile_pdf(prof, school=ctx.school_name, printed_by=ctx.viewer.display_name, printed_on=ctx.today),
    f"class_profile_{prof['group']['name']}.pdf".replace(" ", "_"), "application/pdf",
    on_click=_record_pdf_download, icon=":material/picture_as_pdf:", key="class_profile_pdf",
)

cards = prof["cards"]
# "This lesson": the teacher picks one of the group's lessons (the next one from now to begin with); each card
# then says who is out of it for an intervention and who has support in class during it.
lesson_id = timetable_views.lesson_picker(ctx, group_id, prof["lessons"])
this_lesson = profile.lesson_notes(prof, lesson_id)
if lesson_id is not None:
    out = sum(1 for lines in this_lesson.values() if any(t.startswith(timetable.OUT_OF_LESSON) for t in lines))
    helped = sum(1 for lines in this_lesson.values() if any(t.startswith(timetable.IN_CLASS_SUPPORT) for t in lines))
    st.markdown(f":material/logout: **{out}** out of this lesson for an intervention · "
                f":material/support_agent: **{helped}** with support in class during it")
if not cards:
    ui.empty_state("No pupil in this class is on the SEND register or of concern at this date.")
    st.stop()

st.subheader(f"{len(cards)} pupils with SEND or of concern")
st.caption(f"{ALERT_ICONS['overdue']} review overdue · {ALERT_ICONS['new']} new to the register in the last 6 weeks · "
           f"{ALERT_ICONS['concern']} of concern. Open a pupil's passport for the full picture and to record a review.")


def _line(label: str, *items: str) -> None:
    """'**Label:** text' on one short line (several items stack under it). The pupil's own words are
    escaped, so they show as typed and never as markdown."""
    items = [i for i in items if i]
    if items:
        body = "  \n".join(md_escape(i) for i in items)
        st.markdown(f"**{label}:** {body}" if len(items) == 1 else f"**{label}:**  \n{body}")


per_row = 3
for start in range(0, len(cards), per_row):
    row = st.columns(per_row)
    for col, card in zip(row, cards[start:start + per_row]):
        with col.container(border=True):
            st.markdown(f"#### {md_escape(card['name'])}")
            badge = {"EHC plan": ("EHC plan", "orange"), "SEN support": ("SEN support", "blue")}.get(
                card["sen_group"], ("Not on the register", "gray"))
            st.badge(badge[0], color=badge[1], icon=":material/badge:")
            for kind, text in card["alerts"]:
                st.markdown(f"{ALERT_ICONS[kind]} **{md_escape(text)}**")
            for text in this_lesson.get(card["pupil_id"], []):
                icon = ":material/logout:" if text.startswith(timetable.OUT_OF_LESSON) else ":material/support_agent:"
                st.markdown(f"{icon} **{md_escape(text)}**")
            _line("Strengths", "; ".join(x for x in (card["strengths"], card["interests"] and f"Interests: {card['interests']}") if x))
            st.caption("Needs: " + ("; ".join(n["name"] for n in card["needs"]) or "not yet identified"))
            if card["of_concern"]:
                _line("Concern", card["concern_reasons"])
            _line("What helps", card["what_helps"])
            _line("What does not help", card["what_does_not_help"])
            _line("Targets", *(f"• {t}" for t in card["targets"]))
            _line("Out of class for", *(f"• {i}" for i in card["interventions"]))
            _line("Support in class", *(f"• {i}" for i in card["in_class_support"]))
            if card["next_review"]:
                st.caption(f"Next plan review: {profile.fmt_date(card['next_review'])}")
            if card["ehc_review_due"]:
                st.caption(f"EHC annual review due: {profile.fmt_date(card['ehc_review_due'])}")
            st.page_link("pages/passport.py", label="Open passport", icon=":material/badge:",
                         query_params={"pupil_id": str(card["pupil_id"])})

if not mix.empty:
    # Drawn only when opened: the need mix is already in words above, and a chart costs the teacher's
    # browser over a second of work to load the charting code, on every visit, opened or not.
    need_mix = st.expander("Need mix as a chart and table", key="class_profile_need_mix", on_change="rerun")
    if need_mix.open:
        with need_mix:
            ui.chart(ctx, profile.need_mix_chart(mix), mix[["area", "pupils"]], f"need_mix_{prof['group']['name']}")

if ctx.viewer.role in timetable.EDIT_ROLES:
    lessons_box = st.expander("This group's lessons (timetable)", icon=":material/schedule:", key="class_profile_timetable",
                              on_change="rerun")
    if lessons_box.open:
        with lessons_box:
            timetable_views.lessons_editor(ctx, group_id, prof["group"]["name"])
