"""``sendboard bench --browser``: every page as a person feels it, in Chromium against the real app.

For each scale, and each of ``--runs`` runs, the app is started afresh through scripts/run.sh (a cold
start: nothing imported, nothing cached) on the bench database, and for each role in turn a new browser
context signs in through the sign-in form and then:

- **sign-in**: from the click on "Sign in" to the home page drawn;
- **first visit**: each page in the role's sidebar, from the click on its link to the page drawn;
- **revisit**: each page again, in the same order, after all have been visited once;
- **term change**: on each page (the first role that has it), from the click on another term in the sidebar's opened list to the
  page drawn again for that term (a term no page has been drawn for yet, so the server's cache misses).

"Drawn" is: Streamlit's script state is "notRunning", no running indicator, skeleton or stale element is
left on screen, the page's own title is in the main area, every chart drawn on the server on screen (an SVG
image in ui.chart's container keyed "drawn-<key>") is decoded, every plotly chart on screen (an open
Interactive tab) has its SVG and every table on screen its grid (the figures are on screen, not merely sent; a table below the fold draws its grid only
when scrolled to, so it is not waited for). For each measurement the CPU time of the app server and
of the Chromium processes is read from /proc before the click and once the page is drawn, and the bytes
the server sent over the websocket are counted. The **floor** is the same measurement of a Streamlit app
whose pages hold only a title, started and driven the same way: no app can be faster on this machine.

The figures are medians over the runs; each run's values are kept in the JSON.
"""
from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from .scales import dataset
from .server import CHROMIUM, CHROMIUM_ARGS, PASSWORD, TODAY, cpu_split, free_port, running_app

TIMEOUT_MS = 120_000
ROLES = {"school": ("head", "senco", "teacher", "governor", "admin"),
         "trust": ("trust", "head", "senco", "teacher", "governor", "admin"),
         "la": ("trust",)}
# Targets as a person feels them (ms): first visit, revisit, term change, first page after sign-in.
TARGETS = {"school": {"first": 1000, "revisit": 500, "term": 1000, "sign_in": 1500},
           "trust": {"first": 2000}, "la": {}}

# A chart drawn on the server, as the browser holds it: ui.chart's image in its container keyed "drawn-<key>".
DRAWN_CHART = '[class*="st-key-drawn-"] img'

# True once the page is drawn: see the module docstring. `title` is the page's own heading (a "^" prefix:
# the heading starts with it); `notCaption`, when given, is a caption text the page must no longer show
# (the "as at" line of the term before a term change).
_DRAWN = """([title, notCaption]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testScriptState !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"]')) return false;
  // on screen: what a person sees without scrolling (a table below the fold draws its grid when scrolled to)
  // (inside a closed expander an element keeps its box but is not shown: checkVisibility and a height)
  const onScreen = (e) => {
    if (e.offsetParent === null || (e.checkVisibility && !e.checkVisibility({visibilityProperty: true})))
      return false;
    if (e.closest('details:not([open])')) return false;
    const r = e.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight && r.width > 0 && r.height > 0;
  };
  for (const s of document.querySelectorAll('[data-testid="stSkeleton"]')) if (onScreen(s)) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  const wanted = title.startsWith('^') ? title.slice(1) : title;
  const headings = [...main.querySelectorAll('h1')].map(e => e.innerText.trim());
  if (!headings.some(h => title.startsWith('^') ? h.startsWith(wanted) : h === wanted || h.startsWith(wanted + '\\n')))
    return false;
  if (notCaption !== null) {
    const caption = main.querySelector('[data-testid="stCaptionContainer"]');
    if (!caption || caption.innerText === notCaption) return false;
  }
  for (const i of main.querySelectorAll('DRAWN_CHART'))  // a chart drawn on the server: an SVG image
    if (onScreen(i) && !(i.complete && i.naturalWidth > 0)) return false;
  for (const c of main.querySelectorAll('[data-testid="stPlotlyChart"]'))  // an open Interactive tab
    if (onScreen(c) && !c.querySelector('.main-svg')) return false;
  for (const t of main.querySelectorAll('[data-testid="stDataFrame"]'))
    if (onScreen(t) && !t.querySelector('canvas')) return false;
  return true;
}"""
# What the browser holds once a page is drawn: elements in the main area, charts drawn on the server (SVG
# images, and their kB as sent), plotly charts (open Interactive tabs, and their SVG nodes), tables.
_SHAPE = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const nodesIn = (selector) => [...main.querySelectorAll(selector)].reduce((n, s) => n + s.querySelectorAll('*').length, 0);
  return {elements: main.querySelectorAll('[data-testid="stElementContainer"]').length,
          server_charts: main.querySelectorAll('DRAWN_CHART').length,
          server_chart_kb: [...main.querySelectorAll('DRAWN_CHART')].reduce((n, i) => n + i.src.length, 0) / 1024,
          charts: main.querySelectorAll('[data-testid="stPlotlyChart"]').length,
          tables: main.querySelectorAll('[data-testid="stDataFrame"], [data-testid="stTable"]').length,
          svg_nodes: nodesIn('.main-svg'),
          dom_nodes: document.getElementsByTagName('*').length};
}"""
_CAPTION = """() => document.querySelector('[data-testid="stMain"] [data-testid="stCaptionContainer"]')?.innerText ?? null"""
_SIDEBAR_KEYS = """() => [...document.querySelectorAll('[data-testid="stSidebarNav"] a')].map(a => {
  const path = new URL(a.href).pathname.replace(/^\\/+|\\/+$/g, '');
  return path === '' ? 'home' : path; })"""


_STATE = """() => ({state: document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState,
  server_charts: document.querySelectorAll('[data-testid="stMain"] DRAWN_CHART').length,
  charts: [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(c => [Math.round(c.getBoundingClientRect().top), !!c.querySelector('.main-svg')]),
  tables: [...document.querySelectorAll('[data-testid="stDataFrame"]')].map(c => [Math.round(c.getBoundingClientRect().top), Math.round(c.getBoundingClientRect().height), c.querySelectorAll('canvas').length]),
  status: !!document.querySelector('[data-testid="stStatusWidget"]'),
  stale: document.querySelectorAll('[data-stale="true"]').length,
  skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
  headings: [...document.querySelectorAll('[data-testid="stMain"] h1')].map(e => e.innerText), url: location.href})"""
_DRAWN, _SHAPE, _STATE = (js.replace("DRAWN_CHART", DRAWN_CHART) for js in (_DRAWN, _SHAPE, _STATE))


class PageNotDrawn(RuntimeError):
    pass


def _say(message: str) -> None:
    print(f"[browser {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class _Meter:
    """Times one action in the browser from the click to the page drawn, with CPU and websocket bytes."""

    def __init__(self, page):
        self.page = page
        self.received = 0
        self.think_s = 0.0  # a person's reading time before each click; set after sign-in (see one_run)
        page.on("websocket", lambda ws: ws.on("framereceived", self._count))

    def _count(self, payload) -> None:
        self.received += len(payload)

    def measure(self, act, title: str, not_caption: str | None = None, prepare=None) -> dict:
        """Time ``act()`` to the page drawn; ``prepare()`` runs first, untimed (opening a drop-down list).
        With a reading time, the page on screen is left alone that long first (untimed, its CPU not counted):
        a person reads a page before clicking, and the browser works on in that time."""
        if self.think_s:
            self.page.wait_for_timeout(self.think_s * 1000)
        if prepare is not None:
            prepare()
        cpu_before, bytes_before = cpu_split(), self.received
        started = time.perf_counter()
        act()
        try:
            self.page.wait_for_function(_DRAWN, arg=[title, not_caption], timeout=TIMEOUT_MS, polling="raf")
        except Exception as exc:  # reported with what the page showed, and the bench goes on
            shot = Path(tempfile.gettempdir()) / f"sendboard-bench-timeout-{int(time.time())}.png"
            self.page.screenshot(path=str(shot))
            _say(f"'{title}' was not drawn within {TIMEOUT_MS / 1000:.0f} s: {shot}; state "
                 f"{self.page.evaluate(_STATE)}")
            raise PageNotDrawn(f"{title}: {type(exc).__name__}") from exc
        seconds = time.perf_counter() - started
        cpu_after = cpu_split()
        out = {"ms": round(seconds * 1000, 1),
               "cpu_app_s": round(cpu_after["app"] - cpu_before["app"], 3),
               "cpu_browser_s": round(cpu_after["browser"] - cpu_before["browser"], 3),
               "ws_kb": round((self.received - bytes_before) / 1024, 1),
               "exception": self.page.locator('[data-testid="stException"]').count() > 0}
        out.update(self.page.evaluate(_SHAPE))
        return out


def _title(key: str) -> str:
    from ..access import PAGES_BY_KEY

    return "^Welcome, " if key == "home" else PAGES_BY_KEY[key].title


VIEWPORT = {"width": 1366, "height": 900}


def _sign_in(browser, url: str, username: str, password: str = PASSWORD):
    """Sign ``username`` in through the form in a context of its own; returns (context, page, meter, figures).

    ``browser`` is a Browser (a fresh context per role: nothing cached, as a first visit from a new
    machine) or a persistent BrowserContext (a profile that has visited before: its HTTP cache and compiled
    code kept, as a person's own browser the next day); there the role's cookies are cleared instead."""
    if hasattr(browser, "new_context"):
        context = browser.new_context(viewport=VIEWPORT)
    else:
        context = _Persistent(browser)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    meter = _Meter(page)
    page.goto(url)
    # The form page fetches the app's code ahead (sendboard/web.py, preload links). A person takes seconds to
    # type, so the bench lets those fetches finish before typing, as they would; the click is timed from here.
    page.wait_for_load_state("networkidle")
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    signed = meter.measure(lambda: page.get_by_role("button", name="Sign in").click(), _title("home"))
    return context, page, meter, signed


class _Persistent:
    """A role's turn in a persistent profile: signed out (cookies cleared) before, its tab closed after."""

    def __init__(self, context):
        self.context = context
        self.pages: list = []
        context.clear_cookies()

    def new_page(self):
        page = self.context.new_page()
        self.pages.append(page)
        return page

    def close(self) -> None:
        for page in self.pages:
            page.close()
        self.context.clear_cookies()


def _click_link(page, key: str):
    href = "/" if key == "home" else f"/{key}"
    link = page.locator(f'[data-testid="stSidebarNav"] a[href$="{href}"]').first
    if key == "home":  # every link's address ends with "/"-something: the home link is the bare root
        link = page.locator('[data-testid="stSidebarNav"] a').first
    return link.click


def _choose_term(page, label: str):
    """(open the term list, untimed; choose the term, timed): a person's choice starts at the option."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Term").first
    option = page.get_by_role("option", name=label, exact=True)

    def open_list():
        for _ in range(3):  # a click that lands while the sidebar redraws does not open the list: again
            box.click()
            try:
                option.wait_for(timeout=10_000)
                return
            except Exception:
                page.keyboard.press("Escape")

    return open_list, option.click


def _term_labels(db_path: Path, today: str) -> list[str]:
    """The terms the sidebar offers, newest first (read before the app opens the file)."""
    from ..db import Database

    db = Database(db_path, read_only=True)  # not the process's shared one: closed before the app opens the file
    try:
        return [r[0] for r in db.query_rows("speed_term_labels_from", on=today)]
    finally:
        db.close()


def one_run(db_path: Path, roles: tuple[str, ...], term_changes: bool, today: str = TODAY,
            password: str = PASSWORD, *, profile_dir: Path | None = None, port: int | None = None,
            think_s: float = 0.0, app_root: Path | None = None) -> dict:
    """One cold start of the app on ``db_path`` and every role's pages; see the module docstring.

    ``profile_dir``: a Chromium profile kept between runs (a browser that has been here before); the app
    then listens on ``port`` every time, since a browser's cache is kept per address, port included.
    ``think_s``: seconds a person reads each page before the next click (0: the next click comes as soon as
    the page is drawn, the harder case). ``app_root``: another copy of sendboard to start (a before-and-after
    comparison on the same machine, with this copy's browser driver)."""
    from playwright.sync_api import sync_playwright

    out: dict = {"sign_in": {}, "pages": [], "term_change": [], "errors": []}
    termed: set[str] = set()
    terms = _term_labels(db_path, today) if term_changes else []
    started = time.perf_counter()
    where = {"root": Path(app_root).resolve()} if app_root else {}
    db_path = Path(db_path).resolve()  # another copy runs in its own folder: a relative path would miss
    with running_app(db_path, today, port=port, **where) as url, sync_playwright() as p:
        out["server_start_s"] = round(time.perf_counter() - started, 2)
        if profile_dir is None:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        else:
            browser = p.chromium.launch_persistent_context(str(profile_dir), executable_path=CHROMIUM,
                                                           args=CHROMIUM_ARGS, viewport=VIEWPORT)
        try:
            for role in roles:
                context, page, meter, signed = _sign_in(browser, url, role, password)
                out["sign_in"][role] = signed
                meter.think_s = think_s
                keys = [k for k in page.evaluate(_SIDEBAR_KEYS) if k != "home"]
                _say(f"{role}: signed in in {signed['ms']:.0f} ms; {len(keys)} pages")
                rows = {key: {"page": key, "role": role} for key in keys}
                for visit in ("first", "revisit"):
                    for key in keys:
                        try:
                            rows[key][visit] = meter.measure(_click_link(page, key), _title(key))
                        except PageNotDrawn as exc:  # reported; the other pages are still measured
                            out["errors"].append(f"{role} {key} {visit}: {exc}")
                out["pages"] += [r for r in rows.values() if "first" in r and "revisit" in r]
                todo = [k for k in keys if k not in termed] if len(terms) > 1 else []
                for i, key in enumerate(todo):
                    try:
                        meter.measure(_click_link(page, key), _title(key))  # drawn at the term it was left on
                        caption = page.evaluate(_CAPTION)
                        # each page to a term it has not been drawn for in this session (0 is the current term)
                        label = terms[1 + i % (len(terms) - 1)]
                        open_list, choose = _choose_term(page, label)
                        change = meter.measure(choose, _title(key), caption, prepare=open_list)
                        out["term_change"].append({"page": key, "role": role, "term": label, **change})
                    except Exception as exc:  # reported; the other pages are still measured
                        out["errors"].append(f"{role} {key} term change: {type(exc).__name__}: {str(exc)[:200]}")
                    termed.add(key)
                context.close()
        finally:
            browser.close()
    return out


def floor_run(today: str = TODAY) -> dict:
    """The same measurements on a Streamlit app whose pages hold only a title (no database, no sign-in)."""
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="sendboard-floor-"))
    try:
        for name in ("first", "second"):
            (folder / f"{name}.py").write_text(f'import streamlit as st\n\nst.title("Empty {name}")\n')
        (folder / "floor_app.py").write_text(
            "import streamlit as st\n\nst.navigation([st.Page('first.py', title='First', default=True),\n"
            "               st.Page('second.py', title='Second', url_path='second')]).run()\n")
        out: dict = {}
        with running_app(folder / "none.duckdb", today, script=folder / "floor_app.py") as url, \
                sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
                meter = _Meter(page)
                out["sign_in"] = meter.measure(lambda: page.goto(url), "Empty first")
                out["first"] = meter.measure(_click_link(page, "second"), "Empty second")
                out["revisit"] = meter.measure(_click_link(page, "home"), "Empty first")
                out["revisit_2"] = meter.measure(_click_link(page, "second"), "Empty second")
            finally:
                browser.close()
        return out
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- medians and the report

_FIGURES = ("ms", "cpu_app_s", "cpu_browser_s", "ws_kb", "elements", "server_charts", "server_chart_kb", "charts",
            "tables", "svg_nodes", "dom_nodes")


def _median(rows: list[dict]) -> dict:
    out = {k: round(statistics.median(r[k] for r in rows), 3) for k in _FIGURES if all(k in r for r in rows)}
    out["runs_ms"] = [r["ms"] for r in rows]
    out["exceptions"] = sum(bool(r.get("exception")) for r in rows)
    return out


def summarise(runs: list[dict]) -> dict:
    """Median over the runs of every measurement, keyed as in one run."""
    def keys(kind: str) -> list[tuple[str, str]]:
        """Every (page, role) any run measured, in the order first met: a page that was not drawn in one
        run still has the median of the runs that drew it (its count says how many)."""
        seen: dict[tuple[str, str], None] = {}
        for r in runs:
            for x in r[kind]:
                seen.setdefault((x["page"], x["role"]), None)
        return list(seen)

    def matching(kind: str, key: tuple[str, str]) -> list[dict]:
        return [x for r in runs for x in r[kind] if (x["page"], x["role"]) == key]

    roles = list(dict.fromkeys(role for r in runs for role in r["sign_in"]))
    sign_in = {role: _median([r["sign_in"][role] for r in runs if role in r["sign_in"]]) for role in roles}
    pages = []
    for page, role in keys("pages"):
        same = matching("pages", (page, role))
        pages.append({"page": page, "role": role, "runs": len(same), "first": _median([s["first"] for s in same]),
                      "revisit": _median([s["revisit"] for s in same])})
    terms = [{"page": page, "role": role, "runs": len(matching("term_change", (page, role))),
              **_median(matching("term_change", (page, role)))} for page, role in keys("term_change")]
    return {"server_start_s": statistics.median(r["server_start_s"] for r in runs), "runs": len(runs),
            "sign_in": sign_in, "pages": pages, "term_change": terms,
            "cold_role": next(iter(runs[0]["sign_in"]), None),
            "errors": [e for r in runs for e in r.get("errors", [])]}


def _floor_summary(floors: list[dict]) -> dict:
    return {k: _median([f[k] for f in floors]) for k in floors[0]}


def _charts_cell(visit: dict) -> str:
    """The charts a page drew: those drawn on the server, and "+N plotly" for open Interactive tabs."""
    plotly = visit.get("charts", 0)
    return f"{visit.get('server_charts', 0):.0f}" + (f"+{plotly:.0f}p" if plotly else "")


def print_table(scale: str, summary: dict, floor: dict | None) -> None:
    target = TARGETS.get(scale, {})

    def mark(value, key):
        return "" if key not in target else ("  ok" if value <= target[key] else "  OVER")

    print(f"\n{scale}: click to page drawn in Chromium, median ms (app / browser CPU s); "
          f"server start {summary['server_start_s']} s")
    if floor:
        print(f"  floor (a page with only a title): first load {floor['sign_in']['ms']:.0f}, first visit "
              f"{floor['first']['ms']:.0f}, revisit {floor['revisit']['ms']:.0f}")
    for role, r in summary["sign_in"].items():
        cold = " (the run's first sign-in: cold app)" if role == summary["cold_role"] else ""
        print(f"  sign-in to home  {role:<9}{r['ms']:>7.0f}{mark(r['ms'], 'sign_in')}{cold}")
    print(f"  {'page':<22}{'role':<10}{'first':>7}{'':>15}{'revisit':>9}{'':>15}{'elems':>7}{'charts':>7}{'ws kB':>8}")
    for r in summary["pages"]:
        f, v = r["first"], r["revisit"]
        print(f"  {r['page']:<22}{r['role']:<10}{f['ms']:>7.0f} ({f['cpu_app_s']:.2f}/{f['cpu_browser_s']:.2f})"
              f"{v['ms']:>9.0f} ({v['cpu_app_s']:.2f}/{v['cpu_browser_s']:.2f}){f.get('elements', 0):>7.0f}"
              f"{_charts_cell(f):>7}{f.get('ws_kb', 0):>8.0f}{mark(f['ms'], 'first')}{mark(v['ms'], 'revisit')}"
              + (f"  EXCEPTIONS {f['exceptions']}" if f["exceptions"] or v["exceptions"] else ""))
    for error in summary["errors"]:
        print(f"  NOT DRAWN: {error}")
    for r in summary["term_change"]:
        print(f"  term change {r['page']:<18}{r['role']:<10}{r['ms']:>7.0f} ({r['cpu_app_s']:.2f}/"
              f"{r['cpu_browser_s']:.2f}){mark(r['ms'], 'term')}")


def run_browser_bench(args, save=None) -> dict:
    """The ``--browser`` part of ``sendboard bench``: returns the report's "browser" entry (and hands it to
    ``save`` after every run, so a bench cut short keeps what it measured)."""

    warm = getattr(args, "browser_cache", "fresh") == "warm"
    think_s = float(getattr(args, "think", 0.0) or 0.0)
    result: dict = {"runs": args.runs, "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
                    "browser_cache": "warm" if warm else "fresh", "think_s": think_s,
                    "app_root": str(getattr(args, "app_root", None) or ""), "scales": {}}
    floors = [] if args.no_floor else [floor_run(args.today) for _ in range(args.runs)]
    result["floor"] = _floor_summary(floors) if floors else None
    result["floor_runs"] = floors
    for scale in [s for s in args.scales.split(",") if s]:
        if args.browser_db:
            path = Path(args.browser_db)
        else:
            path, _ = dataset(scale, args.data_dir, args.rebuild)
        roles = tuple(r for r in (args.roles.split(",") if args.roles else ROLES[scale]) if r)
        entry = {"database": str(path), "roles": roles,
                 "load_average_at_start": [round(x, 2) for x in os.getloadavg()], "runs": []}
        profile = {}
        if warm:  # one profile and one address for every run; a first, unmeasured run fills its caches
            profile = {"profile_dir": Path(tempfile.mkdtemp(prefix=f"sendboard-browser-{scale}-")), "port": free_port()}
            _say(f"{scale}: filling the browser profile's caches (not measured)")
            one_run(path, roles[:1], False, args.today, args.password, **profile)
        for run in range(args.runs):
            _say(f"{scale}: run {run + 1} of {args.runs}")
            entry["runs"].append(one_run(path, roles, not args.no_term_change, args.today, args.password,
                                         think_s=think_s, app_root=getattr(args, "app_root", None), **profile))
            entry["median"] = summarise(entry["runs"])
            result["scales"][scale] = entry
            if save:
                save(result)
        if profile:
            shutil.rmtree(profile["profile_dir"], ignore_errors=True)
        entry["median"] = summarise(entry["runs"])
        entry["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        result["scales"][scale] = entry
        print_table(scale, entry["median"], result["floor"])
    return result


def markdown(entry: dict) -> str:
    """Markdown tables of a report's "browser" entry, for docs/performance.md."""
    lines: list[str] = []
    floor = entry.get("floor")
    if floor:
        lines += [f"Floor, a Streamlit page holding only a title, same app start, browser and timing: first load "
                  f"{floor['sign_in']['ms']:.0f} ms, first visit {floor['first']['ms']:.0f} ms, revisit "
                  f"{floor['revisit']['ms']:.0f} ms (browser CPU {floor['first']['cpu_browser_s']:.2f} s a visit).", ""]
    for scale, s in entry["scales"].items():
        m = s["median"]
        cache = ("a browser profile that had visited before (HTTP cache and compiled code kept)"
                 if entry.get("browser_cache") == "warm" else "a fresh browser profile each run")
        if entry.get("think_s"):
            cache += f", {entry['think_s']:g} s of reading before each click"
        lines += [f"**{scale}**, median of {len(s['runs'])} cold start(s) of the app, {cache}; load average at start "
                  f"{s['load_average_at_start']}, at end {s.get('load_average_at_end')}; server start "
                  f"{m['server_start_s']} s", "",
                  "| first page after sign-in | ms | app CPU s | browser CPU s |", "|---|---:|---:|---:|"]
        for role, r in m["sign_in"].items():
            cold = " (first of the run: cold app)" if role == m["cold_role"] else ""
            lines.append(f"| {role}{cold} | {r['ms']:.0f} | {r['cpu_app_s']:.2f} | {r['cpu_browser_s']:.2f} |")
        lines += ["", "| page | role | first visit ms | app / browser CPU s | revisit ms | app / browser CPU s | "
                      "elements | charts | sent kB |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        for r in m["pages"]:
            f, v = r["first"], r["revisit"]
            lines.append(f"| {r['page']} | {r['role']} | {f['ms']:.0f} | {f['cpu_app_s']:.2f} / {f['cpu_browser_s']:.2f} "
                         f"| {v['ms']:.0f} | {v['cpu_app_s']:.2f} / {v['cpu_browser_s']:.2f} | {f.get('elements', 0):.0f} "
                         f"| {_charts_cell(f)} | {f.get('ws_kb', 0):.0f} |")
        if m["term_change"]:
            lines += ["", "| term change on | role | ms | app / browser CPU s |", "|---|---|---:|---:|"]
            for r in m["term_change"]:
                lines.append(f"| {r['page']} | {r['role']} | {r['ms']:.0f} | {r['cpu_app_s']:.2f} / "
                             f"{r['cpu_browser_s']:.2f} |")
        if m.get("errors"):
            lines += ["", "Not drawn: " + "; ".join(m["errors"])]
        lines.append("")
    return "\n".join(lines)
