"""In a real browser: a school built from nothing signs in and shows its own figures (no demo banner), and
the app pointed at a missing file says how to make one and builds nothing."""
from __future__ import annotations

import pytest

from sendboard import db as dbmod
from tests.browser import browser, running_app, sign_in, wait_idle
from tests.test_setup_from_nothing import (
    PASSWORD,
    RECORDS,
    TODAY,
    add_accounts_by_command,
    init_school,
    sendboard,
    write_record_file,
)

pytestmark = pytest.mark.browser


def test_a_new_school_signs_in_and_a_missing_file_is_never_built(tmp_path, monkeypatch, artifacts):
    monkeypatch.setenv("SENDBOARD_TODAY", TODAY.isoformat())
    db_path = tmp_path / "northgate.duckdb"
    init_school(db_path, monkeypatch)
    files = [write_record_file(tmp_path, r) for r in RECORDS]
    assert sendboard("import", "--db", db_path, "--user", "srao", *files) == 0
    add_accounts_by_command(db_path, monkeypatch)
    dbmod.close_all()

    with browser() as b:
        with running_app(db_path, today=TODAY.isoformat()) as url:
            page = b.new_page(viewport={"width": 1280, "height": 900})
            sign_in(page, url, "hashworth", PASSWORD)
            wait_idle(page)
            page.get_by_text("Pupils on roll").wait_for()
            body = page.inner_text("body")
            assert "Northgate High School" in body and "This is a demonstration" not in body
            page.screenshot(path=str(artifacts / "setup_new_school_home.png"), full_page=True)
            page.get_by_role("link", name="Graduated approach").first.click()
            wait_idle(page)
            page.get_by_text("Current plan (SEN support)").first.wait_for()
            page.screenshot(path=str(artifacts / "setup_new_school_graduated.png"), full_page=True)

        missing = tmp_path / "nothere.duckdb"
        with running_app(missing, today=TODAY.isoformat()) as url:
            page = b.new_page(viewport={"width": 1280, "height": 700})
            page.goto(url)
            page.get_by_text("sendboard has no database to open").wait_for(timeout=30000)
            page.get_by_text("sendboard init --db").wait_for()  # the code blocks draw a moment later
            body = page.inner_text("body")
            assert "sendboard init" in body and str(missing) in body and "audit" not in body  # no list of pages
            page.screenshot(path=str(artifacts / "setup_missing_database.png"), full_page=True)
        assert not missing.exists()
