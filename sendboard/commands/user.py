"""``sendboard user``: manage accounts from the command line (the Users page does the same)."""
from __future__ import annotations

import argparse

from .. import auth, role_requests
from ..access import ROLES
from ..app_db import open_database
from .passwords import PasswordInputError, add_password_stdin, read_new_password


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=None, help="database file (default: SENDBOARD_DB)")
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="add an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", default="", help="display name")
    add.add_argument("--email", default=None)
    add.add_argument("--school", action="append", default=[], metavar="URN",
                     help="the school's URN (or its sendboard id); repeat for several schools")
    add.add_argument("--trust", default=None, help="trust name, for the trust role")
    add.add_argument("--staff", default=None, metavar="STAFF_ID_OR_EMAIL",
                     help="link the account to this staff record of its school (its id, or its school e-mail as in "
                          "the staff file); a teacher sees the groups that staff record teaches")
    add_password_stdin(add)
    sub.add_parser("list", help="list accounts")
    role = sub.add_parser("set-role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    reset = sub.add_parser("reset-password", help="set a new password (and re-enable the account)")
    reset.add_argument("username")
    add_password_stdin(reset)
    disable = sub.add_parser("disable", help="stop an account signing in")
    disable.add_argument("username")
    enable = sub.add_parser("enable", help="let a disabled account sign in again")
    enable.add_argument("username")
    link = sub.add_parser("link-staff", help="link an account to a staff record (or unlink it with --none)")
    link.add_argument("username")
    link.add_argument("staff", nargs="?", default=None, metavar="STAFF_ID_OR_EMAIL")
    link.add_argument("--none", action="store_true", help="unlink the account from its staff record")
    email = sub.add_parser("set-email", help="set the e-mail single sign-on links the account by (or clear it with --none)")
    email.add_argument("username")
    email.add_argument("email", nargs="?", default=None, metavar="ADDRESS")
    email.add_argument("--none", action="store_true", help="clear the account's e-mail")
    sub.add_parser("pending", help="list head and SENCO roles and changes waiting for a head's confirmation")
    _db_after_action(sub)


def _db_after_action(sub) -> None:
    """--db may also come after the action ("sendboard user add x --db FILE"): each action's parser takes it
    too, with no default of its own, so a --db given before the action is kept."""
    for action in sub.choices.values():
        action.add_argument("--db", default=argparse.SUPPRESS, help="database file (default: SENDBOARD_DB)")


def run(args: argparse.Namespace) -> int:
    db = open_database(args.db)
    actor = "cli"
    try:
        if args.action == "add":
            from ..schools import SetupError, school_id_for

            try:
                school_ids = [school_id_for(db, school) for school in args.school]
            except SetupError as exc:
                raise auth.AccountError(str(exc)) from None
            staff_id = role_requests.find_staff(db, args.staff, school_ids) if args.staff else None
            try:
                auth.add_user(db, actor, username=args.username, display_name=args.name or args.username, role=args.role,
                              password=read_new_password(args, f"Password for {args.username}"), school_ids=school_ids,
                              email=args.email, trust=args.trust, staff_id=staff_id)
            except role_requests.AwaitingConfirmation as pending:
                # a head or SENCO on a school that has a head: recorded, not created (sendboard.role_requests)
                print(f"Not added yet: {pending}")
                return 0
            print(f"Added {args.username} ({args.role})" + (f", linked to staff record {staff_id}." if staff_id else "."))
            staff_id = db.query_rows("user_by_username", username=args.username)[0][6]
            if args.role == "teacher" and staff_id is None:
                print(f"note: no current staff record in that school has the e-mail {args.email or '(none given)'}, so "
                      f"{args.username} sees no class yet: check the address, and import the staff file before "
                      "adding teachers' accounts.")
        elif args.action == "list":
            frame = auth.list_users(db)
            print(frame.to_string(index=False) if not frame.empty else "No accounts yet.")
        elif args.action == "set-role":
            try:
                auth.set_role(db, actor, args.username, args.role)
            except role_requests.AwaitingConfirmation as pending:
                print(f"Not changed yet: {pending}")
                return 0
            print(f"{args.username} is now {args.role}.")
        elif args.action == "link-staff":
            if args.none == bool(args.staff):
                raise auth.AccountError("Give a staff id or e-mail to link, or --none to unlink (one of the two).")
            staff_id = role_requests.set_staff_link(db, actor, args.username, None if args.none else args.staff)
            print(f"{args.username} is linked to staff record {staff_id}." if staff_id else f"{args.username} is not linked to a staff record.")
        elif args.action == "set-email":
            from ..admin import AdminError, set_email

            if args.none == bool(args.email):
                raise auth.AccountError("Give an e-mail address, or --none to clear it (one of the two).")
            try:
                set_email(db, actor, args.username, None if args.none else args.email)
            except AdminError as exc:
                raise auth.AccountError(str(exc)) from None
            print(f"{args.username}'s e-mail is now {args.email}." if args.email else f"{args.username} has no e-mail now.")
        elif args.action == "pending":
            from ..access import Viewer

            frame = role_requests.pending(db, Viewer(0, "cli", "command line", "admin"))
            print(frame.to_string(index=False) if not frame.empty else "Nothing is waiting for a head's confirmation.")
        elif args.action == "reset-password":
            auth.reset_password(db, actor, args.username, read_new_password(args, f"New password for {args.username}"))
            print(f"Password reset for {args.username}.")
        elif args.action in ("disable", "enable"):
            auth.set_disabled(db, actor, args.username, args.action == "disable")
            print(f"{args.username} {args.action}d.")
    except (auth.AccountError, role_requests.RequestError, PasswordInputError) as exc:
        print(f"sendboard: {exc}")
        return 1
    return 0
