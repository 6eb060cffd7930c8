"""Single sign-on (st.login with an [auth] section in secrets): a proved e-mail that belongs to an account
lands on that role's home page; an unknown or disabled one gets the 'not linked' message and no pupil data."""
from pathlib import Path

import pytest

from sendboard import auth
from sendboard.access import PAGES
from sendboard.app_db import open_database
from tests.apptest_helpers import all_text, app

ROOT = Path(__file__).resolve().parent.parent
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-string-for-the-test-only",
    "client_id": "00000000-0000-0000-0000-000000000000",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration",
}


def sso_app(email: str | None, *, logged_in: bool = True, secrets: bool = True, **claims):
    """The app with an identity the provider proved (a verified e-mail, subject 'sub-<e-mail>')."""
    at = app()
    if secrets:
        at.secrets["auth"] = dict(AUTH)
    at.user = {"is_logged_in": logged_in, **({"email": email} if email else {}), "name": "Someone",
               "iss": "https://idp.example", "sub": f"sub-{email}", "email_verified": True, **claims}
    at.run()
    return at


def pupil_strings():
    rows = open_database().cursor().execute("SELECT first_name, last_name, upn FROM pupils").fetchall()
    return {s for row in rows for s in (f"{row[0]} {row[1]}", row[2])}


@pytest.mark.parametrize("username", ["head", "senco", "teacher", "governor", "admin", "trust"])
def test_a_linked_email_lands_on_that_roles_home_page(fixture_path, username):
    at = sso_app(f"{username}@oak.sch.uk")
    assert not at.exception
    viewer = at.session_state["viewer"]
    assert viewer.username == username
    assert "Welcome" in at.title[0].value
    links = [link.proto.label.split("**")[1] for link in at.get("page_link")]
    assert links == [p.title for p in PAGES if username in p.roles and p.key != "home"]
    row = open_database().cursor().execute(
        "SELECT username, role, object_type FROM audit_log WHERE action = 'sign_in' ORDER BY audit_id DESC LIMIT 1").fetchone()
    assert row == (username, viewer.role, "sso")


def test_the_email_match_ignores_case(fixture_path):
    at = sso_app("SENCO@Oak.Sch.UK")
    assert at.session_state["viewer"].username == "senco"


@pytest.mark.parametrize("email", ["stranger@oak.sch.uk", "head@oak.sch.uk.evil.example", "<script>@x.y"])
def test_an_unknown_email_is_told_it_is_not_linked_and_sees_nothing(fixture_path, email):
    at = sso_app(email)
    assert not at.exception
    text = all_text(at)
    assert "not linked" in text
    assert "viewer" not in at.session_state
    assert not at.metric and not at.dataframe and not at.get("page_link")
    assert not any(s in text for s in pupil_strings())
    assert open_database().cursor().execute(
        "SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed' AND object_type = 'sso' AND object_id = $e",
        {"e": email}).fetchone()[0] >= 1


def test_a_disabled_account_cannot_sign_in_with_sso(fixture_path):
    auth.set_disabled(open_database(), "admin", "teacher2")
    at = sso_app("teacher2@oak.sch.uk")
    assert "not linked" in all_text(at) and "viewer" not in at.session_state


def test_the_sign_in_page_offers_the_school_account_button_only_when_configured(fixture_path):
    at = sso_app(None, logged_in=False)
    assert any(b.label == "Sign in with your school account" for b in at.button)
    assert [t.label for t in at.text_input] == ["Username", "Password"]  # passwords still work
    plain = sso_app(None, logged_in=False, secrets=False)
    assert not any(b.label == "Sign in with your school account" for b in plain.button)


def test_a_logged_in_identity_is_ignored_without_an_auth_section(fixture_path):
    at = sso_app("head@oak.sch.uk", secrets=False)
    assert "viewer" not in at.session_state and "Welcome" not in all_text(at)


def test_an_email_with_no_account_at_all_never_matches_an_account_without_email(fixture_path):
    db = open_database()
    db.cursor().execute("UPDATE users SET email = NULL WHERE username = 'governor'")
    at = sso_app("")
    assert "viewer" not in at.session_state


def test_an_unlinked_person_is_offered_sign_out_not_a_sign_in_loop(fixture_path):
    at = sso_app("stranger@oak.sch.uk")
    labels = [b.label for b in at.button]
    assert "Sign out of your school account" in labels and "Sign in with your school account" not in labels


def test_an_unlinked_person_is_audited_once_not_on_every_rerun(fixture_path):
    at = sso_app("stranger@oak.sch.uk")
    at.run()
    at.run()
    assert "not linked" in all_text(at)
    assert open_database().cursor().execute(
        "SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed' AND object_id = 'stranger@oak.sch.uk'"
    ).fetchone()[0] == 1


def test_a_school_sign_in_older_than_the_longest_session_must_be_made_again(fixture_path):
    import time

    at = sso_app("head@oak.sch.uk", iat=int(time.time()) - 13 * 3600)  # the default longest session: 12 hours
    assert "viewer" not in at.session_state and "sign in with your school account again" in all_text(at)
    assert any(b.label == "Sign in with your school account" for b in at.button)
    fresh = sso_app("head@oak.sch.uk", iat=int(time.time()) - 60)
    assert fresh.session_state["viewer"].username == "head"


def test_the_sso_extra_installs_what_streamlits_sign_in_route_imports():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    names = {r.split(">")[0].split("=")[0].strip().lower() for r in extras["sso"]}
    assert "streamlit[auth]" in names or {"authlib", "httpx"} <= names
    assert any(r.lower().startswith("streamlit[auth]") for r in extras["test"])  # CI runs the sign-in route
    import authlib  # noqa: F401  (Streamlit's /auth/login needs both)
    import httpx  # noqa: F401
