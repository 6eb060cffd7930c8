"""Pupil passport: one pupil on one page. Strengths, needs, targets, support, reviews, and the edits."""
from datetime import timedelta

import pandas as pd
import streamlit as st

from sendboard import ui, versions
from sendboard.access import AccessDenied
from sendboard.classroom import RATING_LABELS, ClassroomError, md_escape, passport, pdf, reviews, strategies
from sendboard.classroom.profile import ALERT_ICONS, fmt_date
from sendboard.db import ConflictError
from sendboard.records import specialists as records_specialists
from sendboard.records import views as records_views
from sendboard.scope import may_see_pupil
from sendboard.statutory import records as ehc_records
from sendboard.statutory.form_ui import FieldSlots
from sendboard.versions import StaleEdit

ctx = ui.page_context("passport")
ui.page_header(ctx)
db, viewer = ctx.db, ctx.viewer

if ctx.school_id is None:
    ui.empty_state("No school is set up yet. Import data on the Data import page.")
    st.stop()

# ---------------------------------------------------------------- which pupil
asked = st.query_params.get("pupil_id")
if asked is not None:
    try:
        asked_id = int(asked)
    except ValueError:
        asked_id = None
    if asked_id is None or not may_see_pupil(db, ctx.scope, asked_id):
        if st.session_state.get("_passport_refused") != asked:
            passport.refuse(db, viewer, asked)
            st.session_state["_passport_refused"] = asked
        st.error("This pupil's passport is not available to you. Teachers see the pupils in the groups they teach.")
        if st.button("Choose another pupil"):
            del st.query_params["pupil_id"]
            st.rerun()
        st.stop()
    st.session_state["passport_pupil"] = asked_id

choices = ui.cached(passport.pupil_choices, ctx.scope, ctx.school_id, ctx.as_at)
if choices.empty:
    ui.empty_state("There are no pupils you can see at this date." + (
        " Teachers see the pupils in the groups they teach." if viewer.role == "teacher" else ""))
    st.stop()
only_send = st.toggle("Only pupils with SEND or of concern", value=True, key="passport_only_send")
shown = choices[(choices["sen_group"] != "No SEN") | choices["of_concern"]] if only_send else choices
current = st.session_state.get("passport_pupil")
if current is not None and current not in set(shown["pupil_id"].astype(int)):
    shown = pd.concat([shown, choices[choices["pupil_id"] == current]])
if shown.empty:
    ui.empty_state("No pupil you can see has SEND or an open concern. Switch the toggle off to see everyone.")
    st.stop()
labels = dict(zip(shown["pupil_id"].astype(int), shown["label"]))
if current not in labels:
    st.session_state["passport_pupil"] = next(iter(labels))


def _follow_choice():
    st.query_params["pupil_id"] = str(st.session_state["passport_pupil"])


pupil_id = st.selectbox("Pupil", list(labels), format_func=labels.get, key="passport_pupil", on_change=_follow_choice)

pp = ui.cached(passport.passport, ctx.scope, pupil_id, ctx.as_at)
if pp is None:
    passport.refuse(db, viewer, pupil_id)
    st.error("This pupil's passport is not available to you.")
    st.stop()
ui.audit_view(ctx, pupil_id=pupil_id)


def show_text(label: str, text: str, empty: str = "Not recorded yet.") -> None:
    st.markdown(f"**{label}**")
    if text:
        st.text(text)
    else:
        st.caption(empty)


# ---------------------------------------------------------------- header
st.header(md_escape(pp["name"]), anchor=False)  # no #anchor link made from a name
meta = [f"Year {pp['year_group']}" if pp["year_group"] else None, pp["status"],
        ("Groups: " + ", ".join(pp["groups"])) if pp["groups"] else None]
st.markdown(" · ".join(md_escape(m) for m in meta if m))
for kind, text in pp["alerts"]:
    st.markdown(f"{ALERT_ICONS[kind]} **{md_escape(text)}**")
if pp["concern_reasons"]:
    st.caption(f"Open concern: {md_escape(pp['concern_reasons'])} (see the Concerns tab)")

tabs = ["Passport", "Targets and reviews", "EHC plan and adulthood", "History"]
editable = passport.editable_fields(db, viewer)
if editable:
    tabs.insert(1, "Edit passport")
if viewer.role == "senco":
    tabs.insert(-1, "Plans (SENCO)")
tabs.insert(-1, "Concerns")
if viewer.role in records_specialists.SEE_ROLES:
    tabs.insert(-1, "Outside services")
tab = dict(zip(tabs, st.tabs(tabs, key=f"passport_tabs_{pupil_id}")))  # keyed: a save keeps its tab open

# ---------------------------------------------------------------- the one-page view
with tab["Passport"]:
    left, right = st.columns(2)
    with left:
        st.subheader("About me")
        for field, label in passport.FIELDS.items():
            show_text(label, pp[field])
    with right:
        st.subheader("My needs and support")
        show_text("Needs", "\n".join(f"• {n['name']}" + (" (primary)" if n["rank"] == 1 and len(pp["needs"]) > 1 else "")
                                     for n in pp["needs"]), "No need recorded.")
        ehc_outcomes = ui.cached(ehc_records.outcomes_with_steps, ctx.scope, pupil_id, ctx.as_at)
        if not ehc_outcomes.empty:
            show_text("EHC plan outcomes (long-term targets)",
                      "\n".join(f"• {o}" for o in ehc_outcomes.drop_duplicates("ehc_outcome_id")["outcome"]))
        show_text("Current targets", "\n".join(f"• {t}" for t in pp["targets"]), "No open targets.")
        show_text("Out of class for", "\n".join(f"• {i}" for i in pp["interventions"]), "No current interventions.")
        show_text("Support in class", "\n".join(f"• {i}" for i in pp.get("in_class_support", [])), "None.")
        show_text("Recommended strategies", "\n".join(f"• {s}" for s in pp["strategies"]), "None attached yet.")
        show_text("Next plan review", fmt_date(pp["next_review"]), "No open support plan.")
        if pp["ehc_review_due"]:
            show_text("EHC annual review due", fmt_date(pp["ehc_review_due"]))
        if viewer.role in strategies.EDITOR_ROLES:
            with st.popover("Recommend a strategy", icon=":material/lightbulb:"):
                options = ui.cached(strategies.all_strategies, include_retired=False)
                chosen = st.selectbox("Strategy", options["strategy_id"].tolist(),
                                      format_func=dict(zip(options["strategy_id"], options["name"])).get,
                                      key="passport_strategy_pick")
                if st.button("Add to this passport", key="passport_strategy_add"):
                    try:
                        strategies.attach_to_pupil(db, ctx.scope, pupil_id, chosen)
                    except (ClassroomError, AccessDenied, ConflictError) as exc:
                        st.error(str(exc))
                    else:
                        st.rerun()
    if pp["updated_by"] is not None and not pd.isna(pp["updated_at"]):
        st.caption(f"Passport last changed by {md_escape(pp['updated_by'])} on {pd.Timestamp(pp['updated_at']):%d %B %Y}.")

    def _record_pdf():
        from sendboard import audit

        audit.record(db, viewer, "download", object_type="passport", object_id=pupil_id, pupil_id=pupil_id,
                     detail={"format": "pdf"})

    st.download_button("Download passport (PDF, print-ready)",
                       lambda: pdf.passport_pdf(pp, school=ctx.school_name, printed_by=viewer.display_name,
                                                printed_on=ctx.today),
                       f"passport_{pp['name'].replace(' ', '_')}.pdf", "application/pdf", on_click=_record_pdf,
                       icon=":material/picture_as_pdf:", key="passport_pdf")

# ---------------------------------------------------------------- editing
if "Edit passport" in tab:
    with tab["Edit passport"]:
        if viewer.role == "teacher":
            st.caption("As one of this pupil's teachers you can change: "
                       + ", ".join(passport.FIELDS[f] for f in editable) + ". The SENCO changes the rest.")
        opened_at = versions.held(db, st.session_state, "passport", pupil_id)  # the version this form shows
        with st.form(f"passport_edit_{pupil_id}"):
            new_values = {}
            for field in editable:
                new_values[field] = st.text_area(passport.FIELDS[field], value=pp[field], max_chars=passport.MAX_FIELD,
                                                 key=f"pp_{field}_{pupil_id}", height=90)
            saved = st.form_submit_button("Save passport", type="primary")
        if saved:
            try:
                changed = passport.save_passport(db, ctx.scope, pupil_id, new_values,
                                                 expected_version=opened_at)
            except StaleEdit as exc:  # someone saved first: their version is shown, this person's typing kept
                ui.stale_edit(exc, passport.FIELDS)
            except (ClassroomError, AccessDenied, ConflictError) as exc:
                st.error(str(exc))
            else:
                versions.forget(st.session_state, "passport", pupil_id)
                if changed:
                    st.success("Saved: " + ", ".join(passport.FIELDS[f] for f in changed) + ". The old wording is kept in History.")
                    st.rerun()
                else:
                    st.info("Nothing changed.")

# ---------------------------------------------------------------- targets and reviews
with tab["Targets and reviews"]:
    targets = pp["target_rows"]
    if viewer.role in reviews.REVIEWER_ROLES:
        st.subheader("Record progress against a target")
        if targets.empty:
            ui.empty_state("This pupil has no open targets to review." + (
                " Open a plan in the Plans tab." if viewer.role == "senco" else " The SENCO sets targets."))
        else:
            if st.session_state.pop("_review_saved", None):
                st.success("Review saved. It is listed below with every earlier review.")
                for field in ("note", "pupil_voice", "parent_voice"):
                    st.session_state[f"review_{field}_{pupil_id}"] = ""
            target_labels = dict(zip(targets["target_id"].astype(int), targets["description"]))
            targets_opened_at = {tid: versions.held(db, st.session_state, "plan_target", tid) for tid in target_labels}
            with st.form(f"review_{pupil_id}"):
                target_id = st.selectbox("Target", list(target_labels), format_func=target_labels.get)
                rating = st.radio("Progress", reviews.RATINGS, format_func=RATING_LABELS.get, horizontal=True, index=None)
                note = st.text_area("Note (what you saw, the evidence)", key=f"review_note_{pupil_id}",
                                    max_chars=reviews.MAX_NOTE + 500, height=100,
                                    help=f"Up to {reviews.MAX_NOTE:,} characters.")
                voice_left, voice_right = st.columns(2)
                pupil_voice = voice_left.text_area(
                    "What the pupil said (optional)", key=f"review_pupil_voice_{pupil_id}", height=80,
                    max_chars=reviews.MAX_NOTE, help="The pupil's own view of how it is going, in their words.")
                parent_voice = voice_right.text_area(
                    "What parents or carers said (optional)", key=f"review_parent_voice_{pupil_id}", height=80,
                    max_chars=reviews.MAX_NOTE, help="Their view at the review, or since the last one.")
                reviewed_on = st.date_input("Date of the review", value=ctx.today, max_value=ctx.today,
                                            min_value=ctx.today - timedelta(days=400), format="DD/MM/YYYY")
                default_next = ehc_records.next_term_review(db, ctx.today)
                next_due = st.date_input("Next review of this plan", value=default_next, format="DD/MM/YYYY",
                                         help="Saving the review completes it; the plan's next review is one term "
                                              "later unless you choose another date.")
                submitted = st.form_submit_button("Save review", type="primary")
            if submitted:
                try:
                    reviews.record_review(db, ctx.scope, pupil_id, target_id, rating, note, reviewed_on,
                                          pupil_voice=pupil_voice, parent_voice=parent_voice,
                                          next_review_due=None if next_due == default_next else next_due,
                                          expected_version=targets_opened_at.get(target_id))
                except StaleEdit as exc:  # someone reviewed this target since: theirs shown, this one kept
                    ui.stale_edit(exc, {"reviewed_on": "Date of the review", "rating": "Progress", "note": "Note",
                                        "recorded_by": "Recorded by"})
                except (ClassroomError, AccessDenied, ConflictError) as exc:
                    st.error(str(exc))
                else:
                    versions.forget(st.session_state, "plan_target", target_id)
                    st.session_state["_review_saved"] = True
                    st.rerun()
    st.subheader("Review history")
    history = pp["reviews"]
    if history.empty:
        ui.empty_state("No reviews recorded yet.")
    else:
        frame = history.assign(rating=history["rating"].map(lambda r: RATING_LABELS.get(r, "Whole plan reviewed")),
                               target=history["target"].fillna("Whole plan"))[
            ["reviewed_on", "target", "rating", "note", "pupil_voice", "parent_voice", "recorded_by", "recorded_at"]]
        ui.table(ctx, frame, f"reviews_{pupil_id}", column_config={
            "reviewed_on": st.column_config.DateColumn("Reviewed on", format="D MMM YYYY"),
            "target": "Target", "rating": "Progress", "note": "Note", "pupil_voice": "Pupil's view",
            "parent_voice": "Parents' view", "recorded_by": "Recorded by",
            "recorded_at": st.column_config.DatetimeColumn("Recorded at", format="D MMM YYYY HH:mm")})

# ---------------------------------------------------------------- the SENCO's plans
if "Plans (SENCO)" in tab:
    with tab["Plans (SENCO)"]:
        plans = pp["plans"]
        all_targets = pp["all_targets"]
        open_plans = plans[plans["closed_on"].isna()] if not plans.empty else plans
        for plan in open_plans.itertuples():
            with st.container(border=True):
                st.markdown(f"**Open plan** from {fmt_date(plan.start_date)} · review due {fmt_date(plan.review_due)}")
                plan_opened_at = versions.held(db, st.session_state, "support_plan", plan.plan_id)
                with st.form(f"plan_edit_{plan.plan_id}"):
                    due = st.date_input("Review due", value=pd.Timestamp(plan.review_due).date(), format="DD/MM/YYYY",
                                        key=f"plan_due_{plan.plan_id}")
                    note = st.text_area("Assessment note", value=plan.assess_note if isinstance(plan.assess_note, str) else "",
                                        key=f"plan_note_{plan.plan_id}")
                    if st.form_submit_button("Save plan changes"):
                        try:
                            reviews.edit_plan(db, ctx.scope, plan.plan_id, review_due=due, assess_note=note,
                                              expected_version=plan_opened_at)
                            versions.forget(st.session_state, "support_plan", plan.plan_id)
                            st.rerun()
                        except StaleEdit as exc:
                            ui.stale_edit(exc, {"review_due": "Review due", "assess_note": "Assessment note"})
                        except (ClassroomError, AccessDenied, ConflictError) as exc:
                            st.error(str(exc))
                plan_targets = all_targets[(all_targets["plan_id"] == plan.plan_id) & all_targets["closed_on"].isna()]
                for t in plan_targets.itertuples():
                    target_opened_at = versions.held(db, st.session_state, "plan_target", t.target_id)
                    a, b = st.columns([5, 1])
                    a.text(f"• {t.description}")
                    if b.button("Close target", key=f"close_target_{t.target_id}"):
                        try:
                            reviews.close_target(db, ctx.scope, pupil_id, t.target_id, closed_on=ctx.today,
                                                 expected_version=target_opened_at)
                            versions.forget(st.session_state, "plan_target", t.target_id)
                            st.rerun()
                        except StaleEdit as exc:
                            ui.stale_edit(exc)
                        except (ClassroomError, AccessDenied, ConflictError) as exc:
                            st.error(str(exc))
                with st.form(f"plan_target_{plan.plan_id}", clear_on_submit=True):
                    text = st.text_input("New target")
                    if st.form_submit_button("Add target"):
                        try:
                            reviews.add_target(db, ctx.scope, plan.plan_id, text, set_on=ctx.today)
                            st.rerun()
                        except (ClassroomError, AccessDenied, ConflictError) as exc:
                            st.error(str(exc))
                if st.button("Close this plan", key=f"close_plan_{plan.plan_id}", icon=":material/lock:"):
                    try:
                        reviews.close_plan(db, ctx.scope, plan.plan_id, closed_on=ctx.today,
                                           expected_version=plan_opened_at)
                        versions.forget(st.session_state, "support_plan", plan.plan_id)
                        st.rerun()
                    except StaleEdit as exc:
                        ui.stale_edit(exc)
                    except (ClassroomError, AccessDenied, ConflictError) as exc:
                        st.error(str(exc))
        st.subheader("Open a new support plan")
        with st.form(f"plan_open_{pupil_id}"):
            start = st.date_input("Start", value=ctx.today, max_value=ctx.today, format="DD/MM/YYYY")
            due = st.date_input("Review due", value=ctx.today + timedelta(weeks=10), format="DD/MM/YYYY")
            note = st.text_area("Assessment note (what we found)")
            target_text = st.text_area("Targets, one per line")
            if st.form_submit_button("Open plan", type="primary"):
                try:
                    reviews.open_plan(db, ctx.scope, pupil_id, start_date=start, review_due=due, assess_note=note,
                                      target_texts=target_text.splitlines())
                    st.rerun()
                except (ClassroomError, AccessDenied, ConflictError) as exc:
                    st.error(str(exc))
        closed = plans[plans["closed_on"].notna()] if not plans.empty else plans
        if not closed.empty:
            st.subheader("Closed plans")
            st.dataframe(closed[["start_date", "review_due", "closed_on", "created_by", "assess_note"]], hide_index=True)

# ---------------------------------------------------------------- concerns and outside services (records area)
with tab["Concerns"]:
    records_views.passport_concerns(ctx, pupil_id, pp["name"])
if "Outside services" in tab:
    with tab["Outside services"]:
        records_views.passport_specialists(ctx, pupil_id)
# ---------------------------------------------------------------- EHC plan outcomes and Preparing for Adulthood
with tab["EHC plan and adulthood"]:
    may_edit = viewer.role in ehc_records.EDITOR_ROLES
    st.subheader("EHC plan outcomes and the steps toward them")
    if ehc_outcomes.empty:
        ui.empty_state("No EHC plan with outcomes is recorded for this pupil." + (
            " Record the plan on the EHC plans page." if may_edit else ""))
    for outcome_id, steps in ehc_outcomes.groupby("ehc_outcome_id", sort=False):
        with st.container(border=True):
            st.markdown(f"**{md_escape(steps['outcome'].iloc[0])}**")
            listed = steps[steps["step"].notna()]
            if listed.empty:
                st.caption("Not yet broken into short-term steps.")
            for step in listed.itertuples():
                rating = RATING_LABELS.get(step.last_rating, "not reviewed yet") if isinstance(step.last_rating, str) \
                    else "not reviewed yet"
                state = "closed" if pd.notna(step.closed_on) else rating
                st.text(f"• {step.step} ({state})")
            if may_edit:
                with st.form(f"ehc_step_{outcome_id}", clear_on_submit=False):
                    slots = FieldSlots()
                    text = st.text_input("A short-term step toward this outcome", key=f"ehc_step_text_{outcome_id}")
                    slots("step")
                    if st.form_submit_button("Add step"):
                        def save(outcome_id=outcome_id, text=text):  # bound now: called within this iteration
                            ehc_records.add_step(db, ctx.scope, int(outcome_id), text, school_id=ctx.school_id,
                                                 set_on=ctx.today)
                        if slots.save(save):
                            st.rerun()
    st.caption("Steps are targets on the pupil's support plan: they are reviewed with the other targets.")

    st.subheader("Preparing for Adulthood")
    cohort = ui.cached(ehc_records.pfa_pupils, ctx.scope, ctx.school_id, ctx.as_at)
    mine = cohort[cohort["pupil_id"] == pupil_id] if not cohort.empty else cohort
    if mine.empty:
        ui.empty_state("Preparing for Adulthood outcomes are planned for pupils with SEND from Year 9.")
    else:
        row = mine.iloc[0]
        for area, label in ehc_records.PFA_AREAS.items():
            show_text(label, row[area] if isinstance(row[area], str) else "", "No outcome recorded yet.")
        show_text("Independent careers guidance", row["careers"])
        if may_edit:
            left, right = st.columns(2)
            with left, st.form(f"pfa_{pupil_id}"):
                slots = FieldSlots()
                when = st.date_input("Date agreed", value=ctx.today, max_value=ctx.today, format="DD/MM/YYYY")
                slots("recorded_on")
                texts = {}
                for area, label in ehc_records.PFA_AREAS.items():
                    texts[area] = st.text_area(label, key=f"pfa_{area}_{pupil_id}", height=70)
                    slots(area)
                if st.form_submit_button("Save outcomes", type="primary"):
                    def save():
                        ehc_records.record_pfa(db, ctx.scope, pupil_id, school_id=ctx.school_id, recorded_on=when,
                                               outcomes=texts)
                    if slots.save(save):
                        st.rerun()
            with right, st.form(f"careers_{pupil_id}"):
                slots = FieldSlots()
                given_on = st.date_input("Date of the guidance", value=ctx.today, max_value=ctx.today, format="DD/MM/YYYY")
                slots("given_on")
                given_by = st.text_input("Given by (adviser or organisation)", key=f"careers_by_{pupil_id}")
                slots("given_by")
                careers_note = st.text_area("Note (optional)", key=f"careers_note_{pupil_id}", height=70)
                slots("note")
                if st.form_submit_button("Save careers guidance"):
                    def save():
                        ehc_records.record_careers_guidance(db, ctx.scope, pupil_id, school_id=ctx.school_id,
                                                            given_on=given_on, given_by=given_by, note=careers_note)
                    if slots.save(save):
                        st.rerun()

# ---------------------------------------------------------------- history
with tab["History"]:
    st.caption("Every change to this passport and its plans, with the wording before and after. Nothing is overwritten.")
    changes = pp["history"]
    if changes.empty:
        ui.empty_state("No changes recorded yet.")
    else:
        shown_changes = changes.assign(field=changes["field"].map(lambda f: passport.FIELDS.get(f, f.replace("_", " "))))
        ui.table(ctx, shown_changes[["changed_at", "changed_by", "object_type", "field", "old_value", "new_value"]],
                 f"passport_history_{pupil_id}")
