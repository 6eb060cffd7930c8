"""The EHC plans page in a real browser (Playwright + Debian Chromium): the overdue count, the compliance
chart, and a form refusing a value beside its field while keeping what was typed. (Saving through the
forms is driven with AppTest in tests/test_ehc_pages.py.)"""
from __future__ import annotations

import pytest

from tests.browser import browser, running_app, sign_in, wait_idle
from tests.fixture_school import PASSWORD
from tests.test_statutory_ehc import add_ehc_rows

pytestmark = pytest.mark.browser

OVERDUE = "Annual reviews overdue, not held"


def test_the_ehc_page_in_a_browser(fixture_path, artifacts):
    from sendboard.app_db import open_database
    from sendboard.db import close_all

    add_ehc_rows(open_database(fixture_path))
    close_all()
    with running_app(fixture_path, "2026-01-20") as url, browser() as b:
        page = b.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, url, "senco", PASSWORD)
        page.get_by_role("link", name="EHC plans").first.click()
        metric = page.get_by_test_id("stMetric").filter(has_text=OVERDUE)
        metric.wait_for(timeout=30000)
        assert metric.get_by_test_id("stMetricValue").inner_text().strip() == "1"
        wait_idle(page)
        page.screenshot(path=str(artifacts / "ehc_fixture_top.png"))
        page.get_by_role("tab", name="Compliance by year").click()
        chart = page.locator(".st-key-drawn-ehc_review_compliance img")  # the chart, drawn on the server
        chart.wait_for(timeout=30000)
        assert "Of the annual reviews that fell due" in chart.get_attribute("alt")
        page.get_by_role("tab", name="Record").click()
        page.get_by_role("button", name="Save EHC plan").wait_for(timeout=30000)
        page.get_by_label("Hours a week of support the plan sets out").fill("lots")
        page.get_by_role("button", name="Save EHC plan").click()
        page.get_by_text("Please choose the pupil").wait_for(timeout=30000)
        wait_idle(page)
        assert page.get_by_label("Hours a week of support the plan sets out").input_value() == "lots"
        page.screenshot(path=str(artifacts / "ehc_fixture_form_refused.png"))
    db = open_database(fixture_path)
    assert db.cursor().execute("SELECT count(*) FROM ehc_plans").fetchone() == (3,)
