"""Who a signed-in person is, and the password facts sign-in checks against: the account's Viewer as it
is now, the argon2id hasher, and the demo password's rule.

Below both ``sendboard.auth`` (accounts) and ``sendboard.signin`` (sessions and throttled sign-in), which
each read these, so neither has to import the other back.
"""
from __future__ import annotations

import os

from argon2 import PasswordHasher

from . import passwords
from .access import Viewer
from .db import Database

DEMO_PASSWORD = passwords.DEMO_PASSWORD
# A test-only hook: the test suite sets this (tests/conftest.py) so that its thousands of sign-ins and new
# accounts do not each spend 64 MiB and a quarter of a CPU second; the stored hash names its own parameters,
# so either kind verifies. tests/test_access.py checks that without it the hasher has the library's cost.
TEST_ONLY_CHEAP_HASHES = "SENDBOARD_TEST_ONLY_CHEAP_HASHES"


def _make_hasher() -> PasswordHasher:
    if os.environ.get(TEST_ONLY_CHEAP_HASHES) == "1":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # argon2id with the library's recommended cost


_HASHER = _make_hasher()
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


