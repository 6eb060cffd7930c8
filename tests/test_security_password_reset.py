"""An administrator cannot take over a head's or SENCO's account by resetting its password: the reset waits for
another head of the school (Users page), or is refused with the command line to use when there is none. The
command line (the server's owner) resets at once; every step is audited and confirming ends the sessions."""
from __future__ import annotations

import io
import sys

import pytest

from sendboard import admin, auth, cli, role_requests, signin
from sendboard.app_db import open_database
from tests.apptest_helpers import all_text, signed_in
from tests.fixture_school import PASSWORD as OLD_PASSWORD

NEW_PASSWORD = "a brand new passphrase 42"


def _user_id(db, username):
    return db.query_rows("user_by_username", username=username)[0][0]


def _audit(db, action):
    return db.cursor().execute("SELECT username, object_type, object_id FROM audit_log WHERE action = $a "
                               "ORDER BY audit_id", {"a": action}).fetchall()


def _second_head(db):
    """Another head of Oak Lane, as `sendboard init` or the demo builder would make one (no request)."""
    auth.add_user(db, "fixture", username="deputy", display_name="Dee Deputy", role="head", password=OLD_PASSWORD,
                  school_ids=[1], first_accounts=True)
    return auth.viewer_for(db, _user_id(db, "deputy"))


def _stored_hash(db, username) -> str:
    """The account's password hash: unchanged means the old password still works (each argon2 check costs a
    second, so the tests compare hashes and sign in for real once where the change takes effect)."""
    return db.query_rows("user_by_username", username=username)[0][5]


def _signs_in(db, username, password) -> bool:
    try:
        auth.sign_in(db, username, password)
    except auth.SignInError:
        return False
    return True


def test_a_senco_password_reset_waits_for_the_head_and_ends_the_sessions_when_confirmed(fixture_db, viewers):
    senco_id, before = _user_id(fixture_db, "senco"), _stored_hash(fixture_db, "senco")
    signin.start_session(fixture_db, senco_id, "password")
    with pytest.raises(role_requests.AwaitingConfirmation, match=r"waits for a head's confirmation \(head\)"):
        admin.reset_password(fixture_db, viewers["admin"], "senco", NEW_PASSWORD, NEW_PASSWORD)
    # nothing changed yet: the old password works, the new one does not, the session is still open
    assert _stored_hash(fixture_db, "senco") == before
    assert signin.open_session_count(fixture_db, senco_id) >= 1
    [(_, _, request_id)] = _audit(fixture_db, "password_change_requested")
    assert _audit(fixture_db, "password_change_requested")[0][:2] == ("admin", "role_request")
    assert not _audit(fixture_db, "password_reset")
    # a second reset while the first waits is refused
    with pytest.raises(admin.AdminError, match="already waiting"):
        admin.reset_password(fixture_db, viewers["admin"], "senco", NEW_PASSWORD + "x", NEW_PASSWORD + "x")
    # the administrator, the SENCO herself and a teacher cannot confirm it
    for who in ("admin", "senco", "teacher"):
        with pytest.raises(PermissionError):
            role_requests.decide(fixture_db, viewers[who], int(request_id), confirm=True)

    waiting = role_requests.pending(fixture_db, viewers["head"])
    assert list(zip(waiting["username"], waiting["request_kind"])) == [("senco", "password")]
    role_requests.decide(fixture_db, viewers["head"], int(request_id), confirm=True)
    assert _signs_in(fixture_db, "senco", NEW_PASSWORD)
    assert signin.open_session_count(fixture_db, senco_id) == 0  # the session open before the reset ended
    assert _audit(fixture_db, "password_reset") == [("head", "user", "senco")]
    assert _audit(fixture_db, "role_request_confirmed") == [("head", "role_request", request_id)]
    # the hash held while waiting is gone once decided
    assert fixture_db.query_rows("security_request_row", request_id=int(request_id))[0][6] is None


def test_a_refused_reset_changes_nothing(fixture_db, viewers):
    before = _stored_hash(fixture_db, "senco")
    with pytest.raises(role_requests.AwaitingConfirmation):
        admin.reset_password(fixture_db, viewers["admin"], "senco", NEW_PASSWORD, NEW_PASSWORD)
    [request_id] = role_requests.pending(fixture_db, viewers["head"])["request_id"].tolist()
    role_requests.decide(fixture_db, viewers["head"], int(request_id), confirm=False)
    assert _stored_hash(fixture_db, "senco") == before
    assert not _audit(fixture_db, "password_reset") and _audit(fixture_db, "role_request_refused")


def test_the_only_heads_password_is_refused_with_the_command_to_use(fixture_db, viewers):
    before = _stored_hash(fixture_db, "head")
    with pytest.raises(admin.AdminError, match="sendboard user reset-password head"):
        admin.reset_password(fixture_db, viewers["admin"], "head", NEW_PASSWORD, NEW_PASSWORD)
    assert _stored_hash(fixture_db, "head") == before
    assert _audit(fixture_db, "password_change_refused") == [("admin", "user", "head")]
    assert role_requests.pending(fixture_db, viewers["admin"]).empty


def test_a_heads_reset_is_confirmed_by_another_head_never_by_the_head_themselves(fixture_db, viewers):
    deputy, before = _second_head(fixture_db), _stored_hash(fixture_db, "head")
    with pytest.raises(role_requests.AwaitingConfirmation, match=r"\(deputy\)"):
        admin.reset_password(fixture_db, viewers["admin"], "head", NEW_PASSWORD, NEW_PASSWORD)
    [request_id] = role_requests.pending(fixture_db, deputy)["request_id"].tolist()
    with pytest.raises(role_requests.RequestError, match="your own account"):
        role_requests.decide(fixture_db, viewers["head"], int(request_id), confirm=True)
    assert _stored_hash(fixture_db, "head") == before
    role_requests.decide(fixture_db, deputy, int(request_id), confirm=True)
    assert _signs_in(fixture_db, "head", NEW_PASSWORD)


def test_other_accounts_and_the_command_line_reset_at_once(fixture_db, viewers, fixture_path, monkeypatch, capsys):
    teacher_id = _user_id(fixture_db, "teacher")
    signin.start_session(fixture_db, teacher_id, "password")
    admin.reset_password(fixture_db, viewers["admin"], "teacher", NEW_PASSWORD, NEW_PASSWORD)
    assert _signs_in(fixture_db, "teacher", NEW_PASSWORD)
    assert signin.open_session_count(fixture_db, teacher_id) == 0  # the earlier one ended with the reset

    monkeypatch.setattr(sys, "stdin", io.StringIO(NEW_PASSWORD + "\n"))
    assert cli.main(["user", "reset-password", "head", "--password-stdin"]) == 0
    db = open_database()
    assert _signs_in(db, "head", NEW_PASSWORD)
    assert _audit(db, "password_reset")[-1][2] == "head"


def test_the_users_page_holds_a_reset_and_the_head_confirms_it(fixture_path):
    head_before = _stored_hash(open_database(), "head")
    at = signed_in("admin", page="pages/users.py")
    at.selectbox(key="edit_user").set_value("senco").run()
    at.text_input(key="edit_password_senco").input(NEW_PASSWORD)
    at.text_input(key="edit_confirm_senco").input(NEW_PASSWORD)
    next(b for b in at.button if b.label == "Reset password").click()
    at.run()
    assert not at.exception
    assert "The new password for senco (SENCO) waits for a head's confirmation (head)" in at.info[0].value.replace("\\", "")
    waiting = at.dataframe[1].value
    assert list(zip(waiting["Username"], waiting["Asked for"])) == [("senco", "a new password")]

    at.selectbox(key="edit_user").set_value("head").run()
    at.text_input(key="edit_password_head").input(NEW_PASSWORD)
    at.text_input(key="edit_confirm_head").input(NEW_PASSWORD)
    next(b for b in at.button if b.label == "Reset password").click()
    at.run()
    assert "sendboard user reset-password head" in at.error[0].value.replace("\\", "")

    head = signed_in("head", page="pages/users.py")
    text = all_text(head)
    assert "A new password** for **senco** (SENCO) at Oak Lane Academy" in text.replace("\\", "")
    next(b for b in head.button if b.label == "Confirm").click()
    head.run()
    assert not head.exception and "Confirmed: senco" in head.success[0].value.replace("\\", "")
    db = open_database()
    assert _signs_in(db, "senco", NEW_PASSWORD) and _stored_hash(db, "head") == head_before


# --------------------------------------------------------------------------- the e-mail single sign-on links by


def test_an_administrator_cannot_put_their_own_email_on_the_senco_account_alone(fixture_db, viewers):
    with pytest.raises(role_requests.AwaitingConfirmation, match=r"new e-mail for single sign-on for senco \(SENCO\)"):
        admin.set_email(fixture_db, viewers["admin"], "senco", "it.admin@oak.sch.uk")
    assert fixture_db.query_rows("user_by_username", username="senco")[0][3] == "senco@oak.sch.uk"  # unchanged
    assert _audit(fixture_db, "email_change_requested")[0][:2] == ("admin", "role_request")
    [request_id] = role_requests.pending(fixture_db, viewers["head"])["request_id"].tolist()
    role_requests.decide(fixture_db, viewers["head"], int(request_id), confirm=True)
    assert fixture_db.query_rows("user_by_username", username="senco")[0][3] == "it.admin@oak.sch.uk"
    changed = fixture_db.cursor().execute("SELECT username, old_value, new_value FROM audit_log "
                                          "WHERE action = 'user_email_changed'").fetchall()
    assert changed == [("head", "senco@oak.sch.uk", "it.admin@oak.sch.uk")]
    # a teacher's e-mail is the administrator's to change at once
    admin.set_email(fixture_db, viewers["admin"], "teacher", "tess.new@oak.sch.uk")
    assert fixture_db.query_rows("user_by_username", username="teacher")[0][3] == "tess.new@oak.sch.uk"


def test_the_only_heads_email_is_refused_and_the_command_line_sets_it(fixture_db, viewers, fixture_path, monkeypatch):
    with pytest.raises(admin.AdminError, match="sendboard user set-email head ADDRESS"):
        admin.set_email(fixture_db, viewers["admin"], "head", "it.admin@oak.sch.uk")
    assert _audit(fixture_db, "email_change_refused") == [("admin", "user", "head")]
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main(["user", "set-email", "head", "hana.head@oak.sch.uk"]) == 0
    assert open_database().query_rows("user_by_username", username="head")[0][3] == "hana.head@oak.sch.uk"


def test_a_senco_of_a_school_with_no_head_is_reset_at_once_as_the_role_needs_no_head_there(fixture_db, viewers):
    admin.add_account(fixture_db, viewers["admin"], username="elmsenco", display_name="Elm Senco", role="senco",
                      password=OLD_PASSWORD, school_ids=[2])  # Elm Road has no head: no request either
    admin.reset_password(fixture_db, viewers["admin"], "elmsenco", NEW_PASSWORD, NEW_PASSWORD)
    assert _signs_in(fixture_db, "elmsenco", NEW_PASSWORD)
    assert role_requests.pending(fixture_db, viewers["admin"]).empty


def test_a_waiting_change_is_listed_with_the_persons_name(fixture_db, viewers):
    with pytest.raises(role_requests.AwaitingConfirmation):
        admin.set_email(fixture_db, viewers["admin"], "senco", "it.admin@oak.sch.uk")
    waiting = role_requests.pending(fixture_db, viewers["admin"])
    assert list(zip(waiting["display_name"], waiting["request_kind"], waiting["email"])) == [
        ("Senco", "email", "it.admin@oak.sch.uk")]
