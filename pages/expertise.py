"""Staff expertise: SEND training against the school's need mix, how concentrated it is, what expires
soon; the head, SENCO and administrator may add training and change expiry dates (audited)."""
from datetime import timedelta

import streamlit as st

from sendboard import ui
from sendboard.reference import AREAS
from sendboard.statutory import StatutoryError, expertise
from sendboard.text import md_escape as plain

ctx = ui.page_context("expertise")
ui.page_header(ctx, caption="Training counts as current if completed by the date above and not expired. "
                            "Staff = everyone in post at that date.")

if ctx.school_id is None:
    ui.empty_state("No school is linked to your account.")
    st.stop()

DATE = st.column_config.DateColumn(format="D MMM YYYY")
staff = ui.cached(expertise.staff_list, ctx.scope, ctx.school_id, ctx.as_at)
if staff.empty:
    ui.empty_state("No staff are recorded for this school at this date. Import the staff list on the Data import page.")
    st.stop()
conc = ui.cached(expertise.training_concentration, ctx.scope, ctx.school_id, ctx.as_at)
watch = ui.cached(expertise.expiry_watch, ctx.scope, ctx.school_id, ctx.as_at)
expiring = watch[watch["state"].astype(str).str.contains(expertise.EXPIRING, regex=False)]
expired = watch[watch["state"].astype(str).str.contains(expertise.EXPIRED, regex=False)]

cols = ui.metric_row()
cols.metric("Staff in post", f"{conc['staff']:,}")
cols.metric("With current SEND training", f"{conc['staff_with_any']:,}",
            f"{100 * conc['staff_with_any'] / conc['staff']:.0f}% of staff", delta_color="off", delta_arrow="off")
cols.metric(f"Held by the top {conc['top_n']} staff",
            "n/a" if conc["top_share"] is None else f"{100 * conc['top_share']:.0f}%",
            "even spread ≈ 10%", delta_color="off", delta_arrow="off",
            help="Share of all current training records held by the most-trained tenth of staff "
                 "(ceil(10% of staff)). If training were spread evenly this would be about 10%.")
cols.metric("Unevenness (0 = even)", "n/a" if conc["gini"] is None else f"{conc['gini']:.2f}",
            help="How unevenly current training records are spread across staff: 0 = everyone has the same "
                 "number, 1 = one person holds them all (the Gini coefficient).")
cols.metric(":material/warning: To renew", f"{len(watch):,}", f"{len(expired)} expired, {len(expiring)} in 90 days",
            delta_color="off", delta_arrow="off",
            help="Expired training not since renewed, plus training that expires in the next 90 days.")

# One under the other: side by side, each would be drawn too small to read on a tablet.
coverage = ui.cached(expertise.training_coverage, ctx.scope, ctx.school_id, ctx.as_at)
frame = coverage.rename(columns={"area": "Broad area", "send_pupils": "SEND pupils (primary need)",
                                 "pct_of_send": "% of SEND pupils", "staff_trained": "Staff with current training",
                                 "pct_of_staff": "% of staff", "specialist_staff": "Of whom specialist level"}).drop(
    columns=["area_code", "staff_in_post"])
ui.chart(ctx, expertise.coverage_chart(coverage), frame, "expertise_need_vs_training")
st.caption("Read across each area: a long blue bar beside a short orange one is need without matching training.")
ui.chart(ctx, expertise.concentration_chart(staff),
         staff.sort_values("current_training", ascending=False)[["name", "staff_role", "current_training"]].rename(
             columns={"name": "Staff", "staff_role": "Role", "current_training": "Current records"}),
         "expertise_concentration")

st.subheader("Renewals")
if watch.empty:
    ui.empty_state("No training has expired or expires in the next 90 days.")
else:
    st.caption("Expired training not since renewed, and training that expires in the next 90 days, soonest first.")
    renewals = watch.drop(columns="training_id").rename(columns={
        "staff": "Staff", "role": "Role", "area": "Area", "course": "Course", "level": "Level",
        "completed_on": "Completed", "expires_on": "Expires", "state": "State"})
    ui.table(ctx, renewals[["State", "Expires", "Staff", "Role", "Course", "Area", "Level", "Completed"]],
             "expertise_renewals", column_config={"Completed": DATE, "Expires": DATE})

st.subheader("Training by member of staff")
names = dict(zip(staff["staff_id"].astype(int), staff["name"]))
who = st.selectbox("Staff member", [0, *names], format_func=lambda s: "All staff" if s == 0 else names[s],
                   key="expertise_staff")
records = ui.cached(expertise.training_records, ctx.scope, ctx.school_id, ctx.as_at)
if who:
    records = records[records["staff"] == names[who]]
if records.empty:
    ui.empty_state("No SEND training recorded for this member of staff.")
else:
    ui.table(ctx, records.drop(columns="training_id").rename(columns={
        "staff": "Staff", "role": "Role", "area": "Area", "course": "Course", "level": "Level",
        "completed_on": "Completed", "expires_on": "Expires", "state": "State"}), "expertise_training",
        column_config={"Completed": DATE, "Expires": DATE})

if ctx.viewer.role not in expertise.EDIT_ROLES:  # the trust lead reads; the school keeps its own records
    st.stop()
st.subheader("Update training records")
st.caption("Every change is recorded in the audit log with your name.")
flash = st.session_state.pop("expertise_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")
add_col, edit_col = st.columns(2)
# The form keeps what was typed when a course is refused; it is cleared only after a course is added.
if st.session_state.pop("_add_training_saved", False):
    st.session_state.pop("add_training_course", None)
with add_col, st.form("add_training", border=True):
    st.markdown("**Add a course**")
    staff_id = st.selectbox("Staff member", list(names), format_func=names.get,
                            index=(list(names).index(who) if who in names else 0))
    course = st.text_input("Course", max_chars=200, key="add_training_course")
    area = st.selectbox("Broad area of need", list(AREAS), format_func=AREAS.get)
    level = st.radio("Level", expertise.LEVELS, format_func=str.capitalize, horizontal=True)
    completed = st.date_input("Completed on", value=ctx.today, max_value=ctx.today, format="DD/MM/YYYY")
    expires_known = st.checkbox("It has an expiry date", value=True)
    expires = st.date_input("Expires on", value=ctx.today + timedelta(days=3 * 365), format="DD/MM/YYYY")
    if st.form_submit_button("Add course", type="primary", icon=":material/add:"):
        try:
            expertise.add_training(ctx.db, ctx.scope, ctx.school_id, staff_id=staff_id, course=course, area=area,
                                   level=level, completed_on=completed, expires_on=expires if expires_known else None)
        except StatutoryError as exc:
            st.error(str(exc))
        else:
            st.session_state["expertise_flash"] = f"Added {plain(course.strip())} for {plain(names[staff_id])}."
            st.session_state["_add_training_saved"] = True
            st.rerun()

with edit_col, st.form("edit_expiry", border=True):
    st.markdown("**Change an expiry date**")
    all_records = ui.cached(expertise.training_records, ctx.scope, ctx.school_id, ctx.as_at)
    if who:
        all_records = all_records[all_records["staff"] == names[who]]
    options = {int(r.training_id): f"{r.staff}: {r.course} ({r.completed_on:%d/%m/%Y})"
               for r in all_records.itertuples()}
    training_id = st.selectbox("Training record", list(options), format_func=options.get,
                               help="Choose a member of staff above to shorten this list.")
    no_expiry = st.checkbox("No expiry date")
    new_expiry = st.date_input("New expiry date", value=ctx.today + timedelta(days=365), format="DD/MM/YYYY")
    if st.form_submit_button("Save expiry date", icon=":material/save:", disabled=not options):
        try:
            expertise.set_training_expiry(ctx.db, ctx.scope, ctx.school_id, training_id,
                                          None if no_expiry else new_expiry)
        except StatutoryError as exc:
            st.error(str(exc))
        else:
            st.session_state["expertise_flash"] = f"Saved the expiry date: {plain(options[training_id])}."
            st.rerun()
