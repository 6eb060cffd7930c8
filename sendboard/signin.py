"""Sign-in sessions, throttling of failed passwords, and single sign-on identities bound to accounts.

Kept apart from Streamlit so the rules can be tested directly; `sendboard.ui` (the page frame) and
`sendboard.web` (the HTTP sign-in route) call in here.

Sessions: a sign-in makes a random token (256 bits). The browser keeps it in an HttpOnly cookie; the
database keeps only its SHA-256, so a copy of the database cannot sign anyone in. Every run of the app
looks the session up again and rebuilds the Viewer from the account as it is now, so disabling an
account, or changing its role or password, takes effect at the person's next click.

Throttling: failures are counted per source address and per account over an hour. After a few free
failures, each further attempt must wait a delay that doubles with every failure (1 s, 2 s, 4 s ...),
up to the longest wait (reached at a set count). An attempt made during the wait is refused without trying the password and without counting,
so hammering does not lengthen anyone's wait. The account's delay applies only to sources that have
failed themselves: the owner, typing the right password from a machine that has not failed, gets in.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError

from . import audit, identity
from .access import Viewer, require_admin
from .db import Database, Writer
from .identity import DEMO_PASSWORD, GENERIC_FAILURE, demo_password_allowed, viewer_for
from .settings import IntRange, get_int, get_settings

COOKIE_NAME = "sendboard_session"
TOKEN_BYTES = 32                     # 256 random bits; the issue asks for at least 128
TOUCH_EVERY = timedelta(seconds=5)   # last_seen is written at most this often per session
THROTTLE_WINDOW = timedelta(hours=1)
MAX_CONCURRENT_HASHES = 2            # argon2id costs 64 MiB each: a burst must not exhaust memory
HASH_WAIT_SECONDS = 10               # beyond that a sign-in is refused with a message, not queued forever

# The ranges the administrator may set (sendboard.settings.RANGE_HOMES): an idle time-out under 5 minutes
# signs people out mid-task, over 4 hours leaves an unattended screen open; a sign-in lasts at most a day;
# waits begin after 1 to 19 failures and the longest wait from 3 to 20 (always after the waits begin, checked
# by sendboard.admin); the longest wait is from 1 minute to a day.
IDLE_MINUTES_RANGE = IntRange(5, 240)
SESSION_HOURS_RANGE = IntRange(1, 24)
WAITS_FROM_RANGE = IntRange(1, 19)
LONGEST_WAIT_FROM_RANGE = IntRange(3, 20)
LONGEST_WAIT_MINUTES_RANGE = IntRange(1, 1440)

BUSY_MESSAGE = "Sign-in is busy at the moment. Please wait a few seconds and try again."
_hash_slots = threading.BoundedSemaphore(MAX_CONCURRENT_HASHES)


class SignInRefused(Exception):
    """A sign-in that did not succeed; the message is safe to show and never says whether a name exists."""


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _unversioned(db: Database, name: str, **params: Any) -> list[tuple]:
    """Run a named statement in its own tiny transaction without bumping the data version: sessions and
    failure counts are not data any page shows, and a click must not empty every cache."""
    return db.run_unversioned(name, **params)


# --------------------------------------------------------------------------- sessions


def max_age(db: Database) -> timedelta:
    return timedelta(hours=get_int(db, "session_max_hours"))


def idle_limit(db: Database) -> timedelta:
    return timedelta(minutes=get_int(db, "idle_timeout_minutes"))


def start_session(db: Database, user_id: int, method: str, *, now: datetime | None = None) -> str:
    """Open a session for an account; returns the token (to be put in the cookie, nowhere else)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    _unversioned(db, "signin_session_insert", token_hash=token_hash(token), user_id=int(user_id),
                 method=method, now=now, expires_at=now + max_age(db))
    return token


@dataclass(frozen=True)
class SessionState:
    """What a session lookup found: the account's Viewer if the session is alive, else why it is not."""

    viewer: Viewer | None
    method: str | None = None
    ended: str | None = None   # a sentence for the person, when the session has just ended


ENDED_MESSAGES = {
    "signed out": "You have signed out.",
    "idle": "You were signed out because the session was idle. Please sign in again.",
    "maximum age": "Your session reached its maximum length. Please sign in again.",
    "disabled": "Your account has been disabled, so you have been signed out. Ask your administrator if this is a mistake.",
    "deleted": "Your account no longer exists, so you have been signed out.",
    "role changed": "Your account's role was changed, so you have been signed out. Please sign in again.",
    "password changed": "Your password was changed, so you have been signed out. Please sign in again.",
    "identity unbound": "Your school account was unlinked from this account, so you have been signed out.",
}


def ended_message(why: str | None) -> str:
    return ENDED_MESSAGES.get(why or "", "Your session has ended. Please sign in again.")


def check_session(db: Database, hashed: str, *, now: datetime | None = None, touch: bool = True) -> SessionState:
    """Look a session up and rebuild its Viewer from the account as it is now. Ends (revokes) a session
    that is idle, too old, or whose account is disabled or gone."""
    now = now or utcnow()
    rows = _unversioned(db, "signin_session_with_account", token_hash=hashed)
    if not rows:
        return SessionState(None, ended=None)
    user_id, method, _created, last_seen, expires_at, revoked_at, revoked_why, exists, disabled, username = rows[0]
    if revoked_at is not None:
        return SessionState(None, method, ended=ended_message(revoked_why))
    why = None
    if not exists:
        why = "deleted"
    elif disabled:
        why = "disabled"
    elif now >= expires_at:
        why = "maximum age"
    elif now - last_seen > idle_limit(db):
        why = "idle"
    if why:
        end_session(db, hashed, why=why, now=now)
        audit.record(db, username, "sign_out", object_type="user", object_id=username, detail={"reason": why})
        return SessionState(None, method, ended=ended_message(why))
    viewer = viewer_for(db, user_id)
    if viewer is None:  # disabled between the two reads
        end_session(db, hashed, why="disabled", now=now)
        return SessionState(None, method, ended=ended_message("disabled"))
    if touch and now - last_seen >= TOUCH_EVERY:
        try:
            _unversioned(db, "signin_session_touch", token_hash=hashed, now=now)
        except Exception:  # two tabs touching one session at once: one write is enough
            pass
    return SessionState(viewer, method)


def session_alive(db: Database, hashed: str, *, now: datetime | None = None) -> bool:
    """Whether a session is still alive, without counting this look as activity (the idle watch)."""
    return check_session(db, hashed, now=now, touch=False).viewer is not None


def end_session(db: Database, hashed: str, *, why: str = "signed out", now: datetime | None = None) -> None:
    _unversioned(db, "signin_session_revoke", token_hash=hashed, now=now or utcnow(), why=why)


def revoke_account_sessions(writer: Writer, user_id: int, why: str) -> None:
    """End every session of an account, inside the caller's write (the change and the revocation commit
    together)."""
    writer.run("signin_sessions_revoke_user", user_id=int(user_id), now=utcnow(), why=why)


def open_session_count(db: Database, user_id: int) -> int:
    return int(_unversioned(db, "signin_sessions_open_count", user_id=int(user_id), now=utcnow())[0][0])


# --------------------------------------------------------------------------- throttling


def delay_after(failures: int, free: int, longest_from: int, longest: timedelta) -> timedelta:
    """The wait before the next attempt after `failures` recent failures: none for the first `free`,
    then 1 s, doubling with each further failure, and `longest` once there have been `longest_from`
    (never more than `longest`)."""
    if failures < free:
        return timedelta(0)
    if failures >= longest_from:
        return longest
    return min(timedelta(seconds=2 ** min(failures - free, 30)), longest)


@dataclass(frozen=True)
class Throttle:
    wait: timedelta
    source_failures: int
    account_failures: int


def throttle_for(db: Database, source: str, user_id: int | None, *, now: datetime) -> Throttle:
    free = get_int(db, "slowdown_after")
    longest_from = get_int(db, "lockout_failures")
    cap = timedelta(minutes=get_int(db, "lockout_minutes"))
    source_failures, source_last, account_failures, account_last = _unversioned(
        db, "signin_failures_recent", source=source, user_id=user_id, since=now - THROTTLE_WINDOW)[0]
    waits = [timedelta(0)]
    if source_failures:
        waits.append(source_last + delay_after(int(source_failures), free, longest_from, cap) - now)
        # the account's own delay binds only sources that have failed: its owner elsewhere is not held up
        if account_failures:
            waits.append(account_last + delay_after(int(account_failures), free, longest_from, cap) - now)
    return Throttle(max(waits), int(source_failures), int(account_failures or 0))


def _wait_text(wait: timedelta) -> str:
    seconds = max(1, int(wait.total_seconds() + 0.999))
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{(seconds + 59) // 60} minutes"


def password_sign_in(db: Database, username: str, password: str, *, source: str,
                     now: datetime | None = None) -> Viewer:
    """Check a name and password, throttled per source and per account. Every attempt is audited; a name
    that is not an account's is not stored anywhere (it may be a password typed in the wrong box)."""
    now = now or utcnow()
    forget_old(db, now=now)
    username = (username or "").strip()
    rows = db.query_rows("user_by_username", username=username) if username else []
    user_id = rows[0][0] if rows else None
    named = rows[0][1] if rows else None
    throttle = throttle_for(db, source, user_id, now=now)
    if throttle.wait > timedelta(0):
        audit.record(db, named, "sign_in_throttled", object_type="user", object_id=named,
                     detail={"wait_seconds": round(throttle.wait.total_seconds())})
        raise SignInRefused(f"Too many failed sign-ins. Wait {_wait_text(throttle.wait)} and try again.")

    if not _hash_slots.acquire(timeout=HASH_WAIT_SECONDS):
        audit.record(db, named, "sign_in_busy", object_type="user", object_id=named)
        raise SignInRefused(BUSY_MESSAGE)
    try:
        stored = rows[0][5] if rows and rows[0][5] else identity._DUMMY_HASH
        try:
            ok = identity._HASHER.verify(stored, password or "")
        except (VerificationError, InvalidHashError):
            ok = False
    finally:
        _hash_slots.release()

    if not rows or rows[0][8] or not ok:
        _unversioned(db, "signin_failure_insert", now=now, source=source, user_id=user_id)
        audit.record(db, named, "sign_in_failed", object_type="user", object_id=named,
                     detail=None if rows else "the name is not an account's (not stored)")
        left = throttle_for(db, source, user_id, now=now).wait
        hint = f" Wait {_wait_text(left)} before trying again." if left > timedelta(0) else ""
        raise SignInRefused(GENERIC_FAILURE + hint)

    if password == DEMO_PASSWORD and not demo_password_allowed(db):
        audit.record(db, named, "sign_in_refused", object_type="user", object_id=named,
                     detail="the demo password on a database holding a school's own data")
        raise SignInRefused("This account still has the demo's published password, which is refused once a "
                            "school's own data is in sendboard. Ask your administrator to set a new password "
                            "(Users page, or: sendboard user reset-password).")

    viewer = viewer_for(db, user_id)
    db.write(lambda w: w.run("mark_signed_in", user_id=viewer.user_id))
    audit.record(db, viewer, "sign_in", object_type="user", object_id=viewer.username)
    return viewer


def forget_old(db: Database, *, now: datetime | None = None) -> None:
    """Drop failure records and ended sessions that can no longer matter."""
    now = now or utcnow()
    _unversioned(db, "signin_failures_forget_old", before=now - THROTTLE_WINDOW)
    _unversioned(db, "signin_sessions_forget_old", before=now - timedelta(days=1))


# --------------------------------------------------------------------------- single sign-on


@dataclass(frozen=True)
class SsoPolicy:
    """Which identities a school accepts: its Google Workspace domain (`hd`) and/or Entra tenant (`tid`)."""

    allowed_domain: str = ""
    allowed_tenant: str = ""


def sso_policy(db: Database, secrets_section: Mapping[str, Any] | None = None) -> SsoPolicy:
    """The policy from secrets.toml's [sendboard_sso] section, else from the Users page settings."""
    settings = get_settings(db)
    section = dict(secrets_section or {})
    domain = str(section.get("allowed_domain") or settings.get("sso_allowed_domain") or "").strip().lower()
    tenant = str(section.get("allowed_tenant") or settings.get("sso_allowed_tenant") or "").strip().lower()
    return SsoPolicy(domain, tenant)


NOT_LINKED = ("You signed in with your school account, but it is not linked to a sendboard account. "
              "Ask your administrator to add your e-mail address.")
UNVERIFIED = ("Your school account's e-mail address is not verified by your identity provider, so it cannot "
              "be used to sign in here. Ask your IT administrator.")
OTHER_ORGANISATION = ("That account belongs to another organisation. Sign in with your account at this school.")
BOUND_ELSEWHERE = ("This sendboard account is already linked to a different school account. Ask your "
                   "administrator to unlink it if your school account has changed.")


def _true(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def identity_of(claims: Mapping[str, Any]) -> tuple[str, str]:
    """The provider's stable identity: its issuer and subject (Entra's object id `oid` when present,
    which is the same for the person across applications; otherwise `sub`)."""
    issuer = str(claims.get("iss") or "")
    subject = str(claims.get("oid") or claims.get("sub") or "") if claims.get("tid") else str(claims.get("sub") or "")
    return issuer, subject


def sso_sign_in(db: Database, claims: Mapping[str, Any], policy: SsoPolicy) -> Viewer:
    """Find the account for an identity the school's provider proved. An identity already bound is found
    by its subject alone. An unbound one needs a verified e-mail of an active account not yet bound at
    this provider, and is bound to it now. Raises SignInRefused with the reason."""
    email = str(claims.get("email") or "").strip()
    issuer, subject = identity_of(claims)

    def refuse(reason: str, message: str):
        audit.record(db, None, "sign_in_failed", object_type="sso", object_id=email or None,
                     detail={"reason": reason, "issuer": issuer})
        raise SignInRefused(message)

    if not issuer or not subject:
        refuse("no subject", NOT_LINKED)
    if policy.allowed_tenant and str(claims.get("tid") or "").lower() != policy.allowed_tenant:
        refuse("other tenant", OTHER_ORGANISATION)
    if policy.allowed_domain and str(claims.get("hd") or "").lower() != policy.allowed_domain:
        refuse("other domain", OTHER_ORGANISATION)

    bound = db.query_rows("signin_identity_by_subject", issuer=issuer, subject=subject)
    if bound:
        viewer = viewer_for(db, bound[0][0])
        if viewer is None:
            refuse("account disabled", NOT_LINKED)
        audit.record(db, viewer, "sign_in", object_type="sso", object_id=viewer.username)
        return viewer

    if "email_verified" in claims:
        verified = _true(claims.get("email_verified"))
    else:  # Entra sends no such claim: its e-mail is trusted only from the school's own tenant
        verified = bool(policy.allowed_tenant)
    if not email:
        refuse("no e-mail", NOT_LINKED)
    if not verified:
        refuse("e-mail not verified", UNVERIFIED)
    rows = db.query_rows("user_by_email", email=email)
    if not rows or rows[0][8]:
        refuse("no active account for this e-mail", NOT_LINKED)
    user_id, username = rows[0][0], rows[0][1]
    if db.query_rows("signin_identity_of_user", user_id=user_id, issuer=issuer):
        refuse("account bound to another identity", BOUND_ELSEWHERE)

    def bind(w):
        w.run("signin_identity_insert", user_id=user_id, issuer=issuer, subject=subject, email=email, now=utcnow())
        audit.record_change(w, username, "sso_bound", object_type="user", object_id=username,
                            new_value={"issuer": issuer})

    db.write(bind)
    viewer = viewer_for(db, user_id)
    audit.record(db, viewer, "sign_in", object_type="sso", object_id=viewer.username)
    return viewer


def unbind(db: Database, actor: Viewer, username: str) -> None:
    """Remove an account's single sign-on binding (its next single sign-on binds afresh by e-mail), and
    end its sessions. Administrators only; audited."""
    require_admin(actor)
    rows = db.query_rows("user_by_username", username=username)
    if not rows:
        raise ValueError(f"No account is called {username!r}.")
    user_id = rows[0][0]

    def work(w):
        w.run("signin_identity_delete_user", user_id=user_id)
        revoke_account_sessions(w, user_id, "identity unbound")
        audit.record_change(w, actor, "sso_unbound", object_type="user", object_id=rows[0][1])

    db.write(work)


def bound_accounts(db: Database, actor: Viewer):
    require_admin(actor)
    return db.query("signin_identities_list")


DOMAIN_PATTERN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
TENANT_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class PolicyError(ValueError):
    """A domain or tenant that cannot be right; the message names the field and the value."""


def set_sso_policy(db: Database, actor: Viewer, *, allowed_domain: str, allowed_tenant: str) -> dict:
    """Save which Google Workspace domain and Entra tenant single sign-on accepts (blank: any). Checked
    before anything is written; audited with old and new values. Returns what changed."""
    require_admin(actor)
    domain = (allowed_domain or "").strip().lower()
    tenant = (allowed_tenant or "").strip().lower()
    if domain and not DOMAIN_PATTERN.match(domain):
        raise PolicyError(f"Google Workspace domain: {domain!r} is not a domain name (for example yourschool.sch.uk).")
    if tenant and not TENANT_PATTERN.match(tenant):
        raise PolicyError(f"Entra tenant ID: {tenant!r} is not a directory (tenant) ID, which looks like "
                          "8-4-4-4-12 hexadecimal digits.")
    current = get_settings(db)
    changes = {key: (current.get(key, ""), new) for key, new in
               (("sso_allowed_domain", domain), ("sso_allowed_tenant", tenant)) if current.get(key, "") != new}

    def work(w):
        for key, (old, new) in changes.items():
            w.run("upsert_setting", key=key, value=new)
            audit.record_change(w, actor, "setting_changed", object_type="setting", object_id=key,
                                old_value=old, new_value=new)

    if changes:
        db.write(work)
    return changes
