"""Helpers for the accessibility and journey browser tests: one app per module on a copy of the demo
school, one Chromium, one signed-in context per role, in-session navigation by URL, and axe-core scans.

Navigation: `page.goto(url + "/overview")` would open a new Streamlit session (and so sign the person
out: sign-in lives in the session). `open_page` instead pushes the page's URL onto the history and
fires `popstate`, which is what the browser's Back/Forward does: Streamlit then runs that page in the
same session. The URL is the page key (`http://127.0.0.1:<port>/<key>`), as a person would bookmark it.
"""
from __future__ import annotations

import contextlib
import json
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from sendboard import domain
from sendboard.access import PAGES, PAGES_BY_KEY
from sendboard.bench.browser import DRAWN_CHART

DEMO_PASSWORD = domain.DEMO_PASSWORD
DEMO_TODAY = domain.DEMO_TODAY.isoformat()
# One demo account per role (the demo school is in a trust, so it has a trust SEND lead too).
ROLE_ACCOUNTS = {"head": "head", "senco": "senco", "teacher": "teacher", "governor": "governor", "admin": "admin",
                 "trust": "trust"}
APP_DIR = Path(__file__).resolve().parent.parent
DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 1024, "height": 768}


def existing_pages(role: str) -> list[str]:
    """The page keys this role may open (every registered page has its file: tests/test_no_scaffolding.py)."""
    return [p.key for p in PAGES if role in p.roles]


def page_role_pairs() -> list[tuple[str, str]]:
    return [(key, role) for role in ROLE_ACCOUNTS for key in existing_pages(role)]


def copy_demo(template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo.duckdb"
    shutil.copy(template, path)
    return path


# --------------------------------------------------------------------------- sessions and navigation

# Streamlit's own state of the script run (the attribute its end-to-end tests wait on): the browser marks
# a rerun as requested the moment it asks for one, so "notRunning" cannot be read before a run starts.
# A page that is not Streamlit's at all (the server's own sign-in form has no #root) is idle once loaded.
_IDLE = """() => (!document.getElementById('root') && document.readyState === 'complete')
               || document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === 'notRunning'
               && !document.querySelector('[data-testid="stStatusWidget"]')
               && !document.querySelector('[data-testid="stSkeleton"]')
               && !document.querySelector('[data-stale="true"]')
               && document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') !== 'running'"""
# (the status widget shows only after a run has lasted a while; the app's script state says "running" at once)


# What the browser has asked of the server, and what the server has answered, read off the page's websocket.
# Installed on every page at its start (tests/browser.py adds it to every context and page) and, for a page
# made some other way, by its first settle. Streamlit's frontend does not say when it has asked for a run:
# `data-test-script-state` becomes "rerunRequested" only for the Rerun menu item and a reconnect; a widget's
# change is sent from a zero-delay timer after the event (WidgetStateManager.scheduleFlush) and the state
# reads "notRunning" until the server's answer arrives, and a short run can be drawn without the state ever
# showing "running". So the page counts, in one sequence:
#   asked    - a BackMsg with rerun_script (field 11; BackMsg is a oneof, so its first byte is the tag 0x5A)
#   started  - a ForwardMsg with new_session (field 4): the server started a run (every run sends one)
#   finished - a ForwardMsg with script_finished (field 6), other than FINISHED_EARLY_FOR_RERUN (2), which is
#              followed by another run; drawn is set from it once the browser has handled the tasks queued
#              behind the message (React draws in a MessageChannel task, queued before ours).
# Streamlit's own message listener is added when its socket is made, before ours (added at the first send),
# so by the time ours runs Streamlit has already taken the message in. A run asked for is pending until a run
# has started after it and finished; a run the server starts alone (st.rerun, a fragment's run_every) is
# pending from its new_session to its finish.
WIRE_WATCH = """(() => {
    if (window.__sendboardWire) return;
    const wire = window.__sendboardWire = {seq: 0, asked: 0, started: 0, drawn: 0};
    const field = (buffer) => {  // the ForwardMsg's type (its first field past hash and metadata) and value
        const b = new Uint8Array(buffer); let i = 0;
        const varint = () => { let v = 0, shift = 0, x; do { x = b[i++]; v += (x & 0x7f) * 2 ** shift; shift += 7; }
                               while (x & 0x80 && i < b.length); return v; };
        while (i < b.length) {
            const tag = varint(), number = Math.floor(tag / 8), wireType = tag % 8;
            if (number >= 4) return [number, wireType === 0 ? varint() : null];
            if (wireType === 2) { const length = varint(); i += length; } else if (wireType === 0) varint(); else return [0, null];
        }
        return [0, null];
    };
    const afterQueuedTasks = (then) => { const c = new MessageChannel();
        c.port1.onmessage = () => { const d = new MessageChannel(); d.port1.onmessage = then; d.port2.postMessage(0); };
        c.port2.postMessage(0); };
    const heard = (event) => {
        if (!(event.data instanceof ArrayBuffer)) return;
        const [number, value] = field(event.data);
        if (number === 4) wire.started = ++wire.seq;
        else if (number === 6 && value !== 2) { const n = ++wire.seq; afterQueuedTasks(() => { wire.drawn = Math.max(wire.drawn, n); }); }
    };
    const listening = new WeakSet();
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
        if (!listening.has(this)) { listening.add(this); this.addEventListener('message', heard); }
        const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
            : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
        if (bytes && bytes[0] === 0x5A) wire.asked = ++wire.seq;
        return send.call(this, data);
    };
})();"""

# The browser has done what an action set going: a widget's change is sent from a zero-delay timer, and some
# only after React has drawn (an effect); two animation frames and the timers and tasks queued behind them
# cover both. A condition (the browser's own queues drained), not a pause: on a quiet page it takes two frames.
_QUIET = """async () => {
    const timer = () => new Promise((r) => setTimeout(r, 0));
    // a frame, or a tenth of a second where no frame comes (a page the browser does not draw): a ceiling, so that
    // an undrawn page cannot hold the settle (page.evaluate has no timeout of its own)
    const frame = () => new Promise((r) => { requestAnimationFrame(() => r()); setTimeout(r, 100); });
    const task = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
    await timer(); await frame(); await task(); await frame(); await timer(); await task();
}"""

_NOTHING_PENDING = """() => { const w = window.__sendboardWire;
    return !w || (w.asked <= w.started && w.started <= w.drawn); }"""


def settle(page, timeout: float = 90000, *, run_expected: bool = True) -> None:
    """Wait until Streamlit has finished every run the page asked for (or the server started), and drawn it:
    no run asked for and not yet started, none started and not yet finished, the script not running, no
    'Running' widget, no skeletons, nothing stale. After an action that asks nothing of the server (an
    expander, a tab, a scroll, a new window size) it returns as soon as the browser has handled the action.
    `run_expected` is no longer needed (the page knows whether a run was asked for); it is accepted so that
    callers written for the earlier settle keep working."""
    del run_expected
    page.evaluate(WIRE_WATCH)
    settled = f"() => ({_NOTHING_PENDING})() && ({_IDLE})()"
    deadline = time.monotonic() + timeout / 1000
    while True:
        page.evaluate(_QUIET)
        page.wait_for_function(settled, timeout=max(1.0, deadline - time.monotonic()) * 1000, polling=50)
        # and still so once the browser has drawn the run's last elements: a table or chart measures itself in
        # the frame after it appears and draws its contents after that (a data frame's cells, for one)
        page.evaluate(_QUIET)
        if page.evaluate(settled):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the page did not stay settled for two frames within {timeout / 1000:.0f} s")


def sign_in(page, url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Sign out").wait_for(timeout=90000)
    settle(page)


def open_page(page, url: str, key: str, timeout: float = 120000) -> None:
    """Go to `<url>/<key>` inside the signed-in session and wait until its title is drawn and the run
    has finished."""
    title = PAGES_BY_KEY[key].title if key != "home" else re.compile(r"^Welcome, ")
    page.evaluate("""(path) => { window.history.pushState({}, '', path);
                                 window.dispatchEvent(new PopStateEvent('popstate', {state: {}})); }""",
                  f"/{key}" if key != "home" else "/")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("heading", name=title, exact=isinstance(title, str)).first.wait_for(timeout=timeout)
    settle(page, timeout)


@dataclass
class Session:
    role: str
    context: object
    page: object


@contextlib.contextmanager
def demo_session(template: Path, folder: Path, role: str, viewport: dict):
    """A copy of the demo school in ``folder``, the app on it, one Chromium and ``role`` signed in at
    ``viewport``: yields (page, url), for a module's browser tests of one role."""
    from tests.browser import browser, running_app

    with running_app(copy_demo(template, folder), DEMO_TODAY) as url, browser() as b:
        session = role_session(b, url, role, viewport=viewport)
        yield session.page, url
        session.context.close()


def role_session(browser, url: str, role: str, viewport: dict = DESKTOP) -> Session:
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    page = context.new_page()
    sign_in(page, url, ROLE_ACCOUNTS[role])
    return Session(role, context, page)


# --------------------------------------------------------------------------- axe-core


def axe_script() -> str:
    """axe-core (MPL-2.0), as bundled by the axe-playwright-python test dependency."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


_AXE = None

# Findings that come from Streamlit's own framework markup, which a page cannot change. Each is one
# axe rule and the data-testid of the Streamlit component the failing element is (or sits in):
# nothing else is excused, and no rule is switched off.
FRAMEWORK_EXCEPTIONS: dict[tuple[str, str], str] = {
    # st.navigation's sidebar menu: Streamlit puts each section heading (a <div>) straight inside the
    # <ul> and nests the section's <li> items in further divs. The links are still announced as links
    # with their names; the markup is Streamlit's own and no page or theme setting changes it.
    ("list", "stSidebarNavItems"): "Streamlit's sidebar navigation: section headings are divs inside the ul",
    ("listitem", "stSidebarNavItems"): "Streamlit's sidebar navigation: its li items sit in divs, not the ul",
}

_RUN = """async () => {
    const where = (el) => {  // the failing element's Streamlit component: its own or nearest data-testid
        for (let e = el; e; e = e.parentElement) { if (e.dataset && e.dataset.testid) return e.dataset.testid; }
        return '';
    };
    const r = await axe.run(document, {resultTypes: ['violations'], elementRef: true});
    return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                                  summary: (n.failureSummary || '').slice(0, 300), where: where(n.element)}))}));
}"""


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page as it is now; return the serious and critical violations, one entry
    per rule and failing element, minus the narrow framework exceptions above."""
    global _AXE
    if _AXE is None:
        _AXE = axe_script()
    # The page as it stands, not a hover left by the last click: the pointer rests where it clicked, and
    # when the page moves under it (a tab opened) it can land on a button whose tooltip is still fading in
    # (axe then measures the half-transparent text's contrast; seen on a loaded machine).
    page.mouse.move(0, 0)
    page.wait_for_function("() => !document.querySelector('.stTooltipContent')")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_AXE)
    found = []
    for v in page.evaluate(_RUN):
        if v["impact"] not in impacts:
            continue
        for node in v["nodes"]:
            if (v["id"], node["where"]) in FRAMEWORK_EXCEPTIONS:
                continue
            found.append({"rule": v["id"], "impact": v["impact"], "help": v["help"], "where": node["where"],
                          "target": node["target"][-120:], "html": node["html"], "summary": node["summary"]})
    return found


def describe(violations: list[dict]) -> str:
    return json.dumps(violations, indent=1)[:6000]


def chart_and_table_tabs(page) -> tuple[int, int]:
    """(charts drawn on the server, 'Table' tabs) on the page, hidden tabs included; closed expanders are
    opened first (Streamlit draws an expander's tabs only once it is open). A chart opened in plotly (its
    Interactive tab) is the same chart: not counted again."""
    opened = page.evaluate("""() => { const closed = [...document.querySelectorAll(
            '[data-testid="stMain"] [data-testid="stExpander"] details:not([open]) > summary')];
        closed.forEach(s => s.click());  // in a hidden tab too: a script click needs no visible target
        return closed.length; }""")
    if opened:
        settle(page)
    return tuple(page.evaluate("""() => [document.querySelectorAll('[data-testid="stMain"] DRAWN_CHART').length,
        [...document.querySelectorAll('[role="tab"]')].filter(t => t.innerText.trim() === 'Table').length]""".replace("DRAWN_CHART", DRAWN_CHART)))


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def download_table_csv(page, key: str, folder: Path):
    """Press a ui.table's 'Download CSV' button (by its key) and return the file as a DataFrame."""
    import pandas as pd

    button = page.locator(f".st-key-csv-{key} button").first
    button.scroll_into_view_if_needed()
    settle(page)  # a press while the page is still running can be lost with the element it landed on
    with page.expect_download() as info:
        button.click()
    path = folder / f"{key}.csv"
    info.value.save_as(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def screenshot(page, path: Path, **kwargs) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), **kwargs)
