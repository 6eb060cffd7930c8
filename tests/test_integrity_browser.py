"""In a real browser: the administrator backs up and checks the audit log; a second person's stale
passport save is refused with the first person's wording shown and their own typing kept."""
from __future__ import annotations

import re

import pytest

from tests.browser import browser, running_app, sign_in, wait_idle
from tests.fixture_school import PASSWORD

pytestmark = pytest.mark.browser


def test_backup_verify_and_a_refused_stale_save(fixture_path, tmp_path, artifacts, monkeypatch):
    from sendboard.app_db import open_database
    from sendboard.db import close_all
    from tests.classroom_helpers import add_classroom_rows

    add_classroom_rows(open_database(fixture_path))
    close_all()
    monkeypatch.setenv("SENDBOARD_BACKUP_DIR", str(tmp_path / "backups"))
    with running_app(fixture_path, "2026-01-20") as url, browser() as b:
        admin = b.new_page(viewport={"width": 1366, "height": 900})
        sign_in(admin, url, "admin", PASSWORD)
        admin.get_by_role("link", name="Audit log").first.click()
        admin.get_by_text("Check the log and back up the database").click()
        admin.get_by_role("button", name="Back up now").click()
        # the message, not the audit table's new "Backed up the database" row
        admin.get_by_text(re.compile(r"^Backed up \d+ tables")).wait_for(timeout=60000)
        admin.get_by_role("button", name="Check the audit log").click()
        admin.get_by_text("chain holds").wait_for(timeout=30000)
        wait_idle(admin)
        admin.screenshot(path=str(artifacts / "integrity_audit_backup.png"))
        assert list((tmp_path / "backups").glob("*.duckdb.manifest.json"))

        first, second = b.new_page(viewport={"width": 1366, "height": 900}), b.new_page(viewport={"width": 1366, "height": 900})
        for page in (first, second):
            sign_in(page, url, "senco", PASSWORD)
            page.get_by_role("link", name="Pupil passport").first.click()
            wait_idle(page)  # the passport's run has finished: a tab clicked mid-run can be redrawn under the click
            page.get_by_role("tab", name="Edit passport").click()
            page.get_by_label("Strengths").wait_for(timeout=30000)
        second.get_by_label("Strengths").fill("Wording saved first, by a colleague")
        second.get_by_role("button", name="Save passport").click()
        # saved: the Passport tab (hidden behind the Edit tab) now shows the new wording
        second.locator("[data-testid=stText]", has_text="Wording saved first, by a colleague").first.wait_for(
            state="attached", timeout=30000)
        first.get_by_label("Strengths").fill("My own wording, typed at the same time")
        first.get_by_role("button", name="Save passport").click()
        first.get_by_text("after you opened it").wait_for(timeout=30000)
        first.locator("text=Wording saved first, by a colleague >> visible=true").first.wait_for(timeout=10000)
        assert first.get_by_label("Strengths").input_value() == "My own wording, typed at the same time"
        wait_idle(first)
        first.get_by_text("after you opened it").scroll_into_view_if_needed()
        first.screenshot(path=str(artifacts / "integrity_stale_passport.png"))
