"""The Data page in a real browser with files as schools have them: an old .xls is refused in words, a
workbook is read, a Common Transfer File is previewed, imported and shown in the history with its sending
school, and long problem texts are shown whole."""
from __future__ import annotations

import pytest

from tests.browser import browser, running_app, sign_in, wait_idle
from tests.fixture_school import PASSWORD
from tests.test_import_library import DATA

pytestmark = pytest.mark.browser


def _open_data_page(b, url):
    page = b.new_page(viewport={"width": 1366, "height": 900})
    sign_in(page, url, "senco", PASSWORD)
    page.get_by_role("link", name="Data import").first.click()
    page.get_by_text("Kind of data").first.wait_for(timeout=30000)
    wait_idle(page)
    return page


def test_data_page_with_transfer_files_and_workbooks(fixture_path, tmp_path, artifacts):
    from sendboard.app_db import open_database
    from sendboard.db import close_all

    close_all()
    old = tmp_path / "pupils_2003.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with running_app(fixture_path, "2026-01-20") as url, browser() as b:
        page = _open_data_page(b, url)
        page.locator("input[type=file]").set_input_files([str(old), str(DATA / "pupils_missing_columns.csv")])
        page.get_by_text("was refused as a whole").first.wait_for(timeout=30000)
        wait_idle(page)
        assert page.get_by_text("Excel Workbook (*.xlsx)").first.is_visible()
        # the whole text of a long problem is on the page (a static table wraps it)
        page.get_by_text("headed e.g. 'DOB' or 'Date of Birth'", exact=False).first.wait_for(timeout=10000)
        page.screenshot(path=str(artifacts / "data_refused_in_words.png"), full_page=True)

        page = _open_data_page(b, url)
        page.locator("input[type=file]").set_input_files(str(DATA / "ctf_v19_sen_support_then_ehcp.xml"))
        page.get_by_text("All rows are valid").wait_for(timeout=30000)
        wait_idle(page)
        assert page.get_by_text("Beck Lane Primary", exact=False).first.is_visible()
        page.screenshot(path=str(artifacts / "data_ctf_preview.png"), full_page=True)
        page.get_by_role("button", name="Import").click()
        page.get_by_text("You can undo it").wait_for(timeout=30000)
        wait_idle(page)
        page.get_by_role("tab", name="History and undo").click()
        # the history table is drawn on a canvas; its cells are in the page for screen readers
        page.get_by_text("file dated 10/07/2020", exact=False).first.wait_for(state="attached", timeout=10000)
        page.get_by_text("Where the transfer files came from").wait_for(timeout=10000)
        page.screenshot(path=str(artifacts / "data_ctf_history.png"), full_page=True)
        assert page.locator('[data-testid="stTable"]').get_by_text("Beck Lane Primary", exact=False).first.is_visible()
        page.screenshot(path=str(artifacts / "data_ctf_history.png"), full_page=True)

        page = _open_data_page(b, url)
        page.locator("input[type=file]").set_input_files(str(DATA / "scholarpack_pupils_excel_dates.xlsx"))
        page.get_by_text("All rows are valid").wait_for(timeout=30000)
        wait_idle(page)
        assert page.get_by_text("Excel workbook, sheet 'Pupils'", exact=False).first.is_visible()
        page.screenshot(path=str(artifacts / "data_xlsx_preview.png"), full_page=True)
    db = open_database(fixture_path)
    assert db.cursor().execute("SELECT count(*) FROM pupils WHERE upn IN ('Y383260910001', 'M383260910002')").fetchone() == (2,)
