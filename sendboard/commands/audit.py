"""``sendboard audit``: check the audit log's hash chain, and list who saw a pupil.

    sendboard audit verify              exit 0 if every link holds, 3 (and the first broken link) if not;
                                        works while the app runs (it checks a consistent copy)
    sendboard audit who-saw UPN         every audited view, download or change that showed the pupil
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from .. import audit
from ..db import Database, DatabaseError, database_path, open_database


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=None, help="database file (default: SENDBOARD_DB)")
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("verify", parents=[common], help="recompute the hash chain and report the first broken link")
    who = sub.add_parser("who-saw", parents=[common], help="who saw this pupil: every audited view, download or change")
    who.add_argument("upn")


def _verify_file_in_use(path: Path) -> audit.ChainReport:
    """The app holds the file: check a consistent copy of it instead (taken as `sendboard backup` does)."""
    from ..backup import backup_file_in_use

    with tempfile.TemporaryDirectory(prefix="sendboard-verify-") as folder:
        copy = backup_file_in_use(path, "cli:audit verify", Path(folder) / "copy.duckdb").file
        db = Database(copy, read_only=True)
        try:
            return audit.verify(db)
        finally:
            db.close()


def run(args: argparse.Namespace) -> int:
    if args.action == "verify":
        path = Path(args.db) if args.db else database_path()
        if not path.is_file():
            print(f"sendboard: there is no database at {path}.", file=sys.stderr)
            return 1
        try:
            report = audit.verify(open_database(path))
        except DatabaseError as exc:
            if "open in another" not in str(exc):
                raise
            report = _verify_file_in_use(path)
        print(report.message(), file=sys.stdout if report.ok else sys.stderr)
        return 0 if report.ok else 3
    db = open_database(args.db)
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
