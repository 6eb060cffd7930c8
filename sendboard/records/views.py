"""Drawing for the records area, called from the pages (passport, class profile, identification, provision
map, external specialists). Widgets and drawing only: every read and change goes through this package's
functions. A form that is refused shows the message beside the field at fault and keeps what was typed.
"""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from .. import ui
from ..access import AccessDenied
from ..db import ConflictError
from ..domain import year_label
from ..reference import AREAS
from ..text import md_escape
from . import RecordsError, concerns, funding, specialists

NOT_SURE = "not_sure"


# --------------------------------------------------------------------------- form plumbing

def _error_key(form: str) -> str:
    return f"_records_{form}_error"


def field_error(form: str, field: str) -> None:
    """The message for this field, if the last submit of the form was refused because of it."""
    err = st.session_state.get(_error_key(form))
    if err and err[0] == field:
        st.error(md_escape(err[1]), icon=":material/error:")


def _attempt(form: str, action, *, done: str, reset: tuple[str, ...] = ()) -> None:
    """Run a change; on a refusal keep the typed values and show the message by its field; on success
    clear the form (before its widgets are drawn again) and say what was saved."""
    try:
        action()
    except RecordsError as exc:
        st.session_state[_error_key(form)] = (exc.field or "_form", str(exc))
    except (AccessDenied, ConflictError) as exc:
        st.session_state[_error_key(form)] = ("_form", f"Not saved: {exc}")
    else:
        st.session_state.pop(_error_key(form), None)
        st.session_state[f"_records_{form}_done"] = done
        st.session_state[f"_records_{form}_reset"] = reset
    st.rerun()


def _prepare(form: str) -> None:
    """Before a form's widgets: clear them after a save, and show the confirmation."""
    for key in st.session_state.pop(f"_records_{form}_reset", ()):
        st.session_state.pop(key, None)
    done = st.session_state.pop(f"_records_{form}_done", None)
    if done:
        st.success(md_escape(done), icon=":material/check_circle:")
        st.toast(md_escape(done), icon=":material/check_circle:")  # seen even if the page shows another tab
    field_error(form, "_form")


def _date_text(value) -> str:
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%d %b %Y}"


# --------------------------------------------------------------------------- concerns

def raise_concern_form(ctx, pupil_id: int, pupil_name: str, form: str) -> None:
    """What a member of staff noticed about a pupil they teach, for the SENCO."""
    _prepare(form)
    keys = tuple(f"{form}_{k}" for k in ("noticed", "area", "evidence", "raised_on"))
    with st.form(form):
        st.markdown(f"**Raise a concern about {md_escape(pupil_name)}**")
        st.caption("What you noticed goes to the SENCO, who decides what happens next. You will see the decision here.")
        st.text_area("What you noticed", key=keys[0], max_chars=concerns.MAX_TEXT, height=90,
                     placeholder="e.g. Finds it hard to follow spoken instructions in a busy room")
        field_error(form, "noticed")
        area_options = [NOT_SURE, *AREAS]
        st.selectbox("The area of need it suggests", area_options, key=keys[1],
                     format_func=lambda a: "Not sure" if a == NOT_SURE else AREAS[a])
        field_error(form, "area")
        st.text_area("Evidence (what you saw, when, in which lessons)", key=keys[2], max_chars=concerns.MAX_TEXT, height=80)
        field_error(form, "evidence")
        st.date_input("Date noticed", value=ctx.today, key=keys[3], format="DD/MM/YYYY",
                      min_value=ctx.today - timedelta(days=400), max_value=ctx.today + timedelta(days=400))
        field_error(form, "raised_on")
        submitted = st.form_submit_button("Send to the SENCO", type="primary")
    if submitted:
        area = st.session_state[keys[1]]
        _attempt(form, lambda: concerns.raise_concern(
            ctx.db, ctx.scope, ctx.school_id, pupil_id, noticed=st.session_state[keys[0]],
            area=None if area == NOT_SURE else area, evidence=st.session_state[keys[2]],
            raised_on=st.session_state[keys[3]]),
            done=f"Concern about {pupil_name} sent to the SENCO.", reset=keys)


def concern_list(ctx, frame: pd.DataFrame, name: str, *, with_pupil: bool = False) -> None:
    if frame.empty:
        ui.empty_state("No concerns recorded.")
        return
    cols = (["pupil"] if with_pupil else []) + ["raised_on", "raised_by", "area_name", "reason", "evidence", "status",
                                                 "decided_on", "outcome"]
    ui.table(ctx, frame[[c for c in cols if c in frame.columns]], name, column_config={
        "pupil": "Pupil", "raised_on": st.column_config.DateColumn("Raised", format="D MMM YYYY"),
        "raised_by": "Raised by", "area_name": "Area of need", "reason": "What was noticed", "evidence": "Evidence",
        "status": "SENCO's decision", "decided_on": st.column_config.DateColumn("Decided", format="D MMM YYYY"),
        "outcome": "Decision note"})


def passport_concerns(ctx, pupil_id: int, pupil_name: str) -> None:
    """The passport's Concerns tab: raise one (anyone who teaches the pupil) and see what became of each."""
    frame = ui.cached(concerns.for_pupil, ctx.scope, pupil_id)
    if ctx.viewer.role in concerns.RAISE_ROLES:
        raise_concern_form(ctx, pupil_id, pupil_name, f"concern_{pupil_id}")
    st.subheader("Concerns and what became of them")
    concern_list(ctx, frame, f"concerns_{pupil_id}")


def class_concerns(ctx, group_id: int) -> None:
    """On the class profile: raise a concern about a pupil in the class; see the concerns you raised."""
    if ctx.viewer.role not in concerns.RAISE_ROLES:
        return
    pupils = ui.cached(concerns.group_pupils, ctx.scope, group_id, ctx.as_at)
    if pupils.empty:
        return
    labels = dict(zip(pupils["pupil_id"].astype(int), pupils["name"]))
    choice = st.selectbox("Pupil", list(labels), format_func=labels.get, key="class_concern_pupil", index=None,
                          placeholder="Choose a pupil in this class")
    if choice is not None:
        raise_concern_form(ctx, int(choice), labels[int(choice)], f"class_concern_{int(choice)}")
    mine = ui.cached(concerns.raised_by_me, ctx.scope, ctx.school_id)
    mine = mine[mine["pupil_id"].isin(set(labels))]
    if not mine.empty:
        st.markdown("**Concerns you raised about pupils in this class**")
        concern_list(ctx, mine, "class_concerns_raised", with_pupil=True)


def concern_queue(ctx) -> None:
    """The SENCO's queue (identification page): awaiting a decision first; decide each."""
    frame = ui.cached(concerns.queue, ctx.scope, ctx.school_id, ctx.as_at)
    waiting = frame[frame["awaiting"].astype(bool)] if not frame.empty else frame
    st.subheader("Concerns raised by staff")
    st.caption("Every concern raised on or before the date: awaiting a decision first (oldest first), then those being "
               "monitored or assessed, and those decided in the last 90 days. Monitor and assess keep a concern open; "
               "adding to SEN support (which starts SEN support on the register that day) or closing ends it.")
    if frame.empty:
        ui.empty_state("No concerns raised by staff are open or recently decided.")
        return
    ui.audit_view(ctx, detail={"list": "concern queue", "as_at": ctx.as_at.isoformat(), "pupils": frame["pupil_id"].tolist()})
    m = ui.metric_row()
    m.metric("Awaiting your decision", f"{len(waiting)}")
    m.metric("Oldest waiting", f"{int(waiting['days_since_raised'].max())} days" if not waiting.empty else "None")
    m.metric("Open (monitor or assess)", f"{int((frame['decision'].isin(['monitor', 'assess']) & frame['closed_on'].isna()).sum())}")
    shown = frame.assign(status=[("⏳ " if a else "") + s for a, s in zip(frame["awaiting"], frame["status"])])
    ui.table(ctx, shown[["pupil", "year_group", "sen_group", "raised_on", "raised_by", "area_name", "reason", "evidence",
                         "status", "decided_on", "outcome"]], "concern_queue", column_config={
        "pupil": "Pupil", "year_group": "Year", "sen_group": "On the register",
        "raised_on": st.column_config.DateColumn("Raised", format="D MMM YYYY"), "raised_by": "Raised by",
        "area_name": "Area of need", "reason": "What was noticed", "evidence": "Evidence", "status": "Decision",
        "decided_on": st.column_config.DateColumn("Decided", format="D MMM YYYY"), "outcome": "Note"})
    if ctx.viewer.role not in concerns.DECIDE_ROLES:
        return
    form = "concern_decide"
    _prepare(form)
    labels = {int(r.concern_id): f"{r.pupil} · raised {_date_text(r.raised_on)} by {r.raised_by or 'unknown'} · "
              f"{r.status}" for r in frame.itertuples()}
    with st.form(form):
        st.markdown("**Decide on a concern**")
        concern_id = st.selectbox("Concern", list(labels), format_func=labels.get, key=f"{form}_id")
        st.radio("Decision", list(concerns.DECISIONS), format_func=concerns.DECISIONS.get, horizontal=True,
                 key=f"{form}_decision", index=None)
        field_error(form, "decision")
        st.date_input("Date of the decision", value=ctx.today, key=f"{form}_on", format="DD/MM/YYYY",
                      min_value=ctx.today - timedelta(days=800), max_value=ctx.today + timedelta(days=400))
        field_error(form, "decided_on")
        st.text_area("Note for the member of staff who raised it (optional)", key=f"{form}_note",
                     max_chars=concerns.MAX_TEXT, height=70)
        field_error(form, "note")
        submitted = st.form_submit_button("Save decision", type="primary")
    if submitted:
        decision = st.session_state[f"{form}_decision"]
        _attempt(form, lambda: concerns.decide(
            ctx.db, ctx.scope, ctx.school_id, concern_id, decision=decision or "",
            decided_on=st.session_state[f"{form}_on"], note=st.session_state[f"{form}_note"]),
            done="Decision saved; the member of staff who raised the concern sees it on the pupil's passport.",
            reset=(f"{form}_decision", f"{form}_note"))


# --------------------------------------------------------------------------- external specialists

def _service_label(key) -> str:
    return specialists.SERVICES.get(key, str(key))


def referral_form(ctx, pupil_id: int | None, pupils: dict[int, str] | None = None, form: str = "referral") -> None:
    """A new referral: on the passport (one pupil) or the specialists page (choose the pupil)."""
    _prepare(form)
    keys = tuple(f"{form}_{k}" for k in ("pupil", "service", "referred_on", "seen_on", "advice", "next_contact"))
    with st.form(form):
        st.markdown("**Record a referral to an outside service**")
        if pupil_id is None:
            st.selectbox("Pupil", list(pupils or {}), format_func=(pupils or {}).get, key=keys[0], index=None,
                         placeholder="Choose a pupil")
            field_error(form, "pupil")
        st.selectbox("Service", list(specialists.SERVICES), format_func=_service_label, key=keys[1], index=None,
                     placeholder="Choose the service")
        field_error(form, "service")
        left, right = st.columns(2)
        with left:
            st.date_input("Date referred", value=ctx.today, key=keys[2], format="DD/MM/YYYY",
                          min_value=ctx.today - timedelta(days=3 * 366), max_value=ctx.today + timedelta(days=400))
            field_error(form, "referred_on")
        with right:
            st.date_input("Date first seen (blank while waiting)", value=None, key=keys[3], format="DD/MM/YYYY",
                          min_value=ctx.today - timedelta(days=3 * 366), max_value=ctx.today + timedelta(days=400))
            field_error(form, "seen_on")
        st.text_area("Advice received (optional)", key=keys[4], max_chars=specialists.MAX_ADVICE, height=70)
        field_error(form, "advice")
        st.date_input("Next contact (optional)", value=None, key=keys[5], format="DD/MM/YYYY",
                      min_value=ctx.today - timedelta(days=3 * 366), max_value=ctx.today + timedelta(days=3 * 366))
        field_error(form, "next_contact")
        submitted = st.form_submit_button("Save referral", type="primary")
    if submitted:
        chosen = pupil_id if pupil_id is not None else st.session_state[keys[0]]

        def action():
            if chosen is None:
                raise RecordsError("Choose the pupil.", "pupil")
            specialists.add_referral(ctx.db, ctx.scope, ctx.school_id, int(chosen), service=st.session_state[keys[1]] or "",
                                     referred_on=st.session_state[keys[2]], seen_on=st.session_state[keys[3]],
                                     advice=st.session_state[keys[4]], next_contact=st.session_state[keys[5]])
        _attempt(form, action, done="Referral saved.", reset=keys)


def involvement_update_form(ctx, frame: pd.DataFrame, form: str) -> None:
    """Record that a pupil was seen, the advice, the next contact, or that the involvement ended."""
    if frame.empty:
        return
    _prepare(form)
    labels = {int(r.involvement_id): f"{getattr(r, 'pupil', '') + ' · ' if hasattr(r, 'pupil') else ''}"
              f"{_service_label(r.service)} · referred {_date_text(r.referred_on)}" for r in frame.itertuples()}
    chosen = st.selectbox("Update an involvement", list(labels), format_func=labels.get, key=f"{form}_id")
    row = frame[frame["involvement_id"] == chosen].iloc[0]
    suffix = f"{form}_{chosen}"

    def _d(v):
        return None if v is None or pd.isna(v) else pd.Timestamp(v).date()

    with st.form(suffix):
        left, right = st.columns(2)
        with left:
            st.date_input("Date first seen", value=_d(row["seen_on"]), key=f"{suffix}_seen", format="DD/MM/YYYY",
                          min_value=ctx.today - timedelta(days=3 * 366), max_value=ctx.today + timedelta(days=400))
            field_error(form, "seen_on")
        with right:
            st.date_input("Next contact", value=_d(row["next_contact"]), key=f"{suffix}_next", format="DD/MM/YYYY",
                          min_value=ctx.today - timedelta(days=3 * 366), max_value=ctx.today + timedelta(days=3 * 366))
            field_error(form, "next_contact")
        st.text_area("Advice received", value="" if pd.isna(row["advice"]) else row["advice"], key=f"{suffix}_advice",
                     max_chars=specialists.MAX_ADVICE, height=80)
        field_error(form, "advice")
        st.date_input("Involvement ended on (blank while it continues)", value=_d(row["closed_on"]), key=f"{suffix}_closed",
                      format="DD/MM/YYYY", min_value=ctx.today - timedelta(days=3 * 366), max_value=ctx.today + timedelta(days=400))
        field_error(form, "closed_on")
        submitted = st.form_submit_button("Save changes", type="primary")
    if submitted:
        _attempt(form, lambda: specialists.update_involvement(
            ctx.db, ctx.scope, ctx.school_id, int(chosen), seen_on=st.session_state[f"{suffix}_seen"],
            advice=st.session_state[f"{suffix}_advice"], next_contact=st.session_state[f"{suffix}_next"],
            closed_on=st.session_state[f"{suffix}_closed"]), done="Involvement updated.")


def passport_specialists(ctx, pupil_id: int) -> None:
    frame = ui.cached(specialists.for_pupil, ctx.scope, pupil_id)
    if frame.empty:
        ui.empty_state("No outside service is involved with this pupil.")
    else:
        ui.table(ctx, frame[["service_name", "referred_on", "seen_on", "advice", "next_contact", "closed_on"]],
                 f"specialists_{pupil_id}", column_config=involvement_columns())
    if ctx.viewer.role in specialists.EDIT_ROLES:
        involvement_update_form(ctx, frame, f"involvement_{pupil_id}")
        referral_form(ctx, pupil_id, form=f"referral_{pupil_id}")


def involvement_columns() -> dict:
    return {"pupil": "Pupil", "year_group": "Year", "service_name": "Service",
            "referred_on": st.column_config.DateColumn("Referred", format="D MMM YYYY"),
            "seen_on": st.column_config.DateColumn("First seen", format="D MMM YYYY"),
            "days_waited": st.column_config.NumberColumn("Days waited", format="%d"),
            "advice": "Advice received", "next_contact": st.column_config.DateColumn("Next contact", format="D MMM YYYY"),
            "closed_on": st.column_config.DateColumn("Ended", format="D MMM YYYY"), "state": "State"}


def waiting_table(ctx, frame: pd.DataFrame) -> None:
    ui.table(ctx, specialists.waiting_for_display(frame).drop(columns="service"), "specialist_waiting", column_config={
        "service_name": "Service", "referrals": "Referrals", "seen": "Seen", "still_waiting": "Still waiting",
        "closed_unseen": "Closed before being seen", "median_wait_days": "Median wait",
        "longest_open_wait_days": "Longest wait so far"})


# --------------------------------------------------------------------------- funding

def funding_section(ctx) -> None:
    """The provision map's funding: lines by financial year, the academic-year view, and the form."""
    lines = ui.cached(funding.lines, ctx.scope, ctx.school_id)
    year = ctx.academic_year
    ay = ui.cached(funding.by_academic_year, ctx.scope, ctx.school_id, year)
    st.caption(f"Schools are funded by financial year (April to March). The provision map sets spend against the "
               f"academic year {year_label(year)}: it takes 7/12 of financial year {funding.financial_year_label(year)} "
               f"(September to March) and 5/12 of {funding.financial_year_label(year + 1)} (April to August).")
    if not ay.empty:
        view = ay.assign(line=ay["line"].map(funding.LINES).fillna(ay["line"]), amount=ay["amount"].round(0))
        ui.table(ctx, view, f"funding_academic_{year}", column_config={
            "line": "Funding line", "amount": st.column_config.NumberColumn(f"In {year_label(year)} (£)", format="localized"),
            "pupils": "Pupils (top-up)"})
    if lines.empty:
        ui.empty_state("No funding lines recorded yet.")
    else:
        ui.audit_view(ctx, detail={"list": "funding lines", "pupils": lines["pupil_id"].dropna().astype(int).tolist()})
        ui.table(ctx, lines[["year", "line_name", "pupil", "amount", "note"]], "funding_lines", column_config={
            "year": "Year", "line_name": "Line", "pupil": "Pupil (top-up)",
            "amount": st.column_config.NumberColumn("Amount (£)", format="localized"), "note": "Description"})
    if ctx.viewer.role not in funding.EDIT_ROLES:
        return
    form = "funding_add"
    _prepare(form)
    keys = tuple(f"{form}_{k}" for k in ("year", "line", "amount", "pupil", "note"))
    this_fy = funding.financial_year_of(ctx.today)
    pupils = ui.cached(funding.ehc_pupils, ctx.scope, ctx.school_id, ctx.as_at)
    pupil_labels = dict(zip(pupils["pupil_id"].astype(int), pupils["pupil"] + " (Year " + pupils["year_group"].astype(str) + ")"))
    with st.form(form):
        st.markdown("**Record a funding line**")
        left, right = st.columns(2)
        with left:
            years = list(range(this_fy + 1, this_fy - 6, -1))
            st.selectbox("Financial year", years, index=1, format_func=funding.financial_year_label, key=keys[0])
            field_error(form, "financial_year")
        with right:
            st.selectbox("Line", list(funding.LINES), format_func=funding.LINES.get, key=keys[1])
            field_error(form, "line")
        st.text_input("Amount (£)", key=keys[2], placeholder="e.g. 84,500")
        field_error(form, "amount")
        st.selectbox("Pupil (for a top-up: pupils with an EHC plan)", list(pupil_labels), format_func=pupil_labels.get,
                     key=keys[3], index=None, placeholder="Choose the pupil for a top-up")
        field_error(form, "pupil")
        st.text_input("Description (the grant's name; optional for the other lines)", key=keys[4], max_chars=200)
        field_error(form, "note")
        submitted = st.form_submit_button("Save funding line", type="primary")
    if submitted:
        _attempt(form, lambda: funding.add_line(
            ctx.db, ctx.scope, ctx.school_id, financial_year=st.session_state[keys[0]], line=st.session_state[keys[1]],
            amount=st.session_state[keys[2]], pupil_id=st.session_state[keys[3]], note=st.session_state[keys[4]]), done="Funding line saved.", reset=(keys[2], keys[3], keys[4]))
    if not lines.empty:
        with st.popover("Remove a funding line entered by mistake", icon=":material/delete:"):
            labels = {int(r.funding_id): f"{r.year} · {r.line_name} · £{r.amount:,.0f}" + (f" · {r.pupil}" if isinstance(r.pupil, str) else "")
                      for r in lines.itertuples()}
            chosen = st.selectbox("Funding line", list(labels), format_func=labels.get, key="funding_remove_id")
            if st.button("Remove this line", key="funding_remove"):
                _attempt("funding_add", lambda: funding.remove_line(ctx.db, ctx.scope, ctx.school_id, chosen),
                         done="Funding line removed (the audit log keeps what it was).")


def concern_notice(ctx) -> None:
    """At the top of Identification, for the SENCO and head: how many concerns await a decision."""
    if ctx.viewer.role not in concerns.DECIDE_ROLES:
        return
    frame = ui.cached(concerns.queue, ctx.scope, ctx.school_id, ctx.as_at)
    waiting = int(frame["awaiting"].sum()) if not frame.empty else 0
    if waiting:
        st.info(f"{waiting} concern{'s' if waiting != 1 else ''} raised by staff await{'s' if waiting == 1 else ''} "
                "a decision: see **Concerns raised by staff** below.", icon=":material/inbox:")
