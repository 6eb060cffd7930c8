"""The Users, Audit log and Glossary pages, driven through AppTest as an administrator."""
from pathlib import Path

import pytest

from sendboard import auth
from sendboard.app_db import open_database
from tests.apptest_helpers import all_text, signed_in

ROOT = Path(__file__).resolve().parent.parent


def button(at, label):
    return next(b for b in at.button if b.label == label)


def text_input(at, label):
    return next(t for t in at.text_input if t.label == label)


def last_audit(action):
    return open_database().cursor().execute(
        "SELECT username, object_id, old_value, new_value FROM audit_log WHERE action = $a ORDER BY audit_id DESC LIMIT 1",
        {"a": action}).fetchone()


# ------------------------------------------------------------------ users


def test_users_page_lists_every_account(fixture_path):
    at = signed_in("admin", page="pages/users.py")
    assert not at.exception
    accounts = at.dataframe[0].value
    assert set(accounts["Username"]) == {"head", "senco", "teacher", "teacher2", "governor", "admin", "trust"}
    assert "password_hash" not in " ".join(accounts.columns).lower()
    assert [t.label for t in at.tabs] == ["Accounts", "Add an account", "Change an account", "School settings",
                                         "Single sign-on"]


def add(at, **values):
    for label, value in values.items():
        text_input(at, label).input(value)
    button(at, "Add account").click()
    at.run()


def test_an_administrator_adds_an_account_and_it_can_sign_in(fixture_path):
    at = signed_in("admin", page="pages/users.py")
    at.multiselect(key="add_schools").set_value([1])
    add(at, **{"New username": "jsmith", "Full name": "Jo Smith", "E-mail (for single sign-on)": "jo@oak.sch.uk",
               "Initial password": "a long enough password", "Initial password again": "a long enough password"})
    assert not at.exception
    assert "Added the account jsmith" in at.success[0].value
    assert "jsmith" in set(at.dataframe[0].value["Username"])
    assert text_input(at, "Initial password").value == ""  # the password does not linger on the page
    assert auth.sign_in(open_database(), "jsmith", "a long enough password").role == "teacher"  # the default role
    assert last_audit("user_added")[:2] == ("admin", "jsmith")


def test_a_bad_new_account_shows_the_reason_and_keeps_the_typing(fixture_path):
    at = signed_in("admin", page="pages/users.py")
    at.multiselect(key="add_schools").set_value([1])
    add(at, **{"New username": "jsmith", "Full name": "Jo Smith", "Initial password": "short",
               "Initial password again": "short"})
    assert "12 characters" in at.error[0].value
    assert text_input(at, "New username").value == "jsmith"
    at.selectbox(key="add_role").set_value("senco").run()
    add(at, **{"Initial password": "a long enough password", "Initial password again": "a different password"})
    assert "differ" in at.error[0].value
    assert "jsmith" not in set(at.dataframe[0].value["Username"])


def test_roles_passwords_and_disabling_from_the_page(fixture_path):
    at = signed_in("admin", page="pages/users.py")
    at.selectbox(key="edit_user").set_value("teacher2").run()
    at.selectbox(key="edit_role_teacher2").set_value("governor")  # head and SENCO wait for a head: tests/test_security_accounts.py
    button(at, "Save role").click()
    at.run()
    assert "teacher2 is now governor" in at.success[0].value
    assert last_audit("user_role_changed") == ("admin", "teacher2", "teacher", "governor")

    button(at, "Disable account").click()
    at.run()
    assert "disabled" in at.success[0].value
    assert any(b.label == "Enable account" for b in at.button)
    with pytest.raises(auth.SignInError):
        from tests.fixture_school import PASSWORD
        auth.sign_in(open_database(), "teacher2", PASSWORD)

    text_input(at, "New password").input("brand new password 1")
    text_input(at, "New password again").input("brand new password 1")
    button(at, "Reset password").click()
    at.run()
    assert "new password" in at.success[0].value
    assert auth.sign_in(open_database(), "teacher2", "brand new password 1").role == "governor"


def test_an_administrator_cannot_disable_themselves(fixture_path):
    at = signed_in("admin", page="pages/users.py")
    at.selectbox(key="edit_user").set_value("admin").run()
    button(at, "Disable account").click()
    at.run()
    assert "your own" in at.error[0].value
    assert auth.viewer_for(open_database(), at.session_state["viewer"].user_id) is not None


def test_settings_are_saved_and_audited_from_the_page(fixture_path):
    at = signed_in("admin", page="pages/users.py")
    at.number_input(key="setting_disclosure_threshold").set_value(8)
    at.number_input(key="setting_idle_timeout_minutes").set_value(60)
    at.multiselect(key="setting_passport_fields").set_value(["strengths", "pupil_voice"])
    button(at, "Save settings").click()
    at.run()
    assert not at.exception
    message = at.success[0].value
    assert "disclosure threshold 5 → 8" in message.replace("\\", "")
    assert last_audit("setting_changed")[1:] == ("teacher_editable_passport_fields",
                                                 "strengths|interests|what_helps|what_does_not_help",
                                                 "strengths|pupil_voice")
    from sendboard.settings import get_settings

    values = get_settings(open_database())
    assert (values["disclosure_threshold"], values["idle_timeout_minutes"]) == ("8", "60")


def test_settings_that_contradict_are_refused_on_the_page(fixture_path):
    at = signed_in("admin", page="pages/users.py")
    at.number_input(key="setting_lockout_failures").set_value(3)
    at.number_input(key="setting_slowdown_after").set_value(5)
    button(at, "Save settings").click()
    at.run()
    assert "lower than" in at.error[0].value.replace("\\", "")
    assert last_audit("setting_changed") is None


# ------------------------------------------------------------------ audit


def test_audit_entries_read_in_words():
    import pandas as pd

    from sendboard import admin

    raw = pd.DataFrame({
        "audit_id": [2, 1], "logged_at": pd.to_datetime(["2026-01-20 10:00", "2026-01-20 09:00"]),
        "username": ["admin", "teacher"], "role": ["admin", None], "action": ["user_role_changed", "sign_in_failed"],
        "object_type": ["user", "sso"], "object_id": ["teacher2", "x@y.uk"], "pupil_id": [None, None],
        "group_id": [None, 7], "detail": [None, "no active account for this e-mail"],
        "old_value": ['{"role": "teacher"}', None], "new_value": ['{"role": "senco"}', None]})
    out = admin.readable_audit(raw)
    assert list(out["Action"]) == ["User role changed", "Sign-in failed"]
    assert list(out["What"]) == ["user", "school account"]
    assert list(out["Details"]) == ["role: teacher \u2192 role: senco", "no active account for this e-mail"]
    assert list(out["Pupil"]) == ["", ""] and list(out["Class or group"]) == ["", "7"] and list(out["Role"]) == ["admin", ""]
    assert list(out["Action code"]) == ["user_role_changed", "sign_in_failed"]  # the raw codes stay for the download


def test_audit_page_filters_and_downloads(fixture_path):
    db = open_database()
    from sendboard import audit
    from sendboard.auth import viewer_for

    teacher = viewer_for(db, db.cursor().execute("SELECT user_id FROM users WHERE username='teacher'").fetchone()[0])
    audit.record(db, teacher, "view", object_type="passport", pupil_id=3)
    at = signed_in("admin", page="pages/audit.py")
    assert not at.exception
    frame = at.dataframe[0].value
    assert "sign_in" in set(frame["Action code"]) or "user_added" in set(frame["Action code"])
    text_input(at, "Pupil id").input("3").run()
    frame = at.dataframe[0].value
    assert list(frame["User"]) == ["teacher"] and list(frame["Pupil"]) == ["3"]
    assert list(frame["Action"]) == ["Viewed"] and list(frame["What"]) == ["passport"]
    text_input(at, "Pupil id").input("three").run()
    assert "whole number" in at.error[0].value
    text_input(at, "Pupil id").input("").run()
    at.selectbox(key="audit_action").set_value("user_added").run()
    assert set(at.dataframe[0].value["Action"]) == {"User added"}
    text_input(at, "User (name contains)").input("nobody-at-all").run()
    assert "No entries match" in all_text(at)
    labels = [b.label for b in at.get("download_button")]
    assert labels == []  # no table, no download
    text_input(at, "User (name contains)").input("").run()
    assert [b.proto.label for b in at.get("download_button")] == ["Download CSV", "Download Excel"]


def test_audit_download_is_itself_audited(fixture_path):
    from sendboard import ui
    from sendboard.auth import viewer_for

    db = open_database()
    viewer = viewer_for(db, db.cursor().execute("SELECT user_id FROM users WHERE username='admin'").fetchone()[0])
    ctx = ui.PageContext(db=db, viewer=viewer, page_key="audit", school_id=1, school_name="x", school_phase="secondary",
                         term_id=None, term_label=None, academic_year=None, term_start=None, as_at=None, today=None,
                         scope=None)
    ui._record_download(ctx, "audit_log", "csv", 12)  # what the download button's on_click runs
    assert last_audit("download")[:2] == ("admin", "audit_log")


# ------------------------------------------------------------------ glossary


@pytest.mark.parametrize("role", ["head", "senco", "teacher", "governor", "admin", "trust"])
def test_every_role_reads_the_glossary(fixture_path, role):
    at = signed_in(role, page="pages/glossary.py")
    assert not at.exception
    assert "Glossary" in at.title[0].value
    assert "Notional SEN budget" in all_text(at)


def test_glossary_search(fixture_path):
    at = signed_in("teacher", page="pages/glossary.py")
    at.text_input(key="glossary_query").input("apdr").run()
    text = all_text(at)
    assert "Assess, plan, do, review" in text.replace("\\", "") and "Unique pupil number" not in text
    at.text_input(key="glossary_query").input("zzzz-not-a-term").run()
    assert "No term matches" in all_text(at)
    at.text_input(key="glossary_query").input("").run()
    at.selectbox(key="glossary_category").set_value("Funding").run()
    assert "Top-up funding" in all_text(at).replace("\\", "") and "Autistic" not in all_text(at)


def test_the_glossary_covers_the_terms_a_school_uses():
    from sendboard import glossary

    frame = glossary.terms()
    assert len(frame) >= 35 and frame["term"].is_unique
    assert (frame["meaning"].str.len() > 40).all()
    text = " ".join(frame["term"] + " " + frame["short"]).lower()
    for needed in ("send", "senco", "ehc plan", "sen support", "graduated approach", "apdr", "provision map",
                   "notional sen budget", "top-up", "element 1", "pfa", "annual review", "broad areas of need",
                   "upn", "ctf", "census", "disadvantaged", "fsm", "eal", "persistent absence", "suspension",
                   "relative likelihood", "confidence interval", "effect size", "disclosure control", "wave 1",
                   "pupil passport"):
        assert needed in text, needed
    codes = set(" ".join(frame["short"]).replace("/", " ").split())
    for code in ("SLCN", "ASD", "SpLD", "MLD", "SLD", "PMLD", "SEMH", "HI", "VI", "MSI", "PD", "OTH", "NSA"):
        assert code in codes, code
    meanings = " ".join(frame["meaning"])
    for code in ("K", "E", "S", "A and P"):
        assert f"code {code}" in meanings or f"codes {code}" in meanings, code


def test_an_account_without_an_email_shows_an_empty_box_not_nan(fixture_path):
    open_database().cursor().execute("UPDATE users SET email = NULL WHERE username = 'governor'")
    at = signed_in("admin", page="pages/users.py")
    at.selectbox(key="edit_user").set_value("governor").run()
    assert at.text_input(key="edit_email_governor").value == ""
    assert "nan" not in set(at.dataframe[0].value["E-mail"])
    button(at, "Save e-mail").click()
    at.run()
    assert not at.error and last_audit("user_email_changed") is None  # nothing changed, nothing recorded
