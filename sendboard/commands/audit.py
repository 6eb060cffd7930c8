"""``sendboard audit``: check the audit log's hash chain, and list who saw a pupil.

    sendboard audit verify              exit 0 if every link holds, 3 (and the first broken link) if not
    sendboard audit who-saw UPN         every audited view, download or change that showed the pupil
"""
from __future__ import annotations

import argparse
import sys

from .. import audit
from ..db import open_database


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=None, help="database file (default: SENDBOARD_DB)")
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("verify", parents=[common], help="recompute the hash chain and report the first broken link")
    who = sub.add_parser("who-saw", parents=[common], help="who saw this pupil: every audited view, download or change")
    who.add_argument("upn")


def run(args: argparse.Namespace) -> int:
    db = open_database(args.db)
    if args.action == "verify":
        report = audit.verify(db)
        print(report.message(), file=sys.stdout if report.ok else sys.stderr)
        return 0 if report.ok else 3
    rows = db.query_rows("data_pupil_by_upn", upn=args.upn.strip())
    if not rows:
        print(f"sendboard: no pupil with UPN {args.upn!r} is held.", file=sys.stderr)
        return 1
    frame = db.query("audit_who_saw_pupil", pupil_id=int(rows[0][0]))
    if frame.empty:
        print("No audited view, download or change has shown this pupil.")
        return 0
    print(frame.to_string(index=False))
    return 0
