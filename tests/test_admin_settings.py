"""sendboard.admin: settings validation and audit, account changes through auth, the audit search."""
from datetime import date

import pytest

from sendboard import admin, auth
from sendboard.access import AccessDenied
from sendboard.settings import get_settings
from tests.fixture_school import PASSWORD


def audit_rows(db, action):
    return db.cursor().execute(
        "SELECT username, object_id, old_value, new_value FROM audit_log WHERE action = $a ORDER BY audit_id",
        {"a": action}).fetchall()


def test_only_an_administrator_may_use_admin_functions(fixture_db, viewers):
    for name in ("head", "senco", "teacher", "governor", "trust"):
        with pytest.raises(AccessDenied):
            admin.update_settings(fixture_db, viewers[name], {"disclosure_threshold": 6})
        with pytest.raises(AccessDenied):
            admin.search_audit(fixture_db, viewers[name], date_from=date(2000, 1, 1), date_to=date(2100, 1, 1))
        with pytest.raises(AccessDenied):
            admin.add_account(fixture_db, viewers[name], username="sneaky", display_name="x", role="admin",
                              password="long enough password", school_ids=[1])
    assert get_settings(fixture_db)["disclosure_threshold"] == "5"


# Each range as its rule states it (worked out from the rule, not read back from the code under test).
RULE_RANGES = {
    "disclosure_threshold": (3, 20),    # governors' figures: a count of 1 or 2 would pick out a pupil
    "idle_timeout_minutes": (5, 240),
    "session_max_hours": (1, 24),
    "lockout_failures": (3, 20),
    "lockout_minutes": (1, 1440),
    "slowdown_after": (1, 19),
}


def test_every_number_setting_has_one_range_read_from_its_rule():
    from sendboard import disclosure, settings, signin

    assert {s.key for s in admin.INT_SETTINGS} == set(RULE_RANGES) == set(settings.RANGE_HOMES)
    for spec in admin.INT_SETTINGS:
        assert (spec.low, spec.high) == RULE_RANGES[spec.key], spec.key
    # the admin page's lowest threshold is the one the governors' figures accept
    assert admin.INT_SETTINGS_BY_KEY["disclosure_threshold"].low == disclosure.MIN_THRESHOLD == 3
    assert settings.int_range("idle_timeout_minutes") is signin.IDLE_MINUTES_RANGE


def _edges(key):
    low, high = RULE_RANGES[key]
    return [low, high, str(low + 1)], [low - 1, high + 1]


@pytest.mark.parametrize("key", list(RULE_RANGES))
def test_integer_settings_are_range_checked(fixture_db, viewers, key):
    good, bad = _edges(key)
    bad += ["five", 2.5, True, "", "1e3"]
    if key == "disclosure_threshold":
        bad += [1, 2, 0, -1, 21]
    others = {"slowdown_after": 1} if key == "lockout_failures" else {}  # waits must begin before the longest
    if key == "slowdown_after":
        admin.update_settings(fixture_db, viewers["admin"], {"lockout_failures": 20})
    for value in bad:
        with pytest.raises(admin.AdminError, match="whole number|outside the allowed range"):
            admin.update_settings(fixture_db, viewers["admin"], {key: value, **others})
    for value in good:
        admin.update_settings(fixture_db, viewers["admin"], {key: value, **others})
        assert get_settings(fixture_db)[key] == str(int(value))


def test_a_stored_value_outside_its_range_is_not_used(fixture_db, viewers):
    """A threshold of 1 written straight into the table (not through the page) is not applied: governors' figures
    and the admin page both see the default."""
    from sendboard import disclosure
    from sendboard.settings import get_int

    fixture_db.write(lambda w: w.run("upsert_setting", key="disclosure_threshold", value="1"))
    assert get_int(fixture_db, "disclosure_threshold") == 5
    assert disclosure.get_threshold(fixture_db) == 5
    assert admin.current_settings(fixture_db, viewers["admin"])["disclosure_threshold"] == 5


def test_the_admin_page_offers_exactly_the_rule_range_and_refuses_a_value_outside_it(fixture_path):
    from tests.apptest_helpers import signed_in

    at = signed_in("admin", page="pages/users.py", timeout=60)
    assert not at.exception
    box = next(n for n in at.number_input if n.key == "setting_disclosure_threshold")
    assert (box.proto.min, box.proto.max) == (3, 20)
    assert "(3 to 20)" in box.label
    box.set_value(2)  # the field itself will not take it (Streamlit keeps the last value in range) ...
    next(b for b in at.button if b.label == "Save settings").click()
    at.run()
    assert not at.exception
    refused = [e.value for e in at.error]
    assert refused == [] and [e.value for e in at.success] == ["Nothing changed\\."], (refused, at.success)
    from sendboard.db import open_database

    assert get_settings(open_database())["disclosure_threshold"] == "5"  # ... and nothing was saved


def test_a_setting_change_is_audited_with_old_and_new(fixture_db, viewers):
    changed = admin.update_settings(fixture_db, viewers["admin"], {"disclosure_threshold": 10, "idle_timeout_minutes": 30})
    assert changed == {"disclosure_threshold": ("5", "10")}  # 30 was already the value: not a change
    assert audit_rows(fixture_db, "setting_changed") == [("admin", "disclosure_threshold", "5", "10")]
    assert admin.current_settings(fixture_db, viewers["admin"])["disclosure_threshold"] == 10


def test_one_bad_value_saves_nothing(fixture_db, viewers):
    with pytest.raises(admin.AdminError):
        admin.update_settings(fixture_db, viewers["admin"], {"disclosure_threshold": 8, "idle_timeout_minutes": 1})
    assert get_settings(fixture_db)["disclosure_threshold"] == "5"
    assert audit_rows(fixture_db, "setting_changed") == []


def test_slow_down_must_start_before_lock_out(fixture_db, viewers):
    with pytest.raises(admin.AdminError, match="lower than"):
        admin.update_settings(fixture_db, viewers["admin"], {"lockout_failures": 3, "slowdown_after": 3})
    admin.update_settings(fixture_db, viewers["admin"], {"lockout_failures": 4, "slowdown_after": 2})
    assert get_settings(fixture_db)["lockout_failures"] == "4"


def test_unknown_settings_are_refused(fixture_db, viewers):
    for key in ("max_upload_mb", "demo_as_of", "'; DROP TABLE settings; --"):
        with pytest.raises(admin.AdminError):
            admin.update_settings(fixture_db, viewers["admin"], {key: "1"})


def test_teacher_editable_passport_fields_are_a_subset(fixture_db, viewers):
    a = viewers["admin"]
    admin.update_settings(fixture_db, a, {admin.PASSPORT_SETTING: ["pupil_voice", "strengths", "strengths"]})
    assert get_settings(fixture_db)[admin.PASSPORT_SETTING] == "strengths|pupil_voice"
    admin.update_settings(fixture_db, a, {admin.PASSPORT_SETTING: []})
    assert get_settings(fixture_db)[admin.PASSPORT_SETTING] == ""
    assert admin.current_settings(fixture_db, a)[admin.PASSPORT_SETTING] == []
    for bad in (["strengths", "first_name"], "strengths|upn", ["updated_by"]):
        with pytest.raises(admin.AdminError, match="unknown field"):
            admin.update_settings(fixture_db, a, {admin.PASSPORT_SETTING: bad})
    rows = audit_rows(fixture_db, "setting_changed")
    assert rows[0][2:] == ("strengths|interests|what_helps|what_does_not_help", "strengths|pupil_voice")


def test_accounts_are_added_changed_and_audited_through_auth(fixture_db, viewers):
    a = viewers["admin"]
    # school 2 has no head, so the SENCO and head roles need no head's confirmation (tests/test_security_accounts.py)
    admin.add_account(fixture_db, a, username="NewSenco", display_name="New Senco", role="senco",
                      password="a long enough password", confirm="a long enough password", school_ids=[2],
                      email="new.senco@oak.sch.uk")
    assert auth.sign_in(fixture_db, "newsenco", "a long enough password").role == "senco"
    admin.set_email(fixture_db, a, "newsenco", "head2@oak.sch.uk")
    admin.set_disabled(fixture_db, a, "newsenco", True)
    with pytest.raises(auth.SignInError):
        auth.sign_in(fixture_db, "newsenco", "a long enough password")
    admin.reset_password(fixture_db, a, "newsenco", "another long password", "another long password")
    admin.set_role(fixture_db, a, "newsenco", "head")
    assert auth.sign_in(fixture_db, "newsenco", "another long password").role == "head"
    # now the school's only head: the administrator may not set their password (tests/test_security_password_reset.py)
    with pytest.raises(admin.AdminError, match="only head"):
        admin.reset_password(fixture_db, a, "newsenco", "a third long password", "a third long password")
    actions = [r[0] for r in fixture_db.cursor().execute(
        "SELECT action FROM audit_log WHERE object_id = 'newsenco' AND username = 'admin' ORDER BY audit_id").fetchall()]
    assert actions == ["user_added", "user_email_changed", "user_disabled", "password_reset", "user_role_changed",
                       "password_change_refused"]
    assert audit_rows(fixture_db, "user_email_changed") == [("admin", "newsenco", "new.senco@oak.sch.uk", "head2@oak.sch.uk")]


@pytest.mark.parametrize("fields,message", [
    (dict(username="x", role="teacher", school_ids=[1]), "username"),
    (dict(username="okname", role="teacher", school_ids=[1], password="short"), "12 characters"),
    (dict(username="okname", role="teacher", school_ids=[1], confirm="different password"), "differ"),
    (dict(username="okname", role="teacher", school_ids=[]), "school"),
    (dict(username="okname", role="wizard", school_ids=[1]), "role"),
    (dict(username="okname", role="trust", trust="No Such Trust"), "trust"),
    (dict(username="okname", role="trust", trust=""), "trust"),
    (dict(username="head", role="head", school_ids=[1]), "taken"),
    (dict(username="okname", role="teacher", school_ids=[1], email="not an email"), "e-mail"),
    (dict(username="okname", role="teacher", school_ids=[1], email="HEAD@oak.sch.uk"), "already belongs"),
])
def test_bad_accounts_are_refused_with_a_clear_message(fixture_db, viewers, fields, message):
    args = dict(display_name="Someone", password="a long enough password", confirm=None)
    args.update(fields)
    before = fixture_db.cursor().execute("SELECT count(*) FROM users").fetchone()[0]
    with pytest.raises(admin.AdminError, match=message):
        admin.add_account(fixture_db, viewers["admin"], **args)
    assert fixture_db.cursor().execute("SELECT count(*) FROM users").fetchone()[0] == before


def test_a_trust_lead_is_added_for_a_known_trust(fixture_db, viewers):
    admin.add_account(fixture_db, viewers["admin"], username="lead2", display_name="Lead", role="trust",
                      password="a long enough password", trust="Fixture Trust", school_ids=[1])
    assert auth.sign_in(fixture_db, "lead2", "a long enough password").school_ids == (1, 2)


def test_an_administrator_cannot_lock_themselves_or_the_school_out(fixture_db, viewers):
    a = viewers["admin"]
    with pytest.raises(admin.AdminError, match="your own"):
        admin.set_role(fixture_db, a, "admin", "teacher")
    with pytest.raises(admin.AdminError, match="your own"):
        admin.set_disabled(fixture_db, a, "admin", True)
    admin.add_account(fixture_db, a, username="admin2", display_name="Second", role="admin",
                      password="a long enough password", school_ids=[1])
    from sendboard.auth import viewer_for

    other = viewer_for(fixture_db, fixture_db.cursor().execute("SELECT user_id FROM users WHERE username='admin2'").fetchone()[0])
    admin.set_disabled(fixture_db, other, "admin", True)  # another admin may, while one admin stays active
    with pytest.raises(admin.AdminError):
        admin.set_role(fixture_db, other, "admin2", "head")


def test_audit_search_filters(fixture_db, viewers):
    a = viewers["admin"]
    auth.sign_in(fixture_db, "teacher", PASSWORD)
    from sendboard import audit

    audit.record(fixture_db, viewers["teacher"], "view", object_type="passport", pupil_id=3)
    audit.record(fixture_db, viewers["teacher2"], "view", object_type="passport", pupil_id=12)
    wide = dict(date_from=date(2000, 1, 1), date_to=date(2100, 1, 1))
    everything = admin.search_audit(fixture_db, a, **wide)
    assert len(everything) == fixture_db.cursor().execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert list(everything["audit_id"]) == sorted(everything["audit_id"], reverse=True)
    assert set(admin.search_audit(fixture_db, a, **wide, pupil_id=3)["username"]) == {"teacher"}
    assert set(admin.search_audit(fixture_db, a, **wide, username="TEACHER2")["username"]) == {"teacher2"}
    assert set(admin.search_audit(fixture_db, a, **wide, username="teach")["username"]) == {"teacher", "teacher2"}
    assert admin.search_audit(fixture_db, a, **wide, username="%").empty  # wildcards are plain text
    assert admin.search_audit(fixture_db, a, **wide, username="_").empty
    assert set(admin.search_audit(fixture_db, a, **wide, action="sign_in")["action"]) == {"sign_in"}
    assert admin.search_audit(fixture_db, a, date_from=date(2000, 1, 1), date_to=date(2000, 1, 2)).empty
    with pytest.raises(admin.AdminError):
        admin.search_audit(fixture_db, a, date_from=date(2020, 1, 2), date_to=date(2020, 1, 1))
    assert "sign_in" in admin.audit_actions(fixture_db, a)


@pytest.mark.parametrize("text,expected", [("", None), ("  ", None), ("42", 42), (" 7 ", 7)])
def test_pupil_id_filter_parses(text, expected):
    assert admin.parse_pupil_id(text) == expected


@pytest.mark.parametrize("text", ["1 OR 1=1", "'; DROP TABLE pupils; --", "-1", "1.5", "$viewer_id", "9999999999"])
def test_pupil_id_filter_refuses_anything_but_a_number(text):
    with pytest.raises(admin.AdminError):
        admin.parse_pupil_id(text)
