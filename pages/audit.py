"""Audit log (administrators): who saw and changed what, and when. Read-only: the log is append-only and
nothing in sendboard can edit or delete an entry."""
from datetime import timedelta

import streamlit as st

from sendboard import admin, audit, backup, ui
from sendboard.text import md_escape

ctx = ui.page_context("audit")
ui.page_header(ctx, caption="Entries are only ever added: nobody, including administrators, can change or delete one. "
                            "Downloading this log is itself recorded.")
db, viewer = ctx.db, ctx.viewer

with st.expander("Check the log and back up the database", icon=":material/verified_user:", expanded=False):
    left, right = st.columns(2)
    with left:
        st.markdown("**Has the log been altered?** Each entry carries a fingerprint linked to the one before, so "
                    "changing or removing any entry breaks the chain from there on.")
        if st.button("Check the audit log", key="audit_verify", icon=":material/fact_check:"):
            report = audit.verify(db)
            (st.success if report.ok else st.error)(report.message())
    with right:
        st.markdown("**Back up the database now.** People can keep working; the copy is checked and saved with a "
                    f"manifest in the folder {md_escape(str(backup.backup_folder(db.path)))}.")
        if st.button("Back up now", key="audit_backup", icon=":material/backup:"):
            try:
                with st.spinner("Backing up…"):
                    result = backup.backup_now(db, viewer)
            except (backup.BackupError, OSError) as exc:
                st.error(md_escape(str(exc)))
            else:
                st.success(md_escape(result.message()))
        recent = backup.recent_backups(db.path, limit=5)
        if recent:
            st.dataframe(recent, hide_index=True, width="stretch")

first, last, entries = admin.audit_span(db, viewer)
if not entries:
    ui.empty_state("The audit log is empty: nobody has signed in yet.")
    st.stop()

latest = max(last, ctx.today)
c1, c2, c3, c4, c5 = st.columns([1.2, 1.2, 1.6, 1.6, 1])
date_from = c1.date_input("From", value=max(first, latest - timedelta(days=30)), format="DD/MM/YYYY", key="audit_from")
date_to = c2.date_input("To", value=latest, format="DD/MM/YYYY", key="audit_to")
username = c3.text_input("User (name contains)", key="audit_user", max_chars=60, placeholder="e.g. teacher")
actions = admin.audit_actions(db, viewer)
ACTION_LABELS = {
    "view": "view (a pupil or class was opened)", "download": "download (a table was exported)",
    "sign_in": "sign_in", "sign_in_failed": "sign_in_failed", "page_refused": "page_refused (page not for that role)",
    "access_refused": "access_refused (asked for a pupil they may not see)",
}
action = c4.selectbox("Action", ["", *actions], format_func=lambda a: "Any action" if a == "" else ACTION_LABELS.get(a, a),
                      key="audit_action")
pupil_text = c5.text_input("Pupil id", key="audit_pupil", max_chars=12, placeholder="any")

try:
    pupil_id = admin.parse_pupil_id(pupil_text)
    if isinstance(date_from, tuple) or isinstance(date_to, tuple) or date_from is None or date_to is None:
        raise admin.AdminError("Choose both a 'from' and a 'to' date.")
    frame = admin.search_audit(db, viewer, date_from=date_from, date_to=date_to, username=username,
                               action=action, pupil_id=pupil_id)
except admin.AdminError as exc:
    st.error(admin.md_escape(str(exc)), icon=":material/error:")
    st.stop()

if frame.empty:
    ui.empty_state("No entries match these filters. Widen the dates or clear a filter.")
    st.stop()

shown = admin.readable_audit(frame)
more = " (the newest only: narrow the filters to see older ones)" if len(frame) >= admin.AUDIT_ROW_LIMIT else ""
st.caption(f"{len(frame):,} entries, newest first{more}. The log holds {entries:,} entries since "
           f"{first:%d %B %Y}.")
ui.table(ctx, shown, "audit_log",
         column_config={"When": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm:ss"),
                        "Entry": st.column_config.NumberColumn(format="%d"),
                        "Details": st.column_config.TextColumn(width="large"),
                        # in the download, not on screen: the action's code as recorded
                        "Action code": None})
