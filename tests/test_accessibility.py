"""Accessible in a real browser (Playwright + Debian's Chromium, axe-core 4.x):

- every page, for every role that may open it, has no serious or critical axe-core violation (a few
  findings in Streamlit's own navigation markup are excused narrowly in tests/a11y_helpers.py);
- every chart (drawn on the server: an SVG image with its alternative text) has a 'Table' tab beside it (its
  text alternative), a page that opens on charts shows them, and the page passes axe again with its Table
  tabs and expanders open (once per page);
- sign-in and the sidebar Term filter work with the keyboard alone;
- statuses and flags carry text or a symbol, never colour alone;
- a screenshot of each page at 1366x768 and 1024x768 (tablet) goes to test-artifacts/screens/.

One app (on a copy of the demo school), one Chromium and one signed-in context per role serve the
whole module. Pages are opened by their URL inside the session (see a11y_helpers.open_page).
"""
from __future__ import annotations

import re

import pytest

from sendboard.bench.browser import DRAWN_CHART
from sendboard.chart_preload import CHART_PAGES
from tests import a11y_helpers as h
from tests.apptest_helpers import TABS_DRAWN_WHEN_OPEN
from tests.browser import browser, running_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(demo_template, tmp_path_factory):
    path = h.copy_demo(demo_template, tmp_path_factory.mktemp("a11y"))
    with running_app(path, h.DEMO_TODAY) as url:
        yield url


@pytest.fixture(scope="module")
def chromium(app):
    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def sessions(app, chromium):
    """A signed-in context per role, made on first use and kept for the module."""
    made: dict[str, h.Session] = {}

    def get(role: str) -> h.Session:
        if role not in made:
            made[role] = h.role_session(chromium, app, role)
        return made[role]

    yield get
    for s in made.values():
        s.context.close()


@pytest.fixture(scope="module")
def screens(artifacts):
    return artifacts / "screens"


PAIRS = h.page_role_pairs()
FIRST_ROLE = {}
for _key, _role in PAIRS:
    FIRST_ROLE.setdefault(_key, _role)

# Pages whose charts have their text alternative as a table drawn straight under them, not a 'Table'
# tab (ui.chart_only): the check then asks for that table instead.
TABLE_UNDER_CHARTS = {"identification": "the 'Compare by' charts share the table drawn under them"}
# Roles for whom a page of CHART_PAGES opens without a chart on the demo school.
OPENS_WITHOUT_A_CHART = {("provision_map", "teacher"): "opens on the teacher's own pupils",
                         ("ehc_plans", "trust"): "the deadline timeline names pupils; the demo trust does not share "
                                                 "names, so the trust lead gets counts"}


@pytest.mark.parametrize("role,key", [(r, k) for k, r in PAIRS], ids=[f"{r}-{k}" for k, r in PAIRS])
def test_page_has_no_serious_axe_violations_and_every_chart_has_a_table(app, sessions, screens, role, key):
    page = sessions(role).page
    page.set_viewport_size(h.DESKTOP)
    h.open_page(page, app, key)
    violations = h.axe_violations(page)
    h.screenshot(page, screens / f"{key}_{role}_1366.png")
    page.set_viewport_size(h.TABLET)
    h.settle(page)
    h.screenshot(page, screens / f"{key}_{role}_1024.png")
    page.set_viewport_size(h.DESKTOP)
    assert violations == [], f"axe-core on /{key} as {role}:\n{h.describe(violations)}"
    charts, tables = h.chart_and_table_tabs(page)
    if key in CHART_PAGES and (key, role) not in OPENS_WITHOUT_A_CHART:
        assert charts > 0, f"/{key} as {role}: no chart drawn on the server reached the page"
    if key in TABLE_UNDER_CHARTS and charts > tables:
        follows = page.evaluate("""() => { const c = [...document.querySelectorAll('[data-testid="stMain"] DRAWN_CHART')].pop();
            return [...document.querySelectorAll('[data-testid="stDataFrame"]')].some(
                t => c.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING); }""".replace("DRAWN_CHART", DRAWN_CHART))
        assert follows, f"/{key}: no table follows the charts"
    else:
        assert tables >= charts, f"/{key} as {role}: {charts} charts but only {tables} 'Table' tabs"
    if role == FIRST_ROLE[key]:  # once per page: the text alternatives themselves (Table tabs, expanders)
        for tab in page.get_by_role("tab", name="Table", exact=True).all():
            if tab.is_visible():
                tab.click()
        h.settle(page)  # ui.chart's tabs switch in the browser, without a run: the settle returns at once
        violations = h.axe_violations(page)
        assert violations == [], f"axe-core on /{key} as {role}, tables shown:\n{h.describe(violations)}"
        # A page that draws only its open tab: each of its other tabs opened in turn (a run each) and checked
        # the same way, so what the page's hidden tabs used to put in front of axe is still checked.
        _, tab_labels = TABS_DRAWN_WHEN_OPEN.get(key, (None, {}))
        for label in tab_labels.get(role, ())[1:]:
            page.get_by_role("tab", name=label, exact=True).first.click()
            h.settle(page)
            violations = h.axe_violations(page)
            assert violations == [], f"axe-core on /{key} as {role}, tab {label!r}:\n{h.describe(violations)}"
            charts, tables = h.chart_and_table_tabs(page)
            assert tables >= charts, f"/{key} as {role}, tab {label!r}: {charts} charts but only {tables} 'Table' tabs"


def test_sign_in_page_has_no_serious_axe_violations(app, chromium, screens):
    context = chromium.new_context(viewport=h.DESKTOP)
    try:
        page = context.new_page()
        page.goto(app)
        page.get_by_role("textbox", name="Username").wait_for()
        h.settle(page)
        violations = h.axe_violations(page)
        h.screenshot(page, screens / "sign_in_1366.png")
        assert violations == [], h.describe(violations)
    finally:
        context.close()


def _focused_widget(page) -> str:
    """The label of the Streamlit widget holding keyboard focus ('' if none)."""
    return page.evaluate("""() => {
        const a = document.activeElement;
        const w = a && a.tagName === 'INPUT' && a.closest('[data-testid="stSelectbox"]');
        const label = w && w.querySelector('[data-testid="stWidgetLabel"]');
        return label ? label.innerText.trim() : '';
    }""")


def test_keyboard_only_sign_in_and_term_filter(app, chromium, screens):
    context = chromium.new_context(viewport=h.DESKTOP)
    try:
        page = context.new_page()
        page.goto(app)
        username = page.get_by_role("textbox", name="Username")
        username.wait_for()
        h.settle(page)
        username.focus()
        page.keyboard.type("head")
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.getAttribute('type')") == "password"
        page.keyboard.type(h.DEMO_PASSWORD)
        page.keyboard.press("Enter")  # Enter in a form's field submits the form
        page.get_by_text("Sign out").wait_for(timeout=45000)
        h.settle(page)
        page.get_by_role("heading", name=re.compile("^Welcome, ")).wait_for()

        # Tab through the page until the sidebar's Term selectbox has focus: it is reachable by keyboard.
        term_box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Term")
        before = term_box.locator("input").input_value()
        caption_before = h.main_text(page)
        for _ in range(80):
            page.keyboard.press("Tab")
            if _focused_widget(page) == "Term":
                break
        else:
            pytest.fail("Tab never reached the Term selectbox")
        page.keyboard.press("ArrowDown")  # opens the list on the current term
        page.get_by_role("option").first.wait_for()
        h.screenshot(page, screens / "keyboard_term_open.png")
        page.keyboard.press("ArrowDown")  # the term before it
        page.keyboard.press("Enter")
        h.settle(page)
        h.screenshot(page, screens / "keyboard_term_chosen.png")
        page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stSelectbox] input')]"
                               ".some((i) => i.value === 'Spring 2026')", polling=100)
        h.settle(page)
        after = term_box.locator("input").input_value()
        assert (before, after) == ("Autumn 2026", "Spring 2026")
        assert h.main_text(page) != caption_before  # the home figures are now as at the earlier term
        h.screenshot(page, screens / "keyboard_term_changed.png")
    finally:
        context.close()


STATUS = re.compile(r"^[⚠◔✓]\s+\w")  # a symbol and a word: never colour alone


def test_statuses_carry_text_or_a_symbol(app, sessions, tmp_path):
    """The EHC deadline list and the overdue reviews say their status in words with a symbol; the class
    profile's cards say each pupil's SEN status in words; impact verdicts are words."""
    page = sessions("senco").page
    h.open_page(page, app, "ehc_plans")
    deadlines = h.download_table_csv(page, "ehc_deadlines", tmp_path)
    assert len(deadlines) > 0
    bad = [s for s in deadlines["Status"] if not STATUS.match(s)]
    assert bad == [], f"EHC deadline statuses without a symbol and a word: {sorted(set(bad))}"
    assert deadlines["Status"].str.contains("Overdue|Due|On track").all()

    h.open_page(page, app, "graduated_approach")
    if page.locator(".st-key-csv-graduated_overdue").count():
        overdue = h.download_table_csv(page, "graduated_overdue", tmp_path)
        assert set(overdue["Status"]) == {"⚠ Overdue"}

    h.open_page(page, app, "class_profile")
    cards = page.locator('[data-testid="stMain"] [data-testid="stVerticalBlock"]').filter(
        has=page.get_by_role("link", name="Open passport")).filter(has_not=page.locator('[data-testid="stHorizontalBlock"]'))
    texts = cards.all_inner_texts()
    assert texts, "no pupil cards on the class profile"
    for text in texts:  # each card names the pupil's SEN status in words, beside the coloured badge
        assert any(w in text for w in ("EHC plan", "SEN support", "Not on the register")), text[:300]

    h.open_page(page, app, "impact")
    main = h.main_text(page)
    assert any(v in main for v in ("Good value", "Review it", "Not enough data yet"))
