"""Sign-in rules without a browser: session tokens and their ends, throttling per source and per account,
the limit on password hashes at once, single sign-on bound to the provider's subject, and the in-app
session following the account. Times are passed in, so nothing waits."""
import hashlib
import threading
from datetime import timedelta

import pytest

from sendboard import auth, signin, web
from sendboard.access import AccessDenied
from sendboard.signin import SsoPolicy
from tests.apptest_helpers import all_text, app, signed_in
from tests.fixture_school import PASSWORD

T0 = signin.utcnow().replace(microsecond=0)
ATTACKER = "203.0.113.9"
OWNER = "198.51.100.4"


def user_id(db, username):
    return db.cursor().execute("SELECT user_id FROM users WHERE username = $u", {"u": username}).fetchone()[0]


def fail(db, username, source, at):
    with pytest.raises(signin.SignInRefused):
        signin.password_sign_in(db, username, "wrong password", source=source, now=at)


# --------------------------------------------------------------------------- sessions


def test_a_session_token_is_random_and_only_its_hash_is_stored(fixture_db):
    tokens = {signin.start_session(fixture_db, user_id(fixture_db, "head"), "password") for _ in range(20)}
    assert len(tokens) == 20 and all(len(t) >= 43 for t in tokens)  # 32 bytes = 256 bits, base64url
    stored = {row[0] for row in fixture_db.cursor().execute("SELECT token_hash FROM signin_sessions").fetchall()}
    assert stored == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
    assert not stored & tokens


def test_a_session_ends_when_idle_at_its_maximum_age_and_when_signed_out(fixture_db):
    head = user_id(fixture_db, "head")
    idle = signin.token_hash(signin.start_session(fixture_db, head, "password", now=T0))
    assert signin.check_session(fixture_db, idle, now=T0 + timedelta(minutes=29)).viewer.username == "head"
    # Idle is counted from the last activity (29 min above), and the default limit is 30 minutes.
    assert signin.check_session(fixture_db, idle, now=T0 + timedelta(minutes=58)).viewer is not None
    ended = signin.check_session(fixture_db, idle, now=T0 + timedelta(minutes=89))
    assert ended.viewer is None and "idle" in ended.ended
    assert fixture_db.cursor().execute("SELECT username, detail FROM audit_log WHERE action = 'sign_out'").fetchall() \
        == [("head", '{"reason": "idle"}')]

    busy = signin.token_hash(signin.start_session(fixture_db, head, "password", now=T0))
    for minutes in range(20, 12 * 60, 20):  # active every 20 minutes, all day
        assert signin.check_session(fixture_db, busy, now=T0 + timedelta(minutes=minutes)).viewer is not None
    over = signin.check_session(fixture_db, busy, now=T0 + timedelta(hours=12))
    assert over.viewer is None and "maximum length" in over.ended

    out = signin.token_hash(signin.start_session(fixture_db, head, "password"))
    signin.end_session(fixture_db, out)
    assert signin.check_session(fixture_db, out).ended == "You have signed out."


@pytest.mark.parametrize("change, words", [
    (lambda db: auth.set_role(db, "admin", "teacher2", "governor"), "role was changed"),
    (lambda db: auth.reset_password(db, "admin", "teacher2", "a brand new password 7"), "password was changed"),
    (lambda db: auth.set_disabled(db, "admin", "teacher2"), "disabled"),
])
def test_role_password_and_disabling_revoke_every_session_of_the_account(fixture_db, change, words):
    teacher2 = user_id(fixture_db, "teacher2")
    sessions = [signin.token_hash(signin.start_session(fixture_db, teacher2, "password")) for _ in range(2)]
    other = signin.token_hash(signin.start_session(fixture_db, user_id(fixture_db, "teacher"), "password"))
    change(fixture_db)
    for hashed in sessions:
        state = signin.check_session(fixture_db, hashed)
        assert state.viewer is None and words in state.ended
    assert signin.check_session(fixture_db, other).viewer.username == "teacher"


def test_the_viewer_is_rebuilt_from_the_account_on_every_check(fixture_db):
    teacher = user_id(fixture_db, "teacher")
    hashed = signin.token_hash(signin.start_session(fixture_db, teacher, "password"))
    assert signin.check_session(fixture_db, hashed).viewer.school_ids == (1,)
    fixture_db.cursor().execute("INSERT INTO user_schools VALUES ($u, 2)", {"u": teacher})
    assert signin.check_session(fixture_db, hashed).viewer.school_ids == (1, 2)


def test_the_next_page_is_only_a_path_on_this_site():
    assert web.safe_next("/overview") == "/overview"
    for bad in ("//evil.example/x", "https://evil.example/", "/overview?token=x", "javascript:alert(1)", "", None):
        assert web.safe_next(bad) == "/"


# --------------------------------------------------------------------------- throttling


@pytest.fixture
def fast_verify(monkeypatch):
    """The throttle is what these tests check, not argon2: a stand-in that knows the fixture password
    (each real check costs 64 MiB and about a second on a shared machine)."""
    from argon2.exceptions import VerifyMismatchError

    from sendboard import identity as auth_module

    class KnowsThePassword:
        def verify(self, stored, password):
            if password != PASSWORD:
                raise VerifyMismatchError()
            return True

    monkeypatch.setattr(auth_module, "_HASHER", KnowsThePassword())


def test_delays_grow_from_one_second_and_double_up_to_the_longest_wait():
    longest = timedelta(minutes=15)
    # The defaults: 3 free failures, the longest wait (15 minutes) from the 5th.
    assert [signin.delay_after(n, 3, 5, longest).total_seconds() for n in range(7)] == [0, 0, 0, 1, 2, 900, 900]
    # With the longest wait set to start later, the doubling shows, and never passes the longest wait.
    assert [signin.delay_after(n, 3, 20, longest).total_seconds() for n in range(3, 9)] == [1, 2, 4, 8, 16, 32]
    assert signin.delay_after(13, 3, 20, longest) == longest  # 2**10 s = 1024 s is more than 900 s


def test_an_attacker_slows_only_themselves_and_the_owner_still_gets_in(fixture_db, fast_verify):
    for i in range(3):  # three free failures, a minute apart
        fail(fixture_db, "head", ATTACKER, T0 + timedelta(minutes=i))
    with pytest.raises(signin.SignInRefused, match="Wait 1 second and"):
        signin.password_sign_in(fixture_db, "head", PASSWORD, source=ATTACKER, now=T0 + timedelta(minutes=2))
    fail(fixture_db, "head", ATTACKER, T0 + timedelta(minutes=3))
    with pytest.raises(signin.SignInRefused, match="Wait 2 seconds"):
        signin.password_sign_in(fixture_db, "head", PASSWORD, source=ATTACKER, now=T0 + timedelta(minutes=3))
    last = T0 + timedelta(minutes=4)
    fail(fixture_db, "head", ATTACKER, last)
    # Five failures: the longest wait, 15 minutes from the last, even with the right password.
    with pytest.raises(signin.SignInRefused, match="Wait 15 minutes"):
        signin.password_sign_in(fixture_db, "head", PASSWORD, source=ATTACKER, now=last)
    with pytest.raises(signin.SignInRefused, match="Wait 10 minutes"):
        signin.password_sign_in(fixture_db, "head", PASSWORD, source=ATTACKER, now=last + timedelta(minutes=5))
    # Refused attempts inside the wait are not counted: the wait does not grow by hammering.
    assert fixture_db.cursor().execute("SELECT count(*) FROM signin_failures").fetchone()[0] == 5
    # The owner, from a machine that has not failed, signs straight in.
    assert signin.password_sign_in(fixture_db, "head", PASSWORD, source=OWNER, now=last).username == "head"
    # After the wait the attacker's next guess is tried (and fails: another 15 minutes).
    fail(fixture_db, "head", ATTACKER, last + timedelta(minutes=15))
    with pytest.raises(signin.SignInRefused, match="Wait 15 minutes"):
        signin.password_sign_in(fixture_db, "head", "guess", source=ATTACKER, now=last + timedelta(minutes=15))


def test_spraying_many_accounts_from_one_source_is_slowed(fixture_db, fast_verify):
    names = ["head", "senco", "teacher", "teacher2", "governor"]
    for i, name in enumerate(names):  # one guess per account, five accounts, a minute apart
        fail(fixture_db, name, ATTACKER, T0 + timedelta(minutes=i))
    # Five failures from the source: the longest wait before any further guess at any account.
    with pytest.raises(signin.SignInRefused, match="Wait 15 minutes"):
        signin.password_sign_in(fixture_db, "admin", "guess", source=ATTACKER, now=T0 + timedelta(minutes=4))


def test_an_account_attacked_from_many_sources_slows_every_source_that_has_failed(fixture_db, fast_verify):
    for i in range(5):  # five sources, one failure each, all on the senco
        fail(fixture_db, "senco", f"192.0.2.{i}", T0 + timedelta(minutes=i))
    # The senco's count is 5: a source that has failed waits the longest wait; a clean one does not.
    with pytest.raises(signin.SignInRefused, match="Wait 15 minutes"):
        signin.password_sign_in(fixture_db, "senco", "guess", source="192.0.2.0", now=T0 + timedelta(minutes=4))
    assert signin.password_sign_in(fixture_db, "senco", PASSWORD, source=OWNER, now=T0 + timedelta(minutes=4))


def test_failures_older_than_the_window_no_longer_count(fixture_db, fast_verify):
    for i in range(6):
        fail(fixture_db, "head", ATTACKER, T0 + timedelta(seconds=10 * i))
    later = T0 + timedelta(minutes=61)
    assert signin.throttle_for(fixture_db, ATTACKER, user_id(fixture_db, "head"), now=later).wait == timedelta(0)


def test_a_name_that_is_not_an_account_is_stored_nowhere(fixture_db, fast_verify):
    typed = "Secret-Password-In-The-Wrong-Box"
    fail(fixture_db, typed, ATTACKER, T0)
    assert fixture_db.cursor().execute("SELECT user_id FROM signin_failures").fetchall() == [(None,)]
    audit_text = str(fixture_db.cursor().execute("SELECT * FROM audit_log").fetchall())
    assert typed not in audit_text and typed.lower() not in audit_text
    fail(fixture_db, "senco", ATTACKER, T0)  # a real name is kept, with its account
    assert fixture_db.cursor().execute(
        "SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed' AND object_id = 'senco'").fetchone()[0] == 1


def test_at_most_two_password_hashes_run_at_once_and_a_third_waits_then_is_refused(fixture_db, monkeypatch):
    from sendboard import identity as auth_module

    release = threading.Event()
    inside = []
    peak = []
    lock = threading.Lock()
    two_inside = threading.Event()

    class SlowHasher:
        def verify(self, stored, password):
            with lock:
                inside.append(1)
                peak.append(len(inside))
                if len(inside) == 2:
                    two_inside.set()
            release.wait(10)
            with lock:
                inside.pop()
            return False

    monkeypatch.setattr(auth_module, "_HASHER", SlowHasher())
    monkeypatch.setattr(signin, "HASH_WAIT_SECONDS", 0.2)
    outcomes = []

    def attempt(i):
        try:
            signin.password_sign_in(fixture_db, "teacher", "x", source=f"192.0.2.{i}", now=T0)
        except signin.SignInRefused as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    assert two_inside.wait(10)
    attempt(9)  # a third while two hashes run: waits 0.2 s for a slot, then is refused with a message
    release.set()
    for t in threads:
        t.join(10)
    assert max(peak) == 2
    assert outcomes.count(signin.BUSY_MESSAGE) == 1 and len(outcomes) == 3


# --------------------------------------------------------------------------- single sign-on

ISSUER = "https://idp.example"


def claims(sub, email, **more):
    return {"iss": ISSUER, "sub": sub, "email": email, "email_verified": True, **more}


def test_first_sign_in_binds_the_subject_and_later_ones_match_it_not_the_email(fixture_db):
    assert signin.sso_sign_in(fixture_db, claims("s-head", "HEAD@oak.sch.uk"), SsoPolicy()).username == "head"
    # The address changes at the provider: the subject still finds the head.
    assert signin.sso_sign_in(fixture_db, claims("s-head", "someone.else@elsewhere.example"), SsoPolicy()).username == "head"
    # Another identity now claiming the head's address cannot take the account over.
    with pytest.raises(signin.SignInRefused, match="already linked to a different school account"):
        signin.sso_sign_in(fixture_db, claims("s-intruder", "head@oak.sch.uk"), SsoPolicy())
    assert fixture_db.cursor().execute(
        "SELECT count(*) FROM audit_log WHERE action = 'sso_bound' AND object_id = 'head'").fetchone()[0] == 1


def test_an_unverified_or_unasserted_email_is_refused(fixture_db):
    with pytest.raises(signin.SignInRefused, match="not verified"):
        signin.sso_sign_in(fixture_db, claims("s1", "head@oak.sch.uk", email_verified=False), SsoPolicy())
    with pytest.raises(signin.SignInRefused, match="not verified"):
        signin.sso_sign_in(fixture_db, claims("s1", "head@oak.sch.uk", email_verified="false"), SsoPolicy())
    no_claim = {"iss": ISSUER, "sub": "s1", "email": "head@oak.sch.uk"}
    with pytest.raises(signin.SignInRefused, match="not verified"):
        signin.sso_sign_in(fixture_db, no_claim, SsoPolicy())
    assert not fixture_db.cursor().execute("SELECT * FROM signin_identities").fetchall()


def test_entra_identities_are_bound_by_object_id_and_only_from_the_schools_tenant(fixture_db):
    tenant = "11111111-2222-3333-4444-555555555555"
    entra = {"iss": f"https://login.microsoftonline.com/{tenant}/v2.0", "sub": "pairwise-1", "oid": "object-1",
             "tid": tenant, "email": "senco@oak.sch.uk"}  # Entra sends no email_verified claim
    with pytest.raises(signin.SignInRefused, match="not verified"):
        signin.sso_sign_in(fixture_db, entra, SsoPolicy())  # no tenant set: its e-mail is not trusted
    with pytest.raises(signin.SignInRefused, match="another organisation"):
        signin.sso_sign_in(fixture_db, dict(entra, tid="99999999-0000-0000-0000-000000000000"), SsoPolicy(allowed_tenant=tenant))
    assert signin.sso_sign_in(fixture_db, entra, SsoPolicy(allowed_tenant=tenant)).username == "senco"
    assert fixture_db.cursor().execute("SELECT subject FROM signin_identities").fetchall() == [("object-1",)]


def test_a_google_identity_from_another_domain_is_refused(fixture_db):
    policy = SsoPolicy(allowed_domain="oak.sch.uk")
    with pytest.raises(signin.SignInRefused, match="another organisation"):
        signin.sso_sign_in(fixture_db, claims("g1", "head@oak.sch.uk", hd="gmail.example"), policy)
    with pytest.raises(signin.SignInRefused, match="another organisation"):
        signin.sso_sign_in(fixture_db, claims("g1", "head@oak.sch.uk"), policy)  # a personal account: no hd
    assert signin.sso_sign_in(fixture_db, claims("g1", "head@oak.sch.uk", hd="oak.sch.uk"), policy).username == "head"


def test_a_bound_but_disabled_account_cannot_sign_in(fixture_db):
    signin.sso_sign_in(fixture_db, claims("s-t2", "teacher2@oak.sch.uk"), SsoPolicy())
    auth.set_disabled(fixture_db, "admin", "teacher2")
    with pytest.raises(signin.SignInRefused, match="not linked"):
        signin.sso_sign_in(fixture_db, claims("s-t2", "teacher2@oak.sch.uk"), SsoPolicy())


def test_an_administrator_unbinds_an_account_audited_and_its_sessions_end(fixture_db, viewers):
    signin.sso_sign_in(fixture_db, claims("s-head", "head@oak.sch.uk"), SsoPolicy())
    hashed = signin.token_hash(signin.start_session(fixture_db, user_id(fixture_db, "head"), "sso"))
    with pytest.raises(AccessDenied):
        signin.unbind(fixture_db, viewers["head"], "head")  # only an administrator
    assert list(signin.bound_accounts(fixture_db, viewers["admin"])["username"]) == ["head"]
    signin.unbind(fixture_db, viewers["admin"], "head")
    assert signin.bound_accounts(fixture_db, viewers["admin"]).empty
    assert "unlinked" in signin.check_session(fixture_db, hashed).ended
    assert fixture_db.cursor().execute(
        "SELECT username FROM audit_log WHERE action = 'sso_unbound' AND object_id = 'head'").fetchone() == ("admin",)
    # Unbound, the next single sign-on binds afresh by verified e-mail.
    assert signin.sso_sign_in(fixture_db, claims("s-new", "head@oak.sch.uk"), SsoPolicy()).username == "head"


# --------------------------------------------------------------------------- the app follows the account


def test_the_in_app_form_opens_a_session_that_a_role_change_ends_at_the_next_click(fixture_path):
    at = app()
    at.run()
    at.text_input[0].input("teacher2")
    at.text_input[1].input(PASSWORD)
    at.button[0].click()
    at.run()
    assert at.session_state["viewer"].username == "teacher2" and "session_token_hash" in at.session_state
    from sendboard.app_db import open_database

    auth.set_role(open_database(), "admin", "teacher2", "governor")
    at.run()
    assert "role was changed" in all_text(at) and "viewer" not in at.session_state


def test_a_session_made_in_the_server_process_follows_the_account_too(fixture_path):
    at = signed_in("teacher2")
    from sendboard.app_db import open_database

    auth.set_disabled(open_database(), "admin", "teacher2")
    at.run()
    assert "disabled" in all_text(at) and "viewer" not in at.session_state


def test_the_users_page_lists_bound_accounts_unbinds_and_refuses_a_bad_tenant(fixture_path):
    from sendboard.app_db import open_database

    db = open_database()
    signin.sso_sign_in(db, claims("s-senco", "senco@oak.sch.uk"), SsoPolicy())
    at = signed_in("admin", page="pages/users.py")
    frames = [f.value for f in at.dataframe if "Provider" in f.value.columns]
    assert len(frames) == 1 and list(frames[0]["Username"]) == ["senco"] and list(frames[0]["Provider"]) == [ISSUER]

    at.text_input(key="sso_tenant").input("not-a-tenant")
    at.button(key="FormSubmitter:sso_policy-Save restrictions").click()
    at.run()
    assert [e for e in at.error if "not\\-a\\-tenant" in e.value and "Entra tenant ID" in e.value]
    assert signin.sso_policy(db).allowed_tenant == ""

    at.text_input(key="sso_tenant").input("11111111-2222-3333-4444-555555555555")
    at.text_input(key="sso_domain").input("Oak.sch.uk")
    at.button(key="FormSubmitter:sso_policy-Save restrictions").click()
    at.run()
    assert signin.sso_policy(db) == SsoPolicy("oak.sch.uk", "11111111-2222-3333-4444-555555555555")

    at.button(key="FormSubmitter:sso_unbind-Unlink from school account").click()
    at.run()
    assert "senco is unlinked" in all_text(at)
    assert not db.cursor().execute("SELECT * FROM signin_identities").fetchall()
    assert db.cursor().execute("SELECT count(*) FROM audit_log WHERE action IN ('sso_unbound', 'setting_changed') "
                               "AND username = 'admin'").fetchone()[0] == 3


def test_the_users_page_says_when_secrets_set_the_restriction(fixture_path, viewers):
    at = app()
    at.secrets["sendboard_sso"] = {"allowed_tenant": "11111111-2222-3333-4444-555555555555"}
    at.session_state["viewer"] = viewers["admin"]
    at.run()
    at.switch_page("pages/users.py")
    at.run()
    shown = " ".join(i.value for i in at.info).replace("\\", "")
    assert "secrets.toml sets the restriction in force" in shown
    assert "11111111-2222-3333-4444-555555555555" in shown and "domain any" in shown
