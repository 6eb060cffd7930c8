"""The app shell: sign-in, navigation by role, refusal of pages a role may not open, idle expiry."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendboard.access import PAGES, ROLES
from tests.apptest_helpers import all_text, app, signed_in
from tests.fixture_school import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def test_sign_in_form_has_the_labels_tools_rely_on(fixture_path):
    at = app()
    at.run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert any(b.label == "Sign in" for b in at.button)
    assert not at.exception


def test_signing_in_shows_the_home_page(fixture_path):
    at = app()
    at.run()
    at.text_input[0].input("head")
    at.text_input[1].input(PASSWORD)
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    assert not at.exception
    assert "Welcome" in at.title[0].value
    assert [m.label for m in at.metric] == ["Pupils on roll", "On SEN support", "With an EHC plan"]


def test_a_wrong_password_is_refused(fixture_path):
    at = app()
    at.run()
    at.text_input[0].input("head")
    at.text_input[1].input("not the password")
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    assert "do not match" in at.error[0].value
    assert "Welcome" not in all_text(at)


@pytest.mark.parametrize("username", ["head", "senco", "teacher", "governor", "admin", "trust"])
def test_home_lists_exactly_the_pages_the_role_may_open(fixture_path, username):
    at = signed_in(username)
    assert not at.exception
    links = [link.proto.label.split("**")[1] for link in at.get("page_link")]
    expected = [p.title for p in PAGES if username in p.roles and p.key != "home"]
    assert links == expected


def test_home_headline_figures_match_the_fixture(fixture_path):
    at = signed_in("head", term_id=20252)
    values = {m.label: m.value for m in at.metric}
    assert values["Pupils on roll"] == "20"
    assert values["On SEN support"] == "4"
    assert values["With an EHC plan"] == "2"


@pytest.mark.parametrize("role", ROLES)
def test_pages_a_role_may_not_open_are_neither_listed_nor_reachable(fixture_path, role):
    at = signed_in(role)
    viewer = at.session_state["viewer"]
    for page in PAGES:
        if role in page.roles:
            continue
        with pytest.raises(ValueError):  # not registered with st.navigation, so no URL reaches it
            at.switch_page(page.path)
        direct = AppTest.from_file(str(ROOT / page.path), default_timeout=30)
        direct.session_state["viewer"] = viewer
        direct.run()
        assert "not available for your role" in all_text(direct), (role, page.key)
    from sendboard.app_db import open_database

    refused = open_database().cursor().execute(
        "SELECT count(*) FROM audit_log WHERE action = 'page_refused' AND username = $u", {"u": role}).fetchone()[0]
    forbidden = [p for p in PAGES if role not in p.roles]
    assert refused == len(forbidden)


def test_an_idle_session_expires(fixture_path):
    at = signed_in("senco")
    at.session_state["last_active"] = 0  # long ago
    at.run()
    assert "idle" in all_text(at)
    assert "Welcome" not in all_text(at) and "viewer" not in at.session_state
