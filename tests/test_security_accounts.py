"""Accounts: the head and SENCO roles wait for a head's confirmation (library, Users page, command line), an
account is linked to its staff record (command line and Users page, audited), and the administrator's audit
view shows who did what and when without the contents of pupils' records."""
from __future__ import annotations

import io
import json
import sys

import pytest

from sendboard import admin, auth, cli, role_requests
from sendboard.access import AccessDenied
from sendboard.app_db import open_database
from sendboard.scope import Scope
from tests.apptest_helpers import all_text, signed_in

PASSWORD = "a long enough password 7"


def _user(db, username):
    rows = db.query_rows("user_by_username", username=username)
    return rows[0] if rows else None


def _audit(db, action):
    return db.cursor().execute("SELECT username, object_type, object_id, old_value, new_value FROM audit_log "
                               "WHERE action = $a ORDER BY audit_id", {"a": action}).fetchall()


def _pending(db):
    return db.cursor().execute("SELECT request_id, username, role, user_id FROM role_requests WHERE decision IS NULL "
                               "ORDER BY request_id").fetchall()


# --------------------------------------------------------------------------- the rule, in the library


def test_a_new_senco_waits_for_the_head_and_then_exists(fixture_db, viewers):
    with pytest.raises(role_requests.AwaitingConfirmation) as waiting:
        admin.add_account(fixture_db, viewers["admin"], username="newsenco", display_name="New Senco", role="senco",
                          password=PASSWORD, confirm=PASSWORD, school_ids=[1], email="new.senco@oak.sch.uk")
    assert "head" in str(waiting.value) and "(head)" in str(waiting.value)  # names the head who confirms
    assert _user(fixture_db, "newsenco") is None  # nothing is created yet
    with pytest.raises(auth.SignInError):
        auth.sign_in(fixture_db, "newsenco", PASSWORD)
    [(request_id, name, role, user_id)] = _pending(fixture_db)
    assert (name, role, user_id) == ("newsenco", "senco", None)
    assert _audit(fixture_db, "role_requested")[0][:3] == ("admin", "role_request", str(request_id))
    # a second request for the same name is refused while the first waits
    with pytest.raises(admin.AdminError, match="waiting"):
        admin.add_account(fixture_db, viewers["admin"], username="newsenco", display_name="x", role="teacher",
                          password=PASSWORD, school_ids=[1])

    for who in ("admin", "senco", "teacher", "governor", "trust"):
        with pytest.raises(AccessDenied):
            role_requests.decide(fixture_db, viewers[who], request_id, confirm=True)
    role_requests.decide(fixture_db, viewers["head"], request_id, confirm=True)
    assert auth.sign_in(fixture_db, "newsenco", PASSWORD).role == "senco"
    assert _pending(fixture_db) == []
    assert fixture_db.scalar("security_request_row", request_id=request_id) == request_id
    assert fixture_db.query_rows("security_request_row", request_id=request_id)[0][6] is None  # the hash is cleared
    assert [r[:3] for r in _audit(fixture_db, "role_request_confirmed")] == [("head", "role_request", str(request_id))]
    assert _audit(fixture_db, "user_added")[-1][:3] == ("head", "user", "newsenco")
    with pytest.raises(role_requests.RequestError, match="already confirmed"):
        role_requests.decide(fixture_db, viewers["head"], request_id, confirm=False)


def test_a_promotion_keeps_the_old_role_until_confirmed_and_a_refusal_changes_nothing(fixture_db, viewers):
    with pytest.raises(role_requests.AwaitingConfirmation):
        auth.set_role(fixture_db, "cli", "teacher2", "head")
    assert _user(fixture_db, "teacher2")[4] == "teacher"
    [(request_id, _, _, user_id)] = _pending(fixture_db)
    assert user_id == viewers["teacher2"].user_id
    role_requests.decide(fixture_db, viewers["head"], request_id, confirm=False)
    assert _user(fixture_db, "teacher2")[4] == "teacher"
    assert _audit(fixture_db, "role_request_refused")[0][:2] == ("head", "role_request")

    with pytest.raises(role_requests.AwaitingConfirmation):
        admin.set_role(fixture_db, viewers["admin"], "teacher2", "senco")
    [(request_id, _, _, _)] = _pending(fixture_db)
    role_requests.decide(fixture_db, viewers["head"], request_id, confirm=True)
    assert _user(fixture_db, "teacher2")[4] == "senco"
    assert _audit(fixture_db, "user_role_changed")[-1] == ("head", "user", "teacher2", "teacher", "senco")
    # other roles need no confirmation
    admin.set_role(fixture_db, viewers["admin"], "teacher", "governor")
    assert _user(fixture_db, "teacher")[4] == "governor"


def test_only_a_head_of_that_school_confirms_and_a_school_without_a_head_needs_none(fixture_db, viewers):
    # Elm Road (school 2) has no head: its first head is added at once, and then its SENCO waits for that head
    admin.add_account(fixture_db, viewers["admin"], username="elmhead", display_name="Elm Head", role="head",
                      password=PASSWORD, school_ids=[2])
    elm_head = auth.sign_in(fixture_db, "elmhead", PASSWORD)
    assert elm_head.role == "head"
    with pytest.raises(role_requests.AwaitingConfirmation, match="elmhead"):
        admin.add_account(fixture_db, viewers["admin"], username="elmsenco", display_name="Elm Senco", role="senco",
                          password=PASSWORD, school_ids=[2])
    [(request_id, *_)] = _pending(fixture_db)
    assert role_requests.pending(fixture_db, viewers["head"]).empty  # Oak Lane's head does not see it
    with pytest.raises(AccessDenied):
        role_requests.decide(fixture_db, viewers["head"], request_id, confirm=True)
    assert _audit(fixture_db, "access_refused")[-1][:3] == ("head", "role_request", str(request_id))
    assert list(role_requests.pending(fixture_db, elm_head)["username"]) == ["elmsenco"]
    role_requests.decide(fixture_db, elm_head, request_id, confirm=True)
    assert _user(fixture_db, "elmsenco")[4] == "senco"


# --------------------------------------------------------------------------- the Users page


def test_the_users_page_records_a_request_and_the_head_confirms_it_there(fixture_path):
    at = signed_in("admin", page="pages/users.py")
    at.selectbox(key="add_role").set_value("senco").run()
    at.multiselect(key="add_schools").set_value([1])
    for key, value in (("add_username", "rpatel"), ("add_name", "Ravi Patel"), ("add_password", PASSWORD),
                       ("add_confirm", PASSWORD)):
        at.text_input(key=key).input(value)
    next(b for b in at.button if b.label == "Add account").click()
    at.run()
    assert not at.exception
    assert "The SENCO role for rpatel waits for a head's confirmation (head)" in at.info[0].value.replace("\\", "")
    assert "rpatel" not in set(at.dataframe[0].value["Username"])
    assert list(at.dataframe[1].value["Username"]) == ["rpatel"]  # the waiting list under the accounts
    assert at.text_input(key="add_password").value == ""

    head = signed_in("head", page="pages/users.py")
    assert not head.exception
    text = all_text(head)
    assert "waiting for your confirmation" in text and "rpatel" in text and "as **SENCO** at Oak Lane Academy" in text
    assert "Add an account" not in text and not head.get("tab")  # a head gets the confirmations only
    next(b for b in head.button if b.label == "Confirm").click()
    head.run()
    assert "Confirmed: rpatel" in head.success[0].value.replace("\\", "")
    assert "Nothing is waiting for your confirmation" in all_text(head)
    assert auth.sign_in(open_database(), "rpatel", PASSWORD).role == "senco"


def test_the_users_page_links_and_unlinks_a_staff_record(fixture_path):
    db = open_database()
    db.cursor().execute("UPDATE users SET staff_id = NULL WHERE username = 'teacher2'")
    at = signed_in("admin", page="pages/users.py")
    at.selectbox(key="edit_user").set_value("teacher2").run()
    picker = at.selectbox(key="edit_staff_teacher2")
    assert picker.value == 0 and picker.options[0] == "Not linked to a staff record"
    assert "Tom Second · teacher · tom@oak.sch.uk · id 102" in picker.options
    picker.set_value(102)  # inside a form: sent with the submit
    next(b for b in at.button if b.label == "Save staff link").click()
    at.run()
    assert not at.exception and "linked to staff record 102" in at.success[0].value.replace("\\", "")
    assert _user(db, "teacher2")[6] == 102
    assert _audit(db, "user_staff_changed")[-1] == ("admin", "user", "teacher2", None, "102")
    at.selectbox(key="edit_staff_teacher2").set_value(0)
    next(b for b in at.button if b.label == "Save staff link").click()
    at.run()
    assert _user(db, "teacher2")[6] is None
    assert _audit(db, "user_staff_changed")[-1] == ("admin", "user", "teacher2", "102", None)


def test_a_staff_link_outside_the_accounts_school_is_refused(fixture_db, viewers):
    fixture_db.cursor().execute("INSERT INTO staff VALUES (901, 2, 'Ella', 'Elm', 'ella@elm.sch.uk', 'teacher', 1.0, "
                                "30000, DATE '2020-09-01', NULL)")
    with pytest.raises(admin.AdminError, match="ella@elm.sch.uk"):
        admin.set_staff_link(fixture_db, viewers["admin"], "teacher", "ella@elm.sch.uk")
    with pytest.raises(admin.AdminError, match="'901'"):
        admin.set_staff_link(fixture_db, viewers["admin"], "teacher", "901")
    assert _user(fixture_db, "teacher")[6] == 101 and not _audit(fixture_db, "user_staff_changed")
    with pytest.raises(AccessDenied):
        admin.set_staff_link(fixture_db, viewers["head"], "teacher", "101")


# --------------------------------------------------------------------------- the command line


def run(monkeypatch, *args, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return cli.main([str(a) for a in args])


def test_the_command_line_records_a_head_pending_and_links_staff(fixture_path, monkeypatch, capsys):
    assert run(monkeypatch, "user", "add", "newhead", "--role", "head", "--school", "100001", "--password-stdin",
               stdin=PASSWORD + "\n") == 0
    out = capsys.readouterr().out
    assert "Not added yet" in out and "waits for a head's confirmation (head)" in out
    db = open_database()
    assert _user(db, "newhead") is None and [r[1:3] for r in _pending(db)] == [("newhead", "head")]
    assert _audit(db, "role_requested")[0][0] == "cli"
    assert run(monkeypatch, "user", "pending") == 0
    assert "newhead" in capsys.readouterr().out
    assert run(monkeypatch, "user", "set-role", "teacher", "senco") == 0
    assert "Not changed yet" in capsys.readouterr().out and _user(db, "teacher")[4] == "teacher"

    # --staff by e-mail (any case) and by id; a teacher then sees that staff record's class
    assert run(monkeypatch, "user", "add", "tess2", "--role", "teacher", "--school", "100001", "--staff",
               "TESS@oak.sch.uk", "--password-stdin", stdin=PASSWORD + "\n") == 0
    assert "linked to staff record 101" in capsys.readouterr().out
    assert _user(db, "tess2")[6] == 101
    assert auth.sign_in(db, "tess2", PASSWORD).staff_id == 101
    assert run(monkeypatch, "user", "link-staff", "tess2", "102") == 0 and _user(db, "tess2")[6] == 102
    assert run(monkeypatch, "user", "link-staff", "tess2", "--none") == 0 and _user(db, "tess2")[6] is None
    assert [r[3:] for r in _audit(db, "user_staff_changed")] == [("101", "102"), ("102", None)]
    capsys.readouterr()

    # an unknown staff record: a clear message, exit 1, and no account
    assert run(monkeypatch, "user", "add", "nobody", "--role", "teacher", "--school", "100001", "--staff", "999",
               "--password-stdin", stdin=PASSWORD + "\n") == 1
    assert "No staff record of this account's school has the id or e-mail '999'" in capsys.readouterr().out
    assert _user(db, "nobody") is None


def test_init_and_the_first_head_need_no_confirmation(tmp_path, monkeypatch, capsys):
    path = tmp_path / "new.duckdb"
    monkeypatch.setenv("SENDBOARD_DB", str(path))
    assert run(monkeypatch, "init", "--urn", "146802", "--name", "Northgate High School", "--phase", "secondary",
               "--la", "383", "--la-name", "Leeds", "--admin", "office", "--password-stdin", stdin=PASSWORD + "\n") == 0
    assert run(monkeypatch, "user", "add", "hashworth", "--role", "head", "--school", "146802", "--password-stdin",
               stdin=PASSWORD + "\n") == 0
    assert "Added hashworth (head)" in capsys.readouterr().out
    assert run(monkeypatch, "user", "add", "srao", "--role", "senco", "--school", "146802", "--password-stdin",
               stdin=PASSWORD + "\n") == 0
    assert "Not added yet" in capsys.readouterr().out


# --------------------------------------------------------------------------- the audit view


def test_the_audit_view_shows_who_and_what_but_not_the_contents_of_records(fixture_path):
    from datetime import date

    from sendboard.classroom import passport

    db = open_database()
    senco = auth.viewer_for(db, db.scalar("security_user_id_by_username", username="senco"))
    secret = "Loves trains; father in prison"
    passport.save_passport(db, Scope(senco, date(2026, 1, 20)), 3, {"strengths": secret})
    admin.add_account(db, auth.viewer_for(db, db.scalar("security_user_id_by_username", username="admin")),
                      username="jsmith", display_name="Jo Smith", role="teacher", password=PASSWORD, school_ids=[1],
                      email="jo.smith@oak.sch.uk")
    assert secret in json.dumps(db.cursor().execute("SELECT new_value FROM audit_log").fetchall())  # it was recorded

    at = signed_in("admin", page="pages/audit.py")
    assert not at.exception
    frame = at.dataframe[0].value
    shown = frame.astype(str).to_string()
    assert "trains" not in shown and "prison" not in shown
    assert "Pupil03" not in shown and "Fixture03" not in shown and "Jo Smith" not in shown and "jo.smith@" not in shown
    edit = frame[frame["Action code"] == "passport_changed"].iloc[0]
    assert (edit["User"], edit["Pupil"]) == ("senco", "3") and "strengths" in edit["Details"]
    added = frame[frame["Action code"] == "user_added"].iloc[0]
    assert (added["User"], added["Which"]) == ("admin", "jsmith") and "role: teacher" in added["Details"]
    assert set(frame.columns) == {"Entry", "When", "User", "Role", "Action", "What", "Which", "Pupil", "Class or group",
                                  "Details", "Action code"}
