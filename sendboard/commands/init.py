"""``sendboard init``: a new database for a school, with its first administrator and no demo data."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..db import database_path
from .passwords import PasswordInputError, add_password_stdin, read_new_password


def add_school_fields(parser: argparse.ArgumentParser) -> None:
    from ..schools import PHASES

    parser.add_argument("--urn", required=True, help="the school's six-digit URN (Get Information about Schools)")
    parser.add_argument("--name", required=True, help="the school's name")
    parser.add_argument("--phase", required=True, choices=PHASES)
    parser.add_argument("--la", required=True, metavar="LA_CODE", help="the local authority's three-digit code, e.g. 383")
    parser.add_argument("--la-name", default=None, help="the local authority's name, e.g. Leeds (optional)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None, help="the new database file (default: SENDBOARD_DB or data/sendboard.duckdb)")
    add_school_fields(parser)
    parser.add_argument("--trust", default=None, help="the school's trust, if it is in one")
    parser.add_argument("--admin", required=True, metavar="USERNAME", help="the first administrator's username")
    parser.add_argument("--admin-name", default=None, help="the administrator's name as shown in sendboard")
    add_password_stdin(parser)


def run(args: argparse.Namespace) -> int:
    from ..schools import NewSchool, SetupError, init_database

    path = args.db or database_path()
    school = NewSchool(urn=args.urn.strip(), name=args.name, phase=args.phase, la_code=args.la.strip(),
                       la_name=args.la_name, trust=args.trust)
    problems = school.problems()
    if path.exists():
        print(f"sendboard: {path} already exists. sendboard init makes a new database: choose a new file with --db, "
              "or add a school to this one with: sendboard school add", file=sys.stderr)
        return 1
    if problems:  # before asking for a password
        print("sendboard: " + "; ".join(problems) + ". Nothing was created.", file=sys.stderr)
        return 1
    try:
        password = read_new_password(args, f"Password for {args.admin}")
        init_database(path, school=school, admin_username=args.admin, admin_password=password,
                      admin_name=args.admin_name)
    except (SetupError, PasswordInputError) as exc:
        print(f"sendboard: {exc}", file=sys.stderr)
        return 1
    print(f"Created {path}: {school.name} (URN {school.urn}, {school.phase}) and the administrator {args.admin}.")
    print("Next: import the MIS files with `sendboard import` (staff, pupils, groups, SEN register...), then add "
          "accounts with `sendboard user add` (a teacher's account is linked to their staff record by e-mail). "
          "README: Start with your own data.")
    return 0
