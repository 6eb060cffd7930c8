"""SEN Information Report: the report the school publishes each year (figures from sendboard, words from the
school), its approval by the governing board, the policy calendar and the accessibility plan."""
import streamlit as st

from sendboard import audit, ui, versions
from sendboard.access import AccessDenied
from sendboard.domain import year_label
from sendboard.publishing import APPROVE_ROLES, EDIT_ROLES
from sendboard.publishing.policies import (
    ACTION_STATUSES,
    DONE,
    DUE_THIS_TERM,
    LATE,
    NOT_RECORDED,
    ON_TRACK,
    OVERDUE,
    POLICIES,
    POLICIES_BY_KEY,
    STRANDS,
    actions_display,
    actions_frame,
    calendar_display,
    calendar_frame,
    progress_counts,
    save_action,
    save_policy,
)
from sendboard.publishing.render import docx_bytes, html_bytes, pdf_bytes
from sendboard.publishing.report import (
    ApprovalRefused,
    approve,
    build_report,
    copy_from_year,
    earlier_year_with_text,
    record_id,
    save_text,
)
from sendboard.statutory.form_ui import FieldSlots
from sendboard.statutory.records import FieldError
from sendboard.text import md_escape

ctx = ui.page_context("sen_report")
ui.page_header(ctx)
if ctx.school_id is None or ctx.academic_year is None:
    ui.empty_state("No school or term is set up yet, so there is no report to show.")
    st.stop()

viewer, db = ctx.viewer, ctx.db
edits = viewer.role in EDIT_ROLES
report = ui.cached(build_report, ctx.scope, ctx.school_id, ctx.academic_year, ctx.as_at, ctx.school_name or "",
                   ctx.school_phase)
calendar = ui.cached(calendar_frame, ctx.scope, ctx.school_id, ctx.as_at)
actions = ui.cached(actions_frame, ctx.scope, ctx.school_id, ctx.as_at)
progress = progress_counts(actions)

written = len(report.sections) - len(report.missing)
cols = ui.metric_row()
cols.metric("Report", "Approved" if report.approval and not report.approval.changed_since else
            "Changed since approval" if report.approval else "Not approved")
cols.metric("Headings written", f"{written} of {len(report.sections)}")
unrecorded = int((calendar["status"] == NOT_RECORDED).sum())
cols.metric("Policies overdue", int((calendar["status"] == OVERDUE).sum()),
            f"{unrecorded} with no approval date" if unrecorded else None, delta_color="off", delta_arrow="off")
cols.metric("Policies due this term", int((calendar["status"] == DUE_THIS_TERM).sum()))
cols.metric("Accessibility actions done", f"{progress[DONE]} of {progress['total']}")

report_tab, calendar_tab, plan_tab = st.tabs(["SEN Information Report", "Policy calendar", "Accessibility plan"])

# --------------------------------------------------------------------------- the report
with report_tab:
    st.markdown(f"**SEN Information Report {report.year_label}**: the school's own words under each heading of "
                "Schedule 1 to the SEND Regulations 2014, with sendboard's figures where it has them. "
                "Anonymised: figures about fewer than "
                f"{report.threshold} pupils are hidden.")
    box = st.success if report.approval and not report.approval.changed_since else st.warning
    box(md_escape(report.status) + ("." if report.approval else
                                   ". A governor approves it here once every heading is written."),
        icon=":material/verified:" if report.approval and not report.approval.changed_since else ":material/pending:")

    def deliver(kind: str, build):
        def data() -> bytes:
            content = build(report)
            audit.record(db, viewer, "download", object_type="sen_report", object_id=f"{ctx.school_id}:{ctx.academic_year}",
                         detail={"format": kind, "academic_year": ctx.academic_year, "as_at": str(ctx.as_at)})
            return content
        return data

    stem = f"sen_information_report_{report.year_label.replace('/', '-')}"
    row = st.container(horizontal=True)
    row.download_button("Web page (HTML)", deliver("html", html_bytes), f"{stem}.html", "text/html", type="primary",
                        icon=":material/language:", on_click="ignore", key="sir-html",
                        help="An accessible page to put on the school's website")
    row.download_button("Word document", deliver("docx", docx_bytes), f"{stem}.docx",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        icon=":material/description:", on_click="ignore", key="sir-docx")
    row.download_button("PDF", deliver("pdf", pdf_bytes), f"{stem}.pdf", "application/pdf",
                        icon=":material/picture_as_pdf:", on_click="ignore", key="sir-pdf")

    if viewer.role in APPROVE_ROLES:
        with st.form("sir-approve", border=True):
            st.markdown("**Approve this year's report for the governing board**")
            agreed = st.checkbox("The governing board has agreed this report", key="sir-approve-agreed")
            slots = FieldSlots()
            if st.form_submit_button("Record the board's approval", icon=":material/how_to_reg:"):
                if not agreed:
                    st.error("Tick the box to confirm the board has agreed the report.", icon=":material/error:")
                else:
                    try:
                        approve(db, ctx.scope, ctx.school_id, ctx.academic_year)
                    except (ApprovalRefused, AccessDenied) as exc:
                        st.error(md_escape(str(exc)), icon=":material/error:")
                    else:
                        st.rerun()

    earlier = ui.cached(earlier_year_with_text, ctx.scope, ctx.school_id, ctx.academic_year) if edits else None
    if edits and report.missing and earlier is not None:
        st.info(f"{len(report.missing)} heading(s) have no text for {report.year_label}. You can start from "
                f"{year_label(earlier)}'s words, then bring them up to date.", icon=":material/content_copy:")
        if st.button(f"Start from {year_label(earlier)}'s text", key="sir-copy", icon=":material/content_copy:"):
            copy_from_year(db, ctx.scope, ctx.school_id, ctx.academic_year, earlier)
            for section in report.sections:
                st.session_state.pop(f"sir-{ctx.academic_year}-{section.heading.key}", None)
            st.rerun()

    for number, section in enumerate(report.sections, 1):
        h = section.heading
        st.subheader(f"{number}. {h.title}", anchor=h.key)
        st.caption(f"{h.source}. {h.prompt}")
        for line in section.lines:
            st.markdown(f"- {md_escape(line)}")
        if section.tables:
            # Drawn only when opened: a closed expander's tables still cost every browser their grids.
            figures = st.expander(f"The figures ({len(section.tables)} table{'s' if len(section.tables) > 1 else ''})",
                                  key=f"sir-figures-{h.key}", on_change="rerun")
            if figures.open:
                with figures:
                    for table in section.tables:
                        st.markdown(f"**{md_escape(table.title)}**")
                        ui.table(ctx, table.display, f"sen_report_{table.name}", key=f"sir-{h.key}-{table.name}")
        rid = record_id(ctx.school_id, ctx.academic_year, h.key)
        if edits:
            held = versions.held(db, st.session_state, "sen_report_text", rid)
            with st.form(f"sir-form-{h.key}", border=True):
                slots = FieldSlots()
                body = st.text_area(f"Our words: {h.title}", value=section.text, height=140, max_chars=6000,
                                    key=f"sir-{ctx.academic_year}-{h.key}",
                                    help="Published on the school's website. Do not name pupils.")
                slots("body")
                if st.session_state.get("sir-saved") == h.key:
                    st.caption(":material/check_circle: Saved.")
                elif section.updated_at is not None:
                    st.caption(f"Last saved by {md_escape(section.updated_by)} on {section.updated_at:%d %B %Y}.")
                if st.form_submit_button("Save", icon=":material/save:"):
                    try:
                        save_text(db, viewer, ctx.school_id, ctx.academic_year, h.key, body, expected_version=held)
                    except versions.StaleEdit as exc:
                        ui.stale_edit(exc, {"body": h.title})
                    except (FieldError, AccessDenied) as exc:
                        slots.show(exc)
                    else:
                        versions.forget(st.session_state, "sen_report_text", rid)
                        st.session_state["sir-saved"] = h.key
                        st.rerun()
        elif section.text.strip():
            with st.container(border=True):
                st.text(section.text)
        else:
            st.caption("The school has not written this section yet.")

# --------------------------------------------------------------------------- the policy calendar
with calendar_tab:
    st.markdown("Each policy or plan the governing board keeps current, when it last approved it and when it is next "
                "due: by the statutory cycle where the law sets one, or the school's own.")
    ui.table(ctx, calendar_display(calendar), "policy_calendar", key="policy-calendar",
             column_config={"Published at": st.column_config.LinkColumn("Published at")})
    if edits:
        st.subheader("Add or update a policy")
        other = "Another policy…"
        titles = {p.title: p.key for p in POLICIES}
        for key, title in zip(calendar["policy_key"], calendar["title"]):
            titles.setdefault(title, key)
        choice = st.selectbox("Policy", list(titles) + [other], key="policy-choice")
        key = titles.get(choice, "new")
        held_row = calendar[calendar["policy_key"] == key]
        current = held_row.iloc[0].to_dict() if len(held_row) else {}
        record = f"{ctx.school_id}:{key}"
        held = versions.held(db, st.session_state, "policy", record) if key != "new" else None
        with st.form(f"policy-form-{key}", border=True):
            slots = FieldSlots()
            title = st.text_input("Title", value="" if key == "new" else str(current.get("title") or choice),
                                  disabled=key in POLICIES_BY_KEY, key=f"policy-title-{key}")
            slots("title")
            owner = st.text_input("Owner", value=str(current.get("owner") or ""), key=f"policy-owner-{key}")
            slots("owner")
            last = st.date_input("Last approved by the board", value=current.get("last_approved"), format="DD/MM/YYYY",
                                 key=f"policy-last-{key}")
            slots("last_approved")
            kind = POLICIES_BY_KEY.get(key)
            cycle_help = (f"Blank: the statutory {kind.cycle_months} months ({kind.source}); a shorter cycle is allowed."
                          if kind and kind.statutory else "Blank: 12 months.")
            cycle = st.text_input("Review cycle (months)", value="" if current.get("cycle_months") is None
                                  else str(int(current["cycle_months"])), help=cycle_help, key=f"policy-cycle-{key}")
            slots("cycle_months")
            url = st.text_input("Link to the published document", value=str(current.get("url") or ""),
                                placeholder="https://", key=f"policy-url-{key}")
            slots("url")
            if st.form_submit_button("Save policy", icon=":material/save:"):
                try:
                    save_policy(db, ctx.scope, ctx.school_id, policy=key if key in POLICIES_BY_KEY else title, title=title,
                                owner=owner, last_approved=last, cycle_months=cycle.strip() or None, url=url, expected_version=held)
                except versions.StaleEdit as exc:
                    ui.stale_edit(exc)
                except (FieldError, AccessDenied) as exc:
                    slots.show(exc)
                else:
                    versions.forget(st.session_state, "policy", record)
                    st.rerun()

# --------------------------------------------------------------------------- the accessibility plan
with plan_tab:
    st.markdown("The accessibility plan's actions, in its three strands: access to the curriculum, the physical "
                "environment, and information.")
    if progress["total"]:
        cols = ui.metric_row()
        cols.metric(":material/check_circle: Done", progress[DONE])
        cols.metric(":material/schedule: On track", progress[ON_TRACK])
        cols.metric(":material/warning: Overdue", progress[LATE])
        ui.table(ctx, actions_display(actions), "accessibility_actions", key="accessibility-actions")
    else:
        ui.empty_state("No actions are recorded yet. Add them below, or import an accessibility actions file.")
    if edits:
        st.subheader("Add or change an action")
        labels = {"new": "A new action"}
        labels.update({int(i): f"{STRANDS[s]}: {a}" for i, s, a in zip(actions["action_id"], actions["strand"], actions["action"])})
        pick = st.selectbox("Action", list(labels), format_func=labels.get, key="action-choice")
        row = actions[actions["action_id"] == pick].iloc[0].to_dict() if pick != "new" else {}
        held = versions.held(db, st.session_state, "accessibility_action", pick) if pick != "new" else None
        with st.form(f"action-form-{pick}", border=True):
            slots = FieldSlots()
            strands = list(STRANDS)
            strand = st.selectbox("Strand", strands, format_func=STRANDS.get, key=f"action-strand-{pick}",
                                  index=strands.index(row["strand"]) if row else 0)
            slots("strand")
            text = st.text_area("Action", value=row.get("action", ""), max_chars=500, key=f"action-text-{pick}", height=80)
            slots("action")
            owner = st.text_input("Owner", value=row.get("owner") or "", key=f"action-owner-{pick}")
            slots("owner")
            target = st.date_input("Target date", value=row.get("target_date"), format="DD/MM/YYYY",
                                   key=f"action-target-{pick}")
            slots("target_date")
            status = st.selectbox("Status", ACTION_STATUSES, key=f"action-status-{pick}",
                                  index=ACTION_STATUSES.index(row["status"]) if row else 0)
            slots("status")
            done_value = row.get("done_on")
            done = st.date_input("Date done", value=None if done_value is None or str(done_value) == "NaT" else done_value,
                                 format="DD/MM/YYYY", key=f"action-done-{pick}")
            slots("done_on")
            if st.form_submit_button("Save action", icon=":material/save:"):
                try:
                    save_action(db, ctx.scope, ctx.school_id, action_id=None if pick == "new" else int(pick), strand=strand,
                                action=text, owner=owner, target_date=target, status=status, done_on=done, expected_version=held)
                except versions.StaleEdit as exc:
                    ui.stale_edit(exc)
                except (FieldError, AccessDenied) as exc:
                    slots.show(exc)
                else:
                    if pick != "new":
                        versions.forget(st.session_state, "accessibility_action", pick)
                    st.rerun()
