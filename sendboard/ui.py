"""Streamlit helpers shared by every page: the database, sign-in, the page frame, filters, caching,
tables with downloads, and audit of what a person looked at. Pages stay thin by calling these."""
from __future__ import annotations

import importlib
import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from . import audit, auth, clock, exports, signin, svgchart, web
from .access import PAGES_BY_KEY, ROLE_LABELS, AccessDenied, Viewer, may_open, pages_for
from .app_db import open_database
from .chart_preload import opens_on_a_chart, preload_chart_code
from .db import Database, DatabaseError, database_path
from .scope import Scope
from .text import md_escape

SESSION_VIEWER = "viewer"
SESSION_LAST_ACTIVE = "last_active"
SESSION_SSO_REFUSED = "sso_refused"  # ((issuer, subject), message, e-mail) of a refused school account
SESSION_SSO_QUIET = "sso_quiet"  # the school account is not used again in this tab until asked
SESSION_WATCH_SECONDS = 20  # how often an open page checks that its session is still alive
SESSION_TOKEN_HASH = "session_token_hash"  # the hash of this browser's session token (never the token)
SESSION_DEAD_COOKIE = "dead_cookie_hash"  # a cookie whose session has ended: told once, then ignored
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


def _sso_claims() -> dict | None:
    """The claims of the identity the school's provider proved, if the person signed in with it."""
    try:
        if st.user.is_logged_in:
            return dict(st.user.to_dict())
    except Exception:
        return None
    return None


def _sso_email() -> str | None:
    claims = _sso_claims()
    return claims.get("email") if claims else None


def _source_address() -> str:
    try:
        address = st.context.ip_address
    except Exception:
        return "unknown"
    return address if isinstance(address, str) and address else "unknown"


def _session_cookie() -> str | None:
    try:
        token = st.context.cookies.get(signin.COOKIE_NAME)
    except Exception:  # no HTTP request behind this run (AppTest)
        return None
    return token if isinstance(token, str) and token else None


def _end_browser_session(message: str | None, *, sso_quiet: bool = True) -> None:
    """Forget everything this browser session held, keeping only why it ended. With ``sso_quiet`` the
    school-account identity is not used again in this tab until the person asks (no silent way back in)."""
    claims = _sso_claims()
    st.session_state.clear()
    if message:
        st.session_state["signed_out_reason"] = message
    if claims and sso_quiet:
        st.session_state[SESSION_SSO_QUIET] = True


_VIEWER_THIS_RUN = "_viewer_this_run"


def _this_run():
    """An object that is this script run's alone: Streamlit gives each run (and each fragment run) a new
    dict of cursors. Kept with the viewer, so it cannot be mistaken for a later run's."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.cursors


def current_viewer(db: Database) -> Viewer | None:
    """The signed-in viewer, checked once per script run: the frame checks it and the page's own
    ``page_context`` asks again (a page may rerun without the frame). The second ask in the same run gets
    the first one's answer instead of repeating the session and account queries (about a tenth of a class
    profile's server time in a staff meeting); every new run checks afresh."""
    run = _this_run()
    held = st.session_state.get(_VIEWER_THIS_RUN)
    if run is not None and held is not None and held[0] is run:
        return held[1]
    viewer = _check_viewer(db)
    if run is not None and viewer is not None:
        st.session_state[_VIEWER_THIS_RUN] = (run, viewer)
    else:
        st.session_state.pop(_VIEWER_THIS_RUN, None)
    return viewer


def _check_viewer(db: Database) -> Viewer | None:
    """The signed-in viewer, rebuilt from the account on every run, or None. A session that has ended
    (sign-out elsewhere, idle, too old, account disabled or changed) signs this browser out with a
    message. The session is found in this tab's state, else in the HttpOnly cookie the sign-in form
    set (a reload, a second tab, a bookmark), else made from a single sign-on identity."""
    hashed = st.session_state.get(SESSION_TOKEN_HASH)
    from_cookie = hashed is None
    if from_cookie:
        token = _session_cookie()
        hashed = signin.token_hash(token) if token else None
        if hashed is not None and hashed == st.session_state.get(SESSION_DEAD_COOKIE):
            hashed = None  # said once already that this cookie's session ended
    if hashed is not None:
        state = signin.check_session(db, hashed)
        if state.viewer is not None:
            _start_session(state.viewer, hashed)
            return state.viewer
        if not from_cookie:
            _end_browser_session(state.ended or signin.ended_message(None))
            return None
        st.session_state[SESSION_DEAD_COOKIE] = hashed
        if state.ended and _sso_claims() is None:  # with a school account signed in, try that instead
            st.session_state["signed_out_reason"] = state.ended
            return None

    viewer = st.session_state.get(SESSION_VIEWER)
    if viewer is not None:  # a session made inside the server process itself (tests, the bench)
        now = time.time()
        fresh = auth.viewer_for(db, viewer.user_id)
        if fresh is None or fresh.role != viewer.role:
            _end_browser_session(signin.ended_message("disabled" if fresh is None else "role changed"))
            return None
        last = st.session_state.get(SESSION_LAST_ACTIVE, now)
        if now - last > _idle_limit_seconds(db):
            auth.sign_out(db, viewer, reason="idle timeout")
            _end_browser_session(signin.ended_message("idle"))
            return None
        st.session_state[SESSION_VIEWER] = fresh
        st.session_state[SESSION_LAST_ACTIVE] = now
        return fresh
    return _sso_viewer(db)


def _sso_viewer(db: Database) -> Viewer | None:
    claims = _sso_claims()
    if not claims or not _sso_configured() or st.session_state.get(SESSION_SSO_QUIET):
        return None
    email = claims.get("email")
    refused = st.session_state.get(SESSION_SSO_REFUSED)
    if refused and refused[0] == (claims.get("iss"), claims.get("sub")):  # said once, audited once
        st.session_state["sign_in_error"] = refused[1]
        return None
    issued = claims.get("iat")
    if isinstance(issued, (int, float)) and time.time() - issued > signin.max_age(db).total_seconds():
        # Streamlit keeps the provider's identity for 30 days; a sendboard session is shorter
        st.session_state["sign_in_error"] = ("Your sign-in with your school account is older than the longest a "
                                             "session may last. Please sign in with your school account again.")
        st.session_state[SESSION_SSO_QUIET] = True
        return None
    try:
        policy = signin.sso_policy(db, st.secrets.get("sendboard_sso"))
        viewer = auth.sign_in_sso(db, claims, policy)
    except auth.SignInError as exc:
        st.session_state["sign_in_error"] = str(exc)
        st.session_state[SESSION_SSO_REFUSED] = ((claims.get("iss"), claims.get("sub")), str(exc), email)
        return None
    _start_session(viewer, signin.token_hash(signin.start_session(db, viewer.user_id, "sso")))
    return viewer


def _start_session(viewer: Viewer, hashed: str | None = None) -> None:
    st.session_state[SESSION_VIEWER] = viewer
    st.session_state[SESSION_LAST_ACTIVE] = time.time()
    if hashed is not None:
        st.session_state[SESSION_TOKEN_HASH] = hashed


def _page_path() -> str:
    try:
        from urllib.parse import urlsplit

        return web.safe_next(urlsplit(st.context.url or "/").path)
    except Exception:
        return "/"


def sign_in_page() -> None:
    """Signed out. Served through the app's own server, the sign-in form is the HTTP route at /signin
    (it can set the HttpOnly session cookie); this page says why the session ended and links there.
    Without that server (AppTest), the in-app form signs in for this tab only. Labels relied on by
    tests and tools: Username, Password, Sign in."""
    db = database()
    st.title("sendboard")
    st.caption("The whole-school SEND picture, for leaders, teachers, the SENCO and governors.")
    reason = st.session_state.pop("signed_out_reason", None)
    if reason:
        st.info(reason)
    error = st.session_state.pop("sign_in_error", None)
    if error:
        st.error(error)
    claims = _sso_claims()
    if _sso_configured() and claims is None and st.query_params.get("sso") == "start":
        st.login()  # the "Sign in with your school account" link on the sign-in form
        st.stop()
    if web.served["routes"]:
        st.link_button("Sign in", f"{web.SIGN_IN_PATH}?next={_page_path()}", type="primary", icon=":material/login:")
    else:
        with st.form("sign_in", border=True):
            username = st.text_input("Username", autocomplete="username")
            password = st.text_input("Password", type="password", autocomplete="current-password")
            submitted = st.form_submit_button("Sign in", type="primary")
        if submitted:
            try:
                viewer = auth.sign_in(db, username, password, source=_source_address())
            except auth.SignInError as exc:
                st.error(str(exc))
            else:
                _start_session(viewer, signin.token_hash(signin.start_session(db, viewer.user_id, "password")))
                st.rerun()
    if _sso_configured():
        st.divider()
        if claims:  # signed in with the school account, but not (or no longer) into sendboard: a way out, not a loop
            if st.session_state.get(SESSION_SSO_QUIET):  # a fresh round trip through the provider
                st.button("Sign in with your school account", on_click=st.login)
            st.button("Sign out of your school account", on_click=st.logout)
        else:
            st.button("Sign in with your school account", on_click=st.login)
    st.caption("Pupil records here are special category data under UK GDPR. Every view and change is recorded.")


def sign_out() -> None:
    viewer = st.session_state.get(SESSION_VIEWER)
    hashed = st.session_state.get(SESSION_TOKEN_HASH)
    db = database()
    if hashed is not None:
        signin.end_session(db, hashed, why="signed out")
    if viewer is not None:
        auth.sign_out(db, viewer)
    sso = _sso_claims() is not None
    _end_browser_session(signin.ended_message("signed out"), sso_quiet=False)
    if sso:
        st.logout()  # ends Streamlit's identity cookie and, where the provider offers it, its own session


@st.fragment(run_every=SESSION_WATCH_SECONDS)
def _session_watch() -> None:
    """Clears the screen once the session has ended (idle, too old, revoked), without waiting for a click."""
    db = database()
    hashed = st.session_state.get(SESSION_TOKEN_HASH)
    if hashed is not None:
        alive = signin.session_alive(db, hashed)
    else:
        last = st.session_state.get(SESSION_LAST_ACTIVE, time.time())
        alive = time.time() - last <= _idle_limit_seconds(db)
    if not alive:
        st.rerun(scope="app")


def watch_session() -> None:
    """Draw the session watch (called by the frame once a person is signed in)."""
    _session_watch()


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
    scope: Scope  # the viewer and today, made once per run: every logic function takes it, never the two


def _terms(db: Database) -> pd.DataFrame:
    return cached(_term_frame)


def _term_frame(db: Database) -> pd.DataFrame:
    return db.query("term_list")


def _school_frame(db: Database, scope: Scope) -> pd.DataFrame:
    return db.query("visible_school_list", scope=scope)


# The trust lead's pages about every school at once: a school picker there would suggest it changes them.
WHOLE_TRUST_PAGES = frozenset({"home", "trust", "glossary"})


def sidebar_filters(viewer: Viewer, page_key: str | None = None) -> None:
    """School and term selectors, drawn once by the app frame so they carry across every page."""
    db = database()
    schools = cached(_school_frame, Scope(viewer, clock.today()))
    terms = _terms(db)
    today = clock.today()
    with st.sidebar:
        st.markdown(f"**{md_escape(viewer.display_name)}**  \n{ROLE_LABELS[viewer.role]}")
        if len(schools) > 1 and viewer.role == "trust" and page_key in WHOLE_TRUST_PAGES:
            if "school_id" in st.session_state:  # kept (not a widget's value this run) for the next school page
                st.session_state["school_id"] = st.session_state["school_id"]
            st.caption(f"Every school in {md_escape(viewer.trust or 'the trust')} ({len(schools)}). A school's "
                       "own pages open from the Trust schools page, or from a school named on Home.")
        elif len(schools) > 1:
            ids = schools["school_id"].astype(int).tolist()
            names = dict(zip(ids, schools["name"]))
            st.selectbox("School", ids, format_func=names.get, key="school_id",
                         help="The school this page shows. The Home and Trust schools pages show every school."
                         if viewer.role == "trust" else None)
        elif len(schools) == 1:
            st.session_state["school_id"] = int(schools["school_id"].iloc[0])
            st.caption(md_escape(str(schools["name"].iloc[0])))
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
        at_once = opens_on_a_chart(page_key)
        if page_key == "home" or at_once:  # home: while the person reads; a page opening on a chart: at once
            preload_chart_code(now=at_once)


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
        st.session_state.pop("_edit_versions", None)  # and its forms start from the stored versions
    today = clock.today()
    scope = Scope(viewer, today)
    schools = cached(_school_frame, scope)
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
        as_at=as_at, today=today, scope=scope,
    )


def page_header(ctx: PageContext, *, caption: str | None = None) -> None:
    page = PAGES_BY_KEY[ctx.page_key]
    st.title(page.title)
    # the trust lead's whole-trust pages are about every school, not the one last opened
    place = ctx.viewer.trust if ctx.viewer.role == "trust" and ctx.page_key in WHOLE_TRUST_PAGES else ctx.school_name
    where = " · ".join(md_escape(x) for x in (place, ctx.term_label and f"as at {ctx.as_at:%d %B %Y}") if x)
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
    return exports.excel_bytes(frames)  # the one export cleaner: no formula from data


def _record_download(ctx: PageContext, name: str, kind: str, rows: int, frame: pd.DataFrame | None = None) -> None:
    """What the file contained: its columns, row count and (as rows the audit index finds) its pupils."""
    detail = {"format": kind, "rows": rows}
    pupils = audit.pupil_ids(frame)
    if frame is not None:
        detail["columns"] = [str(c) for c in frame.columns]
        detail["pupil_count"] = len(pupils)
    audit.record(ctx.db, ctx.viewer, "download", object_type=ctx.page_key, object_id=name, detail=detail, pupils=pupils)


def download_buttons(ctx: PageContext, frame: pd.DataFrame, name: str, *, key: str | None = None) -> None:
    """CSV and Excel downloads of a table; each download is audited. The file is built, and the download
    recorded, only when a button is pressed (building an Excel file on every rerun would slow every page).
    A press does not rerun the page: a rerun under load could replace the button before its file was
    fetched, and the press would be lost."""
    key = key or name

    def deliver(kind: str, build):
        def data() -> bytes:
            content = build()
            _record_download(ctx, name, kind, len(frame), frame)
            return content
        return data

    row = st.container(horizontal=True)
    row.download_button("Download CSV", deliver("csv", lambda: exports.csv_bytes(frame)), f"{name}.csv", "text/csv",
                       key=f"csv-{key}", on_click="ignore",
                       icon=":material/download:", help=f"Download this table ({len(frame):,} rows) as CSV")
    row.download_button("Download Excel", deliver("xlsx", lambda: excel_bytes({name: frame})), f"{name}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"xlsx-{key}", on_click="ignore",
                       icon=":material/download:", help=f"Download this table ({len(frame):,} rows) as an Excel workbook")


def table(ctx: PageContext, frame: pd.DataFrame, name: str, *, key: str | None = None, **kwargs) -> None:
    """A table with its downloads. Text shows as text (st.dataframe never renders HTML or markdown)."""
    st.dataframe(frame, hide_index=True, width="stretch", **kwargs)
    download_buttons(ctx, frame, name, key=key)


def chart(ctx: PageContext, fig, frame: pd.DataFrame, name: str, *, key: str | None = None,
          width: int = svgchart.WIDTH) -> None:
    """A chart drawn on the server (an SVG image), the same numbers as a table (its text alternative, with
    downloads), and the same figure in plotly for whoever wants to hover over a point or zoom.

    Why not plotly first: the browser must fetch, compile and run plotly's 4.7 MB script before it can draw
    the first plotly chart of a session, most of a second of its main thread on a modest machine, and every
    plotly chart is then laid out by that script on every visit. An SVG from the server is drawn at once.
    It is an image because Streamlit's st.html keeps HTML only (its sanitiser drops SVG).
    The Interactive tab is drawn only while it is open, so only a person who opens it pays for plotly.
    ``width``: the drawing's width in pixels, narrower for a chart in a column."""
    key = key or name
    tabs = st.tabs(["Chart", "Table", "Interactive"], key=f"tabs-{key}", on_change="rerun")
    _drawn_chart(tabs[0], fig, key, width, svgchart.alt_text(fig, figures_in="the Table tab beside it"))
    with tabs[1]:
        table(ctx, frame, name, key=key)
    _interactive_chart(tabs[2], fig, key)


def chart_only(fig, key: str, *, width: int = svgchart.WIDTH) -> None:
    """A chart whose numbers are already in a table the page draws under it (the identification page's two
    'Compare by' charts share one table): drawn as chart() draws it, without a Table tab of its own."""
    tabs = st.tabs(["Chart", "Interactive"], key=f"tabs-{key}", on_change="rerun")
    _drawn_chart(tabs[0], fig, key, width, svgchart.alt_text(fig, figures_in="the table under it"))
    _interactive_chart(tabs[1], fig, key)


def _drawn_chart(tab, fig, key: str, width: int, alt: str) -> None:
    with tab, st.container(key=f"drawn-{key}"):
        st.image(svgchart.cached_svg(fig, chart_id=f"chart-{key}", width=width), alt=alt)


def _interactive_chart(tab, fig, key: str) -> None:
    """plotly's drawing of the figure, only while its tab is open: only a person who opens it pays for plotly."""
    if tab.open:
        with tab:
            st.caption("The same chart, drawn by plotly: hover for values, drag to zoom, double-click to reset.")
            st.plotly_chart(fig, width="stretch", key=f"chart-{key}")


def stale_edit(exc, labels: dict[str, str] | None = None) -> None:
    """Show a save refused because someone else saved first: what happened, and their version of each
    field (as plain text). The person's own typing stays in the form; their next save replaces theirs."""
    from .versions import accept_theirs_seen

    st.error(exc.args[0] if exc.args else str(exc), icon=":material/sync_problem:")
    if exc.theirs:
        with st.container(border=True):
            st.markdown("**Their version, as saved now**")
            for field, value in exc.theirs.items():
                st.caption(md_escape((labels or {}).get(field, field.replace("_", " ").capitalize())))
                st.text("(empty)" if value is None or value == "" else str(value))
    accept_theirs_seen(st.session_state, exc)


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


class MissingPage(RuntimeError):
    """A page registered in sendboard.access.PAGES has no file: the install is broken, so say so."""


def role_pages(viewer: Viewer):
    """The pages this viewer may open. A registered page without its file is an error, not a page quietly
    left out of the menu: a role would lose a page and nobody would be told."""
    pages = pages_for(viewer.role)
    missing = [p.path for p in pages if not (APP_DIR / p.path).is_file()]
    if missing:
        raise MissingPage(f"page file(s) registered in sendboard.access.PAGES are missing from {APP_DIR}: "
                          + ", ".join(missing))
    return pages


__all__ = ["AccessDenied", "PageContext", "cached", "database", "page_context", "page_header", "table", "chart"]
