"""The trust SEND lead in a real browser (Playwright + Debian's Chromium) on a copy of the demo school (a trust of
one school): from the Trust schools page into the school's EHC plans and Staff expertise pages, read only, with
no pupil named (the trust's data-sharing setting is off by default). Screenshots in test-artifacts/trust/."""
from __future__ import annotations

import re

import pytest

from tests import a11y_helpers as h

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def trust_page(demo_template, tmp_path_factory):
    with h.demo_session(demo_template, tmp_path_factory.mktemp("trust_browser"), "trust", {"width": 1024, "height": 1100}) as opened:
        yield opened


def test_the_trust_lead_opens_a_schools_ehc_plans_read_only_and_without_names(trust_page, artifacts):
    page, url = trust_page
    folder = artifacts / "trust"
    folder.mkdir(parents=True, exist_ok=True)
    h.open_page(page, url, "trust")
    page.get_by_text("Open a school's own pages").wait_for()
    h.settle(page)
    # the tables' cells (drawn on a canvas; their accessible copy is in the page, filled in once the grid has
    # measured itself): words, never 'None'
    page.locator("td", has_text="no national figure").first.wait_for(state="attached")
    assert page.locator("td", has_text="no national figure").count() >= 1
    assert page.locator("td", has_text=re.compile(r"^\s*None\s*$")).count() == 0
    page.get_by_role("combobox", name="School").click()
    page.get_by_role("option").first.click()
    h.settle(page)
    page.get_by_role("button", name="EHC plans").click()
    page.get_by_text("Every open deadline", exact=True).wait_for()
    h.settle(page)
    main = h.main_text(page)
    assert "Pupils' names are not shown to the trust" in main
    assert not re.search(r"\bSave\b", main) and page.get_by_role("tab", name="Record").count() == 0  # read only
    h.screenshot(page, folder / "ehc_plans_1024.png")
    h.open_page(page, url, "expertise")
    page.get_by_text("Training by member of staff").wait_for()
    h.settle(page)
    assert page.get_by_text("Update training records").count() == 0  # no form for the trust lead
    h.screenshot(page, folder / "expertise_1024.png")
