"""Hostile input in a real browser (Playwright + Debian's Chromium): typed into the sign-in form and stored in
an account's name, nothing runs: no dialog opens, no script or image element comes from the input, and the
text shows as the characters typed."""
import re
import time

import pytest

from sendboard import admin
from sendboard.app_db import open_database
from sendboard.auth import viewer_for
from sendboard.db import close_all
from tests.browser import browser, running_app, sign_in, wait_idle
from tests.fixture_school import PASSWORD, TODAY

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[click](javascript:alert(1))"


def injected(page) -> dict:
    return page.evaluate("""() => ({
        scripts: [...document.querySelectorAll('script')].filter(s => (s.textContent || '').includes('alert(1)')).length,
        imgs: document.querySelectorAll('img[src="x"]').length,
        links: [...document.querySelectorAll('a')].filter(a => (a.getAttribute('href') || '').toLowerCase().startsWith('javascript')).length,
    })""")


def test_hostile_text_never_runs_in_the_browser(fixture_path, artifacts):
    db = open_database()
    actor = viewer_for(db, db.cursor().execute("SELECT user_id FROM users WHERE username = 'admin'").fetchone()[0])
    admin.add_account(db, actor, username="hostile", display_name=f"{IMG} {LINK}", role="teacher",
                      password="a long enough password", school_ids=[1])
    close_all()  # the app process opens the file itself
    dialogs = []
    with running_app(fixture_path, TODAY.isoformat()) as url, browser() as b:
        page = b.new_page(viewport={"width": 1366, "height": 768})
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url)
        for text in (SCRIPT, IMG, LINK):
            page.get_by_role("textbox", name="Username").fill(text)
            page.get_by_role("textbox", name="Password").fill(text)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_text("do not match").first.wait_for(timeout=30000)
            wait_idle(page)
            assert injected(page) == {"scripts": 0, "imgs": 0, "links": 0}
        page.screenshot(path=str(artifacts / "admin_hostile_sign_in.png"))

        # Three failures from this address: the next attempt must wait the time the page gives (the
        # throttle's first step), counted from when the page said so.
        hint = re.search(r"Wait (\d+) seconds? before trying again", page.content())
        if hint:
            page.wait_for_function(f"() => Date.now() >= {int((time.time() + int(hint.group(1))) * 1000)}", polling=100)
        sign_in(page, url, "admin", PASSWORD)
        wait_idle(page)
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Users").click()
        page.get_by_role("heading", name="Users").first.wait_for()
        wait_idle(page)
        page.get_by_role("tab", name="Change an account").click()
        page.get_by_text("Account", exact=True).wait_for()
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Account").first
        box.click()
        page.get_by_role("option", name=f"hostile · {IMG} {LINK} · Teacher").click()
        wait_idle(page)
        page.screenshot(path=str(artifacts / "admin_hostile_users.png"))
        shown = box.inner_text() + " ".join(i.input_value() for i in box.locator("input").all())
        assert f"hostile · {IMG} {LINK} · Teacher" in shown  # shown as the characters typed
        assert injected(page) == {"scripts": 0, "imgs": 0, "links": 0}
    assert dialogs == []
