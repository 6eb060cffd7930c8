"""The SEN Information Report in a real browser (Playwright + Debian Chromium): the downloadable web page
passes axe with no violation of any impact, and on the page a SENCO's text that names a pupil is refused
beside the field with the typed text kept. Waits are on conditions, never on time."""
from __future__ import annotations

from datetime import date

import pytest

from sendboard.scope import Scope
from tests.a11y_helpers import axe_violations, describe, settle
from tests.browser import browser, running_app, sign_in
from tests.fixture_school import PASSWORD, SCHOOL, TODAY

pytestmark = pytest.mark.browser


def test_the_report_web_page_passes_axe(fixture_db, viewers, artifacts):
    from sendboard.publishing.headings import HEADINGS
    from sendboard.publishing.policies import save_action
    from sendboard.publishing.render import html_bytes
    from sendboard.publishing.report import build_report, save_text

    head = viewers["head"]
    for h in HEADINGS:
        save_text(fixture_db, head, SCHOOL, 2025, h.key, f"What we do: {h.prompt}\n\nA second paragraph.",
                  expected_version=None)
    save_action(fixture_db, Scope(head, TODAY), SCHOOL, strand="environment", action="Ramp to the hall", target_date=date(2026, 3, 1),
                status="in progress")
    path = artifacts / "sen_information_report.html"
    path.write_bytes(html_bytes(build_report(fixture_db, Scope(head, TODAY), SCHOOL, 2025, TODAY, "Oak Lane Academy", "secondary")))
    with browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        page.goto(path.as_uri())
        page.get_by_role("heading", name="SEN Information Report 2025/26", level=1).wait_for()
        found = axe_violations(page, impacts=("minor", "moderate", "serious", "critical"))
        assert found == [], describe(found)
        assert page.locator("table caption").count() >= 1
        page.screenshot(path=str(artifacts / "sen_information_report_html.png"), full_page=True)


def test_a_named_pupil_is_refused_beside_the_field_and_the_text_kept(fixture_path, artifacts):
    from sendboard.app_db import open_database
    from sendboard.db import close_all

    with running_app(fixture_path, TODAY.isoformat()) as url, browser() as b:
        page = b.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, url, "senco", PASSWORD)
        page.get_by_role("link", name="SEN Information Report").first.click()
        box = page.get_by_role("textbox", name="Our words: Complaints")
        box.wait_for(timeout=60000)
        box.fill("Pupil07 Fixture07's parents complained once.")
        form = page.locator('[data-testid="stForm"]').filter(has=box)
        form.get_by_role("button", name="Save").click()
        message = form.get_by_text("This text names a pupil")
        message.wait_for(timeout=60000)
        assert box.input_value() == "Pupil07 Fixture07's parents complained once."
        settle(page)
        found = axe_violations(page)
        assert found == [], describe(found)
        box.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "sen_report_refused.png"))

        page = b.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, url, "governor", PASSWORD)
        page.get_by_role("link", name="SEN Information Report").first.click()
        page.get_by_role("button", name="Record the board's approval").wait_for(timeout=60000)
        assert page.get_by_role("textbox", name="Our words: Complaints").count() == 0  # governors read, never edit
        with page.expect_download() as download:
            page.get_by_role("button", name="Web page (HTML)").click()
        saved = artifacts / "sen_report_download.html"
        download.value.save_as(saved)
        assert saved.read_text(encoding="utf-8").startswith("<!DOCTYPE html>\n<html lang=\"en-GB\">")
        page.screenshot(path=str(artifacts / "sen_report_governor.png"), full_page=True)
    db = open_database(fixture_path)
    audited = db.cursor().execute("SELECT count(*) FROM audit_log WHERE action = 'download' AND object_type = 'sen_report' "
                                  "AND json_extract_string(detail, '$.format') = 'html'").fetchone()[0]
    close_all()
    assert audited == 1
