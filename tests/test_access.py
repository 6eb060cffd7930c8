"""Roles and scopes in SQL, sign-in with slow-down and lock-out, accounts, and the audit trail."""
import pytest

from sendboard import auth
from sendboard.access import PAGES, ROLES, may_open
from tests.fixture_school import PASSWORD


def visible(db, viewer, today="2026-01-20"):
    return {r[0] for r in db.cursor().execute(
        "SELECT pupil_id FROM visible_pupils($v, CAST($t AS DATE))", {"v": viewer.user_id, "t": today}).fetchall()}


def test_scopes(fixture_db, viewers):
    assert visible(fixture_db, viewers["head"]) == set(range(1, 21))
    assert visible(fixture_db, viewers["senco"]) == set(range(1, 21))
    assert visible(fixture_db, viewers["teacher"]) == set(range(1, 11))
    assert visible(fixture_db, viewers["teacher2"]) == set(range(11, 21))
    assert visible(fixture_db, viewers["trust"]) == set(range(1, 22))
    assert visible(fixture_db, viewers["governor"]) == set()
    assert visible(fixture_db, viewers["admin"]) == set()


def test_a_teacher_sees_only_groups_taught_today(fixture_db, viewers):
    fixture_db.cursor().execute("UPDATE group_teachers SET end_date = DATE '2025-12-31' WHERE staff_id = 101")
    assert visible(fixture_db, viewers["teacher"]) == set()
    assert visible(fixture_db, viewers["teacher"], today="2025-10-01") == set(range(1, 11))


def test_costs_only_for_head_senco_admin(fixture_db, viewers):
    for name, viewer in viewers.items():
        allowed = fixture_db.cursor().execute("SELECT can_see_costs($v)", {"v": viewer.user_id}).fetchone()[0]
        assert allowed == (viewer.role in ("head", "senco", "admin")) == viewer.sees_costs, name


def test_every_page_has_roles_and_governors_see_no_pupil_pages():
    for page in PAGES:
        assert page.roles and set(page.roles) <= set(ROLES)
        if page.pupil_level:
            assert not page.roles & {"governor", "admin"}, page.key
    assert may_open("admin", "audit") and not may_open("teacher", "audit")
    assert not may_open("governor", "class_profile")


def test_sign_in_succeeds_and_is_audited(fixture_db):
    viewer = auth.sign_in(fixture_db, "head", PASSWORD)
    assert viewer.role == "head" and viewer.school_ids == (1,)
    row = fixture_db.cursor().execute("SELECT username, action FROM audit_log ORDER BY audit_id DESC LIMIT 1").fetchone()
    assert row == ("head", "sign_in")


def test_a_disabled_account_cannot_sign_in(fixture_db):
    auth.set_disabled(fixture_db, "admin", "teacher2")
    with pytest.raises(auth.SignInError):
        auth.sign_in(fixture_db, "teacher2", PASSWORD)
    auth.set_disabled(fixture_db, "admin", "teacher2", False)
    assert auth.sign_in(fixture_db, "teacher2", PASSWORD).role == "teacher"


def test_passwords_are_argon2id_hashes(fixture_db):
    auth.add_user(fixture_db, "admin", username="newhead", display_name="New Head", role="head",
                  password="a long enough password", school_ids=[2])  # school 2 has no head: no confirmation
    stored = fixture_db.cursor().execute("SELECT password_hash FROM users WHERE username = 'newhead'").fetchone()[0]
    assert stored.startswith("$argon2id$") and "a long enough password" not in stored
    with pytest.raises(auth.AccountError, match="12 characters"):
        auth.reset_password(fixture_db, "admin", "newhead", "short")


def test_production_hashes_cost_what_the_library_recommends(monkeypatch):
    """The suite hashes cheaply (tests/conftest.py sets SENDBOARD_TEST_ONLY_CHEAP_HASHES); without that hook a
    password is hashed with argon2id at the library's recommended cost (64 MiB, 3 passes, 4 lanes)."""
    from argon2 import PasswordHasher

    from sendboard import identity

    monkeypatch.delenv(identity.TEST_ONLY_CHEAP_HASHES, raising=False)
    production = identity._make_hasher()
    recommended = PasswordHasher()
    assert (production.memory_cost, production.time_cost, production.parallelism) == (65536, 3, 4) == (
        recommended.memory_cost, recommended.time_cost, recommended.parallelism)
    stored = production.hash("a long enough password")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert production.verify(stored, "a long enough password")
    monkeypatch.setenv(identity.TEST_ONLY_CHEAP_HASHES, "1")
    cheap = identity._make_hasher()
    assert cheap.memory_cost < production.memory_cost
    assert cheap.verify(stored, "a long enough password")  # a hash names its own cost: either kind verifies


def test_account_changes_are_audited_with_old_and_new(fixture_db):
    auth.set_role(fixture_db, "admin", "teacher2", "governor")
    row = fixture_db.cursor().execute(
        "SELECT action, object_id, old_value, new_value FROM audit_log ORDER BY audit_id DESC LIMIT 1").fetchone()
    assert row == ("user_role_changed", "teacher2", "teacher", "governor")


def test_sso_maps_an_email_to_its_account(fixture_db):
    claims = {"iss": "https://idp.example", "sub": "s1", "email_verified": True}
    assert auth.sign_in_sso(fixture_db, dict(claims, email="SENCO@oak.sch.uk")).username == "senco"
    with pytest.raises(auth.SignInError, match="not linked"):
        auth.sign_in_sso(fixture_db, dict(claims, sub="s2", email="stranger@example.com"))


def test_groups_in_scope(fixture_db, viewers):
    def groups(viewer):
        return {r[0] for r in fixture_db.cursor().execute(
            "SELECT group_id FROM visible_groups($v, DATE '2026-01-20')", {"v": viewer.user_id}).fetchall()}

    assert groups(viewers["head"]) == groups(viewers["senco"]) == groups(viewers["trust"]) == {201, 202}
    assert groups(viewers["teacher"]) == {201} and groups(viewers["teacher2"]) == {202}
    assert groups(viewers["governor"]) == groups(viewers["admin"]) == set()


def test_a_disabled_account_sees_nothing(fixture_db, viewers):
    from sendboard import auth

    auth.set_disabled(fixture_db, "admin", "head")
    assert visible(fixture_db, viewers["head"]) == set()
