"""A head's confirmation for the head and SENCO roles, and an account's link to its staff record.

The head and the SENCO see every pupil and every cost of their school, so an administrator (or anyone at
the command line) cannot hand out those roles alone once the school has a head: creating an account with
one, or promoting an account to one, records a *request* (table role_requests, migration 024) and changes
nothing else. An active head of one of the account's schools confirms or refuses it on the Users page; only
then is the account created or its role changed. A school with no head yet (a new database) needs no
confirmation, and `sendboard init` and the demo builder, which make a school's first accounts, are exempt.

sendboard.auth.add_user and auth.set_role call :func:`requires_confirmation` themselves, so no page or
command can skip the rule; they raise :class:`AwaitingConfirmation` after recording the request.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import audit, signin
from .access import ROLE_LABELS, AccessDenied, Viewer
from .db import Database

CONFIRMED_ROLES = frozenset({"head", "senco"})  # roles that wait for a confirmation
CONFIRMING_ROLES = frozenset({"head"})  # who confirms them (a head of one of the account's schools)


class RequestError(ValueError):
    """A confirmation or staff link that cannot be made as asked; the message says why."""


class AwaitingConfirmation(Exception):
    """The change was recorded as a request: nothing else changed until a head confirms it."""

    def __init__(self, message: str, request_id: int):
        super().__init__(message)
        self.request_id = request_id


def _actor_name(actor: Viewer | str) -> str:
    return actor.username if isinstance(actor, Viewer) else str(actor)


def heads_who_confirm(db: Database, school_ids, username: str) -> list[str]:
    """The active heads of these schools (not counting the account itself)."""
    return [r[0] for r in db.query_rows("security_active_heads_of", school_ids=[int(s) for s in school_ids],
                                        username=username)]


def requires_confirmation(db: Database, role: str, school_ids, username: str) -> bool:
    """Whether giving this role to this account on these schools waits for a head."""
    return role in CONFIRMED_ROLES and bool(school_ids) and bool(heads_who_confirm(db, school_ids, username))


def _refuse_duplicate(db: Database, username: str) -> None:
    if db.query_rows("security_pending_request_for", username=username):
        raise RequestError(f"{username!r} already has a head or SENCO role waiting for a head's confirmation: "
                           "a head confirms or refuses it on the Users page first.")


def _pending_message(db: Database, username: str, role: str, school_ids) -> str:
    heads = ", ".join(heads_who_confirm(db, school_ids, username))
    return (f"The {ROLE_LABELS[role]} role for {username} waits for a head's confirmation ({heads}). "
            "Nothing changes until a head confirms it on the Users page.")


def request_new_account(db: Database, actor: Viewer | str, *, username: str, display_name: str, role: str,
                        password_hash: str, school_ids, email: str | None, staff_id: int | None) -> None:
    """Record a request for a new head or SENCO account, audit it, and raise AwaitingConfirmation."""
    _refuse_duplicate(db, username)

    def work(w):
        request_id = int(w.run("security_request_insert", username=username, user_id=None, role=role,
                               display_name=display_name, email=email, password_hash=password_hash,
                               staff_id=staff_id, school_ids=[int(s) for s in school_ids],
                               requested_by=_actor_name(actor))[0][0])
        audit.record_change(w, actor, "role_requested", object_type="role_request", object_id=request_id,
                            new_value={"username": username, "role": role, "schools": [int(s) for s in school_ids],
                                       "new_account": True})
        return request_id

    request_id = db.write(work)
    raise AwaitingConfirmation(_pending_message(db, username, role, school_ids), request_id)


def request_promotion(db: Database, actor: Viewer | str, *, user_id: int, username: str, role: str, school_ids) -> None:
    """Record a request to promote an existing account, audit it, and raise AwaitingConfirmation."""
    _refuse_duplicate(db, username)

    def work(w):
        request_id = int(w.run("security_request_insert", username=username, user_id=int(user_id), role=role,
                               display_name=None, email=None, password_hash=None, staff_id=None,
                               school_ids=[int(s) for s in school_ids], requested_by=_actor_name(actor))[0][0])
        audit.record_change(w, actor, "role_requested", object_type="role_request", object_id=request_id,
                            new_value={"username": username, "role": role, "schools": [int(s) for s in school_ids],
                                       "new_account": False})
        return request_id

    request_id = db.write(work)
    raise AwaitingConfirmation(_pending_message(db, username, role, school_ids), request_id)


def pending(db: Database, viewer: Viewer) -> pd.DataFrame:
    """Requests waiting: a head sees those for their schools, an administrator every one."""
    if viewer.role == "admin":
        return db.query("security_requests_pending", all=True, school_ids=[])
    if viewer.role == "head":
        return db.query("security_requests_pending", all=False, school_ids=[int(s) for s in viewer.school_ids])
    raise AccessDenied("only a head confirms, and an administrator follows, head and SENCO role requests")


@dataclass(frozen=True)
class Decision:
    username: str
    role: str
    confirmed: bool


def decide(db: Database, head: Viewer, request_id: int, *, confirm: bool) -> Decision:
    """A head of one of the request's schools confirms (the account is created, or its role changed, and
    its sessions end) or refuses it. Audited as role_request_confirmed / role_request_refused."""
    if not isinstance(head, Viewer) or head.role not in CONFIRMING_ROLES:
        raise AccessDenied("only a head confirms the head and SENCO roles")
    rows = db.query_rows("security_request_row", request_id=int(request_id))
    if not rows:
        raise RequestError("That request does not exist.")
    (_, username, user_id, role, display_name, email, password_hash, staff_id, school_ids, requested_by,
     _, _, _, decision, request_kind) = rows[0]
    if decision is not None:
        raise RequestError(f"That request was already {decision}.")
    if not {int(s) for s in school_ids} & set(head.school_ids):
        audit.record(db, head, "access_refused", object_type="role_request", object_id=request_id)
        raise AccessDenied("that request is for a school you are not the head of")
    if requested_by.lower() == head.username.lower():
        raise RequestError("A request is confirmed by a head other than the person who made it.")
    if request_kind in HELD_CHANGES and username.lower() == head.username.lower():
        raise RequestError(f"A {HELD_CHANGES[request_kind]} for your own account is confirmed by another head, not by you.")
    if confirm and request_kind == "email" and email and any(
            r[1].lower() != username.lower() for r in db.query_rows("user_by_email", email=email)):
        raise RequestError(f"The e-mail {email!r} was given to another account since the request was made: refuse it.")
    if confirm and user_id is not None and not db.query_rows("user_by_id", user_id=int(user_id)):
        raise RequestError(f"The account {username!r} no longer exists: refuse the request.")
    if confirm and user_id is None and db.query_rows("user_by_username", username=username):
        raise RequestError(f"The username {username!r} was taken since the request was made: refuse it and add "
                           "the account again under another name.")

    def work(w):
        if not w.run("security_request_decide", request_id=int(request_id),
                     decision="confirmed" if confirm else "refused", decided_by=head.username):
            raise RequestError("That request was decided by someone else a moment ago.")
        if confirm and user_id is None:
            new_id = w.run("insert_user", username=username, display_name=display_name or username, email=email,
                           role=role, password_hash=password_hash, staff_id=staff_id, trust=None)[0][0]
            for school_id in school_ids:
                w.run("insert_user_school", user_id=new_id, school_id=int(school_id))
            audit.record_change(w, head, "user_added", object_type="user", object_id=username,
                                new_value={"role": role, "schools": [int(s) for s in school_ids], "email": email,
                                           "staff_id": staff_id, "request": int(request_id)})
        elif confirm and request_kind in HELD_CHANGES:
            _apply_held_change(w, head, request_id, request_kind, user_id=int(user_id), username=username,
                               password_hash=password_hash, email=email, requested_by=requested_by)
        elif confirm:
            old_role = w.query("user_by_id", user_id=int(user_id)).iloc[0]["role"]
            w.run("set_user_role", user_id=int(user_id), role=role)
            signin.revoke_account_sessions(w, int(user_id), "role changed")
            audit.record_change(w, head, "user_role_changed", object_type="user", object_id=username,
                                old_value=old_role, new_value=role)
        audit.record_change(w, head, "role_request_confirmed" if confirm else "role_request_refused",
                            object_type="role_request", object_id=int(request_id),
                            new_value={"username": username, "role": role,
                                       **({"change": request_kind} if request_kind in HELD_CHANGES else {})})

    db.write(work)
    return Decision(username, role, confirm)


# --------------------------------------------------------------------------- password and e-mail of heads and SENCOs

# What a held change is called in messages, by request_kind.
HELD_CHANGES = {"password": "new password", "email": "new e-mail for single sign-on"}


def hold_account_change(db: Database, actor: Viewer | str, kind: str, *, user_id: int, username: str, role: str,
                        password_hash: str | None = None, email: str | None = None) -> None:
    """Called by sendboard.auth.reset_password and sendboard.admin.set_email before they change anything.
    Someone signed in (an administrator) who sets a head's or SENCO's password, or the e-mail single sign-on
    links by, could then sign in as them; so the change is recorded as a request for another head of the
    account's schools (raising AwaitingConfirmation), or, for the school's only head, refused (RequestError
    naming the command line). The command line (the server's owner), a person's change to their own
    account, a SENCO of a school with no head (whose role needs no confirmation either) and every other
    role's account go ahead."""
    if not isinstance(actor, Viewer) or role not in CONFIRMED_ROLES or actor.user_id == int(user_id):
        return
    what = HELD_CHANGES[kind]
    school_ids = [int(s) for s in (db.query_rows("security_user_staff", username=username)[0][4] or [])]
    heads = heads_who_confirm(db, school_ids, username)
    if not heads and role != "head":
        return  # a SENCO of a school with no head: as for the role itself, there is nobody to confirm it
    if not heads:  # the school's only head: their account is the one nobody else may take over
        audit.record(db, actor, f"{kind}_change_refused", object_type="user", object_id=username,
                     detail={"reason": "no other head to confirm it"})
        command = (f"sendboard user reset-password {username}" if kind == "password"
                   else f"sendboard user set-email {username} ADDRESS")
        raise RequestError(f"{username} is their school's only head: no other head can confirm a {what}, "
                           f"so it cannot be set here. The server's owner sets it on the command line: {command}")
    if db.query_rows("security_pending_held_change_for", user_id=int(user_id), kind=kind):
        raise RequestError(f"A {what} for {username} is already waiting for a head's confirmation: a head "
                           "confirms or refuses it on the Users page first.")

    def work(w):
        request_id = int(w.run("security_held_change_insert", username=username, user_id=int(user_id), role=role,
                               password_hash=password_hash, email=email, school_ids=school_ids,
                               requested_by=_actor_name(actor), kind=kind)[0][0])
        audit.record_change(w, actor, f"{kind}_change_requested", object_type="role_request", object_id=request_id,
                            new_value={"username": username, "role": role})
        return request_id

    request_id = db.write(work)
    raise AwaitingConfirmation(f"The {what} for {username} ({ROLE_LABELS[role]}) waits for a head's confirmation "
                               f"({', '.join(heads)}). Until a head confirms it on the Users page, nothing changes.",
                               request_id)


def _apply_held_change(w, head: Viewer, request_id: int, kind: str, *, user_id: int, username: str,
                       password_hash: str | None, email: str | None, requested_by: str) -> None:
    """A confirmed password or e-mail change, inside the head's write; the account's sessions end."""
    why = {"request": int(request_id), "requested_by": requested_by}
    if kind == "password":
        w.run("set_user_password", user_id=int(user_id), password_hash=password_hash)
        signin.revoke_account_sessions(w, int(user_id), "password changed")
        audit.record_change(w, head, "password_reset", object_type="user", object_id=username, detail=why)
    else:
        old = w.query("user_by_id", user_id=int(user_id)).iloc[0]["email"]
        w.run("admin_set_user_email", username=username, email=email)
        signin.revoke_account_sessions(w, int(user_id), "e-mail changed")
        audit.record_change(w, head, "user_email_changed", object_type="user", object_id=username,
                            old_value=old, new_value=email, detail=why)


def hold_password_reset(db: Database, actor: Viewer | str, *, user_id: int, username: str, role: str,
                        password_hash: str) -> None:
    """hold_account_change for a new password (sendboard.auth.reset_password)."""
    hold_account_change(db, actor, "password", user_id=user_id, username=username, role=role,
                        password_hash=password_hash)


# --------------------------------------------------------------------------- staff links

STAFF_LINK_ROLES = frozenset({"admin"})  # the command line (run by whoever holds the file) may too


def find_staff(db: Database, key: str, school_ids) -> int:
    """The one staff record of these schools with this id or school e-mail; RequestError if none or several."""
    key = (key or "").strip()
    if not key:
        raise RequestError("Give a staff id or the person's school e-mail.")
    rows = db.query_rows("security_staff_lookup", key=key, school_ids=[int(s) for s in school_ids])
    if not rows:
        raise RequestError(f"No staff record of this account's school has the id or e-mail {key!r}: import the "
                           "staff file first, or check the value.")
    if len(rows) > 1:
        raise RequestError(f"{len(rows)} staff records have the e-mail {key!r}: give the staff id instead.")
    return int(rows[0][0])


def set_staff_link(db: Database, actor: Viewer | str, username: str, staff: str | int | None) -> int | None:
    """Link an account to a staff record of one of its schools (by id or e-mail), or unlink it (None or "").
    A teacher's classes come from this link. Audited as user_staff_changed with old and new staff ids."""
    if isinstance(actor, Viewer) and actor.role not in STAFF_LINK_ROLES:
        raise AccessDenied("only an administrator links accounts to staff records")
    rows = db.query_rows("security_user_staff", username=username)
    if not rows:
        raise RequestError(f"No account is called {username!r}.")
    user_id, name, _, old_staff, school_ids = rows[0]
    new_staff = None if staff in (None, "") else find_staff(db, str(staff), school_ids or [])
    if new_staff == old_staff:
        return new_staff

    def work(w):
        w.run("security_set_user_staff", user_id=int(user_id), staff_id=new_staff)
        audit.record_change(w, actor, "user_staff_changed", object_type="user", object_id=name,
                            old_value=old_staff, new_value=new_staff)

    db.write(work)
    return new_staff


def staff_choices(db: Database, viewer: Viewer, username: str) -> pd.DataFrame:
    """The staff records of the account's schools, for the Users page's link picker (administrators)."""
    if viewer.role not in STAFF_LINK_ROLES:
        raise AccessDenied("only an administrator links accounts to staff records")
    rows = db.query_rows("security_user_staff", username=username)
    school_ids = (rows[0][4] or []) if rows else []
    return db.query("security_staff_choices", school_ids=[int(s) for s in school_ids])
