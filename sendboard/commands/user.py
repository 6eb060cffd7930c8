"""``sendboard user``: manage accounts from the command line (the Users page does the same)."""
from __future__ import annotations

import argparse

from .. import auth
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
            auth.add_user(db, actor, username=args.username, display_name=args.name or args.username, role=args.role,
                          password=read_new_password(args, f"Password for {args.username}"), school_ids=school_ids,
                          email=args.email, trust=args.trust)
            print(f"Added {args.username} ({args.role}).")
            staff_id = db.query_rows("user_by_username", username=args.username)[0][6]
            if args.role == "teacher" and staff_id is None:
                print(f"note: no current staff record in that school has the e-mail {args.email or '(none given)'}, so "
                      f"{args.username} sees no class yet: check the address, and import the staff file before "
                      "adding teachers' accounts.")
        elif args.action == "list":
            frame = auth.list_users(db)
            print(frame.to_string(index=False) if not frame.empty else "No accounts yet.")
        elif args.action == "set-role":
            auth.set_role(db, actor, args.username, args.role)
            print(f"{args.username} is now {args.role}.")
        elif args.action == "reset-password":
            auth.reset_password(db, actor, args.username, read_new_password(args, f"New password for {args.username}"))
            print(f"Password reset for {args.username}.")
        elif args.action in ("disable", "enable"):
            auth.set_disabled(db, actor, args.username, args.action == "disable")
            print(f"{args.username} {args.action}d.")
    except (auth.AccountError, PasswordInputError) as exc:
        print(f"sendboard: {exc}")
        return 1
    return 0
