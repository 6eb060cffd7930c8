"""Accounts and sign-in: argon2id hashes, throttled sign-in and single sign-on (through sendboard.signin), demo accounts."""
from __future__ import annotations

import re
from datetime import date

from . import audit, clock, identity, passwords, role_requests, signin
from .access import ROLES, Viewer
from .db import Database
from .identity import DEMO_PASSWORD, GENERIC_FAILURE, demo_password_allowed, viewer_for  # noqa: F401  (auth's own names)
from .settings import get_settings

USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")


class SignInError(Exception):
    """A sign-in that did not succeed; the message is safe to show (it never says whether a name exists)."""


class AccountError(ValueError):
    """A bad account change (unknown role, weak password, name taken); the message says which."""


def hash_password(password: str) -> str:
    return identity._HASHER.hash(password)


def check_password_strength(password: str, db: Database | None = None, username: str = "") -> None:
    """The password rules (sendboard.passwords), with every school's name in this database."""
    school_names = [r[0] for r in db.query_rows("setup_school_names")] if db is not None else []
    try:
        passwords.check(password, username=username, school_names=school_names,
                        demo_allowed=db is not None and demo_password_allowed(db))
    except passwords.PasswordRefused as exc:
        raise AccountError(str(exc)) from None


# --------------------------------------------------------------------------- sign-in


def sign_in(db: Database, username: str, password: str, *, source: str = "local", sleep=None) -> Viewer:
    """Check a name and password, throttled per source address and per account (sendboard.signin).
    Raises SignInError with a message that is safe to show. (`sleep` is accepted from older callers and
    unused: a sign-in that must wait is refused with the wait, never held on the server.)"""
    try:
        return signin.password_sign_in(db, username, password, source=source)
    except signin.SignInRefused as exc:
        raise SignInError(str(exc)) from None


def sign_in_sso(db: Database, claims: dict, policy=None) -> Viewer:
    """Find the account for an identity proved by the school's identity provider (sendboard.signin)."""
    try:
        return signin.sso_sign_in(db, claims, policy or signin.sso_policy(db))
    except signin.SignInRefused as exc:
        raise SignInError(str(exc)) from None


def sign_out(db: Database, viewer: Viewer, *, reason: str = "signed out") -> None:
    audit.record(db, viewer, "sign_out", object_type="user", object_id=viewer.username, detail=reason)


# --------------------------------------------------------------------------- account management


def add_user(db: Database, actor: Viewer | str, *, username: str, display_name: str, role: str,
             password: str | None, school_ids=(), email: str | None = None, staff_id: int | None = None,
             trust: str | None = None, password_hash: str | None = None, first_accounts: bool = False) -> int:
    """Add an account. The head and SENCO roles on a school that has a head only record a request for a
    head's confirmation (sendboard.role_requests), raising AwaitingConfirmation; ``first_accounts`` is for
    the callers that make a school's first accounts (`sendboard init`, the demo builder) and skips that."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise AccountError("A username is 2 to 40 characters: lower-case letters, digits, dot, dash or underscore, starting with a letter.")
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    if role == "trust" and not trust:
        raise AccountError("A trust SEND lead needs the trust's name.")
    if password_hash is None:
        if password is None:
            raise AccountError("Give a password.")
        check_password_strength(password, db, username)
        password_hash = hash_password(password)
    if db.query_rows("user_by_username", username=username):
        raise AccountError(f"The username {username!r} is already taken.")
    if db.query_rows("security_pending_request_for", username=username):
        raise AccountError(f"The username {username!r} is waiting for a head's confirmation already.")
    if staff_id is None and email and school_ids:  # link to the staff record with the same school e-mail
        found = db.query_rows("setup_staff_by_email", email=email.strip(), school_ids=[int(s) for s in school_ids])
        staff_id = int(found[0][0]) if len(found) == 1 else None
    if not first_accounts and role_requests.requires_confirmation(db, role, school_ids, username):
        role_requests.request_new_account(db, actor, username=username, display_name=display_name.strip() or username,
                                          role=role, password_hash=password_hash, school_ids=school_ids, email=email,
                                          staff_id=staff_id)

    def work(w):
        user_id = w.run("insert_user", username=username, display_name=display_name.strip() or username,
                        email=email, role=role, password_hash=password_hash, staff_id=staff_id, trust=trust)[0][0]
        for school_id in school_ids:
            w.run("insert_user_school", user_id=user_id, school_id=int(school_id))
        audit.record_change(w, actor, "user_added", object_type="user", object_id=username,
                            new_value={"role": role, "schools": list(school_ids), "email": email, "staff_id": staff_id})
        return user_id

    return db.write(work)


def _user_id(db: Database, username: str) -> tuple[int, str]:
    rows = db.query_rows("user_by_username", username=username)
    if not rows:
        raise AccountError(f"No account is called {username!r}.")
    return rows[0][0], rows[0][4]


def set_role(db: Database, actor: Viewer | str, username: str, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    user_id, old_role = _user_id(db, username)
    if role != old_role:
        school_ids = db.query_rows("security_user_staff", username=username)[0][4] or []
        if role_requests.requires_confirmation(db, role, school_ids, username):
            role_requests.request_promotion(db, actor, user_id=user_id, username=username, role=role,
                                            school_ids=school_ids)

    def work(w):
        w.run("set_user_role", user_id=user_id, role=role)
        if role != old_role:
            signin.revoke_account_sessions(w, user_id, "role changed")
        audit.record_change(w, actor, "user_role_changed", object_type="user", object_id=username,
                            old_value=old_role, new_value=role)

    db.write(work)


def reset_password(db: Database, actor: Viewer | str, username: str, password: str) -> None:
    user_id, role = _user_id(db, username)
    check_password_strength(password, db, username)
    new_hash = hash_password(password)
    # a head's or SENCO's new password set by someone signed in waits for another head (or is refused)
    role_requests.hold_password_reset(db, actor, user_id=user_id, username=username, role=role, password_hash=new_hash)

    def work(w):
        w.run("set_user_password", user_id=user_id, password_hash=new_hash)
        signin.revoke_account_sessions(w, user_id, "password changed")
        audit.record_change(w, actor, "password_reset", object_type="user", object_id=username)

    db.write(work)


def set_disabled(db: Database, actor: Viewer | str, username: str, disabled: bool = True) -> None:
    user_id, _ = _user_id(db, username)

    def work(w):
        w.run("set_user_disabled", user_id=user_id, disabled=disabled)
        if disabled:
            signin.revoke_account_sessions(w, user_id, "disabled")
        audit.record_change(w, actor, "user_disabled" if disabled else "user_enabled", object_type="user",
                            object_id=username, old_value=not disabled, new_value=disabled)

    db.write(work)


def list_users(db: Database):
    return db.query("users_list")


# --------------------------------------------------------------------------- the demo's accounts


def add_demo_accounts(db: Database, *, extra_teachers: int = 29, today=None) -> list[str]:
    """One account per role (the username is the role's name) plus teacher2..teacherN, all with the
    demo password. The first school's staff back the head, SENCO and teachers; the trust account sees
    every school of the first school's trust."""
    schools = db.query("all_schools")
    if schools.empty:
        raise AccountError("The database has no schools yet.")
    first = schools.iloc[0]
    school_id = int(first["school_id"])
    shared_hash = hash_password(DEMO_PASSWORD)  # one hash for all demo accounts: hashing is slow by design
    made = []

    def staff_name(role):
        rows = db.query_rows("first_staff_by_role", staff_role=role, school_id=school_id)
        return (rows[0][0], f"{rows[0][2]} {rows[0][3]}") if rows else (None, None)

    head_id, head_name = staff_name("headteacher")
    senco_id, senco_name = staff_name("senco")
    for username, role, name, staff_id in (
        ("head", "head", head_name or "Headteacher", head_id),
        ("senco", "senco", senco_name or "SENCO", senco_id),
        ("governor", "governor", "Chair of governors", None),
        ("admin", "admin", "Data manager", None),
    ):
        add_user(db, "demo", username=username, display_name=name, role=role, password=None,
                 password_hash=shared_hash, school_ids=[school_id], email=f"{username}@example.sch.uk",
                 staff_id=staff_id, first_accounts=True)
        made.append(username)
    trust = first["trust"] if isinstance(first["trust"], str) and first["trust"] else None
    if trust:
        add_user(db, "demo", username="trust", display_name="Trust SEND lead", role="trust", password=None,
                 password_hash=shared_hash, trust=trust, email="trust@example.org.uk")
        made.append("trust")

    if today is None:
        pinned = get_settings(db).get("demo_as_of")
        today = date.fromisoformat(pinned) if pinned else clock.today()
    teachers = db.query("teachers_with_groups", today=today)
    teachers = teachers[teachers["school_id"] == school_id].head(extra_teachers + 1)
    for i, row in enumerate(teachers.itertuples(index=False), start=1):
        username = "teacher" if i == 1 else f"teacher{i}"
        add_user(db, "demo", username=username, display_name=f"{row.first_name} {row.last_name}", role="teacher",
                 password=None, password_hash=shared_hash, school_ids=[school_id], staff_id=int(row.staff_id),
                 email=f"{username}@example.sch.uk")
        made.append(username)
    return made
