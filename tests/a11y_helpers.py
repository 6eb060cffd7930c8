"""Helpers for the accessibility and journey browser tests: one app per module on a copy of the demo
school, one Chromium, one signed-in context per role, in-session navigation by URL, and axe-core scans.

Navigation: `page.goto(url + "/overview")` would open a new Streamlit session (and so sign the person
out: sign-in lives in the session). `open_page` instead pushes the page's URL onto the history and
fires `popstate`, which is what the browser's Back/Forward does: Streamlit then runs that page in the
same session. The URL is the page key (`http://127.0.0.1:<port>/<key>`), as a person would bookmark it.
"""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from sendboard import domain
from sendboard.access import PAGES, PAGES_BY_KEY

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


# Counts the runs a page has started (installed on a page by its first settle, again after a reload).
_WATCH_RUNS = """() => {
    if (!window.__sendboardRuns) {
        window.__sendboardRuns = {count: 0};
        new MutationObserver((changes) => {
            for (const c of changes) if (c.target.dataset?.testScriptState === 'running') window.__sendboardRuns.count++;
        }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
        return -1;
    }
    return window.__sendboardRuns.count;
}"""
_RUNS_SEEN: dict[int, int] = {}


def settle(page, timeout: float = 90000, *, run_expected: bool = True) -> None:
    """Wait until Streamlit has finished the run: the script not running, no 'Running' widget, no skeletons,
    nothing stale. A widget change asks the server for a run and the browser marks it only when the server
    starts it: if no run has started since the last settle, wait (at most a second) for one to start.
    `run_expected=False` after what the browser does alone (a new window size, a chart's Table tab): no
    run will come, so that second is not spent waiting for one."""
    runs = page.evaluate(_WATCH_RUNS)
    last = _RUNS_SEEN.get(id(page))
    if run_expected and runs >= 0 and last is not None and runs <= last:
        try:
            page.wait_for_function(f"() => window.__sendboardRuns.count > {last}", timeout=1000)
        except Exception:  # nothing was asked of the server (a tab or an expander opened in the browser)
            pass
    page.wait_for_function(_IDLE, timeout=timeout)
    _RUNS_SEEN[id(page)] = page.evaluate(_WATCH_RUNS)


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
    """(plotly charts, 'Table' tabs) on the page, hidden tabs included; closed expanders are opened first
    (Streamlit draws an expander's tabs only once it is open)."""
    opened = page.evaluate("""() => { const closed = [...document.querySelectorAll(
            '[data-testid="stMain"] [data-testid="stExpander"] details:not([open]) > summary')];
        closed.forEach(s => s.click());  // in a hidden tab too: a script click needs no visible target
        return closed.length; }""")
    if opened:
        settle(page)
    return tuple(page.evaluate("""() => [document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
        [...document.querySelectorAll('[role="tab"]')].filter(t => t.innerText.trim() === 'Table').length]"""))


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
