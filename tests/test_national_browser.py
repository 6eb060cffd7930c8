"""National figures with their years and banded review rates, as a head sees them in a real browser
(Playwright + Debian's Chromium) on a copy of the demo school; screenshots in test-artifacts/national/."""
from __future__ import annotations

import pytest

from tests import a11y_helpers as h

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def head_page(demo_template, tmp_path_factory):
    with h.demo_session(demo_template, tmp_path_factory.mktemp("national_browser"), "head", {"width": 1024, "height": 900}) as opened:
        yield opened


def test_overview_and_pack_name_every_national_year(head_page, artifacts):
    page, url = head_page
    folder = artifacts / "national"
    folder.mkdir(parents=True, exist_ok=True)
    h.open_page(page, url, "overview")
    page.get_by_text("Against national and our own past").wait_for()  # the figures below the date picker
    h.settle(page)
    main = h.main_text(page)
    # The demo school is secondary: the latest total (2025/26) and the latest split (2022/23), both named.
    assert "17.6% of pupils had SEN in 2025/26" in main and "the latest split, 2022/23" in main
    h.screenshot(page, folder / "overview_1024.png")
    h.open_page(page, url, "governors")
    page.get_by_text("Questions governors could ask").wait_for()
    h.settle(page)
    main = h.main_text(page)
    assert "national 17.6% (2025/26)" in main and "national 12.4% (2022/23)" in main
    assert "at the census" in main and "A range such as" in main
    h.screenshot(page, folder / "governors_1024.png")
