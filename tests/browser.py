"""The tests' own browser harness: the real app (`streamlit run`) on a free port, and Playwright with
Debian's Chromium. Kept in tests/ so that no test depends on the benchmark code in the package."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
RUNNING = {}  # the process id of the app last started here (to read its memory)


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, what: str, timeout: float = 90) -> None:
    """Poll ``check()`` until it is true; an OSError (nothing listening yet) counts as not yet."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not happen within {timeout} s")


@contextlib.contextmanager
def running_app(db_path: Path, today: str = "2026-11-23", log: Path | None = None, *, port: int | None = None,
                extra_args: tuple[str, ...] = ()):
    """`streamlit run streamlit_app.py` on the database; yields its base URL; stops the app."""
    port = port or free_port()
    env = dict(os.environ, SENDBOARD_DB=str(db_path), SENDBOARD_TODAY=today)
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (the app writes to it until it stops)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", *extra_args],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    RUNNING["pid"] = proc.pid
    try:
        def healthy():
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited with {proc.returncode}")
            return urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200

        wait_until(healthy, "the app answering", timeout=240)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()


# Playwright's own default for a click, a fill or a navigation is 30 s; on two cores shared with other work
# (the suite is checked with both cores kept busy) an action has been seen to need longer. A ceiling, not a
# pause: an action that can happen sooner happens at once.
ACTION_TIMEOUT_MS = 90000

# What the browsers of this process have opened, for the CPU log (tests/conftest.py; counted only when it is on):
# browser pages, documents loaded in them (the sign-in form, the app, a reload: each a fresh start of the page's
# scripts) and loads of plotly's code (a chart's opened Interactive tab). Each costs the browser CPU.
BROWSER_COUNTS = {"pages": 0, "document_loads": 0, "chart_code_loads": 0}


def _count_requests(request) -> None:
    if request.resource_type == "document":
        BROWSER_COUNTS["document_loads"] += 1
    elif request.url.split("?", 1)[0].rsplit("/", 1)[-1].startswith("PlotlyChart."):
        BROWSER_COUNTS["chart_code_loads"] += 1


def _count_pages(_page) -> None:
    BROWSER_COUNTS["pages"] += 1


def _with_generous_timeouts(b):
    """Every context and page the tests open on ``b`` gets ACTION_TIMEOUT_MS as its default timeout, and the
    watch on its websocket that lets a settle know whether a run was asked for (tests/a11y_helpers.py)."""
    from tests.a11y_helpers import WIRE_WATCH

    new_context, new_page = b.new_context, b.new_page

    counting = bool(os.environ.get("SENDBOARD_TEST_CPU_LOG"))

    def context(*args, **kwargs):
        made = new_context(*args, **kwargs)
        made.set_default_timeout(ACTION_TIMEOUT_MS)
        made.add_init_script(WIRE_WATCH)
        if counting:
            made.on("page", _count_pages)
            made.on("request", _count_requests)
        return made

    def page(*args, **kwargs):
        made = new_page(*args, **kwargs)
        made.set_default_timeout(ACTION_TIMEOUT_MS)
        made.add_init_script(WIRE_WATCH)
        if counting:
            _count_pages(made)
            made.context.on("page", _count_pages)  # a popup or a second tab in its context
            made.context.on("request", _count_requests)
        return made

    b.new_context, b.new_page = context, page
    return b


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = _with_generous_timeouts(p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS))
        try:
            yield b
        finally:
            b.close()


def sign_in(page, url: str, username: str, password: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # a ceiling, not a pause: on a machine shared with other work a first sign-in (argon2, the app's first run)
    # has been seen to take over 30 s
    page.get_by_text("Sign out").wait_for(timeout=90000)


def wait_idle(page, timeout: float = 30000) -> None:
    """Wait until Streamlit has finished running the script (no 'Running' indicator)."""
    from tests.a11y_helpers import settle

    settle(page, timeout)
