"""Single sign-on against a real OpenID Connect provider on loopback (oidc-provider-mock), driven in
Chromium through the whole flow, with a secrets.toml of the shape the README shows: a linked account
(bound to its subject on first sign-in), a reload that keeps the session, an unlinked address, an
unverified address, another domain, a disabled account, a role change at the next click, sign-out."""
import pytest

from sendboard import auth
from sendboard import db as dbmod
from sendboard.app_db import open_database
from tests.browser import browser, wait_idle
from tests.fixture_school import PASSWORD, TODAY
from tests.sso_provider import free_port, provider, running_app_with_secrets, set_identity, write_secrets

pytestmark = [pytest.mark.browser]

TIMEOUT = 45000
DOMAIN = "oak.sch.uk"


def sso_sign_in(page, url: str, subject: str, path: str = "") -> None:
    """From the sign-in form, through the provider's own page, back to sendboard."""
    page.goto(url + path)
    page.wait_for_url("**/signin**")
    page.get_by_role("link", name="Sign in with your school account").click()
    page.locator('input[name="sub"]').first.wait_for(timeout=TIMEOUT)
    page.locator('input[name="sub"]').first.fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=TIMEOUT)


def settled(page) -> None:
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=TIMEOUT)
    wait_idle(page, TIMEOUT)


def test_single_sign_on_through_a_real_provider(fixture_path, tmp_path, artifacts):
    db = open_database(fixture_path)
    auth.set_disabled(db, "admin", "teacher2")
    dbmod.close_all()
    with provider() as idp:
        for subject, claims in {
            "head-sub": {"email": "Head@Oak.sch.uk", "email_verified": True, "hd": DOMAIN},
            "senco-sub": {"email": "senco@oak.sch.uk", "email_verified": True, "hd": DOMAIN},
            "stranger-sub": {"email": "stranger@oak.sch.uk", "email_verified": True, "hd": DOMAIN},
            "unverified-sub": {"email": "teacher@oak.sch.uk", "email_verified": False, "hd": DOMAIN},
            "other-domain-sub": {"email": "head@oak.sch.uk", "email_verified": True, "hd": "elsewhere.example"},
            "disabled-sub": {"email": "teacher2@oak.sch.uk", "email_verified": True, "hd": DOMAIN},
        }.items():
            set_identity(idp, subject, claims)
        port = free_port()
        app_url = f"http://127.0.0.1:{port}"
        secrets = write_secrets(tmp_path / "secrets.toml", app_url, idp, allowed_domain=DOMAIN)
        with running_app_with_secrets(fixture_path, TODAY.isoformat(), secrets, port,
                                      log=artifacts / "sso_browser_app.log") as url, browser() as b:
            # A linked e-mail (letter case ignored) signs in with its account's role, on the page that was
            # asked for, and a reload keeps it.
            head = b.new_context(viewport={"width": 1300, "height": 800}).new_page()
            sso_sign_in(head, url, "head-sub", "/overview")
            head.wait_for_url(f"{url}/overview", timeout=TIMEOUT)
            head.get_by_role("heading", name="Overview").wait_for(timeout=TIMEOUT)
            head.get_by_text("Pupils on roll", exact=True).wait_for(timeout=TIMEOUT)
            head.screenshot(path=str(artifacts / "sso_signed_in_head.png"))
            head.reload()
            head.get_by_role("heading", name="Overview").wait_for(timeout=TIMEOUT)
            head.goto(url)
            head.get_by_role("heading", name="Welcome, Head").wait_for(timeout=TIMEOUT)  # not sent to /overview again

            # Refusals: each with its own message, no pupil data, a way out rather than a loop.
            for subject, message in (("stranger-sub", "not linked to a sendboard account"),
                                     ("unverified-sub", "not verified"),
                                     ("other-domain-sub", "another organisation"),
                                     ("disabled-sub", "not linked to a sendboard account")):
                page = b.new_context(viewport={"width": 1300, "height": 800}).new_page()
                sso_sign_in(page, url, subject)
                page.get_by_text(message).wait_for(timeout=TIMEOUT)
                settled(page)
                assert page.get_by_text("Pupils on roll").count() == 0
                assert page.get_by_role("button", name="Sign out of your school account").count() == 1
                if subject == "unverified-sub":
                    page.screenshot(path=str(artifacts / "sso_refused_unverified.png"))
                page.context.close()

            # A role change takes effect at the next click: signed out, with the reason; signing in
            # again brings the new role.
            senco = b.new_context(viewport={"width": 1300, "height": 800}).new_page()
            sso_sign_in(senco, url, "senco-sub")
            senco.get_by_text("Signed in as SENCO").wait_for(timeout=TIMEOUT)
            admin = b.new_context(viewport={"width": 1300, "height": 900}).new_page()
            admin.goto(f"{url}/users")
            admin.get_by_role("textbox", name="Username").fill("admin")
            admin.get_by_role("textbox", name="Password").fill(PASSWORD)
            admin.get_by_role("button", name="Sign in").click()
            admin.get_by_role("button", name="Sign out").wait_for(timeout=TIMEOUT)
            wait_idle(admin, TIMEOUT)
            admin.get_by_role("tab", name="Change an account").click()
            admin.get_by_role("combobox", name="Account", exact=True).click()
            admin.keyboard.type("senco")
            admin.keyboard.press("Enter")
            admin.wait_for_function("""() => (document.querySelector('input[aria-label="Account"]') || {}).value
                                           ?.startsWith('senco ')""", timeout=TIMEOUT, polling=100)
            # the chosen account's own fields are drawn (not the first account's, still on screen)
            admin.wait_for_function("() => [...document.querySelectorAll('input')]"
                                    ".some(i => i.value === 'senco@oak.sch.uk')", timeout=TIMEOUT, polling=100)
            wait_idle(admin, TIMEOUT)
            form = admin.locator('[data-testid="stForm"]').filter(has_text="Save role")
            form.get_by_role("combobox").click()
            admin.get_by_role("option", name="Teacher", exact=True).click()
            form.get_by_role("button", name="Save role").click()
            admin.get_by_text("senco is now teacher").wait_for(timeout=TIMEOUT)

            senco.locator('[data-testid="stSidebarNav"]').get_by_text("Glossary").click()
            senco.get_by_text("role was changed").wait_for(timeout=TIMEOUT)
            senco.screenshot(path=str(artifacts / "sso_role_changed.png"))
            senco.get_by_role("button", name="Sign in with your school account").click()
            senco.locator('input[name="sub"]').first.wait_for(timeout=TIMEOUT)  # a fresh trip to the provider
            senco.locator('input[name="sub"]').first.fill("senco-sub")
            senco.get_by_role("button", name="Authorize").click()
            senco.get_by_text("Signed in as teacher").wait_for(timeout=TIMEOUT)

            # Sign-out ends the sendboard session and goes on to the provider's own sign-out; coming
            # back finds the sign-in form, not a silent way back in.
            head.get_by_role("button", name="Sign out").click()
            head.wait_for_url(f"{idp}/**", timeout=TIMEOUT)
            head.goto(url)
            head.wait_for_url("**/signin**")
            head.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT)

    db = open_database(fixture_path)
    rows = db.cursor().execute(
        "SELECT action, username, object_id, detail FROM audit_log WHERE object_type = 'sso' "
        "OR action IN ('sso_bound', 'sign_out') ORDER BY audit_id").fetchall()
    actions = [r[0] for r in rows]
    assert actions.count("sso_bound") == 2  # head and senco, each once, on their first sign-in
    reasons = [r[3] for r in rows if r[0] == "sign_in_failed"]
    assert any("e-mail not verified" in r for r in reasons) and any("other domain" in r for r in reasons)
    assert any("no active account" in r for r in reasons)
    bound = dict(db.cursor().execute("SELECT u.username, i.subject FROM signin_identities i "
                                     "JOIN users u USING (user_id)").fetchall())
    assert bound == {"head": "head-sub", "senco": "senco-sub"}
