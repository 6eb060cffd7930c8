"""Running the real app on a free port (the same way `sendboard bench` does) and driving it with
Playwright + Debian's Chromium."""
from __future__ import annotations

import contextlib
from pathlib import Path

from sendboard.bench_browser import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: F401  (re-exported for tests)


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
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
