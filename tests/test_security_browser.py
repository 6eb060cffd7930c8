"""In a real browser: an administrator asks for a SENCO account, or a new password for the SENCO, the head
confirms it on the Users page, and the audit log shows the request and the confirmation without the contents
of any pupil's record."""
from __future__ import annotations

import pytest

from tests.browser import browser, running_app, sign_in, wait_idle
from tests.fixture_school import PASSWORD

pytestmark = pytest.mark.browser
NEW_PASSWORD = "a long enough password 7"


def _users_page(b, url, username: str, tab: str | None = None):
    """A new page signed in as this account, on the Users page (on this tab)."""
    page = b.new_page(viewport={"width": 1366, "height": 900})
    sign_in(page, url, username, PASSWORD)
    page.goto(f"{url}/users")
    wait_idle(page)
    if tab:
        page.get_by_role("tab", name=tab).click()  # the tabs rerun the page (on_change="rerun")
        wait_idle(page)
    return page


def _choose(page, label: str, typed: str, option: str) -> None:
    """Pick an option of the select box with this label, typing to filter the list as a person would."""
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first.locator("input").click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=option, exact=True).first.wait_for()
    page.keyboard.press("Enter")
    # the choice is in the box, and the run it asks for (which redraws the fields below it) has finished:
    # a field filled before that run would be drawn afresh, empty
    page.wait_for_function("([label, option]) => [...document.querySelectorAll('input')]"
                           ".some(i => i.getAttribute('aria-label') === label && i.value === option)",
                           arg=[label, option], timeout=45000, polling=100)
    wait_idle(page)


def _press_and_see(page, button: str, expected: str, screenshot) -> None:
    """Press the button, wait until the page says what is expected and settles, and keep a screenshot."""
    page.get_by_role("button", name=button).click()
    page.get_by_text(expected).first.wait_for(timeout=45000)
    wait_idle(page)
    page.screenshot(path=str(screenshot))


def test_a_head_confirms_a_senco_in_the_browser_and_the_audit_log_shows_it(fixture_path, artifacts):
    from sendboard import auth
    from sendboard.app_db import open_database
    from sendboard.db import close_all

    with running_app(fixture_path, "2026-01-20") as url, browser() as b:
        admin = _users_page(b, url, "admin", "Add an account")
        _choose(admin, "Role", "SENCO", "SENCO")
        schools = admin.locator('[data-testid="stMultiSelect"]').filter(has_text="Schools").first
        schools.locator("input").click()
        admin.keyboard.type("Oak Lane")
        admin.get_by_role("option", name="Oak Lane Academy").first.wait_for()
        admin.keyboard.press("Enter")
        admin.keyboard.press("Escape")
        admin.get_by_role("textbox", name="New username").fill("rpatel")
        admin.get_by_role("textbox", name="Full name").fill("Ravi Patel")
        admin.get_by_role("textbox", name="Initial password", exact=True).fill(NEW_PASSWORD)
        admin.get_by_role("textbox", name="Initial password again").fill(NEW_PASSWORD)
        _press_and_see(admin, "Add account", "waits for a head's confirmation",
                       artifacts / "security_browser_requested.png")

        head = _users_page(b, url, "head")
        head.get_by_text("Ravi Patel").wait_for(timeout=45000)
        head.get_by_role("button", name="Confirm").click()
        head.get_by_text("Confirmed: rpatel").wait_for(timeout=45000)
        wait_idle(head)
        head.screenshot(path=str(artifacts / "security_browser_confirmed.png"))

        admin.goto(f"{url}/audit")
        admin.get_by_text("entries, newest first").wait_for(timeout=45000)
        wait_idle(admin)
        admin.screenshot(path=str(artifacts / "security_browser_audit.png"), full_page=True)
    close_all()
    db = open_database(fixture_path)
    assert auth.sign_in(db, "rpatel", NEW_PASSWORD).role == "senco"
    actions = [r[0] for r in db.query_rows("admin_audit_actions")]
    assert {"role_requested", "role_request_confirmed", "user_added"} <= set(actions)


def test_a_senco_password_reset_waits_for_the_head_in_the_browser(fixture_path, artifacts):
    from sendboard import auth
    from sendboard.app_db import open_database
    from sendboard.db import close_all

    with running_app(fixture_path, "2026-01-20") as url, browser() as b:
        admin = _users_page(b, url, "admin", "Change an account")
        _choose(admin, "Account", "senco", "senco · Senco · SENCO")
        admin.get_by_role("textbox", name="New password", exact=True).fill(NEW_PASSWORD)
        admin.get_by_role("textbox", name="New password again").fill(NEW_PASSWORD)
        _press_and_see(admin, "Reset password", "The new password for senco (SENCO) waits for a head's confirmation",
                       artifacts / "security_reset_requested.png")

        head = _users_page(b, url, "head")
        head.get_by_text("A new password", exact=True).wait_for(timeout=45000)
        wait_idle(head)
        head.screenshot(path=str(artifacts / "security_reset_waiting.png"))
        head.get_by_role("button", name="Confirm").click()
        head.get_by_text("Confirmed: senco").wait_for(timeout=45000)
    close_all()
    db = open_database(fixture_path)
    assert auth.sign_in(db, "senco", NEW_PASSWORD).role == "senco"
    assert {"password_change_requested", "password_reset"} <= {r[0] for r in db.query_rows("admin_audit_actions")}
