"""The Data page in a real browser (Playwright + Debian Chromium, 1366x768): a good and a bad CSV."""
from __future__ import annotations

import pytest

from tests.browser import browser, running_app, sign_in, wait_idle
from tests.fixture_school import PASSWORD
from tests.test_import_bad_files import NEW, U1, U2, WRONG_LETTER

pytestmark = pytest.mark.browser


def test_data_page_good_and_bad_csv(fixture_path, tmp_path, artifacts):
    from sendboard.app_db import open_database
    from sendboard.db import close_all

    close_all()
    good = tmp_path / "sen_register.csv"
    good.write_text("UPN,SEN Provision,Start Date,End Date,Primary Need\n"
                    f"{U1},K,01/09/2024,31/12/2025,SPLD\n{U1},E,01/01/2026,,SPLD\n{U2},K,01/09/2024,,SPLD\n")
    bad = tmp_path / "pupils_from_mis.csv"
    bad.write_text("UPN,Legal Surname,Legal Forename,DOB,Gender,Reg Group\n"
                   f"{NEW},Doe,Jo,31/02/2014,F,7A\n{WRONG_LETTER},Smith,Amy,01/02/2014,Q,7Z\n")
    with running_app(fixture_path, "2026-01-20") as url, browser() as b:
        page = b.new_page(viewport={"width": 1366, "height": 768})
        sign_in(page, url, "senco", PASSWORD)
        page.get_by_role("link", name="Data import").first.click()  # a new URL would start a new session
        page.get_by_text("Kind of data").first.wait_for(timeout=30000)
        wait_idle(page)
        page.screenshot(path=str(artifacts / "data_empty.png"))
        page.locator("input[type=file]").set_input_files(str(bad))
        page.get_by_text("problem(s) found").wait_for(timeout=30000)
        wait_idle(page)
        page.screenshot(path=str(artifacts / "data_bad.png"))
        page.get_by_text("Expected").first.scroll_into_view_if_needed()
        page.mouse.move(800, 500)
        page.mouse.wheel(0, 400)
        wait_idle(page)
        page.screenshot(path=str(artifacts / "data_bad_table.png"))
        page = b.new_page(viewport={"width": 1366, "height": 768})  # a fresh session, with nothing uploaded
        sign_in(page, url, "senco", PASSWORD)
        page.get_by_role("link", name="Data import").first.click()
        page.get_by_text("Kind of data").first.wait_for(timeout=30000)
        wait_idle(page)
        page.locator("input[type=file]").set_input_files(str(good))
        page.get_by_text("All rows are valid").wait_for(timeout=30000)
        wait_idle(page)
        page.screenshot(path=str(artifacts / "data_preview.png"))
        page.get_by_role("button", name="Import").click()
        page.get_by_text("You can undo it").wait_for(timeout=30000)
        wait_idle(page)
        page.screenshot(path=str(artifacts / "data_imported.png"))
        page.get_by_role("tab", name="History and undo").click()
        page.get_by_role("tabpanel", name="History and undo").wait_for()
        page.screenshot(path=str(artifacts / "data_history.png"))
    db = open_database(fixture_path)
    assert db.cursor().execute("SELECT count(*) FROM imports").fetchone() == (1,), db.cursor().execute("SELECT * FROM imports").fetchall()
    assert db.cursor().execute("SELECT code FROM sen_provision WHERE pupil_id = 1 AND end_date IS NULL").fetchall() == [("E",)]
