"""The records area in a real browser (Playwright + Debian Chromium) on the fixture school: a teacher
raises a concern from the passport, the SENCO sees it waiting on Identification, and the governor's
Outside specialists page shows only protected counts. Waits are on text appearing, never on time."""
from __future__ import annotations

from datetime import date

import pytest

from sendboard.scope import Scope
from tests.browser import browser, running_app, sign_in
from tests.fixture_school import PASSWORD, TODAY

pytestmark = pytest.mark.browser


def test_concern_from_teacher_to_senco_and_waiting_times_for_governors(fixture_path, artifacts):
    from sendboard.app_db import open_database
    from sendboard.auth import viewer_for
    from sendboard.db import close_all
    from sendboard.records import specialists

    db = open_database(fixture_path)
    senco = viewer_for(db, db.cursor().execute("SELECT user_id FROM users WHERE username = 'senco'").fetchone()[0])
    for pupil in (1, 2, 3, 11, 12, 13):
        specialists.add_referral(db, Scope(senco, TODAY), 1, pupil, service="speech_language_therapy", referred_on=date(2025, 10, 1),
                                 seen_on=date(2025, 11, 1) if pupil < 4 else None)
    close_all()
    with running_app(fixture_path, TODAY.isoformat()) as url, browser() as b:
        page = b.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, url, "teacher", PASSWORD)
        page.get_by_role("link", name="Pupil passport").first.click()
        page.get_by_role("tab", name="Concerns").click()
        page.get_by_label("What you noticed").fill("Holds books very close to read")
        page.get_by_role("button", name="Send to the SENCO").click()
        page.get_by_text("sent to the SENCO").first.wait_for(timeout=60000)
        page.screenshot(path=str(artifacts / "records_browser_teacher_concern.png"), full_page=True)

        page = b.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, url, "senco", PASSWORD)
        page.get_by_role("link", name="Identification").first.click()
        page.get_by_text("1 concern raised by staff awaits a decision").wait_for(timeout=60000)

        page = b.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, url, "governor", PASSWORD)
        page.get_by_role("link", name="Outside specialists").first.click()
        page.get_by_text("fewer than 5 pupils").first.wait_for(timeout=60000)
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60000)   # the table (drawn on a canvas)
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert "Pupil0" not in main and "Pupils waiting to be seen" not in main
        page.screenshot(path=str(artifacts / "records_browser_governor.png"), full_page=True)
