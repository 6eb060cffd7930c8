"""The main journey of each role, in a real browser (Playwright + Debian's Chromium) on a copy of the demo
school, with screenshots in test-artifacts/journeys/:

(a) a head reads the overview, drills from a need to the pupils, and changes the term;
(b) a teacher opens their class profile, records a review on a pupil's passport and sees it in the history;
(c) a SENCO imports a CSV on the Data page: a file with an error, then a good one; previews, commits, undoes;
(d) a governor reads the pack and downloads the PDF;
(e) an administrator adds a user and finds it in the audit log.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import a11y_helpers as h
from tests.browser import browser, running_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_copy(demo_template, tmp_path_factory):
    return h.copy_demo(demo_template, tmp_path_factory.mktemp("journeys"))


@pytest.fixture(scope="module")
def upns(demo_copy):
    """Two pupils with no SEN today, with the start of that 'N' record (read before the app opens the file)."""
    from sendboard.app_db import open_database
    from sendboard.db import close_all

    rows = open_database(demo_copy).cursor().execute("""
        SELECT p.upn, s.start_date FROM pupils p JOIN sen_provision s USING (pupil_id)
        WHERE s.end_date IS NULL AND s.code = 'N' AND s.start_date < DATE '2026-11-01'
        ORDER BY p.upn LIMIT 2""").fetchall()
    close_all()
    return rows


@pytest.fixture(scope="module")
def app(demo_copy, upns):
    with running_app(demo_copy, h.DEMO_TODAY) as url:
        yield url


@pytest.fixture(scope="module")
def chromium(app):
    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def shots(artifacts):
    folder = artifacts / "journeys"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def session(chromium, app):
    made = []

    def start(role: str) -> h.Session:
        s = h.role_session(chromium, app, role)
        made.append(s)
        return s

    yield start
    for s in made:
        s.context.close()


def choose(page, box, option: str) -> None:
    """Pick an option in a Streamlit selectbox (a locator of its stSelectbox)."""
    box.locator("input").click()
    page.keyboard.type(option)  # the list filters as you type
    page.get_by_role("option", name=option, exact=True).first.wait_for()
    page.keyboard.press("Enter")
    h.settle(page)


def test_a_head_reads_the_overview_drills_to_pupils_and_changes_term(session, app, shots, tmp_path):
    page = session("head").page
    h.open_page(page, app, "overview")
    main = h.main_text(page)
    assert "Pupils on roll" in main and "On SEN support" in main and "With an EHC plan" in main
    h.screenshot(page, shots / "a1_overview.png")
    page.get_by_role("heading", name="The pupils behind a bar").scroll_into_view_if_needed()
    drill = page.locator('[data-testid="stSelectbox"]').filter(has_text="Show the pupils in")
    drill.locator("input").click()
    page.keyboard.type("Social, emotional")  # the list filters as you type: the SEMH bar
    need = page.get_by_role("option").filter(has_text=re.compile("Social, emotional", re.I)).first
    need.wait_for()
    chosen = need.inner_text()
    page.keyboard.press("Enter")
    h.settle(page)
    caption = page.get_by_text(re.compile(r"^\d+ pupils, as at \d")).first
    caption.wait_for()
    assert int(caption.inner_text().split()[0]) > 0
    pupils = h.download_table_csv(page, "overview_pupils", tmp_path)
    assert len(pupils) == int(caption.inner_text().split()[0])
    assert pupils.apply(lambda r: "SEMH" in " ".join(r.values) or "Social, Emotional" in " ".join(r.values), axis=1).all(), chosen
    caption.scroll_into_view_if_needed()
    h.screenshot(page, shots / "a2_overview_pupils.png")

    term = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Term")
    choose(page, term, "Summer 2026")
    page.get_by_role("heading", name="Overview", exact=True).wait_for()
    h.settle(page)
    assert term.locator("input").input_value() == "Summer 2026"
    as_at = re.search(r"· as at (\d+ \w+ \d{4})", h.main_text(page)).group(1)
    assert as_at != "23 November 2026" and as_at.endswith("2026"), as_at  # the summer term's census date
    h.screenshot(page, shots / "a3_overview_summer.png")


def test_b_teacher_records_a_review_and_sees_it_in_the_history(session, app, shots):
    page = session("teacher").page
    h.open_page(page, app, "class_profile")
    h.screenshot(page, shots / "b1_class_profile.png")
    links = page.get_by_role("link", name="Open passport")
    assert links.count() > 0, "the teacher's class has no pupil cards"
    note = "Read the passage aloud with a partner and answered three questions (journey test)."
    for i in range(min(links.count(), 6)):
        if i:
            h.open_page(page, app, "class_profile")
        page.get_by_role("link", name="Open passport").nth(i).click()
        page.get_by_role("heading", name="Pupil passport", exact=True).wait_for()
        h.settle(page)
        page.get_by_role("tab", name="Targets and reviews").click()
        page.get_by_role("tabpanel", name="Targets and reviews").wait_for()
        if page.get_by_role("button", name="Save review").count():
            break
    else:
        pytest.skip("none of the first six pupils in the teacher's class has an open target to review")
    h.screenshot(page, shots / "b2_passport_targets.png")
    page.get_by_text("Emerging", exact=True).click()
    page.get_by_role("textbox", name="Note (what you saw, the evidence)").fill(note)
    page.get_by_role("button", name="Save review").click()
    page.get_by_text("Review saved").wait_for(timeout=45000)
    h.settle(page)
    if not page.get_by_role("tab", name="Targets and reviews", selected=True).count():
        page.get_by_role("tab", name="Targets and reviews").click()
        h.settle(page)  # the tabs are keyed: choosing one reruns the page, and a press mid-run is lost
    page.get_by_role("heading", name="Review history").scroll_into_view_if_needed()
    h.screenshot(page, shots / "b3_review_saved.png")
    button = page.locator('[class*="st-key-csv-reviews_"] button').first
    button.scroll_into_view_if_needed()
    h.settle(page)
    with page.expect_download() as info:
        button.click()
    history = Path(info.value.path()).read_text(encoding="utf-8")
    assert note in history and "Emerging" in history


def _sen_csv(pupils, codes) -> str:
    """Each pupil's 'no SEN' record closed on 1 November 2026 and SEN support (or `code`) from the 2nd."""
    return "UPN,SEN Provision,Start Date,End Date,Primary Need\n" + "".join(
        f"{upn},N,{start:%d/%m/%Y},01/11/2026,\n{upn},{code},02/11/2026,,SPLD\n" for (upn, start), code in zip(pupils, codes))


def test_c_senco_imports_a_csv_previews_commits_and_undoes(session, app, upns, shots, tmp_path):
    bad = tmp_path / "sen_register_with_a_mistake.csv"
    bad.write_text(_sen_csv(upns, ["K", "Q"]))
    good = tmp_path / "sen_register.csv"
    good.write_text(_sen_csv(upns, ["K", "K"]))
    page = session("senco").page
    h.open_page(page, app, "data")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_text("problem(s) found").wait_for(timeout=45000)
    h.settle(page)
    assert re.search(r"Nothing can be imported yet: \d+ problem\(s\) found", h.main_text(page))
    assert page.get_by_role("button", name="Import").count() == 0
    problems = h.download_table_csv(page, "import_problems", tmp_path)
    assert problems["Found"].str.contains("Q").any(), problems.to_string()
    h.screenshot(page, shots / "c1_data_error.png")

    # Take the bad file away, then upload the corrected one.
    page.locator('[data-testid="stFileChipDeleteBtn"] button').first.click()
    h.settle(page)
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_text(re.compile("All rows are valid|problem\\(s\\) found")).first.wait_for(timeout=45000)
    h.settle(page)
    h.screenshot(page, shots / "c2_data_preview.png")
    page.get_by_text("All rows are valid").wait_for(timeout=90000)
    h.settle(page)
    assert "problem(s) found" not in h.main_text(page)
    h.screenshot(page, shots / "c2_data_preview.png")
    page.get_by_role("button", name="Import").click()
    page.get_by_text("You can undo it").wait_for(timeout=45000)
    h.settle(page)
    assert re.search(r"import \d+\): [1-9]\d* rows added, 2 changed", h.main_text(page)), h.main_text(page)[:800]
    h.screenshot(page, shots / "c3_data_imported.png")

    page.get_by_role("tab", name="History and undo").click()
    page.get_by_text("I understand that undo puts back").click()
    h.settle(page)
    page.get_by_role("button", name="Undo the last import").click()
    page.get_by_text("Undone:").wait_for(timeout=45000)
    h.settle(page)
    h.screenshot(page, shots / "c4_data_undone.png")


def test_d_governor_reads_the_pack_and_downloads_the_pdf(session, app, shots):
    page = session("governor").page
    h.open_page(page, app, "governors")
    main = h.main_text(page)
    assert "Anonymised: no pupil is named" in main and "Questions governors could ask" in main
    h.screenshot(page, shots / "d1_governors_pack.png")
    with page.expect_download(timeout=90000) as info:
        page.get_by_role("button", name="Download PDF pack").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF"), data[:20]
    (shots / download.suggested_filename).write_bytes(data)


def test_e_admin_adds_a_user_and_reads_the_audit_log(session, app, shots, tmp_path):
    page = session("admin").page
    h.open_page(page, app, "users")
    page.get_by_role("tab", name="Add an account").click()
    page.get_by_role("textbox", name="New username").fill("jsmith")
    page.get_by_role("textbox", name="Full name").fill("Jo Smith")
    page.get_by_role("textbox", name="Initial password", exact=True).fill("a long enough password")
    page.get_by_role("textbox", name="Initial password again").fill("a long enough password")
    h.screenshot(page, shots / "e1_add_user.png")
    page.get_by_role("button", name="Add account").click()
    page.get_by_text("Added the account jsmith").wait_for(timeout=45000)
    h.settle(page)
    h.screenshot(page, shots / "e2_user_added.png")

    h.open_page(page, app, "audit")
    h.screenshot(page, shots / "e3_audit_log.png")
    log = h.download_table_csv(page, "audit_log", tmp_path)
    added = log[log.apply(lambda r: "jsmith" in " ".join(r.values), axis=1)]
    assert len(added) >= 1, log.head(10).to_string()
    assert (added["User"] == "admin").any()
