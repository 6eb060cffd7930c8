"""Accounts and sign-in: argon2id hashes, slow-down and lock-out, single sign-on mapping, demo accounts."""
from __future__ import annotations

import re
import time
from datetime import date, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from . import audit, clock, passwords
from .access import ROLES, Viewer
from .db import Database
from .settings import get_settings

DEMO_PASSWORD = passwords.DEMO_PASSWORD
_HASHER = PasswordHasher()  # argon2id with the library's recommended cost
# Verified against when a name has no account, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("no account has this password")

GENERIC_FAILURE = "That username and password do not match an active account."
USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")


class SignInError(Exception):
    """A sign-in that did not succeed; the message is safe to show (it never says whether a name exists)."""


class AccountError(ValueError):
    """A bad account change (unknown role, weak password, name taken); the message says which."""


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def demo_password_allowed(db: Database) -> bool:
    """The published demo password works only on a demo database that holds no imported data: once a
    school imports its own pupils, or on a database made with `sendboard init`, it is refused."""
    return bool(db.scalar("setup_is_demo")) and not db.scalar("setup_has_imports")


def check_password_strength(password: str, db: Database | None = None, username: str = "") -> None:
    """The password rules (sendboard.passwords), with every school's name in this database."""
    school_names = [r[0] for r in db.query_rows("setup_school_names")] if db is not None else []
    try:
        passwords.check(password, username=username, school_names=school_names,
                        demo_allowed=db is not None and demo_password_allowed(db))
    except passwords.PasswordRefused as exc:
        raise AccountError(str(exc)) from None


# --------------------------------------------------------------------------- viewers


def viewer_for(db: Database, user_id: int) -> Viewer | None:
    rows = db.query_rows("user_by_id", user_id=user_id)
    if not rows:
        return None
    user_id, username, display_name, _email, role, staff_id, trust, disabled = rows[0]
    if disabled:
        return None
    if role == "trust":
        schools = tuple(r[0] for r in db.query_rows("trust_school_ids", trust=trust))
    else:
        schools = tuple(r[0] for r in db.query_rows("user_school_ids", user_id=user_id))
    return Viewer(user_id=user_id, username=username, display_name=display_name, role=role,
                  school_ids=schools, trust=trust, staff_id=staff_id)


# --------------------------------------------------------------------------- sign-in


def sign_in(db: Database, username: str, password: str, *, sleep=time.sleep) -> Viewer:
    """Check a name and password. Failures slow down, then lock the name for a while; every attempt
    is audited. Raises SignInError with a message that is safe to show."""
    username = (username or "").strip()
    settings = get_settings(db)
    lock_failures = int(settings["lockout_failures"])
    lock_minutes = int(settings["lockout_minutes"])
    slowdown_after = int(settings["slowdown_after"])

    since = clock.now() - timedelta(minutes=lock_minutes)
    failures, _last = db.query_rows("recent_sign_in_failures", username=username, since=since)[0]
    if failures >= lock_failures:
        audit.record(db, username, "sign_in_locked", object_type="user", object_id=username)
        raise SignInError(
            f"Too many failed attempts. Sign-in for this name is locked for {lock_minutes} minutes; "
            "try again later or ask your administrator."
        )
    if failures >= slowdown_after:
        sleep(min(2 ** (failures - slowdown_after), 8))

    rows = db.query_rows("user_by_username", username=username)
    stored_hash = rows[0][5] if rows and rows[0][5] else _DUMMY_HASH
    try:
        ok = _HASHER.verify(stored_hash, password or "")
    except (VerificationError, InvalidHashError):
        ok = False
    if ok and rows and password == DEMO_PASSWORD and not demo_password_allowed(db):
        audit.record(db, username, "sign_in_refused", object_type="user", object_id=username,
                     detail="the demo password on a database holding a school's own data")
        raise SignInError("This account still has the demo's published password, which is refused once a school's "
                          "own data is in sendboard. Ask your administrator to set a new password "
                          "(Users page, or: sendboard user reset-password).")
    if not rows or rows[0][8] or not ok:
        audit.record(db, username, "sign_in_failed", object_type="user", object_id=username)
        left = lock_failures - failures - 1
        hint = f" {left} more failed attempt{'s' if left != 1 else ''} will lock sign-in for a while." if 0 < left <= 2 else ""
        if left <= 0:
            hint = f" Sign-in for this name is now locked for {lock_minutes} minutes."
        raise SignInError(GENERIC_FAILURE + hint)

    viewer = viewer_for(db, rows[0][0])
    db.write(lambda w: w.run("mark_signed_in", user_id=viewer.user_id))
    audit.record(db, viewer, "sign_in", object_type="user", object_id=viewer.username)
    return viewer


def sign_in_sso(db: Database, email: str | None) -> Viewer:
    """Map an e-mail address proved by the school's identity provider to an active account."""
    rows = db.query_rows("user_by_email", email=email or "") if email else []
    if not rows or rows[0][8]:
        audit.record(db, email, "sign_in_failed", object_type="sso", object_id=email, detail="no active account for this e-mail")
        raise SignInError(
            "You signed in with your school account, but it is not linked to a sendboard account. "
            "Ask your administrator to add your e-mail address."
        )
    viewer = viewer_for(db, rows[0][0])
    audit.record(db, viewer, "sign_in", object_type="sso", object_id=viewer.username, detail={"email": email})
    return viewer


def sign_out(db: Database, viewer: Viewer, *, reason: str = "signed out") -> None:
    audit.record(db, viewer, "sign_out", object_type="user", object_id=viewer.username, detail=reason)


# --------------------------------------------------------------------------- account management


def add_user(db: Database, actor: Viewer | str, *, username: str, display_name: str, role: str,
             password: str | None, school_ids=(), email: str | None = None, staff_id: int | None = None,
             trust: str | None = None, password_hash: str | None = None) -> int:
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
    if staff_id is None and email and school_ids:  # link to the staff record with the same school e-mail
        found = db.query_rows("setup_staff_by_email", email=email.strip(), school_ids=[int(s) for s in school_ids])
        staff_id = int(found[0][0]) if len(found) == 1 else None

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

    def work(w):
        w.run("set_user_role", user_id=user_id, role=role)
        audit.record_change(w, actor, "user_role_changed", object_type="user", object_id=username,
                            old_value=old_role, new_value=role)

    db.write(work)


def reset_password(db: Database, actor: Viewer | str, username: str, password: str) -> None:
    user_id, _ = _user_id(db, username)
    check_password_strength(password, db, username)
    new_hash = hash_password(password)

    def work(w):
        w.run("set_user_password", user_id=user_id, password_hash=new_hash)
        audit.record_change(w, actor, "password_reset", object_type="user", object_id=username)

    db.write(work)


def set_disabled(db: Database, actor: Viewer | str, username: str, disabled: bool = True) -> None:
    user_id, _ = _user_id(db, username)

    def work(w):
        w.run("set_user_disabled", user_id=user_id, disabled=disabled)
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
                 staff_id=staff_id)
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
