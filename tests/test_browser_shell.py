"""A real browser signs in and sees the home page (Playwright with Debian's Chromium)."""
import pytest

from tests.browser import browser, running_app, sign_in, wait_idle
from tests.fixture_school import PASSWORD, TODAY

pytestmark = pytest.mark.browser


def test_sign_in_and_see_the_home_page(fixture_path, artifacts):
    with running_app(fixture_path, TODAY.isoformat()) as url, browser() as b:
        page = b.new_page(viewport={"width": 1366, "height": 768})
        sign_in(page, url, "head", PASSWORD)
        wait_idle(page)
        page.get_by_text("Welcome, Head").wait_for()
        assert page.get_by_text("Pupils on roll").is_visible()
        page.screenshot(path=str(artifacts / "shell_home_head.png"), full_page=True)
        # The sidebar offers the head's pages and no admin ones (a head opens Users only to confirm a new
        # head's or SENCO's account; the page shows a head nothing else).
        nav = page.locator("[data-testid=\"stSidebar\"]").inner_text()
        assert "Sign out" in nav and "Audit log" not in nav and "Data import" not in nav
