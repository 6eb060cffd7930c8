"""Sign-in in a real browser (Chromium through Playwright, the app served by `streamlit run` as a school
runs it): the page asked for, a reload, a second tab, the cookie's flags, sign-out then back, expiry
and revocation."""
from datetime import timedelta

import pytest
from playwright.sync_api import Error as PlaywrightError

from sendboard import db as dbmod
from sendboard import signin, ui
from sendboard.access import PAGES_BY_KEY
from sendboard.app_db import open_database
from tests.browser import browser, running_app, wait_idle
from tests.fixture_school import PASSWORD, TODAY

pytestmark = [pytest.mark.browser]

TIMEOUT = 45000


def fill_sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def signed_in_view(page) -> None:
    page.get_by_role("button", name="Sign out").wait_for(timeout=TIMEOUT)
    wait_idle(page, TIMEOUT)


def test_sign_in_in_a_real_browser(fixture_path, artifacts):
    """One server for every case (starting it is the slow part)."""
    db = open_database(fixture_path)
    head_id = db.cursor().execute("SELECT user_id FROM users WHERE username = 'head'").fetchone()[0]
    expired = signin.start_session(db, head_id, "password", now=signin.utcnow() - timedelta(hours=13))  # 12 h is the most
    idle = signin.start_session(db, head_id, "password", now=signin.utcnow() - timedelta(hours=1))  # 30 min idle is the most
    dbmod.close_all()
    log = artifacts / "signin_browser_app.log"
    with running_app(fixture_path, TODAY.isoformat(), log=log) as url, browser() as b:
        # An expired or idle session's cookie leads to the form, which says why.
        for old_token, reason in ((expired, "maximum length"), (idle, "idle")):
            context = b.new_context()
            context.add_cookies([{"name": signin.COOKIE_NAME, "value": old_token, "url": url,
                                  "httpOnly": True, "sameSite": "Strict"}])
            page = context.new_page()
            page.goto(f"{url}/overview")
            page.wait_for_url("**/signin?next=/overview")
            page.get_by_text(reason).wait_for(timeout=TIMEOUT)
            context.close()

        # A wrong password: the form again, saying so, with the name kept and the password not.
        page = b.new_page(viewport={"width": 1000, "height": 800})
        page.goto(url)
        fill_sign_in(page, "senco", "not the password")
        page.get_by_role("alert").wait_for(timeout=TIMEOUT)
        assert "do not match" in page.get_by_role("alert").inner_text()
        assert page.get_by_role("textbox", name="Username").input_value() == "senco"
        assert page.get_by_role("textbox", name="Password").input_value() == ""
        page.screenshot(path=str(artifacts / "signin_wrong_password.png"))
        page.close()

        context = b.new_context(viewport={"width": 1366, "height": 800})
        page = context.new_page()
        # A bookmark to a page, opened signed out, goes to the sign-in form and then to that page.
        page.goto(f"{url}/overview")
        page.wait_for_url("**/signin?next=/overview")
        page.screenshot(path=str(artifacts / "signin_form.png"))
        fill_sign_in(page, "head")
        page.wait_for_url(f"{url}/overview")
        signed_in_view(page)
        page.get_by_role("heading", name=PAGES_BY_KEY["overview"].title).wait_for(timeout=TIMEOUT)

        cookie = next(c for c in context.cookies() if c["name"] == signin.COOKIE_NAME)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]  # plain http here
        assert len(cookie["value"]) >= 43  # 32 random bytes in URL-safe base64
        assert cookie["value"] not in page.url
        assert page.evaluate("document.cookie").find(signin.COOKIE_NAME) == -1  # page scripts cannot read it

        page.reload()
        signed_in_view(page)
        page.get_by_role("heading", name=PAGES_BY_KEY["overview"].title).wait_for(timeout=TIMEOUT)
        assert page.get_by_role("textbox", name="Password").count() == 0

        second = context.new_page()
        second.goto(f"{url}/identification")
        signed_in_view(second)
        second.get_by_role("heading", name=PAGES_BY_KEY["identification"].title).wait_for(timeout=TIMEOUT)

        # Disabling an account signs its open session out at the next click.
        teacher = b.new_context(viewport={"width": 1366, "height": 800}).new_page()
        teacher.goto(url)
        fill_sign_in(teacher, "teacher2")
        signed_in_view(teacher)
        admin = b.new_context(viewport={"width": 1366, "height": 900}).new_page()
        admin.goto(f"{url}/users")
        fill_sign_in(admin, "admin")
        signed_in_view(admin)
        admin.get_by_role("tab", name="Change an account").click()
        admin.get_by_role("combobox", name="Account", exact=True).click()
        admin.keyboard.type("teacher2")
        admin.keyboard.press("Enter")
        admin.wait_for_function("""() => (document.querySelector('input[aria-label="Account"]') || {}).value
                                       ?.startsWith('teacher2 ')""", timeout=TIMEOUT, polling=100)
        # the chosen account's own fields are drawn (not the first account's, still on screen)
        admin.wait_for_function("() => [...document.querySelectorAll('input')]"
                                ".some(i => i.value === 'teacher2@oak.sch.uk')", timeout=TIMEOUT, polling=100)
        wait_idle(admin, TIMEOUT)
        admin.get_by_role("button", name="Disable account").click()
        try:
            admin.get_by_text("teacher2 is disabled").wait_for(timeout=TIMEOUT)
        finally:
            admin.screenshot(path=str(artifacts / "signin_admin_disables.png"), full_page=True)
        # The next click signs the teacher out. On a loaded machine the page's session watch (every
        # SESSION_WATCH_SECONDS) may get there first and take the menu away: both paths end on the message.
        disabled = teacher.get_by_text("Your account has been disabled")
        if not disabled.is_visible():
            try:
                teacher.locator('[data-testid="stSidebarNav"]').get_by_text(
                    PAGES_BY_KEY["class_profile"].title).click(timeout=TIMEOUT)
            except PlaywrightError:
                pass  # the menu went: the wait below fails unless it went because the session ended
        disabled.wait_for(timeout=TIMEOUT)
        teacher.screenshot(path=str(artifacts / "signin_disabled_mid_session.png"))
        teacher.reload()
        teacher.wait_for_url("**/signin**")

        # Sign out in the first tab: the second tab clears itself without a click (its session watch
        # runs every few seconds), with a message.
        page.get_by_role("button", name="Sign out").click()
        page.get_by_text("You have signed out.").wait_for(timeout=TIMEOUT)
        page.screenshot(path=str(artifacts / "signin_signed_out.png"))

        # Back, or the bookmark again: the sign-in form, not the page. (Checked while the second tab's
        # session watch is still to come, rather than after waiting for it.)
        page.goto(f"{url}/overview")
        page.wait_for_url("**/signin?next=/overview")
        page.get_by_text("You have signed out.").wait_for(timeout=TIMEOUT)
        assert not [c for c in context.cookies() if c["name"] == signin.COOKIE_NAME]

        second.get_by_text("You have signed out.").wait_for(timeout=(ui.SESSION_WATCH_SECONDS + 30) * 1000)
        assert second.get_by_text("Pupils on roll").count() == 0
        assert second.get_by_role("heading", name=PAGES_BY_KEY["identification"].title).count() == 0
        token = cookie["value"]
    db = open_database(fixture_path)
    logged = db.cursor().execute("SELECT string_agg(concat_ws(' ', object_id, detail, old_value, new_value), ' ') "
                                 "FROM audit_log").fetchone()[0]
    assert token not in logged and token not in log.read_text(errors="replace")
    stored = db.cursor().execute("SELECT token_hash FROM signin_sessions").fetchall()
    assert stored and all(row[0] != token and len(row[0]) == 64 for row in stored)
