"""Streamlit helpers shared by every page: the database, sign-in, the page frame, filters, caching,
tables with downloads, and audit of what a person looked at. Pages stay thin by calling these."""
from __future__ import annotations

import importlib
import io
import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from . import audit, auth, clock
from .access import PAGES_BY_KEY, ROLE_LABELS, AccessDenied, Viewer, may_open, pages_for
from .db import Database, DatabaseError, database_path, open_database

SESSION_VIEWER = "viewer"
SESSION_LAST_ACTIVE = "last_active"
SESSION_SSO_REFUSED = "sso_refused"  # (e-mail, message) of a school account with no sendboard account
_VIEWS_THIS_VISIT = "_views_this_visit"
_PAGE_THIS_VISIT = "_page_this_visit"


# --------------------------------------------------------------------------- database


@st.cache_resource(show_spinner=False)
def _database(path: str) -> Database:
    return open_database(path)


def database() -> Database:
    """The process's one database. The demo school is built on first run only at the default path with
    SENDBOARD_DB unset; a missing or bad SENDBOARD_DB stops the page with a message saying what to do."""
    path = database_path()
    try:
        if not path.exists():
            from .schools import builds_demo_when_missing, show_missing_database

            if not builds_demo_when_missing():  # a mistyped SENDBOARD_DB must never come up as a demo
                show_missing_database(path)  # stops the run
            from .demo import build_demo

            with st.spinner("First run: building the demo school. This takes a few seconds…"):
                build_demo(path)
        return _database(str(path))
    except DatabaseError as exc:
        st.error(f"**sendboard cannot open its database.** {exc}")
        st.stop()


# --------------------------------------------------------------------------- caching


@st.cache_data(max_entries=1000, show_spinner=False)
def _cached_call(module: str, name: str, db_path: str, version: int, args: tuple, kwargs: dict):
    fn = getattr(importlib.import_module(module), name)
    return fn(_database(db_path), *args, **kwargs)


def cached(fn, *args, **kwargs):
    """Call ``fn(db, *args, **kwargs)`` through the cache. The key holds the database's data version,
    which every write bumps, and the arguments (which carry the Viewer), so a write is seen at once and
    nothing is shared between people who may see different rows."""
    db = database()
    return _cached_call(fn.__module__, fn.__name__, str(db.path), db.data_version(), args, kwargs)


# --------------------------------------------------------------------------- sign-in


def _idle_limit_seconds(db: Database) -> int:
    from .settings import get_int

    return 60 * get_int(db, "idle_timeout_minutes")


def _sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _sso_email() -> str | None:
    """The e-mail address the school's identity provider proved, if the person signed in with it."""
    try:
        if st.user.is_logged_in:
            return st.user.get("email")
    except Exception:
        return None
    return None


def current_viewer(db: Database) -> Viewer | None:
    """The signed-in viewer, or None. Expires an idle session (and says so)."""
    viewer = st.session_state.get(SESSION_VIEWER)
    now = time.time()
    if viewer is not None:
        last = st.session_state.get(SESSION_LAST_ACTIVE, now)
        if now - last > _idle_limit_seconds(db):
            auth.sign_out(db, viewer, reason="idle timeout")
            st.session_state.clear()
            st.session_state["signed_out_reason"] = "You were signed out because the session was idle. Please sign in again."
            return None
        st.session_state[SESSION_LAST_ACTIVE] = now
        return viewer
    email = _sso_email()
    if email and _sso_configured():
        refused = st.session_state.get(SESSION_SSO_REFUSED)
        if refused and refused[0] == email:  # refused already: say so again, but audit it once, not every rerun
            st.session_state["sign_in_error"] = refused[1]
            return None
        try:
            viewer = auth.sign_in_sso(db, email)
        except auth.SignInError as exc:
            st.session_state["sign_in_error"] = str(exc)
            st.session_state[SESSION_SSO_REFUSED] = (email, str(exc))
            return None
        _start_session(viewer)
        return viewer
    return None


def _start_session(viewer: Viewer) -> None:
    st.session_state[SESSION_VIEWER] = viewer
    st.session_state[SESSION_LAST_ACTIVE] = time.time()


def sign_in_page() -> None:
    """The sign-in form (its labels are relied on by tests and tools: Username, Password, Sign in)."""
    db = database()
    st.title("sendboard")
    st.caption("The whole-school SEND picture, for leaders, teachers, the SENCO and governors.")
    reason = st.session_state.pop("signed_out_reason", None)
    if reason:
        st.info(reason)
    error = st.session_state.pop("sign_in_error", None)
    if error:
        st.error(error)
    with st.form("sign_in", border=True):
        username = st.text_input("Username", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            viewer = auth.sign_in(db, username, password)
        except auth.SignInError as exc:
            st.error(str(exc))
        else:
            _start_session(viewer)
            st.rerun()
    if _sso_configured():
        st.divider()
        if _sso_email():  # signed in with the school account, but it is not linked: offer a way out, not a loop
            st.button("Sign out of your school account", on_click=st.logout)
        else:
            st.button("Sign in with your school account", on_click=st.login)
    st.caption("Pupil records here are special category data under UK GDPR. Every view and change is recorded.")


def sign_out() -> None:
    viewer = st.session_state.get(SESSION_VIEWER)
    if viewer is not None:
        auth.sign_out(database(), viewer)
    st.session_state.clear()
    st.session_state["signed_out_reason"] = "You have signed out."
    if _sso_email():
        st.logout()


# --------------------------------------------------------------------------- page frame and filters


@dataclass(frozen=True)
class PageContext:
    """What every page needs: who is looking, at which school and term, as at which date."""

    db: Database
    viewer: Viewer
    page_key: str
    school_id: int | None
    school_name: str | None
    school_phase: str | None
    term_id: int | None
    term_label: str | None
    academic_year: int | None
    term_start: date | None
    as_at: date
    today: date


def _terms(db: Database) -> pd.DataFrame:
    return cached(_term_frame)


def _term_frame(db: Database) -> pd.DataFrame:
    return db.query("term_list")


def _school_frame(db: Database, viewer: Viewer) -> pd.DataFrame:
    return db.query("visible_school_list", viewer_id=viewer.user_id)


def sidebar_filters(viewer: Viewer) -> None:
    """School and term selectors, drawn once by the app frame so they carry across every page."""
    db = database()
    schools = cached(_school_frame, viewer)
    terms = _terms(db)
    today = clock.today()
    with st.sidebar:
        st.markdown(f"**{viewer.display_name}**  \n{ROLE_LABELS[viewer.role]}")
        if len(schools) > 1:
            ids = schools["school_id"].astype(int).tolist()
            names = dict(zip(ids, schools["name"]))
            st.selectbox("School", ids, format_func=names.get, key="school_id")
        elif len(schools) == 1:
            st.session_state["school_id"] = int(schools["school_id"].iloc[0])
            st.caption(str(schools["name"].iloc[0]))
        if not terms.empty:
            held = terms[terms["start_date"].dt.date <= today] if hasattr(terms["start_date"], "dt") else terms
            if held.empty:
                held = terms
            ids = held["term_id"].astype(int).tolist()[::-1]
            labels = dict(zip(held["term_id"].astype(int), held["label"]))
            if st.session_state.get("term_id") not in ids:
                st.session_state["term_id"] = ids[0]
            st.selectbox("Term", ids, format_func=labels.get, key="term_id",
                         help="Figures are as at this term's census date (or today, for the current term).")
        st.button("Sign out", on_click=sign_out, icon=":material/logout:")


def page_context(page_key: str) -> PageContext:
    """Check the viewer may open this page (stopping it if not, and auditing the attempt), and return
    the shared filters. Every page calls this first."""
    db = database()
    viewer = current_viewer(db)  # again here: a page may rerun without the frame around it
    if viewer is None:
        st.warning(st.session_state.get("signed_out_reason") or "Please sign in.")
        st.stop()
    if not may_open(viewer.role, page_key):
        audit.record(db, viewer, "page_refused", object_type="page", object_id=page_key)
        st.error("This page is not available for your role.")
        st.stop()
    if st.session_state.get(_PAGE_THIS_VISIT) != page_key:  # a new visit: its views are audited afresh
        st.session_state[_PAGE_THIS_VISIT] = page_key
        st.session_state[_VIEWS_THIS_VISIT] = set()
    today = clock.today()
    schools = cached(_school_frame, viewer)
    school_id = st.session_state.get("school_id")
    if school_id not in set(schools["school_id"].astype(int)) and not schools.empty:
        school_id = int(schools["school_id"].iloc[0])
    school = schools[schools["school_id"] == school_id].iloc[0] if school_id is not None and not schools.empty else None
    terms = _terms(db)
    term_id = st.session_state.get("term_id")
    term = terms[terms["term_id"] == term_id]
    if term.empty and not terms.empty:
        held = terms[terms["start_date"].dt.date <= today]
        term = (held if not held.empty else terms).tail(1)
    if term.empty:
        term_row = None
        as_at = today
    else:
        term_row = term.iloc[0]
        start, end, census = (pd.Timestamp(term_row[c]).date() for c in ("start_date", "end_date", "census_date"))
        as_at = today if start <= today <= end else min(census if census <= end else end, today)
    return PageContext(
        db=db, viewer=viewer, page_key=page_key,
        school_id=None if school is None else int(school["school_id"]),
        school_name=None if school is None else str(school["name"]),
        school_phase=None if school is None else str(school["phase"]),
        term_id=None if term_row is None else int(term_row["term_id"]),
        term_label=None if term_row is None else str(term_row["label"]),
        academic_year=None if term_row is None else int(term_row["academic_year"]),
        term_start=None if term_row is None else pd.Timestamp(term_row["start_date"]).date(),
        as_at=as_at, today=today,
    )


def page_header(ctx: PageContext, *, caption: str | None = None) -> None:
    page = PAGES_BY_KEY[ctx.page_key]
    st.title(page.title)
    where = " · ".join(x for x in (ctx.school_name, ctx.term_label and f"as at {ctx.as_at:%d %B %Y}") if x)
    st.caption(f"{page.question}  \n{where}" + (f"  \n{caption}" if caption else ""))


def audit_view(ctx: PageContext, *, pupil_id: int | None = None, group_id: int | None = None, detail=None) -> None:
    """Record that this person looked at a pupil, a class or a list of pupils on this page: each distinct
    one once per visit to the page (a widget rerun showing the same record is not a new view)."""
    key = (pupil_id, group_id, json.dumps(detail, sort_keys=True, default=str))
    seen = st.session_state.setdefault(_VIEWS_THIS_VISIT, set())
    if key in seen:
        return
    seen.add(key)
    audit.record(ctx.db, ctx.viewer, "view", object_type=ctx.page_key,
                 object_id=pupil_id if pupil_id is not None else group_id,
                 pupil_id=pupil_id, group_id=group_id, detail=detail)


# --------------------------------------------------------------------------- cached pure work


@st.cache_data(max_entries=500, show_spinner=False)
def _memo_call(module: str, name: str, args: tuple, kwargs: dict):
    return getattr(importlib.import_module(module), name)(*args, **kwargs)


def memo(fn, *args, **kwargs):
    """A pure function of frames (no database) through st.cache_data, keyed on its arguments' content,
    so a rerun that changes nothing it depends on does not redo the work."""
    return _memo_call(fn.__module__, fn.__name__, args, kwargs)


@st.cache_resource(max_entries=300, show_spinner=False)
def _figure_call(module: str, name: str, args: tuple, kwargs: dict):
    return getattr(importlib.import_module(module), name)(*args, **kwargs)


def figure(fn, *args, **kwargs):
    """A chart function's Figure, built once per distinct data. Building a plotly Figure validates every
    property and costs tens of milliseconds; st.cache_resource hands back the same object without
    pickling. The key is the data itself, so a figure only ever goes to someone who passed the same rows."""
    return _figure_call(fn.__module__, fn.__name__, args, kwargs)


# --------------------------------------------------------------------------- tables and downloads


def excel_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, frame in frames.items():
            frame.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def _record_download(ctx: PageContext, name: str, kind: str, rows: int) -> None:
    audit.record(ctx.db, ctx.viewer, "download", object_type=ctx.page_key, object_id=name,
                 detail={"format": kind, "rows": rows})


def download_buttons(ctx: PageContext, frame: pd.DataFrame, name: str, *, key: str | None = None) -> None:
    """CSV and Excel downloads of a table; each download is audited. The files are built only when a
    button is pressed (building an Excel file on every rerun would slow every page)."""
    key = key or name
    row = st.container(horizontal=True)
    row.download_button("Download CSV", lambda: frame.to_csv(index=False).encode("utf-8"), f"{name}.csv", "text/csv",
                       key=f"csv-{key}", on_click=_record_download, args=(ctx, name, "csv", len(frame)),
                       icon=":material/download:", help=f"Download this table ({len(frame):,} rows) as CSV")
    row.download_button("Download Excel", lambda: excel_bytes({name: frame}), f"{name}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"xlsx-{key}", on_click=_record_download, args=(ctx, name, "xlsx", len(frame)),
                       icon=":material/download:", help=f"Download this table ({len(frame):,} rows) as an Excel workbook")


def table(ctx: PageContext, frame: pd.DataFrame, name: str, *, key: str | None = None, **kwargs) -> None:
    """A table with its downloads. Text shows as text (st.dataframe never renders HTML or markdown)."""
    st.dataframe(frame, hide_index=True, width="stretch", **kwargs)
    download_buttons(ctx, frame, name, key=key)


def chart(ctx: PageContext, fig, frame: pd.DataFrame, name: str, *, key: str | None = None) -> None:
    """A chart with the same numbers as a table beside it (its text alternative) and downloads."""
    key = key or name
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        st.plotly_chart(fig, width="stretch", key=f"chart-{key}")
    with table_tab:
        table(ctx, frame, name, key=key)


def empty_state(message: str) -> None:
    st.info(message, icon=":material/info:")


class MetricRow:
    """Headline figures side by side, each as wide as its label, wrapping onto a second line on a narrow
    screen (fixed columns cut labels short: "With current S..." on a 1024-pixel tablet)."""

    def __init__(self):
        self._row = st.container(horizontal=True, gap="medium")

    def metric(self, label: str, value, delta=None, **kwargs) -> None:
        self._row.metric(label, value, delta, width="content", **kwargs)


def metric_row() -> MetricRow:
    return MetricRow()


APP_DIR = Path(__file__).resolve().parent.parent


def role_pages(viewer: Viewer):
    """The pages this viewer may open that this copy of sendboard has."""
    return [p for p in pages_for(viewer.role) if (APP_DIR / p.path).exists()]


__all__ = ["AccessDenied", "PageContext", "cached", "database", "page_context", "page_header", "table", "chart"]
