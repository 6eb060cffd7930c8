"""Data import: upload MIS CSV files or Common Transfer Files, see every problem or a preview, commit in one
go, see the history and undo the last import; download templates; subject access export (SENCO)."""
import streamlit as st

from sendboard import timetable_views, ui
from sendboard.access import AccessDenied
from sendboard.importers import (
    SourceFile,
    commit,
    history,
    last_import,
    load,
    max_upload_bytes,
    preview,
    transfer_sources,
    undo_last,
)
from sendboard.importers.kinds import KINDS
from sendboard.importers.templates import template_csv
from sendboard.record_kinds import SUBJECT_ACCESS_ROLES
from sendboard.text import md_escape
from sendboard.transfer import subject_access

ctx = ui.page_context("data")
ui.page_header(ctx, caption="Nothing is written until you press Import, and then all of it is written or none of it.")

limit_mb = max_upload_bytes(ctx.db) / 1024 / 1024
PROBLEMS_SHOWN = 200
upload_tab, history_tab, templates_tab, *more = st.tabs(
    ["Import files", "History and undo", "Templates"] + (["Subject access"] if ctx.viewer.role in SUBJECT_ACCESS_ROLES else [])
    + ["Timetable"])

with upload_tab:
    kind_labels = {"": "Recognise from the columns"} | {k: v.title for k, v in KINDS.items()} | {"ctf": "Common Transfer File (XML)"}
    done = st.session_state.pop("data_import_done", None)
    if done:
        st.success(done, icon=":material/check_circle:")
    generation = st.session_state.setdefault("data_upload_generation", 0)
    # .xls is accepted by the uploader so that it gets a message in words saying how to convert it, not only a red icon
    uploads = st.file_uploader("Files from your MIS (CSV or Excel workbook), or a Common Transfer File (XML)",
                               type=["csv", "xlsx", "xlsm", "xls", "xml"],
                               accept_multiple_files=True, key=f"data_uploads_{generation}",
                               help=f"Up to {limit_mb:,.0f} MB each. Several files are checked and imported together.")
    kind_col, sheet_col = st.columns(2)
    kind = kind_col.selectbox("Kind of data", list(kind_labels), format_func=kind_labels.get, key="data_kind")
    sheet = sheet_col.text_input("Sheet (Excel workbooks only)", key="data_sheet", placeholder="the first sheet",
                                 help="The name of the sheet to read, as on its tab in Excel. Leave blank for the first sheet.").strip()
    if uploads:
        too_big = [u.name for u in uploads if u.size > max_upload_bytes(ctx.db)]
        if too_big:
            st.error(f"Over the {limit_mb:,.0f} MB limit: {md_escape(', '.join(too_big))}. Split the file, or ask the administrator.")
            st.stop()
        sources = [SourceFile(u.name, u.getvalue(), sheet or None) for u in uploads]
        with st.spinner("Checking every row…"):
            batch = load(ctx.db, sources, kind=kind or None, school_id=ctx.school_id)
        for f in batch.files:
            if f.rows:
                st.caption(md_escape(f"{f.name}: {KINDS[f.kind].title if f.kind in KINDS else 'Common Transfer File' if f.kind == 'ctf' else f.kind}"
                                     f", {f.rows:,} {'pupils' if f.kind == 'ctf' else 'rows'}" + (f", {f.encoding}" if f.encoding else "")))
        for note in batch.notices():  # file and school names come from the file: shown as text
            st.info(md_escape(note), icon=":material/info:")
        if not batch.ok:
            st.error(f":material/error: Nothing can be imported yet: {len(batch.problems):,} problem(s) found. "
                     "Fix them in the file (or in the MIS) and upload it again. Each row below says where the problem is, "
                     "what was found and what sendboard expected.")
            for sentence in batch.refusals():
                st.error(md_escape(sentence), icon=":material/block:")
            frame = batch.problem_frame().rename(columns={"file": "File", "where": "Where", "field": "Column",
                                                          "found": "Found", "expected": "Expected"})
            if frame["File"].nunique() == 1:
                frame = frame.drop(columns="File")  # one file: its name is above, so give the columns the room
            # a static table shows the whole text of every problem, wrapped; its cells render markdown, so escaped
            shown = frame.head(PROBLEMS_SHOWN)
            st.table(shown.map(md_escape), hide_index=True)
            if len(frame) > PROBLEMS_SHOWN:
                st.caption(f"The first {PROBLEMS_SHOWN} of {len(frame):,} problems; download them all below.")
            ui.download_buttons(ctx, frame, "import_problems")
        else:
            plan = preview(ctx.db, batch)
            st.success(f":material/check_circle: All rows are valid: {plan.sentence()}.")
            st.dataframe(plan.summary().rename(columns={"what": "What", "added": "To add", "changed": "To change",
                                                        "left alone": "Already up to date (left alone)"}),
                         hide_index=True, width="stretch")
            for r in plan.results:
                if not r.samples.empty:
                    with st.expander(f"Examples: {md_escape(r.label)} ({r.added} to add, {r.changed} to change)"):
                        sample = r.samples.rename(columns={"_state": "Action"})
                        sample["Action"] = sample["Action"].map({"add": "add", "change": "change (new values shown)"})
                        sample = sample.drop(columns=[c for c in ("_school",) if c in sample.columns])
                        st.dataframe(sample, hide_index=True, width="stretch")
            if st.button("Import", type="primary", icon=":material/upload:", key="data_commit"):
                bar = st.progress(0.0, text="Writing…")
                outcome = commit(ctx.db, batch, ctx.viewer, progress=lambda f, t: bar.progress(f, text=t))
                bar.progress(1.0, text="Done")
                st.session_state["data_import_done"] = (
                    f"Imported ({md_escape(', '.join(f.name for f in batch.files))}; import {outcome.import_id}): {outcome.added:,} rows added, "
                    f"{outcome.changed:,} changed, {outcome.unchanged:,} already up to date. You can undo it on the History and undo tab.")
                st.session_state["data_upload_generation"] = generation + 1  # an empty uploader, so it is not imported twice
                st.rerun()

with history_tab:
    undone = st.session_state.pop("data_undo_done", None)
    if undone:
        st.success(undone, icon=":material/undo:")
    past = ui.cached(history, ctx.school_id)
    if past.empty:
        ui.empty_state("No imports yet.")
    else:
        shown = past[["import_id", "imported_at", "username", "school", "files", "added", "changed", "unchanged", "undone_at",
                      "undone_by", "sha256"]].rename(columns={
            "import_id": "Import", "imported_at": "When", "username": "By", "school": "School", "files": "Files (kind, rows)",
            "added": "Rows added", "changed": "Rows changed", "unchanged": "Already up to date", "undone_at": "Undone at",
            "undone_by": "Undone by", "sha256": "File fingerprint (SHA-256, start)"})
        st.dataframe(shown, hide_index=True, width="stretch",
                     column_config={"Files (kind, rows)": st.column_config.TextColumn(width="large")})
        sources = ui.cached(transfer_sources, ctx.school_id)
        if not sources.empty:
            st.markdown("**Where the transfer files came from**")
            st.table(sources.map(md_escape), hide_index=True)  # names come from the files: escaped, as the table renders markdown
    last = last_import(ctx.db, ctx.school_id)
    if last is not None:
        st.write(f"The last import ({last[0]}, by {md_escape(last[2])}, {last[1]:%d %B %Y %H:%M}) added {last[3]:,} rows and changed {last[4]:,}.")
        confirm = st.checkbox("I understand that undo puts back every row this import added or changed", key="data_undo_ok")
        if st.button("Undo the last import", disabled=not confirm, icon=":material/undo:", key="data_undo"):
            try:
                done = undo_last(ctx.db, ctx.viewer, ctx.school_id)
            except ValueError as exc:
                st.error(str(exc))
            else:  # rerun so the history above shows the import as undone
                st.session_state["data_undo_done"] = "Undone: " + ", ".join(
                    f"{n:,} {t.replace('_', ' ')} row{'s' if n != 1 else ''} put back" for t, n in done.items() if n)
                st.rerun()

with templates_tab:
    st.write("A template for each kind of file, with the column headings sendboard expects. MIS spellings such as "
             "'Legal Surname', 'DOB' or 'NC Year' are recognised too (see docs/importing.md).")
    for key, spec in KINDS.items():
        st.download_button(f"{spec.title} template", template_csv(key), f"{key}_template.csv", "text/csv",
                           key=f"tpl-{key}", icon=":material/download:")
        st.caption(spec.description)

if ctx.viewer.role in SUBJECT_ACCESS_ROLES:  # the Subject access tab (the Timetable tab is last for everyone)
    with more[0]:
        st.write("Everything sendboard holds about one pupil, as a workbook with a sheet per table. The export is recorded.")
        upn = st.text_input("Pupil's UPN", key="data_sar_upn").strip()
        if upn and st.button("Prepare the export", key="data_sar_go", icon=":material/folder_zip:"):
            try:
                data, pupil_id = subject_access(ctx.db, ctx.scope, upn, "xlsx")
            except (ValueError, AccessDenied):  # not held, or not this person's to see: the same words for both
                st.error(f"No pupil with UPN {md_escape(upn.upper())} is held at your school.")
            else:
                st.download_button("Download subject access workbook", data, f"subject_access_{upn.upper()}.xlsx",
                                   key="data_sar_dl", icon=":material/download:")

with more[-1]:  # the teaching groups' lessons, for "this lesson" on the class profile (area: figures)
    timetable_views.timetable_tab(ctx)
