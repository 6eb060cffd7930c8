"""``sendboard user``: manage accounts from the command line (the Users page does the same)."""
from __future__ import annotations

import argparse
import getpass

from .. import auth
from ..access import ROLES
from ..db import open_database


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=None, help="database file (default: SENDBOARD_DB)")
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="add an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", default="", help="display name")
    add.add_argument("--email", default=None)
    add.add_argument("--school", type=int, action="append", default=[], help="school id (repeatable)")
    add.add_argument("--trust", default=None, help="trust name, for the trust role")
    add.add_argument("--password", default=None, help="omit to be asked")
    sub.add_parser("list", help="list accounts")
    role = sub.add_parser("set-role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    reset = sub.add_parser("reset-password", help="set a new password (and re-enable the account)")
    reset.add_argument("username")
    reset.add_argument("--password", default=None, help="omit to be asked")
    disable = sub.add_parser("disable", help="stop an account signing in")
    disable.add_argument("username")
    enable = sub.add_parser("enable", help="let a disabled account sign in again")
    enable.add_argument("username")


def _password(given: str | None) -> str:
    if given:
        return given
    first = getpass.getpass("New password: ")
    if first != getpass.getpass("Again: "):
        raise auth.AccountError("The two passwords differ.")
    return first


def run(args: argparse.Namespace) -> int:
    db = open_database(args.db)
    actor = "cli"
    try:
        if args.action == "add":
            auth.add_user(db, actor, username=args.username, display_name=args.name or args.username, role=args.role,
                          password=_password(args.password), school_ids=args.school, email=args.email, trust=args.trust)
            print(f"Added {args.username} ({args.role}).")
        elif args.action == "list":
            frame = auth.list_users(db)
            print(frame.to_string(index=False) if not frame.empty else "No accounts yet.")
        elif args.action == "set-role":
            auth.set_role(db, actor, args.username, args.role)
            print(f"{args.username} is now {args.role}.")
        elif args.action == "reset-password":
            auth.reset_password(db, actor, args.username, _password(args.password))
            print(f"Password reset for {args.username}.")
        elif args.action in ("disable", "enable"):
            auth.set_disabled(db, actor, args.username, args.action == "disable")
            print(f"{args.username} {args.action}d.")
    except auth.AccountError as exc:
        print(f"sendboard: {exc}")
        return 1
    return 0
