"""Who a signed-in person is, and the password facts sign-in checks against: the account's Viewer as it
is now, the argon2id hasher, and the demo password's rule.

Below both ``sendboard.auth`` (accounts) and ``sendboard.signin`` (sessions and throttled sign-in), which
each read these, so neither has to import the other back.
"""
from __future__ import annotations

from argon2 import PasswordHasher

from . import passwords
from .access import Viewer
from .db import Database

DEMO_PASSWORD = passwords.DEMO_PASSWORD
_HASHER = PasswordHasher()  # argon2id with the library's recommended cost
# Verified against when a name has no account, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("no account has this password")

GENERIC_FAILURE = "That username and password do not match an active account."


def demo_password_allowed(db: Database) -> bool:
    """The published demo password works only on a demo database that holds no imported data: once a
    school imports its own pupils, or on a database made with `sendboard init`, it is refused."""
    return bool(db.scalar("setup_is_demo")) and not db.scalar("setup_has_imports")



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


